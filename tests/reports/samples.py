"""Synthetic rollups and report data for the report tests (renderer, records, schedules, isolation).

Deterministic (seeded), so that a rendered sample looks the same every time. Kept under tests/:
Chalice packages all of chalicelib/ into the Lambda zip, and nothing in the app needs this data.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from chalicelib.reports.aggregate import Rollup, endpoint_figures
from chalicelib.reports.data import (
    Branding,
    CertificateInfo,
    EndpointReportData,
    HeaderFinding,
    HostReportData,
    MaintenanceWindow,
    MetricPoint,
    ReportIncident,
)


def rollups(
    period_from: datetime, period_to: datetime, step: timedelta, checks_per_step: int, seed: int = 7
) -> list[Rollup]:
    """Rollups of a mostly healthy endpoint with a few bad buckets."""
    rng = random.Random(seed)
    out = []
    at = period_from
    while at < period_to:
        base = 180 + 60 * rng.random()
        bad = rng.random() < 0.01
        up = checks_per_step - (rng.randint(1, max(1, checks_per_step // 4)) if bad else 0)
        out.append(
            Rollup(
                start=at,
                checks=checks_per_step,
                up=up,
                mean_ms=round(base, 1),
                p95_ms=round(base * (1.6 + rng.random()), 1),
            )
        )
        at += step
    return out


def endpoint_data(
    period_from: datetime,
    period_to: datetime,
    language: str = "de",
    org_name: str = "SteineundUnkraut GmbH",
    logo_png: bytes | None = None,
    time_zone: str = "Europe/Berlin",
    hourly: list[Rollup] | None = None,
    daily: list[Rollup] | None = None,
) -> EndpointReportData:
    """A full endpoint report for 1-minute checks (figures computed from rollups)."""
    if hourly is None and daily is None:
        hourly = rollups(period_from, period_to, timedelta(hours=1), 60)
        daily = rollups(period_from, period_to, timedelta(days=1), 1440, seed=8)
    figures = endpoint_figures(hourly or [], daily or [], period_from, period_to)
    incidents = [
        ReportIncident(
            period_from + timedelta(days=2, hours=3),
            period_from + timedelta(days=2, hours=3, minutes=14),
            "endpoint_down",
            "HTTP 503 Service Unavailable",
        ),
        ReportIncident(
            period_from + timedelta(days=9),
            period_from + timedelta(days=9, minutes=4),
            "endpoint_down",
            "Timeout after 30 s",
        ),
        ReportIncident(
            period_to - timedelta(hours=5),
            None,
            "certificate",
            "Zertifikat läuft in 12 Tagen ab" if language == "de" else "Certificate expires in 12 days",
        ),
    ]
    return EndpointReportData(
        branding=Branding(org_name, logo_png, time_zone),
        language=language,
        period_from=period_from,
        period_to=period_to,
        endpoint_name="Webshop",
        endpoint_url="https://shop.example.com/",
        sla_target_percent=99.5,
        uptime_percent=figures.uptime_percent,
        incidents=incidents,
        mean_ms=figures.mean_ms,
        p95_ms=figures.p95_ms,
        series=figures.series,
        series_resolution=figures.series_resolution,
        daily=figures.daily,
        certificate=CertificateInfo(
            subject="CN=shop.example.com",
            issuer="CN=R11, O=Let's Encrypt, C=US",
            not_before=period_to - timedelta(days=78),
            not_after=period_to + timedelta(days=12),
            days_left=12,
            names=["shop.example.com", "www.shop.example.com"],
        ),
        header_findings=[
            HeaderFinding("strict-transport-security", "ok", "max-age=31536000"),
            HeaderFinding("content-security-policy", "missing"),
            HeaderFinding("x-content-type-options", "ok", "nosniff"),
            HeaderFinding("x-frame-options", "weak", "ALLOW-FROM https://partner.example"),
            HeaderFinding("referrer-policy", "missing"),
        ],
        maintenance=[
            MaintenanceWindow(
                period_from + timedelta(days=5, hours=22),
                period_from + timedelta(days=5, hours=23, minutes=30),
                "Software-Update" if language == "de" else "Software update",
            )
        ],
        checks=figures.checks,
    )


def host_data(
    period_from: datetime,
    period_to: datetime,
    language: str = "de",
    org_name: str = "SteineundUnkraut GmbH",
    logo_png: bytes | None = None,
    time_zone: str = "Europe/Berlin",
    step: timedelta = timedelta(hours=1),
    seed: int = 11,
) -> HostReportData:
    rng = random.Random(seed)
    cpu, mem, disk = [], [], []
    at = period_from
    used = 41.0
    while at < period_to:
        cpu.append(MetricPoint(at, round(0.3 + 1.5 * rng.random(), 2)))
        mem.append(MetricPoint(at, round(55 + 20 * rng.random(), 1)))
        used = min(99.0, used + 0.01 * rng.random())
        disk.append(MetricPoint(at, round(used, 2)))
        at += step
    return HostReportData(
        branding=Branding(org_name, logo_png, time_zone),
        language=language,
        period_from=period_from,
        period_to=period_to,
        host_name="web-01",
        online_percent=99.93,
        incidents=[
            ReportIncident(
                period_from + timedelta(days=3),
                period_from + timedelta(days=3, minutes=29),
                "host_offline",
                "No heartbeat for 29 min",
            )
        ],
        cpu_load=cpu,
        memory_percent=mem,
        disk_percent=disk,
        heartbeats=len(cpu) * 60,
    )
