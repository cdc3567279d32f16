"""Pages of the quarterly data collection: data calls, the entry form, review, history."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from metrics.access import (
    can_manage_data_calls,
    get_call_office_for_user,
    get_data_call_for_user,
    offices_by_action,
)
from metrics.board import office_progress
from metrics.entry import EntryGroup, entry_rows
from metrics.forms import DataCallForm, ExceptionForm, MeasurementEntryForm, ReturnForm
from metrics.history import metric_history
from metrics.models import DataCall, Measurement, Target
from metrics.rollup import fiscal_year_values
from metrics.services import (
    ConflictError,
    WorkflowError,
    approve_values,
    grant_exception,
    lock_message,
    return_values,
    save_values,
)
from plans.access import get_metric_for_user, get_plan_for_user, visible_plans
from plans.models import Office


@require_GET
def my_data_calls(request: HttpRequest) -> HttpResponse:
    """The data calls of the plans the user can see, newest first, with what they can do."""
    calls = DataCall.objects.filter(plan__in=visible_plans(request.user)).select_related("plan")
    return render(request, "metrics/my_data_calls.html", {"calls": calls[:40]})


@require_http_methods(["GET", "POST"])
def data_call_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    can_manage = can_manage_data_calls(request.user, plan)
    form = DataCallForm(request.POST or None, plan=plan)
    if request.method == "POST":
        get_plan_for_user(request.user, slug, write=True)  # 403 for read-only users
        if form.is_valid():
            form.instance.created_by = request.user
            data_call = form.save()
            messages.success(request, f"The {data_call.period.label} data call is open.")
            return redirect("metrics:data-call-board", pk=data_call.pk)
    context = {"plan": plan, "calls": plan.data_calls.all(), "form": form, "can_manage": can_manage}
    return render(request, "metrics/data_call_list.html", context)


@require_GET
def data_call_board(request: HttpRequest, pk: int) -> HttpResponse:
    data_call = get_data_call_for_user(request.user, pk)
    rows = office_progress(data_call)
    today = timezone.localdate()
    context = {
        "data_call": data_call,
        "plan": data_call.plan,
        "rows": [(row, row.is_overdue(data_call, today)) for row in rows],
        "today": today,
        "can_manage": can_manage_data_calls(request.user, data_call.plan),
        "exception_form": ExceptionForm(offices=[(r.office.code, r.office.name) for r in rows]),
        "allowed": offices_by_action(request.user, data_call.plan, [r.office for r in rows]),
    }
    return render(request, "metrics/data_call_board.html", context)


@require_POST
def grant_data_call_exception(request: HttpRequest, pk: int) -> HttpResponse:
    data_call = get_data_call_for_user(request.user, pk, manage=True)
    offices = list(data_call.metrics_due().values_list("owner_office__code", "owner_office__name"))
    form = ExceptionForm(request.POST, offices=sorted(set(offices)))
    if form.is_valid():
        office = Office.objects.get(code=form.cleaned_data["office"])
        until, reason = form.cleaned_data["until"], form.cleaned_data["reason"]
        grant_exception(
            data_call=data_call, office=office, until=until, reason=reason, user=request.user
        )
        messages.success(request, f"{office.code} may enter values until {until:%B %-d, %Y}.")
    else:
        errors = "; ".join(f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items())
        messages.error(request, f"No exception was granted. {errors}")
    return redirect("metrics:data-call-board", pk=pk)


@require_http_methods(["GET", "POST"])
def quarter_entry(request: HttpRequest, pk: int, office: str) -> HttpResponse:
    data_call, office_obj = get_call_office_for_user(request.user, pk, office, action="enter")
    groups = entry_rows(data_call, office_obj)
    locked = lock_message(data_call, office_obj, timezone.localdate())
    submitting = request.POST.get("action") == "submit"
    data = request.POST if request.method == "POST" and not locked else None
    files = request.FILES if data is not None else None  # bound forms only on a save
    forms = _entry_forms(groups, data, files, submitting)
    if data is not None:
        try:
            if all(form.is_valid() for _row, form in forms):
                entries = [form.to_entry() for _row, form in forms]
                save_values(
                    data_call=data_call,
                    office=office_obj,
                    entries=entries,
                    user=request.user,
                    submit=submitting,
                )
                done = "submitted for review" if submitting else "saved as a draft"
                messages.success(request, f"Your values were {done}.")
                return redirect(request.path)
        except ConflictError as error:
            messages.error(request, str(error))
            groups = entry_rows(data_call, office_obj)
            forms = _entry_forms(groups, _fresh_versions(data, groups), request.FILES, submitting)
        except WorkflowError as error:
            messages.error(request, str(error))
    context = {
        "data_call": data_call,
        "plan": data_call.plan,
        "office": office_obj,
        "groups": _grouped(groups, forms),
        "locked": locked,
        "errors": _error_summary(form for _row, form in forms),
        "returned": [
            row
            for group in groups
            for row in group.rows
            if row.status == Measurement.Status.RETURNED
        ],
    }
    return render(request, "metrics/quarter_entry.html", context)


def _entry_forms(
    groups: list[EntryGroup], data: QueryDict | None, files=None, submitting: bool = False
) -> list[tuple[object, MeasurementEntryForm]]:
    return [
        (row, MeasurementEntryForm(data, files, row=row, submitting=submitting))
        for group in groups
        for row in group.rows
    ]


def _error_summary(forms: Iterable[MeasurementEntryForm]) -> list[tuple[str, str]]:
    """(anchor, message) for every error, so the summary at the top links to each field."""
    summary = []
    for form in forms:
        for name, errors in form.errors.items():
            anchor = form[name].auto_id if name in form.fields else f"metric-{form.metric.pk}"
            summary += [(anchor, f"{form.metric.name}: {error}") for error in errors]
    return summary


def _fresh_versions(data: QueryDict, groups: list[EntryGroup]) -> QueryDict:
    """Keeps what the person typed but takes the stored version numbers, so that saving
    again knowingly replaces the other changes (all of them, not only the first found)."""
    fresh = data.copy()
    for group in groups:
        for row in group.rows:
            if row.measurement is not None:
                fresh[f"m{row.metric.pk}-version"] = str(row.measurement.version)
    return fresh


def _grouped(groups: list[EntryGroup], forms: list[tuple[object, MeasurementEntryForm]]):
    by_metric = {form.metric.pk: form for _row, form in forms}
    return [(group, [(row, by_metric[row.metric.pk]) for row in group.rows]) for group in groups]


@require_http_methods(["GET", "POST"])
def quarter_review(request: HttpRequest, pk: int, office: str) -> HttpResponse:
    data_call, office_obj = get_call_office_for_user(request.user, pk, office, action="review")
    groups = entry_rows(data_call, office_obj)
    action = request.POST.get("action", "")
    return_form = ReturnForm(request.POST if action == "return" else None)
    if request.method == "POST":
        seen = _seen_versions(request.POST, groups, everything=action == "approve_all")
        try:
            if not seen:
                raise WorkflowError("Choose at least one submitted value.")
            if action == "return":
                if not return_form.is_valid():
                    raise WorkflowError("Say what the office should fix before returning values.")
                comment = return_form.cleaned_data["comment"]
                done = return_values(seen=seen, reviewer=request.user, comment=comment)
                messages.success(request, f"{len(done)} value(s) returned to {office_obj.code}.")
            else:
                done = approve_values(seen=seen, reviewer=request.user)
                messages.success(request, f"{len(done)} value(s) approved.")
            return redirect(request.path)
        except (ConflictError, WorkflowError) as error:
            messages.error(request, str(error))
    context = {
        "data_call": data_call,
        "plan": data_call.plan,
        "office": office_obj,
        "groups": groups,
        "return_form": return_form,
        "submitted": Measurement.Status.SUBMITTED,
    }
    return render(request, "metrics/quarter_review.html", context)


def _seen_versions(post: QueryDict, groups: list[EntryGroup], *, everything: bool) -> dict:
    """Measurement id -> the version the reviewer saw, for the chosen (or all) values."""
    chosen = {int(pk) for pk in post.getlist("selected") if pk.isdigit()}
    seen = {}
    for group in groups:
        for row in group.rows:
            m = row.measurement
            if m and m.status == Measurement.Status.SUBMITTED and (everything or m.pk in chosen):
                version = post.get(f"version-{m.pk}", "")
                seen[m.pk] = int(version) if version.isdigit() else 0
    return seen


@require_GET
def metric_values(request: HttpRequest, pk: int) -> HttpResponse:
    """A metric's targets and values by period, and every change to them."""
    metric = get_metric_for_user(request.user, pk)
    measurements = list(
        metric.measurements.select_related("entered_by", "submitted_by", "reviewed_by")
    )
    approved = [m for m in measurements if m.status == Measurement.Status.APPROVED]
    context = {
        "metric": metric,
        "plan": metric.element.plan,
        "targets": Target.objects.filter(metric=metric),
        "measurements": measurements,
        "fiscal_years": fiscal_year_values(metric.aggregation, approved)
        if metric.frequency == metric.Frequency.QUARTERLY
        else [],
        "history": metric_history(metric),
    }
    return render(request, "metrics/metric_values.html", context)
