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

Fan-out (issue #19, 100,000 endpoints at 1-minute intervals): the scheduled run only moves the
cursor and invokes the shard function once per ``by_due`` shard (``DUE_SHARDS``, asynchronously,
0 retries, 60 s maximum event age); each shard run queries its own partition and sends batches
to the check queue as the index pages arrive (no claim per endpoint: the cursor is the claim).
With a lookahead (``settings.dispatch_lookahead_s``, 60 s in AWS) a run queues the slots up to
now + lookahead and delays each batch (SQS ``DelaySeconds``) to its earliest slot, so checks are
spread over the minute as their offsets are. See docs/monitoring.md, "Dispatcher at scale".

The claim per run replaces a claim per endpoint (a conditional update moving the index key:
1 write + 2 index writes per check); see docs/deploy.md, "Cost model".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import aws, clock, settings
from chalicelib.monitoring.models import DUE_SHARDS, INTERVALS_MINUTES, DispatchCursor, Endpoint, due_pk

log = logging.getLogger("vigil.monitoring.dispatch")

QUEUE = "check-batches"
#: A batch holds endpoints whose slots lie in the same step of this many seconds after the run
#: (it is delayed to the earliest): checks start at most this much before their slot.
SPREAD_STEP_S = 10


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


def _ranges(through: int | None, horizon: int) -> list[tuple[int, str, str]]:
    """(interval, from, to) sort-key bounds of the slots in (through, horizon], per interval."""
    out = []
    for minutes in INTERVALS_MINUTES:
        for lo, hi in _window(through, horizon, minutes * 60):
            out.append((minutes, f"{minutes:04d}#{lo:05d}#", f"{minutes:04d}#{hi:05d}#~"))
    return out


def _query_shard(shard: int, through: int | None, horizon: int) -> Iterator[Endpoint]:
    """The shard's endpoints with a slot in (through, horizon], page by page (lazily)."""
    for _minutes, low, high in _ranges(through, horizon):
        yield from Endpoint.by_due.query(due_pk(shard), Endpoint.gsi1sk.between(low, high))


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
    """The second from which on slots are not queued yet (None before the first run): the
    cursor, or now if the cursor is ahead (slots up to it are queued, delayed to their second,
    so the next check of an endpoint is its first slot after now)."""
    from pynamodb.exceptions import DoesNotExist

    try:
        return dispatched_from(DispatchCursor.get(*DispatchCursor.key()))
    except DoesNotExist:
        return None


def dispatched_from(cursor: DispatchCursor) -> datetime:
    """``dispatched_through`` of a cursor item already read."""
    return _at(min(int(cursor.through), clock.epoch(clock.now())))


def _slot(item: Endpoint, now_s: int) -> int:
    """The newest slot of the endpoint at or before ``now_s`` (a run's horizon)."""
    period = int(item.interval_minutes) * 60
    offset = int(str(item.gsi1sk).split("#", 2)[1])
    return now_s - (now_s - offset) % period


EMPTY = {"due": 0, "queued": 0, "batches": 0, "skipped": 0}


def dispatch(now: datetime | None = None) -> dict[str, int]:
    """One scheduler run: claim the window (the cursor), then one shard run per ``by_due``
    shard: asynchronous invocations of the shard function in AWS, in-process locally."""
    now = now or clock.now()
    now_s = clock.epoch(now)
    horizon = now_s + settings.dispatch_lookahead_s()
    won, through = claim_run(horizon)
    if not won:
        return dict(EMPTY, shards=0)
    jobs = [
        {"shard": shard, "through": through, "now": now_s, "horizon": horizon} for shard in range(DUE_SHARDS)
    ]
    function = settings.dispatch_shard_function()
    if function:
        return {**EMPTY, "shards": fan_out(function, jobs)}
    total = dict(EMPTY, shards=len(jobs))
    for job in jobs:
        try:
            done = run_shard(job)
        except Exception:  # as in AWS: one failed shard run does not stop the others
            log.exception("dispatch: shard %s failed", job["shard"])
            continue
        for key, value in done.items():
            total[key] += value
    return total


def fan_out(function: str, jobs: list[dict[str, Any]]) -> int:
    """Invoke ``function`` asynchronously (``InvocationType=Event``) once per job, 16 at a time.

    The function is configured with 0 retries and a 60 s maximum event age (infra): a shard run
    that failed or waited too long is dropped (its slots are one missed check, never a pile-up
    behind the next minute's run) and lands in the async-failures queue, which is alarmed.
    """
    from concurrent.futures import ThreadPoolExecutor

    client = aws.client("lambda")

    def invoke(job: dict[str, Any]) -> bool:
        try:
            client.invoke(FunctionName=function, InvocationType="Event", Payload=json.dumps(job).encode())
        except Exception:
            log.exception("dispatch: shard %s not invoked", job["shard"])
            return False
        return True

    with ThreadPoolExecutor(max_workers=min(16, len(jobs) or 1)) as pool:
        return sum(pool.map(invoke, jobs))


#: org id -> (monitoring active, monotonic time read): kept by a warm shard function between
#: runs for ``settings.dispatch_plan_cache_s`` (a plan change takes effect that much later).
_PLAN_CACHE: dict[str, tuple[bool, float]] = {}


def _monitoring_active(org_ids: set[str], known: dict[str, bool]) -> None:
    """Fill ``known`` with the monitoring state of ``org_ids`` it lacks: from the container's
    cache while fresh, else BatchGets of 100 subscriptions (an org without one is not
    monitored, as ``limits_for`` has it)."""
    import time

    from chalicelib.billing.models import Subscription
    from chalicelib.billing.plans import MONITORING_STATES

    ttl = settings.dispatch_plan_cache_s()
    now = time.monotonic()
    missing = []
    for org_id in sorted(org_ids - known.keys()):
        cached = _PLAN_CACHE.get(org_id) if ttl else None
        if cached is not None and now - cached[1] < ttl:
            known[org_id] = cached[0]
        else:
            missing.append(org_id)
    for start in range(0, len(missing), 100):
        chunk = missing[start : start + 100]
        for org_id in chunk:
            known[org_id] = False
        keys = [Subscription.key(o) for o in chunk]
        # only what `limits_of(...).monitoring_active` looks at: less to transfer and parse
        for sub in Subscription.batch_get(keys, attributes_to_get=["org_id", "status"]):
            known[str(sub.org_id)] = sub.status in MONITORING_STATES
        if ttl:
            _PLAN_CACHE.update((o, (known[o], now)) for o in chunk)


class _Sender:
    """Queues claimed endpoints in batches as they come: a SendMessageBatch (10 batches of
    ``batch_size``) as soon as there are enough, each batch delayed until its earliest slot.
    Slots arrive in offset order per index query, so a batch is cut when the next slot falls
    into another ``SPREAD_STEP_S`` step (never without a lookahead: every delay is 0 then)."""

    def __init__(self, now_s: int) -> None:
        self.now_s = now_s
        self.size = batch_size()
        self.pending: list[tuple[int, list[str]]] = []  # (slot, [org, endpoint, slot iso])
        self.bodies: list[tuple[str, int]] = []  # (message body, delay seconds)
        self.batches = 0
        self.queued = 0
        self._url: str | None = None

    def add(self, slot: int, entry: list[str]) -> None:
        if self.pending and self._step(slot) != self._step(self.pending[0][0]):
            self._cut()  # a batch starts within SPREAD_STEP_S of each of its slots
        self.pending.append((slot, entry))
        if len(self.pending) >= self.size:
            self._cut()
        if len(self.bodies) >= 10:
            self._send()

    def _step(self, slot: int) -> int:
        return max(0, slot - self.now_s) // SPREAD_STEP_S

    def flush(self) -> None:
        while self.pending:
            self._cut()
        while self.bodies:
            self._send()

    def _cut(self) -> None:
        chunk, self.pending = self.pending[: self.size], self.pending[self.size :]
        # from the time of sending: a shard run that started late still starts checks on time
        delay = max(0, min(900, min(slot for slot, _ in chunk) - clock.epoch(clock.now())))
        self.bodies.append((json.dumps({"endpoints": [entry for _, entry in chunk]}), delay))
        self.queued += len(chunk)

    def _send(self) -> None:
        chunk, self.bodies = self.bodies[:10], self.bodies[10:]
        if self._url is None:
            self._url = queue_url()
        resp = aws.client("sqs").send_message_batch(
            QueueUrl=self._url,
            Entries=[
                {"Id": str(i), "MessageBody": body, "DelaySeconds": delay}
                for i, (body, delay) in enumerate(chunk)
            ],
        )
        self.batches += len(chunk)
        if resp.get("Failed"):
            # The run already claimed these slots; a lost batch is one missed check, never two.
            log.error("dispatch: %d batches not queued: %s", len(resp["Failed"]), resp["Failed"])


def run_shard(job: dict[str, Any]) -> dict[str, int]:
    """One shard's part of a run: its endpoints with a slot in (through, horizon], queued in
    batches while the index pages arrive; endpoints of orgs without monitoring are skipped.

    ``job``: ``shard``, ``through`` (None before the first run), ``now`` and ``horizon`` (epoch
    seconds; horizon = now + lookahead). Per shard: one Query per interval and offset range
    (paged), one BatchGet per 100 orgs, one SendMessageBatch per 10 batches.
    """
    shard, now_s = int(job["shard"]), int(job["now"])
    through = None if job.get("through") is None else int(job["through"])
    horizon = int(job.get("horizon", now_s))
    sender = _Sender(now_s)
    active: dict[str, bool] = {}
    due = skipped = 0
    page: list[Endpoint] = []

    def drain() -> None:
        nonlocal skipped
        _monitoring_active({item.org_id for item in page}, active)
        for item in page:
            if not active[item.org_id]:
                skipped += 1
                continue
            slot = _slot(item, horizon)
            sender.add(slot, [item.org_id, item.endpoint_id, clock.iso(_at(slot)) or ""])
        page.clear()

    for item in _query_shard(shard, through, horizon):
        due += 1
        page.append(item)
        if len(page) >= 10 * sender.size:
            drain()
    drain()
    sender.flush()
    if due:
        log.info(
            "dispatch shard %d: %d due, %d queued in %d batches, %d paused by plan",
            shard,
            due,
            sender.queued,
            sender.batches,
            skipped,
        )
    return {"due": due, "queued": sender.queued, "batches": sender.batches, "skipped": skipped}


def parse_message(body: str) -> list[tuple[str, str]]:
    data: Any = json.loads(body)
    return [(str(e[0]), str(e[1])) for e in data.get("endpoints", [])]
