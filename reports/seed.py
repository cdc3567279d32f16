"""Seed data for reports: the content of the ICE Annual Report FY2020 (seed 004), whose
figures metrics/seed.py loads as approved values. Idempotent: the stored report is
rewritten only when its content differs from the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reports.annual import load_report_content, report_content
from reports.models import AnnualReport

FY2020_REPORT = Path(__file__).resolve().parent / "seed_data" / "fy2020_annual_report.json"
COMPARED = ("title", "subtitle", "date_label", "fiscal_year", "scope", "plan", "sections")


def _comparable(content: dict[str, Any]) -> dict[str, Any]:
    sections = [
        {
            "heading": section["heading"],
            "office": section.get("office"),
            "blocks": [
                {
                    "style": block.get("style", "paragraph"),
                    "text": block["text"],
                    "metric": block.get("metric"),
                }
                for block in section["blocks"]
            ],
        }
        for section in content["sections"]
    ]
    return {**{key: content.get(key, "") for key in COMPARED}, "sections": sections}


def load_fy2020_report() -> bool:
    """True when the report was written."""
    data = json.loads(FY2020_REPORT.read_text(encoding="utf-8"))
    stored = (
        AnnualReport.objects.filter(
            plan__slug=data["plan"], fiscal_year=data["fiscal_year"], title=data["title"]
        )
        .select_related("plan__owner")
        .first()
    )
    if stored is not None and _comparable(report_content(stored)) == _comparable(data):
        return False
    load_report_content(data)
    return True
