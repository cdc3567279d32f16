"""The cyclic garbage collector waits while a request builds its response, and runs again
afterwards, even when the view fails."""

from __future__ import annotations

import gc

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from config.middleware import CollectorPausedMiddleware


def test_the_collector_is_paused_during_the_request_and_resumed_after() -> None:
    seen = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(gc.isenabled())
        return HttpResponse("ok")

    assert gc.isenabled()
    response = CollectorPausedMiddleware(view)(RequestFactory().get("/"))

    assert response.content == b"ok"
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_resumes_when_the_view_fails() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        CollectorPausedMiddleware(view)(RequestFactory().get("/"))

    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off() -> None:
    gc.disable()
    try:
        CollectorPausedMiddleware(lambda request: HttpResponse())(RequestFactory().get("/"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_it_comes_first(settings) -> None:
    assert settings.MIDDLEWARE[0] == "config.middleware.CollectorPausedMiddleware"
