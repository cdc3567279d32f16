from __future__ import annotations

from django.urls import path

from plans import audit_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan-detail"),
    path(
        "plans/<slug:slug>/elements/<str:number>/",
        views.element_detail,
        name="element-detail",
    ),
    path("metrics/<int:pk>/", views.metric_detail, name="metric-detail"),
    path("audit/", audit_views.audit_log, name="audit-log"),
]
