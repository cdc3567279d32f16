"""What every signed-in request costs in SQL before its view runs, for tests that pin a
page's exact number of queries."""

from __future__ import annotations

from django.db import connection


def request_overhead() -> int:
    """On PostgreSQL, the audit trail's one `set_config` naming the acting user
    (plans/audit.py). The session is not written back: its idle clock restarted at sign-in,
    less than a minute ago (plans/sessions.py)."""
    return 1 if connection.vendor == "postgresql" else 0
