"""The real agent process against the API served over HTTP: online, killed → offline, back."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from tests.support import mails

T = TypeVar("T")

AGENT_DIR = Path(__file__).resolve().parents[2] / "agent"


def wait_for(predicate: Callable[[], T | None], what: str, timeout: float = 30.0) -> T:
    """Poll until ``predicate`` returns something truthy (the agent runs in real time)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def start_agent(url: str, token: str, log_file: Path) -> subprocess.Popen:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VIGIL_API_URL": url,
        "VIGIL_AGENT_TOKEN": token,
        "VIGIL_AGENT_INTERVAL": "1",
        "VIGIL_AGENT_CONFIG": str(log_file.parent / "absent.conf"),
    }
    out = log_file.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "vigil_agent", "run", "--verbose"],
        cwd=AGENT_DIR,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


@pytest.fixture
def agents():
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        stop(proc)


def test_agent_reports_goes_offline_when_killed_and_recovers(api, world, live_api, agents, tmp_path):
    from chalicelib import clock
    from chalicelib.hosts.offline import mark_offline

    t0 = datetime(2026, 11, 27, 10, 0, 5, tzinfo=UTC)
    clock.set_now(t0)
    # GIVEN a host in the partner's own org (its admin gets the alerts, in German)
    r = api.post(f"/orgs/{world.partner_id}/hosts", world.partner_token, {"name": "web-01", "tags": ["prod"]})
    assert r.status == 201, r
    host_id, token = r.json["id"], r.json["agent_token"]
    path = f"/orgs/{world.partner_id}/hosts/{host_id}"
    assert api.get(path, world.partner_token).json["status"] == "pending"

    # WHEN the real agent runs against the HTTP server
    log_file = tmp_path / "agent.log"
    agents.append(start_agent(live_api, token, log_file))

    def online():
        body = api.get(path, world.partner_token).json
        return body if body["status"] == "online" else None

    host = wait_for(online, "the first heartbeat")
    # THEN what it measured on this machine is what the API shows
    m = host["metrics"]
    assert m["hostname"] == socket.gethostname()
    assert m["cpu_count"] == os.cpu_count()
    assert m["os"]["kernel"] == platform.release()
    assert m["memory"]["total_bytes"] > 0
    assert any(d["mount"] == "/" for d in m["disks"]), m["disks"]
    assert host["last_seen_at"] == "2026-11-27T10:00:05Z"
    rollups = api.get(
        f"{path}/metrics?from=2026-11-27T09:00:00Z&to=2026-11-27T11:00:00Z", world.partner_token
    ).json["items"]
    assert [x["hour"] for x in rollups] == ["2026-11-27T10:00:00Z"]
    assert rollups[0]["heartbeats"] == 1

    # WHEN the agent dies and time passes beyond 3 intervals (interval 1 s → floor of 3 × 10 s)
    stop(agents.pop())
    clock.advance(timedelta(seconds=20))
    assert mark_offline()["offline"] == 0
    assert api.get(path, world.partner_token).json["status"] == "online"
    clock.advance(timedelta(seconds=15))
    assert mark_offline()["offline"] == 1
    # THEN the host is offline, one incident is open, the admin got one alert
    assert api.get(path, world.partner_token).json["status"] == "offline"
    incidents = api.get(f"/orgs/{world.partner_id}/incidents", world.partner_token).json["items"]
    assert [(i["kind"], i["state"], i["subject"]["id"]) for i in incidents] == [
        ("host_offline", "open", host_id)
    ]
    alerts = [x for x in mails("partner@example.com") if "Host offline" in x.subject]
    assert [x.subject for x in alerts] == ["[NEU] Host offline: web-01"]
    assert mark_offline()["offline"] == 0  # a second run changes nothing

    # WHEN the agent comes back
    agents.append(start_agent(live_api, token, log_file))
    wait_for(online, "the heartbeat after the restart")

    def resolved():
        items = api.get(f"/orgs/{world.partner_id}/incidents", world.partner_token).json["items"]
        return items if items[0]["state"] == "resolved" else None

    # THEN the incident is resolved (right after the state flip) and the admin is told so
    incidents = wait_for(resolved, "the incident to be resolved", timeout=10)
    assert [(i["kind"], i["state"]) for i in incidents] == [("host_offline", "resolved")]

    def both_mails():
        found = [x.subject for x in mails("partner@example.com") if "Host offline" in x.subject]
        return found if len(found) >= 2 else None

    subjects = wait_for(both_mails, "the resolved alert", timeout=10)
    assert sorted(subjects) == ["[BEHOBEN] Host offline: web-01", "[NEU] Host offline: web-01"]


def test_agent_with_revoked_token_backs_off_instead_of_looping(api, world, live_api, agents, tmp_path):
    # GIVEN a host that is deleted, so its token is revoked
    r = api.post(f"/orgs/{world.partner_id}/hosts", world.partner_token, {"name": "old"})
    token = r.json["agent_token"]
    assert api.delete(f"/orgs/{world.partner_id}/hosts/{r.json['id']}", world.partner_token).status == 204
    log_file = tmp_path / "agent.log"
    agents.append(start_agent(live_api, token, log_file))
    # WHEN it has been refused
    wait_for(lambda: "token refused" in log_file.read_text(), "the refusal in the agent log")
    time.sleep(1.5)
    # THEN it waits (2 s, 4 s … with jitter ≥ 1 s) instead of retrying in a tight loop
    refusals = log_file.read_text().count("token refused")
    assert 1 <= refusals <= 3, log_file.read_text()
    assert agents[0].poll() is None  # still alive, retrying slowly
