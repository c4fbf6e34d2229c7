"""Scheduled dispatcher (every minute) and the SQS worker of the check fan-out."""

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
