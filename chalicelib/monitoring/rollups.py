"""Hourly and daily rollups, merged as results arrive, and uptime read back from them.

Each rollup holds count/up/maint, response-time sum/min/max and a fixed histogram
(``HIST_BOUNDS_MS``): two rollups merge by adding counts and histograms and taking min/max, so
a day is the merge of its hours and p95 can be read from any merge.

One item per endpoint and day is written per check: the day's figures plus those of the hour in
progress (``cur_hour``/``cur``). When a check of a later hour of the same day arrives, the hour
in progress is written as its own ``H#`` item (once an hour) and the new hour starts in ``cur``.
So a check costs one write (the day item stays well under 1 KB), not two. Readers of hourly
rollups (``query(kind='H')``) add the hour in progress of each day item to the ``H#`` items;
the last hour of a day stays in its day item. A late check (an hour before the one in progress,
e.g. a redelivered message) is merged into that hour's ``H#`` item.

The worker that checked an endpoint is the only writer of its rollups in that minute (the
dispatcher's claim guarantees it), so read–merge–write with BatchGet/BatchWrite is safe and
costs few calls per batch.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.monitoring.models import FINE_BOUNDS_MS, HIST_BOUNDS_MS, Rollup, rollups_pk

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
    return hour_sk_of(at.strftime("%Y-%m-%dT%H"))


def hour_sk_of(hour: str) -> str:
    """The sort key of an hourly rollup from its hour text (``YYYY-MM-DDTHH``)."""
    return "H#" + hour


def day_sk(at: datetime) -> str:
    return "D#" + at.strftime("%Y-%m-%d")


def bucket(ms: int) -> int:
    return bisect.bisect_left(HIST_BOUNDS_MS, ms)


def fine_bucket(ms: int) -> int:
    return bisect.bisect_left(FINE_BOUNDS_MS, ms)


def _interpolated(
    counts: Iterable[tuple[int, int]],
    bounds: tuple[int, ...],
    q: float,
    lo: int | None,
    hi: int | None,
) -> float | None:
    """The ``q`` quantile (nearest rank) of a histogram, interpolated inside its bucket.

    ``counts``: (bucket index, count). Bucket i holds the integer ms ``bounds[i-1]+1 …
    bounds[i]`` (the last one is open-ended up to ``hi``). The rank's position inside its
    bucket is spread evenly over the bucket's range, which is then clamped to the observed
    ``lo``/``hi`` (min/max): identical samples give exactly that sample.
    """
    ordered = sorted((i, n) for i, n in counts if n > 0)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    rank = max(1, math.ceil(q * total - 1e-9))
    seen = 0
    for i, n in ordered:
        if seen + n >= rank:
            low = 0.0 if i == 0 else float(bounds[min(i, len(bounds)) - 1] + 1)
            high = float(bounds[i]) if i < len(bounds) else max(low, float(hi if hi is not None else low))
            value = low + (high - low) * ((rank - seen) - 0.5) / n
            if lo is not None:
                value = max(value, float(lo))
            if hi is not None:
                value = min(value, float(hi))
            return value
        seen += n
    return float(hi) if hi is not None else float(bounds[-1])


def p95(hist: list[int], lo: int | None = None, hi: int | None = None) -> float | None:
    """p95 from the coarse histogram (``HIST_BOUNDS_MS``), interpolated and clamped to min/max."""
    return _interpolated(enumerate(int(n) for n in hist), HIST_BOUNDS_MS, 0.95, lo, hi)


def p95_fine(fine: dict[str, int], lo: int | None = None, hi: int | None = None) -> float | None:
    """p95 from the fine histogram (``FINE_BOUNDS_MS``): within 10 % of the exact value."""
    return _interpolated(((int(k), int(v)) for k, v in fine.items()), FINE_BOUNDS_MS, 0.95, lo, hi)


def fine_of(r: Rollup) -> dict[str, int] | None:
    """The fine histogram of a rollup; None when it has timed checks but no fine histogram
    (written before ``fh`` existed)."""
    raw = r.fh
    if raw is None:
        return {} if not int(r.timed or 0) else None
    d = raw.as_dict() if hasattr(raw, "as_dict") else dict(raw)
    return {str(k): int(v) for k, v in d.items()}


def _merge_fine(a: dict[str, int] | None, b: dict[str, int] | None) -> dict[str, int] | None:
    if a is None or b is None:
        return None
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


def p95_of(r: Rollup) -> float | None:
    """p95 (ms) of one (possibly merged) rollup: the fine histogram when complete, else the
    coarse one; both interpolated and clamped to the rollup's min/max."""
    lo = int(r.min_ms) if r.min_ms is not None else None
    hi = int(r.max_ms) if r.max_ms is not None else None
    fine = fine_of(r)
    if fine:
        return p95_fine(fine, lo, hi)
    return p95([int(x) for x in r.hist or []], lo, hi)


def _add(r: Rollup, s: Sample) -> None:
    if s.maintenance:
        r.maint = int(r.maint or 0) + 1
        return
    r.n = int(r.n or 0) + 1
    r.up = int(r.up or 0) + (1 if s.up else 0)
    if s.response_ms is not None:
        ms = int(s.response_ms)
        fine = fine_of(r)  # before ``timed`` counts this check
        if fine is not None:
            key = str(fine_bucket(ms))
            fine[key] = fine.get(key, 0) + 1
            r.fh = fine
        r.timed = int(r.timed or 0) + 1
        r.sum_ms = int(r.sum_ms or 0) + ms
        r.min_ms = ms if r.min_ms is None else min(int(r.min_ms), ms)
        r.max_ms = ms if r.max_ms is None else max(int(r.max_ms), ms)
        hist: list[float] = [int(x) for x in (r.hist or [])]  # stored as whole counts
        hist.extend([0] * (len(HIST_BOUNDS_MS) + 1 - len(hist)))
        hist[bucket(ms)] += 1
        r.hist = hist


def _hour_fields(r: Rollup) -> dict[str, Any]:
    """The figures of a rollup as the map kept in a day item's ``cur``."""
    out: dict[str, Any] = {
        "count": int(r.n or 0),
        "up": int(r.up or 0),
        "maint": int(r.maint or 0),
        "timed": int(r.timed or 0),
        "sum_ms": int(r.sum_ms or 0),
        "hist": [int(x) for x in r.hist or []],
    }
    fine = fine_of(r)
    if fine is not None:
        out["fh"] = fine
    if r.min_ms is not None:
        out["min_ms"], out["max_ms"] = int(r.min_ms), int(r.max_ms or 0)
    return out


def hour_in_progress(day: Rollup) -> Rollup | None:
    """The hour in progress kept in a day item, as an ``H#`` rollup (None when there is none)."""
    if not day.cur_hour or day.cur is None:
        return None
    d = day.cur.as_dict() if hasattr(day.cur, "as_dict") else dict(day.cur)
    return Rollup(
        day.pk,
        hour_sk_of(day.cur_hour),
        n=int(d.get("count", 0)),
        up=int(d.get("up", 0)),
        maint=int(d.get("maint", 0)),
        timed=int(d.get("timed", 0)),
        sum_ms=int(d.get("sum_ms", 0)),
        min_ms=int(d["min_ms"]) if d.get("min_ms") is not None else None,
        max_ms=int(d["max_ms"]) if d.get("max_ms") is not None else None,
        hist=[int(x) for x in d.get("hist") or []],
        fh={str(k): int(v) for k, v in dict(d["fh"]).items()} if d.get("fh") is not None else None,
        expires_at=day.expires_at,
    )


def merge(a: Rollup, b: Rollup) -> Rollup:
    """``a`` with the figures of ``b`` added (same period)."""
    fine = _merge_fine(fine_of(a), fine_of(b))  # before ``timed`` changes
    a.fh = fine
    a.n, a.up = int(a.n or 0) + int(b.n or 0), int(a.up or 0) + int(b.up or 0)
    a.maint, a.timed = int(a.maint or 0) + int(b.maint or 0), int(a.timed or 0) + int(b.timed or 0)
    a.sum_ms = int(a.sum_ms or 0) + int(b.sum_ms or 0)
    if b.min_ms is not None:
        a.min_ms = int(b.min_ms) if a.min_ms is None else min(int(a.min_ms), int(b.min_ms))
    if b.max_ms is not None:
        a.max_ms = int(b.max_ms) if a.max_ms is None else max(int(a.max_ms), int(b.max_ms))
    hist: list[float] = [int(x) for x in a.hist or []]
    for i, n in enumerate(b.hist or []):
        hist.extend([0] * (i + 1 - len(hist)))
        hist[i] += int(n)
    a.hist = hist
    return a


def _batch_get(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Rollup]:
    found: dict[tuple[str, str], Rollup] = {}
    for start in range(0, len(keys), 100):
        for r in Rollup.batch_get(keys[start : start + 100]):
            found[(r.pk, r.sk)] = r
    return found


def merge_samples(samples: Iterable[Sample]) -> list[Rollup]:
    """The rollup items touched by ``samples``, merged into what is stored: one day item per
    endpoint and day, plus the ``H#`` items of hours closed (or late samples) in this batch."""
    wanted: dict[tuple[str, str], list[Sample]] = {}
    for s in samples:
        wanted.setdefault((rollups_pk(s.org_id, s.endpoint_id), day_sk(s.at)), []).append(s)
    if not wanted:
        return []
    found = _batch_get(list(wanted))
    days: list[Rollup] = []
    hours: dict[tuple[str, str], Rollup] = {}  # closed hours and late samples, to merge into H#
    for key, group in wanted.items():
        day = found.get(key) or Rollup(key[0], key[1], hist=[])
        current = hour_in_progress(day)
        for s in sorted(group, key=lambda x: x.at):
            hour = hour_sk(s.at)[2:]
            if day.cur_hour is not None and hour < day.cur_hour:
                late = hours.setdefault((key[0], hour_sk_of(hour)), Rollup(key[0], hour_sk_of(hour), hist=[]))
                _add(late, s)
            else:
                if current is None or hour != day.cur_hour:
                    if current is not None:
                        closed = hours.setdefault((key[0], current.sk), Rollup(key[0], current.sk, hist=[]))
                        merge(closed, current)
                    current, day.cur_hour = Rollup(key[0], hour_sk_of(hour), hist=[]), hour
                _add(current, s)
            _add(day, s)
        if current is not None:
            day.cur = _hour_fields(current)
        day.expires_at = clock.epoch(group[-1].at + KEEP)
        days.append(day)
    stored = _batch_get(list(hours)) if hours else {}
    out = []
    for key, r in hours.items():
        merged = merge(stored[key], r) if key in stored else r
        merged.expires_at = clock.epoch(_start_of_hour(key[1]) + KEEP)
        out.append(merged)
    return out + days


def _start_of_hour(sk: str) -> datetime:
    return datetime.strptime(sk[2:], "%Y-%m-%dT%H").replace(tzinfo=UTC)


def summarize(items: Iterable[Rollup]) -> dict[str, Any]:
    """Merge rollups into one summary (reports use this too)."""
    count = up = maint = timed = total_ms = 0
    lo: int | None = None
    hi: int | None = None
    hist = [0] * (len(HIST_BOUNDS_MS) + 1)
    fine: dict[str, int] | None = {}
    for r in items:
        fine = _merge_fine(fine, fine_of(r))
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
        "p95_ms": _rounded(p95_fine(fine, lo, hi) if fine else p95(hist, lo, hi)),
    }


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def uptime_percent(up: int, count: int) -> str | None:
    """Availability of counted checks as the API shows it (``chalicelib.availability``)."""
    from chalicelib import availability

    return availability.of_checks(count, up).text()


def query(org_id: str, endpoint_id: str, kind: str, start: datetime, end: datetime) -> list[Rollup]:
    """Hourly (``kind='H'``) or daily (``'D'``) rollups from ``start`` to ``end``, by time.

    Daily: one Query. Hourly: the ``H#`` items and the day items of the period (two Queries),
    whose hours in progress are added to them.
    """
    pk = rollups_pk(org_id, endpoint_id)
    days = list(Rollup.query(pk, Rollup.sk.between(day_sk(start), day_sk(end))))
    if kind != "H":
        return days
    return _hours(list(Rollup.query(pk, Rollup.sk.between(hour_sk(start), hour_sk(end)))), days, start, end)


def _hours(stored: Iterable[Rollup], days: Iterable[Rollup], start: datetime, end: datetime) -> list[Rollup]:
    """The ``H#`` items plus the hours in progress of the day items, from ``start`` to ``end``."""
    first, last = hour_sk(start), hour_sk(end)
    hours = {r.sk: r for r in stored}
    for day in days:
        current = hour_in_progress(day)
        if current is not None and first <= current.sk <= last:
            hours[current.sk] = merge(hours[current.sk], current) if current.sk in hours else current
    return [hours[sk] for sk in sorted(hours)]


def uptime(org_id: str, endpoint_id: str, now: datetime) -> dict[str, str | None]:
    """Uptime over 24 h (hourly rollups) and 7/30/90 days (daily rollups): two Queries."""
    return uptime_and_days(org_id, endpoint_id, now)[0]


def uptime_and_days(
    org_id: str, endpoint_id: str, now: datetime
) -> tuple[dict[str, str | None], list[dict[str, Any]]]:
    """``uptime`` plus the daily figures of the last 90 days it is computed from (same two
    Queries): ``[{"day", "checks", "up", "maintenance", "uptime", "mean_ms"}]`` for the days
    with checks, oldest first — the console's 90-segment uptime bar."""
    pk = rollups_pk(org_id, endpoint_id)
    days = query(org_id, endpoint_id, "D", now - timedelta(days=89), now)
    since = now - timedelta(hours=23)
    stored = Rollup.query(pk, Rollup.sk.between(hour_sk(since), hour_sk(now)))
    hours = _hours(stored, days, since, now)
    out: dict[str, str | None] = {"24h": summarize(hours)["uptime"]}
    for n in (7, 30, 90):
        first = day_sk(now - timedelta(days=n - 1))
        out[f"{n}d"] = summarize(r for r in days if r.sk >= first)["uptime"]
    daily = []
    for r in sorted(days, key=lambda d: d.sk):
        figures = summarize([r])
        if figures["count"]:
            daily.append(
                {
                    "day": r.sk[2:],
                    "checks": figures["count"],
                    "up": figures["up"],
                    "maintenance": figures["maintenance"],
                    "uptime": figures["uptime"],
                    "mean_ms": figures["mean_ms"],
                }
            )
    return out, daily
