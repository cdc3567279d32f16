"""Fixtures for the fault tests: real transactions on PostgreSQL, real HTTP, real workers.

Every test here is marked `faults` and uses `django_db(transaction=True)`: the races and
crashes they provoke only exist between separate connections that commit, which the usual
test-in-a-transaction cannot show. On SQLite they are skipped (SQLite serialises writers
and has no row locks to test); under CI=true a missing PostgreSQL or Redis fails the run
instead, because CI always has both.

The data is the one the metrics tests use: the ERO steward enters "Removals completed" (a
count) in the plan's FY2026 Q4 data call, open from ten days ago until ten days from now.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from metrics.models import DataCall
from plans.models import Membership, Metric, Office, Plan, User
from tests.factories import DataCallFactory, UserFactory

# The goal, objective and "Removals completed" metric are the metrics tests' own.
from tests.metrics.conftest import ero_metric, objective, today  # noqa: F401

Role = Membership.Role
FAULTS_DIR = Path(__file__).resolve().parent
REDIS_URL = os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379/11")
THREADS = 20


def skip_or_fail(reason: str) -> None:
    """Skip locally; on CI a missing prerequisite must fail, not pass unnoticed."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _not_postgresql() -> str | None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return None
    return (
        f"Fault tests need PostgreSQL (row locks, concurrent connections); the database is "
        f"{engine}. Set DATABASE_URL=postgres://..."
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip at once on SQLite, before a test database is even created (this hook sees the
    whole session's items: only this directory's are touched)."""
    reason = _not_postgresql()
    if reason is None or os.environ.get("CI") == "true":
        return
    for item in items:
        if FAULTS_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _needs_postgresql() -> None:
    """Under CI=true the tests are not skipped above: fail them here instead."""
    if reason := _not_postgresql():
        skip_or_fail(reason)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database of the fault tests' own (11 unless FAULTS_REDIS_URL says otherwise),
    emptied before and after the test."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        skip_or_fail(f"Fault tests need Redis at {REDIS_URL}: {error}")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name>), for the
    scripts and workers started as subprocesses."""
    params = connection.settings_dict
    user = quote(params["USER"] or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


# Data -------------------------------------------------------------------------------------


@pytest.fixture
def data_call(plan: Plan, today: date, ero_metric: Metric) -> DataCall:  # noqa: F811 (fixtures)
    """FY2026 Q4, open since ten days ago and due in ten days."""
    return DataCallFactory(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=10),
    )


@pytest.fixture
def steward(offices: dict[str, Office]) -> User:
    user = UserFactory(username="steward-ero", first_name="Sam", last_name="Steward")
    Membership.objects.create(user=user, office=offices["ERO"], role=Role.DATA_STEWARD)
    return user


# Real HTTP --------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class Browser:
    """One person's HTTP client for the live server, holding their session cookie.

    http.client rather than the test Client: the test Client runs the view in the calling
    thread on that thread's connection, so it cannot show two requests racing. The cookies
    are sent by hand because the session cookie is `Secure` (tests run as production does)
    and the live server speaks plain HTTP.
    """

    def __init__(self, base_url: str, user: User, *, token: bool = False) -> None:
        self.netloc = urlsplit(base_url).netloc
        self.cookies: dict[str, str] = {}
        self.token = Token.objects.get_or_create(user=user)[0].key if token else ""
        if not token:
            client = Client()
            client.force_login(user)
            self.cookies["sessionid"] = client.cookies["sessionid"].value

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Reply:
        headers = headers or {}
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **headers}
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        conn = http.client.HTTPConnection(self.netloc, timeout=60)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            reply = Reply(response.status, dict(response.getheaders()), response.read())
            set_cookies = response.headers.get_all("Set-Cookie") or []
        finally:
            conn.close()
        for cookie in set_cookies:
            if match := re.match(r"(csrftoken|sessionid)=([^;]*)", cookie):
                self.cookies[match[1]] = match[2]
        return reply

    def send_json(self, method: str, path: str, data: dict, headers: dict | None = None) -> Reply:
        headers = {"Content-Type": "application/json", **(headers or {})}
        return self.request(method, path, json.dumps(data).encode(), headers)


@pytest.fixture
def browser_for(live_server) -> Callable[[User], Browser]:
    """browser_for(user): signed in with a session, as the pages are used."""
    return lambda user: Browser(live_server.url, user)


@pytest.fixture
def api_for(live_server) -> Callable[[User], Browser]:
    """api_for(user): signed in with the user's API token, as systems call the API."""
    return lambda user: Browser(live_server.url, user, token=True)


def at_once(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Runs action(0..count-1) in `count` threads released together by a barrier; returns
    each one's result, or the exception it raised. Each thread closes its own database
    connection, as a request does when it ends."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[number] = action(number)
        except Exception as error:  # kept for the test to show
            results[number] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
