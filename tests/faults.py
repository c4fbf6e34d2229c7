"""Test-only fault injection for AWS calls: make chosen operations fail at chosen points.

    with inject("dynamodb", "TransactWriteItems", code="ThrottlingException"):
        ...  # every TransactWriteItems raises a throttling error
    with inject("ses", "SendRawEmail", times=1):   # only the first call fails
    with inject("cognito-idp", "AdminCreateUser", timeout=True):  # a read timeout
    with inject("*", code="NoAWSInUnitTests"):     # every call of every service fails

It wraps botocore's single dispatch point for every client (including PynamoDB's), so the
failure looks exactly like one from AWS: the app's own error handling is what is tested.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_lock = threading.Lock()
_faults: list[Fault] = []
_installed = False


@dataclass
class Fault:
    service: str
    operation: str | None
    code: str = "ThrottlingException"
    status: int = 400
    timeout: bool = False
    skip: int = 0  # let this many matching calls through first
    times: int | None = None  # fail this many times, then pass (None: always)
    seen: int = 0
    failed: int = 0
    calls: list[str] = field(default_factory=list)

    def should_fail(self, service: str, operation: str) -> bool:
        if self.service not in ("*", service) or (self.operation and operation != self.operation):
            return False
        self.seen += 1
        if self.seen <= self.skip:
            return False
        if self.times is not None and self.failed >= self.times:
            return False
        self.failed += 1
        self.calls.append(f"{service}:{operation}")
        return True


def _install() -> None:
    global _installed
    if _installed:
        return
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError, ReadTimeoutError

    original = BaseClient._make_api_call

    def faulty(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> dict[str, Any]:
        service = self.meta.service_model.service_name
        with _lock:
            hit = next((f for f in _faults if f.should_fail(service, operation_name)), None)
        if hit is not None:
            if hit.timeout:
                raise ReadTimeoutError(endpoint_url=f"https://{service}.injected")
            status = (
                500
                if hit.code in ("InternalServerError", "ServiceUnavailable", "InternalFailure")
                else hit.status
            )
            raise ClientError(
                {
                    "Error": {"Code": hit.code, "Message": "injected fault"},
                    "ResponseMetadata": {"HTTPStatusCode": status},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    # Applied on top of whatever else wraps the dispatch (metering), for the process lifetime.
    BaseClient._make_api_call = faulty
    _installed = True


@contextlib.contextmanager
def inject(
    service: str,
    operation: str | None = None,
    code: str = "ThrottlingException",
    timeout: bool = False,
    skip: int = 0,
    times: int | None = None,
) -> Iterator[Fault]:
    _install()
    fault = Fault(service, operation, code=code, timeout=timeout, skip=skip, times=times)
    with _lock:
        _faults.append(fault)
    try:
        yield fault
    finally:
        with _lock:
            _faults.remove(fault)
