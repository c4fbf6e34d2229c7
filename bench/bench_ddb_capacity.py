"""DynamoDB capacity units per check on the full path: ``ddb_wru_per_check``, ``ddb_rru_per_check``.

200 endpoints (interval 1 minute, default checks, HTTPS with a certificate and headers, one alert
recipient) on a lean local target (127.0.0.1, ``bench_sweep``'s server) go through the full
path — dispatcher (Query, claims, SQS) → SQS message → worker (loads, checks, results, status,
rollups, incidents) — under moto in-process, with the business clock moved a minute per round.
One warm-up round (first checks create the status items) is not metered; the next ``ROUNDS``
rounds are, and they straddle a full hour (09:59, 10:00, 10:01) so that the writes done once an
hour are in the sample: a conservative (high) per-check figure.

Units are computed as DynamoDB on-demand bills them (``chalicelib.local.metering.meter_capacity``:
moto's own ConsumedCapacity is a constant per call). Writes ``bench/ddb_capacity_per_check.json``
with the units per operation and item kind, per check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
N = 200
ROUNDS = 3
START = datetime(2026, 11, 2, 9, 58, 0, tzinfo=UTC)  # warm-up 09:58, metered 09:59 … 10:01


def _endpoints(base: str) -> None:
    from chalicelib import admin, clock
    from chalicelib.billing.models import Subscription
    from chalicelib.monitoring.models import Endpoint, due_shard, due_sk
    from chalicelib.monitoring.schemas import ChecksIn

    org, _ = admin.create_org("Bench GmbH", "bench@vigil-bench.example.com", "Bench-Passwort-2026!")
    sub = Subscription.get(*Subscription.key(org.org_id))
    sub.update(actions=[Subscription.plan.set("enterprise"), Subscription.status.set("active")])
    now = clock.now()
    checks = ChecksIn().model_dump()
    with Endpoint.batch_write() as w:
        for i in range(N):
            eid = f"e{i:05d}"
            w.save(
                Endpoint(
                    *Endpoint.key(org.org_id, eid),
                    endpoint_id=eid,
                    org_id=org.org_id,
                    name=f"Shop {i}",
                    url=f"{base}/shop/{i}",
                    interval_minutes=1,
                    checks=checks,
                    maintenance_windows=[],
                    alert={"consecutive_failures": 2, "recipients": ["ops@kunde.example.com"]},
                    next_check_at=now,
                    created_at=now,
                    updated_at=now,
                    gsi1pk=due_shard(eid),
                    gsi1sk=due_sk(org.org_id, eid, now, 1),
                )
            )


def _round() -> int:
    from app import app
    from chalicelib import clock
    from chalicelib.local.scheduler import pump_sqs
    from chalicelib.monitoring import dispatcher

    queued = dispatcher.dispatch()["queued"]
    pump_sqs(app)
    clock.advance(timedelta(minutes=1))
    return int(queued)


def _measure(base: str) -> dict[str, Any]:
    from bench.env import emulated_aws

    with emulated_aws():
        from chalicelib import clock
        from chalicelib.local.metering import meter_capacity

        clock.set_now(START)
        _endpoints(base)
        if _round() != N:
            raise RuntimeError("warm-up: not every endpoint was checked")
        checks = 0
        with meter_capacity() as cap:
            for _ in range(ROUNDS):
                checks += _round()
        clock.set_now(None)
    if checks != N * ROUNDS:
        raise RuntimeError(f"{checks} checks instead of {N * ROUNDS}")
    return {
        "checks": checks,
        "wru": cap.wru / checks,
        "rru": cap.rru / checks,
        "by": {k: round(v / checks, 4) for k, v in sorted(cap.by.items(), key=lambda kv: -kv[1])},
    }


def run() -> dict[str, float]:
    from bench.bench_sweep import _SERVER, _raise_nofile

    _raise_nofile()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = str(Path(tmp) / "ca.pem")
        server = subprocess.Popen(
            [sys.executable, "-c", _SERVER, ca_file, "5"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=_raise_nofile,
        )
        assert server.stdout is not None  # stdout=PIPE
        try:
            _, https_port = map(int, server.stdout.readline().split())
            os.environ["VIGIL_CHECK_ALLOW_CIDRS"] = "127.0.0.1/32"
            os.environ["VIGIL_CHECK_CA_FILE"] = ca_file
            found = _measure(f"https://127.0.0.1:{https_port}")
        finally:
            if server.stdin:
                server.stdin.close()
            server.terminate()
            server.wait(10)
    (ROOT / "bench" / "ddb_capacity_per_check.json").write_text(json.dumps(found, indent=2) + "\n")
    for key, units in found["by"].items():
        print(f"   {units:7.4f}  {key}")
    print(f"   per check: {found['wru']:.3f} WRU, {found['rru']:.3f} RRU ({found['checks']} checks)")
    return {"ddb_wru_per_check": round(found["wru"], 3), "ddb_rru_per_check": round(found["rru"], 3)}
