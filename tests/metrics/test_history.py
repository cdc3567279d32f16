"""Every change to a metric's definition, targets and values (metrics/history.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.history import Change, metric_history
from metrics.models import DataCall
from metrics.services import (
    TargetEntry,
    ValueEntry,
    approve_values,
    save_targets,
    save_values,
)
from plans.models import Membership, Metric, User


def change_definition(metric: Metric, user: User, reason: str, **fields: object) -> None:
    for name, value in fields.items():
        setattr(metric, name, value)
    metric._history_user = user
    metric._change_reason = reason
    metric.save()


def enter(data_call: DataCall, metric: Metric, user: User, today: date, **fields: object) -> None:
    save_values(
        data_call=data_call,
        office=metric.owner_office,
        entries=[ValueEntry(metric, **fields)],
        user=user,
        submit=True,
        today=today,
    )


def subjects(changes: list[Change]) -> list[tuple[str, str]]:
    return [(change.action, change.subject) for change in changes]


def test_history_lists_definition_target_and_value_changes_newest_first(
    data_call: DataCall,
    ero_metric: Metric,
    steward: User,
    approver: User,
    lead: User,
    today: date,
) -> None:
    change_definition(ero_metric, lead, "Clearer name", name="Removals completed (all)")
    save_targets(
        metric=ero_metric,
        entries=[TargetEntry(fiscal_year=2026, quarter=4, value=Decimal("500"))],
        user=lead,
        reason="FY2026 plan",
    )
    enter(data_call, ero_metric, steward, today, value=Decimal("480"), explanation="Short staff")
    measurement = ero_metric.measurements.get()
    approve_values(seen={measurement.pk: measurement.version}, reviewer=approver)

    changes = metric_history(ero_metric)

    assert subjects(changes) == [
        ("Changed", "Value FY2026 Q4"),
        ("Created", "Value FY2026 Q4"),
        ("Created", "Target FY2026 Q4"),
        ("Changed", "Definition"),
        ("Created", "Definition"),
    ]
    assert [change.when for change in changes] == sorted(
        (change.when for change in changes), reverse=True
    )
    approved, submitted, target, renamed, _created = changes
    assert (approved.who, approved.reason) == ("Alex Approver", "Approved")
    assert approved.changes == [("status", "submitted", "approved")]
    assert (submitted.who, submitted.reason) == ("Sam Steward", "Submitted")
    assert ("value", None, Decimal("480.0000")) in submitted.changes
    assert ("explanation", None, "Short staff") in submitted.changes
    assert (target.who, target.reason) == ("Lee Lead", "FY2026 plan")
    assert target.changes == [("value", None, Decimal("500.0000"))]
    assert (renamed.who, renamed.reason) == ("Lee Lead", "Clearer name")
    assert renamed.changes == [("name", "Removals completed", "Removals completed (all)")]


def test_history_shows_old_and_new_value_and_the_reason_for_changing_an_approved_value(
    data_call: DataCall, ero_metric: Metric, steward: User, approver: User, today: date
) -> None:
    enter(data_call, ero_metric, steward, today, value=Decimal("480"))
    measurement = ero_metric.measurements.get()
    approve_values(seen={measurement.pk: measurement.version}, reviewer=approver)
    enter(
        data_call,
        ero_metric,
        steward,
        today,
        value=Decimal("495"),
        version=measurement.version + 1,
        change_reason="Houston reported late",
    )

    latest = metric_history(ero_metric)[0]

    assert latest.subject == "Value FY2026 Q4"
    assert latest.who == "Sam Steward"
    assert latest.reason == "Houston reported late"
    assert ("value", Decimal("480.0000"), Decimal("495.0000")) in latest.changes
    assert ("status", "approved", "submitted") in latest.changes


def test_history_shows_a_cleared_target_as_deleted(ero_metric: Metric, lead: User) -> None:
    save_targets(
        metric=ero_metric,
        entries=[TargetEntry(fiscal_year=2026, value=Decimal("2000"))],
        user=lead,
    )
    save_targets(metric=ero_metric, entries=[TargetEntry(fiscal_year=2026, version=1)], user=lead)

    latest = metric_history(ero_metric)[0]

    assert (latest.action, latest.subject) == ("Deleted", "Target FY2026")
    assert (latest.who, latest.reason) == ("Lee Lead", "Target cleared")


def test_change_made_without_a_known_user_is_shown_as_by_the_system(ero_metric: Metric) -> None:
    (created,) = metric_history(ero_metric)

    assert (created.who, created.action, created.subject) == ("System", "Created", "Definition")
    assert ("name", None, "Removals completed") in created.changes


def test_history_leaves_out_other_metrics_changes(
    data_call: DataCall,
    ero_metric: Metric,
    hsi_metric: Metric,
    role_user: Callable[..., User],
    lead: User,
    today: date,
) -> None:
    hsi_steward = role_user(Membership.Role.DATA_STEWARD, "HSI")
    enter(data_call, hsi_metric, hsi_steward, today, value=Decimal("12"))
    save_targets(
        metric=hsi_metric,
        entries=[TargetEntry(fiscal_year=2026, quarter=4, value=Decimal("5"))],
        user=lead,
    )

    assert subjects(metric_history(ero_metric)) == [("Created", "Definition")]


def count_queries(metric: Metric) -> int:
    with CaptureQueriesContext(connection) as queries:
        metric_history(metric)
    return len(queries)


def test_history_runs_the_same_queries_however_many_changes(
    data_call: DataCall,
    ero_metric: Metric,
    steward: User,
    approver: User,
    lead: User,
    today: date,
) -> None:
    enter(data_call, ero_metric, steward, today, value=Decimal("1"))
    save_targets(
        metric=ero_metric,
        entries=[TargetEntry(fiscal_year=2026, quarter=4, value=Decimal("1"))],
        user=lead,
    )
    few = count_queries(ero_metric)

    for n in range(2, 12):
        change_definition(ero_metric, lead, f"Edit {n}", definition=f"Definition {n}")
        target = TargetEntry(fiscal_year=2026, quarter=4, value=Decimal(n), version=n - 1)
        save_targets(metric=ero_metric, entries=[target], user=lead)
        enter(data_call, ero_metric, steward, today, value=Decimal(n), version=n - 1)

    assert len(metric_history(ero_metric)) > 30
    assert count_queries(ero_metric) == few == 3
