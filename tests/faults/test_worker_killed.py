"""A report build survives its Celery worker being killed (`kill -9`) in the middle.

Real workers run as subprocesses on the test database and a Redis database of the fault
tests' own, on a queue of the test's own. Builds are slowed down by
REPORT_BUILD_STEP_DELAY_SECONDS so that the kill lands while formats are being rendered.

Two ways to die, two ways back (config/settings.py, CELERY_*):
- the pool process running the task is killed: its worker notices, and because the task is
  acknowledged late and rejected when its worker is lost, puts it back on the queue at
  once; the worker's new pool process runs it again;
- the whole worker is killed (main process and pool, as when a machine dies): the task
  stays unacknowledged in Redis until the visibility timeout (10 s here, through
  CELERY_VISIBILITY_TIMEOUT), when a fresh worker takes it back.

Either way the build finishes with one file per format, and until then the build page and
the file URLs offer nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from celery import Celery
from django.test import Client
from django.urls import reverse

from metrics.models import Measurement
from plans.models import Membership, Office, Plan, User
from reports.builds import FORMATS, request_build
from reports.models import AnnualReport, ReportBuild, ReportFile
from reports.tasks import build_report
from tests.factories import (
    AnnualReportFactory,
    MeasurementFactory,
    MetricFactory,
    PlanElementFactory,
    ReportBlockFactory,
    ReportSectionFactory,
    UserFactory,
)
from tests.faults.conftest import database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
FORMAT_ORDER = ["html", "pdf", "docx", "xlsx"]
STEP_DELAY = "1.5"  # seconds before each format: a build takes about 6 s plus rendering
VISIBILITY_TIMEOUT = "10"
FILE_LINK = re.compile(r'href="(/reports/files/\d+/)"')
Status = ReportBuild.Status


class Worker:
    """`celery -A config worker` as a subprocess in its own process group, logging to a
    file that a failing test prints."""

    def __init__(self, name: str, queue: str, env: dict[str, str], log: Path) -> None:
        self.log = log
        command = [
            *(sys.executable, "-m", "celery", "-A", "config", "worker"),
            *("--pool=prefork", "--concurrency=1", "-Q", queue, "-n", f"{name}@%h"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"),
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def pool_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill_pool_process(self) -> None:
        [pid] = self.pool_pids()
        os.kill(pid, signal.SIGKILL)

    def kill(self) -> None:
        """kill -9 the main process and its pool at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(redis_url: str, tmp_path: Path, settings) -> Iterator[Callable[[str], Worker]]:
    """start_worker("first") -> a worker on the test database, files in tmp_path/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REPORT_BUILD_STEP_DELAY_SECONDS": STEP_DELAY,
    }
    env.pop("CELERY_RESULT_BACKEND", None)
    log = tmp_path / "workers.log"
    workers: list[Worker] = []
    sender = Celery("faults-sender", broker=redis_url)
    # request_build queues with .delay() once its transaction commits; in this process
    # Celery runs eagerly (no broker configured), so send to the workers' queue instead.
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(
        build_report,
        "delay",
        lambda build_id: sender.send_task(build_report.name, args=[build_id], queue=queue),
    )

    def start(name: str) -> Worker:
        workers.append(Worker(name, queue, env, log))
        return workers[-1]

    yield start
    monkeypatch.undo()
    for worker in workers:
        worker.stop()
    sender.close()
    if log.exists():
        print(log.read_text()[-20_000:])  # pytest shows it when the test fails


@pytest.fixture
def report(plan: Plan, offices: dict[str, Office]) -> AnnualReport:
    element = PlanElementFactory(plan=plan, number="1", title="Enforce")
    metric = MetricFactory(element=element, name="Removals", owner_office=offices["ERO"])
    for year, value in [(2019, "112000"), (2020, "185884")]:
        MeasurementFactory(
            metric=metric,
            fiscal_year=year,
            quarter=None,
            value=Decimal(value),
            status=Measurement.Status.APPROVED,
        )
    report = AnnualReportFactory(plan=plan, title="ICE FY 2020", fiscal_year=2020)
    section = ReportSectionFactory(report=report, heading="Removals", order=1)
    ReportBlockFactory(section=section, order=1, text="ICE removed {value} aliens.", metric=metric)
    return report


@pytest.fixture
def lead(offices: dict[str, Office]) -> User:
    user = UserFactory(username="lead-ice")
    Membership.objects.create(
        user=user, office=offices["ICE"], role=Membership.Role.WORKING_GROUP_LEAD
    )
    return user


@pytest.fixture
def reader(lead: User, report: AnnualReport) -> Client:
    """The lead's browser, warmed up: the first page a process serves costs seconds
    (templates, static file finders), which would blur the timings."""
    client = Client()
    client.force_login(lead)
    assert client.get(reverse("reports:annual-report", args=[report.pk])).status_code == 200
    return client


def wait_for(what: str, check: Callable[[], object], timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")


def rendering(build: ReportBuild, fmt: str) -> Callable[[], bool]:
    step = f"Writing {FORMATS[fmt][0]}"
    return lambda: ReportBuild.objects.filter(pk=build.pk, step=step).exists()


def assert_nothing_offered(reader: Client, build: ReportBuild) -> None:
    """While no worker runs the build: its page and status offer no file, and no file URL
    of it answers (there is none to find, or it is refused)."""
    page = reader.get(reverse("reports:annual-build", args=[build.pk]))
    assert page.status_code == 200
    assert FILE_LINK.search(page.content.decode()) is None
    status = reader.get(reverse("reports:annual-build-status", args=[build.pk])).json()
    assert (status["status"], status["done"]) == (Status.RUNNING, False)
    for record in ReportFile.objects.filter(build=build):
        assert reader.get(reverse("reports:annual-file", args=[record.pk])).status_code == 404


def finished_offering_all_or_nothing(reader: Client, build: ReportBuild) -> Callable[[], bool]:
    """Polls the build page as a person waiting for it would: it must offer no file, or
    every format's file at once, never some of them."""

    def check() -> bool:
        page = reader.get(reverse("reports:annual-build", args=[build.pk])).content.decode()
        links = FILE_LINK.findall(page)
        assert len(links) in (0, len(FORMAT_ORDER)), links
        assert ReportBuild.objects.get(pk=build.pk).status != Status.FAILED
        return bool(links)

    return check


def assert_finished_with_one_file_per_format(
    reader: Client, build: ReportBuild, media: Path
) -> None:
    build.refresh_from_db()
    assert (build.status, build.progress, build.error) == (Status.FINISHED, 100, "")
    records = list(build.files.order_by("format"))
    assert sorted(record.format for record in records) == sorted(FORMAT_ORDER)
    for record in records:
        response = reader.get(reverse("reports:annual-file", args=[record.pk]))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert (len(body), hashlib.sha256(body).hexdigest()) == (record.size, record.sha256)
    stored = sorted(path.name for path in media.rglob("*") if path.is_file())
    assert stored == sorted(Path(record.file.name).name for record in records)  # no leftovers


def test_build_whose_pool_process_is_killed_is_put_back_at_once_and_finishes(
    start_worker, report: AnnualReport, lead: User, reader: Client, settings
) -> None:
    worker = start_worker("pool")
    build = request_build(report, FORMAT_ORDER, lead)
    wait_for("the build to render its second format", rendering(build, "pdf"), timeout=60)

    worker.kill_pool_process()
    killed_at = time.monotonic()
    assert_nothing_offered(reader, build)

    wait_for("the build to finish", finished_offering_all_or_nothing(reader, build), timeout=60)
    recovery = time.monotonic() - killed_at
    assert_finished_with_one_file_per_format(reader, build, Path(settings.MEDIA_ROOT))
    print(f"pool process killed: the build finished {recovery:.1f} s later")
    assert "WorkerLostError" in worker.log.read_text()
    assert recovery < 30


def test_build_whose_worker_is_killed_is_redelivered_to_a_fresh_worker_and_finishes(
    start_worker, report: AnnualReport, lead: User, reader: Client, settings
) -> None:
    first = start_worker("first")
    build = request_build(report, FORMAT_ORDER, lead)
    wait_for("the build to render its second format", rendering(build, "pdf"), timeout=60)

    first.kill()
    killed_at = time.monotonic()
    interrupted = ReportBuild.objects.get(pk=build.pk)
    assert (interrupted.status, interrupted.step) == (
        Status.RUNNING,
        "Writing " + FORMATS["pdf"][0],
    )
    assert_nothing_offered(reader, build)
    start_worker("fresh")

    wait_for("the build to finish", finished_offering_all_or_nothing(reader, build), timeout=75)
    recovery = time.monotonic() - killed_at
    assert_finished_with_one_file_per_format(reader, build, Path(settings.MEDIA_ROOT))
    print(f"whole worker killed: the build finished {recovery:.1f} s later on a fresh worker")
    assert recovery < 60
