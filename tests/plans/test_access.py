"""Who reaches which plan: visible_plans and the get_*_for_user helpers.

The organisation from tests/conftest.py: DHS -> ICE -> {ERO, HSI}, DHS -> FEMA. The `plan`
fixture belongs to ICE.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from plans.access import (
    can_edit_plan,
    get_element_for_user,
    get_metric_for_user,
    get_plan_for_user,
    visible_plans,
)
from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from tests.factories import (
    MembershipFactory,
    MetricFactory,
    PlanElementFactory,
    PlanFactory,
    UserFactory,
)

Role = Membership.Role
MakeUser = Callable[..., User]


@pytest.fixture
def element(plan: Plan) -> PlanElement:
    return PlanElementFactory(plan=plan, number="1", title="Secure the border")


@pytest.fixture
def metric(element: PlanElement, offices: dict[str, Office]) -> Metric:
    return MetricFactory(element=element, name="Removals", owner_office=offices["ERO"])


@pytest.fixture
def fema_plan(offices: dict[str, Office]) -> Plan:
    return PlanFactory(title="FEMA Plan", slug="fema-plan", owner=offices["FEMA"])


# visible_plans -----------------------------------------------------------------------------


def test_administrator_sees_every_plan(plan: Plan, fema_plan: Plan) -> None:
    admin = UserFactory(username="root", is_superuser=True)

    assert set(visible_plans(admin)) == {plan, fema_plan}


@pytest.mark.parametrize("office", ["ICE", "ERO", "HSI", "DHS"])
def test_a_role_in_the_owner_or_an_office_below_or_above_sees_the_plan(
    make_user: MakeUser, plan: Plan, fema_plan: Plan, office: str
) -> None:
    user = make_user(Role.VIEWER, office)

    visible = set(visible_plans(user))

    assert plan in visible
    if office != "DHS":
        assert fema_plan not in visible


def test_a_role_in_an_office_beside_the_owner_sees_nothing(make_user: MakeUser, plan: Plan) -> None:
    user = make_user(Role.DATA_STEWARD, "FEMA")

    assert list(visible_plans(user)) == []


def test_a_role_in_a_sibling_directorate_does_not_see_the_other_directorates_plan(
    make_user: MakeUser, offices: dict[str, Office]
) -> None:
    ero_plan = PlanFactory(slug="ero-plan", owner=offices["ERO"])
    user = make_user(Role.WORKING_GROUP_LEAD, "HSI")

    assert ero_plan not in visible_plans(user)


def test_a_user_without_a_role_sees_nothing(make_user: MakeUser, plan: Plan) -> None:
    user = make_user(None)

    assert list(visible_plans(user)) == []


def test_an_inactive_superuser_is_not_an_administrator(plan: Plan) -> None:
    user = UserFactory(username="gone", is_superuser=True, is_active=False)

    assert user.is_administrator is False
    assert list(visible_plans(user)) == []
    with pytest.raises(Http404):
        get_plan_for_user(user, plan.slug)


def test_an_active_superuser_is_an_administrator(db: None) -> None:
    assert UserFactory(username="root", is_superuser=True).is_administrator is True


def test_visible_plans_selects_the_owner(
    make_user: MakeUser, plan: Plan, django_assert_num_queries
) -> None:
    user = make_user(Role.VIEWER, "ICE")

    with django_assert_num_queries(3):  # memberships, office tree, plans with owner
        owners = [p.owner.code for p in visible_plans(user)]

    assert owners == ["ICE"]


# get_plan_for_user -----------------------------------------------------------------------


def test_outsider_gets_404_for_a_plan(make_user: MakeUser, plan: Plan) -> None:
    with pytest.raises(Http404):
        get_plan_for_user(make_user(Role.DATA_STEWARD, "FEMA"), plan.slug)


def test_unknown_plan_gets_404_even_for_an_administrator(db: None) -> None:
    admin = UserFactory(username="root", is_superuser=True)

    with pytest.raises(Http404):
        get_plan_for_user(admin, "no-such-plan")


def test_viewer_reads_a_plan(make_user: MakeUser, plan: Plan) -> None:
    assert get_plan_for_user(make_user(Role.VIEWER, "ICE"), plan.slug) == plan


@pytest.mark.parametrize(
    "role", [Role.VIEWER, Role.DATA_STEWARD, Role.OFFICE_APPROVER, Role.REPORTING_STAFF]
)
def test_read_only_roles_get_403_when_writing_a_plan(
    make_user: MakeUser, plan: Plan, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        get_plan_for_user(make_user(role, "ICE"), plan.slug, write=True)


@pytest.mark.parametrize("office", ["ICE", "ERO", "DHS"])
def test_working_group_lead_on_the_line_may_write_the_plan(
    make_user: MakeUser, plan: Plan, office: str
) -> None:
    lead = make_user(Role.WORKING_GROUP_LEAD, office)

    assert get_plan_for_user(lead, plan.slug, write=True) == plan
    assert can_edit_plan(lead, plan) is True


def test_working_group_lead_off_the_line_gets_404_when_writing(
    make_user: MakeUser, plan: Plan
) -> None:
    with pytest.raises(Http404):
        get_plan_for_user(make_user(Role.WORKING_GROUP_LEAD, "FEMA"), plan.slug, write=True)


def test_lead_role_elsewhere_does_not_lift_a_viewer_role_on_the_line(
    make_user: MakeUser, offices: dict[str, Office], plan: Plan
) -> None:
    user = make_user(Role.VIEWER, "ICE")
    MembershipFactory(user=user, office=offices["FEMA"], role=Role.WORKING_GROUP_LEAD)

    with pytest.raises(PermissionDenied):
        get_plan_for_user(user, plan.slug, write=True)


def test_administrator_may_write_any_plan(plan: Plan) -> None:
    admin = UserFactory(username="root", is_superuser=True)

    assert get_plan_for_user(admin, plan.slug, write=True) == plan


# get_element_for_user ----------------------------------------------------------------------


def test_outsider_gets_404_for_an_element(make_user: MakeUser, element: PlanElement) -> None:
    with pytest.raises(Http404):
        get_element_for_user(make_user(Role.DATA_STEWARD, "FEMA"), "ice-plan", "1")


def test_unknown_element_number_gets_404(make_user: MakeUser, element: PlanElement) -> None:
    with pytest.raises(Http404):
        get_element_for_user(make_user(Role.VIEWER, "ICE"), "ice-plan", "9")


def test_viewer_reads_an_element_with_its_plan_and_owner_selected(
    make_user: MakeUser, element: PlanElement, django_assert_num_queries
) -> None:
    viewer = make_user(Role.VIEWER, "ICE")

    with django_assert_num_queries(3):  # element, memberships, office tree
        found = get_element_for_user(viewer, "ice-plan", "1")
        owner_code = found.plan.owner.code

    assert found == element
    assert owner_code == "ICE"


def test_viewer_gets_403_when_writing_an_element(make_user: MakeUser, element: PlanElement) -> None:
    with pytest.raises(PermissionDenied):
        get_element_for_user(make_user(Role.VIEWER, "ICE"), "ice-plan", "1", write=True)


def test_working_group_lead_may_write_an_element(make_user: MakeUser, element: PlanElement) -> None:
    lead = make_user(Role.WORKING_GROUP_LEAD, "ERO")

    assert get_element_for_user(lead, "ice-plan", "1", write=True) == element


# get_metric_for_user -----------------------------------------------------------------------


def test_outsider_gets_404_for_a_metric(make_user: MakeUser, metric: Metric) -> None:
    with pytest.raises(Http404):
        get_metric_for_user(make_user(Role.DATA_STEWARD, "FEMA"), metric.pk)


def test_unknown_metric_gets_404(make_user: MakeUser, metric: Metric) -> None:
    with pytest.raises(Http404):
        get_metric_for_user(make_user(Role.VIEWER, "ICE"), metric.pk + 1000)


def test_viewer_reads_a_metric(make_user: MakeUser, metric: Metric) -> None:
    found = get_metric_for_user(make_user(Role.VIEWER, "ERO"), metric.pk)

    assert found == metric
    assert found.element.plan.slug == "ice-plan"


def test_data_steward_gets_403_when_writing_a_metric_definition(
    make_user: MakeUser, metric: Metric
) -> None:
    with pytest.raises(PermissionDenied):
        get_metric_for_user(make_user(Role.DATA_STEWARD, "ERO"), metric.pk, write=True)


def test_working_group_lead_may_write_a_metric_definition(
    make_user: MakeUser, metric: Metric
) -> None:
    lead = make_user(Role.WORKING_GROUP_LEAD, "ICE")

    assert get_metric_for_user(lead, metric.pk, write=True) == metric
