"""`make run` as a newcomer uses it: a subprocess on free ports, real HTTP, clean stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def _http(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _env(port: int, aws_port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "VIGIL_"))}
    env.update(
        {
            "VIGIL_PORT": str(port),
            "VIGIL_AWS_PORT": str(aws_port),
            "VIGIL_WEB_PORT": str(free_port()),
            "VIGIL_DEMO_PASSWORD": "Smoke-Test-2026!",
            "VIGIL_LOG_LEVEL": "WARNING",
        }
    )
    return env


@pytest.fixture
def running():
    port, aws_port = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chalicelib.local.run"],
        cwd=ROOT,
        env=_env(port, aws_port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"make run exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        try:
            if _http("GET", f"{base}/health")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("API did not become healthy")
    yield proc, base, aws_port
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_make_run_serves_demo_and_stops_cleanly(running):
    proc, base, aws_port = running
    status, _, body = _http(
        "POST", f"{base}/auth/login", {"email": "partner@example.com", "password": "Smoke-Test-2026!"}
    )
    assert status == 200, body
    token = json.loads(body)["id_token"]
    status, _, body = _http("GET", f"{base}/me", headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    names = {o["name"]: o["role"] for o in json.loads(body)["orgs"]}
    assert names["SteineundUnkraut GmbH"] == "admin"
    assert names["Innendekoration Stein & Mehr"] == "partner"
    # the customer admin of the demo logs in without a first-login challenge
    status, _, body = _http(
        "POST", f"{base}/auth/login", {"email": "kunde@example.com", "password": "Smoke-Test-2026!"}
    )
    assert status == 200 and "id_token" in json.loads(body)
    # CORS preflight for the console, answered over real HTTP
    status, headers, _ = _http(
        "OPTIONS", f"{base}/orgs", headers={"Origin": base, "Access-Control-Request-Method": "POST"}
    )
    assert status == 200 and "Idempotency-Key" in headers.get("Access-Control-Allow-Headers", "")
    # sent mail is readable through the mailbox command
    out = subprocess.run(
        [sys.executable, "-m", "chalicelib.local.mailbox", "--endpoint", f"http://127.0.0.1:{aws_port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    output = proc.stdout.read()
    assert "partner@example.com" in output and "make mail" in output and "stopped." in output


def test_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "chalicelib.local.run"],
            cwd=ROOT,
            env=_env(port, free_port()),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2
    assert f"port {port}" in proc.stderr and "VIGIL_PORT" in proc.stderr
