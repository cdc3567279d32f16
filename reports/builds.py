"""Building a report: request it, then (in a Celery task) freeze its content and data,
render each format and store the files.

Files are written to storage first and recorded last, in one transaction with the build's
status, so a build interrupted at any point (a worker killed mid-render) offers no file:
its task is delivered again and starts the rendering over.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from plans.models import User
from reports.annual import Composition, compose, report_content, take_snapshot
from reports.documents import Document
from reports.models import AnnualReport, ReportBuild, ReportFile

log = logging.getLogger(__name__)

# Format -> (label, file extension, content type), in the order a build writes them.
FORMATS: dict[str, tuple[str, str, str]] = {
    "html": ("Web page (HTML)", "html", "text/html; charset=utf-8"),
    "pdf": ("PDF (tagged for accessibility)", "pdf", "application/pdf"),
    "docx": (
        "Word",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "Excel appendix of figures",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def render_format(composition: Composition, fmt: str) -> bytes:
    """One format of a composed report: the document itself, or its Excel appendix."""
    from reports import rendering
    from reports.rendering.appendix import render_appendix

    if fmt == "xlsx":
        return render_appendix(f"{composition.document.title}: figures", composition.appendix)
    return rendering.render(composition.document, fmt)


def request_build(report: AnnualReport, formats: list[str], user: User | None) -> ReportBuild:
    """Queue a build; the task starts once the request's transaction commits."""
    from reports.tasks import build_report

    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"Choose formats among {', '.join(FORMATS)}.")
    ordered = [fmt for fmt in FORMATS if fmt in formats]
    build = ReportBuild.objects.create(
        report=report, formats=ordered, requested_by=user, step="Waiting for a worker"
    )
    transaction.on_commit(lambda: build_report.delay(build.pk))
    return build


def _progress(build: ReportBuild, percent: int, step: str, **fields: object) -> None:
    """Saved at once (outside any transaction) so the page polling it sees each step. A
    finished build is never touched again: a task delivered twice (a worker presumed
    lost) must not overwrite its status, let alone mark it failed and hide its files."""
    ReportBuild.objects.filter(pk=build.pk).exclude(status=ReportBuild.Status.FINISHED).update(
        progress=percent, step=step, **fields
    )


def run_build(build_id: int, *, on_step: Callable[[str], None] | None = None) -> ReportBuild:
    """The build's work; safe to run again after an interruption, a no-op once finished."""
    build = ReportBuild.objects.select_related("report__plan__owner").get(pk=build_id)
    if build.status == ReportBuild.Status.FINISHED:
        return build
    _progress(
        build,
        5,
        "Reading the report's text and approved values",
        status=ReportBuild.Status.RUNNING,
        started_at=timezone.now(),
        error="",
    )
    try:
        _run(build, on_step or (lambda step: None))
    except Exception as error:  # any failure is recorded on the build
        log.exception("Report build %s failed", build.pk)
        _progress(
            build,
            build.progress,
            "Failed",
            status=ReportBuild.Status.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
    build.refresh_from_db()
    return build


def _run(build: ReportBuild, on_step: Callable[[str], None]) -> None:
    if not build.content:
        # Frozen on the first attempt only: a redelivered task states the same data.
        build.content = report_content(build.report)
        build.snapshot = take_snapshot(build.report.plan, build.content)
        build.save(update_fields=["content", "snapshot"])
    composition = compose(build.content, build.snapshot)
    ReportBuild.objects.filter(pk=build.pk).update(
        problems=[asdict(problem) for problem in composition.problems]
    )
    rendered: dict[str, bytes] = {}
    for number, fmt in enumerate(build.formats):
        label = FORMATS[fmt][0]
        _progress(build, 10 + 85 * number // len(build.formats), f"Writing {label}")
        on_step(fmt)
        _test_pause()
        rendered[fmt] = render_format(composition, fmt)
    _progress(build, 97, "Storing the files")
    _store(build, composition.document, rendered)


def _test_pause() -> None:
    """Waits REPORT_BUILD_STEP_DELAY_SECONDS (unset: not at all) before each format, so that
    tests/faults can kill a worker in the middle of a build. For tests only."""
    delay = float(os.environ.get("REPORT_BUILD_STEP_DELAY_SECONDS") or 0)
    if delay > 0:
        time.sleep(delay)


def file_name(document: Document, build: ReportBuild, fmt: str) -> str:
    year = build.content.get("fiscal_year", "")
    stem = slugify(document.title)[:80] or "report"
    return f"{stem}-fy{year}-build{build.pk}.{FORMATS[fmt][1]}"


@transaction.atomic
def _store(build: ReportBuild, document: Document, rendered: dict[str, bytes]) -> None:
    locked = ReportBuild.objects.select_for_update().get(pk=build.pk)
    if locked.status == ReportBuild.Status.FINISHED:
        return
    for stale in ReportFile.objects.filter(build=locked):
        stale.file.delete(save=False)
        stale.delete()
    for fmt, data in rendered.items():
        record = ReportFile(
            build=locked, format=fmt, size=len(data), sha256=hashlib.sha256(data).hexdigest()
        )
        record.file.save(file_name(document, locked, fmt), ContentFile(data), save=False)
        record.save()
    locked.status = ReportBuild.Status.FINISHED
    locked.progress = 100
    locked.step = "Finished"
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "progress", "step", "finished_at"])
