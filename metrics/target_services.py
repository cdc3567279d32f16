"""Writes behind the targets page: a metric's targets and its baseline, saved together.

Targets go through `services.save_targets` (optimistic locking per target, a history row
per change); the baseline lives on the Metric row of `plans`, changed here with its own
history row so that the metric's history shows who moved the baseline and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from metrics.services import TargetEntry, save_targets
from plans.models import Metric, User

BASELINE_REASON = "Baseline changed"


@dataclass(frozen=True)
class Baseline:
    """What a person entered as the metric's baseline; both empty clears it."""

    value: Decimal | None = None
    fiscal_year: int | None = None


def save_baseline(
    *, metric: Metric, value: Decimal | None, fiscal_year: int | None, user: User, reason: str = ""
) -> bool:
    """Sets the metric's baseline; returns whether it changed. No write when unchanged.

    Value and year go together (a database constraint says so); forms check it first.
    """
    if (metric.baseline_value, metric.baseline_fiscal_year) == (value, fiscal_year):
        return False
    metric.baseline_value, metric.baseline_fiscal_year = value, fiscal_year
    metric._history_user = user
    metric._change_reason = reason or BASELINE_REASON
    metric.save(update_fields=["baseline_value", "baseline_fiscal_year"])
    return True


@transaction.atomic
def save_target_sheet(
    *,
    metric: Metric,
    entries: list[TargetEntry],
    baseline: Baseline | None,
    user: User,
    reason: str = "",
) -> None:
    """Saves the targets page all or nothing: a ConflictError on any target leaves the
    baseline untouched too. `baseline` None leaves it as it is (milestones have none)."""
    save_targets(metric=metric, entries=entries, user=user, reason=reason)
    if baseline is not None:
        save_baseline(
            metric=metric,
            value=baseline.value,
            fiscal_year=baseline.fiscal_year,
            user=user,
            reason=reason,
        )
