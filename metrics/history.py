"""Every change to a metric's definition, targets and values: who, when, old, new, why.

The rows come from django-simple-history. Each kind is read in one query ordered by row
and time, and consecutive versions of a row are compared in memory, so the page costs
three queries however long the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from metrics.models import CONTENT_FIELDS, Measurement, Target
from plans.models import Metric

MEASUREMENT_FIELDS = list(CONTENT_FIELDS)
TARGET_FIELDS = ["value", "min_value", "max_value", "due_date"]
METRIC_FIELDS = [
    "name",
    "definition",
    "kind",
    "unit",
    "direction",
    "aggregation",
    "frequency",
    "baseline_value",
    "baseline_fiscal_year",
    "owner_office_id",
    "data_source",
    "data_quality_notes",
]
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    when: datetime
    who: str
    subject: str  # "Value FY2021 Q1", "Target FY2021", "Definition"
    action: str
    changes: list[tuple[str, Any, Any]]  # (field, old, new)
    reason: str


def metric_history(metric: Metric) -> list[Change]:
    """All changes, newest first."""
    definition = metric.history.filter(id=metric.pk)
    values = Measurement.history.filter(metric_id=metric.pk)
    targets = Target.history.filter(metric_id=metric.pk)
    changes = [
        *_changes(definition, METRIC_FIELDS, lambda _row: "Definition"),
        *_changes(values, MEASUREMENT_FIELDS, lambda row: f"Value {_period(row)}"),
        *_changes(targets, TARGET_FIELDS, lambda row: f"Target {_period(row)}"),
    ]
    return sorted(changes, key=lambda change: change.when, reverse=True)


def _period(row: Any) -> str:
    return f"FY{row.fiscal_year}" + (f" Q{row.quarter}" if row.quarter else "")


def _blank(value: Any) -> bool:
    """Nothing worth showing: a new row's unset fields (None, "", False)."""
    return value is None or value == "" or value is False


def _changes(records: Any, fields: list[str], subject: Any) -> Iterable[Change]:
    previous: dict[int, Any] = {}
    rows = records.select_related("history_user").order_by("id", "history_date", "history_id")
    for record in rows:
        before = previous.get(record.id)
        diff = [
            (name, getattr(before, name) if before else None, getattr(record, name))
            for name in fields
            if before is None or getattr(before, name) != getattr(record, name)
        ]
        diff = [
            (name, old, new)
            for name, old, new in diff
            if old not in (None, "") or new not in (None, "")
        ]
        previous[record.id] = record
        user = record.history_user
        yield Change(
            when=record.history_date,
            who=(user.get_full_name() or user.username) if user else "System",
            subject=subject(record),
            action=ACTIONS.get(record.history_type, record.history_type),
            changes=diff,
            reason=record.history_change_reason or "",
        )
