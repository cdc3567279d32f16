"""Seed data for performance values: the FY2020 figures of the ICE Annual Report (seed 004),
and, for the demo only, a data call open for the quarter just ended.

Idempotent like the plans' seed: rows are matched by natural key and written only when
they differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from metrics.models import DataCall, Measurement
from metrics.periods import FiscalQuarter
from plans.models import Metric, Office, Plan

FIGURES = Path(__file__).resolve().parent / "seed_data" / "fy2020_figures.json"
METRIC_FIELDS = [
    "definition",
    "kind",
    "unit",
    "unit_label",
    "direction",
    "aggregation",
    "frequency",
    "data_source",
    "data_quality_notes",
]
# Data calls of the demo open the day after the quarter ends and are due 45 days later,
# but never sooner than three weeks from the day the demo is set up.
DEMO_DUE_AFTER = timedelta(days=45)
DEMO_MIN_NOTICE = timedelta(days=21)


@dataclass
class FigureReport:
    metrics_written: int
    values_written: int


def _save_if_changed(obj: Any, values: dict[str, Any], reason: str) -> bool:
    changed = obj.pk is None
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed:
        obj._change_reason = reason
        obj.save()
    return changed


@transaction.atomic
def load_fy2020_figures() -> FigureReport:
    """Each headline figure of the FY2020 report as an annual metric under the ICE plan's
    sub-objective it serves, with its approved FY2020 value and the report's footnotes."""
    data = json.loads(FIGURES.read_text(encoding="utf-8"))
    plan = Plan.objects.get(slug=data["plan"])
    elements = {e.number: e for e in plan.elements.all()}
    offices = {o.code: o for o in Office.objects.all()}
    stored = {(m.element_id, m.name): m for m in Metric.objects.filter(element__plan=plan)}
    values = {m.metric_id: m for m in Measurement.objects.filter(fiscal_year=data["fiscal_year"])}
    report = FigureReport(0, 0)
    reason = f"Loaded from the FY{data['fiscal_year']} annual report"
    for order, row in enumerate(data["metrics"], start=1):
        element = elements[row["element"]]
        metric = stored.get((element.pk, row["name"])) or Metric(element=element, name=row["name"])
        fields = {name: row[name] for name in METRIC_FIELDS}
        fields |= {"owner_office_id": offices[row["office"]].pk, "order": order}
        report.metrics_written += _save_if_changed(metric, fields, reason)
        value = values.get(metric.pk) or Measurement(
            metric=metric, fiscal_year=data["fiscal_year"], quarter=None
        )
        report.values_written += _save_if_changed(
            value,
            {
                "value": Decimal(row["value"]),
                "explanation": row["explanation"],
                "status": Measurement.Status.APPROVED,
            },
            reason,
        )
    return report


def ensure_demo_data_calls(today: date) -> list[DataCall]:
    """For each active plan, a data call for the quarter just ended, unless it has one."""
    quarter = FiscalQuarter.from_date(today).previous()
    opens = quarter.end + timedelta(days=1)
    due = max(opens + DEMO_DUE_AFTER, today + DEMO_MIN_NOTICE)
    calls = []
    for plan in Plan.objects.filter(status=Plan.Status.ACTIVE):
        call, _created = DataCall.objects.get_or_create(
            plan=plan,
            fiscal_year=quarter.fiscal_year,
            quarter=quarter.quarter,
            defaults={"opens_on": opens, "due_on": due},
        )
        calls.append(call)
    return calls
