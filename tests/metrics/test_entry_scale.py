"""The entry form's cost does not grow with the number of metrics (pinned; see make bench)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import Measurement
from reports.management.commands.bench import build_office, entry_post


def _queries(client: Client, method: str, url: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code in (200, 302), response.status_code
    return len(queries)


def _office_costs(size: int) -> tuple[int, int, int]:
    """Queries to load the form, to save new values, and to save changed values."""
    data_call, office, steward = build_office(size)
    client = Client()
    client.force_login(steward)
    url = reverse("metrics:quarter-entry", args=[data_call.pk, office.code])
    load = _queries(client, "get", url)
    create = _queries(client, "post", url, entry_post(data_call, office, 1))
    update = _queries(client, "post", url, entry_post(data_call, office, 2))
    saved = Measurement.objects.filter(metric__owner_office=office, quarter=data_call.quarter)
    assert saved.filter(value=102).count() == size
    return load, create, update


@pytest.mark.django_db
def test_loading_and_saving_the_entry_form_costs_the_same_queries_for_3_or_30_metrics() -> None:
    # 30 stays under SQLite's bound-parameter limit, past which bulk writes are split into
    # batches (PostgreSQL is not split; make bench measures 200 metrics there).
    assert _office_costs(3) == _office_costs(30)
