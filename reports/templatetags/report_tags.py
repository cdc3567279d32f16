"""Template helpers for the progress pages."""

from __future__ import annotations

from django import template
from django.http import QueryDict

from plans.formatting import format_value
from reports.status import Status

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters changed ("" removes one), so that
    links keep the page's filters: `?{% query_with element=goal.number %}`."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in ("", None):
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()


@register.filter
def status_label(status: str) -> str:
    return Status(status).label if status else ""


@register.filter
def percent(share: object) -> str:
    """A 0-1 share as "62%"; "—" when there is none."""
    if share is None:
        return "—"
    return f"{round(float(share) * 100)}%"


@register.simple_tag
def value_in(value: object, unit: str) -> str:
    """A value in its unit, or "—" (a missing attribute arrives as "")."""
    return format_value(value, unit) if value not in (None, "") else "—"


@register.filter
def status_count(counts: object, status: str) -> int:
    """`{{ board.totals|status_count:"on_track" }}`"""
    return counts[Status(status)]
