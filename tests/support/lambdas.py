"""The app's scheduled functions invoked as Lambda would, with an explicit time budget.

``chalice.test.Client().lambda_.invoke`` gives every function a context with 3 s in total; jobs
that size their work from ``context.get_remaining_time_in_millis()`` (the org purge, the report
schedules) then got 1 s, and whether a purge finished in that second depended on how warm the
interpreter was. Here the remaining time is a parameter, generous by default.
"""

from __future__ import annotations

from typing import Any

#: Lambda's upper limit; the long jobs are configured with it (.chalice/config.json).
DEFAULT_TIMEOUT_S = 900.0


def lambda_context(function_name: str = "test", timeout_s: float = DEFAULT_TIMEOUT_S) -> Any:
    """A Lambda context whose ``get_remaining_time_in_millis()`` starts at ``timeout_s``."""
    from chalice.local import LambdaContext

    return LambdaContext(function_name, memory_size=512, max_runtime_ms=int(timeout_s * 1000))


def scheduled_event(function_name: str = "test", time: str = "2026-11-02T09:00:00Z") -> dict[str, Any]:
    """What EventBridge sends a scheduled function."""
    return {
        "version": "0",
        "id": "test",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time,
        "region": "eu-central-1",
        "resources": [f"test:{function_name}"],
        "detail": {},
    }


def invoke(
    function_name: str, event: dict[str, Any] | None = None, timeout_s: float = DEFAULT_TIMEOUT_S
) -> Any:
    """Run the app's Lambda function ``function_name`` (as registered in ``app.handler_map``) with
    ``event`` (a scheduled event by default) and ``timeout_s`` of remaining time; its result."""
    from app import app

    payload = scheduled_event(function_name) if event is None else event
    return app.handler_map[function_name](payload, lambda_context(function_name, timeout_s))
