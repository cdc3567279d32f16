from __future__ import annotations

from django.urls import path

from metrics import views

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
    path("metrics/<int:pk>/values/", views.metric_values, name="metric-values"),
]
