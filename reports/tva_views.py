"""The targets-vs-actuals table of a plan, as a page and as an Excel download.

Both read the fiscal years from `fy_from` / `fy_to` (default: reports.tva.choose_years)
and build the same table from a fixed number of queries; the page's rows arrive in the
template as ready-made HTML (reports.tva.sections_html), the workbook from
reports.exporters.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from plans.access import get_plan_for_user
from plans.models import Plan
from reports.collector import collector_paused
from reports.exporters import tva_workbook
from reports.tva import Table, choose_years, data_years, load_table, sections_html


@require_GET
@collector_paused
def tva_page(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    table, with_data = _table(request, plan)
    years = table.years
    period = urlencode({"fy_from": years[0], "fy_to": years[-1]})
    metric_url = reverse("reports:metric-page", args=[0]).replace("/0/", "/{pk}/")
    context = {
        "plan": plan,
        "breadcrumbs": [
            ("Plans", reverse("plans:plan-list")),
            (plan.title, plan.get_absolute_url()),
            ("Targets vs actuals", ""),
        ],
        "table": table,
        "sections": sections_html(table, metric_url),
        "year_options": sorted(with_data | set(years) | _span(plan)),
        "xlsx_url": f"{reverse('reports:tva-xlsx', args=[plan.slug])}?{period}",
    }
    return render(request, "reports/tva.html", context)


@require_GET
@collector_paused
def tva_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    table, _with_data = _table(request, plan)
    filename, content_type, content = tva_workbook(plan, table)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _span(plan: Plan) -> set[int]:
    start, end = plan.start_fiscal_year, plan.end_fiscal_year
    return set(range(start, end + 1)) if start and end else set()


def _table(request: HttpRequest, plan: Plan) -> tuple[Table, set[int]]:
    """The table for the years asked for, and the years that have data. Five queries."""
    today = timezone.localdate()
    with_data = data_years(plan)
    years = choose_years(
        start=plan.start_fiscal_year,
        end=plan.end_fiscal_year,
        with_data=with_data,
        fy_from=request.GET.get("fy_from"),
        fy_to=request.GET.get("fy_to"),
        today=today,
    )
    return load_table(plan, years, today=today), with_data
