"""Dispatcher at 100,000 endpoints, every one due each minute (issue #19 §2).

Backend: DynamoDB is **dynalite** (bench/dynalite.py, in-memory, started and stopped here), SQS
is moto in-process: moto walks every item of the table per GSI Query, so one 100,000-item run
would take it minutes per shard.

Seeds 100,000 endpoints at a 1-minute interval (1,000 orgs: 999 × 90 and one of 10,090; offsets
spread over the minute) with active subscriptions, moves the cursor as a previous run would have,
then times one steady-state run: the scheduled run claims the window (t, t + 60] and fans out one
shard run per ``by_due`` shard through the real ``fan_out`` (16 invocations in flight; here each
"invocation" runs the shard in-process, so 16 shards share this machine's 2 cores and one
dynalite process, where Lambda gives every shard its own). Metrics:

- ``dispatch_100k_s``: wall time of the whole run on this machine (claim + 64 shard runs);
- ``dispatch_shard_max_s`` / ``dispatch_shard_median_s``: one shard run (what each Lambda takes
  when they run side by side; measured under the same contention, so an upper bound);
- ``dispatch_ddb_calls_100k`` / ``dispatch_sqs_calls_100k``: calls of the run;
- ``dispatch_shard_alone_s``: one shard run with the machine to itself (max of 3): the figure
  closest to one shard Lambda in AWS;
- ``dispatch_delay_spread_s``: max − min ``DelaySeconds`` of the batches (≈ 59: spread over the
  minute).

``BENCH_DISPATCH_ENDPOINTS`` scales the size down (the metric keeps its name only at 100,000).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

TOTAL = int(os.environ.get("BENCH_DISPATCH_ENDPOINTS", "100000"))
ORGS = 1000
T0 = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)


def _seed() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.billing import subscriptions
    from chalicelib.billing.models import Subscription
    from chalicelib.monitoring.models import Endpoint, due_shard, due_sk

    per_org = TOTAL // ORGS
    subs = []
    for o in range(ORGS):
        sub = subscriptions.new_trial(f"o{o:04d}", f"o{o:04d}", T0 - timedelta(days=3))
        sub.gsi2pk = sub.gsi2sk = None
        sub.plan, sub.status = "enterprise", "active"
        subs.append(sub)
    with Subscription.batch_write() as batch:
        for sub in subs:
            batch.save(sub)

    def org_of(i: int) -> str:
        # one large org: the rest of the total after 999 orgs of `per_org`
        return f"o{min(i // per_org, ORGS - 1):04d}"

    def write(chunk: range) -> None:
        with Endpoint.batch_write() as batch:
            for i in chunk:
                org_id, endpoint_id = org_of(i), f"e{i:06d}"
                anchor = T0 - timedelta(minutes=5) + timedelta(seconds=(i * 37) % 60)
                batch.save(
                    Endpoint(
                        *Endpoint.key(org_id, endpoint_id),
                        gsi1pk=due_shard(endpoint_id),
                        gsi1sk=due_sk(org_id, endpoint_id, anchor, 1),
                        endpoint_id=endpoint_id,
                        org_id=org_id,
                        name=f"Shop {i}",
                        url=f"https://shop{i}.example.com/health",
                        interval_minutes=1,
                        checks={"status_codes": [200], "timeout_s": 10},
                        alert={"consecutive_failures": 2, "recipients": []},
                        next_check_at=anchor,
                        created_at=anchor,
                        updated_at=anchor,
                    )
                )

    step = 5000
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, [range(s, min(s + step, TOTAL)) for s in range(0, TOTAL, step)]))


class _InProcessLambda:
    """Stands in for Lambda's asynchronous invoke: runs the shard in the invoking thread."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self._lock = threading.Lock()

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        import json

        from chalicelib.monitoring.dispatcher import run_shard

        started = time.perf_counter()
        run_shard(json.loads(kwargs["Payload"]))
        with self._lock:
            self.durations.append(time.perf_counter() - started)
        return {"StatusCode": 202}


def run() -> dict[str, float]:
    from bench import dynalite
    from bench.env import prepare_env

    prepare_env()
    with dynalite.running():
        import moto

        from chalicelib import aws

        aws.reset_clients()
        with moto.mock_aws():
            return _run()


def _run() -> dict[str, float]:
    import json

    from chalicelib import aws, clock
    from chalicelib.local.bootstrap import import_models
    from chalicelib.local.metering import count_calls
    from chalicelib.monitoring import dispatcher
    from chalicelib.monitoring.models import DispatchCursor

    for model in import_models():  # dynalite has no TTL API: the tables only
        model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
    t = time.perf_counter()
    _seed()
    seed_s = time.perf_counter() - t

    now = T0
    clock.set_now(now)
    os.environ["VIGIL_DISPATCH_LOOKAHEAD_S"] = "60"
    os.environ["VIGIL_DISPATCH_SHARD_FUNCTION"] = "bench-DispatchShard"
    # the previous run (at now - 60 s) queued the slots up to now
    DispatchCursor(*DispatchCursor.key(), through=clock.epoch(now)).save()
    fake = _InProcessLambda()
    real_client = aws.client
    sqs = real_client("sqs")
    delays: list[int] = []
    queued: list[int] = []
    lock = threading.Lock()
    real_send = sqs.send_message_batch

    def spy(**kwargs: Any) -> Any:
        with lock:
            delays.extend(int(e["DelaySeconds"]) for e in kwargs["Entries"])
            queued.extend(len(json.loads(e["MessageBody"])["endpoints"]) for e in kwargs["Entries"])
        return real_send(**kwargs)

    sqs.send_message_batch = spy
    dispatcher.queue_url()  # created once, as the stack does
    aws.client = lambda service: fake if service == "lambda" else real_client(service)
    try:
        with count_calls() as calls:
            t = time.perf_counter()
            result = dispatcher.dispatch()
            run_s = time.perf_counter() - t
    finally:
        aws.client = real_client
        os.environ.pop("VIGIL_DISPATCH_SHARD_FUNCTION", None)
        os.environ.pop("VIGIL_DISPATCH_LOOKAHEAD_S", None)
        clock.set_now(None)
    sent_total, bodies, spread = sum(queued), len(queued), max(delays) - min(delays)
    # One shard run with the machine to itself (what one Lambda does in AWS, where the shard runs
    # do not share 2 cores and one emulator process): the same window again, 3 shards in turn.
    alone = []
    for shard in (0, 21, 42):
        t = time.perf_counter()
        dispatcher.run_shard(
            {
                "shard": shard,
                "through": clock.epoch(now),
                "now": clock.epoch(now),
                "horizon": clock.epoch(now) + 60,
            }
        )
        alone.append(time.perf_counter() - t)
    url = dispatcher.queue_url()
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    in_queue = int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesDelayed"])
    assert result["shards"] == 64 == len(fake.durations), result
    # every endpoint sent once; moto's queue counter may miss a message of concurrent sends
    assert sent_total == TOTAL and abs(in_queue - len(queued)) <= len(queued) // 100, (sent_total, in_queue)
    ddb = calls["dynamodb"]
    sqs_calls = calls["sqs"]
    by_op = {k: v for k, v in calls.items() if k.startswith("dynamodb:")}
    print(
        f"   backend dynalite (DynamoDB) + moto (SQS); seeded {TOTAL} endpoints in {seed_s:.0f} s; "
        f"run {run_s:.2f} s, shard max {max(fake.durations):.2f} s / median "
        f"{statistics.median(fake.durations):.2f} s, alone {max(alone):.2f} s; {bodies} batches, delays "
        f"spread {spread} s; "
        f"{ddb} DynamoDB calls ({by_op}), "
        f"{sqs_calls} SQS calls"
    )
    out = {
        "dispatch_shard_max_s": round(max(fake.durations), 3),
        "dispatch_shard_median_s": round(statistics.median(fake.durations), 3),
        "dispatch_shard_alone_s": round(max(alone), 3),
        "dispatch_delay_spread_s": float(spread),
        "dispatch_endpoints": float(TOTAL),
    }
    if TOTAL == 100_000:
        out["dispatch_100k_s"] = round(run_s, 2)
        out["dispatch_ddb_calls_100k"] = float(ddb)
        out["dispatch_sqs_calls_100k"] = float(sqs_calls)
    else:
        out["dispatch_run_s"] = round(run_s, 2)
    return out
