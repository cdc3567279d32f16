"""The audit log page for administrators: filters, pages of 50 events, CSV export."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from plans.audit_models import AuditEvent
from plans.audit_sql import audited_tables

PAGE_SIZE = 50
CSV_COLUMNS = [
    "id",
    "occurred_at",
    "actor_username",
    "actor_id",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "changes",
    "ip_address",
    "request_id",
    "source",
]
# A spreadsheet runs a cell that starts with these as a formula (CSV injection): a failed
# sign-in's username is whatever the caller typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def object_type_labels() -> dict[str, str]:
    """{table: "Measurement (metrics_measurement)"} for the audited tables."""
    by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    labels = {}
    for table in audited_tables():
        model = by_table.get(table.name)
        name = str(model._meta.verbose_name).capitalize() if model else table.name
        labels[table.name] = f"{name} ({table.name})"
    return labels


class AuditFilterForm(forms.Form):
    who = forms.CharField(required=False, label="Username", max_length=150)
    object_type = forms.ChoiceField(required=False, label="Object type")
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
    )
    since = forms.DateField(required=False, label="From (date)", help_text="YYYY-MM-DD")
    until = forms.DateField(required=False, label="To (date, included)", help_text="YYYY-MM-DD")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        types = sorted(object_type_labels().items(), key=lambda item: item[1])
        self.fields["object_type"].choices = [("", "Any object type"), *types]

    def filters(self) -> dict[str, object]:
        """Keyword arguments for AuditEventQuerySet.for_filters, dates as local days."""
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        return {
            "who": data.get("who", "").strip(),
            "object_type": data.get("object_type", ""),
            "action": data.get("action", ""),
            "since": _local_midnight(since) if since else None,
            "until": _local_midnight(until + timedelta(days=1)) if until else None,
        }


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Administrators only; everyone else gets 404, so the page's existence is not told."""
    if not request.user.is_administrator:
        raise Http404
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        events = events.for_filters(**form.filters())
    if request.GET.get("format") == "csv":
        return _csv_response(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = object_type_labels()
    for event in page.object_list:
        event.object_label = labels.get(event.object_type, event.object_type)
        event.change_lines = change_lines(event.changes)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "plans/audit_log.html", context)


def change_lines(changes: dict | None) -> list[tuple[str, str]]:
    """[("name", "X office -> Y office"), ("password", "[not recorded]")] for the page."""
    lines = []
    for column, change in sorted((changes or {}).items()):
        if not isinstance(change, dict):
            lines.append((column, str(change)))
            continue
        values = [_shown(change[key]) for key in ("old", "new") if key in change]
        lines.append((column, " → ".join(values)))
    return lines


def _shown(value: object) -> str:
    return "empty" if value in (None, "") else str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)  # JSON starts with { or [: never a formula
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_rows(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in events.values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
        yield writer.writerow([_cell(value) for value in row])


def _csv_response(events: QuerySet[AuditEvent]) -> StreamingHttpResponse:
    """Streams every matching event, oldest first, in chunks of 2,000 (one query each on
    PostgreSQL, through a server-side cursor)."""
    response = StreamingHttpResponse(
        _csv_rows(events.order_by("id")), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response
