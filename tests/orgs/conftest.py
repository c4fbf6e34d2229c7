"""Org tests: the deletion scene comes from tests/conftest.py (``scene``); purge runs here."""

from __future__ import annotations

import time


def purge_all(max_runs: int = 1, budget_s: float = 30.0) -> list[dict[str, int]]:
    """``max_runs`` purge runs, each with an explicit budget of ``budget_s`` seconds."""
    from chalicelib.orgs.deletion import run_pending

    return [run_pending(time.monotonic() + budget_s) for _ in range(max_runs)]
