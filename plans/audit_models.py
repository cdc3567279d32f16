"""The audit trail: one row per data change, sign-in, sign-out or lockout.

On PostgreSQL the data-change rows are written by database triggers (plans/audit_sql.py) in
the same transaction as the change, so that no code path of the application, bulk updates
and raw SQL included, can change audited data without leaving a row; and a trigger refuses
UPDATE, DELETE and TRUNCATE of this table. Sign-in events are written by the application on
every database (plans/audit.py). See docs/audit.md.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_filters(
        self,
        *,
        who: str = "",
        object_type: str = "",
        action: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> AuditEventQuerySet:
        """Events matching the audit page's filters (each optional); `since` and `until`
        are aware datetimes, `until` exclusive."""
        events = self
        if who:
            events = events.filter(actor_username__iexact=who)
        if object_type:
            events = events.filter(object_type=object_type)
        if action:
            events = events.filter(action=action)
        if since is not None:
            events = events.filter(occurred_at__gte=since)
        if until is not None:
            events = events.filter(occurred_at__lt=until)
        return events


class AuditEvent(models.Model):
    """Who did what to which row, when, from where, and whether it succeeded.

    Never updated or deleted. `actor` is not a database foreign key: a user's deletion must
    not touch the trail, and the username is copied so that the row still names them.
    """

    class Action(models.TextChoices):
        INSERT = "insert", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        TRUNCATE = "truncate", "Table emptied"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        FAILURE = "failure", "Failure"

    class Source(models.TextChoices):
        TRIGGER = "trigger", "Database trigger"
        APP = "app", "Application"

    occurred_at = models.DateTimeField(db_default=Now())
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # "who" is searched by username; one index less per write
        related_name="+",
        help_text="Empty for the system (background tasks, commands) and anonymous requests.",
    )
    actor_username = models.CharField(
        max_length=150, blank=True, help_text="As it was; for a failed sign-in, as typed."
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True, help_text="The database table.")
    object_id = models.CharField(max_length=100, blank=True)
    changes = models.JSONField(
        null=True,
        blank=True,
        help_text='{"column": {"old": ..., "new": ...}}; secrets only as "[not recorded]".',
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["occurred_at"], name="audit_occurred_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor_username"], name="audit_actor_username"),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        target = f" {self.object_type} {self.object_id}".rstrip()
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {who} {self.action}{target}"
