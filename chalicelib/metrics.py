"""Custom CloudWatch metrics as Embedded Metric Format lines on stdout: no AWS call.

Lambda ships stdout to CloudWatch Logs, which turns a JSON line with an ``_aws`` block into a
metric (namespace ``Vigil``, no dimensions). The stack alarms on them (infra/vigil_infra/stack.py).
"""

from __future__ import annotations

import json
import sys

from chalicelib import clock

NAMESPACE = "Vigil"


def emit(name: str, value: float, unit: str = "Count") -> None:
    line = {
        "_aws": {
            "Timestamp": int(clock.now().timestamp() * 1000),
            "CloudWatchMetrics": [
                {"Namespace": NAMESPACE, "Dimensions": [[]], "Metrics": [{"Name": name, "Unit": unit}]}
            ],
        },
        name: value,
    }
    sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
    sys.stdout.flush()
