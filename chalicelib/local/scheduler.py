"""Fires the app's scheduled functions at their configured rates (local mode only).

It reads the schedules from the Chalice app itself, so a new ``@bp.schedule`` runs locally
without being listed anywhere. Each job runs once shortly after start, then at its rate.
"""
from __future__ import annotations

import importlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

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
    from chalice.app import CloudWatchEventConfig

    out = []
    now = time.monotonic()
    for source in app.event_sources:
        if not isinstance(source, CloudWatchEventConfig):
            continue
        module, _, func = source.handler_string.rpartition(".")
        handler = getattr(importlib.import_module(module), func)
        out.append(Job(source.name, _interval(source.schedule_expression), handler,
                       now + first_delay_s))
    return out


class LocalScheduler(threading.Thread):
    def __init__(self, app: Any) -> None:
        super().__init__(name="vigil-scheduler", daemon=True)
        self.jobs = jobs_of(app)
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for job in self.jobs:
                if now >= job.next_at:
                    job.next_at = now + job.every_s
                    self._fire(job)
            self._stop.wait(1.0)

    def _fire(self, job: Job) -> None:
        event = {"version": "0", "id": f"local-{job.name}", "detail-type": "Scheduled Event",
                 "source": "aws.events", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "region": "local", "resources": [f"local:{job.name}"], "detail": {}}
        try:
            result = job.handler(event, None)
            log.info("job %s: %s", job.name, result)
        except Exception:  # noqa: BLE001 — a failing job must not stop the others
            log.exception("job %s failed", job.name)

    def stop(self) -> None:
        self._stop.set()
