"""Fires the app's scheduled functions at their configured rates (local mode only).

It reads the schedules from the Chalice app itself, so a new ``@bp.schedule`` runs locally
without being listed anywhere. Each job runs once shortly after start, then at its rate.
The app's SQS event sources (``@bp.on_sqs_message``) are polled from the emulator the same way
and their handlers invoked with Lambda-shaped events (``pump_sqs``, also used by tests), so the
dispatcher → queue → worker path runs locally exactly as in AWS.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("vigil.scheduler")

_UNIT_S = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


@dataclass
class Job:
    name: str
    every_s: float
    handler: Callable[[dict[str, Any], Any], Any]
    next_at: float


def _interval(expression: Any) -> float:
    from chalice.app import Cron, Rate

    if isinstance(expression, Rate):
        return float(expression.value * _UNIT_S[expression.unit.lower()])
    if isinstance(expression, Cron):
        return 86400.0  # local mode: daily crons run once a day from start
    text = str(expression)
    if text.startswith("rate("):
        value, unit = text[5:-1].split()
        return float(int(value) * _UNIT_S[unit.lower()])
    return 86400.0


def jobs_of(app: Any, first_delay_s: float = 3.0) -> list[Job]:
    from chalice.app import ScheduledEventConfig

    out = []
    now = time.monotonic()
    for source in app.event_sources:
        # @bp.schedule registers ScheduledEventConfig (not a CloudWatchEventConfig subclass)
        if not isinstance(source, ScheduledEventConfig):
            continue
        module, _, func = source.handler_string.rpartition(".")
        handler = getattr(importlib.import_module(module), func)
        out.append(Job(source.name, _interval(source.schedule_expression), handler, now + first_delay_s))
    return out


@dataclass
class QueueSource:
    queue: str
    batch_size: int
    handler: Callable[[dict[str, Any], Any], Any]


def queue_sources_of(app: Any) -> list[QueueSource]:
    from chalice.app import SQSEventConfig

    out = []
    for source in app.event_sources:
        if isinstance(source, SQSEventConfig) and source.queue:
            module, _, func = source.handler_string.rpartition(".")
            out.append(
                QueueSource(
                    source.queue, int(source.batch_size or 1), getattr(importlib.import_module(module), func)
                )
            )
    return out


def pump_sqs(app: Any, max_rounds: int = 100, wait_s: int = 0) -> int:
    """Deliver waiting messages of the app's SQS sources to their handlers; returns how many.

    A message is deleted after its handler returned; a failing handler leaves it for redelivery
    after the visibility timeout (and the DLQ), as Lambda does.
    """
    from chalicelib import aws

    sqs = aws.client("sqs")
    handled = 0
    for source in queue_sources_of(app):
        try:
            url = sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            continue
        for _ in range(max_rounds):
            resp = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=min(10, source.batch_size), WaitTimeSeconds=wait_s
            )
            messages = resp.get("Messages", [])
            if not messages:
                break
            event = {
                "Records": [
                    {
                        "messageId": m["MessageId"],
                        "receiptHandle": m["ReceiptHandle"],
                        "body": m["Body"],
                        "attributes": m.get("Attributes", {}),
                        "messageAttributes": {},
                        "eventSource": "aws:sqs",
                        "eventSourceARN": f"arn:aws:sqs:local:000000000000:{source.queue}",
                        "awsRegion": "local",
                    }
                    for m in messages
                ]
            }
            try:
                source.handler(event, None)
            except Exception:
                log.exception("queue %s handler failed", source.queue)
                continue
            for m in messages:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                handled += 1
    return handled


class LocalScheduler(threading.Thread):
    def __init__(self, app: Any) -> None:
        super().__init__(name="vigil-scheduler", daemon=True)
        self.app = app
        self.jobs = jobs_of(app)
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for job in self.jobs:
                if now >= job.next_at:
                    job.next_at = now + job.every_s
                    self._fire(job)
            try:
                pump_sqs(self.app, max_rounds=10)
            except Exception:
                log.exception("polling the local queues failed")
            self._stop.wait(1.0)

    def _fire(self, job: Job) -> None:
        event = {
            "version": "0",
            "id": f"local-{job.name}",
            "detail-type": "Scheduled Event",
            "account": "000000000000",
            "source": "aws.events",
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "region": "local",
            "resources": [f"local:{job.name}"],
            "detail": {},
        }
        try:
            result = job.handler(event, None)
            log.info("job %s: %s", job.name, result)
        except Exception:
            log.exception("job %s failed", job.name)

    def stop(self) -> None:
        self._stop.set()
