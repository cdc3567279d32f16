"""The quarterly workflow: entering values, submitting, approving or returning, targets.

The entry form, the spreadsheet upload and the API all call these functions, so the rules
(locking after the due date, optimistic locking on a version number, a reason for changing
an approved value, history for every change) hold whatever the door. Each runs in one
transaction and writes its history rows in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from metrics.models import (
    CONTENT_FIELDS,
    DataCall,
    DataCallException,
    Evidence,
    Measurement,
    Target,
)
from metrics.tasks import notify_reviewers
from plans.formatting import format_value
from plans.models import Metric, Office, User

LOCKED = (
    "The {period} data call closed on {due:%B %-d, %Y}. Ask the working-group lead for an "
    "exception to enter or change values."
)
NOT_OPEN = "The {period} data call opens on {opens:%B %-d, %Y}."
REASON_REQUIRED = "{metric}: this value was approved; give a reason for changing it."
WRITABLE_FIELDS = [
    *CONTENT_FIELDS,
    "version",
    "entered_by",
    "entered_at",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
]
WRITABLE_ATTNAMES = [Measurement._meta.get_field(name).attname for name in WRITABLE_FIELDS]
NOT_DUE = "{metric} is not collected by the {period} data call."
NOT_YOURS = "{metric} is owned by {owner}, not by {office}."
CANNOT_REVIEW = "{metric} is {status}; only submitted values can be approved or returned."
COMMENT_REQUIRED = "Say why the value is returned, so that the office can fix it."


class WorkflowError(Exception):
    """The action is not allowed in the value's current state; nothing was saved."""


class ConflictError(Exception):
    """Someone else saved the row after the person opened it; nothing was saved."""

    def __init__(self, row: Measurement | Target) -> None:
        self.row = row
        # A row loaded without history (a bulk import) still names a time, if not a person.
        latest = row.history.order_by("-history_date").first()
        user = latest.history_user if latest else None
        self.who = (user.get_full_name() or user.username) if user else "someone"
        self.when = timezone.localtime(latest.history_date if latest else timezone.now())
        super().__init__(
            f"{row.metric.name} ({row.period_label}): {self.who} changed this at "
            f"{self.when:%H:%M on %B %-d, %Y} while you were editing{_now_reads(row)}. Nothing was "
            "saved. What you typed is kept: save again to replace their change, or reload the "
            "page to start from theirs."
        )


def _now_reads(row: Measurement | Target) -> str:
    """ ", and it now reads 1,234 (submitted)" for the conflict message."""
    value = format_value(row.value, row.metric.unit) if row.value is not None else "no value"
    status = f" ({row.get_status_display().lower()})" if isinstance(row, Measurement) else ""
    return f", and it now reads {value}{status}"


@dataclass
class ValueEntry:
    """What a person entered for one metric in one period."""

    metric: Metric
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    milestone_status: str = ""
    milestone_date: date | None = None
    not_available: bool = False
    not_available_reason: str = ""
    explanation: str = ""
    version: int | None = None  # the version the person saw; None for a new value
    change_reason: str = ""
    evidence: UploadedFile | None = None

    def has_content(self) -> bool:
        return any(
            (
                self.value is not None,
                self.milestone_status,
                self.milestone_date,
                self.not_available,
                self.explanation,
                self.evidence,
            )
        )

    def fields(self) -> dict[str, object]:
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "milestone_status": self.milestone_status,
            "milestone_date": self.milestone_date,
            "not_available": self.not_available,
            "not_available_reason": self.not_available_reason if self.not_available else "",
            "explanation": self.explanation,
        }


def period_of(metric: Metric, data_call: DataCall) -> tuple[int, int | None]:
    """An annual metric's value belongs to the fiscal year; a quarterly one to the quarter."""
    if metric.frequency == Metric.Frequency.ANNUAL:
        return data_call.fiscal_year, None
    return data_call.fiscal_year, data_call.quarter


def lock_message(data_call: DataCall, office: Office, today: date) -> str | None:
    """Why the office cannot enter values for the call today, or None when it can."""
    if today < data_call.opens_on:
        return NOT_OPEN.format(period=data_call.period.label, opens=data_call.opens_on)
    if today <= data_call.due_on:
        return None
    exception = DataCallException.objects.filter(data_call=data_call, office=office).first()
    if exception and today <= exception.until:
        return None
    return LOCKED.format(period=data_call.period.label, due=data_call.due_on)


@transaction.atomic
def save_values(
    *,
    data_call: DataCall,
    office: Office,
    entries: list[ValueEntry],
    user: User,
    submit: bool = False,
    today: date | None = None,
) -> list[Measurement]:
    """Saves an office's values for a data call as drafts, or submits them.

    Refuses the whole save when the quarter is locked for the office, when a value was
    changed by someone else since the person opened it (ConflictError), or when an approved
    value changes without a reason. A changed approved value goes back to review. Returns
    the measurements written and queues the reviewers' notice on commit when submitting.
    Costs two queries plus one write and one history row per changed value.
    """
    today = today or timezone.localdate()
    if message := lock_message(data_call, office, today):
        raise WorkflowError(message)
    _check_entries(data_call, office, entries)
    stored = _stored_measurements(data_call, [entry.metric for entry in entries])
    before = _snapshot(stored.values())
    now = timezone.now()
    written = {}
    for entry in entries:
        measurement = _apply_entry(
            data_call, stored.get(entry.metric.pk), entry, user=user, submit=submit, now=now
        )
        if measurement is not None:
            written[entry.metric.pk] = measurement
    changed = [m for m in written.values() if m.pk]
    _persist(
        [m for m in written.values() if m.pk is None], changed, _changed_fields(changed, before)
    )
    for entry in entries:
        if entry.evidence is not None:
            owner = written.get(entry.metric.pk) or stored[entry.metric.pk]
            attach_evidence(measurement=owner, upload=entry.evidence, user=user)
    if submit and any(m.status == Measurement.Status.SUBMITTED for m in written.values()):
        transaction.on_commit(lambda: notify_reviewers.delay(data_call.pk, office.pk))
    return list(written.values())


def _check_entries(data_call: DataCall, office: Office, entries: list[ValueEntry]) -> None:
    """Every entry is for a metric the office owns and the call collects (one query)."""
    due = set(
        data_call.metrics_due()
        .filter(pk__in=[entry.metric.pk for entry in entries])
        .values_list("pk", flat=True)
    )
    for entry in entries:
        if entry.metric.owner_office_id != office.pk:
            owner = entry.metric.owner_office.code
            raise WorkflowError(
                NOT_YOURS.format(metric=entry.metric, owner=owner, office=office.code)
            )
        if entry.metric.pk not in due:
            raise WorkflowError(NOT_DUE.format(metric=entry.metric, period=data_call.period.label))


def _snapshot(rows: Iterable[Measurement]) -> dict[int, tuple]:
    """The writable columns of stored rows, before a change."""
    return {row.pk: tuple(getattr(row, name) for name in WRITABLE_ATTNAMES) for row in rows}


def _changed_fields(rows: list[Measurement], before: dict[int, tuple]) -> list[str]:
    """The writable fields that differ from `before` in any of the rows: the only columns the
    bulk UPDATE needs to set. Each costs a CASE with one WHEN per row, which Django builds
    expression by expression: setting all 17 for 200 rows took most of a 200-value save."""
    differing = set()
    for row in rows:
        old = before[row.pk]
        differing.update(
            i for i, name in enumerate(WRITABLE_ATTNAMES) if getattr(row, name) != old[i]
        )
    return [WRITABLE_FIELDS[i] for i in sorted(differing)]


def _persist(
    new: list[Measurement], changed: list[Measurement], fields: list[str] | None = None
) -> None:
    """Writes the rows and their history rows in bulk: a handful of queries for any number
    of values (each row carries its own `_history_user` and `_change_reason`). `fields`:
    the columns that changed (default: every writable one)."""
    if new:
        try:
            with transaction.atomic():  # a savepoint, so the conflict can be read after it
                created = bulk_create_with_history(new, Measurement)
        except IntegrityError:
            if conflict := _inserted_meanwhile(new):
                raise conflict from None
            raise
        for row, saved in zip(new, created, strict=True):
            row.pk = saved.pk
    if changed:
        bulk_update_with_history(
            changed, Measurement, fields=WRITABLE_FIELDS if fields is None else fields
        )


def _inserted_meanwhile(new: list[Measurement]) -> ConflictError | None:
    """A ConflictError for a new value that another request stored first, if any.

    Nothing is stored yet to lock when two requests (a double click) enter a metric's first
    value, so both insert; the unique constraint makes the second wait for the first to
    commit, then refuse. The first one's row is visible from the next statement on.
    """
    for row in new:
        stored = Measurement.objects.filter(
            metric=row.metric, fiscal_year=row.fiscal_year, quarter=row.quarter
        ).first()
        if stored is not None:
            return ConflictError(stored)
    return None


def _stored_measurements(data_call: DataCall, metrics: list[Metric]) -> dict[int, Measurement]:
    """The stored values of these metrics for the call's periods, locked for update."""
    quarterly = [m.pk for m in metrics if m.frequency == Metric.Frequency.QUARTERLY]
    annual = [m.pk for m in metrics if m.frequency == Metric.Frequency.ANNUAL]
    # Only the value rows are locked, in id order: the models' default ordering joins the
    # metric, element and plan, and FOR UPDATE would lock those rows too, so that every
    # office's save queued on the one plan row and concurrent saves deadlocked.
    rows = (
        Measurement.objects.select_for_update(of=("self",))
        .filter(fiscal_year=data_call.fiscal_year)
        .order_by("pk")
    )
    quarter_rows = rows.filter(quarter=data_call.quarter, metric_id__in=quarterly)
    year_rows = rows.filter(quarter=None, metric_id__in=annual)
    return {m.metric_id: m for m in [*quarter_rows, *year_rows]}


def _apply_entry(
    data_call: DataCall,
    measurement: Measurement | None,
    entry: ValueEntry,
    *,
    user: User,
    submit: bool,
    now: datetime,
) -> Measurement | None:
    """Applies one entry to its row in memory; returns the row if it must be written."""
    if measurement is None:
        if not entry.has_content():
            return None
        fiscal_year, quarter = period_of(entry.metric, data_call)
        measurement = Measurement(metric=entry.metric, fiscal_year=fiscal_year, quarter=quarter)
    elif entry.version != measurement.version:
        raise ConflictError(measurement)
    was_approved = measurement.status == Measurement.Status.APPROVED
    changed = _assign(measurement, entry.fields()) or measurement.pk is None
    if not changed and (was_approved or not submit or _is_submitted(measurement)):
        return None
    if was_approved and not entry.change_reason.strip():
        raise WorkflowError(REASON_REQUIRED.format(metric=entry.metric.name))
    if changed:
        measurement.entered_by, measurement.entered_at = user, now
    if submit or was_approved:
        measurement.status = Measurement.Status.SUBMITTED
        measurement.submitted_by, measurement.submitted_at = user, now
    elif changed:
        measurement.status = Measurement.Status.DRAFT
    submitted = measurement.status == Measurement.Status.SUBMITTED
    _stamp(
        measurement,
        user,
        entry.change_reason.strip() or ("Submitted" if submitted else "Draft saved"),
    )
    return measurement


def _is_submitted(measurement: Measurement) -> bool:
    return measurement.status == Measurement.Status.SUBMITTED


def _assign(obj: object, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _stamp(row: Measurement | Target, user: User, reason: str) -> None:
    """Moves a stored row to its next version and says who changes it and why, for the
    history row written with it."""
    if row.pk is not None:
        row.version += 1
    row._history_user = user
    row._change_reason = reason


def _save_with_history(row: Measurement | Target, user: User, reason: str) -> None:
    _stamp(row, user, reason)
    row.save()


# Review --------------------------------------------------------------------------------


@transaction.atomic
def approve_values(*, seen: dict[int, int], reviewer: User) -> list[Measurement]:
    """Approves submitted values; `seen` maps each measurement id to the version reviewed."""
    return _review(seen, reviewer, Measurement.Status.APPROVED, comment="", reason="Approved")


@transaction.atomic
def return_values(*, seen: dict[int, int], reviewer: User, comment: str) -> list[Measurement]:
    """Returns submitted values to the office with a comment saying what to fix."""
    if not comment.strip():
        raise WorkflowError(COMMENT_REQUIRED)
    reason = f"Returned: {comment.strip()}"
    return _review(
        seen, reviewer, Measurement.Status.RETURNED, comment=comment.strip(), reason=reason
    )


def _review(
    seen: dict[int, int], reviewer: User, status: str, *, comment: str, reason: str
) -> list[Measurement]:
    rows = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("metric")
        .filter(pk__in=seen)
        .order_by("pk")
    )
    measurements = list(rows)
    now = timezone.now()
    for measurement in measurements:
        if measurement.version != seen[measurement.pk]:
            raise ConflictError(measurement)
        if measurement.status != Measurement.Status.SUBMITTED:
            raise WorkflowError(
                CANNOT_REVIEW.format(
                    metric=measurement.metric.name, status=measurement.get_status_display().lower()
                )
            )
        measurement.status = status
        measurement.review_comment = comment
        measurement.reviewed_by, measurement.reviewed_at = reviewer, now
        _stamp(measurement, reviewer, reason)
    _persist([], measurements)
    return measurements


# Targets and exceptions ------------------------------------------------------------------


@dataclass
class TargetEntry:
    fiscal_year: int
    quarter: int | None = None
    value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    due_date: date | None = None
    version: int | None = None

    def fields(self) -> dict[str, object]:
        return {
            "value": self.value,
            "min_value": self.min_value,
            "max_value": self.max_value,
            "due_date": self.due_date,
        }

    def is_empty(self) -> bool:
        return all(v is None for v in self.fields().values())


@transaction.atomic
def save_targets(
    *, metric: Metric, entries: list[TargetEntry], user: User, reason: str = ""
) -> list[Target]:
    """Creates, changes or clears a metric's targets, with optimistic locking per target."""
    stored = {
        (t.fiscal_year, t.quarter): t
        for t in Target.objects.select_for_update(of=("self",)).filter(metric=metric).order_by("pk")
    }
    written = []
    for entry in entries:
        target = stored.get((entry.fiscal_year, entry.quarter))
        if target is not None and entry.version != target.version:
            raise ConflictError(target)
        if target is None and entry.is_empty():
            continue
        if target is not None and entry.is_empty():
            target._history_user, target._change_reason = user, reason or "Target cleared"
            target.delete()
            continue
        target = target or Target(
            metric=metric, fiscal_year=entry.fiscal_year, quarter=entry.quarter
        )
        if _assign(target, entry.fields()) or target.pk is None:
            target.updated_by = user
            _save_target(target, user, reason or "Target set")
            written.append(target)
    return written


def _save_target(target: Target, user: User, reason: str) -> None:
    """A new target that another request stored first (a double click) is a conflict, as
    for values (`_inserted_meanwhile`), not a database error."""
    if target.pk is not None:
        _save_with_history(target, user, reason)
        return
    try:
        with transaction.atomic():  # a savepoint, so the stored row can be read after it
            _save_with_history(target, user, reason)
    except IntegrityError:
        target.pk = None
        stored = Target.objects.filter(
            metric=target.metric, fiscal_year=target.fiscal_year, quarter=target.quarter
        ).first()
        if stored is None:
            raise
        raise ConflictError(stored) from None


@transaction.atomic
def grant_exception(
    *, data_call: DataCall, office: Office, until: date, reason: str, user: User
) -> DataCallException:
    """Lets the office enter values after the due date until `until` (replaces any earlier)."""
    exception, _created = DataCallException.objects.update_or_create(
        data_call=data_call,
        office=office,
        defaults={"until": until, "reason": reason, "granted_by": user},
    )
    return exception


@transaction.atomic
def attach_evidence(*, measurement: Measurement, upload: UploadedFile, user: User) -> Evidence:
    """Stores a file beside a value; the value's own version and status do not change."""
    evidence = Evidence(measurement=measurement, name=upload.name[:255], uploaded_by=user)
    evidence.file.save(upload.name, upload, save=False)
    evidence._history_user = user
    evidence.save()
    return evidence
