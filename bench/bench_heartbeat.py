"""Heartbeat ingestion: DynamoDB calls and handler time per accepted heartbeat (in-process).

20 hosts report 10 rounds one minute apart (business time moved with ``chalicelib.clock``)
through the real route via ``chalice.test.Client``. The first round flips each host from
pending to online (the slow path); the steady-state rounds are what ``heartbeat_calls`` and
``heartbeat_handler_ms`` describe.

Handler time includes the embedded emulator: moto deep-copies every table on each
TransactWriteItems (for its rollback), so the time grows with the table and says little about
DynamoDB itself; compare runs with each other, not with production latencies.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta

HOSTS = 20
ROUNDS = 10


def _body() -> bytes:
    return json.dumps(
        {
            "agent_version": "1.0.0",
            "interval_s": 60,
            "hostname": "bench",
            "os": {"name": "Linux", "version": "Debian 12", "kernel": "6.1.0", "arch": "x86_64"},
            "uptime_s": 1000,
            "load": {"load1": 0.5, "load5": 0.4, "load15": 0.3},
            "cpu_count": 4,
            "memory": {"total_bytes": 8 * 2**30, "available_bytes": 6 * 2**30},
            "swap": {"total_bytes": 2**30, "free_bytes": 2**30},
            "disks": [
                {
                    "mount": f"/d{i}",
                    "fs": "ext4",
                    "total_bytes": 10**11,
                    "used_bytes": 4 * 10**10,
                    "free_bytes": 6 * 10**10,
                }
                for i in range(4)
            ],
        }
    ).encode()


def run() -> dict[str, float]:
    from bench.env import emulated_aws

    with emulated_aws():
        from chalice.test import Client

        from app import app
        from chalicelib import admin, clock
        from chalicelib.auth.access import resolve
        from chalicelib.auth.principal import Principal
        from chalicelib.billing.models import Subscription
        from chalicelib.hosts import service
        from chalicelib.hosts.schemas import HostCreate
        from chalicelib.local.metering import count_calls
        from chalicelib.team.models import Membership

        clock.set_now(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
        org, _ = admin.create_org("Bench GmbH", "bench@example.com", "Bench-Passwort-2026!")
        sub = Subscription.get(*Subscription.key(org.org_id))
        sub.update(actions=[Subscription.plan.set("professional"), Subscription.status.set("active")])
        member = next(iter(Membership.query(f"ORG#{org.org_id}", Membership.sk.startswith("MEMBER#"))))
        access = resolve(Principal(member.user_id, "bench@example.com", "id"), org.org_id)
        tokens = [service.create(access, HostCreate(name=f"host-{i}"))["agent_token"] for i in range(HOSTS)]
        body = _body()
        steady_calls: list[int] = []
        first_calls: list[int] = []
        times_ms: list[float] = []
        with Client(app, stage_name="local") as client:
            for round_no in range(ROUNDS):
                clock.advance(timedelta(minutes=1))
                for token in tokens:
                    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                    with count_calls() as calls:
                        started = time.perf_counter()
                        r = client.http.post("/agent/heartbeat", headers=headers, body=body)
                        elapsed = (time.perf_counter() - started) * 1000
                    assert r.status_code == 200, r.body
                    if round_no == 0:
                        first_calls.append(calls["dynamodb"])
                    else:
                        steady_calls.append(calls["dynamodb"])
                        times_ms.append(elapsed)
        clock.set_now(None)
    times_ms.sort()
    out = {
        "heartbeat_calls": float(max(steady_calls)),
        "heartbeat_calls_first": float(max(first_calls)),
        "heartbeat_handler_ms": round(statistics.median(times_ms), 2),
        "heartbeat_handler_p95_ms": round(times_ms[int(len(times_ms) * 0.95) - 1], 2),
    }
    print(f"   {len(steady_calls)} steady heartbeats: {out}")
    return out
