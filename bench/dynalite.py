"""dynalite (npm): a DynamoDB-compatible server for benchmarks at sizes moto cannot answer.

moto answers a GSI Query by walking every item of the table and sorts partitions per Query, so
a 100,000-item table takes seconds per call; dynalite keeps LevelDB-ordered (in-memory) indexes.
Installed on first use into ``bench/.work/dynalite`` (gitignored) with the ordinary npm client,
started on a free loopback port and stopped by the bench. Only DynamoDB goes there
(``AWS_ENDPOINT_URL_DYNAMODB``); SQS and the rest stay on moto.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

VERSION = "3.2.2"
HOME = Path(__file__).parent / ".work" / "dynalite"
CLI = HOME / "node_modules" / "dynalite" / "cli.js"


def install() -> Path:
    if not CLI.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("dynalite needs node and npm")
        HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(HOME), f"dynalite@{VERSION}"],
            check=True,
            capture_output=True,
        )
    return CLI


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running() -> Iterator[str]:
    """A fresh in-memory dynalite; yields its URL and points DynamoDB clients at it."""
    cli = install()
    port = _free_port()
    proc = subprocess.Popen(
        ["node", str(cli), "--port", str(port), "--host", "127.0.0.1", "--createTableMs", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("dynalite did not start")
        old = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = url
        try:
            yield url
        finally:
            if old is None:
                os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
            else:
                os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = old
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
