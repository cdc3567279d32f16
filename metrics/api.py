"""REST API for targets, measurements and data calls, and the review workflow.

Reading follows the plan, as on the pages. Every write goes through the access helpers
(metrics.access, plans.access) and the services (metrics.services) that the web forms use,
and values are checked by the entry form itself, so the rules cannot differ between the
doors: locking after the due date, checks by unit, an explanation for a missed target, a
reason for changing an approved value.

Optimistic locking over HTTP: a target or a measurement carries its `version`, and its
responses an `ETag` of `"<id>-<version>"`. A change must name the version it was made
from, in `If-Match` (a stale one gets 412) or as `version` in the body (409); with neither
the answer is 428. Nothing is saved in any of these cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from metrics.access import get_call_office_for_user, get_data_call_for_user
from metrics.api_filters import DataCallFilter, MeasurementFilter, TargetFilter
from metrics.entry import EntryRow, entry_rows
from metrics.forms import MeasurementEntryForm
from metrics.models import VALUE_FIELDS, DataCall, Measurement, Target
from metrics.periods import FiscalYear
from metrics.services import (
    COMMENT_REQUIRED,
    NOT_DUE,
    ConflictError,
    TargetEntry,
    ValueEntry,
    WorkflowError,
    approve_values,
    lock_message,
    period_of,
    return_values,
    save_targets,
    save_values,
)
from metrics.target_forms import MIN_ABOVE_MAX, REASON_MAX_LENGTH, sheet_years, target_columns
from metrics.values import check_value
from plans.access import get_metric_for_user, visible_plans
from plans.api import ErrorSerializer, error_responses, is_schema_generation
from plans.models import Metric, Office, User

PRECONDITION_REQUIRED = (
    "Say which version you are changing: send the ETag you last read in an If-Match header, "
    'or "version" in the body.'
)
BAD_IF_MATCH = 'Send one ETag as the API gave it, like "12-3"; a list or * is not accepted.'
VERSIONS_DISAGREE = "The If-Match header and the body name different versions."
STALE = (
    "{row} was changed by {who} at {when:%H:%M on %B %-d, %Y} and is now at version {version}. "
    "Nothing was saved: read it again and send its new ETag (or version)."
)
VALUE_EXISTS = (
    "{metric} already has a value for {period} (id {pk}): change it with PUT or PATCH on "
    "{url} and its ETag."
)
TARGET_EXISTS = (
    "{metric} already has a target for {period} (id {pk}): change it with PUT or PATCH on "
    "{url} and its ETag."
)
NOTHING_TO_SAVE = "Send a value, a milestone status, or mark the value not available."
NO_TARGET = "Send a target value, a minimum, a maximum or a due date; DELETE clears a target."
NOT_USED = "A {kind} metric does not use this field."
NOT_USED_BY_TARGETS = "This metric's targets do not use this field."
NO_DATA_CALL = "No data call of the plan collects {period}, so its values cannot change here."
ANNUAL_TARGET = "{metric} is annual: its targets are for the whole fiscal year; send no quarter."
OUTSIDE_PLAN = "FY{year} is outside the fiscal years of the plan's targets ({first}-{last})."
ETAG_PATTERN = re.compile(r'^(?:W/)?"(\d+)-(\d+)"$')
ENTRY_FORM_FIELDS = (*VALUE_FIELDS, "not_available_reason", "explanation", "change_reason")
TARGET_FIELDS = ("value", "min_value", "max_value", "due_date")
ANNUAL_CALL_QUARTER = 4  # annual values are collected by the fourth quarter's data call

Versioned = Measurement | Target


# Optimistic locking --------------------------------------------------------------------


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = PRECONDITION_REQUIRED
    default_code = "precondition_required"


class AlreadyExists(exceptions.APIException):
    """A create for an object that exists: 409 naming it, with its version and ETag."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "already_exists"

    def __init__(self, detail: str, row: Versioned) -> None:
        super().__init__(detail)
        self.row = row


@dataclass(frozen=True)
class Precondition:
    """The version the client changes, and where it said so: a stale If-Match is a 412,
    a stale body version a 409."""

    version: int
    from_header: bool


def etag(row: Versioned) -> str:
    return f'"{row.pk}-{row.version}"'


def read_precondition(request: Request, row: Versioned) -> Precondition:
    """The version named by the request: If-Match first, else the body's `version`; 428
    with neither. An ETag of another object names version 0, which is never current."""
    header = request.headers.get("If-Match", "").strip()
    body = request.data.get("version") if isinstance(request.data, dict) else None
    if header:
        match = ETAG_PATTERN.match(header)
        if match is None:
            raise exceptions.ValidationError({"If-Match": [BAD_IF_MATCH]})
        precondition = Precondition(int(match[2]), from_header=True)
        if body not in (None, "") and str(body) != match[2]:
            raise exceptions.ValidationError({"version": [VERSIONS_DISAGREE]})
        if int(match[1]) != row.pk:
            precondition = Precondition(0, from_header=True)  # another object's ETag
    elif body in (None, ""):
        raise PreconditionRequired()
    else:
        precondition = Precondition(_version_number(body), from_header=False)
    return precondition


def _version_number(body: Any) -> int:
    if isinstance(body, bool) or not str(body).isdigit():
        raise exceptions.ValidationError({"version": ["A valid integer is required."]})
    return int(body)


def conflict_response(error: ConflictError, precondition: Precondition | None) -> Response:
    """412 or 409 with the stored version and its ETag, so the client can read it again."""
    row = error.row
    code = status.HTTP_412_PRECONDITION_FAILED
    if precondition is None or not precondition.from_header:
        code = status.HTTP_409_CONFLICT
    label = f"{row.metric.name} ({row.period_label})"
    detail = STALE.format(row=label, who=error.who, when=error.when, version=row.version)
    body = {"detail": detail, "current_version": row.version}
    return Response(body, status=code, headers={"ETag": etag(row)})


class OptimisticLockingMixin:
    """Turns the services' errors into HTTP answers: a ConflictError into 412 or 409 by
    where the client named its version, a WorkflowError into a 400."""

    precondition: Precondition | None = None

    def precondition_for(self, request: Request, row: Versioned) -> Precondition:
        """Refuses a stale change at once, before its content is even checked."""
        self.precondition = read_precondition(request, row)
        if self.precondition.version != row.version:
            raise ConflictError(row)
        return self.precondition

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ConflictError):
            return conflict_response(exc, self.precondition)
        if isinstance(exc, AlreadyExists):
            body = {"detail": str(exc.detail), "current_version": exc.row.version}
            return Response(body, status=exc.status_code, headers={"ETag": etag(exc.row)})
        if isinstance(exc, WorkflowError):
            exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
        return super().handle_exception(exc)  # type: ignore[misc]

    def versioned(self, data: dict[str, Any], row: Versioned, code: int = 200) -> Response:
        return Response(data, status=code, headers={"ETag": etag(row)})


class ConflictSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(help_text="The stored version; read it again.")


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag you last read, like "12-3". Without it, send "version" in the body; '
    "with neither the answer is 428.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201, 409, 412],
    description='"<id>-<version>" of the object as stored; send it back in If-Match.',
)
WRITE_ERRORS = {
    **error_responses(400, 401, 403, 404),
    409: OpenApiResponse(
        ConflictSerializer,
        description="The body's version is stale, or the object already exists; nothing saved.",
    ),
    412: OpenApiResponse(
        ConflictSerializer, description="The If-Match version is stale; nothing was saved."
    ),
    428: OpenApiResponse(ErrorSerializer, description="No version given: send If-Match."),
}


def form_errors(form: Any) -> dict[str, list[str]]:
    """A Django form's errors as DRF reports them, "__all__" as "non_field_errors"."""
    return {
        ("non_field_errors" if name == "__all__" else name): list(errors)
        for name, errors in form.errors.items()
    }


# Serializers -----------------------------------------------------------------------------


class PeriodSerializer(serializers.ModelSerializer):
    """Reads the metric, its element's plan and its office: select them with the row."""

    plan = serializers.SlugRelatedField(
        source="metric.element.plan", slug_field="slug", read_only=True
    )
    office = serializers.SlugRelatedField(
        source="metric.owner_office", slug_field="code", read_only=True
    )
    period = serializers.CharField(source="period_label", read_only=True)


def person() -> serializers.SlugRelatedField:
    """A user by username; empty until someone acts."""
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)


class TargetSerializer(PeriodSerializer):
    updated_by = person()

    class Meta:
        model = Target
        fields = [
            "id",
            "metric",
            "plan",
            "office",
            "fiscal_year",
            "quarter",
            "period",
            "value",
            "min_value",
            "max_value",
            "due_date",
            "version",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields


class TargetValuesSerializer(serializers.Serializer):
    value = serializers.DecimalField(20, 4, required=False, allow_null=True)
    min_value = serializers.DecimalField(20, 4, required=False, allow_null=True)
    max_value = serializers.DecimalField(20, 4, required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Kept in the history with the change.",
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version changed, when If-Match is not sent."
    )


class TargetRefSerializer(serializers.Serializer):
    """Read first, so that access is decided (404, 403) before the content is checked."""

    metric = serializers.IntegerField()


class NewTargetSerializer(TargetValuesSerializer, TargetRefSerializer):
    fiscal_year = serializers.IntegerField()
    quarter = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=4, help_text="Empty: the year."
    )


class MeasurementSerializer(PeriodSerializer):
    milestone_status = serializers.ChoiceField(
        Measurement.Milestone.choices, allow_blank=True, read_only=True
    )
    entered_by = person()
    submitted_by = person()
    reviewed_by = person()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "metric",
            "plan",
            "office",
            "fiscal_year",
            "quarter",
            "period",
            *VALUE_FIELDS,
            "not_available_reason",
            "explanation",
            "status",
            "review_comment",
            "version",
            "entered_by",
            "entered_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = fields


class MeasurementValuesSerializer(serializers.Serializer):
    """What a data steward sends: the entry form's fields, typed. Numeric metrics take
    `value`; percentages `numerator` and `denominator`; milestones `milestone_*`."""

    value = serializers.DecimalField(20, 4, required=False, allow_null=True)
    numerator = serializers.DecimalField(20, 4, required=False, allow_null=True)
    denominator = serializers.DecimalField(20, 4, required=False, allow_null=True)
    milestone_status = serializers.ChoiceField(
        Measurement.Milestone.choices, required=False, allow_blank=True
    )
    milestone_date = serializers.DateField(required=False, allow_null=True)
    not_available = serializers.BooleanField(required=False)
    not_available_reason = serializers.CharField(required=False, allow_blank=True)
    explanation = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required on submit when the value misses its target or moved over 50%.",
    )
    change_reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Required to change an approved value."
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version changed, when If-Match is not sent."
    )


class MeasurementRefSerializer(serializers.Serializer):
    """Read first, so that access is decided (404, 403) before the content is checked."""

    data_call = serializers.IntegerField(help_text="The data call that collects the value.")
    metric = serializers.IntegerField()


class NewMeasurementSerializer(MeasurementValuesSerializer, MeasurementRefSerializer):
    pass


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version acted on, when If-Match is not sent."
    )


class ReturnSerializer(VersionSerializer):
    comment = serializers.CharField(
        error_messages={"required": COMMENT_REQUIRED, "blank": COMMENT_REQUIRED},
        help_text="What the office should fix.",
    )


class DataCallSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    period = serializers.CharField(source="period.label", read_only=True)
    is_open = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = DataCall
        fields = [
            "id",
            "plan",
            "fiscal_year",
            "quarter",
            "period",
            "opens_on",
            "due_on",
            "reminder_days_before",
            "is_open",
            "is_overdue",
        ]

    def get_is_open(self, data_call: DataCall) -> bool:
        return data_call.is_open(timezone.localdate())

    def get_is_overdue(self, data_call: DataCall) -> bool:
        return data_call.is_overdue(timezone.localdate())


def validated(
    serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# Targets --------------------------------------------------------------------------------


def target_entry(
    metric: Metric, period: tuple[int, int | None], data: dict[str, Any], sent: dict[str, Any]
) -> TargetEntry:
    """The target to save, checked as the targets page checks it (metrics.target_forms)."""
    stored = list(Target.objects.filter(metric=metric))
    _check_target_period(metric, period, {t.fiscal_year for t in stored})
    columns = target_columns(metric, [t for t in stored if (t.fiscal_year, t.quarter) == period])
    errors: dict[str, list[str]] = {}
    for name in TARGET_FIELDS:
        if sent.get(name) is not None and name not in columns:
            errors[name] = [NOT_USED_BY_TARGETS]
        elif name != "due_date" and data.get(name) is not None:
            bounds = {"allowed_min": metric.allowed_min, "allowed_max": metric.allowed_max}
            if message := check_value(data[name], unit=metric.unit, **bounds):
                errors[name] = [message]
    low, high = data.get("min_value"), data.get("max_value")
    if low is not None and high is not None and low > high:
        errors.setdefault("min_value", []).append(MIN_ABOVE_MAX)
    if errors:
        raise exceptions.ValidationError(errors)
    entry = TargetEntry(period[0], period[1], **{name: data.get(name) for name in TARGET_FIELDS})
    if entry.is_empty():
        raise exceptions.ValidationError({"non_field_errors": [NO_TARGET]})
    return entry


def _check_target_period(metric: Metric, period: tuple[int, int | None], years: set[int]) -> None:
    """The periods the targets page offers: the plan's years (and any with a target);
    quarters only for quarterly metrics."""
    fiscal_year, quarter = period
    try:
        FiscalYear(fiscal_year)
    except ValueError as error:
        raise exceptions.ValidationError({"fiscal_year": [f"{error}."]}) from None
    if quarter is not None and metric.frequency == Metric.Frequency.ANNUAL:
        raise exceptions.ValidationError({"quarter": [ANNUAL_TARGET.format(metric=metric.name)]})
    allowed = sheet_years(metric.element.plan, years, timezone.localdate())
    if fiscal_year not in allowed:
        message = OUTSIDE_PLAN.format(year=fiscal_year, first=allowed[0], last=allowed[-1])
        raise exceptions.ValidationError({"fiscal_year": [message]})


def target_queryset() -> QuerySet[Target]:
    related = ("metric__element__plan", "metric__owner_office", "updated_by")
    return Target.objects.select_related(*related).order_by("metric_id", "fiscal_year", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Targets of the metrics you can read",
        responses={200: TargetSerializer, **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="One target",
        parameters=[ETAG],
        responses={200: TargetSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        summary="Set a new target (the plan's working-group leads)",
        request=NewTargetSerializer,
        parameters=[ETAG],
        responses={201: TargetSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a target",
        request=TargetValuesSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: TargetSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a target's fields",
        request=TargetValuesSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: TargetSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Clear a target",
        parameters=[IF_MATCH],
        responses={204: None, **WRITE_ERRORS},
    ),
)
class TargetViewSet(OptimisticLockingMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Everyone who reads a metric reads its targets; its plan's leads change them
    (403 for others), through `services.save_targets` with its history row."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Target]:
        if is_schema_generation(self):
            return Target.objects.none()
        return target_queryset().filter(metric__element__plan__in=visible_plans(self.request.user))

    def target_for_user(self, pk: str, *, write: bool = False) -> Target:
        target = target_queryset().filter(pk=pk).first()
        if target is None:
            raise Http404("No such target.")
        target.metric = get_metric_for_user(self.request.user, target.metric_id, write=write)
        return target

    def retrieve(self, request: Request, pk: str) -> Response:
        target = self.target_for_user(pk)
        return self.versioned(TargetSerializer(target).data, target)

    def create(self, request: Request) -> Response:
        ref = validated(TargetRefSerializer, request)
        metric = get_metric_for_user(request.user, ref["metric"], write=True)
        data = validated(NewTargetSerializer, request)
        period = (data["fiscal_year"], data.get("quarter"))
        stored = Target.objects.filter(metric=metric, fiscal_year=period[0], quarter=period[1])
        if existing := stored.first():
            raise AlreadyExists(self._exists_message(metric, existing), existing)
        entry = target_entry(metric, period, data, data)
        save_targets(
            metric=metric, entries=[entry], user=request.user, reason=data.get("reason", "")
        )
        target = target_queryset().get(metric=metric, fiscal_year=period[0], quarter=period[1])
        response = self.versioned(TargetSerializer(target).data, target, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:target-detail", args=[target.pk])
        return response

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        target = self.target_for_user(pk, write=True)
        precondition = self.precondition_for(request, target)
        sent = validated(TargetValuesSerializer, request, partial=partial)
        stored = {name: getattr(target, name) for name in TARGET_FIELDS} if partial else {}
        period = (target.fiscal_year, target.quarter)
        entry = target_entry(target.metric, period, {**stored, **sent}, sent)
        entry.version = precondition.version
        reason = sent.get("reason", "")
        save_targets(metric=target.metric, entries=[entry], user=request.user, reason=reason)
        target = self.target_for_user(pk)
        return self.versioned(TargetSerializer(target).data, target)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        target = self.target_for_user(pk, write=True)
        precondition = self.precondition_for(request, target)
        entry = TargetEntry(target.fiscal_year, target.quarter, version=precondition.version)
        save_targets(metric=target.metric, entries=[entry], user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _exists_message(metric: Metric, target: Target) -> str:
        url = reverse("api:target-detail", args=[target.pk])
        return TARGET_EXISTS.format(
            metric=metric.name, period=target.period_label, pk=target.pk, url=url
        )


# Measurements ---------------------------------------------------------------------------


def measurement_queryset() -> QuerySet[Measurement]:
    related = ("metric__element__plan", "metric__owner_office")
    people = ("entered_by", "submitted_by", "reviewed_by")
    measurements = Measurement.objects.select_related(*related, *people)
    return measurements.order_by("metric_id", "fiscal_year", "quarter", "pk")


def entry_row(data_call: DataCall, office: Office, metric: Metric) -> EntryRow:
    """The metric's row of the entry page: its stored value, target and previous quarters,
    which the form's rules read. 400 when the call does not collect the metric."""
    rows = [row for group in entry_rows(data_call, office) for row in group.rows]
    found = next((row for row in rows if row.metric.pk == metric.pk), None)
    if found is None:
        message = NOT_DUE.format(metric=metric.name, period=data_call.period.label)
        raise exceptions.ValidationError({"metric": [message]})
    return found


def stored_content(measurement: Measurement | None) -> dict[str, Any]:
    if measurement is None:
        return {}
    return {name: getattr(measurement, name) for name in ENTRY_FORM_FIELDS[:-1]}


def value_entry(
    row: EntryRow, data: dict[str, Any], sent: dict[str, Any], *, submitting: bool
) -> ValueEntry:
    """The entry form's verdict on the value (unit, range, completeness on submit, the
    explanation for a missed target, the reason for changing an approved value)."""
    form = MeasurementEntryForm(data, row=row, submitting=submitting, prefix=None)
    kind = row.metric.kind
    given = [name for name in VALUE_FIELDS if sent.get(name) is not None and sent[name] != ""]
    unused = [name for name in given if name not in form.fields]
    if unused:
        raise exceptions.ValidationError({name: [NOT_USED.format(kind=kind)] for name in unused})
    if not form.is_valid():
        raise exceptions.ValidationError(form_errors(form))
    return form.to_entry()


def ensure_open(data_call: DataCall, office: Office) -> None:
    """Refuses a locked quarter before checking the values, as the entry page does."""
    if message := lock_message(data_call, office, timezone.localdate()):
        raise exceptions.ValidationError({"non_field_errors": [message]})


def version_body(serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    return {"request": serializer_class, "parameters": [IF_MATCH, ETAG]}


@extend_schema_view(
    list=extend_schema(
        summary="Values of the metrics you can read",
        responses={200: MeasurementSerializer, **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="One value",
        parameters=[ETAG],
        responses={200: MeasurementSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        summary="Enter a new value as a draft (the office's data stewards)",
        request=NewMeasurementSerializer,
        parameters=[ETAG],
        responses={201: MeasurementSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a value (fields left out are emptied)",
        **version_body(MeasurementValuesSerializer),
        responses={200: MeasurementSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a value",
        **version_body(MeasurementValuesSerializer),
        responses={200: MeasurementSerializer, **WRITE_ERRORS},
    ),
)
class MeasurementViewSet(OptimisticLockingMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Values are saved as drafts, then submitted, then approved or returned, through the
    same services as the entry and review pages. Entering: the office's data stewards;
    reviewing: its approvers and the plan's working-group leads."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Measurement]:
        if is_schema_generation(self):
            return Measurement.objects.none()
        plans = visible_plans(self.request.user)
        return measurement_queryset().filter(metric__element__plan__in=plans)

    def measurement_for_user(self, pk: str) -> Measurement:
        measurement = measurement_queryset().filter(pk=pk).first()
        if measurement is None:
            raise Http404("No such value.")
        measurement.metric = get_metric_for_user(self.request.user, measurement.metric_id)
        return measurement

    def call_office_for_user(
        self, measurement: Measurement, *, act: str
    ) -> tuple[DataCall, Office]:
        """The data call that collects the value, after the same checks as the entry
        ("enter") or review ("review") page: 403 for those who may only read."""
        metric = measurement.metric
        quarter = measurement.quarter or ANNUAL_CALL_QUARTER
        calls = DataCall.objects.filter(plan_id=metric.element.plan_id, quarter=quarter)
        call_id = calls.filter(fiscal_year=measurement.fiscal_year).values_list("pk", flat=True)
        if not call_id:
            message = NO_DATA_CALL.format(period=measurement.period_label)
            raise exceptions.ValidationError({"non_field_errors": [message]})
        user = self.request.user
        return get_call_office_for_user(user, call_id[0], metric.owner_office.code, action=act)

    def respond(self, measurement_id: int, code: int = status.HTTP_200_OK) -> Response:
        measurement = measurement_queryset().get(pk=measurement_id)
        return self.versioned(MeasurementSerializer(measurement).data, measurement, code)

    def retrieve(self, request: Request, pk: str) -> Response:
        measurement = self.measurement_for_user(pk)
        return self.versioned(MeasurementSerializer(measurement).data, measurement)

    def create(self, request: Request) -> Response:
        ref = validated(MeasurementRefSerializer, request)
        metric = get_metric_for_user(request.user, ref["metric"])
        user: User = request.user
        data_call, office = get_call_office_for_user(
            user, ref["data_call"], metric.owner_office.code, action="enter"
        )
        ensure_open(data_call, office)
        data = validated(NewMeasurementSerializer, request)
        row = entry_row(data_call, office, metric)
        if row.measurement is not None:
            raise AlreadyExists(self._exists_message(row.measurement), row.measurement)
        entry = value_entry(row, data, data, submitting=False)
        if not entry.has_content():
            raise exceptions.ValidationError({"non_field_errors": [NOTHING_TO_SAVE]})
        try:
            save_values(data_call=data_call, office=office, entries=[entry], user=user)
        except ConflictError as error:  # the same value created at the same moment
            raise AlreadyExists(self._exists_message(error.row), error.row) from None
        fiscal_year, quarter = period_of(metric, data_call)
        stored = Measurement.objects.get(metric=metric, fiscal_year=fiscal_year, quarter=quarter)
        response = self.respond(stored.pk, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:measurement-detail", args=[stored.pk])
        return response

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        return self._save(request, pk, partial=partial, submit=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(
        summary="Submit a value for review, as it is stored",
        description="Runs the completeness rules of the entry form (a value or a reason it "
        "is not available; an explanation when it misses its target).",
        **version_body(VersionSerializer),
        responses={200: MeasurementSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._save(request, pk, partial=True, submit=True)

    def _save(self, request: Request, pk: str, *, partial: bool, submit: bool) -> Response:
        measurement = self.measurement_for_user(pk)
        data_call, office = self.call_office_for_user(measurement, act="enter")
        precondition = self.precondition_for(request, measurement)
        ensure_open(data_call, office)
        sent = {} if submit else validated(MeasurementValuesSerializer, request, partial=partial)
        data = {**(stored_content(measurement) if partial else {}), **sent}
        row = entry_row(data_call, office, measurement.metric)
        entry = value_entry(row, data, sent, submitting=submit)
        entry.version = precondition.version
        save_values(
            data_call=data_call, office=office, entries=[entry], user=request.user, submit=submit
        )
        return self.respond(measurement.pk)

    @extend_schema(
        summary="Approve a submitted value (office approvers, working-group leads)",
        **version_body(VersionSerializer),
        responses={200: MeasurementSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        measurement = self.measurement_for_user(pk)
        self.call_office_for_user(measurement, act="review")
        precondition = self.precondition_for(request, measurement)
        try:
            approve_values(seen={measurement.pk: precondition.version}, reviewer=request.user)
        except WorkflowError as error:
            raise exceptions.ValidationError({"status": [str(error)]}) from None
        return self.respond(measurement.pk)

    @extend_schema(
        summary="Return a submitted value to the office with a comment",
        **version_body(ReturnSerializer),
        responses={200: MeasurementSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_value(self, request: Request, pk: str) -> Response:
        measurement = self.measurement_for_user(pk)
        self.call_office_for_user(measurement, act="review")
        precondition = self.precondition_for(request, measurement)
        comment = validated(ReturnSerializer, request)["comment"]
        seen = {measurement.pk: precondition.version}
        try:
            return_values(seen=seen, reviewer=request.user, comment=comment)
        except WorkflowError as error:
            raise exceptions.ValidationError({"status": [str(error)]}) from None
        return self.respond(measurement.pk)

    @staticmethod
    def _exists_message(measurement: Measurement) -> str:
        url = reverse("api:measurement-detail", args=[measurement.pk])
        return VALUE_EXISTS.format(
            metric=measurement.metric.name,
            period=measurement.period_label,
            pk=measurement.pk,
            url=url,
        )


# Data calls -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Data calls of the plans you can read, newest first",
        responses={200: DataCallSerializer, **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="One data call", responses={200: DataCallSerializer, **error_responses(401, 404)}
    ),
)
class DataCallViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only: leads open data calls and grant exceptions on the pages."""

    serializer_class = DataCallSerializer
    filterset_class = DataCallFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[DataCall]:
        calls = DataCall.objects.select_related("plan").order_by("-fiscal_year", "-quarter", "pk")
        if is_schema_generation(self):
            return calls.none()
        return calls.filter(plan__in=visible_plans(self.request.user))

    def get_object(self) -> DataCall:
        return get_data_call_for_user(self.request.user, self.kwargs["pk"])
