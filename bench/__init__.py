"""``make bench``: measurements that tests must not assert on (time, memory, call counts).

Every module ``bench/bench_*.py`` exposes ``run() -> dict[str, float]``; the results are
merged into one flat object in ``bench/results.json`` and printed as a table.
"""
