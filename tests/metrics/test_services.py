"""The quarterly workflow services (metrics/services.py): saving, submitting, reviewing,
locking, optimistic locking, targets, exceptions, and the history rows they write.

Services take `today=`, so these tests move the day around the data call's dates: the call
is open from `today - 10` to `today + 10` days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.models import DataCall, DataCallException, Measurement, Target
from metrics.services import (
    COMMENT_REQUIRED,
    LOCKED,
    NOT_OPEN,
    ConflictError,
    TargetEntry,
    ValueEntry,
    WorkflowError,
    approve_values,
    grant_exception,
    return_values,
    save_targets,
    save_values,
)
from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from tests.factories import DataCallFactory, MeasurementFactory, MetricFactory, TargetFactory

Status = Measurement.Status


@pytest.fixture
def second_ero_metric(objective: PlanElement, offices: dict[str, Office]) -> Metric:
    return MetricFactory(
        element=objective, name="Detainers issued", owner_office=offices["ERO"], order=2
    )


@pytest.fixture
def annual_metric(objective: PlanElement, offices: dict[str, Office]) -> Metric:
    return MetricFactory(
        element=objective,
        name="Removals with criminal convictions",
        owner_office=offices["ERO"],
        frequency=Metric.Frequency.ANNUAL,
        order=3,
    )


def save(
    data_call: DataCall,
    office: Office,
    entries: list[ValueEntry],
    user: User,
    today: date,
    *,
    submit: bool = False,
) -> list[Measurement]:
    return save_values(
        data_call=data_call, office=office, entries=entries, user=user, submit=submit, today=today
    )


# Saving and submitting -------------------------------------------------------------------


def test_saving_a_draft_stores_the_value_with_who_entered_it_and_a_history_row(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    written = save(
        data_call, offices["ERO"], [ValueEntry(ero_metric, value=Decimal("120"))], steward, today
    )

    measurement = Measurement.objects.get(metric=ero_metric)
    assert written == [measurement]
    assert (measurement.fiscal_year, measurement.quarter) == (2026, 4)
    assert measurement.value == Decimal("120")
    assert measurement.status == Status.DRAFT
    assert measurement.version == 1
    assert measurement.entered_by == steward
    assert measurement.entered_at is not None
    assert measurement.submitted_by is None
    record = measurement.history.get()
    assert (record.history_user, record.history_change_reason) == (steward, "Draft saved")


def test_a_changed_draft_updates_only_the_columns_that_changed(
    data_call: DataCall,
    ero_metric: Metric,
    second_ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    today: date,
) -> None:
    """The bulk UPDATE sets the columns some row changed (each costs a CASE per row), and
    what it leaves out keeps its stored value."""
    entries = [
        ValueEntry(ero_metric, value=Decimal("120"), explanation="Seasonal dip."),
        ValueEntry(second_ero_metric, value=Decimal("7")),
    ]
    save(data_call, offices["ERO"], entries, steward, today)

    with CaptureQueriesContext(connection) as queries:
        save(
            data_call,
            offices["ERO"],
            [
                ValueEntry(
                    ero_metric, value=Decimal("121"), explanation="Seasonal dip.", version=1
                ),
                ValueEntry(second_ero_metric, value=Decimal("8"), version=1),
            ],
            steward,
            today,
        )

    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "metrics_measurement"')]
    assert len(updates) == 1
    assert 'SET "value" = ' in updates[0]
    assert '"version" = ' in updates[0]
    assert '"explanation"' not in updates[0]
    assert '"submitted_by_id"' not in updates[0]
    first = Measurement.objects.get(metric=ero_metric)
    assert (first.value, first.explanation, first.version) == (
        Decimal("121"),
        "Seasonal dip.",
        2,
    )
    assert Measurement.objects.get(metric=second_ero_metric).value == Decimal("8")


def test_submitting_a_saved_draft_moves_it_to_submitted_with_the_next_version(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    save(data_call, offices["ERO"], [ValueEntry(ero_metric, value=Decimal("120"))], steward, today)

    save(
        data_call,
        offices["ERO"],
        [ValueEntry(ero_metric, value=Decimal("120"), version=1)],
        steward,
        today,
        submit=True,
    )

    measurement = Measurement.objects.get(metric=ero_metric)
    assert measurement.status == Status.SUBMITTED
    assert measurement.version == 2
    assert measurement.submitted_by == steward
    assert measurement.submitted_at is not None
    assert measurement.value == Decimal("120")
    latest = measurement.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (steward, "Submitted")
    assert measurement.history.count() == 2


def test_nothing_entered_writes_nothing(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    written = save(data_call, offices["ERO"], [ValueEntry(ero_metric)], steward, today, submit=True)

    assert written == []
    assert not Measurement.objects.exists()
    assert not Measurement.history.exists()


def test_not_available_value_keeps_its_reason(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    entry = ValueEntry(
        ero_metric, not_available=True, not_available_reason="The system was down in August."
    )

    save(data_call, offices["ERO"], [entry], steward, today)

    measurement = Measurement.objects.get(metric=ero_metric)
    assert measurement.not_available is True
    assert measurement.not_available_reason == "The system was down in August."
    assert measurement.value is None


def test_a_metric_of_another_office_is_refused(
    data_call: DataCall, hsi_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    with pytest.raises(WorkflowError, match=r"^Criminal arrests is owned by HSI, not by ERO\.$"):
        save(
            data_call, offices["ERO"], [ValueEntry(hsi_metric, value=Decimal("5"))], steward, today
        )

    assert not Measurement.objects.exists()


# Locking by date ---------------------------------------------------------------------------


def test_quarter_locks_after_its_due_date_with_the_locked_message(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User
) -> None:
    day_after = data_call.due_on + timedelta(days=1)

    with pytest.raises(WorkflowError) as error:
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("1"))],
            steward,
            day_after,
        )

    assert str(error.value) == LOCKED.format(period="FY2026 Q4", due=data_call.due_on)
    assert str(error.value).startswith("The FY2026 Q4 data call closed on ")
    assert not Measurement.objects.exists()


def test_values_can_still_be_saved_on_the_due_date(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User
) -> None:
    entry = ValueEntry(ero_metric, value=Decimal("1"))

    save(data_call, offices["ERO"], [entry], steward, data_call.due_on)

    assert Measurement.objects.filter(metric=ero_metric).exists()


def test_quarter_not_yet_open_refuses_values_saying_when_it_opens(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User
) -> None:
    day_before = data_call.opens_on - timedelta(days=1)

    with pytest.raises(WorkflowError) as error:
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("1"))],
            steward,
            day_before,
        )

    assert str(error.value) == NOT_OPEN.format(period="FY2026 Q4", opens=data_call.opens_on)
    assert not Measurement.objects.exists()


def test_exception_lets_the_office_save_until_its_date(
    data_call: DataCall,
    ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    lead: User,
) -> None:
    until = data_call.due_on + timedelta(days=5)
    grant_exception(
        data_call=data_call, office=offices["ERO"], until=until, reason="Late audit", user=lead
    )

    save(data_call, offices["ERO"], [ValueEntry(ero_metric, value=Decimal("7"))], steward, until)

    assert Measurement.objects.get(metric=ero_metric).value == Decimal("7")


def test_exception_no_longer_helps_after_its_date(
    data_call: DataCall,
    ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    lead: User,
) -> None:
    until = data_call.due_on + timedelta(days=5)
    grant_exception(
        data_call=data_call, office=offices["ERO"], until=until, reason="Late audit", user=lead
    )

    with pytest.raises(WorkflowError) as error:
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("7"))],
            steward,
            until + timedelta(days=1),
        )

    assert str(error.value) == LOCKED.format(period="FY2026 Q4", due=data_call.due_on)
    assert not Measurement.objects.exists()


def test_exception_for_one_office_does_not_unlock_another(
    data_call: DataCall,
    hsi_metric: Metric,
    offices: dict[str, Office],
    role_user: Callable[..., User],
    lead: User,
) -> None:
    hsi_steward = role_user(Membership.Role.DATA_STEWARD, "HSI")
    grant_exception(
        data_call=data_call,
        office=offices["ERO"],
        until=data_call.due_on + timedelta(days=5),
        reason="Late audit",
        user=lead,
    )

    with pytest.raises(WorkflowError, match="closed on"):
        save(
            data_call,
            offices["HSI"],
            [ValueEntry(hsi_metric, value=Decimal("7"))],
            hsi_steward,
            data_call.due_on + timedelta(days=1),
        )

    assert not Measurement.objects.exists()


# Optimistic locking ----------------------------------------------------------------------


def test_stale_version_raises_a_conflict_and_changes_nothing(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    stored = MeasurementFactory(metric=ero_metric, value=Decimal("100"), version=2)

    with pytest.raises(ConflictError) as error:
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("150"), version=1)],
            steward,
            today,
        )

    assert error.value.row.pk == stored.pk
    assert "Removals completed (FY2026 Q4)" in str(error.value)
    assert "while you were editing" in str(error.value)
    stored.refresh_from_db()
    assert (stored.value, stored.version, stored.status) == (Decimal("100"), 2, Status.DRAFT)
    assert stored.history.count() == 1


def test_conflict_names_the_person_who_saved_first(
    data_call: DataCall,
    ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    role_user: Callable[..., User],
    today: date,
) -> None:
    colleague = role_user(
        Membership.Role.DATA_STEWARD,
        "ERO",
        username="colleague",
        first_name="Casey",
        last_name="Colleague",
    )
    save(data_call, offices["ERO"], [ValueEntry(ero_metric, value=Decimal("100"))], steward, today)
    save(
        data_call,
        offices["ERO"],
        [ValueEntry(ero_metric, value=Decimal("110"), version=1)],
        colleague,
        today,
    )

    with pytest.raises(ConflictError, match="Casey Colleague changed this at"):
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("120"), version=1)],
            steward,
            today,
        )

    assert Measurement.objects.get(metric=ero_metric).value == Decimal("110")


def test_new_value_for_a_row_someone_else_created_meanwhile_is_a_conflict(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    MeasurementFactory(metric=ero_metric, value=Decimal("100"))

    with pytest.raises(ConflictError):
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("150"), version=None)],
            steward,
            today,
        )

    assert Measurement.objects.get(metric=ero_metric).value == Decimal("100")


def test_conflict_on_the_second_entry_rolls_back_the_first(
    data_call: DataCall,
    ero_metric: Metric,
    second_ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    today: date,
) -> None:
    stale = MeasurementFactory(metric=second_ero_metric, value=Decimal("40"), version=3)
    entries = [
        ValueEntry(ero_metric, value=Decimal("120")),
        ValueEntry(second_ero_metric, value=Decimal("45"), version=2),
    ]

    with pytest.raises(ConflictError):
        save(data_call, offices["ERO"], entries, steward, today)

    assert not Measurement.objects.filter(metric=ero_metric).exists()
    assert not Measurement.history.filter(metric_id=ero_metric.pk).exists()
    stale.refresh_from_db()
    assert (stale.value, stale.version) == (Decimal("40"), 3)


# Approved values ---------------------------------------------------------------------------


def test_changing_an_approved_value_without_a_reason_is_refused(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    approved = MeasurementFactory(
        metric=ero_metric, value=Decimal("100"), status=Status.APPROVED, version=3
    )

    with pytest.raises(WorkflowError, match="Removals completed: this value was approved"):
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("105"), version=3, change_reason="  ")],
            steward,
            today,
            submit=True,
        )

    approved.refresh_from_db()
    assert (approved.value, approved.status, approved.version) == (
        Decimal("100"),
        Status.APPROVED,
        3,
    )


def test_changing_an_approved_value_with_a_reason_sends_it_back_to_review(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    approved = MeasurementFactory(
        metric=ero_metric, value=Decimal("100"), status=Status.APPROVED, version=3
    )
    entry = ValueEntry(
        ero_metric, value=Decimal("105"), version=3, change_reason="Late reports from Houston"
    )

    save(data_call, offices["ERO"], [entry], steward, today)

    approved.refresh_from_db()
    assert approved.value == Decimal("105")
    assert approved.status == Status.SUBMITTED
    assert approved.version == 4
    assert approved.submitted_by == steward
    assert approved.entered_by == steward
    latest = approved.history.latest()
    assert latest.history_change_reason == "Late reports from Houston"
    assert latest.history_user == steward
    assert latest.value == Decimal("105")


def test_unchanged_approved_value_stays_approved_when_submitting_all(
    data_call: DataCall,
    ero_metric: Metric,
    second_ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    today: date,
) -> None:
    approved = MeasurementFactory(
        metric=ero_metric, value=Decimal("100"), status=Status.APPROVED, version=3
    )
    entries = [
        ValueEntry(ero_metric, value=Decimal("100"), version=3),
        ValueEntry(second_ero_metric, value=Decimal("8")),
    ]

    written = save(data_call, offices["ERO"], entries, steward, today, submit=True)

    approved.refresh_from_db()
    assert (approved.status, approved.version) == (Status.APPROVED, 3)
    assert approved.history.count() == 1
    assert [m.metric for m in written] == [second_ero_metric]
    assert Measurement.objects.get(metric=second_ero_metric).status == Status.SUBMITTED


def test_resubmitting_an_unchanged_returned_value_sends_it_back_to_review(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User, today: date
) -> None:
    returned = MeasurementFactory(
        metric=ero_metric, status=Status.RETURNED, review_comment="Check July", version=2
    )

    save(
        data_call,
        offices["ERO"],
        [ValueEntry(ero_metric, value=Decimal("100"), version=2)],
        steward,
        today,
        submit=True,
    )

    returned.refresh_from_db()
    assert (returned.status, returned.version) == (Status.SUBMITTED, 3)


# Review --------------------------------------------------------------------------------------


@pytest.fixture
def submitted(ero_metric: Metric) -> Measurement:
    return MeasurementFactory(metric=ero_metric, status=Status.SUBMITTED, version=2)


def test_approving_a_submitted_value_records_the_reviewer(
    submitted: Measurement, approver: User
) -> None:
    approve_values(seen={submitted.pk: 2}, reviewer=approver)

    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert submitted.version == 3
    assert submitted.reviewed_by == approver
    assert submitted.reviewed_at is not None
    latest = submitted.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (approver, "Approved")


def test_returning_a_value_keeps_the_comment_for_the_office(
    submitted: Measurement, approver: User
) -> None:
    return_values(seen={submitted.pk: 2}, reviewer=approver, comment="  July is missing. ")

    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    assert submitted.review_comment == "July is missing."
    assert submitted.reviewed_by == approver
    assert submitted.history.latest().history_change_reason == "Returned: July is missing."


def test_returning_without_a_comment_is_refused(submitted: Measurement, approver: User) -> None:
    with pytest.raises(WorkflowError, match=COMMENT_REQUIRED):
        return_values(seen={submitted.pk: 2}, reviewer=approver, comment="   ")

    submitted.refresh_from_db()
    assert (submitted.status, submitted.version) == (Status.SUBMITTED, 2)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.APPROVED])
def test_only_submitted_values_can_be_approved(
    ero_metric: Metric, approver: User, status: str
) -> None:
    measurement = MeasurementFactory(metric=ero_metric, status=status, version=2)

    with pytest.raises(WorkflowError, match="only submitted values can be approved or returned"):
        approve_values(seen={measurement.pk: 2}, reviewer=approver)

    measurement.refresh_from_db()
    assert (measurement.status, measurement.version) == (status, 2)


def test_only_submitted_values_can_be_returned(ero_metric: Metric, approver: User) -> None:
    draft = MeasurementFactory(metric=ero_metric, status=Status.DRAFT, version=2)

    with pytest.raises(WorkflowError, match="Removals completed is draft"):
        return_values(seen={draft.pk: 2}, reviewer=approver, comment="Fix it")

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_approving_a_stale_version_is_a_conflict_and_approves_nothing(
    submitted: Measurement, second_ero_metric: Metric, approver: User
) -> None:
    other = MeasurementFactory(metric=second_ero_metric, status=Status.SUBMITTED, version=1)

    with pytest.raises(ConflictError):
        approve_values(seen={submitted.pk: 1, other.pk: 1}, reviewer=approver)

    submitted.refresh_from_db()
    other.refresh_from_db()
    assert (submitted.status, submitted.version) == (Status.SUBMITTED, 2)
    assert (other.status, other.version) == (Status.SUBMITTED, 1)


def test_returning_a_stale_version_is_a_conflict(submitted: Measurement, approver: User) -> None:
    with pytest.raises(ConflictError):
        return_values(seen={submitted.pk: 1}, reviewer=approver, comment="Fix July")

    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


# Notifying reviewers ---------------------------------------------------------------------


def test_submitting_emails_the_office_approvers_on_commit(
    data_call: DataCall,
    ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    approver: User,
    today: date,
    django_capture_on_commit_callbacks,
    mailoutbox,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("120"))],
            steward,
            today,
            submit=True,
        )

    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [approver.email]
    assert email.subject == "ERO: FY2026 Q4 values submitted for review"
    assert "Removals submitted values for the FY2026 Q4 data call of ICE Strategic Plan" in (
        email.body
    )


def test_saving_a_draft_notifies_nobody(
    data_call: DataCall,
    ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    approver: User,
    today: date,
    django_capture_on_commit_callbacks,
    mailoutbox,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("120"))],
            steward,
            today,
        )

    assert callbacks == []
    assert mailoutbox == []


def test_submitting_nothing_new_notifies_nobody(
    data_call: DataCall,
    ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    approver: User,
    today: date,
    django_capture_on_commit_callbacks,
    mailoutbox,
) -> None:
    MeasurementFactory(metric=ero_metric, status=Status.APPROVED, version=2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save(
            data_call,
            offices["ERO"],
            [ValueEntry(ero_metric, value=Decimal("100"), version=2)],
            steward,
            today,
            submit=True,
        )

    assert callbacks == []
    assert mailoutbox == []


# Targets -------------------------------------------------------------------------------------


def test_save_targets_creates_a_target_with_version_one(ero_metric: Metric, lead: User) -> None:
    written = save_targets(
        metric=ero_metric,
        entries=[TargetEntry(fiscal_year=2026, quarter=4, value=Decimal("500"))],
        user=lead,
        reason="FY2026 plan",
    )

    target = Target.objects.get(metric=ero_metric)
    assert written == [target]
    assert (target.fiscal_year, target.quarter, target.value) == (2026, 4, Decimal("500"))
    assert (target.version, target.updated_by) == (1, lead)
    record = target.history.get()
    assert (record.history_user, record.history_change_reason) == (lead, "FY2026 plan")


def test_save_targets_updates_a_target_seen_at_its_current_version(
    ero_metric: Metric, lead: User
) -> None:
    target = TargetFactory(metric=ero_metric, value=Decimal("500"))

    save_targets(
        metric=ero_metric,
        entries=[TargetEntry(fiscal_year=2026, quarter=4, value=Decimal("550"), version=1)],
        user=lead,
    )

    target.refresh_from_db()
    assert (target.value, target.version, target.updated_by) == (Decimal("550"), 2, lead)
    assert target.history.latest().history_change_reason == "Target set"


def test_save_targets_refuses_a_stale_version(ero_metric: Metric, lead: User) -> None:
    target = TargetFactory(metric=ero_metric, value=Decimal("500"), version=2)

    with pytest.raises(ConflictError):
        save_targets(
            metric=ero_metric,
            entries=[TargetEntry(fiscal_year=2026, quarter=4, value=Decimal("550"), version=1)],
            user=lead,
        )

    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal("500"), 2)


def test_save_targets_clears_a_target_left_empty_keeping_the_deletion_in_history(
    ero_metric: Metric, lead: User
) -> None:
    target = TargetFactory(metric=ero_metric, value=Decimal("500"))

    save_targets(
        metric=ero_metric, entries=[TargetEntry(fiscal_year=2026, quarter=4, version=1)], user=lead
    )

    assert not Target.objects.filter(pk=target.pk).exists()
    deleted = Target.history.filter(id=target.pk).latest()
    assert deleted.history_type == "-"
    assert (deleted.history_user, deleted.history_change_reason) == (lead, "Target cleared")


def test_save_targets_ignores_empty_entries_for_targets_not_set(
    ero_metric: Metric, lead: User
) -> None:
    written = save_targets(
        metric=ero_metric, entries=[TargetEntry(fiscal_year=2026, quarter=None)], user=lead
    )

    assert written == []
    assert not Target.objects.exists()


def test_save_targets_keeps_quarter_and_fiscal_year_targets_apart(
    ero_metric: Metric, lead: User
) -> None:
    save_targets(
        metric=ero_metric,
        entries=[
            TargetEntry(fiscal_year=2026, quarter=4, value=Decimal("100")),
            TargetEntry(fiscal_year=2026, quarter=None, value=Decimal("400")),
        ],
        user=lead,
    )

    stored = {(t.fiscal_year, t.quarter): t.value for t in Target.objects.filter(metric=ero_metric)}
    assert stored == {(2026, 4): Decimal("100"), (2026, None): Decimal("400")}


# Exceptions ------------------------------------------------------------------------------


def test_granting_an_exception_again_replaces_the_earlier_one(
    data_call: DataCall,
    offices: dict[str, Office],
    lead: User,
    role_user: Callable[..., User],
) -> None:
    first_until = data_call.due_on + timedelta(days=3)
    grant_exception(
        data_call=data_call, office=offices["ERO"], until=first_until, reason="Audit", user=lead
    )
    other_lead = role_user(Membership.Role.WORKING_GROUP_LEAD, "ICE", username="other-lead")

    exception = grant_exception(
        data_call=data_call,
        office=offices["ERO"],
        until=first_until + timedelta(days=4),
        reason="Audit took longer",
        user=other_lead,
    )

    stored = DataCallException.objects.get(data_call=data_call)
    assert stored == exception
    assert stored.until == first_until + timedelta(days=4)
    assert (stored.reason, stored.granted_by) == ("Audit took longer", other_lead)


# Annual metrics ----------------------------------------------------------------------------


def test_annual_metric_value_is_stored_for_the_fiscal_year(
    data_call: DataCall,
    annual_metric: Metric,
    offices: dict[str, Office],
    steward: User,
    today: date,
) -> None:
    save(
        data_call,
        offices["ERO"],
        [ValueEntry(annual_metric, value=Decimal("118949"))],
        steward,
        today,
    )

    measurement = Measurement.objects.get(metric=annual_metric)
    assert (measurement.fiscal_year, measurement.quarter) == (2026, None)
    assert measurement.period_label == "FY2026"


def test_annual_metric_is_due_only_in_the_fourth_quarters_call(
    plan: Plan, ero_metric: Metric, annual_metric: Metric
) -> None:
    calls = {
        quarter: DataCallFactory(plan=plan, fiscal_year=2026, quarter=quarter)
        for quarter in (1, 2, 3, 4)
    }

    due = {quarter: set(call.metrics_due()) for quarter, call in calls.items()}

    assert due[1] == due[2] == due[3] == {ero_metric}
    assert due[4] == {ero_metric, annual_metric}


def test_metrics_due_leaves_out_other_plans_metrics(
    data_call: DataCall, ero_metric: Metric, hsi_metric: Metric, offices: dict[str, Office]
) -> None:
    MetricFactory(name="Another plan's metric", owner_office=offices["ERO"])

    assert set(data_call.metrics_due()) == {ero_metric, hsi_metric}
