"""Backup and restore: a dump made by scripts/backup.sh and put back by scripts/restore.sh
into an empty database holds exactly the same data, history included.

Values are entered, submitted, approved, changed and targets set through the services, so
that every history table has rows; the test database is dumped with the script, restored
into a fresh database, and every table is compared by row count and by a checksum of its
rows, and every sequence by its position (a restored database must not hand out an id
that is already taken).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from metrics.models import DataCall, Measurement
from metrics.services import (
    TargetEntry,
    ValueEntry,
    approve_values,
    save_targets,
    save_values,
)
from plans.models import Membership, Metric, Office, User
from tests.factories import MetricFactory, UserFactory
from tests.faults.conftest import database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""
SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"


def with_database(url: str, name: str) -> str:
    return f"{url.rsplit('/', 1)[0]}/{name}"


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new, empty database beside the test database; dropped afterwards."""
    name = f"faults_restore_{uuid.uuid4().hex[:12]}"
    admin = with_database(database_url(), "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield with_database(database_url(), name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def run_script(script: str, *args: str, database: str, **env: str) -> str:
    result = subprocess.run(
        ["bash", str(SCRIPTS / script), *args],
        env={**os.environ, "DATABASE_URL": database, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def contents(url: str) -> dict[str, tuple[int, str | None]]:
    """Every table's row count and an md5 of its rows in a stable order; every sequence's
    position."""
    found: dict[str, tuple[int, str | None]] = {}
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute(TABLES)]
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {} t"
            ).format(sql.Identifier(table))
            found[table] = conn.execute(query).fetchone()
        for name, position in conn.execute(SEQUENCES):
            found[f"sequence {name}"] = (position or 0, None)
    return found


@pytest.fixture
def history(
    data_call: DataCall, ero_metric: Metric, offices: dict[str, Office], steward: User
) -> None:
    """Two metrics' values entered, submitted, approved and changed again, with targets."""
    approver = UserFactory(username="approver-ero")
    Membership.objects.create(
        user=approver, office=offices["ERO"], role=Membership.Role.OFFICE_APPROVER
    )
    other = MetricFactory(element=ero_metric.element, owner_office=offices["ERO"], name="Cases")
    office = offices["ERO"]
    for metric in (ero_metric, other):
        save_targets(
            metric=metric, entries=[TargetEntry(2026, 4, value=Decimal(500))], user=steward
        )
        entry = ValueEntry(metric=metric, value=Decimal(120))
        save_values(data_call=data_call, office=office, entries=[entry], user=steward)
        entry = ValueEntry(metric=metric, value=Decimal(510), version=1)
        save_values(data_call=data_call, office=office, entries=[entry], user=steward, submit=True)
    approve_values(seen={m.pk: m.version for m in Measurement.objects.all()}, reviewer=approver)
    changed = ValueEntry(
        metric=ero_metric, value=Decimal(512), version=3, change_reason="Late cases"
    )
    save_values(data_call=data_call, office=office, entries=[changed], user=steward)


def test_restored_database_holds_exactly_the_same_data_and_history(
    history: None, empty_database: str, tmp_path: Path
) -> None:
    assert Measurement.history.count() == 7  # 2 x (entered, submitted, approved) + changed
    before = contents(database_url())

    dump = run_script("backup.sh", database=database_url(), BACKUP_DIR=str(tmp_path)).strip()
    run_script("restore.sh", "--yes", dump, database=empty_database)

    after = contents(empty_database)
    assert sorted(after) == sorted(before)
    differing = {
        name: (before[name], after[name]) for name in before if before[name] != after[name]
    }
    assert not differing
    assert before["metrics_historicalmeasurement"][0] == 7
    assert Path(dump).parent == tmp_path
    assert Path(dump).name.startswith(f"{database_url().rsplit('/', 1)[1]}-")


def test_restore_refuses_without_confirmation(empty_database: str, tmp_path: Path) -> None:
    dump = run_script("backup.sh", database=database_url(), BACKUP_DIR=str(tmp_path)).strip()

    result = subprocess.run(
        ["bash", str(SCRIPTS / "restore.sh"), dump],
        env={**os.environ, "DATABASE_URL": empty_database},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 3
    assert "run with --yes to confirm" in result.stderr
    assert contents(empty_database) == {}
