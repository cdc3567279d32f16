"""Sets the stage for the load test through the site itself, as a working-group lead would.

`python tests/load/prepare.py http://127.0.0.1:8001`, after `create_load_users`:

1. opens the plan's data call for the Q4 that ended last (the stewards' offices own annual
   metrics, which only a Q4 call collects), due three weeks from today at the earliest;
   when it exists and is already closed, grants every office an exception for a week;
2. makes sure the FY2020 annual report has a finished build (HTML, PDF, Word, Excel),
   starting one and waiting for it when it has none, so that journey 3 reads a build's
   page and its files while the test never starts builds itself.

Runs before locust starts, so none of this is timed. Exits non-zero when the stage cannot
be set.
"""

from __future__ import annotations

import re
import sys
import time
from datetime import date, timedelta

import requests
from pages import (
    DATA_CALL_QUARTER,
    PLAN,
    REPORT_YEAR,
    SIGN_IN,
    csrf_token,
    form_posting_to,
    last_ended_q4,
    links,
    password,
)

LEAD = "load-lead-1"
BUILD_WAIT_SECONDS = 300


def sign_in(session: requests.Session, base: str, username: str) -> None:
    page = session.get(base + SIGN_IN, timeout=30)
    data = {"csrfmiddlewaretoken": csrf_token(page.text), "username": username}
    data["password"] = password()
    answer = session.post(base + SIGN_IN, data=data, allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        sys.exit(f"Sign-in as {username} failed ({answer.status_code}): run create_load_users.")


def ensure_data_call(session: requests.Session, base: str, today: date) -> str:
    fiscal_year = last_ended_q4(today)
    label = f"FY{fiscal_year} Q{DATA_CALL_QUARTER}"
    url = f"{base}/plans/{PLAN}/data-calls/"
    page = session.get(url, timeout=30)
    existing = re.search(rf'href="(/data-calls/\d+/)">{label}<', page.text)
    if existing:
        return _keep_open(session, base, existing.group(1), today, label)
    opens = date(fiscal_year, 10, 1)
    form = form_posting_to(page.text, "")
    if form is None:
        sys.exit(f"{LEAD} may not open data calls on {url}.")
    data = form.data() | {
        "fiscal_year": str(fiscal_year),
        "quarter": str(DATA_CALL_QUARTER),
        "opens_on": opens.isoformat(),
        "due_on": max(opens + timedelta(days=45), today + timedelta(days=21)).isoformat(),
    }
    answer = session.post(url, data=data, allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        sys.exit(f"Opening the {label} data call failed ({answer.status_code}).")
    board = answer.headers["Location"]
    print(f"prepare: opened the {label} data call of {PLAN} ({board}).")
    return board


def _keep_open(session: requests.Session, base: str, board: str, today: date, label: str) -> str:
    """An existing call past its due date: a week's exception for every office."""
    page = session.get(base + board, timeout=30)
    if "app-status--overdue" not in page.text:
        print(f"prepare: the {label} data call of {PLAN} is open ({board}).")
        return board
    form = form_posting_to(page.text, "/exceptions/")
    if form is None:
        sys.exit(f"The {label} data call is closed and {LEAD} may not grant exceptions.")
    until = (today + timedelta(days=7)).isoformat()
    for office in filter(None, form.options.get("office", [])):
        data = form.data() | {"office": office, "until": until, "reason": "Load test"}
        session.post(base + form.action, data=data, timeout=30)
    print(f"prepare: the {label} data call was closed; exceptions granted until {until}.")
    return board


def ensure_build(session: requests.Session, base: str) -> None:
    reports = session.get(f"{base}/reports/", timeout=30)
    match = re.search(rf'href="(/reports/\d+/)"[^>]*>[^<]*{REPORT_YEAR}', reports.text)
    if match is None:
        sys.exit(f"No FY{REPORT_YEAR} annual report: run load_seed_data.")
    page = session.get(base + match.group(1), timeout=30)
    if links(page.text, r"/reports/files/\d+/"):
        print(f"prepare: the FY{REPORT_YEAR} report has a finished build.")
        return
    form = form_posting_to(page.text, "/builds/")
    if form is None:
        sys.exit(f"{LEAD} may not build the FY{REPORT_YEAR} report.")
    answer = session.post(base + form.action, data=form.fields, allow_redirects=False, timeout=30)
    build = answer.headers.get("Location", "")
    if answer.status_code != 302 or not build:
        sys.exit(f"Starting a build failed ({answer.status_code}).")
    started = time.monotonic()
    while time.monotonic() - started < BUILD_WAIT_SECONDS:
        status = session.get(f"{base}{build}status/", timeout=30).json()
        if status["done"]:
            seconds = time.monotonic() - started
            print(f"prepare: build {build} ended {status['status']} in {seconds:.0f} s.")
            return
        time.sleep(2)
    sys.exit(f"Build {build} did not finish in {BUILD_WAIT_SECONDS} s: is the worker running?")


def main() -> None:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8001").rstrip("/")
    session = requests.Session()
    sign_in(session, base, LEAD)
    ensure_data_call(session, base, date.today())
    ensure_build(session, base)


if __name__ == "__main__":
    main()
