"""The one definition of availability and downtime (endpoint status API, host API, reports, SLA).

- **Endpoints**: every check stands for one check interval. Downtime = check interval × failed
  checks; monitored time = check interval × checks. Checks inside a maintenance window are not
  counted at all (the rollups keep them apart), so maintenance is neither up nor down.
  Availability = 1 − downtime ÷ monitored time (= successful ÷ counted checks).
- **Hosts**: each accepted heartbeat stands for the agent's reporting interval. Online time of an
  hour = min(the part of the hour inside the window, heartbeats × interval); monitored time =
  the window from the first heartbeat (or the window's start, when later) to its end (or now).
  Offline time = monitored − online; online percent = 1 − offline ÷ monitored.

Percentages are cut (not rounded) to the shown places, so 99.9996 % never shows as 100 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Availability:
    monitored_s: Decimal  # time judged (seconds)
    down_s: Decimal  # of which down / offline

    @property
    def up_s(self) -> Decimal:
        return self.monitored_s - self.down_s

    def percent(self, places: int = 3) -> Decimal | None:
        """Availability in percent, cut to ``places``; None when nothing was monitored."""
        if self.monitored_s <= 0:
            return None
        value = self.up_s * 100 / self.monitored_s
        return min(Decimal(100), max(Decimal(0), value)).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_DOWN
        )

    def text(self, places: int = 3) -> str | None:
        """The percent as the API shows it (``"99.950"``), or None."""
        value = self.percent(places)
        return None if value is None else str(value)


def of_checks(checks: int, up: int, interval_s: int = 60) -> Availability:
    """Endpoint availability from counted checks (maintenance excluded) and the check interval."""
    checks, up = max(0, int(checks)), max(0, min(int(up), int(checks)))
    return Availability(Decimal(checks * interval_s), Decimal((checks - up) * interval_s))


def first_heartbeat(hours: Iterable[tuple[datetime, int, int]], now: datetime) -> datetime | None:
    """The estimated first heartbeat: inside the first hour with heartbeats, they are taken as
    the last ``n × interval`` seconds of that hour (or of the time up to now)."""
    with_beats = sorted((at, n, interval) for at, n, interval in hours if n > 0)
    if not with_beats:
        return None
    at, n, interval = with_beats[0]
    end = min(at + HOUR, now)
    return max(at, end - timedelta(seconds=n * interval))


def of_heartbeats(hours: Iterable[tuple[datetime, int, int]], start: datetime, end: datetime) -> Availability:
    """Host availability in [start, end) from hourly (hour start, heartbeats, interval s).

    An hour is credited with its heartbeats × interval, at most the part of the hour inside the
    window; what a late heartbeat covers beyond the hour's end (at most one interval) carries
    over into the next hour."""

    def overlap(at: datetime) -> float:
        return max(0.0, (min(at + HOUR, end) - max(at, start)).total_seconds())

    monitored = max(0.0, (end - start).total_seconds())
    online = carry = 0.0
    previous: datetime | None = None
    for at, n, interval in sorted(h for h in hours if h[1] > 0):
        if previous is not None and at != previous + HOUR and carry:
            online += min(carry, overlap(previous + HOUR))  # the hour after, without heartbeats
            carry = 0.0
        credit = float(n * interval) + carry
        available = overlap(at)
        online += min(credit, available)
        carry = min(max(0.0, credit - available), float(interval)) if at + HOUR <= end else 0.0
        previous = at
    if previous is not None and carry:
        online += min(carry, overlap(previous + HOUR))
    online = min(online, monitored)
    return Availability(Decimal(str(round(monitored, 3))), Decimal(str(round(monitored - online, 3))))


def host_window(
    hours: Iterable[tuple[datetime, int, int]],
    start: datetime,
    end: datetime,
    now: datetime,
    created_at: datetime,
    first_seen: datetime | None = None,
) -> tuple[datetime, datetime] | None:
    """The monitored part of [start, end) of a host created at ``created_at``: from its first
    heartbeat (``first_seen``, stored since #16; for older hosts estimated from ``hours`` when
    the host was created inside the window, so that they hold its whole history), else from
    ``start``; to now when earlier than ``end``. None before the first heartbeat."""
    if first_seen is not None:
        start = max(start, first_seen)
    elif created_at >= start:
        first = first_heartbeat(hours, now)
        if first is None:
            return None
        start = max(start, first)
    hi = min(end, now)
    return (start, hi) if hi > start else None


def host(
    hours: Iterable[tuple[datetime, int, int]],
    start: datetime,
    end: datetime,
    now: datetime,
    created_at: datetime,
    first_seen: datetime | None = None,
) -> tuple[Availability, datetime | None]:
    """(online availability, monitored since) of a host over [start, end)."""
    hours = list(hours)
    window = host_window(hours, start, end, now, created_at, first_seen)
    if window is None:
        return Availability(Decimal(0), Decimal(0)), None
    return of_heartbeats(hours, *window), window[0]
