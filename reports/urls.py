from __future__ import annotations

from django.urls import path

from reports import annual_views, review_urls, tva_views, views

app_name = "reports"

urlpatterns = [
    path("plans/<slug:slug>/dashboard/", views.plan_dashboard, name="plan-dashboard"),
    path("plans/<slug:slug>/targets-vs-actuals/", tva_views.tva_page, name="tva"),
    path("plans/<slug:slug>/targets-vs-actuals.xlsx", tva_views.tva_xlsx, name="tva-xlsx"),
    path("metrics/<int:pk>/performance/", views.metric_page, name="metric-page"),
    path("offices/<str:code>/", views.office_page, name="office-page"),
    path("reports/", annual_views.report_list, name="annual-list"),
    path("reports/new/", annual_views.report_new, name="annual-new"),
    path("reports/<int:pk>/", annual_views.report_detail, name="annual-report"),
    path("reports/<int:pk>/details/", annual_views.report_details, name="annual-details"),
    path("reports/<int:pk>/preview/", annual_views.report_preview, name="annual-preview"),
    path("reports/<int:pk>/sections/", annual_views.section_add, name="annual-section-add"),
    path(
        "reports/<int:pk>/sections/<int:section>/",
        annual_views.section_edit,
        name="annual-section",
    ),
    path(
        "reports/<int:pk>/sections/<int:section>/move/",
        annual_views.section_move,
        name="annual-section-move",
    ),
    path("reports/<int:pk>/builds/", annual_views.build_start, name="annual-build-start"),
    path("reports/builds/<int:pk>/", annual_views.build_detail, name="annual-build"),
    path("reports/builds/<int:pk>/status/", annual_views.build_status, name="annual-build-status"),
    path("reports/files/<int:pk>/", annual_views.file_download, name="annual-file"),
]

# The quarterly review packet keeps its routes in its own module.
urlpatterns += review_urls.urlpatterns
