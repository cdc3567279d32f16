"""REST API for the organisation and the plans: offices, plans, their elements and metrics.

Read-only: plans are set up through imports and the admin. Every endpoint shows what the
pages show, through the same rules (plans.access): a user sees the offices on the line of
their memberships and the plans those offices reach; anything else is 404, as on the pages.
List querysets are built once per request with their relations selected, so a page of 100
rows costs the same few queries as a page of one.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from plans.access import get_metric_for_user, get_plan_for_user, reachable_office_ids, visible_plans
from plans.api_filters import MetricFilter, OfficeFilter, PlanElementFilter, PlanFilter
from plans.hierarchy import TreeNode, build_tree
from plans.models import Metric, Office, Plan, PlanElement

# Error bodies, for the schema. DRF answers {"detail": "..."} for 401/403/404 and
# {"field": ["message", ...]} for a 400, with "non_field_errors" for the request as a whole.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": 'Messages by field; "non_field_errors" for the request as a whole; only '
    '"detail", a string, when the body cannot be parsed at all (not JSON).',
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema responses for the error codes an endpoint can answer, with their meaning."""
    meanings = {
        400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description="Invalid input."),
        401: OpenApiResponse(ErrorSerializer, description="Not signed in: send a token."),
        403: OpenApiResponse(ErrorSerializer, description="You may read this but not change it."),
        404: OpenApiResponse(ErrorSerializer, description="No such object, or not yours to see."),
    }
    return {code: meanings[code] for code in codes}


READ_ERRORS = error_responses(401, 404)
LIST_ERRORS = error_responses(400, 401)


def is_schema_generation(view: viewsets.GenericViewSet) -> bool:
    """drf-spectacular builds views without a signed-in user to read their models."""
    return getattr(view, "swagger_fake_view", False)


# Serializers -----------------------------------------------------------------------------


class OfficeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Office
        fields = ["id", "code", "name", "kind", "parent", "description"]


class PlanSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level_names = serializers.ListField(child=serializers.CharField(), read_only=True)
    values = serializers.ListField(
        source="values_list", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = Plan
        fields = [
            "slug",
            "title",
            "owner",
            "status",
            "start_fiscal_year",
            "end_fiscal_year",
            "mission",
            "vision",
            "values",
            "level_names",
            "at_risk_percent",
            "created_at",
            "updated_at",
        ]


class PlanElementSerializer(serializers.ModelSerializer):
    """Reads `element.plan` for the slug and level name: select it with the element."""

    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    level_name = serializers.CharField(read_only=True)
    metric_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PlanElement
        fields = [
            "id",
            "plan",
            "parent",
            "level",
            "level_name",
            "number",
            "title",
            "description",
            "outcomes",
            "order",
            "metric_count",
        ]
        extra_kwargs = {"title": {"help_text": "Empty when the source document gives none."}}


class ElementTreeSerializer(serializers.Serializer):
    """One element of a plan's outline, with the elements under it."""

    id = serializers.IntegerField(source="element.pk")
    level = serializers.IntegerField(source="element.level")
    level_name = serializers.CharField(source="element.level_name")
    number = serializers.CharField(source="element.number")
    title = serializers.CharField(source="element.title")
    description = serializers.CharField(source="element.description")
    outcomes = serializers.ListField(source="element.outcomes", child=serializers.CharField())
    metric_count = serializers.IntegerField(source="element.metric_count")


# Declared after the class so that the field can name the class itself.
ElementTreeSerializer._declared_fields["children"] = ElementTreeSerializer(many=True)


class MetricSerializer(serializers.ModelSerializer):
    """Reads the element, its plan and the owner office: select them with the metric, and
    prefetch `also_supports`."""

    plan = serializers.SlugRelatedField(source="element.plan", slug_field="slug", read_only=True)
    element_number = serializers.CharField(source="element.number", read_only=True)
    owner_office = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Metric
        fields = [
            "id",
            "name",
            "plan",
            "element",
            "element_number",
            "owner_office",
            "definition",
            "kind",
            "unit",
            "unit_label",
            "direction",
            "aggregation",
            "frequency",
            "compares_with_prior_year",
            "allowed_min",
            "allowed_max",
            "baseline_value",
            "baseline_fiscal_year",
            "data_source",
            "data_quality_notes",
            "also_supports",
            "order",
        ]
        read_only_fields = fields


# Views -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Offices on the line of your roles",
        responses={200: OfficeSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One office", responses={200: OfficeSerializer, **READ_ERRORS}),
)
class OfficeViewSet(viewsets.ReadOnlyModelViewSet):
    """The offices a user reaches: those they hold a role in, with the offices above and
    below them. Administrators see every office."""

    serializer_class = OfficeSerializer
    filterset_class = OfficeFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Office]:
        offices = Office.objects.select_related("parent")
        if is_schema_generation(self) or self.request.user.is_administrator:
            return offices
        return offices.filter(pk__in=reachable_office_ids(self.request.user))


@extend_schema_view(
    list=extend_schema(
        summary="Plans you can read", responses={200: PlanSerializer, **LIST_ERRORS}
    ),
    retrieve=extend_schema(summary="One plan", responses={200: PlanSerializer, **READ_ERRORS}),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Plan]:
        if is_schema_generation(self):
            return Plan.objects.none()
        return visible_plans(self.request.user)

    def get_object(self) -> Plan:
        return get_plan_for_user(self.request.user, self.kwargs["slug"])

    @extend_schema(
        summary="The plan's outline as a tree",
        description="Top-level elements in the plan's order, each with its children nested.",
        filters=False,
        responses={200: ElementTreeSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, pagination_class=None, filterset_class=None)
    def tree(self, request: Request, slug: str) -> Response:
        """The whole outline from one query; elements reach their plan without another."""
        plan = get_plan_for_user(request.user, slug)
        elements = plan.elements.in_outline_order().with_metric_count()
        roots: list[TreeNode] = build_tree(elements)
        return Response(ElementTreeSerializer(roots, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Elements of the plans you can read, flat",
        responses={200: PlanElementSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One element", responses={200: PlanElementSerializer, **READ_ERRORS}
    ),
)
class PlanElementViewSet(viewsets.ReadOnlyModelViewSet):
    """Goals, objectives and actions in outline order (level, then position); filter by
    `plan` for one plan's outline, or use the plan's `tree` endpoint for it nested."""

    serializer_class = PlanElementSerializer
    filterset_class = PlanElementFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[PlanElement]:
        elements = PlanElement.objects.select_related("plan").with_metric_count()
        elements = elements.order_by("plan__title", "plan_id", "level", "order", "pk")
        if is_schema_generation(self):
            return elements
        return elements.filter(plan__in=visible_plans(self.request.user))


@extend_schema_view(
    list=extend_schema(
        summary="Metrics of the plans you can read",
        responses={200: MetricSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One metric", responses={200: MetricSerializer, **READ_ERRORS}),
)
class MetricViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MetricSerializer
    filterset_class = MetricFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Metric]:
        metrics = Metric.objects.select_related("element__plan", "owner_office")
        metrics = metrics.prefetch_related("also_supports").order_by("element__plan_id", "pk")
        if is_schema_generation(self):
            return metrics
        return metrics.filter(element__plan__in=visible_plans(self.request.user))

    def get_object(self) -> Metric:
        return get_metric_for_user(self.request.user, self.kwargs["pk"])
