"""Posting heartbeats: one HTTP request per attempt, and the schedule between attempts.

After a success the next heartbeat follows one interval later. Failures back off
exponentially (2 s, 4 s, 8 s … capped at 5 minutes, with jitter) and never retry faster than
one second; a 429 waits at least its Retry-After. A 401 means the token was revoked or rotated:
the agent keeps trying slowly and re-reads its config file, so a new token placed there is
picked up without a restart.
"""

from __future__ import annotations

import json
import logging
import random
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from vigil_agent import __version__

log = logging.getLogger("vigil_agent")

BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 300.0
MIN_DELAY_S = 1.0
TIMEOUT_S = 15.0


@dataclass
class Outcome:
    status: int  # HTTP status, 0 for a network failure
    retry_after: float | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def post(url: str, token: str, body: dict[str, Any], timeout: float = TIMEOUT_S) -> Outcome:
    data = json.dumps(body, separators=(",", ":")).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "User-Agent": f"vigil-agent/{__version__}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return Outcome(response.status)
    except urllib.error.HTTPError as exc:
        retry_after = None
        raw = exc.headers.get("Retry-After") if exc.headers else None
        if raw and raw.strip().isdigit():
            retry_after = float(raw.strip())
        try:
            detail = json.loads(exc.read() or b"{}").get("detail", "")
        except ValueError:
            detail = ""
        return Outcome(exc.code, retry_after, str(detail)[:300])
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Outcome(0, None, str(exc)[:300])


class Schedule:
    """Decides how long to wait after each outcome."""

    def __init__(self, interval: float, rng: random.Random | None = None) -> None:
        self.interval = interval
        self.failures = 0
        self.rng = rng or random.Random()

    def backoff(self) -> float:
        self.failures += 1
        delay = min(BACKOFF_BASE_S * 2 ** (self.failures - 1), BACKOFF_MAX_S)
        return max(MIN_DELAY_S, delay * self.rng.uniform(0.5, 1.0))

    def next_delay(self, outcome: Outcome) -> float:
        if outcome.ok:
            self.failures = 0
            return max(MIN_DELAY_S, self.interval)
        if outcome.status == 429:
            # Too soon for the server: not an error, wait as told (at least one interval).
            return max(MIN_DELAY_S, outcome.retry_after or 10.0, self.interval)
        if outcome.status in (400, 404, 413, 415, 422):
            # The server refuses this payload; a fresh sample next interval, no hammering.
            self.failures = 0
            return max(MIN_DELAY_S, self.interval)
        # 401 (token revoked/rotated), 5xx, network: exponential backoff.
        return self.backoff()
