"""Per-key rate limits on expensive or guessable operations, kept in the core table.

Each limit is a fixed window: one counter item per (scope, key, window), incremented with a
conditional UpdateItem (`hits < limit`), so concurrent Lambdas cannot overshoot it and no read
comes first. Items expire with the table's TTL two windows later. Limits are configurable by
environment: ``VIGIL_RATE_<SCOPE>="<count>/<seconds>"`` (e.g. ``VIGIL_RATE_REPORTS=30/3600``).

| pattern | key |
|---|---|
| counter of a key in a window | pk=`RATE#<scope>#<key>#<window>`, sk=`RATE` (TTL) |

Scopes: ``reports`` and ``invites`` (per org, every attempt counts); ``login_email`` and
``login_ip`` (login attempts per e-mail / source address: the slot is taken before the password
is evaluated, a successful login gives it back with ``give_back``, so only failures stay counted
and parallel guesses cannot overshoot); ``forgot_email``/``forgot_ip`` (reset mails requested),
``reset_email``/``reset_ip`` (reset-code attempts), ``mfa_user`` (TOTP code attempts per user:
login challenge, enrolment, disabling); ``signup_ip``/``signup_email`` and
``signup_confirm_ip``/``signup_confirm_email`` (per source and per target address),
``invoice_resend`` (per org) and ``recipients`` (per org: changes of alert and report-schedule
recipients). Every scope is taken with ``take`` before the work. See docs/security.md.
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
    "signup_ip": "10/3600",  # signups per source address and hour
    "signup_email": "3/3600",  # signups per target address and hour (each one mails it)
    "signup_confirm_ip": "30/900",  # code confirmations per source address in 15 minutes
    "signup_confirm_email": "10/900",  # code confirmations per target address in 15 minutes
    "invoice_resend": "10/3600",  # invoice mails resent per org and hour
    "recipients": "30/3600",  # alert and report-schedule recipient changes per org and hour
    "recipient_confirm_ip": "30/900",  # recipient confirmation links per source address
    "forgot_email": "3/3600",  # reset mails per e-mail address and hour
    "forgot_ip": "10/3600",  # reset requests per source address and hour
    "reset_email": "5/900",  # reset-code attempts per e-mail address in 15 minutes
    "reset_ip": "20/900",  # reset-code attempts per source address in 15 minutes
    "mfa_user": "5/300",  # TOTP code attempts per user in 5 minutes
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


#: The catalog key of each scope's refusal (written out: tests/i18n/test_catalog.py finds the keys
#: here); scopes without one (failed logins) answer rate.logins.
_KEYS = {
    "reports": "rate.reports",
    "invites": "rate.invites",
    "signup_ip": "rate.signup_ip",
    "signup_email": "rate.signup_email",
    "signup_confirm_ip": "rate.signup_confirm_ip",
    "signup_confirm_email": "rate.signup_confirm_email",
    "invoice_resend": "rate.invoice_resend",
    "recipients": "rate.recipients",
    "recipient_confirm_ip": "rate.recipient_confirm_ip",
    "forgot_email": "rate.forgot_email",
    "forgot_ip": "rate.forgot_ip",
    "reset_email": "rate.reset_email",
    "reset_ip": "rate.reset_ip",
    "mfa_user": "rate.mfa_user",
}


def _refuse(scope: str, retry_after: int) -> errors.TooManyRequests:
    return errors.TooManyRequests(errors.M(_KEYS.get(scope, "rate.logins")), retry_after)


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


def take_all(*scoped_keys: tuple[str, str]) -> None:
    """``take`` each (scope, key) in turn; when one refuses, the slots already taken are given
    back, so a refused request uses up nothing."""
    taken: list[tuple[str, str]] = []
    try:
        for scope, key in scoped_keys:
            take(scope, key)
            taken.append((scope, key))
    except errors.TooManyRequests:
        for scope, key in taken:
            give_back(scope, key)
        raise


def give_back(scope: str, key: str) -> None:
    """Return a slot taken with ``take`` (e.g. the login succeeded); never below zero."""
    from pynamodb.exceptions import UpdateError

    limit = limit_of(scope)
    window, _ = _window(limit)
    try:
        RateCounter(_pk(scope, key, window), "RATE").update(
            actions=[RateCounter.hits.add(-1)], condition=RateCounter.hits > 0
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", "") != "ConditionalCheckFailedException":
            raise
        # the window turned (or nothing was counted): nothing to give back


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
