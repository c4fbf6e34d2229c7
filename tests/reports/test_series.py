"""Downsampling and figures from rollups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.reports import series
from chalicelib.reports.aggregate import Rollup, endpoint_figures, use_hourly
from chalicelib.reports.data import DailyAvailability, MetricPoint, ResponsePoint

pytestmark = pytest.mark.unit

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_response_series_is_cut_to_400_points_keeping_peaks():
    points = [ResponsePoint(T0 + timedelta(hours=h), 100.0, 200.0) for h in range(366 * 24)]
    points[5000] = ResponsePoint(points[5000].at, 100.0, 9000.0)
    out = series.downsample_response(points)
    assert len(out) <= series.MAX_POINTS
    assert max(p.p95_ms or 0.0 for p in out) == 9000.0  # a peak survives
    assert all(p.mean_ms == 100.0 for p in out)
    assert out == sorted(out, key=lambda p: p.at)


def test_short_series_are_untouched():
    points = [MetricPoint(T0 + timedelta(hours=h), float(h)) for h in range(24)]
    assert series.downsample_metric(points) == points


def test_metric_peak_vs_mean():
    points = [MetricPoint(T0 + timedelta(minutes=m), float(m % 10)) for m in range(4000)]
    assert max(p.value or 0.0 for p in series.downsample_metric(points, peak=True)) == 9.0
    assert all(p.value == 4.5 for p in series.downsample_metric(points))


def test_daily_bars_keep_the_worst_day():
    days = [DailyAvailability(date(2025, 1, 1) + timedelta(days=d), 100.0) for d in range(800)]
    days[333] = DailyAvailability(days[333].day, 91.0)
    out = series.downsample_daily(days)
    assert len(out) <= series.MAX_POINTS and min(d.percent for d in out if d.percent is not None) == 91.0


def test_figures_from_hourly_rollups():
    hourly = [
        Rollup(T0 + timedelta(hours=h), 60, 60 if h != 5 else 30, 100.0 if h % 2 else 300.0, 500.0)
        for h in range(48)
    ]
    f = endpoint_figures(hourly, [], T0, T0 + timedelta(days=2))
    assert f.checks == 2880
    assert f.uptime_percent is not None
    assert abs(f.uptime_percent - 100.0 * (2880 - 30) / 2880) < 1e-9
    assert f.mean_ms == 200.0 and f.p95_ms == 500.0
    assert f.series_resolution == "hour" and len(f.series) == 48
    assert [d.day for d in f.daily] == [date(2026, 1, 1), date(2026, 1, 2)]
    assert f.daily[0].percent is not None
    assert abs(f.daily[0].percent - 100.0 * (1440 - 30) / 1440) < 1e-9 and f.daily[1].percent == 100.0


def test_long_periods_use_daily_rollups():
    to = T0 + timedelta(days=366)
    assert not use_hourly(T0, to)
    daily = [Rollup(T0 + timedelta(days=d), 1440, 1440, 150.0, 300.0) for d in range(366)]
    f = endpoint_figures([], daily, T0, to)
    assert f.series_resolution == "day" and f.uptime_percent == 100.0 and len(f.daily) == 366


def test_no_rollups_is_no_data():
    f = endpoint_figures([], [], T0, T0 + timedelta(days=7))
    assert f.uptime_percent is None and f.mean_ms is None and f.series == [] and f.checks == 0
