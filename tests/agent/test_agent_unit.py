"""The agent's own parts: its sample fits the server's schema, config, backoff, install."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

AGENT_DIR = Path(__file__).resolve().parents[2] / "agent"
sys.path.insert(0, str(AGENT_DIR))

from vigil_agent import collect, config, sender  # noqa: E402

pytestmark = pytest.mark.unit


def test_a_real_sample_of_this_machine_passes_the_server_schema():
    from chalicelib.hosts.schemas import Heartbeat

    sample = collect.collect(60, host_id="h123")
    parsed = Heartbeat.model_validate(sample)
    assert parsed.cpu_count == os.cpu_count()
    assert parsed.memory.total_bytes > 0
    assert any(d.mount == "/" for d in parsed.disks)
    assert len(parsed.disks) <= 64


def test_config_file_then_environment_then_command_line(tmp_path, monkeypatch):
    for var in ("VIGIL_API_URL", "VIGIL_AGENT_TOKEN", "VIGIL_AGENT_INTERVAL", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(var, raising=False)
    conf = tmp_path / "agent.conf"
    conf.write_text("api_url = https://api.example\ntoken = vgl_file\ninterval = 30\n")
    cfg = config.load(str(conf))
    assert (cfg.heartbeat_url, cfg.token, cfg.interval) == (
        "https://api.example/agent/heartbeat",
        "vgl_file",
        30.0,
    )
    monkeypatch.setenv("VIGIL_AGENT_TOKEN", "vgl_env")
    assert config.load(str(conf)).token == "vgl_env"
    assert config.load(str(conf), {"interval": "5"}).interval == 5.0
    monkeypatch.setenv("VIGIL_AGENT_INTERVAL", "0")
    with pytest.raises(config.ConfigError, match="interval"):
        config.load(str(conf))
    with pytest.raises(config.ConfigError, match="api_url"):
        config.load(str(tmp_path / "missing.conf"))


def test_backoff_grows_is_capped_and_never_tight():
    import random

    schedule = sender.Schedule(interval=60, rng=random.Random(1))
    failure = sender.Outcome(503)
    delays = [schedule.next_delay(failure) for _ in range(12)]
    assert all(d >= sender.MIN_DELAY_S for d in delays)
    assert delays[-1] <= sender.BACKOFF_MAX_S and delays[-1] >= sender.BACKOFF_MAX_S / 2
    assert delays[5] > delays[0]
    assert schedule.next_delay(sender.Outcome(200)) == 60  # success resets
    assert schedule.next_delay(sender.Outcome(503)) < 5
    assert schedule.next_delay(sender.Outcome(429, retry_after=120)) == 120
    assert schedule.next_delay(sender.Outcome(429, retry_after=3)) == 60
    fast = sender.Schedule(interval=0.01)
    assert fast.next_delay(sender.Outcome(200)) == sender.MIN_DELAY_S


def test_install_writes_a_private_config_and_the_unit(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "vigil_agent",
            "install",
            "--api-url",
            "https://api.example",
            "--token",
            "vgl_secret",
            "--root",
            str(tmp_path),
        ],
        cwd=AGENT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    conf = tmp_path / "etc" / "vigil-agent.conf"
    assert stat.S_IMODE(conf.stat().st_mode) == 0o600
    assert "token = vgl_secret" in conf.read_text()
    unit = (tmp_path / "etc/systemd/system/vigil-agent.service").read_text()
    assert "ExecStart=/usr/bin/env PYTHONPATH=/opt/vigil-agent /usr/bin/python3 -m vigil_agent run" in unit
    assert "LoadCredential=agent.conf:/etc/vigil-agent.conf" in unit
    assert (tmp_path / "opt/vigil-agent/vigil_agent/collect.py").exists()
