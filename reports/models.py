"""Annual reports: their editable content, and each build with the data it used.

A report's content (sections and blocks of text with placeholders bound to metrics, see
reports/figures.py) is edited by staff. Building it takes a snapshot of the approved
values the text refers to, composes the document from that snapshot and the content as it
stood, and stores the files. An issued build never changes afterwards: a later change of
data is reported against its snapshot, not written into it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models import Metric, Office, Plan, PlanElement


class AnnualReport(models.Model):
    class Scope(models.TextChoices):
        OFFICE = "office", "The agency by program office"
        PLAN = "plan", "One plan by its top level"

    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    date_label = models.CharField(
        max_length=100, blank=True, help_text="The date printed on the cover, as written."
    )
    fiscal_year = models.PositiveSmallIntegerField()
    scope = models.CharField(max_length=10, choices=Scope.choices)
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        related_name="annual_reports",
        help_text="The plan whose metrics the report states.",
    )
    language = models.CharField(max_length=20, default="en-US")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "title"], name="report_title_unique_per_plan_year"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReportSection(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    heading = models.CharField(max_length=300)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    element = models.ForeignKey(
        PlanElement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    included = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.heading


class ReportBlock(models.Model):
    """A heading, paragraph or bullet of a section. Its text may hold placeholders;
    `metric` is what `{value}`, `{comparison}` and `{note}` refer to."""

    class Style(models.TextChoices):
        SUBHEADING = "subheading", "Subheading"
        PARAGRAPH = "paragraph", "Paragraph"
        BULLET = "bullet", "Bullet"
        SUBBULLET = "subbullet", "Bullet under the one before"
        SIGNATURE = "signature", "Signature block"

    section = models.ForeignKey(ReportSection, on_delete=models.CASCADE, related_name="blocks")
    order = models.PositiveIntegerField(default=0)
    style = models.CharField(max_length=12, choices=Style.choices, default=Style.PARAGRAPH)
    text = models.TextField()
    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, null=True, blank=True, related_name="report_blocks"
    )
    included = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ReportBuild(models.Model):
    """One build of a report: its progress while it runs, then the snapshot it used and
    the files it made. Files are listed only once the build has finished."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Building"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="builds")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    formats = models.JSONField(default=list)
    content = models.JSONField(default=dict, help_text="The report's text as it was built.")
    snapshot = models.JSONField(default=dict, help_text="The approved values it stated.")
    problems = models.JSONField(default=list, help_text="Blocks left out, and why.")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} build {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.FINISHED, self.Status.FAILED)


class ReportFile(models.Model):
    build = models.ForeignKey(ReportBuild, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to="reports/%Y/%m/")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["format"]
        constraints = [
            models.UniqueConstraint(fields=["build", "format"], name="one_file_per_build_format")
        ]

    def __str__(self) -> str:
        return f"{self.build} {self.format}"

    @property
    def label(self) -> str:
        from reports.builds import FORMATS

        return FORMATS.get(self.format, (self.format,))[0]


# The review packet's models live in their own module; importing them here registers them
# with the reports app.
from reports.review_models import *  # noqa: E402, F403
