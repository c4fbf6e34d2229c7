"""Fixtures for host tests: a registered host and heartbeats (the world comes from tests/conftest.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest


def heartbeat_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agent_version": "1.0.0",
        "interval_s": 60,
        "hostname": "web-01",
        "os": {"name": "Linux", "version": "Debian GNU/Linux 12", "kernel": "6.1.0", "arch": "x86_64"},
        "uptime_s": 86_400,
        "load": {"load1": 0.5, "load5": 0.4, "load15": 0.3},
        "cpu_count": 4,
        "memory": {"total_bytes": 8_000_000_000, "available_bytes": 6_000_000_000},
        "swap": {"total_bytes": 1_000_000_000, "free_bytes": 1_000_000_000},
        "disks": [
            {
                "mount": "/",
                "fs": "ext4",
                "total_bytes": 100_000_000_000,
                "used_bytes": 40_000_000_000,
                "free_bytes": 60_000_000_000,
            }
        ],
    }
    body = copy.deepcopy(body)
    body.update(changes)
    return body


@pytest.fixture
def make_host(api, world) -> Callable[..., dict[str, Any]]:
    def make(name: str = "web-01", org_id: str | None = None, token: str | None = None) -> dict[str, Any]:
        r = api.post(
            f"/orgs/{org_id or world.customer_id}/hosts",
            token or world.partner_token,
            {"name": name, "tags": ["prod"]},
        )
        assert r.status == 201, r
        return r.json

    return make


@pytest.fixture
def send(api) -> Callable[..., Any]:
    """POST a heartbeat with an agent token (no user token)."""

    def post(token: str, body: Any = None, header: str = "bearer", **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if header == "bearer" else {"X-Agent-Token": token}
        return api.post(
            "/agent/heartbeat", None, heartbeat_body() if body is None else body, headers=headers, **kw
        )

    return post
