"""Dispatcher fan-out (issue #19 §2): one asynchronous shard run per ``by_due`` shard, batches
sent as the index pages arrive, checks spread over the minute with SQS ``DelaySeconds``."""

from __future__ import annotations

import json
import zlib
from datetime import timedelta
from typing import Any

from chalicelib import aws, clock
from chalicelib.monitoring.models import DUE_SHARDS, Endpoint, due_pk
from tests.monitoring.conftest import NOW, set_plan
from tests.monitoring.test_checks import _create, _results
from tests.support.lambdas import invoke


class FakeLambda:
    """Records ``invoke`` calls (the shard runs the scheduled run starts)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"StatusCode": 202}


def _fake_lambda(monkeypatch) -> FakeLambda:
    fake = FakeLambda()
    real = aws.client
    monkeypatch.setattr(aws, "client", lambda service: fake if service == "lambda" else real(service))
    return fake


def _sent_batches(monkeypatch) -> list[dict[str, Any]]:
    """Spy on the check queue: every SendMessageBatch entry the dispatcher sends."""
    sqs = aws.client("sqs")
    sent: list[dict[str, Any]] = []
    real_send = sqs.send_message_batch

    def spy(**kwargs: Any) -> Any:
        sent.extend(kwargs["Entries"])
        return real_send(**kwargs)

    monkeypatch.setattr(sqs, "send_message_batch", spy)
    return sent


def test_scheduled_run_invokes_one_async_shard_run_per_shard(api, customer, web, guard, monkeypatch):
    from app import app
    from chalicelib.local.scheduler import pump_sqs

    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    eps = [_create(api, org_id, token, f"ep {i}", f"{web.base}/healthy") for i in range(3)]
    # an endpoint keyed when the index had 8 shards is still found (shards 0–7 are queried)
    legacy = Endpoint.get(*Endpoint.key(org_id, eps[0]))
    legacy.update(actions=[Endpoint.gsi1pk.set(due_pk(zlib.crc32(eps[0].encode()) % 8))])

    monkeypatch.setenv("VIGIL_DISPATCH_SHARD_FUNCTION", "vigil-test-DispatchShard")
    fake = _fake_lambda(monkeypatch)
    tick = invoke("dispatch_checks")
    assert tick["shards"] == DUE_SHARDS == len(fake.calls) == 64
    assert {c["FunctionName"] for c in fake.calls} == {"vigil-test-DispatchShard"}
    assert {c["InvocationType"] for c in fake.calls} == {"Event"}
    jobs = [json.loads(c["Payload"]) for c in fake.calls]
    assert sorted(j["shard"] for j in jobs) == list(range(64))
    assert {(j["through"], j["now"], j["horizon"]) for j in jobs} == {
        (None, clock.epoch(NOW), clock.epoch(NOW))
    }
    # an overlapping scheduled run in the same second starts nothing
    assert invoke("dispatch_checks")["shards"] == 0 and len(fake.calls) == 64

    # what Lambda does with the async events: each shard run queues its own endpoints
    monkeypatch.undo()
    totals = [invoke("dispatch_shard", job) for job in jobs]
    assert sum(t["queued"] for t in totals) == 3
    assert sum(1 for t in totals if t["queued"]) == len(
        {zlib.crc32(e.encode()) % 64 for e in eps[1:]} | {zlib.crc32(eps[0].encode()) % 8}
    )
    assert pump_sqs(app) == sum(t["batches"] for t in totals)
    assert all(len(_results(api, org_id, token, e)) == 1 for e in eps)


def test_lookahead_spreads_checks_over_the_minute(api, customer, web, guard, monkeypatch):
    """With a lookahead, a run queues the slots of the coming minute, each batch delayed to its
    slot; a new endpoint's first slot lies after what the last run queued."""
    from chalicelib.monitoring import dispatcher

    monkeypatch.setenv("VIGIL_DISPATCH_LOOKAHEAD_S", "60")
    monkeypatch.setenv("VIGIL_CHECK_BATCH_SIZE", "1")
    org_id, token = customer
    set_plan(org_id)
    created = {}
    for second in (0, 20, 45):
        clock.set_now(NOW + timedelta(seconds=second))
        ep_id = _create(api, org_id, token, f"s{second}", f"{web.base}/healthy")
        created[ep_id] = second + 61  # first slot: now + lookahead + 1
        r = api.get(f"/orgs/{org_id}/endpoints/{ep_id}", token).json
        assert r["next_check_at"] == clock.iso(NOW + timedelta(seconds=second + 61))

    sent = _sent_batches(monkeypatch)
    clock.set_now(NOW + timedelta(seconds=60))  # the tick: queues slots in (…, 120]
    assert dispatcher.dispatch()["queued"] == 3  # slots 61, 81 and 106, each at its second
    delays = {json.loads(e["MessageBody"])["endpoints"][0][1]: e["DelaySeconds"] for e in sent}
    assert delays == {ep: slot - 60 for ep, slot in created.items()} and sorted(delays.values()) == [
        1,
        21,
        46,
    ]
    # the API shows the queued (delayed) slot as the next check, not the one after it
    ep0 = next(ep for ep, s in created.items() if s == 61)
    r = api.get(f"/orgs/{org_id}/endpoints/{ep0}", token).json
    assert r["next_check_at"] == clock.iso(NOW + timedelta(seconds=61))

    sent.clear()
    clock.set_now(NOW + timedelta(seconds=120))  # next tick: (120, 180] — every endpoint once
    assert dispatcher.dispatch()["queued"] == 3
    assert sorted(e["DelaySeconds"] for e in sent) == [1, 21, 46]
    assert dispatcher.dispatch()["queued"] == 0  # overlapping run in the same second


def test_paused_plans_are_read_in_batches_per_shard(api, web, guard, monkeypatch):
    """A shard run reads the plans of its orgs with one BatchGet per 100 orgs, not per endpoint."""
    from chalicelib.local.metering import count_calls
    from chalicelib.monitoring import dispatcher
    from tests.support import make_org

    clock.set_now(NOW)
    orgs = []
    for i in range(3):
        org_id = make_org(f"Org {i} GmbH", f"o{i}@kunde.example.com")
        token = api.login(f"o{i}@kunde.example.com")
        set_plan(org_id, "professional", status="active" if i else "expired")
        orgs.append([_create(api, org_id, token, f"e{j}", f"{web.base}/healthy") for j in range(4)])
    won, through = dispatcher.claim_run(clock.epoch(NOW))
    assert won
    due = queued = skipped = 0
    with count_calls() as calls:
        for shard in range(DUE_SHARDS):
            done = dispatcher.run_shard({"shard": shard, "through": through, "now": clock.epoch(NOW)})
            due, queued, skipped = due + done["due"], queued + done["queued"], skipped + done["skipped"]
    assert (due, queued, skipped) == (12, 8, 4)
    shards_with_items = len({zlib.crc32(e.encode()) % 64 for eps in orgs for e in eps})
    # per shard: one Query per interval (4), one BatchGet if it found anything
    assert calls["dynamodb"] == 4 * DUE_SHARDS + shards_with_items


def test_a_warm_shard_function_reuses_the_plans_it_read(api, customer, web, guard, monkeypatch):
    from chalicelib.local.metering import count_calls
    from chalicelib.monitoring import dispatcher

    monkeypatch.setenv("VIGIL_DISPATCH_PLAN_CACHE_S", "300")
    monkeypatch.setattr(dispatcher, "_PLAN_CACHE", {})
    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    ep = _create(api, org_id, token, "cached", f"{web.base}/healthy")
    job = {"shard": zlib.crc32(ep.encode()) % 64, "through": None, "now": clock.epoch(NOW)}
    with count_calls() as first:
        assert dispatcher.run_shard(job)["queued"] == 1
    with count_calls() as second:
        assert dispatcher.run_shard(job)["queued"] == 1
    assert first["dynamodb:BatchGetItem"] == 1 and second["dynamodb:BatchGetItem"] == 0


def test_a_failing_shard_run_does_not_stop_the_others(api, customer, web, guard, monkeypatch):
    from chalicelib.monitoring import dispatcher

    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    eps = [_create(api, org_id, token, f"f{i}", f"{web.base}/healthy") for i in range(4)]
    broken = zlib.crc32(eps[0].encode()) % 64
    real = dispatcher._query_shard

    def query(shard, through, horizon):
        if shard == broken:
            raise RuntimeError("throttled")
        return real(shard, through, horizon)

    monkeypatch.setattr(dispatcher, "_query_shard", query)
    tick = dispatcher.dispatch()
    lost = sum(1 for e in eps if zlib.crc32(e.encode()) % 64 == broken)
    assert tick["queued"] == 4 - lost and lost >= 1
