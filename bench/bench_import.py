"""Cold import of the API module vs boto3 alone, each in a fresh interpreter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("reportlab", "PIL", "lxml", "facturx", "drafthorse", "aiohttp", "pydantic")


def _import_ms(statement: str) -> tuple[float, set[str]]:
    env = dict(os.environ, VIGIL_PREFIX="vigil-bench", AWS_DEFAULT_REGION="eu-central-1")
    best = float("inf")
    modules: set[str] = set()
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", statement],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        total = 0
        for line in out.splitlines():
            m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
            if m and len(m.group(2)) == 1:  # top-level imports carry the cumulative time
                total += int(m.group(1))
            if m:
                modules.add(m.group(3).split(".")[0])
        best = min(best, total / 1000)
    return best, modules


def run() -> dict[str, float]:
    app_ms, modules = _import_ms("import app")
    boto_ms, _ = _import_ms("import boto3")
    heavy = sorted(set(HEAVY) & modules)
    print(f"   import app: {app_ms:.0f} ms, import boto3: {boto_ms:.0f} ms, heavy modules: {heavy or 'none'}")
    return {
        "import_app_ms": round(app_ms, 1),
        "import_boto3_ms": round(boto_ms, 1),
        "import_app_heavy_modules": float(len(heavy)),
    }
