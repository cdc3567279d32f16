"""Build an annual report from approved data and write one format to a file.

    python manage.py build_annual_report --fiscal-year 2020 --scope office --format pdf \\
        --output report.pdf
    python manage.py build_annual_report --fiscal-year 2025 --scope plan --plan dhs-wps-ip-2024 \\
        --format docx --output wps.docx

The report's stored content is used when there is one for the year and scope (narrow it
with --plan and --title); otherwise, with --plan, the default content (a section per
program office or per top-level element) is built without storing anything.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import pluralize

from plans.models import Plan
from reports import annual
from reports.builds import FORMATS, render_format
from reports.models import AnnualReport


class Command(BaseCommand):
    help = "Build an annual report (html, pdf, docx or the xlsx appendix) into a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--scope", choices=AnnualReport.Scope.values, required=True)
        parser.add_argument("--plan", help="Slug of the plan whose metrics the report states.")
        parser.add_argument("--title", help="Which stored report, when there are several.")
        parser.add_argument("--format", choices=list(FORMATS), required=True, dest="fmt")
        parser.add_argument("--output", required=True, help="Path of the file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        content, plan = self._content(options)
        snapshot = annual.take_snapshot(plan, content)
        composition = annual.compose(content, snapshot)
        for problem in composition.problems:
            self.stderr.write(f"Left out of “{problem.section}”: {problem.message}")
        data = render_format(composition, options["fmt"])
        output = Path(options["output"])
        _write_atomically(output, data)
        figures, left_out = len(snapshot["figures"]), len(composition.problems)
        self.stdout.write(
            f"Wrote {output} ({len(data):,} bytes): {content['title']}, "
            f"{figures} figure{pluralize(figures)}, "
            f"{left_out} block{pluralize(left_out)} left out."
        )

    def _content(self, options: dict[str, Any]) -> tuple[dict[str, Any], Plan]:
        year, scope = options["fiscal_year"], options["scope"]
        reports = AnnualReport.objects.filter(fiscal_year=year, scope=scope).select_related(
            "plan__owner"
        )
        plan = None
        if options["plan"]:
            plan = Plan.objects.select_related("owner").filter(slug=options["plan"]).first()
            if plan is None:
                raise CommandError(f"No plan “{options['plan']}”.")
            reports = reports.filter(plan=plan)
        if options["title"]:
            reports = reports.filter(title=options["title"])
        found = list(reports[:10])
        if len(found) == 1:
            return annual.report_content(found[0]), found[0].plan
        if len(found) > 1:
            titles = "; ".join(f"“{r.title}” ({r.plan.slug})" for r in found)
            raise CommandError(f"Several FY{year} reports match: {titles}. Choose with --title.")
        if plan is None:
            raise CommandError(
                f"No stored {scope}-scope report for FY{year}: name the plan with --plan to "
                "build its default content."
            )
        title = options["title"] or f"{plan.title}: annual report, FY {year}"
        content = annual.default_content(plan=plan, fiscal_year=year, scope=scope, title=title)
        return content, plan


def _write_atomically(path: Path, data: bytes) -> None:
    """Written beside its destination, then renamed: never a half-written file."""
    if not path.parent.exists():
        raise CommandError(f"The folder {path.parent} does not exist.")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
