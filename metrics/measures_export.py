"""A plan's measures as the import reads them: one row per metric and fiscal year (and
quarter, for quarterly values), with the columns Goal, Strategic Objective, KPI, Year,
Quarter, Target, Actual, Min Target, Max Target, Unit, Desired Direction, Description, Notes,
Office. Importing the file back gives the same data (tests/metrics/test_measures_commands).

Actuals are the approved values only: the import stores approved history, and a draft is
not yet a result. Percentages are written with their sign ("3%", or a cell formatted as a
percentage) so that reading them back never takes them for fractions.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from metrics.exports import FORMULA_START, plain_number
from metrics.measures_cells import unit_text
from metrics.measures_import import FIELDS, LABELS
from metrics.models import Measurement, Target
from plans.hierarchy import number_key
from plans.models import Metric, Plan, PlanElement

COLUMNS = tuple(LABELS[key] for key in FIELDS)
SHEET_TITLE = "Measures"
PERCENT_FORMAT = "0.00##%"
CSV_TYPE = "text/csv"


@dataclass(frozen=True)
class PercentCell:
    """A value in percent points: "3%" in CSV, 0.03 formatted as a percentage in XLSX."""

    value: Decimal


Cell = str | int | Decimal | PercentCell | None
Period = tuple[int, int | None]


def measure_rows(plan: Plan) -> Iterator[list[Cell]]:
    """The plan's metrics in outline order, each with its periods in time order (a fiscal
    year's quarters before its year row); a metric with no values gets one row of its own.
    Three queries, whatever the number of values."""
    metrics = list(
        Metric.objects.filter(element__plan=plan).select_related(
            "element__parent__parent", "owner_office"
        )
    )
    metrics.sort(key=lambda m: (number_key(m.element.number), m.order, m.pk))
    ids = [metric.pk for metric in metrics]
    targets = _by_metric(Target.objects.filter(metric_id__in=ids))
    actuals = _by_metric(Measurement.objects.approved().filter(metric_id__in=ids))
    for metric in metrics:
        mine, results = targets[metric.pk], actuals[metric.pk]
        periods = sorted(mine.keys() | results.keys(), key=lambda p: (p[0], p[1] or 5))
        for period in periods or [None]:
            yield measure_row(metric, period, mine.get(period), results.get(period))


def _by_metric(rows: Iterable[Target | Measurement]) -> dict[int, dict[Period, Any]]:
    grouped: dict[int, dict[Period, Any]] = defaultdict(dict)
    for row in rows:
        grouped[row.metric_id][(row.fiscal_year, row.quarter)] = row
    return grouped


def measure_row(
    metric: Metric, period: Period | None, target: Target | None, actual: Measurement | None
) -> list[Cell]:
    """One metric and period as cells in COLUMNS order. Reads the metric's element, its
    parents and owner office: select them with the metric."""
    goal, objective = _goal_and_objective(metric.element)
    cells = {
        "goal": goal.title,
        "objective": objective.title if objective else "",
        "metric": metric.name,
        "fiscal_year": period[0] if period else None,
        "quarter": period[1] if period else None,
        "target": _number(target.value if target else None, metric),
        "actual": _number(actual.value if actual else None, metric),
        "min_target": _number(target.min_value if target else None, metric),
        "max_target": _number(target.max_value if target else None, metric),
        "unit": unit_text(
            metric.unit,
            metric.unit_label,
            cumulative=metric.aggregation == Metric.Aggregation.CUMULATIVE,
        ),
        "direction": metric.direction.capitalize(),
        "description": metric.definition,
        "notes": actual.explanation if actual else "",
        "office": metric.owner_office.code,
    }
    return [cells[key] for key in FIELDS]


def _goal_and_objective(element: PlanElement) -> tuple[PlanElement, PlanElement | None]:
    """The measures shape has two levels: a metric under a level-3 element is written
    under its level-2 parent, one under a goal with no objective."""
    while element.level > 2:
        element = element.parent
    if element.level == 1:
        return element, None
    return element.parent, element


def _number(value: Decimal | None, metric: Metric) -> Cell:
    if value is None:
        return None
    number = plain_number(value)
    return PercentCell(number) if metric.unit == Metric.Unit.PERCENT else number


# Writers ---------------------------------------------------------------------------------


def write_csv(rows: Iterable[list[Cell]], stream: IO[str]) -> int:
    """Writes the header and rows; returns the number of rows. Text that would start a
    formula gets a leading apostrophe, which the import takes off again."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
        count += 1
    return count


def _csv_cell(cell: Cell) -> Cell:
    if isinstance(cell, PercentCell):
        cell = f"{cell.value}%"
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return f"'{cell}"
    return cell


def write_xlsx(rows: Iterable[list[Cell]], target: Path | IO[bytes]) -> int:
    """Streams the rows into a write-only workbook: numbers as numbers, percentages as
    fractions formatted as percentages, text always as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, name, font=bold) for name in COLUMNS])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
        count += 1
    workbook.save(target)
    return count


def _xlsx_cell(sheet: Any, value: Cell, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, PercentCell):
        cell = WriteOnlyCell(sheet, value=value.value / 100)
        cell.number_format = PERCENT_FORMAT
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    if font is not None:
        cell.font = font
    return cell
