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


#: Instants a request may name (report periods, ?from/&to): nothing of ours is older, and
#: arithmetic near year 1 or 9999 (a period's default start, day boundaries) would overflow.
EARLIEST_INPUT = datetime(2000, 1, 1, tzinfo=UTC)
INPUT_AHEAD = timedelta(days=1)
#: Instants planned ahead (maintenance windows) may lie this far in the future.
PLANNING_AHEAD = timedelta(days=5 * 366)


def input_range_problem(value: datetime, ahead: timedelta = INPUT_AHEAD) -> str | None:
    """Why ``value`` (naive = UTC) is no instant a request may name, or None when it is."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if aware < EARLIEST_INPUT:
        return "not_before_2000"
    if aware > now() + ahead:
        return "at_most_a_day_ahead" if ahead == INPUT_AHEAD else "too_far_ahead"
    return None


def query_time(value: str | None, field: str) -> datetime | None:
    """An instant named by a query parameter (ISO-8601, within the range a request may name);
    None when absent or empty. A bad value is a 400 naming ``field``."""
    from chalicelib import errors

    if not value:
        return None
    try:
        parsed = parse_iso(value)
    except ValueError:
        raise errors.ValidationFailed({field: errors.M("field.datetime_expected")}) from None
    problem = input_range_problem(parsed)
    if problem:
        raise errors.ValidationFailed({field: errors.M(f"field.{problem}")})
    return parsed


def epoch(value: datetime) -> int:
    return int(value.timestamp())
