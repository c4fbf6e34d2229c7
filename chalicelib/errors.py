"""Domain errors and the one place that turns them into RFC 9457 problem responses."""

from __future__ import annotations

from typing import Any


class VigilError(Exception):
    """Base of every error a service may raise on purpose."""

    status = 500
    title = "Internal Server Error"

    def __init__(
        self, detail: str = "", *, headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra or {}

    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        body.update(self.extra)
        return body


def status_problem(status: int, detail: str, title: str | None = None) -> VigilError:
    """A problem for a status without its own error class (Chalice's own 4xx, the local server's
    501/505/414/431 …); the title defaults to the status phrase."""
    from http import HTTPStatus

    problem = VigilError(detail)
    problem.status = status
    if title is None:
        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = "Error"
    problem.title = title
    return problem


class BadRequest(VigilError):
    status, title = 400, "Bad Request"


class ValidationFailed(VigilError):
    """Input that does not match the schema: `errors` maps field → message."""

    status, title = 400, "Validation Failed"

    def __init__(self, errors: dict[str, str], detail: str = "") -> None:
        summary = detail or "; ".join(f"{k}: {v}" for k, v in list(errors.items())[:5])
        super().__init__(summary, extra={"errors": errors})
        self.errors = errors


class Unprocessable(VigilError):
    """Well-formed input the business rules refuse (plan limits, tax rules …)."""

    status, title = 422, "Unprocessable Content"

    def __init__(self, detail: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(detail, extra={"errors": errors} if errors else None)


class Unauthorized(VigilError):
    status, title = 401, "Unauthorized"

    def __init__(self, detail: str = "A valid bearer token is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class Forbidden(VigilError):
    status, title = 403, "Forbidden"


class NotFound(VigilError):
    status, title = 404, "Not Found"


class Conflict(VigilError):
    status, title = 409, "Conflict"


class PayloadTooLarge(VigilError):
    status, title = 413, "Content Too Large"


class UnsupportedMediaType(VigilError):
    status, title = 415, "Unsupported Media Type"


class TooManyRequests(VigilError):
    status, title = 429, "Too Many Requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(VigilError):
    status, title = 503, "Service Unavailable"

    def __init__(
        self, detail: str = "A backing service is busy; please retry.", retry_after: int = 2
    ) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


def from_aws_error(exc: Exception) -> VigilError | None:
    """Map transient AWS failures (throttling, 5xx, timeouts) to a 503 the client may retry."""
    from botocore.exceptions import ClientError, ReadTimeoutError
    from botocore.exceptions import ConnectionError as BotoConnectionError

    transient_codes = {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "Throttling",
        "ServiceUnavailable",
        "InternalServerError",
        "InternalFailure",
        "SlowDown",
        "InternalError",
        "TransactionConflictException",
    }
    if isinstance(exc, (BotoConnectionError, ReadTimeoutError)):
        return ServiceUnavailable()
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in transient_codes or status >= 500:
            return ServiceUnavailable()
    # PynamoDB wraps botocore errors; look at the cause.
    cause = getattr(exc, "cause", None) or exc.__cause__
    if isinstance(cause, Exception) and cause is not exc:
        return from_aws_error(cause)
    return None
