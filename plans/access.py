"""Who may see and change what: one helper per object type, used by every view and export.

A user reaches a plan through a role in an office on the same line as the plan's owner:
the owner itself, an office above it (a department lead sees its agencies' plans) or an
office below it (an ERO steward sees the ICE plan). Administrators reach everything.
Outsiders get 404, so that they learn nothing of what exists; users who may read but not
change an object get 403 when they try to change it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from plans.models import Membership, Metric, Office, Plan, PlanElement, User

# Roles that may change a plan's structure and metric definitions (besides administrators).
PLAN_EDITOR_ROLES = frozenset({Membership.Role.WORKING_GROUP_LEAD})


def reachable_office_ids(user: User, roles: frozenset[str] | None = None) -> set[int]:
    """Ids of the offices on the line of the user's memberships (optionally of some roles).

    Two queries: the user's memberships and the office tree.
    """
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    office_ids = list(memberships.values_list("office_id", flat=True))
    if not office_ids:
        return set()
    return Office.objects.tree().line_of(office_ids)


def visible_plans(user: User) -> QuerySet[Plan]:
    """The plans the user may read, with their owner selected."""
    plans = Plan.objects.select_related("owner")
    if user.is_administrator:
        return plans
    return plans.filter(owner_id__in=reachable_office_ids(user))


def can_edit_plan(user: User, plan: Plan) -> bool:
    if user.is_administrator:
        return True
    return plan.owner_id in reachable_office_ids(user, PLAN_EDITOR_ROLES)


def _check(user: User, plan: Plan, *, write: bool) -> None:
    if user.is_administrator:
        return
    if plan.owner_id not in reachable_office_ids(user):
        raise Http404("No such plan.")
    if write and not can_edit_plan(user, plan):
        raise PermissionDenied("You may read this plan but not change it.")


def get_plan_for_user(user: User, slug: str, *, write: bool = False) -> Plan:
    plan = Plan.objects.select_related("owner").filter(slug=slug).first()
    if plan is None:
        raise Http404("No such plan.")
    _check(user, plan, write=write)
    return plan


def get_element_for_user(user: User, slug: str, number: str, *, write: bool = False) -> PlanElement:
    element = (
        PlanElement.objects.select_related("plan__owner", "parent")
        .filter(plan__slug=slug, number=number)
        .first()
    )
    if element is None:
        raise Http404("No such element.")
    _check(user, element.plan, write=write)
    return element


def get_metric_for_user(user: User, pk: int, *, write: bool = False) -> Metric:
    metric = (
        Metric.objects.select_related("element__plan__owner", "element__parent", "owner_office")
        .filter(pk=pk)
        .first()
    )
    if metric is None:
        raise Http404("No such metric.")
    _check(user, metric.element.plan, write=write)
    return metric
