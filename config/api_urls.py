"""REST API routes (`/api/v1/`) and the OpenAPI schema.

The schema is served at `schema/` (YAML; `?format=json` for JSON), and Swagger UI at
`schema/docs/` from our own static files (drf-spectacular-sidecar), its start-up script
served as a file rather than inline so that the Content Security Policy holds. DRF's
browsable API at `v1/` is the other way to explore it.
"""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from metrics.api import DataCallViewSet, MeasurementViewSet, TargetViewSet
from plans.api import MetricViewSet, OfficeViewSet, PlanElementViewSet, PlanViewSet

app_name = "api"

router = DefaultRouter()
router.register("offices", OfficeViewSet, basename="office")
router.register("plans", PlanViewSet, basename="plan")
router.register("elements", PlanElementViewSet, basename="element")
router.register("metrics", MetricViewSet, basename="metric")
router.register("targets", TargetViewSet, basename="target")
router.register("measurements", MeasurementViewSet, basename="measurement")
router.register("data-calls", DataCallViewSet, basename="data-call")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "schema/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="schema-docs",
    ),
]
