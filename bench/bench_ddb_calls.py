"""DynamoDB calls per API request, per route: the whole test suite run with metering on.

Every request the tests make through ``tests.support.Api`` is counted (botocore calls to
DynamoDB between request and response); the maximum per route is the number to watch.
Writes ``bench/ddb_calls_per_route.json`` with max/median/requests per route.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as meter_dir:
        env = dict(os.environ, VIGIL_METER_DIR=meter_dir)
        # The console tests talk to a server subprocess (not counted here); skip them.
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-n",
                "2",
                "--dist",
                "loadfile",
                "tests",
                "--ignore=tests/console",
                "-k",
                "not make_run",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        if done.returncode != 0:  # still report what was counted; `make test` is the gate
            print(f"   warning: the metered test run exited {done.returncode}")
        per_route: dict[str, list[int]] = defaultdict(list)
        for file in Path(meter_dir).glob("calls-*.jsonl"):
            for line in file.read_text().splitlines():
                rec = json.loads(line)
                per_route[rec["route"]].append(int(rec["ddb"]))
    table = {
        route: {"max": max(v), "median": statistics.median(v), "requests": len(v)}
        for route, v in sorted(per_route.items())
    }
    (ROOT / "bench" / "ddb_calls_per_route.json").write_text(json.dumps(table, indent=2) + "\n")
    width = max(len(r) for r in table)
    for route, row in table.items():
        flag = "  <-- over 4" if row["max"] > 4 else ""
        print(
            f"   {route:<{width}}  max {row['max']:>3}  median {row['median']:>5}  n={row['requests']}{flag}"
        )
    worst = max(row["max"] for row in table.values())
    return {
        "ddb_calls_max_per_request": float(worst),
        "ddb_routes_measured": float(len(table)),
        "ddb_routes_over_4": float(sum(1 for r in table.values() if r["max"] > 4)),
    }
