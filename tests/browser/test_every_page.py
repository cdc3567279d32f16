"""Every page in every state passes axe-core, styled as served, with no Content Security
Policy violation (WCAG 2.1 AA; issue 7, sections 1 and 4).

PAGES lists each page URL (by name), how to build its URL from the world, who signs in to
see it and the states to visit: as it opens, with errors shown (an invalid form submitted),
with a dialog or a disclosure open, and with empty data. `test_every_page_url_is_listed`
walks the URL resolver and fails on a URL that is neither in PAGES nor in NOT_PAGES (with
the reason it is no page), so a new page cannot escape the crawl.

One test per role: the world is built once per test (the seed loaders take under a second)
and the role signs in once in each of two browser contexts. The first bypasses the CSP so
that axe can be injected; the second keeps it and only counts `securitypolicyviolation`
events (through an init script into window.__cspViolations). Problems are collected over
the whole crawl and reported together, each with its page, state and context.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page

from metrics.models import DataCall, Measurement
from metrics.periods import FiscalYear
from metrics.seed import load_fy2020_figures
from plans.models import Membership, Metric, Office, Plan, User
from plans.seed import load_seed_data
from reports.builds import run_build
from reports.models import AnnualReport, ReportBuild, ReportSection
from reports.seed import load_fy2020_report
from tests.browser.conftest import (
    AXE_PATH,
    AXE_TAGS,
    SCREENSHOT_DIR,
    TIMEOUT_MS,
    USWDS_JS_PATH,
    format_violations,
    sign_in,
    skip_or_fail,
)
from tests.factories import (
    ActionItemFactory,
    AnnualReportFactory,
    DataCallFactory,
    DecisionFactory,
    MeasurementFactory,
    MembershipFactory,
    MetricFactory,
    OfficeFactory,
    PlanElementFactory,
    PlanFactory,
    ReviewMeetingFactory,
    TargetFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"  # the factory's password
MEASURES_CSV = Path(__file__).resolve().parent.parent / "metrics" / "data" / "apr_measures.csv"
CSP_INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    disposition: event.disposition,
    sample: event.sample,
  });
});
"""
# conftest's run_axe, asking for violations only: axe then skips collecting the nodes that
# pass, a third of its time on this machine. axe itself comes from the context's init script.
AXE_RUN = """async (tags) => (await axe.run(document, {
  runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
})).violations"""
# Plotly draws an <svg class="main-svg"> into every chart's plot.
CHARTS_DRAWN = """() => [...document.querySelectorAll('.app-chart__plot')]
  .every((plot) => plot.querySelector('svg.main-svg'))"""
# A stylesheet blocked or missing leaves `sheet` null: the page would be tested unstyled.
UNSTYLED = """() => [...document.querySelectorAll('link[rel=stylesheet]')]
  .filter((link) => !link.sheet).map((link) => link.getAttribute('href'))"""

# Roles, each a user of the world signed in through the sign-in form.
STEWARD, APPROVER, LEAD, VIEWER, NOBODY = "steward", "approver", "lead", "viewer", "nobody"
ADMINISTRATOR, ANONYMOUS = "administrator", "anonymous"


# The world ---------------------------------------------------------------------------------


@dataclass
class World:
    """What the pages show: the seed plans, FY2020 figures and report, plus an open data
    call with values in every status, a review, builds, and empty things for empty states."""

    plan: Plan  # small, with ERO and HSI metrics, an open data call and a review
    empty_plan: Plan  # one goal, no metrics, a data call with nothing due
    bare_plan: Plan  # no elements at all
    import_plan: Plan  # the measures wizard imports here
    metric: Metric  # ERO's removals: values, targets, history, chart
    bare_metric: Metric  # no values, no targets
    data_call: DataCall
    empty_call: DataCall
    report: AnnualReport
    section: ReportSection
    bare_report: AnnualReport  # no builds, no sections
    finished_build: ReportBuild
    queued_build: ReportBuild
    failed_build: ReportBuild
    review_year: int
    bad_measures: Path
    # The measures wizard's upload per browser context: (token, step reached).
    wizards: dict[int, tuple[str, str]] = field(default_factory=dict)


def _users() -> None:
    ice, ero, dhs = (Office.objects.get(code=code) for code in ("ICE", "ERO", "DHS"))
    for username, office, role in [
        (STEWARD, ero, Membership.Role.DATA_STEWARD),
        (APPROVER, ero, Membership.Role.OFFICE_APPROVER),
        (LEAD, ice, Membership.Role.WORKING_GROUP_LEAD),
        (VIEWER, dhs, Membership.Role.VIEWER),
    ]:
        user = UserFactory(username=username, first_name=username.title(), last_name="Tester")
        MembershipFactory(user=user, office=office, role=role)
    UserFactory(username=NOBODY)
    UserFactory(username=ADMINISTRATOR, is_superuser=True, is_staff=True)


# name: (goal, office, actual in Q1-Q3, Q4 status). Targets are 100 in every quarter.
SMALL_PLAN_METRICS = {
    "Removals completed": ("1", "ERO", 60, Measurement.Status.SUBMITTED),
    "Detainers placed": ("1", "ERO", 120, Measurement.Status.RETURNED),
    "Officers trained": ("2", "ERO", 95, Measurement.Status.APPROVED),
    "Cases closed": ("2", "ERO", 110, Measurement.Status.DRAFT),
    "Investigations opened": ("1", "HSI", 50, Measurement.Status.APPROVED),
    "Victims assisted": ("2", "HSI", 101, None),  # HSI has not entered it
}


def _small_plan(fiscal_year: int, today: date) -> tuple[Plan, DataCall]:
    """ICE's plan in small (the seeded one has 53 sub-objectives and a hundred metrics,
    which makes axe take half a minute on some pages without adding any kind of markup):
    two goals, ERO's and HSI's quarterly metrics with three approved quarters, their Q4
    values in every status in the open data call, and the Q4 review meeting."""
    ice = Office.objects.get(code="ICE")
    approver, steward = (User.objects.get(username=name) for name in (APPROVER, STEWARD))
    plan = PlanFactory(title="ICE Strategic Plan in small", slug="ice-plan", owner=ice)
    objectives = {}
    for number, title in (("1", "Protect the homeland"), ("2", "Serve the victims")):
        goal = PlanElementFactory(plan=plan, number=number, title=title, order=int(number))
        objectives[number] = PlanElementFactory(
            parent=goal, number=f"{number}.1", title=f"Objective {number}.1"
        )
    for order, (name, (goal, office, actual, q4)) in enumerate(SMALL_PLAN_METRICS.items()):
        metric = MetricFactory(
            element=objectives[goal],
            owner_office=Office.objects.get(code=office),
            name=name,
            order=order,
            frequency=Metric.Frequency.QUARTERLY,
            data_source="Field office counts",
        )
        for quarter in (1, 2, 3, 4):
            TargetFactory(metric=metric, fiscal_year=fiscal_year, quarter=quarter, value=100)
            status = Measurement.Status.APPROVED if quarter < 4 else q4
            if status is None:
                continue
            reviewed = status in (Measurement.Status.RETURNED, Measurement.Status.APPROVED)
            MeasurementFactory(
                metric=metric,
                fiscal_year=fiscal_year,
                quarter=quarter,
                value=Decimal(actual + quarter),
                status=status,
                explanation="Flights were cancelled." if actual < 100 else "",
                entered_by=steward,
                reviewed_by=approver if reviewed else None,
                review_comment="Please recheck against the EID extract." if reviewed else "",
            )
    data_call = DataCallFactory(
        plan=plan,
        fiscal_year=fiscal_year,
        quarter=4,
        opens_on=today - timedelta(days=5),
        due_on=today + timedelta(days=10),
    )
    meeting = ReviewMeetingFactory(
        plan=plan, fiscal_year=fiscal_year, quarter=4, held_on=today - timedelta(days=1)
    )
    DecisionFactory(meeting=meeting, text="Ask ERO for a recovery plan.", metric=metric)
    ActionItemFactory(meeting=meeting, text="Audit the field counts", due_on=today)
    return plan, data_call


@pytest.fixture
def world(transactional_db: None, settings, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path
    load_seed_data()  # the office tree, and the plans the FY2020 report and figures need
    load_fy2020_figures()
    load_fy2020_report()
    _users()
    ice = Office.objects.get(code="ICE")
    OfficeFactory(code="NOMETRIC", name="Office without metrics", parent=ice)
    today = timezone.localdate()
    fiscal_year = FiscalYear.from_date(today).previous().year
    plan, data_call = _small_plan(fiscal_year, today)

    empty_plan = PlanFactory(title="Plan without metrics", slug="empty-plan", owner=ice)
    goal = PlanElementFactory(plan=empty_plan, number="1", title="A goal without metrics")
    empty_call = DataCallFactory(plan=empty_plan, fiscal_year=fiscal_year, quarter=4)
    bare_metric = Metric.objects.create(
        element=goal, name="A metric not reported yet", owner_office=Office.objects.get(code="ERO")
    )

    report = AnnualReport.objects.get(fiscal_year=2020)
    finished = ReportBuild.objects.create(report=report, formats=["html"], step="Waiting")
    run_build(finished.pk)
    queued = ReportBuild.objects.create(report=report, formats=["pdf"], step="Waiting")
    failed = ReportBuild.objects.create(
        report=report,
        formats=["pdf"],
        status=ReportBuild.Status.FAILED,
        step="Rendering the PDF",
        error="The worker stopped while rendering the PDF.",
    )
    # The section with the fewest blocks: each block is a fieldset of five fields.
    section = report.sections.annotate(size=Count("blocks")).filter(size__gt=0).order_by("size")
    bad_measures = tmp_path / "measures-with-a-bad-row.csv"
    bad_measures.write_bytes(MEASURES_CSV.read_bytes() + b"G,O,KPI,2021,ten,,,,,,,,\n")
    return World(
        plan=plan,
        empty_plan=empty_plan,
        bare_plan=PlanFactory(title="Plan without elements", slug="bare-plan", owner=ice),
        import_plan=PlanFactory(title="Plan to import into", slug="import-plan", owner=ice),
        metric=Metric.objects.get(element__plan=plan, name="Removals completed"),
        bare_metric=bare_metric,
        data_call=data_call,
        empty_call=empty_call,
        report=report,
        section=section.first(),
        bare_report=AnnualReportFactory(
            plan=empty_plan, title="A report not built yet", fiscal_year=2021
        ),
        finished_build=finished,
        queued_build=queued,
        failed_build=failed,
        review_year=fiscal_year,
        bad_measures=bad_measures,
    )


# How a person brings a page into a state ---------------------------------------------------


def click(name: str, role: str = "button") -> Callable[[Page], None]:
    """Press a button (or follow a link) and wait for the page it leads to."""

    def act(page: Page) -> None:
        with page.expect_navigation():
            page.get_by_role(role, name=name, exact=True).first.click()

    return act


def fill_then_click(label: str, text: str, button: str, within: str = "main") -> Callable:
    def act(page: Page) -> None:
        page.locator(within).get_by_label(label, exact=True).first.fill(text)
        click(button)(page)

    return act


def tick(page: Page, label: str) -> None:
    """Tick a USWDS checkbox by its label, as a person does: the input itself is drawn
    off-screen and the label is the box they see."""
    page.locator("label", has_text=label).first.click()


def without_browser_validation(page: Page) -> None:
    """Let the forms submit what the browser's own checks (`required`) would stop, to see
    the server's answer: what a browser without constraint validation shows."""
    page.evaluate("() => document.querySelectorAll('form').forEach((f) => (f.noValidate = true))")


def enter_a_word_as_a_value(page: Page) -> None:
    page.locator("fieldset.entry-metric").get_by_label("Value", exact=True).first.fill("lots")
    click("Save draft")(page)


def mark_not_available(page: Page) -> None:
    """The disclosure of the entry form: "Why it is not available" appears."""
    tick(page, "Not available this period")
    page.locator("fieldset.entry-metric").first.get_by_label("Why it is not available").wait_for()


def open_details(page: Page) -> None:
    page.locator("main details:not([open]) > summary").first.click()


def collapse_the_tree(page: Page) -> None:
    page.get_by_role("button", name="Collapse all").click()


def open_the_banner(page: Page) -> None:
    page.get_by_role("button", name=re.compile("how you know")).click()
    page.locator("#gov-banner-default").wait_for()


def open_the_session_warning(page: Page) -> None:
    """The idle-timeout warning of base.html, opened as js/session-timeout.js opens it."""
    page.locator("dialog#session-timeout").evaluate("(dialog) => dialog.showModal()")
    page.get_by_role("button", name="Stay signed in").wait_for()


def open_the_menu_on_a_phone(page: Page) -> None:
    """The header's navigation as a phone shows it: a menu that covers the page."""
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_role("button", name="Menu").click()
    page.locator(".usa-nav.is-visible").wait_for()


def choose_no_column_for_kpi(page: Page) -> None:
    page.get_by_label("KPI (required)").select_option("")
    click("Preview the import")(page)


def sign_in_wrongly(page: Page) -> None:
    page.get_by_label("Username", exact=True).fill("someone")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    click("Sign in")(page)


# The measures wizard keeps its file in the session: each browser context uploads its own.

WIZARD_STEPS = ["columns", "preview", "done"]


def wizard(step: str) -> Callable[[World, Page], dict[str, Any]]:
    """The URL kwargs of the wizard's step, advancing this context's upload to it through
    the pages themselves (a new upload when the last one went past the step)."""

    def kwargs(world: World, page: Page) -> dict[str, Any]:
        slug = world.import_plan.slug
        token, reached = world.wizards.get(id(page.context), ("", "done"))
        if WIZARD_STEPS.index(reached) > WIZARD_STEPS.index(step):
            page.goto(reverse("metrics:measures-import", args=[slug]))
            page.locator("#id_file").set_input_files(str(world.bad_measures))
            click("Upload and choose columns")(page)
            token, reached = re.search(r"/import-measures/([^/]+)/columns/", page.url)[1], "columns"
        while reached != step:
            if reached == "columns":
                page.goto(reverse("metrics:measures-import-map", args=[slug, token]))
                click("Preview the import")(page)
            else:
                page.goto(reverse("metrics:measures-import-preview", args=[slug, token]))
                tick(page, "Import the other rows and skip the rows listed above")
                click("Import")(page)
            reached = WIZARD_STEPS[WIZARD_STEPS.index(reached) + 1]
        world.wizards[id(page.context)] = (token, reached)
        return {"slug": slug, "token": token}

    return kwargs


# The list of pages -------------------------------------------------------------------------

Kwargs = Callable[[World, Page], dict[str, Any]]


def none(world: World, page: Page) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class State:
    """A state of a page: `kind` is default, errors, dialog or empty (or another word for
    one more variant). `act` brings the page into it; `kwargs`, `query` and `role` replace
    the page's own when the state needs other data or another user."""

    kind: str
    label: str = ""
    act: Callable[[Page], None] | None = None
    kwargs: Kwargs | None = None
    query: str = ""
    role: str | None = None

    @property
    def name(self) -> str:
        return f"{self.kind}: {self.label}" if self.label else self.kind


@dataclass(frozen=True)
class PageSpec:
    name: str
    kwargs: Kwargs
    role: str
    states: tuple[State, ...] = (State("default"),)


DEFAULT = State("default")


def slug_of(plan: str) -> Kwargs:
    return lambda w, p: {"slug": getattr(w, plan).slug}


def pk_of(thing: str) -> Kwargs:
    return lambda w, p: {"pk": getattr(w, thing).pk}


def call_office(call: str = "data_call") -> Kwargs:
    return lambda w, p: {"pk": getattr(w, call).pk, "office": "ERO"}


def packet_of(plan: str, fy: Callable[[World], int], q: int) -> Kwargs:
    return lambda w, p: {"slug": getattr(w, plan).slug, "fy": fy(w), "q": q}


PAGES: list[PageSpec] = [
    PageSpec(
        "login",
        none,
        ANONYMOUS,
        (DEFAULT, State("errors", "wrong password", sign_in_wrongly)),
    ),
    PageSpec(
        "plans:plan-list",
        none,
        VIEWER,
        (
            DEFAULT,
            State("dialog", "government banner open", open_the_banner),
            State("dialog", "menu open on a phone", open_the_menu_on_a_phone),
            State("dialog", "session about to end", open_the_session_warning),
            State("empty", "no plans to see", role=NOBODY),
        ),
    ),
    PageSpec(
        "plans:plan-detail",
        slug_of("plan"),
        LEAD,
        (
            DEFAULT,
            State("dialog", "tree collapsed", collapse_the_tree),
            State("empty", "filter matches nothing", query="?q=no-such-words"),
            State("empty", "plan without elements", kwargs=slug_of("bare_plan")),
        ),
    ),
    PageSpec(
        "plans:element-detail",
        lambda w, p: {"slug": w.metric.element.plan.slug, "number": w.metric.element.number},
        VIEWER,
        (
            DEFAULT,
            State(
                "empty",
                "goal without metrics",
                kwargs=lambda w, p: {"slug": "empty-plan", "number": "1"},
            ),
        ),
    ),
    PageSpec("plans:metric-detail", pk_of("metric"), VIEWER),
    PageSpec(
        "plans:audit-log",
        none,
        ADMINISTRATOR,
        (
            DEFAULT,
            State("errors", "a date that is no date", query="?since=yesterday"),
            State("empty", "no event matches", query="?who=no-such-user"),
        ),
    ),
    PageSpec(
        "metrics:my-data-calls",
        none,
        STEWARD,
        (DEFAULT, State("empty", "no data calls", role=NOBODY)),
    ),
    PageSpec(
        "metrics:data-call-list",
        slug_of("plan"),
        LEAD,
        (
            DEFAULT,
            State("errors", "empty form", click("Open data call")),
            State("empty", "no data calls", kwargs=slug_of("bare_plan")),
            State("read-only", role=VIEWER),
        ),
    ),
    PageSpec(
        "metrics:data-call-board",
        pk_of("data_call"),
        LEAD,
        (
            DEFAULT,
            State(
                "errors",
                "exception refused",
                lambda page: (without_browser_validation(page), click("Grant exception")(page)),
            ),
            State("empty", "nothing due", kwargs=pk_of("empty_call")),
            State("steward", role=STEWARD),
        ),
    ),
    PageSpec(
        "metrics:quarter-entry",
        call_office(),
        STEWARD,
        (
            DEFAULT,
            State("errors", "a word for a number", enter_a_word_as_a_value),
            State("dialog", "not available: reason shown", mark_not_available),
        ),
    ),
    PageSpec(
        "metrics:quarter-review",
        call_office(),
        APPROVER,
        (DEFAULT, State("errors", "nothing chosen", click("Return chosen values"))),
    ),
    PageSpec(
        "metrics:quarter-upload",
        call_office(),
        STEWARD,
        (DEFAULT, State("errors", "no file", click("Upload"))),
    ),
    PageSpec(
        "metrics:metric-values",
        pk_of("metric"),
        VIEWER,
        (DEFAULT, State("empty", "no values", kwargs=pk_of("bare_metric"))),
    ),
    PageSpec(
        "metrics:metric-targets",
        pk_of("metric"),
        LEAD,
        (
            DEFAULT,
            State(
                "errors",
                "a word for a target",
                lambda page: (
                    page.locator("table.targets-table input.usa-input").first.fill("many"),
                    click("Save targets")(page),
                ),
            ),
            State("read-only", role=VIEWER),
        ),
    ),
    PageSpec(
        "metrics:measures-import",
        slug_of("import_plan"),
        LEAD,
        (DEFAULT, State("errors", "no file", click("Upload and choose columns"))),
    ),
    PageSpec(
        "metrics:measures-import-map",
        wizard("columns"),
        LEAD,
        (DEFAULT, State("errors", "required column missing", choose_no_column_for_kpi)),
    ),
    PageSpec(
        "metrics:measures-import-preview",
        wizard("preview"),
        LEAD,
        (DEFAULT, State("errors", "bad rows not skipped", click("Import"))),
    ),
    PageSpec("metrics:measures-import-result", wizard("done"), LEAD),
    PageSpec(
        "reports:plan-dashboard",
        slug_of("plan"),
        LEAD,
        (
            DEFAULT,
            State("filtered", "one office, one goal", query="?office=ERO&element=1"),
            State("empty", "plan without metrics", kwargs=slug_of("empty_plan")),
        ),
    ),
    PageSpec(
        "reports:tva",
        slug_of("plan"),
        LEAD,
        (DEFAULT, State("empty", "plan without metrics", kwargs=slug_of("empty_plan"))),
    ),
    PageSpec(
        "reports:metric-page",
        pk_of("metric"),
        LEAD,
        (DEFAULT, State("empty", "no values", kwargs=pk_of("bare_metric"))),
    ),
    PageSpec(
        "reports:office-page",
        lambda w, p: {"code": "ERO"},
        LEAD,
        (
            DEFAULT,
            State("empty", "office without metrics", kwargs=lambda w, p: {"code": "NOMETRIC"}),
        ),
    ),
    PageSpec(
        "reports:annual-list",
        none,
        LEAD,
        (DEFAULT, State("empty", "no reports", role=NOBODY)),
    ),
    PageSpec(
        "reports:annual-new",
        none,
        LEAD,
        (DEFAULT, State("errors", "no title", fill_then_click("Title", "", "Create the report"))),
    ),
    PageSpec(
        "reports:annual-report",
        pk_of("report"),
        LEAD,
        (
            DEFAULT,
            # The details form posts to reports:annual-details, which shows its errors.
            State(
                "errors", "details without a title", fill_then_click("Title", "", "Save details")
            ),
            State("empty", "no builds, no sections", kwargs=pk_of("bare_report")),
            State("read-only", role=VIEWER),
        ),
    ),
    PageSpec("reports:annual-preview", pk_of("report"), LEAD),
    PageSpec(
        "reports:annual-section",
        lambda w, p: {"pk": w.report.pk, "section": w.section.pk},
        LEAD,
        (
            DEFAULT,
            State(
                "errors",
                "a word for a position",
                fill_then_click("Position", "-1", "Save the section"),
            ),
            State("dialog", "placeholders help open", open_details),
            State("read-only", role=VIEWER),
        ),
    ),
    PageSpec(
        "reports:annual-build",
        pk_of("finished_build"),
        LEAD,
        (
            DEFAULT,
            State("in progress", "queued", kwargs=pk_of("queued_build")),
            State("errors", "build failed", kwargs=pk_of("failed_build")),
        ),
    ),
    PageSpec(
        "reports:review-list",
        slug_of("plan"),
        LEAD,
        (
            DEFAULT,
            State("errors", "no such quarter", query="?fy=1999&q=7"),
            State("empty", "no meetings", kwargs=slug_of("empty_plan")),
        ),
    ),
    PageSpec(
        "reports:review-packet",
        packet_of("plan", lambda w: w.review_year, 4),
        LEAD,
        (
            DEFAULT,
            State("errors", "decision without text", click("Record the decision")),
            State(
                "empty", "no data, no meeting", kwargs=packet_of("empty_plan", lambda w: 2021, 1)
            ),
            State("read-only", role=VIEWER),
        ),
    ),
]

# Named URLs that are not pages, with the reason. Admin and API routes are left out whole
# (see NOT_PAGE_NAMESPACES).
NOT_PAGES: dict[str, str] = {
    "logout": "POST only (Django 5 signs out by POST)",
    "keep-alive": "POST only: JSON answer of the session-timeout dialog's 'Stay signed in'",
    "metrics:data-call-exception": "POST only; its refusal shows on the data-call board",
    "metrics:quarter-template": "download: the office's .xlsx template",
    "reports:tva-xlsx": "download: the targets-vs-actuals workbook",
    "reports:annual-details": "POST only; its errors are the annual report's errors state",
    "reports:annual-section-add": "POST only; redirects to the new section",
    "reports:annual-section-move": "POST only; redirects to the report",
    "reports:annual-build-start": "POST only; redirects to the build",
    "reports:annual-build-status": "JSON status that the build page polls",
    "reports:annual-file": "download: a built file",
    "reports:review-meeting": "POST only; its errors show on the review packet",
    "reports:review-decision-add": "POST only; its errors are the packet's errors state",
    "reports:review-item-add": "POST only; its errors show on the review packet",
    "reports:review-item-close": "POST only; its errors show on the review packet",
    # The packet's files: tests/reports/test_export_accessibility.py checks their structure.
    "reports:review-pdf": "download: the packet as PDF",
    "reports:review-docx": "download: the packet as Word",
}
NOT_PAGE_NAMESPACES = {
    "admin": "Django's admin, a repair tool for administrators; not ours to restyle",
    "api": "the REST API and its schema and Swagger UI (JSON, YAML, third-party page)",
}


def url_names(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(namespaced name, route) of every URL pattern, depth first; a pattern without a name
    is called "<unnamed ROUTE>" so that it is listed too."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from url_names(pattern.url_patterns, namespace)
        else:
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield f"{prefix}{name}", str(pattern.pattern)


def test_every_page_url_is_listed() -> None:
    """A new URL fails here until it is added to PAGES or, with a reason, to NOT_PAGES."""
    listed = {spec.name for spec in PAGES}
    found = {name for name, _route in url_names() if name.split(":")[0] not in NOT_PAGE_NAMESPACES}
    assert sorted(found - listed - set(NOT_PAGES)) == [], "add these URLs to PAGES or NOT_PAGES"
    assert sorted((listed | set(NOT_PAGES)) - found) == [], "these are no longer URLs"
    assert not listed & set(NOT_PAGES), "a URL is both a page and not a page"


def test_every_state_is_one_of_the_kinds_and_every_kind_is_visited() -> None:
    kinds = {state.kind for spec in PAGES for state in spec.states}
    assert {"default", "errors", "dialog", "empty"} <= kinds
    assert all(spec.states[0] == DEFAULT for spec in PAGES), "each page opens as it is first"


# The crawl ---------------------------------------------------------------------------------


def visits(role: str) -> list[tuple[PageSpec, State]]:
    return [
        (spec, state)
        for spec in PAGES
        for state in spec.states
        if (state.role or spec.role) == role
    ]


ROLES = sorted({state.role or spec.role for spec in PAGES for state in spec.states})


@dataclass
class Crawler:
    """Two signed-in pages of one role, and the problems found on them."""

    world: World
    axe_page: Page
    csp_page: Page
    problems: list[str] = field(default_factory=list)

    def visit(self, spec: PageSpec, state: State) -> None:

        for page, with_axe in ((self.axe_page, True), (self.csp_page, False)):
            where = f"{spec.name} [{state.name}] ({'axe' if with_axe else 'CSP kept'})"
            try:
                self._show(page, spec, state)
                self._check(page, with_axe)
            except Exception as error:  # collected: one report for the whole crawl
                self.problems.append(f"{where}: {str(error).strip()}")
                self._screenshot(page, where)

    def _show(self, page: Page, spec: PageSpec, state: State) -> None:
        page.set_viewport_size({"width": 1280, "height": 800})
        kwargs = (state.kwargs or spec.kwargs)(self.world, page)
        response = page.goto(reverse(spec.name, kwargs=kwargs) + state.query)
        assert response is not None, "no response"
        assert response.status == 200, f"HTTP {response.status}"
        if state.act is not None:
            state.act(page)
        page.wait_for_load_state("load")

    def _check(self, page: Page, with_axe: bool) -> None:
        if page.locator(".app-chart__plot").count():
            page.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT_MS)
        unstyled = page.evaluate(UNSTYLED)
        assert not unstyled, f"stylesheets not applied: {unstyled}"
        if with_axe:
            violations = page.evaluate(AXE_RUN, AXE_TAGS)
            assert not violations, format_violations(violations)
        violations = page.evaluate("() => window.__cspViolations || []")
        assert not violations, f"{len(violations)} CSP violation(s): {violations[:5]}"

    @staticmethod
    def _screenshot(page: Page, where: str) -> None:
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9]+", "-", where).strip("-")
        with contextlib.suppress(Exception):  # a courtesy, never the failure itself
            page.screenshot(path=str(SCREENSHOT_DIR / f"every-page-{name}.png"), full_page=True)


def _context(browser: Browser, live_server, role: str, *, bypass_csp: bool) -> BrowserContext:
    context = browser.new_context(bypass_csp=bypass_csp, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    if bypass_csp:
        context.add_init_script(path=AXE_PATH)  # on every page, before its own scripts
    else:
        context.add_init_script(CSP_INIT_SCRIPT)
    page = context.new_page()
    if role != ANONYMOUS:
        sign_in(page, live_server, role, PASSWORD)
    return context


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_state_passes_axe_without_csp_violations(
    role: str, browser: Browser, live_server, world: World
) -> None:
    for path in (USWDS_JS_PATH, AXE_PATH):
        if not path.exists():
            skip_or_fail(f"{path} is missing: run scripts/install_assets.sh.")
    axe_context = _context(browser, live_server, role, bypass_csp=True)
    csp_context = _context(browser, live_server, role, bypass_csp=False)
    try:
        crawler = Crawler(world, axe_context.pages[-1], csp_context.pages[-1])
        for spec, state in visits(role):
            crawler.visit(spec, state)
    finally:
        axe_context.close()
        csp_context.close()
    assert not crawler.problems, "\n\n".join(crawler.problems)
