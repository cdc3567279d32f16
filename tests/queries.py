"""What every signed-in request costs in SQL before its view runs, for tests that pin a
page's exact number of queries."""

from __future__ import annotations

from django.db import connection


def request_overhead() -> int:
    """The session saved on every request (SESSION_SAVE_EVERY_REQUEST: inside a test's
    transaction a savepoint, the update and its release) and, on PostgreSQL, the audit
    trail's one `set_config` naming the acting user (plans/audit.py)."""
    return 3 + (1 if connection.vendor == "postgresql" else 0)
