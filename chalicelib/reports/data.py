"""What a report shows, as plain data: the renderer knows nothing about tables or S3.

``sources`` fills these from the monitoring rollups (hourly/daily) and hands them to
``chalicelib.reports.service.create_report``. Times are timezone-aware UTC datetimes;
percentages are floats from 0 to 100 (they are displayed, never summed into money).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass
class Branding:
    """The org in which the report is created: its name follows the provided-by sentence."""

    org_name: str
    logo_png: bytes | None = None  # the stored logo (PNG, 150×150) or None
    time_zone: str = "Europe/Berlin"  # the org's IANA zone: every time in the report is local


@dataclass
class ReportIncident:
    started_at: datetime
    ended_at: datetime | None  # None: still open at the end of the period
    kind: str  # incidents.models.KINDS (endpoint_down, certificate, host_offline, …)
    summary: str = ""  # stored text: shown only when there is no code
    code: str | None = None  # the cause (``incidents.texts``), rendered in the report's language
    params: dict[str, Any] = field(default_factory=dict)

    def duration_s(self, period_end: datetime) -> float:
        end = self.ended_at or period_end
        return max(0.0, (end - self.started_at).total_seconds())


@dataclass
class ResponsePoint:
    """One rollup bucket (an hour or a day) of response times."""

    at: datetime
    mean_ms: float | None
    p95_ms: float | None


@dataclass
class DailyAvailability:
    day: date
    percent: float | None  # None: no checks that day


@dataclass
class CertificateInfo:
    subject: str
    issuer: str
    not_before: datetime | None
    not_after: datetime | None
    days_left: int | None
    names: list[str] = field(default_factory=list)
    valid: bool = True  # chain and host name verified
    error: str | None = None  # technical reason when not valid (printed as is)


@dataclass
class HeaderFinding:
    header: str  # lower-case header name, e.g. "strict-transport-security"
    status: str  # ok | missing | weak
    value: str | None = None


@dataclass
class MaintenanceWindow:
    start: datetime
    end: datetime
    note: str = ""


@dataclass
class EndpointReportData:
    branding: Branding
    language: str  # de | en
    period_from: datetime
    period_to: datetime
    endpoint_name: str
    endpoint_url: str
    sla_target_percent: float | None = None
    uptime_percent: float | Decimal | None = None  # None: no checks in the period ("no data yet")
    incidents: list[ReportIncident] = field(default_factory=list)
    mean_ms: float | None = None
    p95_ms: float | None = None
    series: list[ResponsePoint] = field(default_factory=list)
    series_resolution: str = "hour"  # hour | day
    daily: list[DailyAvailability] = field(default_factory=list)
    certificate: CertificateInfo | None = None
    header_findings: list[HeaderFinding] = field(default_factory=list)
    maintenance: list[MaintenanceWindow] = field(default_factory=list)
    checks: int = 0  # number of checks behind the figures
    # the part of the period that was monitored: from the first check (when later than
    # ``period_from``) to the report's creation (when earlier than ``period_to``); None = period
    monitored_from: datetime | None = None
    monitored_to: datetime | None = None
    downtime_s: float | None = None  # check interval × failed checks (``chalicelib.availability``)

    @property
    def has_data(self) -> bool:
        return self.uptime_percent is not None and (self.checks > 0 or bool(self.series))

    @property
    def shown_from(self) -> datetime:
        return max(self.period_from, self.monitored_from or self.period_from)

    @property
    def shown_to(self) -> datetime:
        return min(self.period_to, self.monitored_to or self.period_to)


@dataclass
class MetricPoint:
    at: datetime
    value: float | None


@dataclass
class HostReportData:
    branding: Branding
    language: str
    period_from: datetime
    period_to: datetime
    host_name: str
    online_percent: float | Decimal | None = None  # None: no heartbeats yet
    incidents: list[ReportIncident] = field(default_factory=list)  # offline (and disk/memory)
    cpu_load: list[MetricPoint] = field(default_factory=list)  # load average per rollup
    memory_percent: list[MetricPoint] = field(default_factory=list)
    disk_percent: list[MetricPoint] = field(default_factory=list)  # fullest disk per rollup
    maintenance: list[MaintenanceWindow] = field(default_factory=list)
    heartbeats: int = 0
    monitored_from: datetime | None = None  # first heartbeat, when later than period_from
    monitored_to: datetime | None = None  # the report's creation, when earlier than period_to
    offline_s: float | None = None  # monitored time without heartbeats (``chalicelib.availability``)
    os_label: str = ""  # "Debian GNU/Linux 12"

    @property
    def has_data(self) -> bool:
        return self.online_percent is not None

    @property
    def shown_from(self) -> datetime:
        return max(self.period_from, self.monitored_from or self.period_from)

    @property
    def shown_to(self) -> datetime:
        return min(self.period_to, self.monitored_to or self.period_to)
