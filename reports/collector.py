"""Keeping Python's cyclic garbage collector out of the way of pages that hold many objects.

The targets-vs-actuals table of 1,000 metrics keeps some 100,000 objects alive while its
response is built (value rows, cells, rows); the collections their allocations set off walk
them again and again (one full collection alone took 60 ms of that page). None of them is
part of a reference cycle: reference counting frees them all the moment the view returns.
So those views run with the collector paused, and it resumes once they return.

Not for every view: forms make reference cycles (a form and its bound fields), and pausing
the collector around the 200-metric entry form made it 8% slower, its cyclic garbage piling
up until the end of the request.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(view: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(view)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return view(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused
