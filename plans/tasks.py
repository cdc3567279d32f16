"""Celery tasks: ids in, a service call, safe to run twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plans.models import User


def disable_inactive_users(*, now: datetime, days: int) -> int:
    """Disable every active account whose last sign-in (or, never signed in, whose
    creation) is more than `days` days before `now` (NIST AC-2(3)); return how many.

    Administrators are included: an unused privileged account is the riskier one. Another
    administrator re-enables an account in the admin (Active), or from the shell
    `manage.py changepassword` plus setting is_active. API-token accounts count as inactive
    too: a token does not record a sign-in. One save per account rather than a bulk
    update, so that each change is an ordinary model save the audit trail can see; a few
    rows a day."""
    cutoff = now - timedelta(days=days)
    stale = User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    with transaction.atomic():
        users = list(stale.select_for_update())
        for user in users:
            user.is_active = False
            user.save(update_fields=["is_active"])
    return len(users)


@shared_task
def disable_inactive_accounts() -> int:
    """Run daily by Celery beat; an account already disabled is left alone."""
    return disable_inactive_users(now=timezone.now(), days=settings.INACTIVE_ACCOUNT_DAYS)
