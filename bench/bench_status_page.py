"""Public status pages: DynamoDB calls for 100 public requests of one page (in-process).

A page with 5 endpoints and 2 hosts (the components a small customer shows) is requested 100
times through the real route with ``chalice.test.Client``, as one warm Lambda would see a
traffic spike within a minute, then once more from a "cold" Lambda (empty memory cache) and once
after the minute is over. ``status_page_ddb_calls_per_100_requests`` counts every call of the
100 requests: the first builds the view, the rest are served from memory.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def run() -> dict[str, float]:
    from bench.env import emulated_aws

    with emulated_aws():
        from chalice.test import Client

        from app import app
        from chalicelib import admin, clock
        from chalicelib.hosts.models import Host
        from chalicelib.local.metering import count_calls
        from chalicelib.monitoring.models import Endpoint
        from chalicelib.statuspages import public
        from chalicelib.statuspages.models import StatusPage

        now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
        clock.set_now(now)
        org, _ = admin.create_org("Bench GmbH", "bench-status@example.com", "Bench-Passwort-2026!")
        endpoints = [f"e-bench-{i}" for i in range(5)]
        hosts = [f"h-bench-{i}" for i in range(2)]
        for e in endpoints:
            Endpoint(*Endpoint.key(org.org_id, e), endpoint_id=e, org_id=org.org_id, name=e,
                     url="http://127.0.0.1/", interval_minutes=1, created_at=now, updated_at=now, alert={}, checks={},
                     next_check_at=now).save()  # fmt: skip
        for h in hosts:
            Host(*Host.key(org.org_id, h), host_id=h, org_id=org.org_id, name=h, token_hash="x",
                 created_at=now).save()  # fmt: skip
        StatusPage(*StatusPage.key("bench"), gsi1pk=StatusPage.org_partition(org.org_id), gsi1sk="x#bench",
                   slug="bench", org_id=org.org_id, title="Bench", endpoints=endpoints, hosts=hosts,
                   created_at=now, updated_at=now).save()  # fmt: skip
        public.clear_cache()
        with Client(app) as client:
            with count_calls() as spike:
                for _ in range(100):
                    assert client.http.get("/status/bench").status_code == 200
            public.clear_cache()
            with count_calls() as cold:
                client.http.get("/status/bench")
            clock.set_now(now + timedelta(seconds=61))
            public.clear_cache()
            with count_calls() as rebuilt:
                client.http.get("/status/bench")
        return {
            "status_page_ddb_calls_per_100_requests": float(spike["dynamodb"]),
            "status_page_ddb_calls_cold_lambda": float(cold["dynamodb"]),
            "status_page_ddb_calls_rebuild": float(rebuilt["dynamodb"]),
        }
