"""The targets page: a metric's targets per fiscal year and quarter, and its baseline."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from metrics.access import can_manage_data_calls
from metrics.models import Target
from metrics.services import ConflictError
from metrics.target_forms import TargetSheet
from metrics.target_services import save_target_sheet
from plans.access import get_metric_for_user
from plans.models import Metric

SAVED = "The targets were saved."


@require_http_methods(["GET", "POST"])
def edit_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who reads the metric sees its targets; its plan's leads change them."""
    posted = request.method == "POST"
    metric = get_metric_for_user(request.user, pk, write=posted)  # 403 for read-only users
    sheet = _sheet(metric, request.POST if posted else None)
    if posted and sheet.is_valid():
        try:
            save_target_sheet(
                metric=metric,
                entries=sheet.entries(),
                baseline=sheet.to_baseline(),
                user=request.user,
                reason=sheet.change_reason(),
            )
            messages.success(request, SAVED)
            return redirect(request.path)
        except ConflictError as error:
            messages.error(request, str(error))
            metric.refresh_from_db(fields=["baseline_value", "baseline_fiscal_year"])
            sheet = _sheet(metric, None, reason=sheet.change_reason())
    context = {
        "metric": metric,
        "plan": metric.element.plan,
        "sheet": sheet,
        "errors": sheet.error_summary(),
        "can_edit": posted or can_manage_data_calls(request.user, metric.element.plan),
    }
    return render(request, "metrics/metric_targets.html", context)


def _sheet(metric: Metric, data: QueryDict | None, reason: str = "") -> TargetSheet:
    """The page's forms over the stored targets (one query), fresh from the database."""
    targets = list(Target.objects.filter(metric=metric))
    return TargetSheet(
        data, metric=metric, targets=targets, today=timezone.localdate(), reason=reason
    )
