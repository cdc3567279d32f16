"""PostgreSQL restarted during a stream of writes: every acknowledged write is stored and
no failed one is.

A thread saves a value 200+ times in a row through the service, each time a different
number and from the version it just read, as the entry page does, and records which saves
returned (acknowledged) and which raised (failed). Meanwhile the test restarts the
PostgreSQL cluster (`pg_ctlcluster ... restart`, fast mode: sessions are cut). Afterwards
the value's history, written in the same transaction as each save, must hold exactly the
acknowledged numbers, and the stream must have gone on writing after the restart: with
CONN_HEALTH_CHECKS on, the first query of each request finds the dead connection and opens
a new one.

This restarts the machine's PostgreSQL, so it runs on CI (one test at a time) and, on a
shared machine, only when asked: FAULTS_RESTART_POSTGRES=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from metrics.models import DataCall, Measurement
from metrics.services import ValueEntry, save_values
from plans.models import Metric, Office, User
from tests.factories import MeasurementFactory
from tests.faults.conftest import skip_or_fail

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

WRITES = 200
AFTER_RESTART = 20  # acknowledged writes still wanted once the database is back
RESTART_AFTER = 40  # acknowledged writes before the restart
TIME_LIMIT = 90


@pytest.fixture
def cluster() -> tuple[str, str, str, str]:
    """(version, name, host, port) of the local cluster serving the test database."""
    if os.environ.get("CI") != "true" and os.environ.get("FAULTS_RESTART_POSTGRES") != "1":
        pytest.skip(
            "Restarts the machine's PostgreSQL under every other session using it: set "
            "FAULTS_RESTART_POSTGRES=1 to run it here (CI always runs it)."
        )
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    port = str(connection.settings_dict["PORT"] or "5432")
    if shutil.which("pg_lsclusters") is None or os.geteuid() != 0:
        skip_or_fail("Restarting PostgreSQL needs root and pg_ctlcluster (postgresql-common).")
    if host not in ("127.0.0.1", "localhost", "::1"):
        skip_or_fail(f"The test database is on {host}; only a local cluster can be restarted.")
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, name, host, port
    skip_or_fail(f"No local PostgreSQL cluster listens on port {port}: {listing.stdout}")
    raise AssertionError  # not reached


@dataclass
class Stream:
    acknowledged: list[Decimal] = field(default_factory=list)
    failed: list[tuple[Decimal, str]] = field(default_factory=list)
    restarted: threading.Event = field(default_factory=threading.Event)
    after_restart: int = 0


def write_stream(stream: Stream, measurement: Measurement, call: DataCall, office: Office,
                 user: User) -> None:  # fmt: skip
    """Saves 10000, 10001, ... until WRITES attempts are made and AFTER_RESTART of them
    were acknowledged after the restart, or TIME_LIMIT passes."""
    deadline = time.monotonic() + TIME_LIMIT
    number = 0
    try:
        while time.monotonic() < deadline and (
            number < WRITES or stream.after_restart < AFTER_RESTART
        ):
            value = Decimal(10_000 + number)
            number += 1
            close_old_connections()  # as each request starts: the health check is due again
            try:
                version = Measurement.objects.values_list("version", flat=True).get(
                    pk=measurement.pk
                )
                entry = ValueEntry(metric=measurement.metric, value=value, version=version)
                save_values(data_call=call, office=office, entries=[entry], user=user)
            except Exception as error:  # a failed write, to be absent from the database
                stream.failed.append((value, f"{type(error).__name__}: {error}".strip()))
            else:
                stream.acknowledged.append(value)
                stream.after_restart += stream.restarted.is_set()
            close_old_connections()  # as each request ends
            time.sleep(0.02)
    finally:
        connection.close()


def restart(version: str, name: str, host: str, port: str) -> float:
    """Restarts the cluster and waits until it accepts connections; returns the seconds
    it took."""
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--mode", "fast", version, name, "restart"], check=True, timeout=60
    )
    while subprocess.run(["pg_isready", "-q", "-h", host, "-p", port], check=False).returncode:
        assert time.monotonic() - started < 60, "PostgreSQL did not come back within 60 s"
        time.sleep(0.1)
    return time.monotonic() - started


def test_writes_acknowledged_across_a_postgresql_restart_are_all_stored_and_no_failed_one(
    cluster: tuple[str, str, str, str],
    data_call: DataCall,
    ero_metric: Metric,
    offices: dict[str, Office],
    steward: User,
) -> None:
    measurement = MeasurementFactory(metric=ero_metric, value=Decimal(100))
    stream = Stream()
    writer = threading.Thread(
        target=write_stream, args=(stream, measurement, data_call, offices["ERO"], steward)
    )
    writer.start()
    deadline = time.monotonic() + 30
    while len(stream.acknowledged) < RESTART_AFTER and time.monotonic() < deadline:
        time.sleep(0.05)

    downtime = restart(*cluster)
    stream.restarted.set()
    writer.join(timeout=TIME_LIMIT + 10)
    connection.close()  # this thread's connection died with the restart

    history = set(measurement.history.values_list("value", flat=True))
    stored = {value for value in history if value >= 10_000}
    failed = {value for value, _error in stream.failed}
    print(
        f"restart took {downtime:.1f} s; {len(stream.acknowledged)} writes acknowledged, "
        f"{len(failed)} failed, {len(stored)} stored; failures: "
        f"{sorted({error.splitlines()[0] for _v, error in stream.failed})}"
    )
    assert not writer.is_alive()
    assert stream.after_restart >= AFTER_RESTART, "the stream did not recover after the restart"
    assert stream.failed, "no write failed: the restart did not interrupt the stream"
    assert set(stream.acknowledged) - stored == set(), "acknowledged writes were lost"
    assert stored & failed == set(), "writes reported as failed were stored"
    assert stored == set(stream.acknowledged)
    measurement.refresh_from_db()
    assert (measurement.value, measurement.version) == (
        stream.acknowledged[-1],
        1 + len(stream.acknowledged),
    )
