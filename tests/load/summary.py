"""Turns locust's CSV statistics into the markdown table of docs/PERFORMANCE.md and checks
the target of the load test.

    python tests/load/summary.py var/load/users-25 var/load/users-50 [--target PREFIX]

Each PREFIX is what `locust --csv PREFIX` was given (it reads PREFIX_stats.csv) and, when
present, PREFIX_loadavg.txt (lines "epoch load1 load5 load15" sampled during the run by
run.sh). The target, checked on the first run unless --target names another: p95 under
500 ms for every request but sign-in, and no failure at all. Exits 1 when it is missed.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

P95_LIMIT_MS = 500
EXEMPT = {"sign in"}  # the password hash (PBKDF2, ~1M iterations) is slow by design


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    rps: float


def read_stats(prefix: str) -> tuple[list[Row], Row]:
    """The rows by request name, and the aggregated row."""
    rows, total = [], None
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as stats:
        for line in csv.DictReader(stats):
            row = Row(
                name=line["Name"],
                requests=int(line["Request Count"]),
                failures=int(line["Failure Count"]),
                p50=float(line["50%"] or 0),
                p95=float(line["95%"] or 0),
                p99=float(line["99%"] or 0),
                rps=float(line["Requests/s"]),
            )
            if line["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    if total is None:
        raise SystemExit(f"{prefix}_stats.csv has no Aggregated row: did locust finish?")
    return sorted(rows, key=lambda r: r.name), total


def load_average(prefix: str) -> str:
    """ "1-min load average 0.9-2.1 (mean 1.4)" from the samples taken during the run."""
    path = Path(f"{prefix}_loadavg.txt")
    if not path.exists():
        return "load average not sampled"
    values = [float(line.split()[1]) for line in path.read_text().splitlines() if line.strip()]
    if not values:
        return "load average not sampled"
    return (
        f"1-min load average {min(values):.1f}-{max(values):.1f} "
        f"(mean {statistics.fmean(values):.1f}, {len(values)} samples)"
    )


def misses(rows: list[Row]) -> list[str]:
    problems = [f"{r.name}: {r.failures} failure(s)" for r in rows if r.failures]
    problems += [
        f"{r.name}: p95 {r.p95:.0f} ms >= {P95_LIMIT_MS} ms"
        for r in rows
        if r.name not in EXEMPT and r.p95 >= P95_LIMIT_MS
    ]
    return problems


def table(prefix: str) -> str:
    rows, total = read_stats(prefix)
    lines = [
        "| request | requests | failures | p50 ms | p95 ms | p99 ms | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in [*rows, total]:
        name = "**all requests**" if r is total else r.name
        over = " (!)" if r is not total and r.name not in EXEMPT and r.p95 >= P95_LIMIT_MS else ""
        lines.append(
            f"| {name} | {r.requests:,} | {r.failures} | {r.p50:.0f} | {r.p95:.0f}{over} | "
            f"{r.p99:.0f} | {r.rps:.1f} |"
        )
    return "\n".join(lines)


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory = f", {gib:.1f} GiB"
    return f"{os.cpu_count()} cores ({model or platform.machine()}){memory}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefixes", nargs="+", help="locust --csv prefixes, one per run")
    parser.add_argument("--target", help="the run the target applies to (default: the first)")
    args = parser.parse_args()
    target = args.target or args.prefixes[0]
    print(f"Machine: {machine()}\n")
    for prefix in args.prefixes:
        users = Path(prefix).name.removeprefix("users-")
        _rows, total = read_stats(prefix)
        print(f"#### {users} users\n")
        print(f"{total.rps:.1f} requests/s; {load_average(prefix)}.\n")
        print(table(prefix) + "\n")
    problems = misses(read_stats(target)[0])
    goal = f"p95 < {P95_LIMIT_MS} ms for every request but sign-in, no failure"
    if problems:
        print(f"Target ({goal}) MISSED on {target}:")
        print("\n".join(f"- {problem}" for problem in problems))
        return 1
    print(f"Target ({goal}) met on {target}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
