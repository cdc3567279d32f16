"""bandit finds nothing of medium or high severity in our Python, as `make security` checks.

The scan covers the whole tree but what pyproject.toml's [tool.bandit] excludes (tests,
node_modules, the virtualenv, vendored static files), so a new top-level package is scanned
without anyone remembering to add it. A false positive is marked on its own line with
`# nosec BXXX # why`; nothing is skipped project-wide. About 8 seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEDIUM_OR_HIGH = {"MEDIUM", "HIGH"}


def bandit_report() -> dict:
    """bandit's JSON report of the project, as `make security` runs it (`-ll`: medium+)."""
    command = [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", ".", "-ll"]
    completed = subprocess.run(
        [*command, "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # bandit exits 1 when it finds something, and 2 or more when it cannot run at all.
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)


def test_bandit_finds_no_medium_or_high_issue() -> None:
    report = bandit_report()
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} ({r['issue_severity']}): "
        f"{r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] in MEDIUM_OR_HIGH
    ]
    assert not findings, "\n".join(findings)
    assert not report["errors"], report["errors"]
    scanned = {Path(name).parts[0] for name in report["metrics"] if name != "_totals"}
    assert {"config", "plans", "metrics", "reports"} <= scanned
    assert not any(part == "tests" for name in report["metrics"] for part in Path(name).parts)
