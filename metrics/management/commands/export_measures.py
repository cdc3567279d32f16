"""Export a plan's measures in the shape import_measures reads: one row per metric and
fiscal year (and quarter), as CSV (stdout or a file) or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metrics.measures_export import measure_rows, write_csv, write_xlsx
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "Export a plan's metrics with their targets and approved actuals: Goal, Strategic "
        "Objective, KPI, Year, Quarter, Target, Actual, Min Target, Max Target, Unit, Desired "
        "Direction, Description, Notes, Office. import_measures reads the file back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", type=Path, help="Write to this file instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan with slug {options['plan']!r}.")
        output: Path | None = options["output"]
        if options["format"] == "xlsx" and output is None:
            raise CommandError("An XLSX workbook is binary: give --output PATH.")
        rows = measure_rows(plan)
        if options["format"] == "xlsx":
            count = write_xlsx(rows, output)
        elif output is not None:
            with output.open("w", newline="", encoding="utf-8") as stream:
                count = write_csv(rows, stream)
        else:
            write_csv(rows, self.stdout)
            return
        self.stdout.write(f"Wrote {count} row(s) of {plan.slug} to {output}.")
