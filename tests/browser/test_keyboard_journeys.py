"""The three journeys with the keyboard alone, with focus always visible (WCAG 2.1.1
Keyboard, 2.4.3 Focus Order, 2.4.7 Focus Visible; issue 7, section 4).

After the browser is pointed at the journey's start URL, nothing but page.keyboard moves:
Tab and Shift+Tab to reach a control, Enter or Space to use it, typing (type-ahead in a
select included) to fill it. Every element that takes focus on the way must show a focus
indicator (an outline or a box shadow, on the element or, for USWDS checkboxes and radios
whose input sits off-screen, on its label) and must itself be visible.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from metrics.models import DataCall, Measurement
from metrics.periods import FiscalYear
from metrics.seed import load_fy2020_figures
from plans.models import Membership, Metric, Office, Plan
from plans.seed import load_seed_data
from reports.models import AnnualReport, ReportBuild
from reports.seed import load_fy2020_report
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import (
    DataCallFactory,
    MeasurementFactory,
    MembershipFactory,
    MetricFactory,
    OfficeFactory,
    PlanElementFactory,
    PlanFactory,
    TargetFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"  # the factory's password
APPROVED = Measurement.Status.APPROVED

# What the focused element looks like: its description, whether it (or, for a USWDS
# checkbox or radio, its label) is visible, and whether a focus indicator is drawn.
FOCUS_STATE = """async () => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) {
    return {what: "the page itself", problem: "focus is on no element"};
  }
  // Let focus styles that slide or fade in (the skip link) finish, for at most a second.
  const moving = element.getAnimations({subtree: true}).map((animation) => animation.finished);
  await Promise.race([Promise.all(moving), new Promise((done) => setTimeout(done, 1000))]);
  const text = (element.getAttribute("aria-label") || element.innerText || element.value || "");
  const what = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + ' "' + text.trim().replace(/\\s+/g, " ").slice(0, 50) + '"';
  const shown = (node) => {
    const box = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden"
      && Number(style.opacity) > 0 && box.right > 0 && box.bottom + window.scrollY > 0
      && box.left < document.documentElement.scrollWidth;
  };
  const ring = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  // USWDS draws checkboxes and radios on their label; the input itself sits off-screen.
  const drawn = [element];
  if (element.matches(".usa-checkbox__input, .usa-radio__input") && element.labels) {
    drawn.push(...element.labels);
  }
  if (!drawn.some(shown)) {
    return {what, problem: "focus is on an invisible element"};
  }
  const styles = drawn.flatMap((node) => [
    getComputedStyle(node), getComputedStyle(node, "::before"), getComputedStyle(node, "::after"),
  ]);
  if (!styles.some(ring)) {
    return {what, problem: "no visible focus indicator"};
  }
  return {what, problem: ""};
}"""


def assert_focus_visible(page: Page) -> str:
    """The focused element, described; fails when focus is lost, hidden or unmarked."""
    state = page.evaluate(FOCUS_STATE)
    assert not state["problem"], f"{state['problem']}: {state['what']} on {page.url}"
    return state["what"]


def _target(page: Page, name_or_locator: str | re.Pattern[str] | Locator) -> Locator:
    """A locator as given, or the field, link or button with that accessible name."""
    if isinstance(name_or_locator, Locator):
        return name_or_locator
    exact = isinstance(name_or_locator, str)
    return (
        page.get_by_label(name_or_locator, exact=exact)
        .or_(page.get_by_role("link", name=name_or_locator, exact=exact))
        .or_(page.get_by_role("button", name=name_or_locator, exact=exact))
    )


def tab_to(
    page: Page,
    name_or_locator: str | re.Pattern[str] | Locator,
    max_steps: int = 40,
    *,
    key: str = "Tab",
) -> None:
    """Press Tab (or `key`, e.g. "Shift+Tab") until the element has focus, checking at
    every stop that focus is visible; fails after `max_steps` presses."""
    target = _target(page, name_or_locator)
    passed = []
    for _ in range(max_steps):
        page.keyboard.press(key)
        try:
            passed.append(assert_focus_visible(page))
        except AssertionError as error:
            raise AssertionError(f"{error}; after {passed}") from None
        if target.evaluate_all("(nodes) => nodes.includes(document.activeElement)"):
            return
    raise AssertionError(
        f"{name_or_locator!r} not reached in {max_steps} presses of {key}; passed: {passed}"
    )


def press(page: Page, key: str, *, navigates: bool = False) -> None:
    """Press a key on the focused element, waiting for the page it loads if it navigates."""
    if navigates:
        with page.expect_navigation():
            page.keyboard.press(key)
    else:
        page.keyboard.press(key)


def sign_in_by_keyboard(page: Page, username: str) -> None:
    """From the sign-in page: skip link, banner, header, then the form."""
    page.goto(reverse("login"))
    tab_to(page, "Username")
    page.keyboard.type(username)
    tab_to(page, "Password", 2)
    page.keyboard.type(PASSWORD)
    press(page, "Enter", navigates=True)
    expect(page.get_by_role("banner")).not_to_contain_text("Sign in")


def new_page(browser: Browser, live_server) -> Page:
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


# Journey 1 ---------------------------------------------------------------------------------

MISSES = "Removals completed"  # its value misses the target of 100
EXPLANATION = "Charter flights were suspended for six weeks."
RETURN_COMMENT = "Please recheck against the EID extract."


@pytest.fixture
def data_call(transactional_db: None) -> DataCall:
    """ICE's plan with three quarterly ERO metrics (target 100 each), the data call of the
    quarter just ended (open, due in ten days), ERO's steward and approver."""
    ice = OfficeFactory(code="ICE", name="Immigration Agency", kind=Office.Kind.AGENCY)
    ero = OfficeFactory(
        code="ERO", name="Removal Operations", kind=Office.Kind.DIRECTORATE, parent=ice
    )
    plan = PlanFactory(title="ICE Strategic Plan", slug="ice-plan", owner=ice)
    goal = PlanElementFactory(plan=plan, number="1", title="Protect the homeland")
    objective = PlanElementFactory(parent=goal, number="1.1", title="Remove threats")
    today = timezone.localdate()
    fiscal_year = FiscalYear.from_date(today).previous().year
    for order, name in enumerate(["Detainers placed", MISSES, "Officers trained"]):
        metric = MetricFactory(
            element=objective,
            owner_office=ero,
            name=name,
            order=order,
            frequency=Metric.Frequency.QUARTERLY,
        )
        TargetFactory(metric=metric, fiscal_year=fiscal_year, quarter=4, value=Decimal(100))
    for username, role in [
        ("ero-steward", Membership.Role.DATA_STEWARD),
        ("ero-approver", Membership.Role.OFFICE_APPROVER),
    ]:
        MembershipFactory(user=UserFactory(username=username), office=ero, role=role)
    return DataCallFactory(
        plan=plan,
        fiscal_year=fiscal_year,
        quarter=4,
        opens_on=today - timedelta(days=5),
        due_on=today + timedelta(days=10),
    )


def stored(data_call: DataCall, name: str) -> Measurement:
    return Measurement.objects.get(
        metric__name=name, fiscal_year=data_call.fiscal_year, quarter=data_call.quarter
    )


def value_of(page: Page, name: str) -> Locator:
    return page.get_by_role("group", name=name, exact=True).get_by_label("Value", exact=True)


def test_steward_enters_and_submits_and_approver_reviews_with_the_keyboard_alone(
    page: Page, browser: Browser, live_server, data_call: DataCall
) -> None:
    # The steward signs in and finds the data call through the header's navigation.
    sign_in_by_keyboard(page, "ero-steward")
    tab_to(page, "Data calls")
    press(page, "Enter", navigates=True)
    tab_to(page, re.compile(r"Q4 data call: ICE Strategic Plan"))
    press(page, "Enter", navigates=True)
    tab_to(page, "Enter values for ERO")
    press(page, "Enter", navigates=True)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Removal Operations")

    # Three values, one of them short of its target; then a draft.
    for name, typed in [("Detainers placed", "120"), (MISSES, "90"), ("Officers trained", "130")]:
        tab_to(page, value_of(page, name))
        page.keyboard.type(typed)
    tab_to(page, "Save draft")
    press(page, "Enter", navigates=True)
    expect(page.get_by_text("Your values were saved as a draft.")).to_be_visible()
    assert stored(data_call, MISSES).status == Measurement.Status.DRAFT

    # Submit: the short value needs an explanation. The summary takes focus; its link
    # leads to the field.
    tab_to(page, "Submit all for review", 80)
    press(page, "Enter", navigates=True)
    summary = page.get_by_role("alert").filter(has_text="problem to fix")
    expect(summary).to_be_focused()
    tab_to(page, re.compile(f"^{MISSES}: "), 3)
    press(page, "Enter")
    explanation = page.get_by_role("group", name=MISSES).get_by_label("Explanation", exact=True)
    expect(explanation).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type(EXPLANATION)
    # Back up to check the value is still there, then on to submit.
    tab_to(page, value_of(page, MISSES), 5, key="Shift+Tab")
    expect(value_of(page, MISSES)).to_have_value("90")
    tab_to(page, "Submit all for review", 80)
    press(page, "Enter", navigates=True)
    expect(page.get_by_text("Your values were submitted for review.")).to_be_visible()
    assert stored(data_call, MISSES).explanation == EXPLANATION
    assert stored(data_call, MISSES).status == Measurement.Status.SUBMITTED

    # The approver, in a browser of their own, approves one value and returns another.
    review = new_page(browser, live_server)
    try:
        sign_in_by_keyboard(review, "ero-approver")
        review.goto(reverse("metrics:data-call-board", args=[data_call.pk]))
        tab_to(review, "Review ERO")
        press(review, "Enter", navigates=True)
        tab_to(review, "Choose Detainers placed")
        press(review, "Space")
        expect(review.get_by_label("Choose Detainers placed")).to_be_checked()
        tab_to(review, "Approve chosen values")
        press(review, "Enter", navigates=True)
        expect(review.get_by_text("1 value(s) approved.")).to_be_visible()

        tab_to(review, f"Choose {MISSES}")
        press(review, "Space")
        tab_to(review, "What the office should fix")
        review.keyboard.type(RETURN_COMMENT)
        tab_to(review, "Return chosen values", 3)
        press(review, "Enter", navigates=True)
        expect(review.get_by_text("1 value(s) returned to ERO.")).to_be_visible()
    finally:
        review.context.close()
    assert stored(data_call, "Detainers placed").status == APPROVED
    returned = stored(data_call, MISSES)
    assert (returned.status, returned.review_comment) == ("returned", RETURN_COMMENT)


# Journey 2 ---------------------------------------------------------------------------------

FY, Q = 2025, 4  # long past its due date: every status is settled
ATTENTION = "Removals completed"


@pytest.fixture
def dashboard_plan(transactional_db: None) -> Plan:
    """ICE's plan with two goals, ERO's and HSI's metrics judged against 100 in FY2025 Q4
    (one at risk with three earlier quarters for its chart), and a working-group lead."""
    ice = OfficeFactory(code="ICE", name="Immigration Agency", kind=Office.Kind.AGENCY)
    offices = {
        code: OfficeFactory(code=code, name=name, kind=Office.Kind.DIRECTORATE, parent=ice)
        for code, name in (("ERO", "Removal Operations"), ("HSI", "Investigations"))
    }
    plan = PlanFactory(title="ICE Strategic Plan", slug="ice-plan", owner=ice)
    objectives = {}
    for number, title in (("1", "Protect the homeland"), ("2", "Serve the victims")):
        goal = PlanElementFactory(plan=plan, number=number, title=title, order=int(number))
        objectives[number] = PlanElementFactory(parent=goal, number=f"{number}.1")
    rows = [
        ("Detainers placed", "1", "ERO", 120),
        (ATTENTION, "1", "ERO", 95),
        ("Investigations opened", "1", "HSI", 50),
        ("Officers trained", "2", "ERO", 130),
    ]
    for order, (name, goal, office, actual) in enumerate(rows):
        metric = MetricFactory(
            element=objectives[goal], owner_office=offices[office], name=name, order=order
        )
        for quarter in (1, 2, 3, 4) if name == ATTENTION else (Q,):
            TargetFactory(metric=metric, fiscal_year=FY, quarter=quarter, value=Decimal(100))
            MeasurementFactory(
                metric=metric,
                fiscal_year=FY,
                quarter=quarter,
                value=Decimal(actual),
                status=APPROVED,
            )
    DataCallFactory(
        plan=plan, fiscal_year=FY, quarter=Q, opens_on=date(2025, 10, 1), due_on=date(2025, 11, 14)
    )
    lead = UserFactory(username="wg-lead")
    MembershipFactory(user=lead, office=ice, role=Membership.Role.WORKING_GROUP_LEAD)
    return plan


def test_lead_filters_the_dashboard_and_drills_down_to_a_metric_with_the_keyboard_alone(
    page: Page, live_server, dashboard_plan: Plan
) -> None:
    sign_in_by_keyboard(page, "wg-lead")
    page.goto(reverse("plans:plan-detail", args=[dashboard_plan.slug]))
    tab_to(page, "Dashboard")
    press(page, "Enter", navigates=True)
    expect(page.get_by_role("heading", level=1)).to_contain_text("dashboard")

    # Filter by office: type-ahead in the select, arrow keys are not needed.
    tab_to(page, "Office")
    page.keyboard.type("ERO")
    expect(page.get_by_label("Office", exact=True)).to_have_value("ERO")
    tab_to(page, "Apply filters", 3)
    press(page, "Enter", navigates=True)
    expect(page).to_have_url(re.compile(r"[?&]office=ERO(&|$)"))

    # The data tables under the charts are scrollable regions that take focus.
    tab_to(page, page.get_by_role("region", name="Data for: Status by goal"), 30)

    # Drill down: the goal, then the metric that needs attention, then its chart's data.
    tab_to(page, "Goal 1: Protect the homeland")
    press(page, "Enter", navigates=True)
    expect(page.get_by_text("Showing Goal 1: Protect the homeland")).to_be_visible()
    tab_to(page, page.get_by_role("table", name="Needs attention").get_by_role("link"), 60)
    press(page, "Enter", navigates=True)
    expect(page.get_by_role("heading", level=1)).to_have_text(ATTENTION)
    tab_to(page, page.get_by_role("region", name="Data for: Actuals against targets"))


# Journey 3 ---------------------------------------------------------------------------------


@pytest.fixture
def report(transactional_db: None, settings, tmp_path) -> AnnualReport:
    """The FY2020 report of seed 004 with its figures, and a lead who may build it."""
    settings.MEDIA_ROOT = tmp_path
    load_seed_data()
    load_fy2020_figures()
    load_fy2020_report()
    MembershipFactory(
        user=UserFactory(username="report-lead"),
        office=Office.objects.get(code="ICE"),
        role=Membership.Role.WORKING_GROUP_LEAD,
    )
    return AnnualReport.objects.get(fiscal_year=2020)


def test_staff_build_the_annual_report_and_reach_its_downloads_with_the_keyboard_alone(
    page: Page, live_server, report: AnnualReport
) -> None:
    sign_in_by_keyboard(page, "report-lead")
    tab_to(page, "Annual reports")
    press(page, "Enter", navigates=True)
    tab_to(page, report.title)
    press(page, "Enter", navigates=True)
    expect(page.get_by_role("heading", level=1)).to_have_text(report.title)

    # Every format is ticked; leave out the slow PDF with Space, then build.
    tab_to(page, "PDF (tagged for accessibility)")
    press(page, "Space")
    expect(page.get_by_label("PDF (tagged for accessibility)")).not_to_be_checked()
    tab_to(page, "Build the report", 5)
    press(page, "Enter", navigates=True)
    expect(page.get_by_role("status")).to_contain_text("Finished")
    build = ReportBuild.objects.get(report=report)
    assert build.formats == ["html", "docx", "xlsx"]

    # The downloads, one after the other in the page's order; Enter on Word downloads it.
    links = page.get_by_role("main").get_by_role("link", name=re.compile("^Download "))
    names = [" ".join(text.split()) for text in links.all_inner_texts()]
    assert sorted(name.split(" of build")[0] for name in names) == [
        "Download Excel appendix of figures",
        "Download Web page (HTML)",
        "Download Word",
    ]
    for index, name in enumerate(names):
        tab_to(page, links.nth(index), 20)
        if name.startswith("Download Word"):
            with page.expect_download() as download:
                press(page, "Enter")
            with zipfile.ZipFile(download.value.path()) as docx:
                assert "185,884" in docx.read("word/document.xml").decode()
