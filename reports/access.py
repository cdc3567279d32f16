"""Who may do what with reports. Anyone who can read a plan can read its reports, preview
them and download their files; working-group leads and reporting staff of the plan's line
(and administrators) write and build them, since reporting staff produce the report to
Congress (PRODUCT.md). Outsiders get 404, readers 403 when they try to write, as
everywhere (plans/access.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from plans.access import get_plan_for_user, reachable_office_ids, visible_plans
from plans.models import Membership, Plan, User
from reports.models import AnnualReport

REPORT_EDITOR_ROLES = frozenset(
    {Membership.Role.WORKING_GROUP_LEAD, Membership.Role.REPORTING_STAFF}
)


def report_plans(user: User) -> QuerySet[Plan]:
    """The plans whose reports the user may write (two queries)."""
    plans = visible_plans(user)
    if user.is_administrator:
        return plans
    return plans.filter(owner_id__in=reachable_office_ids(user, REPORT_EDITOR_ROLES))


def can_edit_reports(user: User, plan: Plan) -> bool:
    if user.is_administrator:
        return True
    return plan.owner_id in reachable_office_ids(user, REPORT_EDITOR_ROLES)


def get_report_for_user(user: User, pk: int, *, write: bool = False) -> AnnualReport:
    report = get_object_or_404(AnnualReport.objects.select_related("plan__owner"), pk=pk)
    get_plan_for_user(user, report.plan.slug)
    if write and not can_edit_reports(user, report.plan):
        raise PermissionDenied("You may read this report but not change it.")
    return report
