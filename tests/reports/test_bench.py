"""`manage.py bench` (docs/PERFORMANCE.md): one JSON line per case, measured in a scratch
database of its own, never the configured one.

It runs in a fresh interpreter, as `make bench` does: the command makes and drops its own
databases, which must not happen inside the test run's."""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.subprocesses import manage

LINE_KEYS = {"case", "rows", "median_ms", "queries", "floor_ms", "ratio", "peak_kib"}


def bench(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return manage(
        "bench",
        *args,
        timeout=300,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
    )


def test_prints_one_json_line_per_case_and_leaves_the_configured_database_alone(
    tmp_path: Path,
) -> None:
    configured = tmp_path / "site.sqlite3"

    result = bench(
        "--quick", "--cases", "home-page,entry-page-20", database_url=f"sqlite:///{configured}"
    )

    assert result.returncode == 0, result.stderr
    lines = [json.loads(text) for text in result.stdout.splitlines() if text.startswith("{")]
    assert [line["case"] for line in lines] == ["home-page", "entry-page-20"]
    for line in lines:
        assert set(line) == LINE_KEYS
        assert min(line["median_ms"], line["floor_ms"], line["queries"], line["peak_kib"]) > 0
        assert line["ratio"] == pytest.approx(line["median_ms"] / line["floor_ms"], rel=0.05)
    assert lines[1]["rows"] == 20
    assert not configured.exists()


def test_unknown_cases_are_refused_with_the_known_ones(tmp_path: Path) -> None:
    configured = tmp_path / "site.sqlite3"

    result = bench("--cases", "tva-200x20,tva-9x9", database_url=f"sqlite:///{configured}")

    assert result.returncode != 0
    assert "Unknown cases: tva-9x9" in result.stderr
    assert "home-page" in result.stderr
    assert not configured.exists()
