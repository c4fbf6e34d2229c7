"""Render endpoint reports from synthetic rollups: 30 days at 1-minute checks, and a year.

Phase 2 reads the same shape from the monitoring rollups: a 30-day report reads 720 hourly +
30 daily items (not 43,200 check results), a 366-day report 366 daily items. Render times are
the best of three warm runs (fonts registered, reportlab imported); the first, cold, run is
reported separately because a Lambda cold start pays it.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Callable


def _best(fn: Callable[[], bytes], runs: int = 3) -> tuple[float, bytes]:
    best, out = float("inf"), b""
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - started)
    return best, out


def run() -> dict[str, float]:
    from chalicelib.reports import render, samples

    end = datetime(2026, 11, 1, tzinfo=timezone.utc)

    start30 = end - timedelta(days=30)
    hourly = samples.rollups(start30, end, timedelta(hours=1), 60)  # 60 checks per hour
    daily30 = samples.rollups(start30, end, timedelta(days=1), 1440, seed=8)
    data30 = samples.endpoint_data(start30, end, "de", hourly=hourly, daily=daily30)

    start366 = end - timedelta(days=366)
    daily366 = samples.rollups(start366, end, timedelta(days=1), 1440)
    data366 = samples.endpoint_data(start366, end, "en", hourly=[], daily=daily366)

    started = time.perf_counter()
    render.render_endpoint_report(data30)
    cold = time.perf_counter() - started
    t30, pdf30 = _best(lambda: render.render_endpoint_report(data30))
    t366, pdf366 = _best(lambda: render.render_endpoint_report(data366))
    host = samples.host_data(start30, end, "de")
    th, pdfh = _best(lambda: render.render_host_report(host))
    print(f"   30 d: {len(hourly) + len(daily30)} items, {t30:.3f} s, {len(pdf30) / 1024:.0f} KiB "
          f"(cold {cold:.3f} s); 366 d: {len(daily366)} items, {t366:.3f} s, "
          f"{len(pdf366) / 1024:.0f} KiB; host 30 d: {th:.3f} s, {len(pdfh) / 1024:.0f} KiB")
    return {
        "report_30d_items": float(len(hourly) + len(daily30)),
        "report_30d_render_s": round(t30, 3),
        "report_30d_render_cold_s": round(cold, 3),
        "report_30d_bytes": float(len(pdf30)),
        "report_366d_items": float(len(daily366)),
        "report_366d_render_s": round(t366, 3),
        "report_366d_bytes": float(len(pdf366)),
        "report_host_30d_render_s": round(th, 3),
        "report_host_30d_bytes": float(len(pdfh)),
    }
