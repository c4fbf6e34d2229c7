"""Honest percentiles from rollups: p95 read from the (merged) fine histograms is within 10 % of
the exact nearest-rank p95 of the raw samples, and identical samples give exactly that sample.

The bound is not statistical: every fine bucket above 20 ms spans at most 10 % of its lowest
value (below, one bucket per ms), and the interpolated value stays inside the bucket that holds
the exact rank, so |estimate − exact| ≤ 0.10 × exact for every input."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.monitoring import rollups
from chalicelib.monitoring.models import Rollup

AT = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
BOUND = 0.10


def exact_p95(samples: list[int]) -> int:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def rolled(samples: list[int], parts: int = 1) -> list[Rollup]:
    """The samples added to ``parts`` rollups (as hours of a day would be)."""
    out = [Rollup("x", f"H#{i}", hist=[]) for i in range(parts)]
    for i, ms in enumerate(samples):
        rollups._add(out[i % parts], rollups.Sample("o", "e", AT, True, ms, False))
    return out


@settings(max_examples=300, deadline=None)
@given(
    samples=st.lists(
        st.one_of(st.integers(1, 60), st.integers(1, 2_000), st.integers(1, 130_000)),
        min_size=1,
        max_size=400,
    ),
    parts=st.integers(1, 6),
)
def test_p95_is_within_ten_percent_of_the_exact_value(samples, parts):
    items = rolled(samples, parts)
    exact = exact_p95(samples)
    merged = rollups.summarize(items)["p95_ms"]
    single = rollups.p95_of(rollups.merge(Rollup("x", "D#1", hist=[]), items[0])) if parts == 1 else None
    assert abs(merged - exact) <= BOUND * exact + 0.5  # summarize rounds to whole ms
    if single is not None:
        assert abs(single - exact) <= BOUND * exact


@given(ms=st.integers(0, 200_000), n=st.integers(1, 500))
def test_identical_samples_give_exactly_that_sample(ms, n):
    assert rollups.summarize(rolled([ms] * n, 3))["p95_ms"] == ms


def test_every_check_about_6_ms_is_not_reported_as_50_ms():
    samples = [6] * 50 + [5] * 30 + [7] * 20
    assert rollups.summarize(rolled(samples, 4))["p95_ms"] == 7


def test_items_without_a_fine_histogram_fall_back_to_the_coarse_one_clamped_to_min_max():
    old = rolled([6] * 40)[0]
    old.fh = None  # as written before the fine histogram existed
    assert rollups.fine_of(old) is None
    assert rollups.summarize([old])["p95_ms"] == 6
    new = rolled([8] * 10)[0]
    # a merge with an old item is incomplete: the coarse histogram, clamped to min/max
    assert rollups.summarize([old, new])["p95_ms"] == 8
    assert rollups.summarize([new])["p95_ms"] == 8
