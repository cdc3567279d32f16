"""Concurrent writes of one value: optimistic locking holds under a real race.

Twenty people save the same value from the same version at the same instant (threads
released by a barrier, each on its own connection): exactly one save wins, the others are
told of the conflict, nothing is lost and nothing fails with a server error. Then the
double click: the same form or API request sent twice at once stores one value and answers
the second clearly.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import DataCall, Measurement, Target
from metrics.services import ConflictError, TargetEntry, ValueEntry, save_targets, save_values
from plans.models import Metric, Office, User
from tests.factories import MeasurementFactory, MetricFactory
from tests.faults.conftest import THREADS, at_once

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
ROUNDS = 5


@pytest.fixture
def draft(data_call: DataCall, ero_metric: Metric, steward: User) -> Measurement:
    """ERO's FY2026 Q4 draft of 100, at version 1 with its creation in the history."""
    return MeasurementFactory(metric=ero_metric, value=Decimal(100), entered_by=steward)


def assert_one_new_version(draft: Measurement, value: Decimal) -> None:
    stored = Measurement.objects.get(pk=draft.pk)
    assert (stored.version, stored.value) == (draft.version + 1, value)
    history = list(stored.history.order_by("history_id").values_list("version", "value"))
    assert history == [(1, Decimal(100)), (2, value)]


def test_twenty_concurrent_service_saves_of_one_version_store_exactly_one(
    data_call: DataCall, offices: dict[str, Office], steward: User, draft: Measurement
) -> None:
    def save(number: int) -> Decimal:
        value = Decimal(1000 + number)
        entry = ValueEntry(metric=draft.metric, value=value, version=draft.version)
        save_values(data_call=data_call, office=offices["ERO"], entries=[entry], user=steward)
        return value

    results = at_once(THREADS, save)

    won = [result for result in results if isinstance(result, Decimal)]
    conflicts = [result for result in results if isinstance(result, ConflictError)]
    assert (len(won), len(conflicts)) == (1, THREADS - 1), results
    assert_one_new_version(draft, won[0])


def test_twenty_concurrent_api_patches_with_one_etag_answer_one_200_and_nineteen_412(
    data_call: DataCall, steward: User, draft: Measurement, api_for
) -> None:
    url = reverse("api:measurement-detail", args=[draft.pk])
    etag = f'"{draft.pk}-{draft.version}"'
    browsers = [api_for(steward) for _ in range(THREADS)]

    replies = at_once(
        THREADS,
        lambda n: browsers[n].send_json("PATCH", url, {"value": 1000 + n}, {"If-Match": etag}),
    )

    statuses = sorted(reply.status for reply in replies)
    assert statuses == [200] + [412] * (THREADS - 1), [r.body[:300] for r in replies]
    [winner] = [reply for reply in replies if reply.status == 200]
    assert winner.headers["ETag"] == f'"{draft.pk}-2"'
    assert all(r.json()["current_version"] == 2 for r in replies if r.status == 412)
    assert_one_new_version(draft, Decimal(winner.json()["value"]))


# Double submission -----------------------------------------------------------------------


def entry_form(browser, path: str) -> dict[str, str]:
    """The page's CSRF token, as the browser would post it back."""
    page = browser.request("GET", path)
    assert page.status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    return {"csrfmiddlewaretoken": token}


def post_twice_at_once(browser, path: str, fields: dict[str, str]) -> list:
    body = urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return at_once(2, lambda _n: browser.request("POST", path, body, headers))


def test_entry_form_saved_twice_at_once_stores_one_change_and_reshows_the_conflict(
    data_call: DataCall, steward: User, draft: Measurement, browser_for
) -> None:
    browser = browser_for(steward)
    path = reverse("metrics:quarter-entry", args=[data_call.pk, "ERO"])
    prefix = f"m{draft.metric_id}"
    fields = {
        **entry_form(browser, path),
        "action": "save",
        f"{prefix}-value": "4321",
        f"{prefix}-version": str(draft.version),
    }

    replies = post_twice_at_once(browser, path, fields)

    assert sorted(reply.status for reply in replies) == [200, 302], replies
    [reshown] = [reply for reply in replies if reply.status == 200]
    assert "while you were editing" in reshown.text
    assert_one_new_version(draft, Decimal(4321))


@pytest.fixture
def new_metrics(ero_metric: Metric) -> list[Metric]:
    """Five ERO metrics with no value yet: one double click each, because a race that is
    lost once in a while would let a regression pass."""
    return [ero_metric] + [
        MetricFactory(element=ero_metric.element, owner_office=ero_metric.owner_office)
        for _ in range(ROUNDS - 1)
    ]


def test_entry_form_first_value_saved_twice_at_once_stores_one_and_reshows_the_conflict(
    data_call: DataCall, new_metrics: list[Metric], steward: User, browser_for
) -> None:
    """No value stored yet: both requests find nothing to lock and both insert, so the
    second one meets the unique constraint rather than a version number."""
    browser = browser_for(steward)
    path = reverse("metrics:quarter-entry", args=[data_call.pk, "ERO"])
    page = {**entry_form(browser, path), "action": "save"}
    for metric in new_metrics:
        fields = {**page, f"m{metric.pk}-value": "4321"}

        replies = post_twice_at_once(browser, path, fields)

        assert sorted(reply.status for reply in replies) == [200, 302], [
            (r.status, r.body[-600:]) for r in replies
        ]
        [reshown] = [reply for reply in replies if reply.status == 200]
        assert "while you were editing" in reshown.text
        stored = Measurement.objects.get(metric=metric)
        assert (stored.value, stored.version, stored.history.count()) == (Decimal(4321), 1, 1)
        page |= {f"m{metric.pk}-value": "4321", f"m{metric.pk}-version": "1"}  # as reloaded


def test_api_create_sent_twice_at_once_answers_201_and_409(
    data_call: DataCall, new_metrics: list[Metric], steward: User, api_for
) -> None:
    clients = [api_for(steward) for _ in range(2)]
    url = reverse("api:measurement-list")
    for metric in new_metrics:
        body = {"data_call": data_call.pk, "metric": metric.pk, "value": 4321}

        replies = at_once(2, lambda n, body=body: clients[n].send_json("POST", url, body))

        assert sorted(reply.status for reply in replies) == [201, 409], [
            (r.status, r.body[-600:]) for r in replies
        ]
        [created] = [reply for reply in replies if reply.status == 201]
        [refused] = [reply for reply in replies if reply.status == 409]
        assert (
            f"already has a value for FY2026 Q4 (id {created.json()['id']})"
            in (refused.json()["detail"])
        )
        stored = Measurement.objects.get(metric=metric)
        assert (stored.value, stored.version, stored.history.count()) == (Decimal(4321), 1, 1)


def test_a_new_target_saved_twice_at_once_stores_one_and_refuses_the_other(
    new_metrics: list[Metric], steward: User
) -> None:
    """Targets have the same first-insert race as values: one stored, one ConflictError."""
    lead = steward  # save_targets checks no role: the views and the API do
    for metric in new_metrics:
        entries = [TargetEntry(fiscal_year=2026, quarter=4, value=Decimal(75))]

        results = at_once(
            2, lambda n, m=metric, e=entries: save_targets(metric=m, entries=e, user=lead)
        )

        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], ConflictError), results
        stored = Target.objects.get(metric=metric, fiscal_year=2026, quarter=4)
        assert (stored.value, stored.history.count()) == (Decimal(75), 1)


def test_saves_lock_only_the_value_rows_in_id_order(
    data_call: DataCall, offices: dict[str, Office], steward: User, draft: Measurement
) -> None:
    """Locking joined rows (the plan's, through the default ordering) made every office's
    save queue on the one plan row, and concurrent saves of two offices deadlocked under the
    load test. The lock now names the value rows only, taken in id order."""
    entry = ValueEntry(metric=draft.metric, value=Decimal(7), version=draft.version)
    with CaptureQueriesContext(connection) as queries:
        save_values(data_call=data_call, office=offices["ERO"], entries=[entry], user=steward)

    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert locks
    for sql in locks:
        assert 'FOR UPDATE OF "metrics_measurement"' in sql, sql
        assert 'ORDER BY "metrics_measurement"."id"' in sql, sql
