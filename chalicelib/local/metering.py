"""Count AWS API calls per service (tests and ``make bench``; never used by the app).

botocore's ``before-call`` event fires once per API operation on every client, including the
clients PynamoDB creates itself; registering on the botocore session class catches them all.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

_lock = threading.Lock()
_active: list[Counter[str]] = []
_installed = False


def _install() -> None:
    global _installed
    if _installed:
        return
    from botocore.client import BaseClient

    original = BaseClient._make_api_call

    def counting(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> dict[str, Any]:
        service = self.meta.service_model.service_name
        with _lock:
            for counter in _active:
                counter[service] += 1
                counter[f"{service}:{operation_name}"] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counting
    _installed = True


@contextlib.contextmanager
def count_calls() -> Iterator[Counter[str]]:
    """``with count_calls() as c: ...`` then ``c["dynamodb"]``, ``c["dynamodb:Query"]``."""
    _install()
    counter: Counter[str] = Counter()
    with _lock:
        _active.append(counter)
    try:
        yield counter
    finally:
        with _lock:
            _active.remove(counter)
