"""Reading a stored plan back into a plan document (the export side of the round trip)."""

from __future__ import annotations

from collections import defaultdict

from plans.models import Metric, Plan
from plans.plan_document import ElementSpec, MetricSpec, PlanSpec


def spec_for_plan(plan: Plan) -> PlanSpec:
    """The stored plan as a PlanSpec, in outline order. Five queries whatever its size."""
    elements = list(plan.elements.in_outline_order())
    metrics = Metric.objects.for_plan(plan).prefetch_related("also_supports__plan")
    metrics_by_element: dict[int, list[MetricSpec]] = defaultdict(list)
    for metric in metrics.order_by("order", "id"):
        metrics_by_element[metric.element_id].append(_metric_spec(metric))
    specs = {
        element.pk: ElementSpec(
            number=element.number,
            title=element.title,
            description=element.description,
            outcomes=list(element.outcomes),
            metrics=metrics_by_element[element.pk],
        )
        for element in elements
    }
    roots: list[ElementSpec] = []
    for element in elements:  # ordered by level then order: parents come first
        siblings = specs[element.parent_id].children if element.parent_id else roots
        siblings.append(specs[element.pk])
    return PlanSpec(
        slug=plan.slug,
        title=plan.title,
        levels=plan.level_names,
        elements=roots,
        owner_office=plan.owner.code,
        status=plan.status,
        start_fiscal_year=plan.start_fiscal_year,
        end_fiscal_year=plan.end_fiscal_year,
        mission=plan.mission,
        vision=plan.vision,
        values=plan.values,
    )


def _metric_spec(metric: Metric) -> MetricSpec:
    return MetricSpec(
        name=metric.name,
        owner_office=metric.owner_office.code,
        kind=metric.kind,
        unit=metric.unit,
        direction=metric.direction,
        aggregation=metric.aggregation,
        frequency=metric.frequency,
        data_source=metric.data_source,
        definition=metric.definition,
        data_quality_notes=metric.data_quality_notes,
        unit_label=metric.unit_label,
        comparison="prior_year" if metric.compares_with_prior_year else "",
        baseline_value=metric.baseline_value,
        baseline_fiscal_year=metric.baseline_fiscal_year,
        allowed_min=metric.allowed_min,
        allowed_max=metric.allowed_max,
        also_supports=sorted(f"{e.plan.slug}:{e.number}" for e in metric.also_supports.all()),
    )
