"""Annual report pages: the list, a new report, a report with its builds, editing its
sections, the preview, a build's progress and the built files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans.access import get_plan_for_user, visible_plans
from plans.hierarchy import number_key
from plans.models import Metric, Plan
from reports import annual, annual_editing
from reports.access import can_edit_reports, get_report_for_user, report_plans
from reports.annual_forms import BlockForm, BuildForm, NewReportForm, ReportDetailsForm, SectionForm
from reports.builds import FORMATS, request_build
from reports.models import AnnualReport, ReportBuild, ReportFile, ReportSection


def _crumbs(report: AnnualReport | None = None, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    crumbs = [("Annual reports", reverse("reports:annual-list"))]
    if report is not None:
        crumbs.append((report.title, reverse("reports:annual-report", args=[report.pk])))
    return [*crumbs, *extra]


def _form_errors(form: Any) -> list[tuple[str, str]]:
    """(field id, message) pairs for the error summary; form-wide errors point at the
    first field."""
    first = next(iter(form.fields), "")
    return [
        (f"id_{form.add_prefix(name if name != '__all__' else first)}", message)
        for name, messages_ in form.errors.items()
        for message in messages_
    ]


def _report_for(request: HttpRequest, pk: int, *, write: bool = False) -> AnnualReport:
    return get_report_for_user(request.user, pk, write=write)


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    plans = visible_plans(request.user)
    reports = AnnualReport.objects.filter(plan__in=plans).select_related("plan")
    editable = report_plans(request.user).exists()
    context = {
        "reports": reports,
        "can_create": editable,
        "breadcrumbs": [("Annual reports", "")],
    }
    return render(request, "reports/annual/report_list.html", context)


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    plans = report_plans(request.user).order_by("title")
    if not plans.exists():
        raise PermissionDenied("You may not create reports for any plan.")
    form = NewReportForm(request.POST or None, plans=plans, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        content = annual.default_content(
            plan=data["plan"],
            fiscal_year=data["fiscal_year"],
            scope=data["scope"],
            title=data["title"],
        )
        report = annual.load_report_content(content, user=request.user)
        messages.success(request, f"Report created with {report.sections.count()} sections.")
        return redirect("reports:annual-report", pk=report.pk)
    context = {
        "form": form,
        "errors": _form_errors(form),
        "breadcrumbs": _crumbs(None, ("New report", "")),
    }
    return render(request, "reports/annual/report_new.html", context)


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    can_edit = can_edit_reports(request.user, report.plan)
    builds = list(report.builds.select_related("requested_by").prefetch_related("files")[:10])
    latest = next((b for b in builds if b.status == ReportBuild.Status.FINISHED), None)
    context = {
        "report": report,
        "can_edit": can_edit,
        "sections": report.sections.all(),
        "builds": builds,
        "changes": annual.changed_figures(report.plan, latest.snapshot) if latest else [],
        "latest": latest,
        "build_form": BuildForm(),
        "details_form": ReportDetailsForm(instance=report) if can_edit else None,
        "formats": FORMATS,
        "breadcrumbs": _crumbs(report),
    }
    return render(request, "reports/annual/report_detail.html", context)


@require_POST
def report_details(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, write=True)
    form = ReportDetailsForm(request.POST, instance=report)
    if form.is_valid():
        form.save()
        messages.success(request, "Report details saved.")
        return redirect("reports:annual-report", pk=report.pk)
    return render(request, "reports/annual/report_details.html", {"report": report, "form": form})


@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, write=True)
    heading = request.POST.get("heading", "").strip()
    if not heading:
        messages.error(request, "Give the new section a heading.")
        return redirect("reports:annual-report", pk=report.pk)
    section = annual_editing.add_section(report, heading[:300])
    return redirect("reports:annual-section", pk=report.pk, section=section.pk)


@require_POST
def section_move(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    report = _report_for(request, pk, write=True)
    row = get_object_or_404(ReportSection, pk=section, report=report)
    annual_editing.move_section(row, -1 if request.POST.get("direction") == "up" else 1)
    return redirect(reverse("reports:annual-report", args=[report.pk]) + "#sections")


def _metric_choices(plan: Plan) -> tuple[list[tuple[int, str]], dict[int, str]]:
    metrics = list(
        Metric.objects.filter(element__plan=plan)
        .select_related("element")
        .only("pk", "name", "element__number")
    )
    metrics.sort(key=lambda m: (number_key(m.element.number), m.name))
    return [(m.pk, f"{m.element.number} {m.name}") for m in metrics], {
        m.pk: m.name for m in metrics
    }


def _block_forms(
    section: ReportSection, data: dict[str, Any] | None, plan: Plan
) -> list[BlockForm]:
    choices, names = _metric_choices(plan)
    blocks = list(section.blocks.all())
    count = len(blocks) + 1
    if data is not None:
        count = (
            int(data.get("block-count", count))
            if str(data.get("block-count", "")).isdigit()
            else count
        )
    forms = []
    for index in range(min(count, 500)):
        block = blocks[index] if index < len(blocks) else None
        initial = (
            {
                "id": block.pk,
                "order": block.order,
                "style": block.style,
                "text": block.text,
                "metric": block.metric_id,
                "included": block.included,
            }
            if block
            else {"order": index + 1, "style": "paragraph", "included": True}
        )
        forms.append(
            BlockForm(
                data,
                prefix=f"block-{index}",
                initial=initial,
                metric_choices=choices,
                metric_names=names,
            )
        )
    return forms


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    report = _report_for(request, pk)
    row = get_object_or_404(ReportSection, pk=section, report=report)
    if request.method == "POST":
        report = _report_for(request, pk, write=True)
    data = request.POST if request.method == "POST" else None
    section_form = SectionForm(
        data, initial={"heading": row.heading, "included": row.included}, prefix="section"
    )
    block_forms = _block_forms(row, data, report.plan)
    if data is not None:
        # Every form is validated (not just up to the first bad one) so all errors show.
        blocks_valid = [form.is_valid() for form in block_forms]
        if section_form.is_valid() and all(blocks_valid):
            annual_editing.save_section(
                row,
                heading=section_form.cleaned_data["heading"],
                included=section_form.cleaned_data["included"],
                blocks=[form.cleaned_data for form in block_forms],
            )
            messages.success(request, f"Section “{row.heading}” saved.")
            return redirect("reports:annual-section", pk=report.pk, section=row.pk)
    errors = [
        (f"id_{form.prefix}-{name}", f"Block {number}: {message}")
        for number, form in enumerate(block_forms, start=1)
        for name, messages_ in form.errors.items()
        for message in messages_
    ] + [
        (f"id_section-{name}", message)
        for name, messages_ in section_form.errors.items()
        for message in messages_
    ]
    context = {
        "report": report,
        "section": row,
        "section_form": section_form,
        "block_forms": block_forms,
        "errors": errors,
        "can_edit": can_edit_reports(request.user, report.plan),
        "breadcrumbs": _crumbs(report, (row.heading, "")),
    }
    return render(request, "reports/annual/section_edit.html", context)


@require_GET
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report composed from today's approved data, exactly as the print body."""
    from reports.rendering.html import render_html

    report = _report_for(request, pk)
    content = annual.report_content(report)
    composition = annual.compose(content, annual.take_snapshot(report.plan, content))
    context = {
        "report": report,
        # The renderer escapes every text through Django templates.
        "body": mark_safe(render_html(composition.document, standalone=False)),  # nosec B308 B703
        "problems": composition.problems,
        "breadcrumbs": _crumbs(report, ("Preview", "")),
    }
    return render(request, "reports/annual/report_preview.html", context)


@require_POST
def build_start(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, write=True)
    form = BuildForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["formats"][0])
        return redirect("reports:annual-report", pk=report.pk)
    build = request_build(report, form.cleaned_data["formats"], request.user)
    return redirect("reports:annual-build", pk=build.pk)


def _build_for(request: HttpRequest, pk: int) -> ReportBuild:
    build = get_object_or_404(ReportBuild.objects.select_related("report__plan"), pk=pk)
    get_plan_for_user(request.user, build.report.plan.slug)
    return build


@require_GET
def build_detail(request: HttpRequest, pk: int) -> HttpResponse:
    build = _build_for(request, pk)
    changes = (
        annual.changed_figures(build.report.plan, build.snapshot)
        if build.status == ReportBuild.Status.FINISHED
        else []
    )
    context = {
        "build": build,
        "report": build.report,
        "files": build.files.all() if build.status == ReportBuild.Status.FINISHED else [],
        "changes": changes,
        "formats": FORMATS,
        "breadcrumbs": _crumbs(build.report, (f"Build {build.pk}", "")),
    }
    return render(request, "reports/annual/build_detail.html", context)


@require_GET
def build_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress page polls."""
    build = _build_for(request, pk)
    return JsonResponse(
        {
            "status": build.status,
            "label": build.get_status_display(),
            "progress": build.progress,
            "step": build.step,
            "done": build.is_done,
        }
    )


@require_GET
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    record = get_object_or_404(ReportFile.objects.select_related("build__report__plan"), pk=pk)
    get_plan_for_user(request.user, record.build.report.plan.slug)
    if record.build.status != ReportBuild.Status.FINISHED:
        raise Http404("This build has not finished.")
    content_type = FORMATS.get(record.format, ("", "", "application/octet-stream"))[2]
    name = record.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        record.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
