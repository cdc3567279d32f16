"""Writes that touch several models: saving a whole plan from a plan document.

The outline importer, the JSON importer and the seed loader all call `save_plan`, so a plan
is saved the same way whatever its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q

from plans.models import Metric, Office, Plan, PlanElement
from plans.plan_document import (
    ElementSpec,
    MetricSpec,
    PlanDocumentError,
    PlanSpec,
    check_spec,
)


class PlanImportError(Exception):
    """The plan document cannot be saved as it stands; nothing was saved."""


@dataclass
class SaveSummary:
    plan: Plan
    created: bool
    counts: list[int]
    written: int  # rows created, changed or deleted; 0 when the plan was already so


@transaction.atomic
def save_plan(
    *, spec: PlanSpec, owner: Office | None = None, keep_metrics: bool = False
) -> SaveSummary:
    """Creates or updates the plan `spec.slug` so that it holds exactly the document.

    Elements are matched by number and metrics by (element number, name), so saving the
    same document twice writes nothing the second time, and history records only real
    changes. Elements missing from the document are deleted, and so are its metrics unless
    `keep_metrics` (for sources that cannot express metrics, like an outline); a deletion
    that would lose data refuses the whole save. One transaction: all or nothing.
    Costs a handful of queries plus one write per changed row.
    """
    try:
        check_spec(spec)
    except PlanDocumentError as error:
        raise PlanImportError(f"{error}.") from None
    offices = {office.code: office for office in Office.objects.all()}
    owner = owner or _office(offices, spec.owner_office, "the plan's owner_office")
    plan, created, changed = _save_plan_row(spec, owner)
    writer = _TreeWriter(plan, offices)
    writer.write(spec.elements, parent=None, level=1)
    writer.delete_stale(keep_metrics=keep_metrics)
    written = writer.written + int(created or changed)
    return SaveSummary(plan=plan, created=created, counts=spec.counts(), written=written)


def _office(offices: dict[str, Office], code: str, what: str) -> Office:
    if not code:
        raise PlanImportError(f"No office given for {what}.")
    try:
        return offices[code]
    except KeyError:
        raise PlanImportError(f"Unknown office {code!r} for {what}.") from None


def _save_plan_row(spec: PlanSpec, owner: Office) -> tuple[Plan, bool, bool]:
    """Returns the plan, whether it was created, and whether an existing one changed."""
    names = [*spec.levels, "", ""][:3]
    values = {
        "title": spec.title,
        "owner_id": owner.pk,
        "status": spec.status,
        "start_fiscal_year": spec.start_fiscal_year,
        "end_fiscal_year": spec.end_fiscal_year,
        "mission": spec.mission,
        "vision": spec.vision,
        "values": spec.values,
        "level_1_name": names[0],
        "level_2_name": names[1],
        "level_3_name": names[2],
    }
    plan = Plan.objects.filter(slug=spec.slug).first()
    if plan is None:
        return Plan.objects.create(slug=spec.slug, **values), True, False
    changed = _assign(plan, values)
    if changed:
        plan.save()
    return plan, False, changed


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Sets the values on `obj` and says whether any of them differed.

    Foreign keys are given by their `_id` so that comparing fetches no related row.
    """
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _TreeWriter:
    """Upserts a plan's elements and metrics against what is already stored."""

    def __init__(self, plan: Plan, offices: dict[str, Office]) -> None:
        self.plan = plan
        self.offices = offices
        self.elements = {e.number: e for e in plan.elements.all()}
        stored = Metric.objects.for_plan(plan).prefetch_related("also_supports__plan")
        self.metrics = {(m.element.number, m.name): m for m in stored}
        self.kept_elements: set[int] = set()
        self.kept_metrics: set[int] = set()
        self.written = 0

    def write(self, specs: list[ElementSpec], *, parent: PlanElement | None, level: int) -> None:
        for order, spec in enumerate(specs, start=1):
            element = self._save_element(spec, parent=parent, level=level, order=order)
            for metric_order, metric in enumerate(spec.metrics, start=1):
                self._save_metric(metric, element=element, order=metric_order)
            self.write(spec.children, parent=element, level=level + 1)

    def _save_element(
        self, spec: ElementSpec, *, parent: PlanElement | None, level: int, order: int
    ) -> PlanElement:
        element = self.elements.get(spec.number) or PlanElement(plan=self.plan, number=spec.number)
        values = {
            "parent_id": parent.pk if parent else None,
            "level": level,
            "title": spec.title,
            "description": spec.description,
            "outcomes": list(spec.outcomes),
            "order": order,
        }
        if _assign(element, values) or element.pk is None:
            element.parent = parent
            element.save()
            self.written += 1
        self.elements[spec.number] = element
        self.kept_elements.add(element.pk)
        return element

    def _save_metric(self, spec: MetricSpec, *, element: PlanElement, order: int) -> None:
        metric = self.metrics.get((element.number, spec.name)) or Metric(
            element=element, name=spec.name
        )
        owner = _office(self.offices, spec.owner_office, f"metric {spec.name!r}")
        values = {
            "element_id": element.pk,
            "order": order,
            "owner_office_id": owner.pk,
            "kind": spec.kind,
            "unit": spec.unit,
            "direction": spec.direction,
            "aggregation": spec.aggregation,
            "frequency": spec.frequency,
            "data_source": spec.data_source,
            "definition": spec.definition,
            "data_quality_notes": spec.data_quality_notes,
            "unit_label": spec.unit_label,
            "compares_with_prior_year": spec.comparison == "prior_year",
            "baseline_value": spec.baseline_value,
            "baseline_fiscal_year": spec.baseline_fiscal_year,
            "allowed_min": spec.allowed_min,
            "allowed_max": spec.allowed_max,
        }
        is_new = metric.pk is None
        if _assign(metric, values) or is_new:
            metric.save()
            self.written += 1
        if spec.also_supports or not is_new:
            self._link_supported(metric, spec.also_supports)
        self.kept_metrics.add(metric.pk)

    def _link_supported(self, metric: Metric, references: list[str]) -> None:
        """Links the metric to "plan-slug:number" elements; no query when they are unchanged."""
        current = {f"{e.plan.slug}:{e.number}" for e in metric.also_supports.all()}  # prefetched
        if set(references) != current:
            metric.also_supports.set(_supported_elements(references, metric.name))
            self.written += 1

    def delete_stale(self, *, keep_metrics: bool) -> None:
        stale_metrics = Metric.objects.for_plan(self.plan).exclude(pk__in=self.kept_metrics)
        stale_elements = self.plan.elements.exclude(pk__in=self.kept_elements)
        try:
            if not keep_metrics:
                self.written += stale_metrics.delete()[0]
            self.written += stale_elements.delete()[0]
        except ProtectedError as error:
            names = sorted({str(obj) for obj in error.protected_objects})[:5]
            raise PlanImportError(
                "The document leaves out elements or metrics that hold data: " + "; ".join(names)
            ) from None


def _supported_elements(references: list[str], metric_name: str) -> list[PlanElement]:
    """Resolves "plan-slug:number" references to elements of other plans in one query."""
    pairs = [reference.partition(":")[::2] for reference in references]
    matches = Q(pk__in=[])
    for slug, number in pairs:
        matches |= Q(plan__slug=slug, number=number)
    found = {
        f"{e.plan.slug}:{e.number}": e
        for e in PlanElement.objects.filter(matches).select_related("plan")
    }
    if missing := sorted(set(references) - found.keys()):
        raise PlanImportError(
            f"Metric {metric_name!r} supports {missing[0]!r}, which does not exist."
        )
    return list(found.values())


@transaction.atomic
def save_offices(*, offices: list[dict[str, Any]]) -> int:
    """Creates or updates offices by code; parents must come before their children.

    Returns the number of rows written (0 when every office was already so).
    """
    stored = {office.code: office for office in Office.objects.all()}
    written = 0
    for row in offices:
        office = stored.get(row["code"]) or Office(code=row["code"])
        parent = _office(stored, row["parent"], f"office {row['code']}") if row["parent"] else None
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "parent_id": parent.pk if parent else None,
            "description": row.get("description", ""),
        }
        if _assign(office, values) or office.pk is None:
            office.full_clean(validate_unique=False)
            office.save()
            written += 1
        stored[office.code] = office
    return written
