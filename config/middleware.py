"""Process-wide middleware of the project (not of one app)."""

from __future__ import annotations

import gc
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class CollectorPausedMiddleware:
    """Keeps Python's cyclic garbage collector from running while a request builds its
    response, and lets it run again once the view's objects are gone.

    A page of 25,000 cells makes some 100,000 objects that live until its response is
    written; the collections their allocations set off walk them again and again (one
    full collection alone took 60 ms of the 1,000-metric targets-vs-actuals page). Nearly
    all of them are freed by reference counting the moment the view returns, so the
    collection that follows the request finds little to walk. A request's own cyclic
    garbage waits for the end of the request: memory for one response at most. Put it
    first, so that it covers every other middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self.get_response(request)
        finally:
            if was_enabled:
                gc.enable()
