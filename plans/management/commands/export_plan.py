"""Print a plan as plan-exchange JSON, which import_plan --format json reads back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.exchange import spec_for_plan
from plans.models import Plan
from plans.plan_document import document_from_spec


class Command(BaseCommand):
    help = "Print a plan (elements, outcomes, metric definitions) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--output", type=Path, help="Write to this file instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.select_related("owner").filter(slug=options["slug"]).first()
        if plan is None:
            raise CommandError(f"No plan with slug {options['slug']!r}.")
        text = json.dumps(document_from_spec(spec_for_plan(plan)), indent=2, ensure_ascii=False)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
