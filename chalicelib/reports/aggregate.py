"""From rollups (hourly or daily aggregates of checks) to the figures a report prints.

``sources`` maps the monitoring rollup items onto ``Rollup`` and calls ``endpoint_figures``; the
bench does the same with synthetic rollups. Reading rollups instead of raw results keeps a
30-day report at 1-minute checks at 720 hourly + 30 daily items instead of 43,200 results.

Approximations (stated in docs/reports.md): the period mean is the check-weighted mean of the
bucket means (exact); the period p95 is the check-weighted 95th percentile of the bucket p95
values (an upper-leaning estimate — exact percentiles cannot be merged from rollups).
Maintenance windows are already excluded by the rollups (checks in a window are not counted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from chalicelib.reports.data import DailyAvailability, ResponsePoint

#: Periods up to this long chart hourly rollups; longer ones chart daily rollups.
HOURLY_UP_TO = timedelta(days=31)


@dataclass
class Rollup:
    start: datetime  # beginning of the hour or day (UTC)
    checks: int  # checks counted (maintenance excluded)
    up: int  # of which successful
    mean_ms: float | None = None
    p95_ms: float | None = None


@dataclass
class EndpointFigures:
    uptime_percent: float | None
    mean_ms: float | None
    p95_ms: float | None
    checks: int
    series: list[ResponsePoint] = field(default_factory=list)
    series_resolution: str = "hour"
    daily: list[DailyAvailability] = field(default_factory=list)


def use_hourly(period_from: datetime, period_to: datetime) -> bool:
    return period_to - period_from <= HOURLY_UP_TO


def _weighted_percentile(pairs: list[tuple[float, int]], q: float) -> float | None:
    pairs = sorted((v, w) for v, w in pairs if w > 0)
    total = sum(w for _, w in pairs)
    if not total:
        return None
    threshold = q * total
    running = 0
    for value, weight in pairs:
        running += weight
        if running >= threshold:
            return value
    return pairs[-1][0]


def endpoint_figures(
    hourly: Sequence[Rollup],
    daily: Sequence[Rollup],
    period_from: datetime,
    period_to: datetime,
    time_zone: str | None = None,
) -> EndpointFigures:
    """Summary, chart series and daily bars for a period.

    ``hourly`` is needed only for periods up to ``HOURLY_UP_TO`` (charted per hour); the
    summary is computed from the finest rollups given for the period.
    """
    hourly_mode = use_hourly(period_from, period_to) and bool(hourly)
    fine = [r for r in (hourly if hourly_mode else daily) if period_from <= r.start < period_to]
    checks = sum(r.checks for r in fine)
    up = sum(r.up for r in fine)
    timed = [r for r in fine if r.mean_ms is not None and r.checks > 0]
    timed_checks = sum(r.checks for r in timed)
    weighted_ms = sum(r.mean_ms * r.checks for r in timed if r.mean_ms is not None)
    mean = weighted_ms / timed_checks if timed_checks else None
    p95 = _weighted_percentile([(r.p95_ms, r.checks) for r in timed if r.p95_ms is not None], 0.95)
    series = [
        ResponsePoint(r.start, r.mean_ms, r.p95_ms)
        for r in sorted(fine, key=lambda r: r.start)
        if r.checks > 0
    ]
    days = _daily(daily, hourly, period_from, period_to, time_zone)
    return EndpointFigures(
        uptime_percent=(100.0 * up / checks) if checks else None,
        mean_ms=mean,
        p95_ms=p95,
        checks=checks,
        series=series,
        series_resolution="hour" if hourly_mode else "day",
        daily=days,
    )


def _daily(
    daily: Sequence[Rollup],
    hourly: Sequence[Rollup],
    period_from: datetime,
    period_to: datetime,
    time_zone: str | None = None,
) -> list[DailyAvailability]:
    """Availability per day from daily rollups (UTC days), else summed from the hourly ones per
    local day of ``time_zone`` (the org's: a German day starts at 00:00 MEZ, not UTC)."""
    from chalicelib.reports.fmt import local_date

    per_day: dict[date, list[int]] = {}
    source = daily if daily else hourly
    for r in source:
        if period_from - timedelta(days=1) < r.start < period_to:
            day = r.start.date() if daily or time_zone is None else local_date(r.start, time_zone)
            acc = per_day.setdefault(day, [0, 0])
            acc[0] += r.checks
            acc[1] += r.up
    return [DailyAvailability(day, 100.0 * u / c if c else None) for day, (c, u) in sorted(per_day.items())]
