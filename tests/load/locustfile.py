"""The three journeys of the product as locust users, against the production stack.

    make stack && make load        # or: locust -f tests/load/locustfile.py --host ...

Each simulated user signs in once, through the real sign-in form with its CSRF token, as
its own account (`manage.py create_load_users N`: load-steward-<i>, load-lead-<i>,
load-reporter-<i>), then loops over its journey with a pause of 1-3 s between pages,
shorter than a person's, so that 25 users stand for a busy quarter-end:

1. `Steward` (data steward of an office owning metrics of the ICE plan): their data calls,
   the quarter entry form of the open Q4 call, and a draft save of a few changed values,
   posted as the browser does (multipart, every field, the version numbers the page gave).
   Two stewards of one office may save over each other: the later save is refused with
   the conflict message, which is a normal answer of the site, counted and not a failure.
2. `Lead` (working-group lead): the plan dashboard with filters (fiscal year, quarter,
   office, status), a metric's performance page, the targets-vs-actuals page, and the data
   call's board (who has not submitted).
3. `Reporter` (reporting staff): the annual reports, the FY2020 report's page, its preview
   with today's data, and the page and status of its latest build. Builds are not started
   here: one takes ~15 s of a core, so a loop of them would measure the Celery worker
   crowding out gunicorn on two cores; `prepare.py` makes one build before the test.

Request names are the page names the summary table uses (`summary.py`).
"""

from __future__ import annotations

import itertools
import random
import re
from datetime import date

from locust import HttpUser, between, events, task
from pages import (
    DATA_CALL_QUARTER,
    PLAN,
    REPORT_YEAR,
    SIGN_IN,
    csrf_token,
    form_posting_to,
    forms_of,
    last_ended_q4,
    links,
    password,
)

CONFLICT = "while you were editing"
VALUE_FIELD = re.compile(r"^m(\d+)-value$")
# Draft saves refused because another steward saved first: a normal answer, not a failure.
counts = {"conflicts": 0}


class SignedInUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    stem = ""
    _numbers = itertools.count(1)

    def on_start(self) -> None:
        # One account per simulated user, numbered per journey.
        cls = type(self)
        self.username = f"load-{cls.stem}-{next(cls._numbers)}"
        page = self.client.get(SIGN_IN, name="sign-in page")
        data = {"csrfmiddlewaretoken": csrf_token(page.text), "username": self.username}
        data["password"] = password()
        with self.client.post(
            SIGN_IN, data=data, name="sign in", allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"{self.username} not signed in ({answer.status_code})")
                self.stop()

    def page(self, url: str, name: str, expect: str = "") -> str:
        """GET a page; a wrong status or a missing text is a failure."""
        with self.client.get(url, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")
            elif expect and expect not in answer.text:
                answer.failure(f"{expect!r} not on the page")
            return answer.text


class Steward(SignedInUser):
    """Journey 1: a data steward fills in the quarter's values and saves a draft."""

    weight = 2
    stem = "steward"

    def on_start(self) -> None:
        super().on_start()
        calls = self.page("/data-calls/", "data calls")
        label = f"FY{last_ended_q4(date.today())} Q{DATA_CALL_QUARTER}"
        board = re.search(rf'href="(/data-calls/\d+/)">{label}<', calls)
        if board is None:
            raise RuntimeError(f"No {label} data call: run tests/load/prepare.py")
        entry = links(
            self.page(board.group(1), "data call board"), r"/data-calls/\d+/offices/[^/\"]+/entry/"
        )
        if not entry:
            raise RuntimeError(f"{self.username} may enter no office's values in {label}")
        self.entry_url = entry[0].replace("&amp;", "&")

    @task
    def save_draft(self) -> None:
        self.page("/data-calls/", "data calls")
        html = self.page(self.entry_url, "quarter entry", expect="Save draft")
        form = form_posting_to(html, "")
        if form is None:
            return
        fields = self._changed(form.fields)
        # multipart/form-data like the browser (the form carries an evidence file input).
        body = [(name, (None, value)) for name, value in [*fields, ("action", "save")]]
        with self.client.post(
            self.entry_url,
            files=body,
            name="quarter entry: save draft",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code == 302:
                answer.success()
            elif answer.status_code == 200 and CONFLICT in answer.text:
                counts["conflicts"] += 1
                answer.success()
            else:
                answer.failure(f"not saved ({answer.status_code})")
                return
        if answer.status_code == 302:
            self.page(self.entry_url, "quarter entry", expect="saved as a draft")

    @staticmethod
    def _changed(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The form's fields with two or three values changed by a few percent (or set)."""
        metric_values = [name for name, _value in fields if VALUE_FIELD.match(name)]
        chosen = set(random.sample(metric_values, min(3, len(metric_values))))
        changed = []
        for name, value in fields:
            if name in chosen:
                try:
                    value = str(max(1, round(float(value) * random.uniform(0.97, 1.03))))
                except ValueError:
                    value = str(random.randint(40, 95))
            changed.append((name, value))
        return changed


class Lead(SignedInUser):
    """Journey 2: a working-group lead reviews the plan's progress."""

    weight = 2
    stem = "lead"
    dashboard = f"/plans/{PLAN}/dashboard/"

    def on_start(self) -> None:
        super().on_start()
        dashboard = self.page(self.dashboard, "dashboard")
        filters = next(f for f in forms_of(dashboard) if "office" in f.options)
        self.offices = filters.options["office"]  # "" (every office) first
        tva = self.page(f"/plans/{PLAN}/targets-vs-actuals/", "targets vs actuals")
        self.metrics = links(tva, r"/metrics/\d+/performance/")
        calls = self.page("/data-calls/", "data calls")
        self.board = (links(calls, r"/data-calls/\d+/") or [""])[0]

    @task(3)
    def dashboard_filtered(self) -> None:
        office = random.choice(self.offices).replace("&amp;", "&")
        status = random.choice(["", "", "on_track", "off_track", "no_data"])
        params = {"fy": REPORT_YEAR, "q": 4, "office": office, "status": status}
        with self.client.get(
            self.dashboard, params=params, name="dashboard (filtered)", catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")

    @task(1)
    def dashboard_whole_plan(self) -> None:
        """The dashboard as the plan page links it: this quarter, every office."""
        self.page(self.dashboard, "dashboard")

    @task(2)
    def metric_page(self) -> None:
        if self.metrics:
            self.page(random.choice(self.metrics), "metric page")

    @task(1)
    def targets_vs_actuals(self) -> None:
        self.page(f"/plans/{PLAN}/targets-vs-actuals/?fy={REPORT_YEAR}", "targets vs actuals")

    @task(1)
    def data_call_board(self) -> None:
        if self.board:
            self.page(self.board, "data call board")


class Reporter(SignedInUser):
    """Journey 3: reporting staff read the annual report, its preview and its build."""

    weight = 1
    stem = "reporter"

    def on_start(self) -> None:
        super().on_start()
        reports = self.page("/reports/", "annual reports")
        match = re.search(rf'href="(/reports/\d+/)"[^>]*>[^<]*{REPORT_YEAR}', reports)
        if match is None:
            raise RuntimeError(f"No FY{REPORT_YEAR} report: run load_seed_data")
        self.report = match.group(1)

    @task
    def read_report(self) -> None:
        self.page("/reports/", "annual reports")
        html = self.page(self.report, "annual report")
        self.page(f"{self.report}preview/", "annual report preview")
        builds = links(html, r"/reports/builds/\d+/")
        if builds:
            self.page(builds[0], "report build")
            self.page(f"{builds[0]}status/", "report build status")


@events.test_stop.add_listener
def _report_conflicts(environment, **_kwargs) -> None:
    print(f"Draft saves refused as conflicts (a normal answer): {counts['conflicts']}")
