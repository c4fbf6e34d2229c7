"""Scheduler side of the fan-out: select the due endpoints, claim the run, queue them in batches.

Every endpoint has a fixed grid of slots: ``next_check_at`` (its anchor) + k × interval. The
``by_due`` index keys it by ``<interval>#<offset>`` (offset = anchor mod interval, in seconds),
which does not change between checks, so a check costs no scheduling write. A run handles the
slots in ``(through, now]``, ``through`` being the second the previous run handled
(``DispatchCursor``): it first moves the cursor with a conditional put (overlapping dispatchers
cannot both win, so no endpoint is checked twice for a slot), then queries, per shard and
interval, the offsets whose slot lies in that window (never a Scan). After an outage the window
is longer: an endpoint whose slots passed is checked once, and its grid continues (none is
skipped, none checked several times in a row). Endpoints of orgs whose trial expired or
subscription ended are not queued (they resume on their next slot after a plan is ordered).

The claim per run replaces a claim per endpoint (a conditional update moving the index key:
1 write + 2 index writes per check); see docs/deploy.md, "Cost model".
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import aws, clock, settings
from chalicelib.billing.plans import limits_for
from chalicelib.monitoring.models import DUE_SHARDS, INTERVALS_MINUTES, DispatchCursor, Endpoint, due_pk

log = logging.getLogger("vigil.monitoring.dispatch")

QUEUE = "check-batches"


def batch_size() -> int:
    """Endpoints per worker invocation: all run concurrently with a 10 s budget each, so a
    batch ends well inside the Lambda timeout whatever its size; 100 keeps memory small."""
    return settings.check_batch_size()


def queue_url() -> str:
    """URL of the check-batches queue; created on first use in local mode (emulator, tests)."""
    sqs = aws.client("sqs")
    name = settings.queue_name(QUEUE)
    try:
        return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])
    except sqs.exceptions.QueueDoesNotExist:
        if not settings.is_local():
            raise
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return str(
        sqs.create_queue(
            QueueName=name,
            Attributes={
                "VisibilityTimeout": "60",
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"}),
            },
        )["QueueUrl"]
    )


def _at(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


def next_slot_after(anchor: datetime, interval_minutes: int, after: datetime | None) -> datetime:
    """The first slot of the grid strictly after ``after`` (the anchor itself when it is later)."""
    if after is None or anchor > after:
        return anchor
    step = timedelta(minutes=interval_minutes)
    return anchor + step * ((after - anchor) // step + 1)


def _window(through: int | None, now_s: int, period: int) -> list[tuple[int, int]]:
    """Offset ranges (inclusive) of the slots of a ``period``-second grid in (through, now_s]."""
    if through is None or now_s - through >= period:
        return [(0, period - 1)]
    lo, hi = (through + 1) % period, now_s % period
    return [(lo, hi)] if lo <= hi else [(lo, period - 1), (0, hi)]


def select_due(through: int | None, now_s: int) -> list[Endpoint]:
    """Endpoints with a slot in (through, now_s]: one Query per shard, interval and range."""
    out: list[Endpoint] = []
    for shard in range(DUE_SHARDS):
        for minutes in INTERVALS_MINUTES:
            for lo, hi in _window(through, now_s, minutes * 60):
                bounds = f"{minutes:04d}#{lo:05d}#", f"{minutes:04d}#{hi:05d}#~"
                out.extend(Endpoint.by_due.query(due_pk(shard), Endpoint.gsi1sk.between(*bounds)))
    return out


def claim_run(now_s: int) -> tuple[bool, int | None]:
    """Move the cursor to ``now_s`` if nobody else did: (won, the second handled before)."""
    from pynamodb.exceptions import DoesNotExist, PutError

    try:
        through: int | None = int(DispatchCursor.get(*DispatchCursor.key(), consistent_read=True).through)
    except DoesNotExist:
        through = None
    if through is not None and now_s <= through:
        return False, through  # this second is handled already (an overlapping run)
    condition = (
        DispatchCursor.through == through if through is not None else DispatchCursor.pk.does_not_exist()
    )
    try:
        DispatchCursor(*DispatchCursor.key(), through=now_s).save(condition=condition)
    except PutError as exc:
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            return False, through  # an overlapping run moved it first
        raise
    return True, through


def dispatched_through() -> datetime | None:
    """The last second the dispatcher handled (None before its first run)."""
    from pynamodb.exceptions import DoesNotExist

    try:
        return _at(int(DispatchCursor.get(*DispatchCursor.key()).through))
    except DoesNotExist:
        return None


def _slot(item: Endpoint, now_s: int) -> int:
    """The newest slot of the endpoint at or before ``now_s``."""
    period = int(item.interval_minutes) * 60
    offset = int(str(item.gsi1sk).split("#", 2)[1])
    return now_s - (now_s - offset) % period


def dispatch(now: datetime | None = None) -> dict[str, int]:
    """One scheduler run: claim due endpoints and queue them in batches for the worker."""
    now = now or clock.now()
    now_s = clock.epoch(now)
    won, through = claim_run(now_s)
    if not won:
        return {"due": 0, "queued": 0, "batches": 0, "skipped": 0}
    due = select_due(through, now_s)
    active: dict[str, bool] = {}
    claimed: list[list[str]] = []
    skipped = 0
    for item in due:
        org_id = item.org_id
        if org_id not in active:
            active[org_id] = limits_for(org_id).monitoring_active
        if not active[org_id]:
            skipped += 1
            continue
        slot = _at(_slot(item, now_s))
        claimed.append([org_id, item.endpoint_id, clock.iso(slot) or ""])
    sent = send_batches(claimed)
    if due:
        log.info(
            "dispatch: %d due, %d queued in %d batches, %d paused by plan",
            len(due),
            len(claimed),
            sent,
            skipped,
        )
    return {"due": len(due), "queued": len(claimed), "batches": sent, "skipped": skipped}


def send_batches(claimed: list[list[str]]) -> int:
    if not claimed:
        return 0
    sqs = aws.client("sqs")
    url = queue_url()
    size = batch_size()
    bodies = [json.dumps({"endpoints": claimed[i : i + size]}) for i in range(0, len(claimed), size)]
    for start in range(0, len(bodies), 10):
        chunk = bodies[start : start + 10]
        resp = sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate(chunk)]
        )
        if resp.get("Failed"):
            # The run already claimed these slots; a lost batch is one missed check, never two.
            log.error("dispatch: %d batches not queued: %s", len(resp["Failed"]), resp["Failed"])
    return len(bodies)


def parse_message(body: str) -> list[tuple[str, str]]:
    data: Any = json.loads(body)
    return [(str(e[0]), str(e[1])) for e in data.get("endpoints", [])]
