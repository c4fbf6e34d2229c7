"""Domain errors and the one place that turns them into RFC 9457 problem responses."""

from __future__ import annotations

from typing import Any


class M:
    """A translatable text: a catalog key (chalicelib/i18n/de.py, en.py) and its parameters.

    Pass one wherever an error takes a detail or a field message; a plain string still works
    (rendered as is, in English: the fallback for errors without a catalog entry yet)."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params

    def render(self, lang: str | None) -> str:
        from chalicelib.i18n import catalog

        return catalog.message(self.key, lang, **self.params)

    def __repr__(self) -> str:
        return f"M({self.key!r}, {self.params!r})"

    def __str__(self) -> str:
        return self.render("en")


Text = str | M


def render(text: Text, lang: str | None) -> str:
    return text.render(lang) if isinstance(text, M) else text


class Invalid(ValueError):
    """Raised by input validators (pydantic ``AfterValidator`` …): a field's problem as a catalog
    key ``field.<code>`` with parameters; pydantic wraps it as ``value_error`` and
    chalicelib.http reads the code back."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(M(f"field.{code}", **params).render("en"))


class VigilError(Exception):
    """Base of every error a service may raise on purpose."""

    status = 500
    title = "Internal Server Error"

    def __init__(
        self, detail: Text = "", *, headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        self.message: Text = detail or M(f"title.{self.status}")
        self.detail = render(self.message, "en") if detail else self.title
        super().__init__(self.detail)
        self.headers = headers or {}
        self.extra = extra or {}

    @property
    def code(self) -> str | None:
        """The catalog key of the detail (a stable machine code), None for a plain-text detail."""
        if isinstance(self.message, M) and not self.message.key.startswith("title."):
            return self.message.key
        return None

    def problem(self, lang: str | None = None) -> dict[str, Any]:
        """The RFC 9457 body in ``lang`` (None: the request's language, see chalicelib.i18n)."""
        from chalicelib import i18n
        from chalicelib.i18n import catalog

        language = i18n.normalize(lang or i18n.current_language())
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": catalog.message(f"title.{self.status}", language, fallback=self.title),
            "status": self.status,
            "detail": render(self.message, language) if isinstance(self.message, M) else self.detail,
        }
        if self.code:
            body["code"] = self.code
        body.update(self.extra)
        field_errors = self.field_errors(language)
        if field_errors is not None:
            body["errors"] = field_errors
        return body

    def field_errors(self, lang: str) -> list[dict[str, str]] | None:
        return None


def status_problem(status: int, detail: Text, title: str | None = None) -> VigilError:
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
    if not detail:
        problem.message = M(f"title.{status}")
    return problem


class BadRequest(VigilError):
    status, title = 400, "Bad Request"


#: Field problems as given by callers: {field: text} or [(field, text), …]; a text is an ``M``
#: (key ``field.<code>``) or, untranslated, a plain English string (code ``invalid``).
FieldProblems = dict[str, Text] | list[tuple[str, Text]]


def _pairs(problems: FieldProblems | None) -> list[tuple[str, Text]]:
    if not problems:
        return []
    return list(problems.items()) if isinstance(problems, dict) else list(problems)


def _field_code(text: Text) -> str:
    if isinstance(text, M):
        return text.key.removeprefix("field.")
    return "invalid"


class _WithFields(VigilError):
    def __init__(self, detail: Text, problems: FieldProblems | None) -> None:
        self.pairs = _pairs(problems)
        super().__init__(detail)

    @property
    def errors(self) -> dict[str, str]:
        """{field: English message} (first per field), for logs and the CLI."""
        out: dict[str, str] = {}
        for field, text in self.pairs:
            out.setdefault(field, render(text, "en"))
        return out

    def field_errors(self, lang: str) -> list[dict[str, str]] | None:
        if not self.pairs:
            return None
        return [
            {"field": field, "code": _field_code(text), "message": render(text, lang)}
            for field, text in self.pairs
        ]


class ValidationFailed(_WithFields):
    """Input that does not match the schema: ``errors`` lists {field, code, message}."""

    status, title = 400, "Validation Failed"

    def __init__(self, errors: FieldProblems, detail: Text = "") -> None:
        super().__init__(detail or M("validation.summary"), errors)
        if not detail:  # the English detail names the fields, as before
            self.detail = "; ".join(f"{k}: {v}" for k, v in list(self.errors.items())[:5])

    def problem(self, lang: str | None = None) -> dict[str, Any]:
        body = super().problem(lang)
        if isinstance(self.message, M) and self.message.key == "validation.summary":
            from chalicelib import i18n

            language = i18n.normalize(lang or i18n.current_language())
            body["detail"] = "; ".join(
                f"{e['field']}: {e['message']}" for e in (self.field_errors(language) or [])[:5]
            )
            body.pop("code", None)
        return body


class Unprocessable(_WithFields):
    """Well-formed input the business rules refuse (plan limits, tax rules …)."""

    status, title = 422, "Unprocessable Content"

    def __init__(self, detail: Text, errors: FieldProblems | None = None) -> None:
        super().__init__(detail, errors)


class FieldConflict(_WithFields):
    """A conflict caused by one field's value (a taken address …): 409 with its ``errors``."""

    status, title = 409, "Conflict"

    def __init__(self, detail: Text, errors: FieldProblems) -> None:
        super().__init__(detail, errors)


class Unauthorized(VigilError):
    status, title = 401, "Unauthorized"

    def __init__(self, detail: Text = "") -> None:
        detail = detail or M("auth.token_required")
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

    def __init__(self, detail: Text, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(VigilError):
    status, title = 503, "Service Unavailable"

    def __init__(self, detail: Text = "", retry_after: int = 2) -> None:
        super().__init__(detail or M("service.busy"), headers={"Retry-After": str(retry_after)})


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
