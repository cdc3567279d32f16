"""The quarterly review pages: who may see and record what, the forms, and the downloads."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document as WordDocument
from pypdf import PdfReader

from metrics.models import Measurement
from plans.models import Metric, Office, Plan
from reports.review_models import ActionItem, Decision, ReviewMeeting
from tests.factories import (
    ActionItemFactory,
    MeasurementFactory,
    MetricFactory,
    PlanElementFactory,
    ReviewMeetingFactory,
    TargetFactory,
)

FY, Q = 2025, 2  # long past: every status is settled whatever today is


def url(name: str, plan: Plan, *extra: object) -> str:
    if name == "review-list":
        return reverse(f"reports:{name}", args=[plan.slug])
    return reverse(f"reports:{name}", args=[plan.slug, FY, Q, *extra])


@pytest.fixture
def metrics(plan: Plan, offices: dict[str, Office]) -> dict[str, Metric]:
    goal = PlanElementFactory(plan=plan, number="1", title="Protect the homeland")
    objective = PlanElementFactory(parent=goal, number="1.1")
    made = {}
    for name, office, value in [
        ("Removals completed", "ERO", Decimal(50)),
        ("Detainers placed", "HSI", Decimal(120)),
    ]:
        metric = MetricFactory(element=objective, owner_office=offices[office], name=name)
        TargetFactory(metric=metric, fiscal_year=FY, quarter=Q, value=Decimal(100))
        MeasurementFactory(
            metric=metric,
            fiscal_year=FY,
            quarter=Q,
            value=value,
            explanation="Flights were cancelled." if value < 100 else "",
            status=Measurement.Status.APPROVED,
        )
        made[name] = metric
    return made


@pytest.fixture
def meeting(plan: Plan) -> ReviewMeeting:
    return ReviewMeetingFactory(plan=plan, fiscal_year=FY, quarter=Q, held_on=date(2025, 5, 6))


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---- who may do what ----

READ_URLS = ["review-list", "review-packet"]
WRITE_URLS = ["review-meeting", "review-decision-add", "review-item-add"]


@pytest.mark.parametrize("name", [*READ_URLS, *WRITE_URLS, "review-pdf", "review-docx"])
def test_anonymous_users_are_sent_to_sign_in(plan: Plan, name: str) -> None:
    response = Client().get(url(name, plan))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", [*READ_URLS, "review-pdf"])
def test_outsiders_get_404_on_reading(outsider_client: Client, plan: Plan, name: str) -> None:
    assert outsider_client.get(url(name, plan)).status_code == 404


@pytest.mark.parametrize("name", WRITE_URLS)
def test_outsiders_get_404_on_recording(
    outsider_client: Client, plan: Plan, meeting: ReviewMeeting, name: str
) -> None:
    assert outsider_client.post(url(name, plan), {}).status_code == 404


@pytest.mark.parametrize("name", READ_URLS)
def test_viewers_can_read_the_list_and_the_packet(
    viewer_client: Client, plan: Plan, metrics: dict[str, Metric], name: str
) -> None:
    assert viewer_client.get(url(name, plan)).status_code == 200


@pytest.mark.parametrize("name", WRITE_URLS)
def test_viewers_get_403_on_recording_and_nothing_is_saved(
    viewer_client: Client, plan: Plan, meeting: ReviewMeeting, name: str
) -> None:
    data = {"meeting-held_on": "2025-05-07", "decision-text": "No", "item-text": "No"}

    assert viewer_client.post(url(name, plan), data).status_code == 403
    meeting.refresh_from_db()
    assert meeting.held_on == date(2025, 5, 6)
    assert not Decision.objects.exists()
    assert not ActionItem.objects.exists()


def test_viewers_get_403_on_closing_an_item(
    viewer_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    item = ActionItemFactory(meeting=meeting)

    response = viewer_client.post(
        url("review-item-close", plan, item.pk), {f"close-{item.pk}-note": "x"}
    )

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.is_open


def test_the_packet_page_is_405_for_post_and_the_record_urls_405_for_get(
    lead_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    assert lead_client.post(url("review-packet", plan)).status_code == 405
    assert lead_client.get(url("review-decision-add", plan)).status_code == 405


def test_an_impossible_quarter_is_404(viewer_client: Client, plan: Plan) -> None:
    response = viewer_client.get(reverse("reports:review-packet", args=[plan.slug, FY, 5]))

    assert response.status_code == 404


def test_viewers_see_the_packet_but_no_forms(
    viewer_client: Client, plan: Plan, metrics: dict[str, Metric], meeting: ReviewMeeting
) -> None:
    text = page(viewer_client.get(url("review-packet", plan)))

    assert "Quarterly performance review: ICE Strategic Plan, FY2025 Q2" in text
    assert "Removals completed" in text
    assert "Flights were cancelled." in text
    assert "Download PDF" in text
    assert "Record a decision" not in text
    assert "Only the plan's working-group leads record" in text


# ---- the list ----


def test_the_list_shows_the_meetings_and_opens_a_quarters_packet(
    viewer_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    ActionItemFactory(meeting=meeting)

    text = page(viewer_client.get(url("review-list", plan)))
    response = viewer_client.get(url("review-list", plan), {"fy": "2025", "q": "2"})

    assert "FY2025 Q2" in text
    assert "May 6, 2025" in text
    assert "1 action item of this plan is open." in text
    assert response.status_code == 302
    assert response["Location"] == url("review-packet", plan)


def test_the_list_explains_a_quarter_it_cannot_open(viewer_client: Client, plan: Plan) -> None:
    text = page(viewer_client.get(url("review-list", plan), {"fy": "1999", "q": "2"}))

    assert "1 problem to fix" in text
    assert "Fiscal year: Select a valid choice." in text


# ---- recording the meeting ----


def test_a_lead_records_the_meeting_of_a_quarter(
    lead_client: Client, plan: Plan, metrics: dict[str, Metric]
) -> None:
    text = page(lead_client.get(url("review-packet", plan)))
    assert "Save the meeting's date first" in text

    response = lead_client.post(
        url("review-meeting", plan), {"meeting-held_on": "2025-05-06", "meeting-notes": "All met."}
    )

    assert response.status_code == 302
    assert response["Location"] == url("review-packet", plan) + "#record"
    meeting = ReviewMeeting.objects.get(plan=plan, fiscal_year=FY, quarter=Q)
    assert (meeting.held_on, meeting.notes) == (date(2025, 5, 6), "All met.")
    assert meeting.history.count() == 1
    text = page(lead_client.get(response["Location"]))
    assert "Review meeting held on May 6, 2025" in text
    assert "Record a decision" in text


def test_a_meeting_without_a_date_is_refused_and_the_notes_kept(
    lead_client: Client, plan: Plan
) -> None:
    response = lead_client.post(
        url("review-meeting", plan), {"meeting-held_on": "", "meeting-notes": "Typed notes"}
    )

    text = page(response)
    assert "Held on: This field is required." in text
    assert "Typed notes" in text
    assert not ReviewMeeting.objects.exists()


def test_a_lead_records_a_decision_about_a_metric(
    lead_client: Client, plan: Plan, metrics: dict[str, Metric], meeting: ReviewMeeting
) -> None:
    removals = metrics["Removals completed"]

    response = lead_client.post(
        url("review-decision-add", plan),
        {"decision-text": "Ask ERO for a recovery plan.", "decision-metric": removals.pk},
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.meeting, decision.metric, decision.text) == (
        meeting,
        removals,
        "Ask ERO for a recovery plan.",
    )
    assert decision.recorded_by.username == "working_group_lead-ice"
    text = page(lead_client.get(response["Location"]))
    assert "Ask ERO for a recovery plan." in text
    assert "The decision was recorded." in text


def test_an_empty_decision_is_refused_with_a_message_and_the_choice_kept(
    lead_client: Client, plan: Plan, metrics: dict[str, Metric], meeting: ReviewMeeting
) -> None:
    removals = metrics["Removals completed"]

    text = page(
        lead_client.post(
            url("review-decision-add", plan),
            {"decision-text": " ", "decision-metric": removals.pk},
        )
    )

    assert "1 problem to fix; nothing was saved" in text
    assert 'href="#id_decision-text">Decision: This field is required.' in text
    assert f'<option value="{removals.pk}" selected>' in text
    assert not Decision.objects.exists()


def test_a_decision_cannot_name_another_plans_metric(
    lead_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    elsewhere = MetricFactory()

    text = page(
        lead_client.post(
            url("review-decision-add", plan),
            {"decision-text": "Typed decision", "decision-metric": elsewhere.pk},
        )
    )

    assert "About a metric: Select a valid choice." in text
    assert "Typed decision" in text
    assert not Decision.objects.exists()


def test_decisions_need_the_meeting_first(lead_client: Client, plan: Plan) -> None:
    response = lead_client.post(url("review-decision-add", plan), {"decision-text": "Early"})

    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_a_lead_adds_an_action_item_with_an_owner_office_and_a_due_date(
    lead_client: Client,
    plan: Plan,
    offices: dict[str, Office],
    metrics: dict[str, Metric],
    meeting: ReviewMeeting,
) -> None:
    response = lead_client.post(
        url("review-item-add", plan),
        {
            "item-text": "Send the recovery plan",
            "item-owner_office": offices["ERO"].pk,
            "item-owner_name": "Pat Doe",
            "item-due_on": "2025-06-30",
        },
    )

    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.plan, item.meeting, item.owner_office, item.owner_name) == (
        plan,
        meeting,
        offices["ERO"],
        "Pat Doe",
    )
    assert item.due_on == date(2025, 6, 30)
    assert item.is_open
    text = page(lead_client.get(response["Location"]))
    assert "Send the recovery plan" in text
    assert "ERO (Pat Doe)" in text


def test_an_action_item_without_owner_or_with_a_bad_date_keeps_what_was_typed(
    lead_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    text = page(
        lead_client.post(
            url("review-item-add", plan),
            {"item-text": "Typed item", "item-owner_name": "", "item-due_on": "2025-04-01"},
        )
    )

    assert "2 problems to fix; nothing was saved" in text
    assert "Owner office: Give an owner: an office, a person&#x27;s name, or both." in text
    assert "Due date: The due date cannot be before the meeting, held on May 6, 2025." in text
    assert "Typed item" in text
    assert 'value="2025-04-01"' in text
    assert not ActionItem.objects.exists()


def test_a_lead_closes_an_item_with_a_note(
    lead_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    item = ActionItemFactory(meeting=meeting, text="Send the memo")

    response = lead_client.post(
        url("review-item-close", plan, item.pk), {f"close-{item.pk}-note": "Sent on time."}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.is_open
    assert item.closing_note == "Sent on time."
    assert item.closed_by.username == "working_group_lead-ice"
    assert item.history.first().status == ActionItem.Status.CLOSED
    text = page(lead_client.get(response["Location"]))
    assert "Sent on time." in text  # the packet still lists it: closed after the quarter
    assert "Close this item" not in text


def test_closing_needs_a_note_and_an_open_item(
    lead_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    item = ActionItemFactory(meeting=meeting)
    close = url("review-item-close", plan, item.pk)

    text = page(lead_client.post(close, {f"close-{item.pk}-note": ""}))
    lead_client.post(close, {f"close-{item.pk}-note": "Done."})
    again = page(lead_client.post(close, {f"close-{item.pk}-note": "Done twice."}))

    assert "Closing note: This field is required." in text
    assert "This item was already closed on" in again
    item.refresh_from_db()
    assert item.closing_note == "Done."


def test_closing_another_plans_item_is_404(
    lead_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    item = ActionItemFactory(meeting=ReviewMeetingFactory())

    response = lead_client.post(
        url("review-item-close", plan, item.pk), {f"close-{item.pk}-note": "x"}
    )

    assert response.status_code == 404


def test_items_from_earlier_quarters_carry_into_the_packet(
    lead_client: Client, plan: Plan, meeting: ReviewMeeting
) -> None:
    earlier = ReviewMeetingFactory(plan=plan, fiscal_year=FY, quarter=1)
    ActionItemFactory(meeting=earlier, text="Carried from Q1", due_on=date(2025, 3, 1))

    text = page(lead_client.get(url("review-packet", plan)))

    assert "Carried from Q1" in text
    assert "FY2025 Q1" in text


# ---- downloads ----


def test_viewers_download_the_packet_as_pdf(
    viewer_client: Client, plan: Plan, metrics: dict[str, Metric], meeting: ReviewMeeting
) -> None:
    response = viewer_client.get(url("review-pdf", plan))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="review-packet-ice-plan-fy2025-q2.pdf"'
    )
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Removals completed" in text
    assert "Detainers placed" in text


def test_viewers_download_the_packet_as_word(
    viewer_client: Client, plan: Plan, metrics: dict[str, Metric], meeting: ReviewMeeting
) -> None:
    response = viewer_client.get(url("review-docx", plan))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="review-packet-ice-plan-fy2025-q2.docx"'
    )
    word = WordDocument(io.BytesIO(response.content))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in word.paragraphs] + cells)
    assert "Quarterly performance review: ICE Strategic Plan, FY2025 Q2" in text
    assert "Removals completed" in text
    assert "Detainers placed" in text
