"""Load every app's seed data; running it twice changes nothing.

It lives in `reports`, the app that may depend on all the others.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from metrics.seed import ensure_demo_data_calls, load_fy2020_figures
from plans.hierarchy import describe_counts
from plans.seed import DEMO_PASSWORD, DEMO_USERS, load_seed_data
from reports.seed import load_fy2020_report


class Command(BaseCommand):
    help = (
        "Load the organisation, the three seed plans, the FY2020 figures and report and, "
        "with DEBUG on, demo users and an open data call. Running it twice changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_seed_data()
        self.stdout.write(f"Offices: {report.offices_written} rows written.")
        for summary in report.plans:
            counts = describe_counts(summary.plan.level_names, summary.counts)
            self.stdout.write(
                f"Plan {summary.plan.slug}: {counts}; {summary.written} rows written."
            )
        figures = load_fy2020_figures()
        self.stdout.write(
            f"FY2020 figures: {figures.metrics_written} metrics and "
            f"{figures.values_written} values written."
        )
        written = load_fy2020_report()
        self.stdout.write(f"FY2020 annual report: {'written' if written else 'unchanged'}.")
        if settings.DEBUG:
            for call in ensure_demo_data_calls(timezone.localdate()):
                self.stdout.write(
                    f"Data call {call.plan.slug} {call.period.label}: due {call.due_on}."
                )
        if report.demo_users:
            self.stdout.write("Demo sign-ins (DEBUG only), all with password " + DEMO_PASSWORD)
            for username, full_name, office, role in DEMO_USERS:
                what = role.label if role else "Administrator"
                self.stdout.write(f"  {username:<12} {what} ({office}), {full_name}")
