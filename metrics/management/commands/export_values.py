"""Export a fiscal year's values, one row per value, as CSV (stdout or a file) or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metrics.exports import export_rows, write_csv, write_xlsx
from metrics.periods import FiscalYear
from plans.models import Office, Plan


class Command(BaseCommand):
    help = (
        "Export the values of a fiscal year (its quarters and its fiscal-year rows) with their "
        "targets: plan, element, metric, office, period, target, value, unit, status, "
        "explanation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fiscal-year", type=int, required=True, help="Like 2025.")
        parser.add_argument("--plan", help="Only this plan (its slug).")
        parser.add_argument("--office", help="Only the metrics this office owns (its code).")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", type=Path, help="Write to this file instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        fiscal_year = _fiscal_year(options["fiscal_year"])
        output: Path | None = options["output"]
        if options["format"] == "xlsx" and output is None:
            raise CommandError("An XLSX workbook is binary: give --output PATH.")
        rows = export_rows(
            fiscal_year=fiscal_year,
            plan=_plan(options["plan"]),
            office=_office(options["office"]),
        )
        if options["format"] == "xlsx":
            count = write_xlsx(rows, output)
        elif output is not None:
            with output.open("w", newline="", encoding="utf-8") as stream:
                count = write_csv(rows, stream)
        else:
            write_csv(rows, self.stdout)
            return
        self.stdout.write(f"Wrote {count} value(s) of FY{fiscal_year} to {output}.")


def _fiscal_year(year: int) -> int:
    try:
        return FiscalYear(year).year
    except ValueError as error:
        raise CommandError(str(error)) from None


def _plan(slug: str | None) -> Plan | None:
    if slug is None:
        return None
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        raise CommandError(f"No plan with slug {slug!r}.")
    return plan


def _office(code: str | None) -> Office | None:
    if code is None:
        return None
    office = Office.objects.filter(code=code).first()
    if office is None:
        raise CommandError(f"No office with code {code!r}.")
    return office
