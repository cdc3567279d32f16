"""Import performance measures, their targets and actuals from a CSV or XLSX file shaped
like an Annual Performance Report: one row per measure and fiscal year (or quarter)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metrics.measures_import import (
    FIELDS,
    MAX_CSV_BYTES,
    MeasuresFileError,
    ParsedMeasures,
    parse_measures,
    read_table,
    resolve_mapping,
)
from metrics.measures_services import ImportReport, MeasuresImportError, import_measures
from plans.models import Office


class Command(BaseCommand):
    help = (
        "Import measures (goal, objective, KPI, year, target, actual ...) into a plan, as "
        "approved historical values. Columns are found by their headers; --map names the "
        "others. Saves everything in one transaction or nothing. See docs/importing.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file.")
        parser.add_argument("--plan", required=True, help="The plan's slug; created if new.")
        parser.add_argument("--title", default="", help="The plan's title (needed if new).")
        parser.add_argument("--owner", help="Code of the office owning a new plan, e.g. ICE.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"Which column holds a field; fields: {', '.join(FIELDS)}. Repeatable. "
            "FIELD= (no column) leaves a guessed field out.",
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the rows that can be read and list the others (default: save nothing "
            "when any row is bad).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, but save nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        parsed = _parsed(path, _named_columns(options["map"]))
        try:
            report = import_measures(
                parsed=parsed,
                plan_slug=options["plan"],
                title=options["title"],
                owner=_owner(options["owner"]),
                source=path.name,
                skip_bad_rows=options["skip_bad_rows"],
                dry_run=options["dry_run"],
            )
        except MeasuresImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            hint = " Fix them or pass --skip-bad-rows." if error.problems else ""
            raise CommandError(f"{error}{hint}") from None
        self._write_report(report)

    def _write_report(self, report: ImportReport) -> None:
        for problem in report.problems:
            self.stderr.write(f"Skipped {problem}")
        for warning in report.warnings:
            self.stdout.write(f"Note: {warning}")
        verb = "created" if report.plan_created else "updated"
        self.stdout.write(f"Read {report.rows_read} row(s); skipped {report.skipped_rows}.")
        for line in report.summary():
            self.stdout.write(line)
        if report.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Plan {report.plan.slug} {verb}."))


def _named_columns(pairs: list[str]) -> dict[str, str]:
    named = {}
    for pair in pairs:
        key, sep, column = pair.partition("=")
        if not sep:
            raise CommandError(f'--map {pair!r}: write FIELD=COLUMN, like metric="KPI Name".')
        named[key.strip().casefold()] = column
    return named


def _parsed(path: Path, named: dict[str, str]) -> ParsedMeasures:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise CommandError(f"{path}: the file is larger than {MAX_CSV_BYTES // 2**20} MB.")
        table = read_table(path.read_bytes(), path.name)
        return parse_measures(table, resolve_mapping(table.headers, named))
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    except (MeasuresFileError, ValueError) as error:
        raise CommandError(f"{path}: {error} Nothing was saved.") from None


def _owner(code: str | None) -> Office | None:
    """The --owner office; else the only top-level office, when there is just one."""
    if code:
        office = Office.objects.filter(code__iexact=code).first()
        if office is None:
            raise CommandError(f"No office with code {code!r}. Nothing was saved.")
        return office
    roots = list(Office.objects.filter(parent=None)[:2])
    return roots[0] if len(roots) == 1 else None
