"""The targets-vs-actuals table of a plan: metrics grouped by the hierarchy down the side;
across the top, each fiscal year's four quarters and then the fiscal year; in every cell
the approved actual, the target, the percent of target and the status.

Cost: `load_table` runs four queries whatever the size (the elements, the metrics, then the
targets and the approved values as plain tuples), and choosing the years one more
(`data_years`). `build_table` assembles the table from what they return in plain Python;
it is pure and tested on hand-built values. A plan of 1,000 metrics over five years has
25,000 cells, so the work per cell is kept to two dictionary lookups, one call of the
metric's status rule (made once per metric by `judge_for`) and one tuple, and numbers are
formatted once per distinct value by the renderers (`sections_html` below, the workbook in
reports/exporters.py). docs/PERFORMANCE.md has
the measurements.

Rules the table applies on top of reports/status.py:
- a quarterly metric's fiscal-year actual comes from its approved quarters by its
  aggregation rule (metrics.rollup); it is judged only once all four quarters are in, and
  until then shows "n of 4 quarters" with the status of a missing value;
- a fiscal year without its own target takes the quarters' targets combined by the same
  rule (sum, average, or the last quarter's for "latest" and for percentages);
- cumulative metrics show and judge their quarters year to date;
- values are due 45 days after their period ends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import escape
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from metrics.models import VALUE_FIELDS, Measurement, Target
from metrics.periods import FiscalQuarter, FiscalYear
from metrics.rollup import fiscal_year_value
from plans.formatting import format_value
from plans.hierarchy import number_key
from plans.models import UNKNOWN_TITLE, Metric, Plan
from reports.assessment import Period, due_date
from reports.status import (
    ActualValue,
    QuarterInput,
    Rule,
    Status,
    TargetValue,
    judge_for,
    years_to_date,
)

YEARS_SHOWN = 5  # by default
MAX_YEARS = 10  # asked for with fy_from and fy_to
QUARTERS = (1, 2, 3, 4)
COLUMNS: tuple[int | None, ...] = (*QUARTERS, None)  # per fiscal year; None: the year
FOUR_PLACES = Decimal("0.0001")
MILESTONE_LABELS = dict(Measurement.Milestone.choices)
UNIT_LABELS = dict(Metric.Unit.choices)
NOT_AVAILABLE = "Not available"
# The choices the hot loop compares with, as plain strings: an enum member's lookup through
# its class costs three times the comparison, 25,000 times a page.
ANNUAL = Metric.Frequency.ANNUAL.value
CUMULATIVE = Metric.Aggregation.CUMULATIVE.value
LATEST = Metric.Aggregation.LATEST.value
AVERAGE = Metric.Aggregation.AVERAGE.value
MILESTONE = Metric.Kind.MILESTONE.value
PERCENTAGE = Metric.Kind.PERCENTAGE.value
RANGE = Metric.Direction.RANGE.value
MISSING = "—"

ElementTuple = tuple[int, int | None, int, str, str, int]  # id, parent, level, number, title, order
# id, element id, name, kind, unit, direction, aggregation, frequency
MetricTuple = tuple[int, int, str, str, str, str, str, str]
ELEMENT_FIELDS = ("id", "parent_id", "level", "number", "title", "order")
METRIC_FIELDS = (
    "id",
    "element_id",
    "name",
    "kind",
    "unit",
    "direction",
    "aggregation",
    "frequency",
)
TARGET_FIELDS = (
    "metric_id",
    "fiscal_year",
    "quarter",
    "value",
    "min_value",
    "max_value",
    "due_date",
)
ACTUAL_FIELDS = ("metric_id", "fiscal_year", "quarter", *VALUE_FIELDS)  # as ActualValue's


# A target and an approved value as fetched: plain tuples, because there are 40,000 of them
# at 1,000 metrics and keeping as many dataclass instances alive costs a third of the page's
# time in garbage collection. The status rules get their dataclasses made for the moment.
TargetRow = tuple[
    Decimal | None, Decimal | None, Decimal | None, date | None
]  # value, min, max, due
# value, numerator, denominator, milestone_status, milestone_date, not_available
ActualRow = tuple[Decimal | None, Decimal | None, Decimal | None, str, date | None, bool]


@dataclass
class Values:
    """Targets and approved values by metric id and period."""

    targets: dict[int, dict[Period, TargetRow]] = field(default_factory=lambda: defaultdict(dict))
    actuals: dict[int, dict[Period, ActualRow]] = field(default_factory=lambda: defaultdict(dict))


class Cell(NamedTuple):
    """One metric in one period. `actual` is the number shown (year to date for cumulative
    quarters); `text` replaces it for a milestone's state or a value not available; `note`
    says when a fiscal year is incomplete."""

    actual: Decimal | None
    target: TargetRow | TargetValue | None  # as fetched; a TargetValue when year to date
    percent: Decimal | None  # the actual as a percentage of the target, unrounded
    status: Status
    text: str = ""
    note: str = ""


@dataclass(slots=True)
class Group:
    level: int
    level_name: str
    number: str
    title: str


@dataclass(slots=True)
class MetricRow:
    metric_id: int
    name: str
    level: int  # its element's level: the row's depth in the outline
    unit: str
    kind: str
    aggregation: str
    frequency: str
    cells: list[Cell | None]  # one per column; None for an annual metric's quarters

    @property
    def description(self) -> str:
        """ "Count, sum of the quarters"; "Percent, annual"."""
        if self.frequency == Metric.Frequency.ANNUAL:
            rule = "annual"
        elif self.aggregation == Metric.Aggregation.CUMULATIVE:
            rule = "cumulative, year to date"
        else:
            rule = Metric.Aggregation(self.aggregation).label.lower()
        return f"{UNIT_LABELS.get(self.unit, self.unit)}, {rule}"


@dataclass(slots=True)
class Section:
    """An element and the metrics hung directly under it."""

    group: Group
    rows: list[MetricRow] = field(default_factory=list)


@dataclass
class Table:
    years: list[int]
    sections: list[Section]

    @property
    def columns(self) -> list[Period]:
        return [(year, quarter) for year in self.years for quarter in COLUMNS]

    @property
    def metric_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


# Which fiscal years ------------------------------------------------------------------------


def data_years(plan: Plan) -> set[int]:
    """Fiscal years in which the plan has a target or an approved value. One query: each
    side distinct before the union, and the plan's metrics as a semi-join (`IN`), which
    PostgreSQL runs in 12 ms at 1,000 metrics where the plain join and union took 20."""
    targets = Target.objects.filter(metric__in=_plan_metrics(plan))
    approved = Measurement.objects.approved().filter(metric__in=_plan_metrics(plan))
    target_years, approved_years = (
        rows.order_by().values_list("fiscal_year").distinct() for rows in (targets, approved)
    )
    return {year for (year,) in target_years.union(approved_years)}


def _plan_metrics(plan: Plan) -> QuerySet[Metric]:
    """The plan's metric ids as a subquery: `metric_id IN (...)`, a semi-join."""
    return Metric.objects.filter(element__plan=plan).values("pk")


def choose_years(
    *,
    start: int | None,
    end: int | None,
    with_data: Iterable[int],
    fy_from: str | None = None,
    fy_to: str | None = None,
    today: date,
) -> list[int]:
    """The fiscal years to show, oldest first, always consecutive.

    Asked for (`fy_from`, `fy_to`, either alone meaning five years from or to it): those,
    at most MAX_YEARS. Otherwise the plan's span, capped to the five years ending with the
    last one that has data; a plan without a span takes the span of its data, and a plan
    with neither the current fiscal year. Unreadable years are ignored."""
    low, high = _year(fy_from), _year(fy_to)
    if low and high:
        low, high = min(low, high), max(low, high)
        return list(range(low, min(high, low + MAX_YEARS - 1) + 1))
    if low or high:
        first = low or high - YEARS_SHOWN + 1
        return list(range(first, first + YEARS_SHOWN))
    years = sorted(with_data)
    current = FiscalYear.from_date(today).year
    first = start or (years[0] if years else current)
    last = max(end or (years[-1] if years else current), first)
    in_span = [year for year in years if first <= year <= last]
    if last - first + 1 > YEARS_SHOWN:
        last = in_span[-1] if in_span else last
        first = max(first, last - YEARS_SHOWN + 1)
    return list(range(first, last + 1))


def _year(text: str | None) -> int | None:
    try:
        return FiscalYear(int(text or "")).year
    except ValueError:
        return None


# The table ---------------------------------------------------------------------------------


def load_table(plan: Plan, years: list[int], *, today: date) -> Table:
    """Four queries: elements, metrics, targets and approved values (plain tuples)."""
    elements = list(plan.elements.order_by().values_list(*ELEMENT_FIELDS))
    metrics = list(
        Metric.objects.filter(element__plan=plan)
        .order_by("order", "id")
        .values_list(*METRIC_FIELDS)
    )
    values = load_values(plan, years) if metrics else Values()
    return build_table(
        years=years,
        elements=elements,
        metrics=metrics,
        values=values,
        level_names=plan.level_names,
        at_risk_percent=plan.at_risk_percent,
        today=today,
    )


def load_values(plan: Plan, years: list[int]) -> Values:
    """The targets and approved values of the plan's metrics in `years`, in two queries of
    plain tuples: the plan's metrics as a subquery (`metric_id IN (...)`, a semi-join; 7%
    faster than joining the metric and its element on PostgreSQL) rather than a list of
    ids, and unordered (the models' default ordering sorts 20,000 rows for nothing, at three
    times the cost of the query itself on PostgreSQL)."""
    scope = {
        "metric__in": _plan_metrics(plan),
        "fiscal_year__gte": years[0],
        "fiscal_year__lte": years[-1],
    }
    values = Values()
    targets, actuals = values.targets, values.actuals
    target_rows = Target.objects.filter(**scope).order_by().values_list(*TARGET_FIELDS)
    for metric_id, year, quarter, value, low, high, due in target_rows:
        targets[metric_id][year, quarter] = (value, low, high, due)
    actual_rows = Measurement.objects.approved().filter(**scope).order_by()
    for metric_id, year, quarter, value, num, den, state, day, absent in actual_rows.values_list(
        *ACTUAL_FIELDS
    ):
        actuals[metric_id][year, quarter] = (value, num, den, state, day, absent)
    return values


def build_table(
    *,
    years: list[int],
    elements: list[ElementTuple],
    metrics: list[MetricTuple],
    values: Values,
    level_names: list[str],
    at_risk_percent: Decimal,
    today: date,
) -> Table:
    """The table from the fetched tuples: `metrics` in their order within an element; elements
    ordered depth first, siblings by their order and number. Elements with no metric in
    their subtree are left out."""
    by_element: dict[int, list[MetricTuple]] = {}
    for metric in metrics:
        by_element.setdefault(metric[1], []).append(metric)
    judge = _Judge(years, today, at_risk_percent)
    sections = []
    for element_id, level, number, title in _outline(elements, set(by_element)):
        name = level_names[level - 1] if level <= len(level_names) else ""
        section = Section(Group(level, name, number, title or UNKNOWN_TITLE))
        for metric in by_element.get(element_id, ()):
            section.rows.append(judge.row(metric, level, values))
        sections.append(section)
    return Table(years=years, sections=sections)


def _due(year: int, quarter: int | None) -> date:
    return due_date(FiscalYear(year) if quarter is None else FiscalQuarter(year, quarter))


def _outline(
    elements: list[ElementTuple], with_metrics: set[int]
) -> list[tuple[int, int, str, str]]:
    """(id, level, number, title) depth first, keeping the elements that have metrics in
    their subtree."""
    children: dict[int | None, list[ElementTuple]] = {}
    parents = {e[0]: e[1] for e in elements}
    for element in elements:
        children.setdefault(element[1], []).append(element)
    kept: set[int] = set()
    for element_id in with_metrics:
        while element_id is not None and element_id not in kept:
            kept.add(element_id)
            element_id = parents.get(element_id)
    ordered: list[tuple[int, int, str, str]] = []
    stack = sorted(children.get(None, []), key=_sibling_key, reverse=True)
    while stack:
        pk, _parent, level, number, title, _order = stack.pop()
        if pk in kept:
            ordered.append((pk, level, number, title))
            stack.extend(sorted(children.get(pk, []), key=_sibling_key, reverse=True))
    return ordered


def _sibling_key(element: ElementTuple) -> tuple:
    return (element[5], number_key(element[3]))


class _Judge:
    """Builds each metric's cells; holds what is the same for every metric. This is the hot
    loop (once per cell), hence the precomputed keys and due dates."""

    def __init__(self, years: list[int], today: date, at_risk: Decimal) -> None:
        self.years, self.today, self.at_risk = years, today, at_risk
        # Per year: the four quarters' keys and due dates, the fiscal year's key and due date.
        self.quarter_keys = {year: tuple((year, q) for q in QUARTERS) for year in years}
        self.quarter_dues = {year: tuple(_due(year, q) for q in QUARTERS) for year in years}
        self.year_keys = {year: (year, None) for year in years}
        self.year_dues = {year: _due(year, None) for year in years}

    def row(self, metric: MetricTuple, level: int, values: Values) -> MetricRow:
        pk, _element, name, kind, unit, direction, aggregation, frequency = metric
        rule = Rule(direction, aggregation, kind)
        # The status rules for this metric, and what else its 25 cells share, decided once.
        self.judge = judge_for(rule, today=self.today, at_risk_percent=self.at_risk)
        self.milestone = kind == MILESTONE
        self.has_percent = not self.milestone and direction != RANGE  # percent of target
        targets = values.targets.get(pk, {})
        actuals = values.actuals.get(pk, {})
        cells: list[Cell | None] = []
        for year in self.years:
            if frequency == ANNUAL:
                key, due = self.year_keys[year], self.year_dues[year]
                cells += (None, None, None, None)
                cells.append(self.cell(targets.get(key), actuals.get(key), due))
            else:
                cells += self.quarterly_year(rule, year, targets, actuals)
        return MetricRow(pk, name, level, unit, kind, aggregation, frequency, cells)

    def quarterly_year(
        self,
        rule: Rule,
        year: int,
        targets: Mapping[Period, TargetRow],
        actuals: Mapping[Period, ActualRow],
    ) -> list[Cell]:
        """Q1 to Q4, then the fiscal year."""
        keys, dues = self.quarter_keys[year], self.quarter_dues[year]
        quarter_targets = [targets.get(key) for key in keys]
        quarter_actuals = [actuals.get(key) for key in keys]
        cell = self.cell
        if rule.aggregation == CUMULATIVE:
            inputs = [
                QuarterInput(q, a, t)
                for q, a, t in zip(QUARTERS, quarter_actuals, quarter_targets, strict=True)
            ]
            cells = [
                cell(target, actual, due)
                for (actual, target), due in zip(years_to_date(rule, inputs), dues, strict=True)
            ]
        else:
            cells = [
                cell(t, a, due)
                for t, a, due in zip(quarter_targets, quarter_actuals, dues, strict=True)
            ]
        target = targets.get(self.year_keys[year]) or fiscal_year_target(rule, quarter_targets)
        cells.append(self.fiscal_year(rule, target, quarter_actuals, self.year_dues[year]))
        return cells

    def fiscal_year(
        self,
        rule: Rule,
        target: TargetRow | None,
        quarter_actuals: list[ActualRow | None],
        due: date,
    ) -> Cell:
        if self.milestone:
            latest = next((a for a in reversed(quarter_actuals) if a is not None), None)
            return self.cell(target, latest, due)
        # (quarter, value, numerator, denominator): metrics.rollup reads them by position.
        reported = [
            (q, a[0], a[1], a[2])
            for q, a in zip(QUARTERS, quarter_actuals, strict=True)
            if a is not None and a[0] is not None
        ]
        value = fiscal_year_value(rule.aggregation, reported)
        if len(reported) == len(QUARTERS):
            return self.cell(target, ActualValue(value), due)
        status = self.judge(target, None, due)
        note = f"{len(reported)} of 4 quarters" if reported else ""
        return Cell(value, target, None, status, "", note)

    def cell(
        self,
        target: TargetRow | TargetValue | None,
        actual: ActualRow | ActualValue | None,
        due: date,
    ) -> Cell:
        """The status rules take the fetched rows as they are (reports.status reads by
        position)."""
        status = self.judge(target, actual, due)
        if actual is None:
            return Cell(None, target, None, status)
        if actual[5]:  # not available
            return Cell(None, target, None, status, NOT_AVAILABLE)
        if self.milestone:
            label = MILESTONE_LABELS.get(actual[3], "")
            return Cell(None, target, None, status, label)
        value = actual[0]
        percent = None
        if self.has_percent and value is not None and target is not None and target[0]:
            percent = value * 100 / target[0]
        return Cell(value, target, percent, status)


def fiscal_year_target(rule: Rule, quarters: list[TargetRow | None]) -> TargetRow | None:
    """A fiscal year's target from its four quarterly targets, by the metric's rule: added
    up (sum, cumulative), averaged (average), or the last quarter's (latest; percentages,
    whose rates do not add up); a range combines its bounds. None when a quarter has no
    target, and for milestones."""
    if rule.kind == MILESTONE or not all(quarters):
        return None
    if rule.aggregation == LATEST or rule.kind == PERCENTAGE:
        return quarters[-1]
    average = rule.aggregation == AVERAGE
    if rule.direction != RANGE:
        value = _combine([t[0] for t in quarters], average=average)
        return None if value is None else (value, None, None, None)
    low = _combine([t[1] for t in quarters], average=average)
    high = _combine([t[2] for t in quarters], average=average)
    return None if low is None and high is None else (None, low, high, None)


def _combine(values: list[Decimal | None], *, average: bool) -> Decimal | None:
    if None in values:
        return None
    total = sum(values, Decimal(0))
    return (total / len(values)).quantize(FOUR_PLACES) if average else total


# As HTML -----------------------------------------------------------------------------------
# Built here as strings rather than in the template: 25,000 cells through template tags and
# filters take seconds, the f-strings below tens of milliseconds. Everything from the data
# goes through `escape`: names and titles once per row, formatted numbers once per distinct
# value (cached). It is the standard library's, which Django's wraps: the same text, but a
# plain str, which an f-string takes as it is, where a SafeString costs a Python call.

STATUS_OPEN = {status: f'<td class="tva-cell tva-{status.value}">' for status in Status}
STATUS_CLOSE = {
    status: f'<span class="tva-status">{escape(status.label)}</span></td>' for status in Status
}
EMPTY_CELL = (
    '<td class="tva-cell tva-none"><span class="usa-sr-only">Not reported quarterly</span></td>'
)


class Formats:
    """Numbers and targets as escaped text, each computed once per unit and value."""

    def __init__(self) -> None:
        self.values: dict[str, dict[Decimal, str]] = {}
        self.targets: dict[str, dict[Decimal | TargetRow, str]] = {}
        self.percents: dict[int, str] = {}  # by the rounded percent

    def for_unit(self, unit: str) -> tuple[dict[Decimal, str], dict[Decimal | TargetRow, str]]:
        return self.values.setdefault(unit, {}), self.targets.setdefault(unit, {})

    def value(self, value: Decimal, unit: str) -> str:
        text = self.values[unit][value] = escape(format_value(value, unit))
        return text

    def percent(self, percent: Decimal) -> str:
        rounded = round(percent)
        text = self.percents[rounded] = f" ({rounded:,}%)"
        return text

    def target(self, target: TargetRow, key: Decimal | TargetRow, unit: str) -> str:
        text = self.targets[unit][key] = escape(target_text(target, unit))
        return text


def _target_key(target: TargetRow) -> Decimal | TargetRow:
    """The value alone when that is all the target has (nearly always): cheaper to hash."""
    value, low, high, due = target
    return value if value is not None and low is None and high is None and due is None else target


def target_text(target: TargetRow, unit: str) -> str:
    """ "of 1,200"; "of 10% to 20%"; "at least 10"; "due Mar 3, 2025"; "no target"."""
    value, low, high, due = target
    parts = []
    if value is not None:
        parts.append(f"of {format_value(value, unit)}")
    if low is not None and high is not None:
        parts.append(f"of {format_value(low, unit)} to {format_value(high, unit)}")
    elif low is not None:
        parts.append(f"at least {format_value(low, unit)}")
    elif high is not None:
        parts.append(f"at most {format_value(high, unit)}")
    if due is not None:
        parts.append(f"due {due:%b} {due.day}, {due.year}")
    return "; ".join(parts) or "no target"


def sections_html(table: Table, metric_url: str) -> list[SafeString]:
    """Each section's rows (its header row, then its metrics' rows) as one string, escaped
    and marked safe, so that the template loops over sections only. `metric_url` contains
    "{pk}" where a metric's id goes."""
    formats = Formats()
    width = len(table.columns)
    return [
        mark_safe(  # nosec B308 B703 # every text from the data goes through escape
            group_html(section.group, width)
            + "".join(row_html(row, metric_url, formats) for row in section.rows)
        )
        for section in table.sections
    ]


def group_html(group: Group, width: int) -> str:
    label = escape(f"{group.level_name} {group.number}: {group.title}".strip())
    return (
        f'<tr class="tva-group tva-level-{group.level}">'
        f'<th scope="rowgroup" class="tva-name">{label}</th><td colspan="{width}"></td></tr>'
    )


def row_html(row: MetricRow, metric_url: str, formats: Formats) -> str:
    """The metric's row header and its cells. The loop is the page's hot path: 25,000 cells
    for 1,000 metrics, hence the local names and the caches."""
    unit = row.unit
    values, targets = formats.for_unit(unit)
    percents = formats.percents
    href = metric_url.replace("{pk}", str(row.metric_id))
    parts = [
        f'<tr><th scope="row" class="tva-name"><a class="usa-link" href="{href}">'
        f'{escape(row.name)}</a><span class="tva-unit">{escape(row.description)}</span></th>'
    ]
    append = parts.append
    for cell in row.cells:
        if cell is None:
            append(EMPTY_CELL)
            continue
        actual, target, percent, status, text, note = cell
        if text:
            shown = text
        elif actual is None:
            shown = MISSING
        else:
            shown = values.get(actual) or formats.value(actual, unit)
        if target is None:
            goal = "no target"
        else:
            key = _target_key(target)
            goal = targets.get(key) or formats.target(target, key, unit)
        extra = "" if percent is None else percents.get(round(percent)) or formats.percent(percent)
        if note:
            extra += f'</span><span class="tva-note">{note}'
        append(
            f'{STATUS_OPEN[status]}<span class="tva-actual">{shown}</span>'
            f'<span class="tva-target">{goal}{extra}</span>{STATUS_CLOSE[status]}'
        )
    append("</tr>")
    return "".join(parts)
