"""Production settings: Django's deployment checklist passes with nothing but DEBUG off, a
real key and the host names, and the site refuses to start with a weak key.

Each case runs manage.py in a fresh interpreter (tests/subprocesses.py), because the
settings read the environment once, at import."""

from __future__ import annotations

import json
import secrets
import string

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import DEVELOPMENT_SECRET_KEY, checked_secret_key
from tests.subprocesses import manage

KEY_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"


def random_key(length: int = 50) -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


PRODUCTION = {"SECRET_KEY": random_key(), "ALLOWED_HOSTS": "performance.example.gov"}


def test_production_settings_pass_the_deployment_check_without_a_warning() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_defaults_redirect_to_https_and_send_hsts_for_a_year() -> None:
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({name: "
        "getattr(s, name) for name in ['DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS',"
        " 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE',"
        " 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE',"
        " 'X_FRAME_OPTIONS', 'SESSION_COOKIE_AGE', 'SESSION_REFRESH_SECONDS']}))"
    )

    result = manage("shell", "-c", script, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "X_FRAME_OPTIONS": "DENY",
        "SESSION_COOKIE_AGE": 900,
        "SESSION_REFRESH_SECONDS": 60,
    }


def test_the_site_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = manage("check", ALLOWED_HOSTS="performance.example.gov")

    assert result.returncode != 0
    assert "SECRET_KEY must be set to 50 or more random characters" in result.stderr


def test_local_development_runs_without_a_key_and_without_https() -> None:
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )

    result = manage("shell", "-c", script, DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False 0 False"


@pytest.mark.parametrize(
    "key",
    [
        "",
        "too-short-for-production",
        "django-insecure-" + random_key(50),
        "ab" * 30,  # long, but only two distinct characters
        DEVELOPMENT_SECRET_KEY,
    ],
    ids=["missing", "short", "django-insecure", "few-distinct", "development-key"],
)
def test_weak_secret_keys_are_refused(key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        checked_secret_key(key)


def test_a_random_50_character_key_is_accepted() -> None:
    key = random_key()

    assert checked_secret_key(key) == key
