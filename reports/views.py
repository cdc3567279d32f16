"""Progress pages: the plan dashboard, a metric's performance, an office's standing."""

from __future__ import annotations

from django.db.models import Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from metrics.models import Measurement
from plans.access import get_metric_for_user, get_plan_for_user, reachable_office_ids
from plans.models import Office
from reports import charts
from reports.collector import collector_paused
from reports.dashboard import build_dashboard
from reports.forms import DashboardFilterForm
from reports.performance import metric_performance, office_standing
from reports.status import SEVERITY


@require_GET
@collector_paused
def plan_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    offices = list(Office.objects.filter(metrics__element__plan=plan).distinct().order_by("code"))
    today = timezone.localdate()
    years = Measurement.objects.filter(metric__element__plan=plan).aggregate(
        first=Min("fiscal_year"), last=Max("fiscal_year")
    )
    form = DashboardFilterForm(
        request.GET,
        plan=plan,
        offices=offices,
        data_years=(years["first"], years["last"]),
        today=today,
    )
    board = build_dashboard(plan, form.filters(), today=today)
    names = plan.level_names
    group_name = (
        names[board.focus.level] if board.focus and board.focus.level < len(names) else names[0]
    )
    context = {
        "plan": plan,
        "form": form,
        "board": board,
        "group_name": group_name,
        "statuses": [(status.value, status.label) for status in SEVERITY],
        "charts": [
            charts.status_bars(
                "by-element",
                f"Status by {group_name.lower()}",
                [(g.label, g.counts) for g in board.by_element],
            ),
            charts.status_bars(
                "by-office", "Status by office", [(g.label, g.counts) for g in board.by_office]
            ),
            charts.share_trend("trend", "Share of metrics on track", board.trend),
        ],
    }
    return render(request, "reports/plan_dashboard.html", context)


@require_GET
def metric_page(request: HttpRequest, pk: int) -> HttpResponse:
    metric = get_metric_for_user(request.user, pk)
    performance = metric_performance(metric, today=timezone.localdate())
    chart = charts.actuals_vs_targets(
        "actuals", "Actuals against targets", metric.unit, performance.points
    )
    context = {
        "metric": metric,
        "plan": metric.element.plan,
        "performance": performance,
        "chart": chart,
    }
    return render(request, "reports/metric_page.html", context)


@require_GET
def office_page(request: HttpRequest, code: str) -> HttpResponse:
    office = Office.objects.filter(code=code).select_related("parent").first()
    user = request.user
    if office is None or not (user.is_administrator or office.pk in reachable_office_ids(user)):
        raise Http404("No such office.")
    standing = office_standing(office, user, today=timezone.localdate())
    completeness = charts.share_trend(
        "completeness",
        "Share of quarterly values submitted",
        standing.completeness,
        label="Share submitted",
    )
    context = {"office": office, "standing": standing, "completeness": completeness}
    return render(request, "reports/office_page.html", context)
