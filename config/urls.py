"""Top-level URLs. Every page requires sign-in (LoginRequiredMiddleware) except sign-in and
sign-out: a session that has already ended (idle timeout, another tab) must still be able
to sign out and land on the sign-in page, not be asked to sign in to sign out."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from plans import session_views

admin.site.site_header = "Strategic Plan Performance administration"
admin.site.site_title = "Strategic Plan Performance admin"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/keep-alive/", session_views.keep_alive, name="keep-alive"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("reports.urls")),
    path("", include("metrics.urls")),
    path("", include("plans.urls")),
]
