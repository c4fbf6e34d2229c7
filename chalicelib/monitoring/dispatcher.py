"""Scheduler side of the fan-out: select the due endpoints, claim them, queue them in batches.

Every minute: for each shard, one Query on the ``by_due`` index for keys <= now (never a Scan).
Each due endpoint is *claimed* by a conditional update that moves its next-check time one
interval forward on its own grid (``gsi1sk`` must still be what was read): overlapping
dispatchers cannot both claim it, so no endpoint is checked twice for a slot, and an endpoint
whose slot passed is found by the next run, so none is skipped. Endpoints of orgs whose trial
expired or subscription ended are advanced without being checked (nothing piles up; they resume
on the next slot after a plan is ordered).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from chalicelib import aws, clock, settings
from chalicelib.billing.plans import limits_for
from chalicelib.monitoring.models import DUE_SHARDS, Endpoint, due_pk, due_sk

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


def next_slot(scheduled: datetime, interval_minutes: int, now: datetime) -> datetime:
    """The next slot on the endpoint's own grid strictly after ``now`` (catching up skips
    missed slots instead of checking several times in a row)."""
    step = timedelta(minutes=interval_minutes)
    nxt = scheduled + step
    if nxt <= now:
        missed = (now - scheduled) // step
        nxt = scheduled + step * (missed + 1)
    return nxt


def _parse_due(gsi1sk: str) -> tuple[datetime, str, str]:
    at, org_id, endpoint_id = gsi1sk.split("#", 2)
    return clock.parse_iso(at), org_id, endpoint_id


def select_due(now: datetime) -> list[Endpoint]:
    cutoff = f"{clock.iso(now)}#~"
    out: list[Endpoint] = []
    for shard in range(DUE_SHARDS):
        out.extend(Endpoint.by_due.query(due_pk(shard), Endpoint.gsi1sk <= cutoff))
    return out


def claim(item: Endpoint, now: datetime) -> datetime | None:
    """Advance one endpoint to its next slot if nobody else did; returns the claimed slot."""
    from pynamodb.exceptions import UpdateError

    scheduled, org_id, endpoint_id = _parse_due(item.gsi1sk)
    nxt = next_slot(scheduled, int(item.interval_minutes), now)
    try:
        item.update(
            actions=[
                Endpoint.next_check_at.set(nxt),
                Endpoint.gsi1sk.set(due_sk(org_id, endpoint_id, nxt)),
            ],
            condition=Endpoint.gsi1sk == item.gsi1sk,
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            return None  # claimed by an overlapping run, or changed/deleted meanwhile
        raise
    return scheduled


def dispatch(now: datetime | None = None) -> dict[str, int]:
    """One scheduler run: claim due endpoints and queue them in batches for the worker."""
    now = now or clock.now()
    due = select_due(now)
    active: dict[str, bool] = {}
    claimed: list[list[str]] = []
    skipped = 0
    for item in due:
        org_id = item.org_id
        if org_id not in active:
            active[org_id] = limits_for(org_id).monitoring_active
        slot = claim(item, now)
        if slot is None:
            continue
        if not active[org_id]:
            skipped += 1
            continue
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
            # The claim already moved these slots; a lost batch is one missed check, never two.
            log.error("dispatch: %d batches not queued: %s", len(resp["Failed"]), resp["Failed"])
    return len(bodies)


def parse_message(body: str) -> list[tuple[str, str]]:
    data: Any = json.loads(body)
    return [(str(e[0]), str(e[1])) for e in data.get("endpoints", [])]
