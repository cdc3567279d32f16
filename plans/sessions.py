"""The session's idle clock, restarted by requests without writing the session on each.

Sessions end SESSION_COOKIE_AGE seconds after the clock last restarted (NIST AC-12: 15
minutes). Writing the session back on every request (SESSION_SAVE_EVERY_REQUEST) costs an
UPDATE and a commit per page; here a request writes it only when the clock last restarted
more than `refresh_seconds()` ago, so a session ends between 14 and 15 minutes after its
last request, never later. The time of the last restart is kept in the session itself, and
each page is told how long its session has left (`seconds_left`) so that the warning dialog
counts down to the real end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

RESTARTED = "_idle_clock_restarted_at"


def refresh_seconds() -> int:
    """How stale the clock may get before a request restarts it: SESSION_REFRESH_SECONDS,
    but never more than a tenth of the session's age (a short test session restarts on
    every request)."""
    return min(settings.SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 10)


def restart(session: SessionBase, now: float | None = None) -> None:
    """Restarts the clock: the session is written (with a new expiry) at the response."""
    session[RESTARTED] = time.time() if now is None else now


def seconds_left(session: SessionBase, now: float | None = None) -> int:
    now = time.time() if now is None else now
    restarted = session.get(RESTARTED, now)
    return max(0, round(restarted + settings.SESSION_COOKIE_AGE - now))


def restart_at_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        restart(request.session)


class IdleTimeoutMiddleware:
    """Restarts the idle clock of a live session when it is older than `refresh_seconds()`.
    Place it after SessionMiddleware; requests without a session create none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None and not session.is_empty():
            now = time.time()
            if now - session.get(RESTARTED, 0) >= refresh_seconds():
                restart(session, now)
        return self.get_response(request)
