"""Every URL of the site and the API requires sign-in and refuses the roles that must not
reach it. A URL pattern without an entry in EXPECTED (or in NOT_CRAWLED, with the reason)
fails `test_every_url_pattern_has_an_access_entry`, so a new page cannot ship unchecked.

One small world serves every URL: the ICE plan (DHS -> ICE -> ERO/HSI, FEMA beside ICE),
an objective with an ERO metric, an open FY2026 Q4 data call with a value and a target, an
annual report with a section and a finished build with its file, a review meeting with an
action item, and a measures import started by the lead. Each URL is requested by GET and
by POST (empty form, or a JSON body that names the object for API writes) as:

- anonymous: pages redirect to the sign-in page with `next`; the API answers 401;
- `outsider`, a data steward of FEMA, off the plan's line: 404 for anything of the plan;
- `viewer` (ICE), who only reads: 403 on every write; `reporter` (ICE) likewise, but
  writes and builds the plan's annual reports (reports.access);
- `steward` and `approver` (ERO), `lead` (ICE) and `admin` (superuser): their own rights.

The statuses are exact: 200 a page, 302 a form that redirected, 400 an API write that got
past access and failed validation (its empty body), 405 a method the view does not take,
428 an API change without a version (it got past access). The Django admin is checked as a
group: every registered model's list and add pages, for staff only.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from metrics.models import DataCall, Measurement, Target
from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from reports import review_views
from reports.models import AnnualReport, ReportBuild, ReportFile, ReportSection
from reports.review_models import ActionItem
from tests.factories import (
    ActionItemFactory,
    AnnualReportFactory,
    DataCallFactory,
    MeasurementFactory,
    MetricFactory,
    PlanElementFactory,
    ReportSectionFactory,
    ReviewMeetingFactory,
    TargetFactory,
    UserFactory,
)

Role = Membership.Role
ROLES = ("outsider", "viewer", "reporter", "steward", "approver", "lead", "admin")
LOGIN = "/accounts/login/?next="
ADMIN_LOGIN = "/admin/login/?next="

# The world ---------------------------------------------------------------------------------


@dataclass
class World:
    plan: Plan
    objective: PlanElement
    metric: Metric
    data_call: DataCall
    measurement: Measurement
    target: Target
    report: AnnualReport
    section: ReportSection
    build: ReportBuild
    report_file: ReportFile
    action_item: ActionItem
    import_token: str
    client: Client
    sessions: dict[str, SimpleCookie] = field(default_factory=dict)

    def as_role(self, role: str) -> Client:
        """The one test client, signed in as `role` ("anonymous": signed out). One client
        for all: each new client's WhiteNoise scans every static file (seconds)."""
        self.client.cookies = deepcopy(self.sessions.get(role, SimpleCookie()))
        return self.client


@pytest.fixture
def world(
    plan: Plan,
    offices: dict[str, Office],
    make_user: Callable[..., User],
    settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    settings.MEDIA_ROOT = tmp_path
    # Access is decided before the packet is rendered; rendering has its own tests.
    monkeypatch.setattr(review_views.rendering, "render", lambda document, fmt: b"packet")
    today = timezone.localdate()
    goal = PlanElementFactory(plan=plan, number="1", title="Enforce", order=1)
    objective = PlanElementFactory(parent=goal, number="1.1", title="Remove", order=1)
    metric = MetricFactory(
        element=objective,
        name="Removals completed",
        owner_office=offices["ERO"],
        frequency=Metric.Frequency.QUARTERLY,
    )
    data_call = DataCallFactory(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=10),
    )
    report = AnnualReportFactory(plan=plan)
    build = ReportBuild.objects.create(
        report=report, status=ReportBuild.Status.FINISHED, formats=["html"]
    )
    report_file = ReportFile(build=build, format="html", size=4, sha256="0" * 64)
    report_file.file.save("report.html", ContentFile(b"<p/>"), save=True)
    meeting = ReviewMeetingFactory(plan=plan, fiscal_year=2026, quarter=2, held_on=date(2026, 5, 5))
    users = {
        "outsider": make_user(Role.DATA_STEWARD, "FEMA"),
        "viewer": make_user(Role.VIEWER, "ICE"),
        "reporter": make_user(Role.REPORTING_STAFF, "ICE"),
        "steward": make_user(Role.DATA_STEWARD, "ERO"),
        "approver": make_user(Role.OFFICE_APPROVER, "ERO"),
        "lead": make_user(Role.WORKING_GROUP_LEAD, "ICE"),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }
    client = Client()
    sessions = {}
    for role, user in users.items():
        client.cookies = SimpleCookie()  # else the next sign-in flushes this session
        client.force_login(user)
        sessions[role] = deepcopy(client.cookies)
    return World(
        plan=plan,
        objective=objective,
        metric=metric,
        data_call=data_call,
        measurement=MeasurementFactory(metric=metric, fiscal_year=2026, quarter=4),
        target=TargetFactory(metric=metric, fiscal_year=2026, quarter=4, value=Decimal(90)),
        report=report,
        section=ReportSectionFactory(report=report),
        build=build,
        report_file=report_file,
        action_item=ActionItemFactory(meeting=meeting),
        import_token=_start_import(client, sessions["lead"], plan),
        client=client,
        sessions=sessions,
    )


def _start_import(client: Client, session: SimpleCookie, plan: Plan) -> str:
    """The lead uploads a CSV of measures; the wizard's token lives in the lead's session
    only, so anyone else (even an administrator) gets 404 for it."""
    client.cookies = deepcopy(session)
    content = b"Goal,Strategic Objective,KPI,Year,Actual\nEnforce,Remove,Removals,2025,10\n"
    upload = ContentFile(content, name="measures.csv")
    url = reverse("metrics:measures-import", args=[plan.slug])
    response = client.post(url, {"file": upload})
    assert response.status_code == 302, response.content[:500]
    return response["Location"].rstrip("/").split("/")[-2]


# What each role gets -------------------------------------------------------------------------


def every(status: int, **roles: int) -> dict[str, int]:
    """The same status for every signed-in role, but those named."""
    return {role: roles.get(role, status) for role in ROLES}


def read(status: int = 200, **roles: int) -> dict[str, int]:
    """Anything of the plan: everyone on the plan's line reads it; the outsider gets 404."""
    return every(status, outsider=404, **roles)


def write(allowed: tuple[str, ...], status: int, denied: int = 403) -> dict[str, int]:
    """A change: 404 for the outsider, `status` for the roles allowed (administrators
    always), 403 for the others on the plan's line."""
    return {
        role: 404 if role == "outsider" else status if role in (*allowed, "admin") else denied
        for role in ROLES
    }


GET_ONLY = every(405)
PLAN_EDITORS = ("lead",)  # plans.access.PLAN_EDITOR_ROLES
ENTERING = ("steward",)  # the metric's office's data stewards (ERO)
REVIEWING = ("approver", "lead")  # the office's approvers and the plan's leads
REPORT_EDITORS = ("lead", "reporter")  # reports.access.REPORT_EDITOR_ROLES

Kwargs = Callable[[World], dict[str, Any]]
PLAN: Kwargs = lambda w: {"slug": w.plan.slug}  # noqa: E731
METRIC: Kwargs = lambda w: {"pk": w.metric.pk}  # noqa: E731
CALL: Kwargs = lambda w: {"pk": w.data_call.pk}  # noqa: E731
CALL_OFFICE: Kwargs = lambda w: {"pk": w.data_call.pk, "office": "ERO"}  # noqa: E731
REPORT: Kwargs = lambda w: {"pk": w.report.pk}  # noqa: E731
SECTION: Kwargs = lambda w: {"pk": w.report.pk, "section": w.section.pk}  # noqa: E731
BUILD: Kwargs = lambda w: {"pk": w.build.pk}  # noqa: E731
PACKET: Kwargs = lambda w: {"slug": w.plan.slug, "fy": 2026, "q": 2}  # noqa: E731
IMPORT: Kwargs = lambda w: {"slug": w.plan.slug, "token": w.import_token}  # noqa: E731
NONE: Kwargs = lambda w: {}  # noqa: E731


@dataclass(frozen=True)
class Page:
    """A page: GET and POST statuses by role; anonymous requests go to sign-in, unless
    `anonymous` says otherwise (for GET and POST, with the reason beside the entry)."""

    kwargs: Kwargs
    get: dict[str, int]
    post: dict[str, int]
    anonymous: tuple[int, int] | None = None


@dataclass(frozen=True)
class Api:
    """An API route: anonymous requests get 401. `write` is sent as JSON with `method`."""

    kwargs: Kwargs
    get: dict[str, int]
    post: dict[str, int]
    body: Callable[[World], dict[str, Any]] = NONE
    method: str = "post"


EXPECTED: dict[str, Page | Api] = {
    # Session ---------------------------------------------------------------------------------
    # Django's LogoutView is open to all (login_not_required) and takes POST only: signing
    # out when signed out redirects to the sign-in page and shows nothing.
    "logout": Page(NONE, get=GET_ONLY, post=every(302), anonymous=(405, 302)),
    "keep-alive": Page(NONE, get=GET_ONLY, post=every(200)),
    # Plans -----------------------------------------------------------------------------------
    "plans:plan-list": Page(NONE, get=every(200), post=GET_ONLY),
    "plans:plan-detail": Page(PLAN, get=read(), post=GET_ONLY),
    "plans:element-detail": Page(
        lambda w: {"slug": w.plan.slug, "number": "1.1"}, get=read(), post=GET_ONLY
    ),
    "plans:metric-detail": Page(METRIC, get=read(), post=GET_ONLY),
    # Administrators only; 404 for everyone else, so the page's existence is not told.
    "plans:audit-log": Page(NONE, get=every(404, admin=200), post=GET_ONLY),
    # Quarterly values ------------------------------------------------------------------------
    "metrics:my-data-calls": Page(NONE, get=every(200), post=GET_ONLY),
    "metrics:data-call-list": Page(PLAN, get=read(), post=write(PLAN_EDITORS, 200)),
    "metrics:data-call-board": Page(CALL, get=read(), post=GET_ONLY),
    "metrics:data-call-exception": Page(CALL, get=GET_ONLY, post=write(PLAN_EDITORS, 302)),
    "metrics:quarter-entry": Page(CALL_OFFICE, get=write(ENTERING, 200), post=write(ENTERING, 200)),
    "metrics:quarter-review": Page(
        CALL_OFFICE, get=write(REVIEWING, 200), post=write(REVIEWING, 200)
    ),
    "metrics:quarter-template": Page(CALL_OFFICE, get=write(ENTERING, 200), post=GET_ONLY),
    "metrics:quarter-upload": Page(
        CALL_OFFICE, get=write(ENTERING, 200), post=write(ENTERING, 200)
    ),
    "metrics:metric-values": Page(METRIC, get=read(), post=GET_ONLY),
    "metrics:metric-targets": Page(METRIC, get=read(), post=write(PLAN_EDITORS, 200)),
    "metrics:measures-import": Page(
        PLAN, get=write(PLAN_EDITORS, 200), post=write(PLAN_EDITORS, 200)
    ),
    # The wizard's token is the lead's: the administrator passes access, then gets 404.
    "metrics:measures-import-map": Page(
        IMPORT,
        get=write(PLAN_EDITORS, 200) | {"admin": 404},
        post=write(PLAN_EDITORS, 200) | {"admin": 404},
    ),
    "metrics:measures-import-preview": Page(
        IMPORT,
        get=write(PLAN_EDITORS, 302) | {"admin": 404},
        post=write(PLAN_EDITORS, 302) | {"admin": 404},
    ),
    "metrics:measures-import-result": Page(
        IMPORT, get=write(PLAN_EDITORS, 302) | {"admin": 404}, post=GET_ONLY
    ),
    # Dashboards and reports ------------------------------------------------------------------
    "reports:plan-dashboard": Page(PLAN, get=read(), post=GET_ONLY),
    "reports:tva": Page(PLAN, get=read(), post=GET_ONLY),
    "reports:tva-xlsx": Page(PLAN, get=read(), post=GET_ONLY),
    "reports:metric-page": Page(METRIC, get=read(), post=GET_ONLY),
    "reports:office-page": Page(lambda w: {"code": "ERO"}, get=read(), post=GET_ONLY),
    "reports:annual-list": Page(NONE, get=every(200), post=GET_ONLY),
    # 403, not 404, for those who may write no plan's reports: the page names no object.
    "reports:annual-new": Page(
        NONE,
        get=every(403, lead=200, reporter=200, admin=200),
        post=every(403, lead=200, reporter=200, admin=200),
    ),
    "reports:annual-report": Page(REPORT, get=read(), post=GET_ONLY),
    "reports:annual-details": Page(REPORT, get=GET_ONLY, post=write(REPORT_EDITORS, 200)),
    "reports:annual-preview": Page(REPORT, get=read(), post=GET_ONLY),
    "reports:annual-section-add": Page(REPORT, get=GET_ONLY, post=write(REPORT_EDITORS, 302)),
    "reports:annual-section": Page(SECTION, get=read(), post=write(REPORT_EDITORS, 200)),
    "reports:annual-section-move": Page(SECTION, get=GET_ONLY, post=write(REPORT_EDITORS, 302)),
    "reports:annual-build-start": Page(REPORT, get=GET_ONLY, post=write(REPORT_EDITORS, 302)),
    "reports:annual-build": Page(BUILD, get=read(), post=GET_ONLY),
    "reports:annual-build-status": Page(BUILD, get=read(), post=GET_ONLY),
    "reports:annual-file": Page(lambda w: {"pk": w.report_file.pk}, get=read(), post=GET_ONLY),
    "reports:review-list": Page(PLAN, get=read(), post=GET_ONLY),
    "reports:review-packet": Page(PACKET, get=read(), post=GET_ONLY),
    "reports:review-meeting": Page(PACKET, get=GET_ONLY, post=write(PLAN_EDITORS, 200)),
    "reports:review-decision-add": Page(PACKET, get=GET_ONLY, post=write(PLAN_EDITORS, 200)),
    "reports:review-item-add": Page(PACKET, get=GET_ONLY, post=write(PLAN_EDITORS, 200)),
    "reports:review-item-close": Page(
        lambda w: {**PACKET(w), "pk": w.action_item.pk},
        get=GET_ONLY,
        post=write(PLAN_EDITORS, 200),
    ),
    "reports:review-pdf": Page(PACKET, get=read(), post=GET_ONLY),
    "reports:review-docx": Page(PACKET, get=read(), post=GET_ONLY),
    # API: lists show only what the user reaches, so every signed-in user gets 200 --------
    "api:api-root": Api(NONE, get=every(200), post=GET_ONLY),
    "api:schema": Api(NONE, get=every(200), post=GET_ONLY),
    "api:schema-docs": Api(NONE, get=every(200), post=GET_ONLY),
    "api:office-list": Api(NONE, get=every(200), post=GET_ONLY),
    "api:office-detail": Api(lambda w: {"pk": w.metric.owner_office_id}, get=read(), post=GET_ONLY),
    "api:plan-list": Api(NONE, get=every(200), post=GET_ONLY),
    "api:plan-detail": Api(PLAN, get=read(), post=GET_ONLY),
    "api:plan-tree": Api(PLAN, get=read(), post=GET_ONLY),
    "api:element-list": Api(NONE, get=every(200), post=GET_ONLY),
    "api:element-detail": Api(lambda w: {"pk": w.objective.pk}, get=read(), post=GET_ONLY),
    "api:metric-list": Api(NONE, get=every(200), post=GET_ONLY),
    "api:metric-detail": Api(METRIC, get=read(), post=GET_ONLY),
    "api:data-call-list": Api(NONE, get=every(200), post=GET_ONLY),
    "api:data-call-detail": Api(CALL, get=read(), post=GET_ONLY),
    # Writes name the object and send nothing else: past access, validation answers 400.
    "api:target-list": Api(
        NONE,
        get=every(200),
        post=write(PLAN_EDITORS, 400),
        body=lambda w: {"metric": w.metric.pk},
    ),
    "api:target-detail": Api(
        lambda w: {"pk": w.target.pk}, get=read(), post=write(PLAN_EDITORS, 428), method="patch"
    ),
    "api:measurement-list": Api(
        NONE,
        get=every(200),
        post=write(ENTERING, 409),
        body=lambda w: {"data_call": w.data_call.pk, "metric": w.metric.pk},
    ),
    "api:measurement-detail": Api(
        lambda w: {"pk": w.measurement.pk}, get=read(), post=write(ENTERING, 428), method="patch"
    ),
    "api:measurement-submit": Api(
        lambda w: {"pk": w.measurement.pk}, get=GET_ONLY, post=write(ENTERING, 428)
    ),
    "api:measurement-approve": Api(
        lambda w: {"pk": w.measurement.pk}, get=GET_ONLY, post=write(REVIEWING, 428)
    ),
    "api:measurement-return": Api(
        lambda w: {"pk": w.measurement.pk}, get=GET_ONLY, post=write(REVIEWING, 428)
    ),
}

# Patterns the crawl does not request, and why.
NOT_CRAWLED = {
    "login": "the sign-in page itself: anyone may open it (tests/ cover sign-in).",
    "admin:*": "the Django admin: staff only, checked for every registered model below.",
}


# The resolver ----------------------------------------------------------------------------


def url_names(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = "", route: str = ""
) -> dict[str, str]:
    """Every URL pattern in the project as {"namespace:name": route}; unnamed patterns by
    their route in angle brackets, so that they cannot hide from the table."""
    found: dict[str, str] = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        here = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= url_names(pattern.url_patterns, inner, here)
        else:
            found.setdefault(f"{namespace}{pattern.name}" if pattern.name else f"<{here}>", here)
    return found


def not_crawled(name: str, route: str) -> bool:
    return name in NOT_CRAWLED or (route.startswith("admin/") and "admin:*" in NOT_CRAWLED)


def test_every_url_pattern_has_an_access_entry() -> None:
    names = url_names()
    missing = sorted(
        n for n, route in names.items() if n not in EXPECTED and not not_crawled(n, route)
    )
    stale = sorted(name for name in EXPECTED if name not in names)

    assert not missing, f"URL patterns without an entry in EXPECTED: {missing}"
    assert not stale, f"Entries in EXPECTED for URL patterns that no longer exist: {stale}"


# Requests ----------------------------------------------------------------------------------


def request(client: Client, entry: Page | Api, world: World, url: str, method: str) -> Any:
    if method == "get":
        return client.get(url)
    if isinstance(entry, Api):
        return getattr(client, entry.method)(
            url, data=entry.body(world), content_type="application/json"
        )
    return client.post(url, {})


def login_redirect(response: Any, url: str) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(LOGIN)


def statuses(world: World, name: str) -> tuple[list[str], dict[str, dict[str, int]]]:
    """What anonymous got wrong, and each signed-in role's GET and POST status."""
    entry = EXPECTED[name]
    url = reverse(name, kwargs=entry.kwargs(world))
    wrong, got = [], {}
    for method in ("get", "post"):
        anonymous = request(world.as_role("anonymous"), entry, world, url, method)
        if isinstance(entry, Api):
            refused = anonymous.status_code == 401
        elif entry.anonymous:
            refused = anonymous.status_code == entry.anonymous[method == "post"]
        else:
            refused = login_redirect(anonymous, url)
        if not refused:
            wrong.append(f"anonymous {method.upper()} {url}: {anonymous.status_code}")
        got[method] = {
            role: request(world.as_role(role), entry, world, url, method).status_code
            for role in ROLES
        }
    return wrong, got


def crawl_order(name: str) -> tuple[bool, str]:
    """Signing out ends the roles' sessions: that URL goes last."""
    return name == "logout", name


def test_every_url_requires_sign_in_and_refuses_the_roles_that_must_not_reach_it(
    world: World,
) -> None:
    """One world for every URL (a world per URL costs seconds each). Writes that succeed
    (a section moved, an item closed) change nothing that access depends on."""
    problems = []
    for name in sorted(EXPECTED, key=crawl_order):
        entry = EXPECTED[name]
        wrong, got = statuses(world, name)
        problems += [f"{name}: {line}" for line in wrong]
        for method, expected in (("get", entry.get), ("post", entry.post)):
            differ = {r: (got[method][r], s) for r, s in expected.items() if got[method][r] != s}
            if differ:
                problems.append(f"{name} {method.upper()}: role: (got, expected) {differ}")
    assert not problems, "\n".join(problems)


# The Django admin --------------------------------------------------------------------------


def admin_urls() -> list[str]:
    """The admin index and every registered model's list and add pages."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return urls


def test_admin_is_for_staff_only(world: World) -> None:
    """Anonymous: a sign-in page (the site's, from LoginRequiredMiddleware, or the admin's
    for the admin's index); signed in without staff status: the admin's own sign-in page;
    the superuser: the page."""
    for url in admin_urls():
        for role in ("anonymous", *ROLES):
            response = world.as_role(role).get(url)
            if role == "admin":
                assert response.status_code == 200, url
                continue
            sign_in = (LOGIN, ADMIN_LOGIN) if role == "anonymous" else (ADMIN_LOGIN,)
            assert response.status_code == 302, f"{role} {url}"
            assert response["Location"].startswith(sign_in), f"{role} {url}"
