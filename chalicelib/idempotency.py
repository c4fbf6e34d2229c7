"""Idempotency-Key handling for writes that create money or mail: one wrapper, ``run``.

``run(scope, key, payload, work)`` answers a request at most once per key: the first request
runs ``work(claim)``; a later one with the same key and the same payload gets exactly the first
answer (status and body) without running anything; the same key with another payload is 422.

How the answer is recorded decides what "exactly once" covers, and ``work`` picks it:

- ``claim.save_in(tx, status, body)`` writes the record *in the business transaction*, with the
  condition that no live record exists (orders, member invitations). Of concurrent identical
  requests exactly one changes anything; the others find its record and answer the same.
- ``claim.reserve_in(tx)`` writes an in-flight marker in the transaction that gates an effect
  outside DynamoDB (a mail); ``run`` replaces it by the answer once ``work`` returns (invoice
  resend). A concurrent request waits up to ``wait_s`` for that answer, then 409. If ``work``
  fails, the marker is removed so that a retry with the key does the work.
- neither: ``run`` stores the answer after ``work`` (answers that change nothing).

When ``work`` loses a race (``errors.Conflict`` or a transaction cancelled by a condition), a
concurrent request with the same key may have committed first: its answer is replayed; otherwise
the error stands. Records live 48 h (TTL); an in-flight marker 15 minutes (a Lambda's longest
run), after which the key may be used again.

| pattern | key |
|---|---|
| record of a key | pk=`IDEM#<scope>#<key>`, sk=`IDEM` |
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib import clock, errors
from chalicelib.core_table import TABLE
from chalicelib.db import meta

log = logging.getLogger("vigil.idempotency")

KEEP = timedelta(hours=48)
IN_FLIGHT_KEEP = timedelta(minutes=15)
IN_FLIGHT = 0  # ``status`` of an in-flight marker (never an HTTP status)
MAX_KEY_LENGTH = 200

Answer = tuple[int, Any]


class IdempotencyRecord(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="IDEM")
    fingerprint = UnicodeAttribute()
    status = NumberAttribute()
    body = UnicodeAttribute()  # the JSON response body ("null" while in flight)
    expires_at = NumberAttribute()
    claim_id = UnicodeAttribute(null=True)  # which request holds an in-flight marker


@dataclass
class Claim:
    """Permission to perform the request once; its record goes into the business transaction."""

    pk: str
    fingerprint: str
    claim_id: str = field(default_factory=lambda: secrets.token_hex(8))
    written: bool = False
    reserved: bool = False

    def record(self, status: int, body: Any, keep: timedelta = KEEP) -> IdempotencyRecord:
        from chalicelib.http import dumps

        return IdempotencyRecord(
            self.pk,
            "IDEM",
            fingerprint=self.fingerprint,
            status=status,
            body=dumps(body),
            expires_at=clock.epoch(clock.now() + keep),
            claim_id=self.claim_id,
        )

    def condition(self) -> Any:
        """No live record yet (an expired one the emulator kept may be overwritten)."""
        return IdempotencyRecord.pk.does_not_exist() | (
            IdempotencyRecord.expires_at < clock.epoch(clock.now())
        )

    def save_in(self, tx: Any, status: int, body: Any) -> None:
        """The answer, written atomically with the change it answers."""
        tx.save(self.record(status, body), condition=self.condition())
        self.written = True

    def reserve_in(self, tx: Any) -> None:
        """An in-flight marker in the transaction that gates work outside DynamoDB."""
        tx.save(self.record(IN_FLIGHT, None, keep=IN_FLIGHT_KEEP), condition=self.condition())
        self.reserved = True

    def _finish(self, status: int, body: Any) -> None:
        """Replace this request's in-flight marker by its answer."""
        from pynamodb.exceptions import PutError

        try:
            self.record(status, body).save(condition=IdempotencyRecord.claim_id == self.claim_id)
        except PutError as exc:
            if getattr(exc, "cause_response_code", "") != "ConditionalCheckFailedException":
                raise
            log.warning("idempotency %s: the in-flight marker expired before the answer", self.pk)

    def _release(self) -> None:
        """Remove this request's in-flight marker after its work failed (a retry may redo it)."""
        from pynamodb.exceptions import DeleteError

        try:
            IdempotencyRecord(self.pk, "IDEM").delete(
                condition=(IdempotencyRecord.claim_id == self.claim_id)
                & (IdempotencyRecord.status == IN_FLIGHT)
            )
        except DeleteError:
            log.warning("idempotency %s: in-flight marker not released", self.pk, exc_info=True)


def fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_key(key: str | None, required: bool) -> str | None:
    if key is None or key == "":
        if required:
            raise errors.ValidationFailed({"Idempotency-Key": errors.M("field.idempotency_key_required")})
        return None
    if len(key) > MAX_KEY_LENGTH or not all(33 <= ord(c) < 127 for c in key):
        raise errors.ValidationFailed(
            {"Idempotency-Key": errors.M("field.idempotency_key_format", max_length=MAX_KEY_LENGTH)}
        )
    return key


def _pk(scope: str, key: str) -> str:
    return f"IDEM#{scope}#{key}"


def record_key(scope: str, key: str) -> tuple[str, str]:
    """Key of the record, for callers that fetch it in a BatchGet with their own items
    (pass what they found to ``run(..., found=…)``)."""
    return _pk(scope, key), "IDEM"


_LOOK_UP: Any = object()


def run(
    scope: str,
    key: str | None,
    payload: Any,
    work: Callable[[Claim | None], Answer],
    *,
    found: Any = _LOOK_UP,
    wait_s: float = 5.0,
) -> Answer:
    """Answer (status, body) of ``work(claim)``, run at most once per ``key`` (see the module doc).

    Without a key ``work(None)`` just runs. ``found`` is the record when the caller fetched it
    already (None when absent); otherwise it is read here.
    """
    if key is None:
        return work(None)
    pk = _pk(scope, key)
    fp = fingerprint(payload)
    record = _live(_get(pk) if found is _LOOK_UP else found)
    if record is not None:
        return _answer_of(pk, record, fp, wait_s)
    claim = Claim(pk=pk, fingerprint=fp)
    try:
        status, body = work(claim)
    except Exception as exc:
        lost = _lost_race(exc)
        if not (lost or claim.reserved):
            raise
        record = _get(pk, consistent=True)  # a winner's record is committed with its change
        if record is not None and record.claim_id == claim.claim_id:
            if int(record.status) == IN_FLIGHT:
                claim._release()  # the work failed after the marker: a retry may do it
            raise
        if record is None or not lost:
            raise
        return _answer_of(pk, record, fp, wait_s)
    if claim.reserved:
        claim._finish(status, body)
    elif not claim.written:
        return _store_after(claim, status, body, wait_s)
    return status, body


def _lost_race(exc: Exception) -> bool:
    from pynamodb.exceptions import TransactWriteError

    from chalicelib import db

    if isinstance(exc, errors.Conflict):
        return True
    return isinstance(exc, TransactWriteError) and db.cancelled_by_condition(exc)


def _store_after(claim: Claim, status: int, body: Any, wait_s: float) -> Answer:
    """Record an answer that changed nothing; a concurrent request that recorded first wins."""
    from pynamodb.exceptions import PutError

    try:
        claim.record(status, body).save(condition=claim.condition())
    except PutError as exc:
        if getattr(exc, "cause_response_code", "") != "ConditionalCheckFailedException":
            raise
        record = _get(claim.pk, consistent=True)
        if record is not None:
            return _answer_of(claim.pk, record, claim.fingerprint, wait_s)
    return status, body


def _answer_of(pk: str, record: IdempotencyRecord, fp: str, wait_s: float) -> Answer:
    """The recorded answer; 422 for another payload; waits while the first is in flight."""
    deadline = time.monotonic() + wait_s
    while True:
        if record.fingerprint != fp:
            raise errors.Unprocessable(
                errors.M("idempotency.reused"),
                {"Idempotency-Key": errors.M("field.idempotency_key_reused")},
            )
        if int(record.status) != IN_FLIGHT:
            return int(record.status), json.loads(record.body)
        if time.monotonic() > deadline:
            raise errors.Conflict(errors.M("conflict.idempotency_in_progress"))
        time.sleep(0.05)
        found = _get(pk, consistent=True)
        if found is None:
            raise errors.Conflict(errors.M("conflict.idempotency_in_progress"))
        record = found


def _live(found: IdempotencyRecord | None) -> IdempotencyRecord | None:
    if found is None or found.expires_at < clock.epoch(clock.now()):
        return None  # the emulator keeps expired items; DynamoDB deletes them eventually
    return found


def _get(pk: str, consistent: bool = False) -> IdempotencyRecord | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return _live(IdempotencyRecord.get(pk, "IDEM", consistent_read=consistent))
    except DoesNotExist:
        return None
