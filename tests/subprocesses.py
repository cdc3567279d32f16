"""manage.py in a fresh interpreter, for tests of what happens at start-up: the settings
read the environment once, at import, and some commands make and drop databases of their
own, which must not happen inside the test run's process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def manage(*args: str, timeout: int = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py with only PATH, HOME and `env` in the environment (no DEBUG, no
    DATABASE_URL, none of the test suite's variables)."""
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
