from __future__ import annotations

from django.urls import path

from metrics import measure_import_views, spreadsheet_views, target_views, views

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
    path(
        "plans/<slug:slug>/import-measures/",
        measure_import_views.upload_measures,
        name="measures-import",
    ),
    path(
        "plans/<slug:slug>/import-measures/<str:token>/columns/",
        measure_import_views.map_measures,
        name="measures-import-map",
    ),
    path(
        "plans/<slug:slug>/import-measures/<str:token>/preview/",
        measure_import_views.preview_measures,
        name="measures-import-preview",
    ),
    path(
        "plans/<slug:slug>/import-measures/<str:token>/done/",
        measure_import_views.measures_result,
        name="measures-import-result",
    ),
]
