"""The values export: one row per reported value of a fiscal year, as CSV or XLSX.

`export_rows` reads the rows in three queries however many there are (the elements' order,
the targets, then the values in chunks of 2,000 with their metric, element, plan and office
joined in), so memory stays bounded. `value_row` turns one value into plain cells and the
writers stream them out; neither sees the ORM beyond the objects handed to it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from metrics.models import Measurement, Target
from plans.hierarchy import number_key
from plans.models import Metric, Office, Plan, PlanElement

COLUMNS = (
    "plan",
    "element",
    "metric",
    "office",
    "period",
    "target",
    "value",
    "unit",
    "status",
    "explanation",
)
CHUNK_SIZE = 2000
SHEET_TITLE = "Values"
# Text that a spreadsheet would run as a formula when it starts a cell (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | Decimal | None


def export_rows(
    *, fiscal_year: int, plan: Plan | None = None, office: Office | None = None
) -> Iterator[list[Cell]]:
    """The fiscal year's values (its quarters and its fiscal-year rows), optionally of one
    plan and of the metrics one office owns, ordered by plan, element number (1, 2, 10),
    metric and period. Three queries, whatever the number of rows."""
    scope = _scope(fiscal_year, plan, office)
    ranks = _element_ranks(scope)
    if not ranks:
        return
    targets = _targets(fiscal_year, scope)
    rows = (
        scope.select_related("metric__element__plan", "metric__owner_office")
        .annotate(element_rank=_rank_expression(ranks))
        .order_by(
            "element_rank",
            "metric__order",
            "metric_id",
            F("quarter").asc(nulls_last=True),
        )
    )
    for measurement in rows.iterator(chunk_size=CHUNK_SIZE):
        yield value_row(measurement, targets.get((measurement.metric_id, measurement.quarter)))


def _scope(fiscal_year: int, plan: Plan | None, office: Office | None) -> QuerySet[Measurement]:
    rows = Measurement.objects.filter(fiscal_year=fiscal_year)
    if plan is not None:
        rows = rows.filter(metric__element__plan=plan)
    if office is not None:
        rows = rows.filter(metric__owner_office=office)
    return rows


def _element_ranks(scope: QuerySet[Measurement]) -> dict[int, int]:
    """Element id -> its position in (plan title, element number) order. One query."""
    elements = PlanElement.objects.filter(pk__in=scope.values("metric__element_id")).values_list(
        "pk", "plan__title", "plan_id", "number"
    )
    ordered = sorted(elements, key=lambda e: (e[1], e[2], number_key(e[3])))
    return {pk: rank for rank, (pk, *_rest) in enumerate(ordered)}


def _rank_expression(ranks: dict[int, int]) -> Case:
    whens = [When(metric__element_id=pk, then=Value(rank)) for pk, rank in ranks.items()]
    return Case(*whens, default=Value(len(ranks)), output_field=IntegerField())


def _targets(
    fiscal_year: int, scope: QuerySet[Measurement]
) -> dict[tuple[int, int | None], Target]:
    """(metric id, quarter) -> the target of that period. One query."""
    targets = Target.objects.filter(
        fiscal_year=fiscal_year, metric_id__in=scope.values("metric_id")
    )
    return {(t.metric_id, t.quarter): t for t in targets}


def value_row(measurement: Measurement, target: Target | None) -> list[Cell]:
    """One value as cells in COLUMNS order. Reads the metric, its element, plan and owner
    office: select them with the measurement."""
    metric = measurement.metric
    return [
        metric.element.plan.title,
        str(metric.element),
        metric.name,
        metric.owner_office.code,
        measurement.period_label,
        target_cell(target),
        value_cell(measurement, metric),
        unit_text(metric),
        measurement.get_status_display(),
        explanation_text(measurement),
    ]


def plain_number(value: Decimal) -> Decimal:
    """1500.0000 -> 1500, 12.5000 -> 12.5: no trailing zeros, no exponent."""
    return Decimal(format(value.normalize(), "f"))


def target_cell(target: Target | None) -> Cell:
    """A single target value as a number; a range or due date as plain text."""
    if target is None:
        return None
    parts = []
    if target.value is not None:
        parts.append(plain_number(target.value))
    low, high = target.min_value, target.max_value
    if low is not None and high is not None:
        parts.append(f"{plain_number(low)} to {plain_number(high)}")
    elif low is not None:
        parts.append(f"at least {plain_number(low)}")
    elif high is not None:
        parts.append(f"at most {plain_number(high)}")
    if target.due_date is not None:
        parts.append(f"due {target.due_date.isoformat()}")
    if len(parts) == 1:
        return parts[0]
    return "; ".join(str(part) for part in parts) or None


def value_cell(measurement: Measurement, metric: Metric) -> Cell:
    """The value as a number; a milestone's status as text; empty when not available."""
    if measurement.not_available:
        return None
    if metric.kind == Metric.Kind.MILESTONE:
        status = measurement.get_milestone_status_display()
        when = measurement.milestone_date
        return f"{status} on {when.isoformat()}" if status and when else status or None
    return None if measurement.value is None else plain_number(measurement.value)


def unit_text(metric: Metric) -> str:
    unit = metric.get_unit_display()
    return f"{unit} ({metric.unit_label})" if metric.unit_label else unit


def explanation_text(measurement: Measurement) -> str:
    parts = []
    if measurement.not_available:
        parts.append(f"Not available: {measurement.not_available_reason.strip().rstrip('.')}.")
    if measurement.explanation.strip():
        parts.append(measurement.explanation.strip())
    return " ".join(parts)


# Writers ---------------------------------------------------------------------------------


def write_csv(rows: Iterable[list[Cell]], stream: Any) -> int:
    """Writes the header and rows to a text stream; returns the number of rows.

    Text that starts like a formula gets a leading apostrophe, so that a spreadsheet opening
    the file shows it instead of running it.
    """
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([_defused(cell) for cell in row])
        count += 1
    return count


def _defused(cell: Cell) -> Cell:
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return f"'{cell}"
    return cell


def write_xlsx(rows: Iterable[list[Cell]], path: Path) -> int:
    """Streams the rows into a write-only workbook (bold header, numbers as numbers, text
    always as text, never as a formula); returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, name, font=bold) for name in COLUMNS])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
        count += 1
    workbook.save(path)
    return count


def _xlsx_cell(sheet: Any, value: Cell, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    if font is not None:
        cell.font = font
    return cell
