"""Idempotency-Key handling for writes that create money or mail.

The record of a completed request is written *in the same transaction* as the change it
guards, with the condition that no record exists yet. So exactly one of several concurrent
identical requests changes anything; the others find the record and get the first answer
again. A key reused with a different body answers 422. Records live 24 h or more (TTL).

| pattern | key |
|---|---|
| record of a key | pk=`IDEM#<scope>#<key>`, sk=`IDEM` |
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib import clock, errors
from chalicelib.core_table import TABLE
from chalicelib.db import meta

KEEP = timedelta(hours=48)
MAX_KEY_LENGTH = 200


class IdempotencyRecord(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="IDEM")
    fingerprint = UnicodeAttribute()
    status = NumberAttribute()
    body = UnicodeAttribute()  # the JSON response body
    expires_at = NumberAttribute()


@dataclass
class Replay:
    status: int
    body: Any


@dataclass
class Claim:
    """Permission to perform the request once; ``record`` goes into the business transaction."""

    pk: str
    fingerprint: str

    def record(self, status: int, body: Any) -> IdempotencyRecord:
        from chalicelib.http import dumps

        return IdempotencyRecord(
            self.pk,
            "IDEM",
            fingerprint=self.fingerprint,
            status=status,
            body=dumps(body),
            expires_at=clock.epoch(clock.now() + KEEP),
        )

    def condition(self) -> Any:
        """No live record yet (an expired one the emulator kept may be overwritten)."""
        return IdempotencyRecord.pk.does_not_exist() | (
            IdempotencyRecord.expires_at < clock.epoch(clock.now())
        )


def fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_key(key: str | None, required: bool) -> str | None:
    if key is None or key == "":
        if required:
            raise errors.ValidationFailed({"Idempotency-Key": "header required for this request"})
        return None
    if len(key) > MAX_KEY_LENGTH or not all(33 <= ord(c) < 127 for c in key):
        raise errors.ValidationFailed({"Idempotency-Key": f"1 to {MAX_KEY_LENGTH} visible ASCII characters"})
    return key


def _pk(scope: str, key: str) -> str:
    return f"IDEM#{scope}#{key}"


def _replay_or_reject(found: IdempotencyRecord, fp: str) -> Replay:
    if found.fingerprint != fp:
        raise errors.Unprocessable(
            "This Idempotency-Key was used with a different request body.",
            {"Idempotency-Key": "reused with a different request"},
        )
    return Replay(status=int(found.status), body=json.loads(found.body))


def begin(scope: str, key: str | None, payload: Any) -> Replay | Claim | None:
    """Replay of an earlier answer, a Claim to go ahead, or None without a key."""
    if key is None:
        return None
    pk = _pk(scope, key)
    return decide(pk, _get(pk), payload)


def record_key(scope: str, key: str) -> tuple[str, str]:
    """Key of the record, for callers that fetch it in a BatchGet with their own items."""
    return _pk(scope, key), "IDEM"


def decide(pk: str, found: IdempotencyRecord | None, payload: Any) -> Replay | Claim:
    """Like ``begin`` with the record already fetched (or None when absent)."""
    fp = fingerprint(payload)
    if found is not None and found.expires_at >= clock.epoch(clock.now()):
        return _replay_or_reject(found, fp)
    return Claim(pk=pk, fingerprint=fp)


def after_conflict(claim: Claim, wait_s: float = 5.0) -> Replay:
    """The transaction lost to a concurrent identical request: answer what it answered."""
    deadline = time.monotonic() + wait_s
    while True:
        found = _get(claim.pk, consistent=True)
        if found is not None:
            return _replay_or_reject(found, claim.fingerprint)
        if time.monotonic() > deadline:
            raise errors.Conflict("A request with this Idempotency-Key is still in progress.")
        time.sleep(0.05)


def _get(pk: str, consistent: bool = False) -> IdempotencyRecord | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        found = IdempotencyRecord.get(pk, "IDEM", consistent_read=consistent)
    except DoesNotExist:
        return None
    if found.expires_at < clock.epoch(clock.now()):
        return None  # the emulator keeps expired items; DynamoDB deletes them eventually
    return found
