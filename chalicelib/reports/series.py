"""Downsampling of chart series, so that a year of data still draws a small, fast chart.

A chart 170 mm wide cannot show more than a few hundred distinct points; rendering thousands
only makes the PDF large and slow. Consecutive points are merged into buckets: the mean of the
means, and the maximum of the 95th percentiles (a peak must not disappear by averaging).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from chalicelib.reports.data import DailyAvailability, MetricPoint, ResponsePoint

MAX_POINTS = 400


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _chunks(n: int, max_points: int) -> list[tuple[int, int]]:
    size = max(1, math.ceil(n / max_points))
    return [(i, min(n, i + size)) for i in range(0, n, size)]


def downsample_response(points: Sequence[ResponsePoint], max_points: int = MAX_POINTS) -> list[ResponsePoint]:
    points = sorted(points, key=lambda p: p.at)
    if len(points) <= max_points:
        return list(points)
    out = []
    for lo, hi in _chunks(len(points), max_points):
        bucket = points[lo:hi]
        means = [p.mean_ms for p in bucket if p.mean_ms is not None]
        p95s = [p.p95_ms for p in bucket if p.p95_ms is not None]
        out.append(ResponsePoint(at=bucket[0].at, mean_ms=_mean(means), p95_ms=max(p95s) if p95s else None))
    return out


def downsample_metric(
    points: Sequence[MetricPoint], max_points: int = MAX_POINTS, peak: bool = False
) -> list[MetricPoint]:
    """Mean per bucket, or the maximum when ``peak`` (memory/disk use: the worst counts)."""
    points = sorted(points, key=lambda p: p.at)
    if len(points) <= max_points:
        return list(points)
    out = []
    for lo, hi in _chunks(len(points), max_points):
        bucket = points[lo:hi]
        values = [p.value for p in bucket if p.value is not None]
        value = (max(values) if values else None) if peak else _mean(values)
        out.append(MetricPoint(at=bucket[0].at, value=value))
    return out


def downsample_daily(
    days: Sequence[DailyAvailability], max_points: int = MAX_POINTS
) -> list[DailyAvailability]:
    """Bars per day; beyond ``max_points`` days, the lowest availability of each bucket."""
    days = sorted(days, key=lambda d: d.day)
    if len(days) <= max_points:
        return list(days)
    out = []
    for lo, hi in _chunks(len(days), max_points):
        bucket = days[lo:hi]
        values = [d.percent for d in bucket if d.percent is not None]
        out.append(DailyAvailability(day=bucket[0].day, percent=min(values) if values else None))
    return out


def epoch_days(value: datetime) -> float:
    """Chart x coordinate: days since the epoch (keeps axis numbers small)."""
    return value.timestamp() / 86400.0
