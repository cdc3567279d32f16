"""Emails about data calls: reminders to stewards, notices to reviewers.

Sent by Celery tasks (metrics/tasks.py); with the embedded set-up they print to the console.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from metrics.board import office_progress
from metrics.models import DataCall, Reminder
from plans.models import Membership, Office

# Overdue reminders go out only this soon after the due date, so that loading an old
# quarter's data call does not email every office about a deadline long past.
OVERDUE_WINDOW = timedelta(days=30)


def emails_of(office: Office, role: str) -> list[str]:
    memberships = Membership.objects.filter(office=office, role=role, user__is_active=True)
    return sorted({m.user.email for m in memberships.select_related("user") if m.user.email})


def reminder_kind(data_call: DataCall, today: date) -> str | None:
    """Which reminder the call is due for today, if any."""
    if today < data_call.opens_on:
        return None
    if today > data_call.due_on:
        return Reminder.Kind.OVERDUE if today - data_call.due_on <= OVERDUE_WINDOW else None
    if (data_call.due_on - today).days <= data_call.reminder_days_before:
        return Reminder.Kind.DUE_SOON
    return None


def send_reminders(*, today: date) -> list[Reminder]:
    """Reminds the stewards of every office with values outstanding, once per kind.

    The Reminder row is written before the email in the same transaction, and its unique
    key (call, office, kind) means a reminder is never sent twice, even if two beat runs
    overlap.
    """
    sent = []
    calls = DataCall.objects.select_related("plan").filter(
        opens_on__lte=today, due_on__gte=today - OVERDUE_WINDOW
    )
    for data_call in calls:
        kind = reminder_kind(data_call, today)
        if kind is None:
            continue
        for row in office_progress(data_call):
            if row.outstanding and row.is_overdue(data_call, today) == (kind == "overdue"):
                reminder = _send_once(data_call, row.office, kind, row.outstanding)
                sent += [reminder] if reminder else []
    return sent


def _send_once(data_call: DataCall, office: Office, kind: str, outstanding: int) -> Reminder | None:
    recipients = emails_of(office, Membership.Role.DATA_STEWARD)
    if not recipients:
        return None
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                data_call=data_call,
                office=office,
                kind=kind,
                recipients="\n".join(recipients),
                missing=outstanding,
            )
            send_mail(
                _reminder_subject(data_call, kind),
                _reminder_body(data_call, office, outstanding, kind),
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
    except IntegrityError:  # already sent
        return None
    return reminder


def _reminder_subject(data_call: DataCall, kind: str) -> str:
    when = "is overdue" if kind == Reminder.Kind.OVERDUE else f"is due {data_call.due_on:%B %-d}"
    return f"{data_call.plan.title}: the {data_call.period.label} data call {when}"


def _reminder_body(data_call: DataCall, office: Office, outstanding: int, kind: str) -> str:
    state = "was due" if kind == Reminder.Kind.OVERDUE else "is due"
    return (
        f"{office.name} has {outstanding} value{'s' if outstanding != 1 else ''} not yet "
        f"submitted for the {data_call.period.label} data call of {data_call.plan.title}, "
        f"which {state} on {data_call.due_on:%B %-d, %Y}.\n\n"
        "Sign in to enter and submit them."
    )


def notify_reviewers(data_call: DataCall, office: Office) -> int:
    """Tells the office's approvers that values await their review. Returns emails sent."""
    recipients = emails_of(office, Membership.Role.OFFICE_APPROVER)
    if not recipients:
        return 0
    subject = f"{office.code}: {data_call.period.label} values submitted for review"
    body = (
        f"{office.name} submitted values for the {data_call.period.label} data call of "
        f"{data_call.plan.title}. Sign in to approve them or return them with a comment."
    )
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
