from __future__ import annotations

from django.urls import path

from reports import review_urls, tva_views, views

app_name = "reports"

urlpatterns = [
    path("plans/<slug:slug>/dashboard/", views.plan_dashboard, name="plan-dashboard"),
    path("plans/<slug:slug>/targets-vs-actuals/", tva_views.tva_page, name="tva"),
    path("plans/<slug:slug>/targets-vs-actuals.xlsx", tva_views.tva_xlsx, name="tva-xlsx"),
    path("metrics/<int:pk>/performance/", views.metric_page, name="metric-page"),
    path("offices/<str:code>/", views.office_page, name="office-page"),
]

# The quarterly review packet keeps its routes in its own module.
urlpatterns += review_urls.urlpatterns
