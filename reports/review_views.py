"""The quarterly review pages: the list of reviews, a quarter's packet with the forms the
lead records the meeting with, and the packet's downloads.

Anyone who reads the plan sees and downloads packets; its editors (`can_edit_plan`:
working-group leads on the owner's line, administrators) record meetings, decisions and
action items. Each POST view redirects after success and, on an error, renders the packet
page again with its bound form, so that nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from metrics.periods import FiscalQuarter
from plans.access import can_edit_plan, get_plan_for_user
from plans.models import Plan
from reports import rendering
from reports.rendering.html import render_html
from reports.review import ReviewRecord, build_packet, load_review
from reports.review_forms import (
    ActionItemForm,
    CloseItemForm,
    DecisionForm,
    MeetingForm,
    QuarterForm,
    error_summary,
    packet_years,
    quarter_under_review,
)
from reports.review_models import ActionItem, ReviewMeeting


@require_GET
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's review meetings, and a form that opens any quarter's packet."""
    plan = get_plan_for_user(request.user, slug)
    meetings = list(
        plan.review_meetings.annotate(
            decision_count=Count("decisions", distinct=True),
            item_count=Count("action_items", distinct=True),
        )
    )
    today = timezone.localdate()
    years = packet_years(plan, [m.fiscal_year for m in meetings], today)
    under_review = quarter_under_review(today)
    initial = {"fy": under_review.fiscal_year, "q": under_review.quarter}
    form = QuarterForm(request.GET or None, years=years, initial=initial)
    if form.is_bound and form.is_valid():
        return redirect(packet_url(plan, form.quarter()))
    context = {
        "plan": plan,
        "meetings": meetings,
        "form": form,
        "errors": error_summary(form) if form.is_bound else [],
        "open_items": plan.action_items.filter(status=ActionItem.Status.OPEN).count(),
        "breadcrumbs": _crumbs(plan),
    }
    return render(request, "reports/review/review_list.html", context)


@require_GET
def packet(request: HttpRequest, slug: str, fy: int, q: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    return _packet_page(request, plan, _quarter(fy, q))


@require_POST
def meeting_save(request: HttpRequest, slug: str, fy: int, q: int) -> HttpResponse:
    """Record the meeting of the quarter (the first time) or change its date and notes."""
    plan = get_plan_for_user(request.user, slug, write=True)
    quarter = _quarter(fy, q)
    meeting = _meeting(plan, quarter) or ReviewMeeting(
        plan=plan, fiscal_year=fy, quarter=q, created_by=request.user
    )
    form = MeetingForm(request.POST, instance=meeting)
    if not form.is_valid():
        return _packet_page(request, plan, quarter, Bound(meeting=form))
    form.save()
    messages.success(request, f"The {quarter.label} review meeting was saved.")
    return redirect(packet_url(plan, quarter) + "#record")


@require_POST
def decision_add(request: HttpRequest, slug: str, fy: int, q: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    quarter = _quarter(fy, q)
    meeting = _meeting_or_404(plan, quarter)
    form = DecisionForm(request.POST, plan=plan)
    if not form.is_valid():
        return _packet_page(request, plan, quarter, Bound(decision=form))
    form.instance.meeting, form.instance.recorded_by = meeting, request.user
    form.save()
    messages.success(request, "The decision was recorded.")
    return redirect(packet_url(plan, quarter) + "#record")


@require_POST
def item_add(request: HttpRequest, slug: str, fy: int, q: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    quarter = _quarter(fy, q)
    meeting = _meeting_or_404(plan, quarter)
    form = ActionItemForm(request.POST, plan=plan, meeting=meeting)
    if not form.is_valid():
        return _packet_page(request, plan, quarter, Bound(item=form))
    form.instance.plan, form.instance.meeting = plan, meeting
    form.instance.created_by = request.user
    form.save()
    messages.success(request, "The action item was added.")
    return redirect(packet_url(plan, quarter) + "#record")


@require_POST
def item_close(request: HttpRequest, slug: str, fy: int, q: int, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    quarter = _quarter(fy, q)
    item = get_object_or_404(ActionItem, pk=pk, plan=plan)
    form = CloseItemForm(request.POST, item=item)
    if not form.is_valid():
        return _packet_page(request, plan, quarter, Bound(close={item.pk: form}))
    item.close(user=request.user, note=form.cleaned_data["note"], now=timezone.now())
    messages.success(request, f"The action item “{item.text[:60]}” was closed.")
    return redirect(packet_url(plan, quarter) + "#record")


@require_GET
def packet_download(request: HttpRequest, slug: str, fy: int, q: int, fmt: str) -> HttpResponse:
    """The packet as PDF or Word, built from today's data (about a second for a PDF)."""
    plan = get_plan_for_user(request.user, slug)
    quarter = _quarter(fy, q)
    document = build_packet(plan, quarter, today=timezone.localdate())
    content = rendering.render(document, fmt)
    name = f"review-packet-{plan.slug}-fy{fy}-q{q}.{rendering.FORMATS[fmt].extension}"
    response = HttpResponse(content, content_type=rendering.FORMATS[fmt].content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def packet_url(plan: Plan, quarter: FiscalQuarter) -> str:
    args = [plan.slug, quarter.fiscal_year, quarter.quarter]
    return reverse("reports:review-packet", args=args)


@dataclass
class Bound:
    """The forms a failed POST bound, shown again in place of the empty ones."""

    meeting: MeetingForm | None = None
    decision: DecisionForm | None = None
    item: ActionItemForm | None = None
    close: dict[int, CloseItemForm] = field(default_factory=dict)

    def all(self) -> list[forms.BaseForm]:
        chosen = [self.meeting, self.decision, self.item, *self.close.values()]
        return [form for form in chosen if form is not None]


def _packet_page(
    request: HttpRequest, plan: Plan, quarter: FiscalQuarter, bound: Bound | None = None
) -> HttpResponse:
    bound = bound or Bound()
    review = load_review(plan, quarter)
    document = build_packet(plan, quarter, today=timezone.localdate(), review=review)
    context = {
        "plan": plan,
        "quarter": quarter,
        "review": review,
        # The renderer escapes every text through Django templates.
        "body": mark_safe(render_html(document, standalone=False)),  # nosec B308 B703
        "can_edit": can_edit_plan(request.user, plan),
        "errors": error_summary(*bound.all()),
        "breadcrumbs": _crumbs(plan, (quarter.label, "")),
        "urls": _urls(plan, quarter),
    }
    if context["can_edit"]:
        context |= _forms(plan, review, bound)
    return render(request, "reports/review/packet.html", context)


def _forms(plan: Plan, review: ReviewRecord, bound: Bound) -> dict[str, object]:
    meeting = review.meeting
    forms_: dict[str, object] = {"meeting_form": bound.meeting or MeetingForm(instance=meeting)}
    if meeting is None:
        return forms_
    return forms_ | {
        "decision_form": bound.decision or DecisionForm(plan=plan),
        "item_form": bound.item or ActionItemForm(plan=plan, meeting=meeting),
        "close_forms": [
            (item, bound.close.get(item.pk) or CloseItemForm(item=item))
            for item in review.items
            if item.closed_at is None
        ],
    }


def _urls(plan: Plan, quarter: FiscalQuarter) -> dict[str, str]:
    args = [plan.slug, quarter.fiscal_year, quarter.quarter]
    names = ["meeting", "decision-add", "item-add", "pdf", "docx"]
    return {name.split("-")[0]: reverse(f"reports:review-{name}", args=args) for name in names}


def _crumbs(plan: Plan, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        ("Plans", reverse("plans:plan-list")),
        (plan.title, plan.get_absolute_url()),
        ("Quarterly reviews", reverse("reports:review-list", args=[plan.slug])),
        *extra,
    ]


def _quarter(fy: int, q: int) -> FiscalQuarter:
    try:
        return FiscalQuarter(fy, q)
    except ValueError as error:
        raise Http404(str(error)) from error


def _meeting(plan: Plan, quarter: FiscalQuarter) -> ReviewMeeting | None:
    return ReviewMeeting.objects.filter(
        plan=plan, fiscal_year=quarter.fiscal_year, quarter=quarter.quarter
    ).first()


def _meeting_or_404(plan: Plan, quarter: FiscalQuarter) -> ReviewMeeting:
    meeting = _meeting(plan, quarter)
    if meeting is None:
        raise Http404("Record the review meeting of this quarter first.")
    return meeting
