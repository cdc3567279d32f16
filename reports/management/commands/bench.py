"""`make bench`: server time, SQL queries and peak memory of the heavy pages, at scale.

Data is generated into a scratch database made the way the test runner makes one (never
the configured database; `bench_<name>` on PostgreSQL, in memory on SQLite), measured, and
dropped. Each case prints one JSON line:
    {"case", "rows", "median_ms", "queries", "floor_ms", "ratio", "peak_kib"}
`median_ms` is the median of several warm runs of the full request through the Django test
client; `floor_ms` the median of one hand-written SQL query fetching the same numbers (what
the page cannot beat); `ratio` = median_ms / floor_ms, comparable across noisy machines.
A case whose page still answers 404 (not built yet) prints {"case", "skipped"} instead.

Data sets, generated with bulk_create (no history rows) in one transaction each:
- entry: an office with N quarterly metrics and an open data call (N = 20, 200);
- tva: one plan with 200 and one with 1,000 quarterly metrics, 20 quarters (five fiscal
  years) of quarterly targets and approved values each;
- department: 20 plans of 250 metrics (5,000), five fiscal years of quarterly targets and
  approved values, a data call per plan and quarter; the dashboard and the metric page are
  measured on its first plan.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import os
import platform
import pstats
import sqlite3
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, transaction
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
from metrics.periods import FiscalQuarter, FiscalYear
from metrics.seed import load_fy2020_figures
from plans import sessions
from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from plans.seed import load_seed_data
from reports import annual
from reports.builds import render_format
from reports.models import AnnualReport
from reports.seed import load_fy2020_report

RUNS = 7
WARMUPS = 2
QUICK_RUNS = 2
BATCH = 2000  # rows per INSERT (SQLite splits further by its bound-parameter limit)
CHUNK = 10_000  # model instances held in memory at once while generating
YEARS = 5
ENTRY_SIZES = (20, 200)
TVA_SIZES = (200, 1000)
DEPT_PLANS, DEPT_METRICS_PER_PLAN = 20, 250
CASES = (
    "home-page",
    "entry-page-20",
    "entry-submit-20",
    "entry-page-200",
    "entry-submit-200",
    "tva-200x20",
    "tva-1000x20",
    "tva-excel-200x20",
    "dashboard-dept",
    "metric-page",
    "report-fy2020-html",
    "report-fy2020-pdf",
    "report-fy2020-docx",
    "report-fy2020-xlsx",
)
REPORT_FORMATS = ("html", "pdf", "docx", "xlsx")
NOT_BUILT = "page not built yet"
# As in the tests: the test client's host, static files without a collectstatic manifest,
# and a cheap password hasher for the generated users.
BENCH_SETTINGS = {
    "ALLOWED_HOSTS": ["testserver"],
    # The test client speaks plain HTTP: no redirect to HTTPS.
    "SECURE_SSL_REDIRECT": False,
    "STORAGES": {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


class Command(BaseCommand):
    help = "Benchmark the heavy pages on generated data in a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", default=",".join(CASES), help="Comma list of cases.")
        parser.add_argument("--runs", type=int, default=RUNS)
        parser.add_argument("--quick", action="store_true", help="Two runs: a smoke test.")
        parser.add_argument(
            "--markdown", action="store_true", help="Also print the results as a table."
        )
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="Also profile one more run of each case (cProfile) and print its N costliest "
            "functions by own time, to standard error.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = [name.strip() for name in options["cases"].split(",") if name.strip()]
        unknown = sorted(set(wanted) - set(CASES))
        if unknown:
            raise CommandError(f"Unknown cases: {', '.join(unknown)}. Known: {', '.join(CASES)}")
        bench = Bench(
            wanted,
            runs=QUICK_RUNS if options["quick"] else options["runs"],
            warmups=1 if options["quick"] else WARMUPS,
            profile=options["profile"],
            errors=self.stderr,
        )
        use_own_scratch_database()
        old_config = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(**BENCH_SETTINGS):
                for result in bench.run():
                    self.stdout.write(json.dumps(result))
                    self.stdout.flush()
                if options["markdown"]:
                    self.stdout.write(markdown(bench.results, bench.runs))
        finally:
            teardown_databases(old_config, verbosity=0)


def use_own_scratch_database() -> None:
    """`bench_<name>` rather than the test runner's `test_<name>` on PostgreSQL, so that a
    bench and a test run do not drop each other's database; SQLite stays in memory."""
    for alias in connections:
        settings_dict = connections[alias].settings_dict
        if connections[alias].vendor != "sqlite":
            test = settings_dict.setdefault("TEST", {})
            test["NAME"] = f"bench_{settings_dict['NAME']}"


class Bench:
    def __init__(
        self, wanted: list[str], *, runs: int, warmups: int, profile: int = 0, errors: Any = None
    ) -> None:
        self.wanted, self.runs, self.warmups = set(wanted), runs, warmups
        self.profile, self.errors = profile, errors
        self.results: list[dict] = []

    def run(self) -> Iterator[dict]:
        groups: list[tuple[tuple[str, ...], Callable[[], Iterator[dict]]]] = [
            *(
                (
                    (f"entry-page-{n}", f"entry-submit-{n}", *(("home-page",) if n == 20 else ())),
                    lambda n=n: self.entry(n),
                )
                for n in ENTRY_SIZES
            ),
            (("tva-200x20", "tva-1000x20", "tva-excel-200x20"), self.tva),
            (("dashboard-dept", "metric-page"), self.department),
            (tuple(f"report-fy2020-{fmt}" for fmt in REPORT_FORMATS), self.annual_report),
        ]
        for names, cases in groups:
            if self.wanted & set(names):
                for result in cases():
                    self.results.append(result)
                    yield result

    def measure(
        self, action: Callable[[], Any], client: Client | None = None
    ) -> tuple[float, int, int]:
        fresh = (lambda: _restart_idle_clock(client)) if client is not None else None
        result = measure(action, self.runs, self.warmups, fresh=fresh)
        if self.profile:
            self.errors.write(profile(action, self.profile))
        return result

    def floor(self, query: Callable[[], Any]) -> float:
        return self.measure(query)[0]

    # Entry form (journey 1) -------------------------------------------------------------

    def entry(self, size: int) -> Iterator[dict]:
        """Loading and submitting the entry form of an office with `size` quarterly metrics."""
        with transaction.atomic():
            data_call, office, steward = build_office(size)
        client = _client(steward)
        if size == ENTRY_SIZES[0] and "home-page" in self.wanted:
            # What any page costs before its own work: the cheapest signed-in page (the
            # site's frame around a list of one plan), against the floor of its numbers.
            home = self.measure(_get(client, reverse("plans:plan-list")), client)
            yield line("home-page", 1, home, self.floor(lambda: home_floor(data_call.plan_id)))
        url = reverse("metrics:quarter-entry", args=[data_call.pk, office.code])
        floor = self.floor(lambda: entry_floor(data_call, office))
        if f"entry-page-{size}" in self.wanted:
            yield line(f"entry-page-{size}", size, self.measure(_get(client, url), client), floor)
        if f"entry-submit-{size}" in self.wanted:
            counter = iter(range(10**6))

            def submit() -> None:
                response = client.post(url, entry_post(data_call, office, next(counter)))
                assert response.status_code == 302, response.status_code

            yield line(f"entry-submit-{size}", size, self.measure(submit, client), floor)

    # Targets vs actuals -----------------------------------------------------------------

    def tva(self) -> Iterator[dict]:
        years = bench_years()
        for size in TVA_SIZES:
            names = [f"tva-{size}x20", f"tva-excel-{size}x20"]
            if not self.wanted & set(names):
                continue
            with transaction.atomic():
                plan, viewer = build_tva_plan(size, years)
            analyze()
            client = _client(viewer)
            query = f"?fy_from={years[0]}&fy_to={years[-1]}"
            floor = self.floor(lambda plan=plan: values_floor(years, plan_id=plan.pk))
            page = reverse("reports:tva", args=[plan.slug]) + query
            xlsx = reverse("reports:tva-xlsx", args=[plan.slug]) + query
            for name, url in zip(names, (page, xlsx), strict=True):
                if name not in self.wanted:
                    continue
                if _status(client, url) == 404:
                    yield {"case": name, "skipped": NOT_BUILT}
                    continue
                yield line(name, size, self.measure(_get(client, url), client), floor)

    # Department scale -------------------------------------------------------------------

    def department(self) -> Iterator[dict]:
        years = bench_years()
        started = time.perf_counter()
        with transaction.atomic():
            plan, metric, lead = build_department(years)
        analyze()
        generated = round(time.perf_counter() - started, 1)
        client = _client(lead)
        last = years[-1]
        dashboard = reverse("reports:plan-dashboard", args=[plan.slug]) + f"?fy={last}&q=4"
        metric_url = reverse("reports:metric-page", args=[metric.pk])
        plan_size = DEPT_METRICS_PER_PLAN
        cases = [
            # The dashboard's trend goes eight quarters back: up to three fiscal years.
            (
                "dashboard-dept",
                dashboard,
                plan_size,
                lambda: values_floor([last - 2, last], plan_id=plan.pk),
            ),
            (
                "metric-page",
                metric_url,
                len(years) * 5,
                lambda: values_floor(years, metric_id=metric.pk),
            ),
        ]
        for name, url, rows, floor_query in cases:
            if name not in self.wanted:
                continue
            if _status(client, url) == 404:
                yield {"case": name, "skipped": NOT_BUILT}
                continue
            page = self.measure(_get(client, url), client)
            result = line(name, rows, page, self.floor(floor_query))
            yield result | {"generated_s": generated}

    # Annual report (journey 3) ---------------------------------------------------------

    def annual_report(self) -> Iterator[dict]:
        """Building the FY2020 report (seed 004) in each format, from its stored content: the
        snapshot of approved values, the composition and the rendering; storing the file is
        left out. The floor is the snapshot's reads alone."""
        load_seed_data()
        load_fy2020_figures()
        load_fy2020_report()
        report = AnnualReport.objects.select_related("plan__owner").get(fiscal_year=2020)
        content = annual.report_content(report)
        floor = self.floor(lambda: annual.take_snapshot(report.plan, content))
        figures = len(annual.take_snapshot(report.plan, content)["figures"])
        for fmt in REPORT_FORMATS:
            name = f"report-fy2020-{fmt}"
            if name not in self.wanted:
                continue

            def build(fmt: str = fmt) -> None:
                snapshot = annual.take_snapshot(report.plan, annual.report_content(report))
                render_format(annual.compose(content, snapshot), fmt)

            yield line(name, figures, self.measure(build), floor)


def measure(
    action: Callable[[], Any],
    runs: int,
    warmups: int = WARMUPS,
    fresh: Callable[[], None] | None = None,
) -> tuple[float, int, int]:
    """(median ms, queries of one more run, peak KiB of that run) over warm runs; `fresh`
    runs before the counted run."""
    for _ in range(warmups):
        action()
    # As config/wsgi.py does at start-up: what is loaded by now lives as long as the process.
    gc.collect()
    gc.freeze()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    if fresh is not None:
        fresh()
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    gc.unfreeze()
    return statistics.median(timings), len(queries), peak // 1024


def profile(action: Callable[[], Any], top: int) -> str:
    """One run under cProfile: its `top` functions by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(action)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


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


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _restart_idle_clock(client: Client) -> None:
    """Counts the queries of a page in the middle of a session, not of the one request a
    minute that restarts the session's idle clock (plans/sessions.py)."""
    session = client.session
    sessions.restart(session)
    session.save()


def _get(client: Client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def _status(client: Client, url: str) -> int:
    return client.get(url).status_code


def analyze() -> None:
    """Planner statistics for the freshly loaded tables, as a live database would have."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench_years() -> list[int]:
    """The five fiscal years ending with the last one that has ended: every value is due."""
    last = FiscalYear.from_date(timezone.localdate()).year - 1
    return list(range(last - YEARS + 1, last + 1))


def in_chunks(objects: Iterable[Any], model: type) -> None:
    """bulk_create in chunks, so that memory holds CHUNK instances at most."""
    iterator = iter(objects)
    while chunk := list(islice(iterator, CHUNK)):
        model.objects.bulk_create(chunk, batch_size=BATCH)


# Generated data ---------------------------------------------------------------------------


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


def build_tva_plan(size: int, years: list[int]) -> tuple[Plan, User]:
    """A plan of `size` quarterly metrics with targets and approved values for every quarter
    of `years`, and a viewer in its owner office."""
    agency = Office.objects.create(code=f"TVA{size}", name=f"Agency {size}", kind="agency")
    offices = _program_offices(agency, 5)
    plan = build_plan(f"tva-{size}", agency, offices, size, years)
    viewer = User.objects.create_user(f"viewer-tva{size}", password="bench-password-not-real")
    Membership.objects.create(user=viewer, office=agency, role=Membership.Role.VIEWER)
    return plan, viewer


def build_department(years: list[int]) -> tuple[Plan, Metric, User]:
    """A department of DEPT_PLANS agencies with a plan each, DEPT_METRICS_PER_PLAN metrics
    per plan, and a working-group lead in the department, who reaches every plan."""
    department = Office.objects.create(code="DEPT", name="Department", kind="department")
    plans = []
    for n in range(1, DEPT_PLANS + 1):
        agency = Office.objects.create(
            code=f"DA{n:02}", name=f"Agency {n}", kind="agency", parent=department
        )
        offices = _program_offices(agency, 5)
        plans.append(build_plan(f"dept-{n:02}", agency, offices, DEPT_METRICS_PER_PLAN, years))
    DataCall.objects.bulk_create(
        DataCall(
            plan=plan,
            fiscal_year=year,
            quarter=quarter,
            opens_on=q.end + timedelta(days=1),
            due_on=q.end + timedelta(days=45),
        )
        for plan in plans
        for year in years
        for quarter in (1, 2, 3, 4)
        for q in [FiscalQuarter(year, quarter)]
    )
    lead = User.objects.create_user("lead-dept", password="bench-password-not-real")
    Membership.objects.create(user=lead, office=department, role=Membership.Role.WORKING_GROUP_LEAD)
    metric = Metric.objects.filter(element__plan=plans[0]).order_by("pk").first()
    return plans[0], metric, lead


def _program_offices(agency: Office, count: int) -> list[Office]:
    return Office.objects.bulk_create(
        Office(
            code=f"{agency.code}-P{n}",
            name=f"{agency.name} program office {n}",
            kind=Office.Kind.PROGRAM_OFFICE,
            parent=agency,
        )
        for n in range(1, count + 1)
    )


def build_plan(
    slug: str, owner: Office, offices: list[Office], size: int, years: list[int]
) -> Plan:
    """Four goals of five objectives of two sub-objectives; `size` metrics spread over the
    sub-objectives, mixing rules, directions and units; a target and an approved value for
    each quarter of `years`, the values 85% to 114% of their targets."""
    plan = Plan.objects.create(
        title=f"Bench plan {slug}",
        slug=slug,
        owner=owner,
        status=Plan.Status.ACTIVE,
        start_fiscal_year=years[0],
        end_fiscal_year=years[-1],
    )
    goals = _elements(plan, [(None, str(g), g) for g in range(1, 5)])
    objectives = _elements(plan, [(g, f"{g.number}.{o}", o) for g in goals for o in range(1, 6)])
    leaves = _elements(plan, [(o, f"{o.number}.{s}", s) for o in objectives for s in (1, 2)])
    metrics = Metric.objects.bulk_create(
        (_metric(i, leaves[i % len(leaves)], offices[i % len(offices)]) for i in range(size)),
        batch_size=BATCH,
    )
    periods = [(year, quarter) for year in years for quarter in (1, 2, 3, 4)]
    in_chunks((_target(m, y, q) for m in metrics for y, q in periods), Target)
    in_chunks((_value(m, y, q) for m in metrics for y, q in periods), Measurement)
    return plan


def _elements(plan: Plan, rows: list[tuple[PlanElement | None, str, int]]) -> list[PlanElement]:
    return PlanElement.objects.bulk_create(
        PlanElement(
            plan=plan,
            parent=parent,
            level=number.count(".") + 1,
            number=number,
            title=f"Element {number}",
            order=order,
        )
        for parent, number, order in rows
    )


AGGREGATIONS = ("sum", "latest", "average", "cumulative")


def _metric(i: int, element: PlanElement, office: Office) -> Metric:
    percentage = i % 10 == 9
    return Metric(
        element=element,
        name=f"Metric {i}: share of cases closed within the service standard",
        owner_office=office,
        kind=Metric.Kind.PERCENTAGE if percentage else Metric.Kind.NUMERIC,
        unit=Metric.Unit.PERCENT if percentage else ("count", "dollars", "days")[i % 3],
        direction=Metric.Direction.DECREASE if i % 7 == 6 else Metric.Direction.INCREASE,
        aggregation=AGGREGATIONS[i % 4],
        order=i,
    )


def _target(metric: Metric, year: int, quarter: int) -> Target:
    base = 80 if metric.kind == Metric.Kind.PERCENTAGE else 100 + metric.pk % 50
    return Target(metric=metric, fiscal_year=year, quarter=quarter, value=Decimal(base))


def _value(metric: Metric, year: int, quarter: int) -> Measurement:
    factor = 85 + (metric.pk * 7 + quarter * 3 + year) % 30  # percent of the target
    if metric.kind == Metric.Kind.PERCENTAGE:
        numerator = Decimal(min(200, 160 * factor // 100))
        return Measurement(
            metric=metric,
            fiscal_year=year,
            quarter=quarter,
            value=numerator / 2,
            numerator=numerator,
            denominator=Decimal(200),
            status=Measurement.Status.APPROVED,
        )
    return Measurement(
        metric=metric,
        fiscal_year=year,
        quarter=quarter,
        value=Decimal((100 + metric.pk % 50) * factor // 100),
        status=Measurement.Status.APPROVED,
    )


# SQL floors -------------------------------------------------------------------------------


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


def home_floor(plan_id: int) -> list[tuple]:
    """The plan list's numbers for one plan: its title and its elements counted by level."""
    sql = """
        SELECT p.id, p.title, e.level, COUNT(*)
        FROM plans_plan p JOIN plans_planelement e ON e.plan_id = p.id
        WHERE p.id = %s
        GROUP BY p.id, p.title, e.level
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id])
        return cursor.fetchall()


def values_floor(
    years: list[int], *, plan_id: int | None = None, metric_id: int | None = None
) -> list[tuple]:
    """Every target and approved value of a plan's metrics (or of one metric) in the fiscal
    years from the first to the last of `years`, in one hand-written query: the numbers the
    targets-vs-actuals table, the dashboard and the metric page start from. The plan's
    metrics are a semi-join (`IN`), the fastest form on PostgreSQL and the table's own."""
    metrics = (
        "SELECT m.id FROM plans_metric m JOIN plans_planelement e ON e.id = m.element_id"
        " WHERE e.plan_id = %s"
        if plan_id is not None
        else "SELECT %s"
    )
    sql = f"""
        SELECT t.metric_id, t.fiscal_year, t.quarter, t.value, t.min_value, t.max_value,
               t.due_date, NULL
        FROM metrics_target t
        WHERE t.metric_id IN ({metrics}) AND t.fiscal_year BETWEEN %s AND %s
        UNION ALL
        SELECT v.metric_id, v.fiscal_year, v.quarter, v.value, v.numerator, v.denominator,
               v.milestone_date, v.milestone_status
        FROM metrics_measurement v
        WHERE v.metric_id IN ({metrics}) AND v.status = 'approved'
          AND v.fiscal_year BETWEEN %s AND %s
    """  # nosec B608 # `metrics` is one of two constants, never user input
    key = plan_id if plan_id is not None else metric_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, years[0], years[-1]] * 2)
        return cursor.fetchall()


# Report -----------------------------------------------------------------------------------


def machine() -> str:
    """ "2 cores, 23.5 GiB, Python 3.11.7, PostgreSQL 15.20" (of the scratch database)."""
    memory = ""
    if os.path.exists("/proc/meminfo"):
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    return f"{os.cpu_count()} cores{memory}, Python {platform.python_version()}, {database}"


def markdown(results: list[dict], runs: int) -> str:
    head = [
        f"Machine: {machine()}; median of {runs} warm runs; {timezone.now():%Y-%m-%d %H:%M} UTC.",
        "",
        "| case | rows | median ms | queries | floor ms | ratio | peak KiB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    rows = [
        f"| {r['case']} | skipped: {r['skipped']} | | | | | |"
        if "skipped" in r
        else f"| {r['case']} | {r['rows']:,} | {r['median_ms']:,} | {r['queries']} | "
        f"{r['floor_ms']:,} | {r['ratio']} | {r['peak_kib']:,} |"
        for r in results
    ]
    return "\n".join(head + rows)
