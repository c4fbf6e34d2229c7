"""Rollups as the worker writes them (one day item per check, hours closed once an hour) read
back exactly as if every hour and day had been merged from all its samples."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from chalicelib.monitoring import rollups
from chalicelib.monitoring.models import Rollup

ORG, EP = "o-rollup", "e-rollup"
START = datetime(2026, 11, 2, 21, 50, 7, tzinfo=UTC)


def _write(samples: list[rollups.Sample]) -> None:
    with Rollup.batch_write() as w:
        for r in rollups.merge_samples(samples):
            w.save(r)


def _expected(samples: list[rollups.Sample], sk_of) -> dict[str, dict]:
    out: dict[str, Rollup] = {}
    for s in samples:
        r = out.setdefault(sk_of(s.at), Rollup("x", sk_of(s.at), hist=[]))
        rollups._add(r, s)
    return {sk: rollups.summarize([r]) for sk, r in out.items()}


def test_hours_and_days_read_back_as_merged_from_every_sample(api):
    rng = random.Random(3)
    samples = []
    for minute in range(200):  # 21:50 … 01:09 of the next day: hours and a day closed
        at = START + timedelta(minutes=minute)
        up = rng.random() > 0.1
        s = rollups.Sample(ORG, EP, at, up, rng.randint(20, 4000) if up else None, minute % 37 == 0)
        samples.append(s)
        _write([s])
    late = rollups.Sample(ORG, EP, START + timedelta(minutes=20), True, 9, False)  # hour 22, redelivered late
    samples.append(late)
    _write([late])
    end = START + timedelta(minutes=200)
    hours = rollups.query(ORG, EP, "H", START, end)
    days = rollups.query(ORG, EP, "D", START, end)
    assert {r.sk: rollups.summarize([r]) for r in hours} == _expected(samples, rollups.hour_sk)
    assert {r.sk: rollups.summarize([r]) for r in days} == _expected(samples, rollups.day_sk)
    # one write per check: H# items only for hours closed by a later hour of the same day (the
    # last hour of a day and the hour in progress stay in their day items)
    stored = [r.sk for r in Rollup.query(f"ROLL#{ORG}#{EP}") if r.sk.startswith("H#")]
    assert stored == ["H#2026-11-02T21", "H#2026-11-02T22", "H#2026-11-03T00"]
    uptime = rollups.uptime(ORG, EP, end)
    assert uptime["24h"] == rollups.summarize(hours)["uptime"]
