"""Sign-in and session lifetime: the idle-timeout warning's settings and keep-alive, and the
page a locked-out sign-in gets (django-axes calls `locked_out` and `client_ip`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plans import sessions


def session_timeout(request: HttpRequest) -> dict[str, int]:
    """Template context for the timeout dialog's data attributes (read by
    js/session-timeout.js) and the sign-in page's "signed out" message. Read per request
    so that a test can shorten the session with override_settings. `session_seconds` is
    what the session has left as the page is served (plans/sessions.py restarts the clock
    only once a minute), `session_minutes` its whole idle limit."""
    seconds = settings.SESSION_COOKIE_AGE
    return {
        "session_seconds": sessions.seconds_left(request.session),
        "session_minutes": max(1, round(seconds / 60)),
        "session_warning_seconds": min(settings.SESSION_WARNING_SECONDS, seconds),
    }


@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": restart the idle clock. Requires sign-in like every page (the
    middleware answers a signed-out request with a redirect to sign-in, which the script
    treats as an ended session). Saving the session, with its new expiry, is what
    restarts it."""
    sessions.restart(request.session)
    return JsonResponse({"expires_in": settings.SESSION_COOKIE_AGE})


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The answer to a sign-in refused by django-axes: 429 with the time to try again (the
    lockout restarts with each attempt, so it ends a full cool-off from now)."""
    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cool_off.total_seconds() / 60))
    context = {
        "retry_at": timezone.localtime() + cool_off,
        "retry_minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def client_ip(request: HttpRequest) -> str | None:
    """The address sign-in failures are counted against. Behind the TLS proxy
    (BEHIND_TLS_PROXY) REMOTE_ADDR is the proxy's, so take the last X-Forwarded-For entry,
    the one our proxy appended; earlier entries come from the client and can be forged."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
