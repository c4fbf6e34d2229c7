"""Hourly and daily rollups, merged as results arrive, and uptime read back from them.

Each rollup holds count/up/maint, response-time sum/min/max and a fixed histogram
(``HIST_BOUNDS_MS``): two rollups merge by adding counts and histograms and taking min/max, so
a day is the merge of its hours and p95 can be read from any merge. The worker that checked an
endpoint is the only writer of its rollups in that minute (the dispatcher's claim guarantees it),
so read–merge–write with BatchGet/BatchWrite is safe and costs few calls per batch.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from chalicelib import clock
from chalicelib.monitoring.models import HIST_BOUNDS_MS, Rollup, rollups_pk

KEEP = timedelta(days=400)


@dataclass(frozen=True)
class Sample:
    org_id: str
    endpoint_id: str
    at: datetime
    up: bool
    response_ms: int | None
    maintenance: bool


def hour_sk(at: datetime) -> str:
    return "H#" + at.strftime("%Y-%m-%dT%H")


def day_sk(at: datetime) -> str:
    return "D#" + at.strftime("%Y-%m-%d")


def bucket(ms: int) -> int:
    return bisect.bisect_left(HIST_BOUNDS_MS, ms)


def p95(hist: list[int]) -> int | None:
    """Upper bound of the bucket where 95 % of the timed checks are reached (last: max bound)."""
    total = sum(hist)
    if not total:
        return None
    need, seen = total * 0.95, 0
    for i, n in enumerate(hist):
        seen += n
        if seen >= need:
            return HIST_BOUNDS_MS[min(i, len(HIST_BOUNDS_MS) - 1)]
    return HIST_BOUNDS_MS[-1]


def _add(r: Rollup, s: Sample) -> None:
    if s.maintenance:
        r.maint = int(r.maint or 0) + 1
        return
    r.n = int(r.n or 0) + 1
    r.up = int(r.up or 0) + (1 if s.up else 0)
    if s.response_ms is not None:
        ms = int(s.response_ms)
        r.timed = int(r.timed or 0) + 1
        r.sum_ms = int(r.sum_ms or 0) + ms
        r.min_ms = ms if r.min_ms is None else min(int(r.min_ms), ms)
        r.max_ms = ms if r.max_ms is None else max(int(r.max_ms), ms)
        hist: list[float] = [int(x) for x in (r.hist or [])]  # stored as whole counts
        hist.extend([0] * (len(HIST_BOUNDS_MS) + 1 - len(hist)))
        hist[bucket(ms)] += 1
        r.hist = hist


def merge_samples(samples: Iterable[Sample]) -> list[Rollup]:
    """The hourly and daily rollups touched by ``samples``, merged into what is stored."""
    wanted: dict[tuple[str, str], list[Sample]] = {}
    for s in samples:
        pk = rollups_pk(s.org_id, s.endpoint_id)
        wanted.setdefault((pk, hour_sk(s.at)), []).append(s)
        wanted.setdefault((pk, day_sk(s.at)), []).append(s)
    if not wanted:
        return []
    keys = list(wanted)
    found: dict[tuple[str, str], Rollup] = {}
    for start in range(0, len(keys), 100):
        for r in Rollup.batch_get(keys[start : start + 100]):
            found[(r.pk, r.sk)] = r
    out = []
    for key, group in wanted.items():
        r = found.get(key) or Rollup(key[0], key[1], hist=[])
        for s in group:
            _add(r, s)
        r.expires_at = clock.epoch(group[-1].at + KEEP)
        out.append(r)
    return out


def summarize(items: Iterable[Rollup]) -> dict[str, Any]:
    """Merge rollups into one summary (reports use this too)."""
    count = up = maint = timed = total_ms = 0
    lo: int | None = None
    hi: int | None = None
    hist = [0] * (len(HIST_BOUNDS_MS) + 1)
    for r in items:
        count += int(r.n or 0)
        up += int(r.up or 0)
        maint += int(r.maint or 0)
        timed += int(r.timed or 0)
        total_ms += int(r.sum_ms or 0)
        if r.min_ms is not None:
            lo = int(r.min_ms) if lo is None else min(lo, int(r.min_ms))
        if r.max_ms is not None:
            hi = int(r.max_ms) if hi is None else max(hi, int(r.max_ms))
        for i, n in enumerate(r.hist or []):
            if i < len(hist):
                hist[i] += int(n)
    return {
        "count": count,
        "up": up,
        "maintenance": maint,
        "uptime": uptime_percent(up, count),
        "min_ms": lo,
        "max_ms": hi,
        "mean_ms": round(total_ms / timed) if timed else None,
        "p95_ms": p95(hist),
    }


def uptime_percent(up: int, count: int) -> str | None:
    if not count:
        return None
    value = (Decimal(up) * 100 / Decimal(count)).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
    return str(value)


def query(org_id: str, endpoint_id: str, kind: str, start: datetime, end: datetime) -> list[Rollup]:
    """Hourly (``kind='H'``) or daily (``'D'``) rollups from ``start`` to ``end``, one Query."""
    fmt = hour_sk if kind == "H" else day_sk
    return list(Rollup.query(rollups_pk(org_id, endpoint_id), Rollup.sk.between(fmt(start), fmt(end))))


def uptime(org_id: str, endpoint_id: str, now: datetime) -> dict[str, str | None]:
    """Uptime over 24 h (hourly rollups) and 7/30/90 days (daily rollups): two Queries."""
    hours = query(org_id, endpoint_id, "H", now - timedelta(hours=23), now)
    days = query(org_id, endpoint_id, "D", now - timedelta(days=89), now)
    out: dict[str, str | None] = {"24h": summarize(hours)["uptime"]}
    for n in (7, 30, 90):
        first = day_sk(now - timedelta(days=n - 1))
        out[f"{n}d"] = summarize(r for r in days if r.sk >= first)["uptime"]
    return out
