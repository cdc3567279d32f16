"""Load the organisation, the three seed plans and (with DEBUG on) the demo users."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from plans.hierarchy import describe_counts
from plans.seed import DEMO_PASSWORD, DEMO_USERS, load_seed_data


class Command(BaseCommand):
    help = "Load the seed data. Running it twice changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_seed_data()
        self.stdout.write(f"Offices: {report.offices_written} rows written.")
        for summary in report.plans:
            counts = describe_counts(summary.plan.level_names, summary.counts)
            self.stdout.write(
                f"Plan {summary.plan.slug}: {counts}; {summary.written} rows written."
            )
        if report.demo_users:
            self.stdout.write("Demo sign-ins (DEBUG only), all with password " + DEMO_PASSWORD)
            for username, full_name, office, role in DEMO_USERS:
                what = role.label if role else "Administrator"
                self.stdout.write(f"  {username:<12} {what} ({office}), {full_name}")
