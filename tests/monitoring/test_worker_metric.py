"""The worker reports the results it wrote as an EMF metric line (stack alarm: NoResultsWritten)."""

from __future__ import annotations

import json

from chalicelib import clock
from tests.monitoring.conftest import NOW, run_minute, set_plan
from tests.monitoring.test_checks import _create


def _emf(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]


def test_each_worker_invocation_emits_results_written(api, customer, web, guard, capsys):
    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    for i in range(2):
        _create(api, org_id, token, f"ep{i}", f"{web.base}/healthy", interval_minutes=1)
    capsys.readouterr()
    tick = run_minute()
    assert tick["queued"] == 2
    lines = _emf(capsys.readouterr().out)
    assert lines, "no EMF line on stdout"
    assert sum(line["ResultsWritten"] for line in lines) == 2
    for line in lines:
        (directive,) = line["_aws"]["CloudWatchMetrics"]
        assert directive == {
            "Namespace": "Vigil",
            "Dimensions": [[]],
            "Metrics": [{"Name": "ResultsWritten", "Unit": "Count"}],
        }
        assert line["_aws"]["Timestamp"] == int(NOW.timestamp() * 1000)
