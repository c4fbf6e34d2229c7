"""Per-key rate limits on expensive or guessable operations, kept in the core table.

Each limit is a fixed window: one counter item per (scope, key, window), incremented with a
conditional UpdateItem (`hits < limit`), so concurrent Lambdas cannot overshoot it and no read
comes first. Items expire with the table's TTL two windows later. Limits are configurable by
environment: ``VIGIL_RATE_<SCOPE>="<count>/<seconds>"`` (e.g. ``VIGIL_RATE_REPORTS=30/3600``).

| pattern | key |
|---|---|
| counter of a key in a window | pk=`RATE#<scope>#<key>#<window>`, sk=`RATE` (TTL) |

Scopes: ``reports`` and ``invites`` (per org, every attempt counts), ``login_email`` and
``login_ip`` (failed logins per e-mail / source address; login refuses once either is full).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib import clock, errors, settings
from chalicelib.core_table import TABLE
from chalicelib.db import meta

DEFAULTS = {
    "reports": "30/3600",  # report generations per org and hour
    "invites": "50/3600",  # member additions per org and hour
    "login_email": "5/900",  # failed logins per e-mail address in 15 minutes
    "login_ip": "20/900",  # failed logins per source address in 15 minutes
}


class RateCounter(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="RATE")
    hits = NumberAttribute(default=0)
    expires_at = NumberAttribute()


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def limit_of(scope: str) -> Limit:
    raw = settings.rate_limit(scope, DEFAULTS[scope])
    count, _, seconds = raw.partition("/")
    return Limit(max(1, int(count)), max(1, int(seconds or "3600")))


def _window(limit: Limit) -> tuple[int, int]:
    """(window number, seconds until it ends) at business time."""
    now = int(clock.now().timestamp())
    return now // limit.seconds, limit.seconds - now % limit.seconds


def _pk(scope: str, key: str, window: int) -> str:
    # Keys may be e-mail addresses: stored hashed, not in clear.
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    return f"RATE#{scope}#{digest}#{window}"


def _refuse(scope: str, retry_after: int) -> errors.TooManyRequests:
    key = {"reports": "rate.reports", "invites": "rate.invites"}.get(scope, "rate.logins")
    return errors.TooManyRequests(errors.M(key), retry_after)


def take(scope: str, key: str) -> None:
    """Count one use; 429 with Retry-After when the window's limit is used up."""
    from pynamodb.exceptions import UpdateError

    limit = limit_of(scope)
    window, left = _window(limit)
    item = RateCounter(_pk(scope, key, window), "RATE")
    try:
        item.update(
            actions=[
                RateCounter.hits.add(1),
                RateCounter.expires_at.set(int(clock.now().timestamp()) + left + limit.seconds),
            ],
            condition=RateCounter.hits.does_not_exist() | (RateCounter.hits < limit.count),
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            raise _refuse(scope, left) from exc
        raise


def add(scope: str, key: str) -> None:
    """Count one event without refusing (e.g. a failed login)."""
    limit = limit_of(scope)
    window, left = _window(limit)
    RateCounter(_pk(scope, key, window), "RATE").update(
        actions=[
            RateCounter.hits.add(1),
            RateCounter.expires_at.set(int(clock.now().timestamp()) + left + limit.seconds),
        ]
    )


def check(*scoped_keys: tuple[str, str]) -> None:
    """429 when any of the (scope, key) counters is full; one BatchGetItem."""
    from chalicelib.db import batch_get_mixed, found_as

    wanted = []
    lefts = {}
    for scope, key in scoped_keys:
        limit = limit_of(scope)
        window, left = _window(limit)
        k = (_pk(scope, key, window), "RATE")
        wanted.append((RateCounter, k))
        lefts[k] = (scope, limit, left)
    found = batch_get_mixed(wanted)
    for k, (scope, limit, left) in lefts.items():
        item = found_as(found, k, RateCounter)
        if item is not None and (item.hits or 0) >= limit.count:
            raise _refuse(scope, left)
