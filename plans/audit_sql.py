"""The PostgreSQL triggers behind the audit trail, and their idempotent installation.

Every table of the audited apps gets a row trigger that writes an AuditEvent for each
INSERT, UPDATE and DELETE, in the same transaction, whatever issued it: a model's save, a
QuerySet.update(), bulk_create, a delete cascade or raw SQL. The acting user comes from
session settings (`app.user_id`, `app.username`, `app.request_ip`, `app.request_id`) that
plans/audit.py sets per request; unset means the system. The audit table itself gets a
trigger that refuses UPDATE, DELETE and TRUNCATE.

`install_triggers` runs after every `migrate` (post_migrate), so a new model's table is
covered by the migration that creates it. It costs one query when nothing changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from simple_history.models import HistoricalChanges

from plans.audit_models import AuditEvent

AUDITED_APPS = ("plans", "metrics", "reports", "auth", "authtoken")
# Values never written to the trail: only the fact that they changed ("[not recorded]").
SECRET_COLUMNS = frozenset({"password", "session_key", "token", "secret"})
MASKED_COLUMNS = {
    "authtoken_token": frozenset({"key"}),  # the token itself
    # A build's text and snapshot are derived from audited rows and can run to megabytes.
    "reports_reportbuild": frozenset({"content", "snapshot"}),
}
# Changes to these alone write no row: a sign-in is its own event.
IGNORED_COLUMNS = frozenset({"last_login"})

ROW_TRIGGER = "audit_row"
TRUNCATE_TRIGGER = "audit_truncate"
APPEND_ONLY_TRIGGER = "audit_append_only"

CAPTURE_ROW = """
CREATE OR REPLACE FUNCTION {schema}.audit_capture_row() RETURNS trigger
LANGUAGE plpgsql AS $body$
DECLARE
    old_row jsonb;
    new_row jsonb;
    changes jsonb;
    masked text[] := string_to_array(TG_ARGV[1], ',');
    ignored text[] := string_to_array(TG_ARGV[2], ',');
BEGIN
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
    SELECT jsonb_object_agg(
               col,
               CASE
                   WHEN col = ANY (masked) THEN '"[not recorded]"'::jsonb
                   WHEN TG_OP = 'INSERT' THEN jsonb_build_object('new', new_row -> col)
                   WHEN TG_OP = 'DELETE' THEN jsonb_build_object('old', old_row -> col)
                   ELSE jsonb_build_object('old', old_row -> col, 'new', new_row -> col)
               END)
      INTO changes
      FROM jsonb_object_keys(coalesce(new_row, old_row)) AS col
     WHERE NOT col = ANY (ignored)
       AND (TG_OP <> 'UPDATE' OR old_row -> col IS DISTINCT FROM new_row -> col);
    IF changes IS NULL THEN
        RETURN NULL;  -- an UPDATE that changed nothing recorded
    END IF;
    INSERT INTO {schema}.{audit_table}
        (actor_id, actor_username, action, object_type, object_id, changes, outcome,
         request_id, ip_address, source)
    VALUES (
        nullif(current_setting('app.user_id', true), '')::bigint,
        coalesce(current_setting('app.username', true), ''),
        lower(TG_OP),
        TG_TABLE_NAME,
        coalesce(coalesce(new_row, old_row) ->> TG_ARGV[0], ''),
        changes,
        'success',
        coalesce(current_setting('app.request_id', true), ''),
        nullif(current_setting('app.request_ip', true), '')::inet,
        'trigger');
    RETURN NULL;
END
$body$
"""

CAPTURE_TRUNCATE = """
CREATE OR REPLACE FUNCTION {schema}.audit_capture_truncate() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO {schema}.{audit_table}
        (actor_id, actor_username, action, object_type, object_id, outcome, request_id,
         ip_address, source)
    VALUES (
        nullif(current_setting('app.user_id', true), '')::bigint,
        coalesce(current_setting('app.username', true), ''),
        'truncate', TG_TABLE_NAME, '', 'success',
        coalesce(current_setting('app.request_id', true), ''),
        nullif(current_setting('app.request_ip', true), '')::inet,
        'trigger');
    RETURN NULL;
END
$body$
"""

# The owner of the table (the migration role) may empty it, as it may drop it anyway: that
# is how the test runner's flush works. Every other role is refused, whatever its grants.
REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION {schema}.audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'TRUNCATE' AND pg_has_role(
        current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER'
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of % is refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$body$
"""


@dataclass(frozen=True)
class AuditedTable:
    """A table with its audit trigger's arguments."""

    name: str
    key_column: str
    masked: tuple[str, ...]
    ignored: tuple[str, ...]


def audited_tables() -> list[AuditedTable]:
    """Every concrete table of the audited apps except simple-history's Historical* tables
    (they only repeat the audited rows) and the audit table itself."""
    tables: dict[str, AuditedTable] = {}
    configs = [config for config in apps.get_app_configs() if config.label in AUDITED_APPS]
    for config in configs:
        for model in config.get_models(include_auto_created=True):
            if _is_audited(model) and model._meta.db_table not in tables:
                tables[model._meta.db_table] = _audited_table(model)
    return sorted(tables.values(), key=lambda table: table.name)


def _is_audited(model: type[models.Model]) -> bool:
    meta = model._meta
    return (
        meta.managed
        and not meta.proxy
        and not issubclass(model, HistoricalChanges)
        and model is not AuditEvent
    )


def _audited_table(model: type[models.Model]) -> AuditedTable:
    table = model._meta.db_table
    columns = {field.column for field in model._meta.concrete_fields}
    masked = (SECRET_COLUMNS | MASKED_COLUMNS.get(table, frozenset())) & columns
    key = model._meta.pk.column
    if key in masked:  # a token's key is its primary key: name the row by its user instead
        key = next(
            f.column for f in model._meta.concrete_fields if f.unique and f.column not in masked
        )
    return AuditedTable(table, key, tuple(sorted(masked)), tuple(sorted(IGNORED_COLUMNS & columns)))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def trigger_statements(
    connection: BaseDatabaseWrapper, schema: str, tables: list[AuditedTable]
) -> list[str]:
    """The SQL that (re)creates the functions and the tables' triggers, safe to run again."""
    quote = connection.ops.quote_name
    names = {"schema": quote(schema), "audit_table": quote(AuditEvent._meta.db_table)}
    statements = [sql.format(**names) for sql in (CAPTURE_ROW, CAPTURE_TRUNCATE, REFUSE_CHANGE)]
    for table in tables:
        target = f"{names['schema']}.{quote(table.name)}"
        args = ", ".join(
            _literal(arg)
            for arg in (table.key_column, ",".join(table.masked), ",".join(table.ignored))
        )
        statements += [
            f"DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON {target}",
            f"CREATE TRIGGER {ROW_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {target} "
            f"FOR EACH ROW EXECUTE FUNCTION {names['schema']}.audit_capture_row({args})",
            f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {target}",
            f"CREATE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {target} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {names['schema']}.audit_capture_truncate()",
        ]
    audit = f"{names['schema']}.{names['audit_table']}"
    statements += [
        f"DROP TRIGGER IF EXISTS {APPEND_ONLY_TRIGGER} ON {audit}",
        f"CREATE TRIGGER {APPEND_ONLY_TRIGGER} BEFORE UPDATE OR DELETE OR TRUNCATE ON {audit} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {names['schema']}.audit_refuse_change()",
    ]
    return statements


INSTALLED_STATE = """
SELECT obj_description(to_regprocedure(%s), 'pg_proc'),
       (SELECT count(*) FROM pg_trigger t
          JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND t.tgname IN (%s, %s, %s))
"""


def install_triggers(connection: BaseDatabaseWrapper) -> bool:
    """Creates or refreshes the audit triggers on a PostgreSQL database; True if it had to.

    Only tables that exist are covered. The functions carry a fingerprint of the SQL as
    their comment: when it matches and no trigger is missing, nothing is done (three
    queries). Otherwise every statement runs again
    in one transaction (about 130 statements: a fraction of a second)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        if AuditEvent._meta.db_table not in existing:
            return False  # migrated back before the audit table: a trigger would fail
        tables = [table for table in audited_tables() if table.name in existing]
        statements = trigger_statements(connection, schema, tables)
        fingerprint = hashlib.sha256("\n".join(statements).encode()).hexdigest()
        function = f"{connection.ops.quote_name(schema)}.audit_capture_row()"
        triggers = (ROW_TRIGGER, TRUNCATE_TRIGGER, APPEND_ONLY_TRIGGER)
        cursor.execute(INSTALLED_STATE, [function, schema, *triggers])
        comment, count = cursor.fetchone()
        if comment == fingerprint and count == 2 * len(tables) + 1:
            return False
        with transaction.atomic(using=connection.alias):
            for statement in statements:
                cursor.execute(statement)
            cursor.execute(f"COMMENT ON FUNCTION {function} IS {_literal(fingerprint)}")
    return True
