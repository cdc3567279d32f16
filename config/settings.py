"""Settings for the whole project, driven by environment variables.

Every variable is documented in `.env.example`. The defaults are safe rather than
convenient: DEBUG is off, and with no DATABASE_URL or CELERY_BROKER_URL the site runs
on SQLite with Celery tasks executed in-process (the "embedded" set-up of `make run`).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean variable: 1/true/yes/on are true, anything else false."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated variable into a list, ignoring blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"


def checked_secret_key(value: str) -> str:
    """The key for DEBUG off, or ImproperlyConfigured: the site refuses to start rather
    than sign sessions with a guessable key. The rule is the deployment check's
    (security.W009): 50 characters or more, 5 or more distinct, not Django's insecure
    placeholder, and not our development key."""
    if (
        len(value) < 50
        or len(set(value)) < 5
        or value.startswith("django-insecure-")
        or value == DEVELOPMENT_SECRET_KEY
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to 50 or more random characters when DEBUG is off. "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    return value


# A development key is only acceptable while DEBUG is on.
_secret_key = os.environ.get("SECRET_KEY", "")
SECRET_KEY = (_secret_key or DEVELOPMENT_SECRET_KEY) if DEBUG else checked_secret_key(_secret_key)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "plans",
    "metrics",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "plans.sessions.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "plans.audit.AuditContextMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a locked-out sign-in into the 429 page; django-axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.session_views.session_timeout",
            ],
        },
    },
]

# Django's form templates, with the plain widgets (inputs, text areas, selects) written in
# Python: the same HTML at a fraction of the cost on pages of many fields.
FORM_RENDERER = "plans.form_renderer.PythonWidgetRenderer"

# SQLite in the embedded set-up; PostgreSQL (postgres://...) in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "plans.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:plan-list"
LOGOUT_REDIRECT_URL = "login"
# django-axes checks for a lockout before the model backend looks at the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# NIST SP 800-63B (5.1.1.2) for a password that is the only factor: 15 characters or more,
# no maximum below 64 (Django sets none), checked against common passwords and the user's
# own details; no composition rules and no periodic expiry (the guideline advises against
# both), so there are no validators for them.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sign-in throttling (django-axes, ASVS 6.3.x / NIST AC-7): after LOGIN_FAILURE_LIMIT
# failed sign-ins for the same username from the same IP address, that pair is refused
# (HTTP 429, registration/locked_out.html) for LOGIN_LOCKOUT_MINUTES after the last
# attempt; each attempt during the lockout restarts the wait. Counting the pair, not the
# username alone, keeps an attacker elsewhere from locking a user out. A successful
# sign-in clears the pair's failures. The admin sign-in is covered too.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "plans.session_views.locked_out"
# Behind the TLS proxy every request comes from the proxy: read the address it appends.
AXES_CLIENT_IP_CALLABLE = "plans.session_views.client_ip"

# Sessions end after SESSION_COOKIE_AGE seconds without a request (NIST AC-12, FedRAMP
# Moderate: 15 minutes). A request restarts the clock by writing the session only when it
# last restarted more than SESSION_REFRESH_SECONDS ago (plans/sessions.py), so a session
# ends between 14 and 15 minutes after its last request and most pages write nothing.
# SESSION_WARNING_SECONDS before the end, js/session-timeout.js offers to stay signed in
# (WCAG 2.2.1).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", "900"))
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "60"))
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
# Accounts with no sign-in for this many days are disabled daily (plans.tasks).
INACTIVE_ACCOUNT_DAYS = int(os.environ.get("INACTIVE_ACCOUNT_DAYS", "90"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and `make run` serve straight from the finders; production serves collected files.
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "performance@localhost")

# Celery: with no broker configured, tasks run in-process (eagerly) so that the embedded
# set-up needs no Redis. Production points CELERY_BROKER_URL at Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Crash recovery (docs/operations.md): a task is acknowledged only when it ends, so a
# worker killed mid-task leaves it to be run again. A dead pool process is noticed by its
# worker, which puts the task back at once; a whole worker that dies leaves the task
# unacknowledged in Redis until the visibility timeout, when a live worker takes it back.
# Any task still running after that timeout is delivered a second time: every task must be
# idempotent, and a report build must finish within it (or raise it). One task reserved per
# process, so a dead worker holds back no others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "60")),
    # Look for abandoned tasks every 5 s (kombu's default scans only every ~100 s).
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "data-call-reminders": {
        "task": "metrics.tasks.send_data_call_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "disable-inactive-accounts": {
        "task": "plans.tasks.disable_inactive_accounts",
        "schedule": crontab(hour=2, minute=30),
    },
}

# History reasons are free text (a returned value's comment, a change's justification).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

REST_FRAMEWORK = {
    # Systems send "Authorization: Token ..."; the browser uses its session (with CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Strategic Plan Performance API",
    "DESCRIPTION": (
        "Plans, their hierarchy and metrics; targets and quarterly measurements with their "
        "review workflow; data calls. Every write goes through the same services and "
        "permission checks as the web pages."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for signed-in users and systems with a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from our own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Security headers that apply everywhere. The TLS ones are on unless DEBUG is, so that
# production needs no switch to be safe (`manage.py check --deploy` passes with DEBUG off,
# SECRET_KEY and ALLOWED_HOSTS alone); plain-HTTP set-ups turn them off one by one.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# Off for the test suite (pyproject.toml) and behind a proxy that redirects by itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Sent on HTTPS responses only. A year, with subdomains and preload, as .gov domains are
# expected to be preloaded (CISA BOD 18-01); 0 disables.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)

# Content Security Policy (django-csp 4). Scripts and styles only from our own files: no
# inline script, no eval (plotly's strict build needs neither), no inline <style> (plotly
# reads its global styles from css/charts.css, linked with id "plotly.js-style-global" and
# class "no-inline-styles", instead of writing a <style> element). Style *attributes* that
# scripts set through the CSSOM (element.style) are not governed by style-src. Report
# charts are data: URI images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each rendering step at INFO; only its warnings matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
