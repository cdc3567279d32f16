"""The plan-exchange document: a plan as plain data, read from and written to JSON.

`export_plan` writes it and `import_plan --format json` reads it back, so the two must agree
on every key. The outline parser's result is turned into the same shape, so that one service
saves a plan whatever its source. Pure: no database, no Django.

    {"slug", "title", "levels": [names], "elements": [{"number", "title", "description",
     "outcomes", "metrics": [{"name", "kind", "unit", "direction", "aggregation",
     "frequency", "owner_office", "data_source", ...}], "children": [...same shape...]}]}

Plan-level keys beyond those (owner_office, status, fiscal years, mission, vision, values)
and metric keys beyond those (definition, data_quality_notes, unit_label, comparison,
baseline_value, baseline_fiscal_year, also_supports) are optional.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from plans.outline import Outline, OutlineNode

KINDS = ("numeric", "percentage", "milestone")
UNITS = ("count", "percent", "dollars", "pounds", "days", "hours", "score", "events", "other")
DIRECTIONS = ("increase", "decrease", "range")
AGGREGATIONS = ("sum", "latest", "average", "cumulative")
FREQUENCIES = ("quarterly", "annual")
STATUSES = ("draft", "active", "archived")
COMPARISONS = ("", "prior_year")
MAX_DEPTH = 3


class PlanDocumentError(ValueError):
    """The document is not a valid plan; the message names the offending key."""


@dataclass
class MetricSpec:
    name: str
    owner_office: str
    kind: str = "numeric"
    unit: str = "count"
    direction: str = "increase"
    aggregation: str = "sum"
    frequency: str = "quarterly"
    data_source: str = ""
    definition: str = ""
    data_quality_notes: str = ""
    unit_label: str = ""
    comparison: str = ""
    baseline_value: Decimal | None = None
    baseline_fiscal_year: int | None = None
    allowed_min: Decimal | None = None
    allowed_max: Decimal | None = None
    also_supports: list[str] = field(default_factory=list)  # "plan-slug:number"


@dataclass
class ElementSpec:
    number: str
    title: str
    description: str = ""
    outcomes: list[str] = field(default_factory=list)
    metrics: list[MetricSpec] = field(default_factory=list)
    children: list[ElementSpec] = field(default_factory=list)


@dataclass
class PlanSpec:
    slug: str
    title: str
    levels: list[str]
    elements: list[ElementSpec]
    owner_office: str = ""
    status: str = "draft"
    start_fiscal_year: int | None = None
    end_fiscal_year: int | None = None
    mission: str = ""
    vision: str = ""
    values: str = ""

    def walk(self) -> Iterator[tuple[int, ElementSpec | None, ElementSpec]]:
        """Yields `(level, parent, element)` depth-first in document order."""
        pending = [(1, None, element) for element in reversed(self.elements)]
        while pending:
            level, parent, element = pending.pop()
            yield level, parent, element
            pending.extend((level + 1, element, child) for child in reversed(element.children))

    def counts(self) -> list[int]:
        """Elements per level: [5, 17, 53] for the ICE plan."""
        counts = [0] * len(self.levels)
        for level, _parent, _element in self.walk():
            counts[level - 1] += 1
        return counts


def spec_from_outline(outline: Outline, *, slug: str, title: str, levels: list[str]) -> PlanSpec:
    """The parser's outline as a plan document; numbers and titles are kept as parsed."""
    return PlanSpec(
        slug=slug, title=title, levels=levels, elements=[_element(n) for n in outline.roots]
    )


def _element(node: OutlineNode) -> ElementSpec:
    return ElementSpec(
        number=node.number,
        title=node.title,
        description=node.description,
        children=[_element(child) for child in node.children],
    )


# Reading JSON --------------------------------------------------------------------------


def parse_plan_document(data: Any) -> PlanSpec:
    """Validates a decoded JSON document and returns it as a PlanSpec.

    Raises PlanDocumentError naming the first bad key by its path, e.g.
    `elements[0].children[1].metrics[0].kind: 'ratio' is not one of numeric, ...`, or, for
    the rules across elements (`check_spec`), the element by its number.
    """
    doc = _Reader(data, "document")
    levels = doc.list_of_str("levels", required=True)
    if not 1 <= len(levels) <= MAX_DEPTH:
        raise PlanDocumentError(
            f"document.levels: give 1 to {MAX_DEPTH} level names, not {len(levels)}"
        )
    spec = PlanSpec(
        slug=doc.text("slug", required=True),
        title=doc.text("title", required=True),
        levels=levels,
        elements=[],
        owner_office=doc.text("owner_office"),
        status=doc.choice("status", STATUSES, default="draft"),
        start_fiscal_year=doc.year("start_fiscal_year"),
        end_fiscal_year=doc.year("end_fiscal_year"),
        mission=doc.text("mission"),
        vision=doc.text("vision"),
        values=doc.text("values"),
    )
    spec.elements = _elements(doc, "elements", depth=1, max_depth=len(levels))
    check_spec(spec)
    return spec


def _elements(reader: _Reader, key: str, *, depth: int, max_depth: int) -> list[ElementSpec]:
    items = reader.list_of_objects(key)
    if items and depth > max_depth:
        raise PlanDocumentError(f"{reader.path}.{key}: the plan has only {max_depth} levels")
    return [_read_element(item, depth=depth, max_depth=max_depth) for item in items]


def _read_element(reader: _Reader, *, depth: int, max_depth: int) -> ElementSpec:
    return ElementSpec(
        number=reader.text("number", required=True),
        title=reader.text("title"),
        description=reader.text("description"),
        outcomes=reader.list_of_str("outcomes"),
        metrics=[_read_metric(m) for m in reader.list_of_objects("metrics")],
        children=_elements(reader, "children", depth=depth + 1, max_depth=max_depth),
    )


def _read_metric(reader: _Reader) -> MetricSpec:
    metric = MetricSpec(
        name=reader.text("name", required=True),
        owner_office=reader.text("owner_office", required=True),
        kind=reader.choice("kind", KINDS, default="numeric"),
        unit=reader.choice("unit", UNITS, default="count"),
        direction=reader.choice("direction", DIRECTIONS, default="increase"),
        aggregation=reader.choice("aggregation", AGGREGATIONS, default="sum"),
        frequency=reader.choice("frequency", FREQUENCIES, default="quarterly"),
        data_source=reader.text("data_source"),
        definition=reader.text("definition"),
        data_quality_notes=reader.text("data_quality_notes"),
        unit_label=reader.text("unit_label"),
        comparison=reader.choice("comparison", COMPARISONS, default=""),
        baseline_value=reader.decimal("baseline_value"),
        baseline_fiscal_year=reader.year("baseline_fiscal_year"),
        allowed_min=reader.decimal("allowed_min"),
        allowed_max=reader.decimal("allowed_max"),
        also_supports=reader.list_of_str("also_supports"),
    )
    if metric.kind == "percentage" and metric.unit != "percent":
        raise PlanDocumentError(f"{reader.path}.unit: a percentage metric is in percent")
    if (metric.baseline_value is None) != (metric.baseline_fiscal_year is None):
        raise PlanDocumentError(f"{reader.path}: a baseline needs both a value and a fiscal year")
    low, high = metric.allowed_min, metric.allowed_max
    if low is not None and high is not None and low > high:
        raise PlanDocumentError(f"{reader.path}.allowed_min: above allowed_max")
    return metric


def check_spec(spec: PlanSpec) -> None:
    """The rules a plan document must keep beyond its shape; raises PlanDocumentError.

    Fiscal years in order, element numbers unique in the plan, metric names unique under
    their element. `save_plan` checks every spec with it, whatever its source.
    """
    start, end = spec.start_fiscal_year, spec.end_fiscal_year
    if start and end and start > end:
        raise PlanDocumentError(f"start_fiscal_year: {start} is after end_fiscal_year {end}")
    seen: set[str] = set()
    for _level, _parent, element in spec.walk():
        if element.number in seen:
            raise PlanDocumentError(f"element number {element.number} appears twice")
        seen.add(element.number)
        names = [metric.name for metric in element.metrics]
        if duplicates := sorted({name for name in names if names.count(name) > 1}):
            raise PlanDocumentError(
                f"element {element.number}: two metrics are named {duplicates[0]!r}"
            )


class _Reader:
    """Typed access to one JSON object, naming the key path in every error."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise PlanDocumentError(f"{path}: expected an object")
        self.data, self.path = data, path

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if required and value in (None, ""):
            raise PlanDocumentError(f"{self.path}.{key}: required")
        return value

    def text(self, key: str, *, required: bool = False) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise PlanDocumentError(f"{self.path}.{key}: expected text")
        return str(value).strip()

    def choice(self, key: str, choices: tuple[str, ...], *, default: str) -> str:
        value = self.text(key) or default
        if value not in choices:
            allowed = ", ".join(c or '""' for c in choices)
            raise PlanDocumentError(f"{self.path}.{key}: {value!r} is not one of {allowed}")
        return value

    def year(self, key: str) -> int | None:
        value = self._get(key, required=False)
        if value is None or value == "":
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2200:
            raise PlanDocumentError(f"{self.path}.{key}: expected a fiscal year like 2021")
        return value

    def decimal(self, key: str) -> Decimal | None:
        value = self._get(key, required=False)
        if value is None or value == "":
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or isinstance(value, bool):
            raise PlanDocumentError(f"{self.path}.{key}: expected a number")
        return number

    def list_of_str(self, key: str, *, required: bool = False) -> list[str]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PlanDocumentError(f"{self.path}.{key}: expected a list of text")
        return [v.strip() for v in value]

    def list_of_objects(self, key: str) -> list[_Reader]:
        value = self._get(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise PlanDocumentError(f"{self.path}.{key}: expected a list")
        return [_Reader(item, f"{self.path}.{key}[{i}]") for i, item in enumerate(value)]


# Writing JSON --------------------------------------------------------------------------


def document_from_spec(spec: PlanSpec) -> dict[str, Any]:
    """The JSON-ready dict of a plan; `parse_plan_document` reads it back unchanged."""
    return {
        "slug": spec.slug,
        "title": spec.title,
        "levels": list(spec.levels),
        "owner_office": spec.owner_office,
        "status": spec.status,
        "start_fiscal_year": spec.start_fiscal_year,
        "end_fiscal_year": spec.end_fiscal_year,
        "mission": spec.mission,
        "vision": spec.vision,
        "values": spec.values,
        "elements": [_element_dict(element) for element in spec.elements],
    }


def _element_dict(element: ElementSpec) -> dict[str, Any]:
    return {
        "number": element.number,
        "title": element.title,
        "description": element.description,
        "outcomes": list(element.outcomes),
        "metrics": [_metric_dict(metric) for metric in element.metrics],
        "children": [_element_dict(child) for child in element.children],
    }


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _metric_dict(metric: MetricSpec) -> dict[str, Any]:
    return {
        "name": metric.name,
        "kind": metric.kind,
        "unit": metric.unit,
        "direction": metric.direction,
        "aggregation": metric.aggregation,
        "frequency": metric.frequency,
        "owner_office": metric.owner_office,
        "data_source": metric.data_source,
        "definition": metric.definition,
        "data_quality_notes": metric.data_quality_notes,
        "unit_label": metric.unit_label,
        "comparison": metric.comparison,
        "baseline_value": _decimal_text(metric.baseline_value),
        "baseline_fiscal_year": metric.baseline_fiscal_year,
        "allowed_min": _decimal_text(metric.allowed_min),
        "allowed_max": _decimal_text(metric.allowed_max),
        "also_supports": list(metric.also_supports),
    }
