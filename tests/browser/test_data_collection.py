"""Journey 1 in a real browser: a data steward enters ERO's values for the open data call,
saves a draft, fixes a validation error and submits; the office approver approves one value
and returns another with a comment; the steward sees what was returned. Keyboard only where
a person would type, and axe on every page the journey passes through."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from metrics.models import DataCall, Measurement, Target
from metrics.periods import FiscalYear
from metrics.seed import load_fy2020_figures
from plans.models import Membership, Metric, Office, Plan
from plans.seed import load_seed_data
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct-horse-battery"  # the factory's password
PLAN = "ice-sp-2021-2025"
ERO_METRICS_IN_CALL = 26  # the ERO figures of the FY2020 report, all annual

# The values the steward types: metric name -> what is typed (and stored).
TYPED = {
    "Immigration detainers placed": ("121,500", Decimal(121500)),
    "Administrative arrests": ("104000", Decimal(104000)),
    "Arrests of known or suspected gang members": ("4,100", Decimal(4100)),
    "Removals": ("190000", Decimal(190000)),
}
# Two metrics get a fiscal-year target that the typed values miss, so each needs an
# explanation on submit; the steward gives one for arrests and forgets it for removals.
TARGETS = {"Administrative arrests": Decimal(110000), "Removals": Decimal(200000)}
ARRESTS_EXPLANATION = "Fewer referrals from county jails after the detainer policy change."
REMOVALS_EXPLANATION = "Charter flights were suspended for six weeks in the spring."
NOT_AVAILABLE = "Arrests of known or suspected terrorists"
NOT_AVAILABLE_REASON = "The FBI has not yet confirmed this year's figure."
RETURN_COMMENT = "Removals must match the EID extract of October 1; please recheck."


@pytest.fixture
def data_call(transactional_db: None) -> DataCall:
    """The seed plans and FY2020 figures, ERO's steward and approver, targets for two ERO
    metrics, and the ICE plan's Q4 data call, open since five days and due in ten."""
    load_seed_data()
    load_fy2020_figures()
    ero = Office.objects.get(code="ERO")
    steward = UserFactory(username="ero-steward", first_name="Sam", last_name="Steward")
    approver = UserFactory(username="ero-approver", first_name="Avery", last_name="Approver")
    MembershipFactory(user=steward, office=ero, role=Membership.Role.DATA_STEWARD)
    MembershipFactory(user=approver, office=ero, role=Membership.Role.OFFICE_APPROVER)
    today = timezone.localdate()
    fiscal_year = FiscalYear.from_date(today).previous().year  # its Q4 has ended
    for name, value in TARGETS.items():
        Target.objects.create(
            metric=ero_metric(name), fiscal_year=fiscal_year, quarter=None, value=value
        )
    return DataCall.objects.create(
        plan=Plan.objects.get(slug=PLAN),
        fiscal_year=fiscal_year,
        quarter=4,
        opens_on=today - timedelta(days=5),
        due_on=today + timedelta(days=10),
    )


def ero_metric(name: str) -> Metric:
    return Metric.objects.get(element__plan__slug=PLAN, owner_office__code="ERO", name=name)


def stored(data_call: DataCall, name: str) -> Measurement:
    return Measurement.objects.get(
        metric=ero_metric(name), fiscal_year=data_call.fiscal_year, quarter=None
    )


def card(page: Page, name: str):
    """A metric's fieldset, found by its legend as assistive technology finds it."""
    return page.get_by_role("group", name=name, exact=True)


def value_field(page: Page, name: str):
    return card(page, name).get_by_label("Value", exact=True)


def explanation_field(page: Page, name: str):
    return card(page, name).get_by_label("Explanation", exact=True)


def test_steward_enters_saves_fixes_and_submits_then_approver_approves_and_returns(
    page: Page, browser: Browser, live_server, data_call: DataCall, login, axe_check
) -> None:
    # The steward finds the data call from the header and opens ERO's entry page.
    login(page, live_server, "ero-steward", PASSWORD)
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Data calls"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data calls")
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"Q4 data call: U\.S\. Immigration")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{data_call.period.label} data call")
    expect(page.get_by_role("row", name=re.compile(r"^ERO"))).to_contain_text("26")
    axe_check(page)
    page.get_by_role("link", name="Enter values for ERO").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enforcement and Removal")
    expect(page.locator("fieldset.entry-metric")).to_have_count(ERO_METRICS_IN_CALL)
    axe_check(page)

    # Keyboard: focus a value, type, Tab through the card. "Why it is not available" is
    # hidden (and out of the tab order) until "Not available" is checked.
    value_field(page, "Immigration detainers placed").focus()
    page.keyboard.type(TYPED["Immigration detainers placed"][0])
    page.keyboard.press("Tab")
    not_available = card(page, "Immigration detainers placed").get_by_label(
        "Not available this period"
    )
    expect(not_available).to_be_focused()
    expect(not_available).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Tab")
    expect(explanation_field(page, "Immigration detainers placed")).to_be_focused()

    value_field(page, "Administrative arrests").focus()
    page.keyboard.type(TYPED["Administrative arrests"][0])
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(explanation_field(page, "Administrative arrests")).to_be_focused()
    page.keyboard.type(ARRESTS_EXPLANATION)

    for name in ("Arrests of known or suspected gang members", "Removals"):
        value_field(page, name).focus()
        page.keyboard.type(TYPED[name][0])
        page.keyboard.press("Tab")

    terrorists = card(page, NOT_AVAILABLE)
    reason = terrorists.get_by_label("Why it is not available")
    expect(reason).to_be_hidden()
    terrorists.get_by_label("Not available this period").focus()
    page.keyboard.press("Space")
    expect(terrorists.get_by_label("Not available this period")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(reason).to_be_visible()
    page.keyboard.press("Tab")
    expect(reason).to_be_focused()
    page.keyboard.type(NOT_AVAILABLE_REASON)

    # Save the draft: the values are stored as drafts and still in the form.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your values were saved as a draft.")).to_be_visible()
    for name, (_typed, value) in TYPED.items():
        measurement = stored(data_call, name)
        assert (measurement.value, measurement.status) == (value, Measurement.Status.DRAFT)
    gone = stored(data_call, NOT_AVAILABLE)
    assert gone.not_available
    assert gone.not_available_reason == NOT_AVAILABLE_REASON
    assert stored(data_call, "Administrative arrests").explanation == ARRESTS_EXPLANATION
    expect(page.get_by_role("alert")).to_have_count(0)  # no error summary after a save
    expect(value_field(page, "Removals")).to_have_value("190000")
    expect(explanation_field(page, "Administrative arrests")).to_have_value(ARRESTS_EXPLANATION)
    expect(terrorists.get_by_label("Why it is not available")).to_be_visible()

    # The other metrics, quickly, then submit: removals misses its target unexplained.
    entered = {*TYPED, NOT_AVAILABLE}
    others = Metric.objects.filter(pk__in=data_call.metrics_due(), owner_office__code="ERO")
    others = others.exclude(name__in=entered).order_by("pk")
    assert others.count() == ERO_METRICS_IN_CALL - len(entered)
    for count, metric in enumerate(others, start=1):  # 41 to 61: fine for percentages too
        value_field(page, metric.name).fill(str(40 + count))
    page.get_by_role("button", name="Submit all for review").click()

    summary = page.get_by_role("alert").filter(has_text="problem to fix")
    expect(summary).to_contain_text("1 problem to fix; nothing was saved")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Removals: Explain why the value misses its target.").click()
    expect(explanation_field(page, "Removals")).to_be_focused()
    expect(value_field(page, "Removals")).to_have_value("190000")
    expect(value_field(page, others.first().name)).to_have_value("41")
    assert stored(data_call, "Removals").status == Measurement.Status.DRAFT  # nothing saved
    axe_check(page)

    page.keyboard.type(REMOVALS_EXPLANATION)
    page.get_by_role("button", name="Submit all for review").click()
    expect(page.get_by_text("Your values were submitted for review.")).to_be_visible()
    statuses = Measurement.objects.filter(
        metric__in=data_call.metrics_due().filter(owner_office__code="ERO"),
        fiscal_year=data_call.fiscal_year,
    ).values_list("status", flat=True)
    assert list(statuses) == [Measurement.Status.SUBMITTED] * ERO_METRICS_IN_CALL
    assert stored(data_call, "Removals").explanation == REMOVALS_EXPLANATION
    axe_check(page)

    # The approver, in a browser of their own, reviews ERO from the board.
    approver_context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    approver_context.set_default_timeout(10_000)
    try:
        review = approver_context.new_page()
        login(review, live_server, "ero-approver", PASSWORD)
        review.goto(reverse("metrics:data-call-board", args=[data_call.pk]))
        review.get_by_role("link", name="Review ERO").click()
        expect(review.get_by_role("heading", level=1)).to_contain_text("Review Enforcement")
        axe_check(review)

        review.get_by_label("Choose Administrative arrests", exact=True).focus()
        review.keyboard.press("Space")
        review.get_by_role("button", name="Approve chosen values").click()
        expect(review.get_by_text("1 value(s) approved.")).to_be_visible()

        review.get_by_label("Choose Removals", exact=True).focus()
        review.keyboard.press("Space")
        review.get_by_label("What the office should fix").fill(RETURN_COMMENT)
        review.get_by_role("button", name="Return chosen values").click()
        expect(review.get_by_text("1 value(s) returned to ERO.")).to_be_visible()
        axe_check(review)
    finally:
        approver_context.close()

    approved = stored(data_call, "Administrative arrests")
    assert approved.status == Measurement.Status.APPROVED
    assert approved.reviewed_by.username == "ero-approver"
    returned = stored(data_call, "Removals")
    assert (returned.status, returned.review_comment) == (
        Measurement.Status.RETURNED,
        RETURN_COMMENT,
    )
    assert stored(data_call, "Immigration detainers placed").status == "submitted"

    # The steward sees the returned value and its comment at the top of the entry page.
    page.reload()
    returned_box = page.locator(".usa-alert").filter(
        has=page.get_by_role("heading", name="Returned for changes")
    )
    expect(returned_box).to_be_visible()
    expect(returned_box.get_by_role("link", name="Removals", exact=True)).to_be_visible()
    expect(returned_box).to_contain_text(RETURN_COMMENT)
    expect(card(page, "Removals")).to_contain_text(RETURN_COMMENT)
    expect(card(page, "Removals").locator(".app-status")).to_have_text("Returned")
    axe_check(page)

    # A metric's values and history page shows the whole story and passes axe.
    page.goto(reverse("metrics:metric-values", args=[returned.metric_id]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Removals")
    expect(page.get_by_role("cell", name=RETURN_COMMENT).first).to_be_visible()
    axe_check(page)
