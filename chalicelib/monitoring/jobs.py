"""Scheduled dispatcher (every minute), its shard runs (fan-out) and the SQS worker of the checks."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib import settings

bp = Blueprint(__name__)
#: Custom metric (namespace Vigil) of the results each worker invocation wrote.
RESULTS_WRITTEN_METRIC = "ResultsWritten"


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="dispatch_checks")
def dispatch_checks(event: Any) -> dict[str, int]:
    from chalicelib.monitoring.dispatcher import dispatch

    return dispatch()


@bp.lambda_function(name="dispatch_shard")
def dispatch_shard(event: Any, context: Any) -> dict[str, int]:
    """One shard of a dispatcher run (invoked asynchronously by ``dispatch_checks``; the stack
    sets 0 retries and a 60 s maximum event age: a late shard run is dropped, not queued)."""
    from chalicelib.monitoring.dispatcher import run_shard

    return run_shard(event)


@bp.on_sqs_message(queue=settings.queue_name("check-batches"), batch_size=1, name="check_worker")
def check_worker(event: Any) -> dict[str, int]:
    from chalicelib import metrics
    from chalicelib.monitoring.worker import process_message

    total: dict[str, int] = {}
    for record in event:
        for key, value in process_message(record.body).items():
            total[key] = total.get(key, 0) + value
    # Alarmed when the queue received batches but no result was written (stack: NoResultsWritten).
    metrics.emit(RESULTS_WRITTEN_METRIC, total.get("checked", 0))
    return total
