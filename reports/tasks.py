"""Celery tasks: ids in, a service call, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from reports.builds import run_build


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_report(build_id: int) -> str:
    """Redelivered if its worker dies; a finished build is left as it is."""
    return run_build(build_id).status
