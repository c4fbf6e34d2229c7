"""Geometry of the console's SVG charts, computed by the same ES module the browser loads
(web/js/screens/uptime.js, chart.js `ticks`), run under Node — no browser needed."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web" / "js" / "screens"


def _node(script: str) -> object:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_uptime_bar_has_90_even_segments_ending_today_coloured_by_availability() -> None:
    daily = [
        {"day": "2026-11-02", "checks": 1440, "up": 1440, "uptime": "100.000"},
        {"day": "2026-11-01", "checks": 1440, "up": 1430, "uptime": "99.305"},
        {"day": "2026-10-31", "checks": 1440, "up": 1300, "uptime": "90.277"},
        {"day": "2026-08-05", "checks": 10, "up": 10, "uptime": "99.900"},
    ]
    segs = _node(
        f"import {{ segments }} from {json.dumps((WEB / 'uptime.js').as_uri())};"
        f"console.log(JSON.stringify(segments({json.dumps(daily)}, '2026-11-02')));"
    )
    assert isinstance(segs, list) and len(segs) == 90
    first, last = segs[0], segs[-1]
    assert first["day"] == "2026-08-05" and last["day"] == "2026-11-02"  # 90 days, oldest left
    assert first["x"] == 0 and abs(last["x"] + last["w"] - 900) < 0.01  # spans the whole width
    widths = {s["w"] for s in segs}
    assert len(widths) == 1 and abs(widths.pop() - (900 - 2 * 89) / 90) < 0.001
    gaps = {round(b["x"] - (a["x"] + a["w"]), 2) for a, b in itertools.pairwise(segs)}
    assert gaps == {2.0}  # even 2-unit gaps, no overlap
    assert all(s["y"] == 0 and s["h"] == 34 for s in segs)
    levels = {s["day"]: s["level"] for s in segs}
    assert levels["2026-11-02"] == "ok" and levels["2026-11-01"] == "warn"
    assert levels["2026-10-31"] == "bad" and levels["2026-08-05"] == "ok"  # 99.9 is "ok"
    assert levels["2026-09-15"] == "none"  # no checks that day
    assert segs[-1]["checks"] == 1440 and segs[1]["uptime"] is None


def test_chart_ticks_are_round_and_cover_the_maximum() -> None:
    out = _node(
        f"import {{ ticks }} from {json.dumps((WEB / 'chart.js').as_uri())};"
        "console.log(JSON.stringify([ticks(930), ticks(1), ticks(4), ticks(201)]));"
    )
    assert out == [[0, 500, 1000], [0, 1], [0, 1, 2, 3, 4], [0, 100, 200, 300]]
