"""The agent install command works: its download step fetches the agent from the console server
that issued it, and the checksum in the command matches the file served."""

from __future__ import annotations

import hashlib
import shlex
import subprocess
import sys

import pytest

from chalicelib.hosts import agent_package
from tests.support import seed_world
from tests.support.servers import free_port


@pytest.fixture
def console(monkeypatch):
    """The local console server (as `make run` starts it) on loopback, named as the console URL."""
    from chalicelib.local import web

    port = free_port()
    server = web.start("127.0.0.1", port, "http://127.0.0.1:1")
    base = f"http://127.0.0.1:{port}/"
    monkeypatch.setenv("VIGIL_CONSOLE_URL", base)
    monkeypatch.delenv("VIGIL_AGENT_DOWNLOAD_URL", raising=False)
    monkeypatch.delenv("VIGIL_AGENT_SHA256", raising=False)
    yield base
    server.shutdown()
    server.server_close()


def test_install_command_downloads_a_verified_agent_from_the_console(api, console, tmp_path):
    world = seed_world(api)
    r = api.post(f"/orgs/{world.customer_id}/hosts", world.partner_token, {"name": "web-01"})
    assert r.status == 201, r
    body = r.json
    assert body["agent_download_url"] == f"{console}downloads/vigil-agent.pyz"
    assert len(body["agent_sha256"]) == 64

    # the command up to (not including) the privileged install, writing into tmp_path
    download, _, install = body["install"].partition(" && sudo ")
    assert install.startswith("python3 /tmp/vigil-agent.pyz install --api-url ")
    target = tmp_path / "vigil-agent.pyz"
    step = download.replace("/tmp/vigil-agent.pyz", str(target))
    assert f"curl -fsSL {body['agent_download_url']} " in step and "sha256sum -c -" in step
    done = subprocess.run(["sh", "-c", step], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    data = target.read_bytes()
    assert hashlib.sha256(data).hexdigest() == body["agent_sha256"]
    assert data.startswith(b"#!/usr/bin/env python3\n")

    # the file is the agent: it runs and knows its version
    version = subprocess.run(
        [sys.executable, str(target), "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0 and version.stdout.strip(), version.stderr

    # a changed file fails the check, so the install never runs
    tampered = step.replace(body["agent_sha256"], "0" * 64)
    failed = subprocess.run(
        ["sh", "-c", tampered + " && echo INSTALL"], capture_output=True, text=True, timeout=60
    )
    assert failed.returncode != 0 and "INSTALL" not in failed.stdout

    # the checksum file next to it says the same (sha256sum format)
    sums = subprocess.run(
        ["curl", "-fsS", f"{body['agent_download_url']}.sha256"], capture_output=True, text=True, timeout=60
    )
    assert sums.stdout == f"{body['agent_sha256']}  vigil-agent.pyz\n"
    assert shlex.split(body["install"])[-1] == body["agent_token"]


def test_build_is_reproducible_and_deployed_settings_win(monkeypatch):
    assert agent_package.build() == agent_package.build()
    from chalicelib.hosts import service

    monkeypatch.setenv("VIGIL_AGENT_DOWNLOAD_URL", "https://console.example/downloads/vigil-agent.pyz")
    monkeypatch.setenv("VIGIL_AGENT_SHA256", "AB" * 32)
    command = service.install_command("vgl_x")
    assert command.startswith("curl -fsSL https://console.example/downloads/vigil-agent.pyz ")
    assert f'echo "{"ab" * 32}  /tmp/vigil-agent.pyz" | sha256sum -c -' in command
