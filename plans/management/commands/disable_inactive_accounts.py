"""Disable accounts unused for INACTIVE_ACCOUNT_DAYS, for deployments that run cron rather
than Celery beat (the beat schedule runs the same function daily)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from plans.tasks import disable_inactive_users


class Command(BaseCommand):
    help = "Disable accounts with no sign-in for INACTIVE_ACCOUNT_DAYS (default 90) days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days without a sign-in (default: the INACTIVE_ACCOUNT_DAYS setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] or settings.INACTIVE_ACCOUNT_DAYS
        count = disable_inactive_users(now=timezone.now(), days=days)
        self.stdout.write(f"Disabled {count} account(s) with no sign-in for {days} days.")
