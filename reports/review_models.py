"""Quarterly review meetings: their decisions and action items (imported by reports/models.py).

A working group reviews a plan once a quarter. The meeting (one per plan and quarter)
records decisions; action items are raised at a meeting and stay open, carried into every
later quarter's packet, until someone closes them with a note. `ActionItem.plan` repeats
`meeting.plan` so that the carry-over query reads one table without a join through the
meetings of every quarter.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from metrics.periods import FiscalQuarter
from plans.models import Metric, Office, Plan, PlanElement, User

__all__ = ["ActionItem", "Decision", "ReviewMeeting"]


class ReviewMeeting(models.Model):
    """The working group's review of one quarter of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="review_meetings")
    fiscal_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    held_on = models.DateField(null=True, blank=True, help_text="Empty until it is held.")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "quarter"], name="review_meeting_one_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="review_meeting_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.title}: {self.period.label} review"

    @property
    def period(self) -> FiscalQuarter:
        return FiscalQuarter(self.fiscal_year, self.quarter)


class Decision(models.Model):
    """What the meeting decided, optionally about one metric or plan element."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    metric = models.ForeignKey(
        Metric, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    element = models.ForeignKey(
        PlanElement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open_at_end_of(self, plan: Plan, quarter: FiscalQuarter) -> ActionItemQuerySet:
        """Items of the plan raised at or before `quarter` and still open when it ended
        (never closed, or closed after its last day), plus every item raised at that
        quarter's own meeting; oldest meeting first. Meeting, offices, metric and closer
        selected: one query."""
        ended = timezone.make_aware(datetime.combine(quarter.next().start, datetime.min.time()))
        raised_by = Q(meeting__fiscal_year__lt=quarter.fiscal_year) | Q(
            meeting__fiscal_year=quarter.fiscal_year, meeting__quarter__lte=quarter.quarter
        )
        raised_at = Q(meeting__fiscal_year=quarter.fiscal_year, meeting__quarter=quarter.quarter)
        still_open = Q(closed_at__isnull=True) | Q(closed_at__gte=ended)
        return (
            self.filter(plan=plan)
            .filter(raised_by & (still_open | raised_at))
            .select_related("meeting", "owner_office", "metric", "closed_by")
            .order_by("meeting__fiscal_year", "meeting__quarter", "due_on", "pk")
        )


class ActionItem(models.Model):
    """Something a meeting asked someone to do by a date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="action_items")
    meeting = models.ForeignKey(
        ReviewMeeting,
        on_delete=models.PROTECT,
        related_name="action_items",
        help_text="The meeting that raised it.",
    )
    text = models.TextField()
    owner_office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text="A person, by name.")
    due_on = models.DateField()
    metric = models.ForeignKey(
        Metric, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_office__isnull=True, owner_name=""),
                name="action_item_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="action_item_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def owner_label(self) -> str:
        """ "ERO", "Pat Doe", or "ERO (Pat Doe)". Reads `owner_office`: select it."""
        office = self.owner_office.code if self.owner_office_id else ""
        if office and self.owner_name:
            return f"{office} ({self.owner_name})"
        return office or self.owner_name

    def is_overdue(self, today: date) -> bool:
        """Past its due date while open: still open after it, or closed only after it."""
        if self.closed_at is None:
            return today > self.due_on
        return timezone.localdate(self.closed_at) > self.due_on

    def close(self, *, user: User, note: str, now: datetime) -> None:
        """Close the item; its history row records the change."""
        self.status = self.Status.CLOSED
        self.closed_at, self.closed_by, self.closing_note = now, user, note
        self.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
