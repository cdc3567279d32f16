"""Targets, measurements and the quarterly data calls that collect them.

A period is a fiscal year and, for quarterly values, a quarter (1-4); a null quarter means
the whole fiscal year (an annual metric's value, or a fiscal-year target). `periods.py`
turns the pair into a FiscalQuarter or FiscalYear. Every target and measurement keeps its
full history with a reason (django-simple-history), and carries a version number for
optimistic locking: a save that names an old version is refused.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from metrics.periods import FiscalQuarter, FiscalYear
from plans.models import Metric, Office, Plan

VALUE = {"max_digits": 20, "decimal_places": 4, "null": True, "blank": True}
QUARTER_IN_RANGE = Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4)


def period_constraints(prefix: str) -> list[models.BaseConstraint]:
    """One row per metric and period: the quarter rows and the fiscal-year row apart,
    because NULL never equals NULL in a unique index."""
    return [
        models.UniqueConstraint(
            fields=["metric", "fiscal_year", "quarter"],
            condition=Q(quarter__isnull=False),
            name=f"{prefix}_one_per_quarter",
        ),
        models.UniqueConstraint(
            fields=["metric", "fiscal_year"],
            condition=Q(quarter__isnull=True),
            name=f"{prefix}_one_per_fiscal_year",
        ),
        models.CheckConstraint(condition=QUARTER_IN_RANGE, name=f"{prefix}_quarter_1_to_4"),
    ]


class PeriodMixin(models.Model):
    fiscal_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1-4; empty for the whole fiscal year."
    )

    class Meta:
        abstract = True

    @property
    def period(self) -> FiscalQuarter | FiscalYear:
        if self.quarter is None:
            return FiscalYear(self.fiscal_year)
        return FiscalQuarter(self.fiscal_year, self.quarter)

    @property
    def period_label(self) -> str:
        return self.period.label


class Target(PeriodMixin):
    """What a metric should reach in a quarter or a fiscal year.

    `value` for metrics that should increase or decrease; `min_value` and `max_value` for
    those that should stay within a range; `due_date` for milestones.
    """

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(**VALUE)
    min_value = models.DecimalField(**VALUE)
    max_value = models.DecimalField(**VALUE)
    due_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "fiscal_year", F("quarter").asc(nulls_last=True)]
        constraints = [
            *period_constraints("target"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=F("max_value")),
                name="target_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} target {self.period_label}"


# A measurement's reported value, in the order of reports.status.ActualValue's fields.
VALUE_FIELDS = (
    "value",
    "numerator",
    "denominator",
    "milestone_status",
    "milestone_date",
    "not_available",
)
# What a person states beside the value and what review adds: the rest of the content.
CONTENT_FIELDS = (*VALUE_FIELDS, "not_available_reason", "explanation", "status", "review_comment")


class MeasurementQuerySet(models.QuerySet["Measurement"]):
    def for_period(self, fiscal_year: int, quarter: int | None) -> MeasurementQuerySet:
        return self.filter(fiscal_year=fiscal_year, quarter=quarter)

    def approved(self) -> MeasurementQuerySet:
        return self.filter(status=Measurement.Status.APPROVED)


class Measurement(PeriodMixin):
    """The value an office reports for a metric in a period, and where it is in review."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"

    class Milestone(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="measurements")
    value = models.DecimalField(**VALUE)
    numerator = models.DecimalField(**VALUE)
    denominator = models.DecimalField(**VALUE)
    milestone_status = models.CharField(max_length=12, choices=Milestone.choices, blank=True)
    milestone_date = models.DateField(null=True, blank=True)
    not_available = models.BooleanField(default=False)
    not_available_reason = models.TextField(blank=True)
    explanation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["metric", "fiscal_year", F("quarter").asc(nulls_last=True)]
        constraints = [
            *period_constraints("measurement"),
            models.CheckConstraint(
                condition=Q(not_available=False) | ~Q(not_available_reason=""),
                name="measurement_not_available_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period_label}"

    @property
    def is_locked_by_approval(self) -> bool:
        return self.status == self.Status.APPROVED


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.measurement.fiscal_year}/{instance.measurement_id}/{filename}"


class Evidence(models.Model):
    """A file that supports a measurement: a spreadsheet extract, a memo, a screenshot."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class DataCall(models.Model):
    """The request to a plan's offices for one quarter's values, with its dates."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="data_calls")
    fiscal_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    opens_on = models.DateField()
    due_on = models.DateField()
    reminder_days_before = models.PositiveSmallIntegerField(
        default=7,
        help_text="Remind offices with missing values this many days before the due date.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year", "-quarter", "plan"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "quarter"], name="data_call_one_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="data_call_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("due_on")), name="data_call_opens_before_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.title}: {self.period.label}"

    @property
    def period(self) -> FiscalQuarter:
        return FiscalQuarter(self.fiscal_year, self.quarter)

    def metrics_due(self) -> models.QuerySet[Metric]:
        """The plan's metrics this call collects: the quarterly ones, and in Q4 the annual
        ones too (an annual metric takes one value per fiscal year)."""
        metrics = Metric.objects.filter(element__plan_id=self.plan_id)
        if self.quarter != 4:
            metrics = metrics.filter(frequency=Metric.Frequency.QUARTERLY)
        return metrics

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.due_on

    def is_overdue(self, today: date) -> bool:
        return today > self.due_on


class DataCallException(models.Model):
    """Lets one office keep entering values after the due date, until a date."""

    data_call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="exceptions")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    until = models.DateField()
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["data_call", "office"], name="data_call_exception_one_per_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office.code} until {self.until}"


class Reminder(models.Model):
    """A reminder sent to an office's stewards; the unique key makes it go out once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    data_call = models.ForeignKey(DataCall, on_delete=models.CASCADE, related_name="reminders")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipients = models.TextField(help_text="The addresses it went to, one per line.")
    missing = models.PositiveIntegerField(help_text="Values missing when it was sent.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_call", "office", "kind"], name="reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.office.code}"
