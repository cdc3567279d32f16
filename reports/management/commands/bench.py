"""`make bench`: server time, SQL queries and peak memory of the heavy pages, at scale.

Data is generated into a scratch database made the way the test runner makes one (never
the configured database), measured, and dropped. Each case prints one JSON line:
    {"case", "rows", "median_ms", "queries", "floor_ms", "ratio", "peak_kib"}
`median_ms` is the median of several warm runs of the full request through the Django test
client; `floor_ms` the median of one hand-written SQL query fetching the same numbers (what
the page cannot beat); `ratio` = median_ms / floor_ms, comparable across noisy machines.
"""

from __future__ import annotations

import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.urls import reverse
from django.utils import timezone

from metrics.models import DataCall, Measurement, Target
from metrics.periods import FiscalQuarter
from plans.models import Membership, Metric, Office, Plan, PlanElement, User

RUNS = 7
WARMUPS = 2
# As in the tests: the test client's host, static files without a collectstatic manifest,
# and a cheap password hasher for the generated users.
BENCH_SETTINGS = {
    "ALLOWED_HOSTS": ["testserver"],
    "STORAGES": {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


class Command(BaseCommand):
    help = "Benchmark the heavy pages on generated data in a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=RUNS)
        parser.add_argument(
            "--sizes", default="20,200", help="Metric counts for the entry-form cases."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        old_config = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(**BENCH_SETTINGS):
                for size in (int(n) for n in options["sizes"].split(",")):
                    for result in entry_form_cases(size, options["runs"]):
                        self.stdout.write(json.dumps(result))
        finally:
            teardown_databases(old_config, verbosity=0)


def measure(action: Callable[[], Any], runs: int) -> tuple[float, int, int]:
    """(median ms, queries of the last run, peak KiB of the last run) over warm runs."""
    for _ in range(WARMUPS):
        action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(timings), len(queries), peak // 1024


def line(case: str, rows: int, page: tuple[float, int, int], floor_ms: float) -> dict:
    median_ms, queries, peak = page
    return {
        "case": case,
        "rows": rows,
        "median_ms": round(median_ms, 2),
        "queries": queries,
        "floor_ms": round(floor_ms, 3),
        "ratio": round(median_ms / floor_ms, 1) if floor_ms else None,
        "peak_kib": peak,
    }


def entry_form_cases(size: int, runs: int) -> list[dict]:
    """Loading and submitting the entry form of an office with `size` quarterly metrics."""
    data_call, office, steward = build_office(size)
    client = Client()
    client.force_login(steward)
    url = reverse("metrics:quarter-entry", args=[data_call.pk, office.code])
    load = measure(lambda: client.get(url), runs)
    counter = iter(range(10**6))

    def submit() -> None:
        step = next(counter)
        response = client.post(url, entry_post(data_call, office, step))
        assert response.status_code == 302, response.status_code

    save = measure(submit, runs)
    floor = measure(lambda: entry_floor(data_call, office), runs)[0]
    return [
        line(f"entry_form_load_{size}", size, load, floor),
        line(f"entry_form_save_{size}", size, save, floor),
    ]


def build_office(size: int) -> tuple[DataCall, Office, User]:
    """A plan with `size` quarterly metrics owned by one office, each with targets and four
    quarters of approved values, and an open data call for the current quarter."""
    agency = Office.objects.create(code=f"AG{size}", name="Agency", kind=Office.Kind.AGENCY)
    office = Office.objects.create(
        code=f"PO{size}", name="Program office", kind=Office.Kind.PROGRAM_OFFICE, parent=agency
    )
    plan = Plan.objects.create(title=f"Bench {size}", slug=f"bench-{size}", owner=agency)
    goal = PlanElement.objects.create(plan=plan, level=1, number="1", title="Goal", order=1)
    objectives = [
        PlanElement.objects.create(
            plan=plan, parent=goal, level=2, number=f"1.{i}", title=f"Objective {i}", order=i
        )
        for i in range(1, 11)
    ]
    metrics = Metric.objects.bulk_create(
        Metric(
            element=objectives[i % 10],
            name=f"Metric {i}",
            owner_office=office,
            unit=Metric.Unit.COUNT,
            aggregation=Metric.Aggregation.SUM,
            order=i,
        )
        for i in range(size)
    )
    today = timezone.localdate()
    current = FiscalQuarter.from_date(today)
    Measurement.objects.bulk_create(
        Measurement(
            metric=metric,
            fiscal_year=q.fiscal_year,
            quarter=q.quarter,
            value=Decimal(100 + n),
            status=Measurement.Status.APPROVED,
        )
        for metric in metrics
        for n, q in enumerate(current.last(4))
    )
    Target.objects.bulk_create(
        Target(metric=m, fiscal_year=current.fiscal_year, quarter=current.quarter, value=100)
        for m in metrics
    )
    data_call = DataCall.objects.create(
        plan=plan,
        fiscal_year=current.fiscal_year,
        quarter=current.quarter,
        opens_on=today - timedelta(days=5),
        due_on=today + timedelta(days=30),
    )
    steward = User.objects.create_user(f"steward{size}", password="bench-password-not-real")
    Membership.objects.create(user=steward, office=office, role=Membership.Role.DATA_STEWARD)
    return data_call, office, steward


def entry_post(data_call: DataCall, office: Office, step: int) -> dict[str, str]:
    """The form as the browser sends it, with new values each time so that rows change."""
    stored = {
        m.metric_id: m.version
        for m in Measurement.objects.filter(
            fiscal_year=data_call.fiscal_year, quarter=data_call.quarter
        )
    }
    post = {"action": "save"}
    for metric_id in Metric.objects.filter(owner_office=office).values_list("pk", flat=True):
        post[f"m{metric_id}-value"] = str(100 + step)
        post[f"m{metric_id}-explanation"] = "Benchmark value."
        if metric_id in stored:
            post[f"m{metric_id}-version"] = str(stored[metric_id])
    return post


def entry_floor(data_call: DataCall, office: Office) -> list[tuple]:
    """The numbers the entry page shows, in one hand-written query: each metric with its
    value and target for the quarter and its values of the four quarters before."""
    quarters = FiscalQuarter(data_call.fiscal_year, data_call.quarter).last(4)
    first = quarters[0]
    sql = """
        SELECT m.id, m.name, e.number, cur.value, t.value, past.fiscal_year, past.quarter,
               past.value
        FROM plans_metric m
        JOIN plans_planelement e ON e.id = m.element_id
        LEFT JOIN metrics_measurement cur ON cur.metric_id = m.id
             AND cur.fiscal_year = %s AND cur.quarter = %s
        LEFT JOIN metrics_target t ON t.metric_id = m.id
             AND t.fiscal_year = %s AND t.quarter = %s
        LEFT JOIN metrics_measurement past ON past.metric_id = m.id
             AND (past.fiscal_year * 10 + past.quarter) >= %s
             AND (past.fiscal_year * 10 + past.quarter) < %s
        WHERE m.owner_office_id = %s AND e.plan_id = %s
        ORDER BY e.number, m.id
    """
    params = [
        data_call.fiscal_year,
        data_call.quarter,
        data_call.fiscal_year,
        data_call.quarter,
        first.fiscal_year * 10 + first.quarter,
        data_call.fiscal_year * 10 + data_call.quarter,
        office.pk,
        data_call.plan_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
