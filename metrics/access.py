"""Who may enter, review and manage quarterly values. One helper per object type.

Reading follows the plan (plans.access): whoever can see the plan sees its data calls and
values. A data steward enters values only for their own office's metrics; an office
approver reviews only their office's; a working-group lead on the plan's line reviews every
office's, sets targets, opens data calls and grants exceptions. Reporting staff and viewers
read. Outsiders get 404; read-only users get 403 when they try to act.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from metrics.models import DataCall
from plans.access import can_edit_plan, get_plan_for_user
from plans.models import Membership, Office, Plan, User

Role = Membership.Role


def holds_role(user: User, office: Office, role: str) -> bool:
    return Membership.objects.filter(user=user, office=office, role=role).exists()


def can_enter_values(user: User, office: Office) -> bool:
    return user.is_administrator or holds_role(user, office, Role.DATA_STEWARD)


def can_review_values(user: User, office: Office, plan: Plan) -> bool:
    if user.is_administrator or holds_role(user, office, Role.OFFICE_APPROVER):
        return True
    return can_manage_data_calls(user, plan)


def can_manage_data_calls(user: User, plan: Plan) -> bool:
    """Open data calls, grant exceptions, set targets: the plan's working-group leads."""
    return can_edit_plan(user, plan)


def offices_by_action(user: User, plan: Plan, offices: list[Office]) -> dict[str, set[str]]:
    """For a page listing many offices: the codes of those whose values the user may enter
    and may review, decided as `can_enter_values` and `can_review_values` would, in three
    queries whatever the number of offices."""
    roles = set(Membership.objects.filter(user=user).values_list("office_id", "role"))
    everything = user.is_administrator
    manages = can_manage_data_calls(user, plan)
    return {
        "enter": {o.code for o in offices if everything or (o.pk, Role.DATA_STEWARD) in roles},
        "review": {
            o.code
            for o in offices
            if everything or manages or (o.pk, Role.OFFICE_APPROVER) in roles
        },
    }


def get_data_call_for_user(user: User, pk: int, *, manage: bool = False) -> DataCall:
    data_call = DataCall.objects.select_related("plan__owner").filter(pk=pk).first()
    if data_call is None:
        raise Http404("No such data call.")
    get_plan_for_user(user, data_call.plan.slug)  # 404 for outsiders
    if manage and not can_manage_data_calls(user, data_call.plan):
        raise PermissionDenied("Only the plan's working-group leads manage its data calls.")
    return data_call


def get_call_office_for_user(
    user: User, pk: int, office_code: str, *, action: str
) -> tuple[DataCall, Office]:
    """The data call and one of its offices, for `action` "enter" or "review"."""
    data_call = get_data_call_for_user(user, pk)
    office = Office.objects.filter(code=office_code).first()
    if office is None or not data_call.metrics_due().filter(owner_office=office).exists():
        raise Http404("That office has no metrics in this data call.")
    allowed = (
        can_enter_values(user, office)
        if action == "enter"
        else can_review_values(user, office, data_call.plan)
    )
    if not allowed:
        raise PermissionDenied(f"You may not {action} values for {office.code}.")
    return data_call, office
