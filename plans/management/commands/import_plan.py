"""Import a plan from its published outline (text) or from a plan-exchange JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.hierarchy import describe_counts
from plans.models import Office, Plan
from plans.outline import OutlineError, parse_outline
from plans.plan_document import (
    PlanDocumentError,
    PlanSpec,
    parse_plan_document,
    spec_from_outline,
)
from plans.services import PlanImportError, save_plan

DEFAULT_LEVELS = "Goal,Objective,Sub-objective"


class Command(BaseCommand):
    help = (
        "Import a plan from a numbered outline (as agencies publish them) or from the JSON "
        "that export_plan writes. Saves everything in one transaction or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The outline (.txt/.md) or JSON file.")
        parser.add_argument("--format", choices=["outline", "json"], default="outline")
        parser.add_argument("--slug", help="The plan's slug (required for an outline).")
        parser.add_argument("--title", help="The plan's title (required for a new plan).")
        parser.add_argument(
            "--levels", default=None, help=f'Level names, comma-separated ("{DEFAULT_LEVELS}").'
        )
        parser.add_argument("--owner", help="Code of the owning office, e.g. ICE.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        if options["format"] == "json":
            spec = self._json_spec(path, text, options)
        else:
            spec = self._outline_spec(path, text, options)
        self.stdout.write(f"Found {describe_counts(spec.levels, spec.counts())}.")
        try:
            summary = save_plan(
                spec=spec,
                owner=_owner(options["owner"], spec),
                keep_metrics=options["format"] == "outline",
            )
        except PlanImportError as error:
            raise CommandError(f"{error} Nothing was saved.") from None
        verb = "Created" if summary.created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} plan {summary.plan.slug}: {summary.written} rows written.")
        )

    def _json_spec(self, path: Path, text: str, options: dict[str, Any]) -> PlanSpec:
        try:
            spec = parse_plan_document(json.loads(text))
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path}: line {error.lineno}: not valid JSON ({error.msg}). Nothing was saved."
            ) from None
        except PlanDocumentError as error:
            raise CommandError(f"{path}: {error}. Nothing was saved.") from None
        spec.slug = options["slug"] or spec.slug
        spec.title = options["title"] or spec.title
        if options["levels"]:
            spec.levels = _levels(options["levels"])
        return spec

    def _outline_spec(self, path: Path, text: str, options: dict[str, Any]) -> PlanSpec:
        if not options["slug"]:
            raise CommandError("--slug is required when importing an outline.")
        existing = Plan.objects.filter(slug=options["slug"]).first()
        title = options["title"] or (existing.title if existing else "")
        if not title:
            raise CommandError("--title is required for a new plan.")
        levels = _levels(options["levels"] or _existing_levels(existing) or DEFAULT_LEVELS)
        try:
            outline = parse_outline(text, depth=len(levels))
        except OutlineError as error:
            raise CommandError(f"{path}: {error}. Nothing was saved.") from None
        spec = spec_from_outline(outline, slug=options["slug"], title=title, levels=levels)
        if existing:
            _keep_plan_fields(spec, existing)
        return spec


def _levels(text: str) -> list[str]:
    levels = [name.strip() for name in text.split(",") if name.strip()]
    if not 1 <= len(levels) <= 3:
        raise CommandError("--levels takes one to three names, e.g. Goal,Objective,Strategy.")
    return levels


def _existing_levels(plan: Plan | None) -> str:
    return ",".join(plan.level_names) if plan else ""


def _keep_plan_fields(spec: PlanSpec, plan: Plan) -> None:
    """An outline carries no plan-level facts: keep the stored ones."""
    spec.owner_office = plan.owner.code
    spec.status = plan.status
    spec.start_fiscal_year, spec.end_fiscal_year = plan.start_fiscal_year, plan.end_fiscal_year
    spec.mission, spec.vision, spec.values = plan.mission, plan.vision, plan.values


def _owner(code: str | None, spec: PlanSpec) -> Office:
    """The --owner office, else the document's, else the only top-level office there is."""
    code = code or spec.owner_office
    if code:
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise CommandError(f"No office with code {code!r}. Nothing was saved.")
        return office
    roots = list(Office.objects.filter(parent=None)[:2])
    if len(roots) != 1:
        raise CommandError("Give --owner: the code of the office that owns the plan.")
    return roots[0]
