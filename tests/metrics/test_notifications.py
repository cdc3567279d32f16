"""Reminders to stewards about data calls (metrics/notifications.py, metrics/tasks.py).

The `data_call` of conftest is open from `today - 10` to `today + 10` days and reminds
offices 7 days before its due date; `send_reminders(today=...)` is run on chosen days.
ERO and HSI each own one metric in it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.conf import settings

from metrics.models import DataCall, Measurement, Reminder
from metrics.notifications import send_reminders
from metrics.services import grant_exception
from metrics.tasks import send_data_call_reminders
from plans.models import Membership, Metric, Office, Plan, PlanElement, User
from tests.factories import DataCallFactory, MeasurementFactory, MetricFactory

Role = Membership.Role
Status = Measurement.Status


@pytest.fixture
def hsi_steward(role_user: Callable[..., User]) -> User:
    return role_user(Role.DATA_STEWARD, "HSI")


@pytest.fixture
def second_ero_metric(objective: PlanElement, offices: dict[str, Office]) -> Metric:
    return MetricFactory(element=objective, name="Detainers issued", owner_office=offices["ERO"])


def test_due_soon_reminder_goes_to_the_offices_stewards_with_the_outstanding_count(
    data_call: DataCall,
    second_ero_metric: Metric,
    steward: User,
    approver: User,
    offices: dict[str, Office],
    mailoutbox,
) -> None:
    sent = send_reminders(today=data_call.due_on - timedelta(days=7))

    assert [(r.office, r.kind, r.missing) for r in sent] == [
        (offices["ERO"], Reminder.Kind.DUE_SOON, 2)
    ]
    assert sent[0].recipients == steward.email
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [steward.email]
    assert approver.email not in email.to
    assert email.subject == (
        f"ICE Strategic Plan: the FY2026 Q4 data call is due {data_call.due_on:%B %-d}"
    )
    assert "Removals has 2 values not yet submitted for the FY2026 Q4 data call" in email.body


def test_drafts_and_returned_values_count_as_outstanding(
    data_call: DataCall,
    ero_metric: Metric,
    second_ero_metric: Metric,
    steward: User,
    mailoutbox,
) -> None:
    MeasurementFactory(metric=ero_metric, status=Status.DRAFT)
    MeasurementFactory(metric=second_ero_metric, status=Status.RETURNED)

    sent = send_reminders(today=data_call.due_on - timedelta(days=1))

    assert [r.missing for r in sent] == [2]
    assert "Removals has 2 values not yet submitted" in mailoutbox[0].body


def test_one_outstanding_value_is_written_in_the_singular(
    data_call: DataCall, steward: User, mailoutbox
) -> None:
    send_reminders(today=data_call.due_on)

    assert "Removals has 1 value not yet submitted" in mailoutbox[0].body


def test_no_reminder_before_the_reminder_window(
    data_call: DataCall, steward: User, mailoutbox
) -> None:
    sent = send_reminders(today=data_call.due_on - timedelta(days=8))

    assert sent == []
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_overdue_reminder_goes_out_after_the_due_date(
    data_call: DataCall, steward: User, offices: dict[str, Office], mailoutbox
) -> None:
    sent = send_reminders(today=data_call.due_on + timedelta(days=1))

    assert [(r.office, r.kind, r.missing) for r in sent] == [
        (offices["ERO"], Reminder.Kind.OVERDUE, 1)
    ]
    assert mailoutbox[0].to == [steward.email]
    assert mailoutbox[0].subject == "ICE Strategic Plan: the FY2026 Q4 data call is overdue"
    assert "which was due on" in mailoutbox[0].body


def test_reminder_is_never_sent_twice_even_when_run_twice(
    data_call: DataCall, steward: User, mailoutbox
) -> None:
    day = data_call.due_on - timedelta(days=3)
    send_reminders(today=day)

    again = send_reminders(today=day + timedelta(days=1))

    assert again == []
    assert len(mailoutbox) == 1
    assert Reminder.objects.count() == 1


def test_due_soon_and_overdue_reminders_are_each_sent_once(
    data_call: DataCall, steward: User, mailoutbox
) -> None:
    send_reminders(today=data_call.due_on - timedelta(days=3))
    send_reminders(today=data_call.due_on + timedelta(days=1))
    send_reminders(today=data_call.due_on + timedelta(days=2))

    kinds = sorted(Reminder.objects.values_list("kind", flat=True))
    assert kinds == [Reminder.Kind.DUE_SOON, Reminder.Kind.OVERDUE]
    assert len(mailoutbox) == 2


def test_office_with_everything_submitted_or_approved_gets_no_reminder(
    data_call: DataCall,
    ero_metric: Metric,
    second_ero_metric: Metric,
    steward: User,
    hsi_steward: User,
    offices: dict[str, Office],
    mailoutbox,
) -> None:
    MeasurementFactory(metric=ero_metric, status=Status.SUBMITTED)
    MeasurementFactory(metric=second_ero_metric, status=Status.APPROVED)

    sent = send_reminders(today=data_call.due_on - timedelta(days=1))

    assert [r.office for r in sent] == [offices["HSI"]]
    assert [email.to for email in mailoutbox] == [[hsi_steward.email]]


def test_office_with_an_exception_is_not_sent_the_overdue_reminder(
    data_call: DataCall,
    steward: User,
    hsi_steward: User,
    lead: User,
    offices: dict[str, Office],
    mailoutbox,
) -> None:
    grant_exception(
        data_call=data_call,
        office=offices["ERO"],
        until=data_call.due_on + timedelta(days=10),
        reason="Audit",
        user=lead,
    )

    sent = send_reminders(today=data_call.due_on + timedelta(days=1))

    assert [(r.office, r.kind) for r in sent] == [(offices["HSI"], Reminder.Kind.OVERDUE)]
    assert [email.to for email in mailoutbox] == [[hsi_steward.email]]


def test_office_whose_exception_ran_out_is_sent_the_overdue_reminder(
    data_call: DataCall, steward: User, lead: User, offices: dict[str, Office], mailoutbox
) -> None:
    grant_exception(
        data_call=data_call,
        office=offices["ERO"],
        until=data_call.due_on + timedelta(days=2),
        reason="Audit",
        user=lead,
    )

    sent = send_reminders(today=data_call.due_on + timedelta(days=3))

    assert [(r.office, r.kind) for r in sent] == [(offices["ERO"], Reminder.Kind.OVERDUE)]


def test_no_reminder_about_a_deadline_long_past(
    data_call: DataCall, steward: User, mailoutbox
) -> None:
    sent = send_reminders(today=data_call.due_on + timedelta(days=31))

    assert sent == []
    assert mailoutbox == []


def test_office_without_stewards_with_email_is_sent_nothing(
    data_call: DataCall, role_user: Callable[..., User], mailoutbox
) -> None:
    role_user(Role.DATA_STEWARD, "ERO", email="")
    role_user(Role.DATA_STEWARD, "HSI", username="gone", is_active=False)

    sent = send_reminders(today=data_call.due_on - timedelta(days=1))

    assert sent == []
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_inactive_stewards_are_left_out_of_the_recipients(
    data_call: DataCall, steward: User, role_user: Callable[..., User], mailoutbox
) -> None:
    role_user(Role.DATA_STEWARD, "ERO", username="left-the-office", is_active=False)

    send_reminders(today=data_call.due_on - timedelta(days=1))

    assert mailoutbox[0].to == [steward.email]


def test_reminder_task_runs_eagerly_and_returns_the_count_sent(
    plan: Plan,
    ero_metric: Metric,
    hsi_metric: Metric,
    steward: User,
    hsi_steward: User,
    today: date,
    mailoutbox,
) -> None:
    DataCallFactory(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=20),
        due_on=today + timedelta(days=3),
    )
    assert settings.CELERY_TASK_ALWAYS_EAGER

    result = send_data_call_reminders.delay()

    assert result.get() == 2
    assert sorted(email.to[0] for email in mailoutbox) == sorted([steward.email, hsi_steward.email])
    assert Reminder.objects.filter(kind=Reminder.Kind.DUE_SOON).count() == 2


def test_reminder_task_run_again_sends_nothing_more(
    plan: Plan, ero_metric: Metric, steward: User, today: date, mailoutbox
) -> None:
    DataCallFactory(
        plan=plan,
        fiscal_year=2026,
        quarter=4,
        opens_on=today - timedelta(days=20),
        due_on=today + timedelta(days=3),
    )
    send_data_call_reminders.delay()

    result = send_data_call_reminders.delay()

    assert result.get() == 0
    assert len(mailoutbox) == 1
