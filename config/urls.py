"""Top-level URLs. Every page requires sign-in (LoginRequiredMiddleware) except sign-in."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Strategic Plan Performance administration"
admin.site.site_title = "Strategic Plan Performance admin"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("reports.urls")),
    path("", include("metrics.urls")),
    path("", include("plans.urls")),
]
