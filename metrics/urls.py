from __future__ import annotations

from django.urls import path

from metrics import spreadsheet_views, target_views, views

app_name = "metrics"

urlpatterns = [
    path("data-calls/", views.my_data_calls, name="my-data-calls"),
    path("plans/<slug:slug>/data-calls/", views.data_call_list, name="data-call-list"),
    path("data-calls/<int:pk>/", views.data_call_board, name="data-call-board"),
    path(
        "data-calls/<int:pk>/exceptions/",
        views.grant_data_call_exception,
        name="data-call-exception",
    ),
    path(
        "data-calls/<int:pk>/offices/<str:office>/entry/",
        views.quarter_entry,
        name="quarter-entry",
    ),
    path(
        "data-calls/<int:pk>/offices/<str:office>/review/",
        views.quarter_review,
        name="quarter-review",
    ),
    path(
        "data-calls/<int:pk>/offices/<str:office>/template.xlsx",
        spreadsheet_views.download_template,
        name="quarter-template",
    ),
    path(
        "data-calls/<int:pk>/offices/<str:office>/upload/",
        spreadsheet_views.upload_values,
        name="quarter-upload",
    ),
    path("metrics/<int:pk>/values/", views.metric_values, name="metric-values"),
    path("metrics/<int:pk>/targets/", target_views.edit_targets, name="metric-targets"),
]
