"""The heavy progress views run with the cyclic garbage collector paused, and it resumes
when they return, also when they fail."""

from __future__ import annotations

import gc

import pytest

from reports import tva_views, views
from reports.collector import collector_paused


def test_the_collector_is_paused_during_the_view_and_resumed_after() -> None:
    seen = []

    @collector_paused
    def view() -> str:
        seen.append(gc.isenabled())
        return "ok"

    assert gc.isenabled()
    assert view() == "ok"
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_resumes_when_the_view_fails() -> None:
    @collector_paused
    def view() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        view()
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    try:
        collector_paused(lambda: None)()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("view", [tva_views.tva_page, tva_views.tva_xlsx, views.plan_dashboard])
def test_the_big_tables_are_built_with_it(view) -> None:
    """require_GET wraps collector_paused's wrapper, which wraps the view."""
    assert view.__wrapped__.__code__.co_qualname == "collector_paused.<locals>.paused"
