"""One clock for business time (trials, billing periods, schedules).

Tests move time with ``set_now``/``advance``; everything else calls ``now()``. Token expiry is
checked against real time by PyJWT and is not affected.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_frozen: datetime | None = None


def now() -> datetime:
    with _lock:
        if _frozen is not None:
            return _frozen
    return datetime.now(UTC)


def set_now(value: datetime | None) -> None:
    global _frozen
    with _lock:
        _frozen = value.astimezone(UTC) if value is not None else None


def advance(delta: timedelta) -> datetime:
    global _frozen
    with _lock:
        base = _frozen if _frozen is not None else datetime.now(UTC)
        _frozen = base + delta
        return _frozen


def iso(value: datetime | None) -> str | None:
    """ISO-8601 UTC with a `Z`, second precision, as the API promises."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def epoch(value: datetime) -> int:
    return int(value.timestamp())
