"""Who is acting, for the audit triggers; and the sign-in events the application writes.

The triggers (plans/audit_sql.py) read the acting user from PostgreSQL session settings.
`AuditContextMiddleware` sets them with one query at the start of every request, before any
view runs, overwriting whatever the previous request on the same persistent connection left;
so there is nothing to reset at the end (which would cost a second query per request). Code
that runs outside requests (Celery workers, management commands) has its own connections
and acts as the system unless it says otherwise with `acting_as(user)`.

Sign-ins, failed sign-ins, sign-outs and lockouts come from Django's and django-axes'
signals: they are the only hook that every sign-in door (the sign-in page, the admin's, the
API token view) passes through. They are written on every database, SQLite included.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from psycopg import pq

from plans.audit_models import AuditEvent

SET_CONTEXT = (
    "SELECT set_config('app.user_id', %s, false), set_config('app.username', %s, false), "
    "set_config('app.request_ip', %s, false), set_config('app.request_id', %s, false)"
)
GET_CONTEXT = (
    "SELECT current_setting('app.user_id', true), current_setting('app.username', true), "
    "current_setting('app.request_ip', true), current_setting('app.request_id', true)"
)
# A proxy's request id is kept when it looks like one; anything else gets a fresh id.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
TOKEN_HEADER = re.compile(r"^Token ([0-9a-f]{40})$")


def set_context(
    *, user: Any = None, ip: str = "", request_id: str = "", using: str = DEFAULT_DB_ALIAS
) -> None:
    """Names who the following database changes on this connection are by (None or an
    anonymous user: the system). One query on PostgreSQL, none elsewhere."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    known = user is not None and user.is_authenticated
    values = [str(user.pk) if known else "", user.get_username() if known else "", ip, request_id]
    with connection.cursor() as cursor:
        cursor.execute(SET_CONTEXT, values)


@contextmanager
def acting_as(user: Any, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Attributes the database changes made inside the block to `user` (for commands and
    tasks that act for someone), then restores the previous context. Two queries in, one
    out, on PostgreSQL only."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(GET_CONTEXT)
        previous = [value or "" for value in cursor.fetchone()]
    set_context(user=user, using=using)
    try:
        yield
    finally:
        # In a failed transaction the rollback to come restores the settings by itself.
        if not _in_failed_transaction(connection):
            with connection.cursor() as cursor:
                cursor.execute(SET_CONTEXT, previous)


def _in_failed_transaction(connection: BaseDatabaseWrapper) -> bool:
    status = connection.connection.info.transaction_status
    return connection.needs_rollback or status == pq.TransactionStatus.INERROR


def client_address(request: HttpRequest) -> str:
    """The client's IP address as sign-in throttling sees it (behind the TLS proxy, the one
    the proxy appended), or "" when it is not a valid address."""
    name = getattr(settings, "AXES_CLIENT_IP_CALLABLE", None)
    address = import_string(name)(request) if name else request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return ""


def request_id(request: HttpRequest) -> str:
    """The request's id, given by the proxy (X-Request-ID) or made here; kept on the
    request so that every event of the request carries the same one."""
    if not hasattr(request, "audit_request_id"):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.audit_request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    return request.audit_request_id


def request_user(request: HttpRequest) -> Any:
    """The signed-in user: from the session, or from an API token (Django's middleware
    does not read tokens; Django REST framework does, later, inside the view). A token
    costs one query here, on PostgreSQL only."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    match = TOKEN_HEADER.match(request.META.get("HTTP_AUTHORIZATION", ""))
    if match and connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        from rest_framework.authtoken.models import Token  # only when the app is installed

        token = Token.objects.select_related("user").filter(key=match[1]).first()
        if token is not None and token.user.is_active:
            return token.user
    return None


class AuditContextMiddleware:
    """Tells the database who is acting, for the audit triggers: one query per request on
    PostgreSQL (two for an API token), none on other databases. Place it after
    AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            set_context(
                user=request_user(request),
                ip=client_address(request),
                request_id=request_id(request),
            )
        return self.get_response(request)


def record_event(
    *,
    action: str,
    request: HttpRequest | None,
    user: Any = None,
    username: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
) -> AuditEvent:
    """Writes an event the application itself observes (a sign-in, a lockout)."""
    known = user is not None and getattr(user, "pk", None) is not None
    return AuditEvent.objects.create(
        actor=user if known else None,
        actor_username=(user.get_username() if known else username)[:150],
        action=action,
        object_type=get_user_model()._meta.db_table if known else "",
        object_id=str(user.pk) if known else "",
        outcome=outcome,
        request_id=request_id(request) if request is not None else "",
        ip_address=(client_address(request) or None) if request is not None else None,
        source=AuditEvent.Source.APP,
    )


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Writes the sign-in, and names the user to the database for the rest of the request
    (the request began anonymous)."""
    record_event(action=AuditEvent.Action.SIGN_IN, request=request, user=user)
    if request is not None:
        set_context(user=user, ip=client_address(request), request_id=request_id(request))


def record_sign_in_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Writes a failed sign-in with the username as typed (never the password: Django
    has already masked it in `credentials`, and only the username is read)."""
    field = get_user_model().USERNAME_FIELD
    username = str(credentials.get(field) or credentials.get("username") or "")
    record_event(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        request=request,
        username=username,
        outcome=AuditEvent.Outcome.FAILURE,
    )


def record_sign_out(
    sender: Any, request: HttpRequest | None, user: Any = None, **kwargs: Any
) -> None:
    record_event(action=AuditEvent.Action.SIGN_OUT, request=request, user=user)


def record_lockout(
    sender: Any, request: HttpRequest | None = None, username: str = "", **kwargs: Any
) -> None:
    """django-axes refused a sign-in because of too many failures."""
    record_event(
        action=AuditEvent.Action.LOCKED_OUT,
        request=request,
        username=str(username or ""),
        outcome=AuditEvent.Outcome.FAILURE,
    )
