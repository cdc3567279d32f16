"""Pages for reading plans: the list, a plan's hierarchy, an element, a metric."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from plans.access import (
    can_edit_plan,
    get_element_for_user,
    get_metric_for_user,
    get_plan_for_user,
    visible_plans,
)
from plans.hierarchy import build_tree, count_matches, filter_tree
from plans.models import Plan, PlanElement


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = visible_plans(request.user).annotate(
        **{
            f"level_{level}_count": Count("elements", filter=Q(elements__level=level))
            for level in (1, 2, 3)
        }
    )
    return render(request, "plans/plan_list.html", {"plans": plans})


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    elements = list(plan.elements.in_outline_order().with_metric_count())
    tree = build_tree(elements)
    query = request.GET.get("q", "").strip()
    shown = filter_tree(tree, query)
    context = {
        "plan": plan,
        "breadcrumbs": _crumbs(plan),
        "tree": shown,
        "query": query,
        "level_counts": _level_counts(plan, elements),
        "total": len(elements),
        "shown_count": sum(node.count() for node in shown),
        "match_count": count_matches(tree, query) if query else 0,
        "can_edit": can_edit_plan(request.user, plan),
    }
    return render(request, "plans/plan_detail.html", context)


def _level_counts(plan: Plan, elements: list[PlanElement]) -> list[tuple[str, int]]:
    """[("Goal", 5), ("Objective", 17), ("Sub-objective", 53)]"""
    return [
        (name, sum(1 for e in elements if e.level == level))
        for level, name in enumerate(plan.level_names, start=1)
    ]


@require_GET
def element_detail(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    element = get_element_for_user(request.user, slug, number)
    children = list(element.children.with_metric_count().order_by("order"))
    metrics = element.metrics.select_related("owner_office")
    plan = element.plan
    context = {
        "plan": plan,
        "element": element,
        "breadcrumbs": _crumbs(plan, *_ancestors(element), element),
        "children": children,
        "child_level_name": plan.level_name(element.level + 1) if children else "",
        "metrics": metrics,
    }
    return render(request, "plans/element_detail.html", context)


def _crumbs(plan: Plan, *elements: PlanElement) -> list[tuple[str, str]]:
    """Breadcrumbs from the plan list down to the last element given."""
    trail = [("Plans", reverse("plans:plan-list")), (plan.title, plan.get_absolute_url())]
    trail += [
        (
            f"{plan.level_name(e.level)} {e.number}",
            reverse("plans:element-detail", args=[plan.slug, e.number]),
        )
        for e in elements
    ]
    return trail


def _ancestors(element: PlanElement) -> list[PlanElement]:
    """Top-down chain of parents; one query per level above the parent (at most one)."""
    chain: list[PlanElement] = []
    parent = element.parent
    while parent is not None:
        chain.insert(0, parent)
        parent = parent.parent
    return chain


@require_GET
def metric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    metric = get_metric_for_user(request.user, pk)
    element = metric.element
    supported = metric.also_supports.select_related("plan").order_by("plan__title", "number")
    context = {
        "plan": element.plan,
        "element": element,
        "breadcrumbs": [*_crumbs(element.plan, *_ancestors(element), element), (metric.name, "")],
        "metric": metric,
        "supported": supported,
    }
    return render(request, "plans/metric_detail.html", context)
