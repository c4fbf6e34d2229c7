"""Endpoint reports on the real data path: rollups seeded the way the worker writes them.

One endpoint with one check a minute: 366 days of samples (527,040; the last 30 days are the
43,200 of the 30-day report) are merged into hourly and daily rollups by
``chalicelib.monitoring.rollups.merge_samples`` and written with ``Rollup.batch_write`` —
exactly the worker's write path. Then, per report, the route's own work is timed:
``sources.endpoint_report_data`` (endpoint + status BatchGet, the rollup Query, incidents)
plus ``render.render_endpoint_report`` — best of three warm runs.

- ``report_30d_items``: items read from DynamoDB for the 30-day report (endpoint, status,
  hourly rollups, incidents) — independent of the check interval.
- ``report_366d_items``: the same for a year (daily rollups).
- ``report_*_ddb_calls``: DynamoDB requests of the data loading (``count_calls``).
- ``report_*_render_s``: data loading + render (the route's work before the upload);
  ``report_*_load_s`` and ``report_*_pdf_s`` are the two parts alone. Loading runs against the
  in-process emulator (moto), whose response building dominates; DynamoDB answers a
  one-page Query in milliseconds.
- ``report_30d_create_s``: the whole ``create_report`` (data, render, S3 upload, record).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

END = datetime(2026, 11, 1, tzinfo=UTC)


def _best(fn: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - started)
    return best, out


def _endpoint() -> tuple[Any, str]:
    """An org on the professional plan with one endpoint checked every minute (service path)."""
    from chalicelib import admin, clock
    from chalicelib.auth.access import resolve
    from chalicelib.auth.principal import Principal
    from chalicelib.billing.models import Subscription
    from chalicelib.monitoring import service
    from chalicelib.monitoring.schemas import EndpointIn

    clock.set_now(END - timedelta(days=367))
    from chalicelib.team.models import EmailIndex

    org, _ = admin.create_org("Bench GmbH", "bench@example.com", "Bench-Passwort-2026!")
    user_id = EmailIndex.get(*EmailIndex.key("bench@example.com")).user_id
    sub = Subscription.get(*Subscription.key(org.org_id))
    sub.update(actions=[Subscription.plan.set("professional"), Subscription.status.set("active")])
    access = resolve(Principal(user_id=user_id, email="bench@example.com", token_use="id"), org.org_id)
    ep = service.create(
        access,
        EndpointIn.model_validate(
            {"name": "Webshop", "url": "https://shop.example.com/", "interval_minutes": 1}
        ),
    )
    return access, ep["id"]


def _seed(org_id: str, endpoint_id: str) -> int:
    """One sample per minute for 366 days, merged and written like the worker does (per day)."""
    from chalicelib import clock
    from chalicelib.monitoring import rollups
    from chalicelib.monitoring.models import Rollup

    rng = random.Random(7)
    samples = 0
    day = END - timedelta(days=366)
    while day < END:
        clock.set_now(day)
        batch = []
        for minute in range(1440):
            at = day + timedelta(minutes=minute, seconds=7)
            up = rng.random() > 0.002
            batch.append(
                rollups.Sample(org_id, endpoint_id, at, up, int(rng.gauss(180, 40)) if up else None, False)
            )
        with Rollup.batch_write() as w:
            for r in rollups.merge_samples(batch):
                w.save(r)
        samples += len(batch)
        day += timedelta(days=1)
    return samples


def _measure(access: Any, endpoint_id: str, days: int) -> tuple[str, dict[str, float]]:
    """(rollup kind read for the period, metrics)."""
    from chalicelib.local.metering import count_calls
    from chalicelib.reports import render, service, sources

    period = (END - timedelta(days=days), END)
    branding = service.load_branding(access)
    kind, stored = sources.endpoint_rollups(access.org_id, endpoint_id, *period)
    incidents = sources.incidents_of(access.org_id, endpoint_id, sources.ENDPOINT_KINDS, *period)
    with count_calls() as calls:
        sources.endpoint_report_data(access.org_id, endpoint_id, period, "de", branding)

    def load_and_render() -> bytes:
        _, data = sources.endpoint_report_data(access.org_id, endpoint_id, period, "de", branding)
        return render.render_endpoint_report(data)

    load_and_render()  # warm: fonts registered, reportlab imported
    seconds, pdf = _best(load_and_render)
    load_s, (_, data) = _best(
        lambda: sources.endpoint_report_data(access.org_id, endpoint_id, period, "de", branding)
    )
    pdf_s, _ = _best(lambda: render.render_endpoint_report(data))
    return kind, {
        "items": float(2 + len(stored) + len(incidents)),
        "render_s": round(seconds, 3),
        "load_s": round(load_s, 3),
        "pdf_s": round(pdf_s, 3),
        "bytes": float(len(pdf)),
        "ddb_calls": float(calls["dynamodb"]),
    }


def run() -> dict[str, float]:
    from bench.env import emulated_aws
    from chalicelib import clock

    with emulated_aws():
        access, endpoint_id = _endpoint()
        started = time.perf_counter()
        samples = _seed(access.org_id, endpoint_id)
        seeded_s = time.perf_counter() - started
        clock.set_now(END + timedelta(minutes=5))
        kind30, m30 = _measure(access, endpoint_id, 30)
        kind366, m366 = _measure(access, endpoint_id, 366)
        assert kind30 == "H" and kind366 == "D"

        from chalicelib.reports import generate

        body = generate.ReportIn.model_validate(
            {"from": clock.iso(END - timedelta(days=30)), "to": clock.iso(END)}
        )
        create_s, _ = _best(lambda: generate.create(access, "endpoint", endpoint_id, body))
        clock.set_now(None)
    print(
        f"   seeded {samples} samples in {seeded_s:.1f} s; 30 d: {m30['items']:.0f} items, "
        f"{m30['ddb_calls']:.0f} calls, {m30['render_s']:.3f} s, {m30['bytes'] / 1024:.0f} KiB, "
        f"create {create_s:.3f} s; 366 d: {m366['items']:.0f} items, {m366['ddb_calls']:.0f} calls, "
        f"{m366['render_s']:.3f} s, {m366['bytes'] / 1024:.0f} KiB"
    )
    return {
        "report_30d_items": m30["items"],
        "report_30d_ddb_calls": m30["ddb_calls"],
        "report_30d_render_s": m30["render_s"],
        "report_30d_load_s": m30["load_s"],
        "report_30d_pdf_s": m30["pdf_s"],
        "report_30d_bytes": m30["bytes"],
        "report_30d_create_s": round(create_s, 3),
        "report_366d_items": m366["items"],
        "report_366d_ddb_calls": m366["ddb_calls"],
        "report_366d_render_s": m366["render_s"],
        "report_366d_load_s": m366["load_s"],
        "report_366d_pdf_s": m366["pdf_s"],
        "report_366d_bytes": m366["bytes"],
    }
