"""Lazily created boto3 clients.

Clients are created on first use (not at import) and cached per region/endpoint, so a cold start
pays only for the clients a route needs and tests can point everything at the emulator by
environment. ``AWS_ENDPOINT_URL`` is honoured by botocore itself; it is passed explicitly too so
that a value set after the first client was made still wins.
"""

from __future__ import annotations

import threading
from typing import Any

from chalicelib import settings

_clients: dict[tuple[str, str, str | None], Any] = {}
_session: Any = None  # one boto3 session: its loader caches the service models
_lock = threading.Lock()


def client(service: str) -> Any:
    key = (service, settings.region(), settings.aws_endpoint_url())
    found = _clients.get(key)
    if found is not None:
        return found
    global _session
    with _lock:
        found = _clients.get(key)
        if found is None:
            if _session is None:
                import boto3  # deferred: boto3 costs ~100 ms of cold start

                _session = boto3.session.Session()
            found = _session.client(service, region_name=key[1], endpoint_url=key[2])
            _clients[key] = found
    return found


def reset_clients() -> None:
    """Forget cached clients (tests switch emulators between sessions)."""
    with _lock:
        _clients.clear()
