"""Celery tasks: ids in, a service call, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from metrics import notifications
from metrics.models import DataCall
from plans.models import Office


@shared_task
def send_data_call_reminders() -> int:
    """Run daily by Celery beat; each reminder goes out once (see send_reminders)."""
    return len(notifications.send_reminders(today=timezone.localdate()))


@shared_task
def notify_reviewers(data_call_id: int, office_id: int) -> int:
    data_call = DataCall.objects.select_related("plan").get(pk=data_call_id)
    return notifications.notify_reviewers(data_call, Office.objects.get(pk=office_id))
