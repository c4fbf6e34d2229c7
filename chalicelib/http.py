"""Request parsing and responses shared by every blueprint.

Routes stay thin: ``parse_body`` validates the JSON body against a pydantic model (unknown
fields rejected, every message tied to its field), ``respond`` serialises with Decimal support,
and ``problem_middleware`` is the single place where errors become problem+json.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from chalice.app import Request, Response

from chalicelib import errors, i18n, settings

if TYPE_CHECKING:
    from pydantic import BaseModel  # typing only: pydantic stays off the cold-start path

log = logging.getLogger("vigil.http")
#: One JSON line per API request with the client's address (API Gateway's own access log sees
#: only CloudFront's edge). INFO on this logger alone: Lambda's root logger stays at WARNING.
access_log = logging.getLogger("vigil.access")
access_log.setLevel(logging.INFO)

#: Set by the console distribution's viewer-request function (the viewer's address) and trusted
#: only next to the origin secret CloudFront adds as a custom origin header (docs/deploy.md).
CLIENT_IP_HEADER = "x-vigil-client-ip"
ORIGIN_SECRET_HEADER = "x-vigil-origin-secret"

T = TypeVar("T", bound="BaseModel")

MAX_JSON_BODY = 64 * 1024
#: Deepest array/object nesting a request body may have. The standard decoder recurses once per
#: level and a body of 30 000 ``[`` would end in RecursionError (a 500); no payload of ours
#: nests deeper than a handful of levels.
MAX_JSON_DEPTH = 64
# Any route, with or without a body of its own: nothing larger is read (API Gateway would pass
# 10 MB). Room above the 1 MB logo so that the logo route explains its own limit.
MAX_ANY_BODY = 1024 * 1024 + 64 * 1024
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
PROBLEM_TYPE = "application/problem+json"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        from chalicelib.clock import iso

        return iso(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(body: Any) -> str:
    return json.dumps(body, default=_default, ensure_ascii=False, separators=(",", ":"))


def respond(body: Any = None, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    out_headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    out_headers.update(headers or {})
    if body is None and status == 204:
        return Response(body="", status_code=204, headers=out_headers)
    return Response(body=dumps(body), status_code=status, headers=out_headers)


def problem_headers(exc: errors.VigilError) -> dict[str, str]:
    return {"Content-Type": PROBLEM_TYPE, **exc.headers}


def problem_body(exc: errors.VigilError) -> str:
    """The RFC 9457 body of ``exc``: every problem answer (views, Chalice's own errors, the
    authorizer's 401, the local server's framing faults) is serialised here."""
    return dumps(exc.problem())


def problem(exc: errors.VigilError) -> Response:
    headers: dict[str, str | list[str]] = dict(problem_headers(exc))
    return Response(body=problem_body(exc), status_code=exc.status, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


#: pydantic error types → our field codes (catalog key ``field.<code>``) and the ``ctx`` values
#: the message names. pydantic's English messages are never passed through: a type not listed
#: here answers ``field.invalid``.
_PYDANTIC_CODES: dict[str, tuple[str, tuple[str, ...]]] = {
    "missing": ("required", ()),
    "extra_forbidden": ("unknown_field", ()),
    "string_type": ("string_expected", ()),
    "string_too_short": ("string_too_short", ("min_length",)),
    "string_too_long": ("string_too_long", ("max_length",)),
    "string_pattern_mismatch": ("pattern_mismatch", ()),
    "string_unicode": ("string_expected", ()),
    "int_type": ("integer_expected", ()),
    "int_parsing": ("integer_expected", ()),
    "int_from_float": ("integer_expected", ()),
    "float_type": ("number_expected", ()),
    "float_parsing": ("number_expected", ()),
    "finite_number": ("number_expected", ()),
    "decimal_type": ("number_expected", ()),
    "decimal_parsing": ("number_expected", ()),
    "decimal_max_digits": ("decimal_max_digits", ("max_digits",)),
    "decimal_max_places": ("decimal_max_places", ("decimal_places",)),
    "decimal_whole_digits": ("decimal_whole_digits", ("whole_digits",)),
    "bool_type": ("boolean_expected", ()),
    "bool_parsing": ("boolean_expected", ()),
    "greater_than": ("greater_than", ("gt",)),
    "greater_than_equal": ("greater_than_equal", ("ge",)),
    "less_than": ("less_than", ("lt",)),
    "less_than_equal": ("less_than_equal", ("le",)),
    "multiple_of": ("multiple_of", ("multiple_of",)),
    "literal_error": ("one_of", ("expected",)),
    "enum": ("one_of", ("expected",)),
    "list_type": ("list_expected", ()),
    "tuple_type": ("list_expected", ()),
    "set_type": ("list_expected", ()),
    "too_short": ("too_few_items", ("min_length",)),
    "too_long": ("too_many_items", ("max_length",)),
    "dict_type": ("object_expected", ()),
    "model_type": ("object_expected", ()),
    "model_attributes_type": ("object_expected", ()),
    "datetime_type": ("datetime_expected", ()),
    "datetime_parsing": ("datetime_expected", ()),
    "datetime_from_date_parsing": ("datetime_expected", ()),
    "datetime_object_invalid": ("datetime_expected", ()),
    "timezone_aware": ("timezone_required", ()),
    "date_type": ("date_expected", ()),
    "date_parsing": ("date_expected", ()),
    "date_from_datetime_parsing": ("date_expected", ()),
    "date_from_datetime_inexact": ("date_expected", ()),
    "url_type": ("url_invalid", ()),
    "url_parsing": ("url_invalid", ()),
    "url_syntax_violation": ("url_invalid", ()),
    "url_scheme": ("url_scheme", ()),
    "url_too_long": ("string_too_long", ("max_length",)),
    "uuid_type": ("invalid", ()),
    "uuid_parsing": ("invalid", ()),
    "union_tag_invalid": ("one_of", ("expected_tags",)),
    "union_tag_not_found": ("required", ()),
    "json_invalid": ("json_invalid", ()),
}


def _ctx_param(value: Any) -> str:
    """A constraint value as a message shows it (``'de' or 'en'`` → ``de, en``)."""
    text = str(value)
    return text.replace("'", "").replace(" or ", ", ")


def field_problem(err: Mapping[str, Any]) -> errors.M:
    """One pydantic error (an item of ``ValidationError.errors()``) as a catalog message."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        if isinstance(cause, errors.Invalid):
            return errors.M(f"field.{cause.code}", **cause.params)
        if "reason" in ctx:  # EmailStr (email-validator) is the only source of a `reason`
            return errors.M("field.email_invalid")
        return errors.M("field.invalid")
    code, names = _PYDANTIC_CODES.get(kind, ("invalid", ()))
    return errors.M(f"field.{code}", **{name: _ctx_param(ctx.get(name, "")) for name in names})


def validation_errors(exc: Any) -> list[tuple[str, errors.Text]]:
    """pydantic ``ValidationError`` → [(field, message)], one per field (the first)."""
    out: dict[str, errors.Text] = {}
    for err in exc.errors():
        loc = tuple(p for p in err.get("loc", ()) if not (isinstance(p, str) and p.startswith("function-")))
        out.setdefault(_field_path(loc), field_problem(err))
    return list(out.items())


def raw_body(request: Request) -> bytes:
    """The request body as bytes (Chalice types ``raw_body`` as ``str | bytes``; it decodes to bytes)."""
    raw = request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw


# A JSON string (its closing quote optional, so that an unterminated one is consumed once and
# not rescanned from every quote inside it); possessive, hence linear on any input.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]++")


def json_depth(text: str) -> int:
    """The deepest array/object nesting of ``text``, counted without decoding it (brackets inside
    strings do not count). Linear and iterative: it cannot itself run out of stack. Where
    ``text`` is not JSON, its valid prefix (all the decoder would descend into) is counted right."""
    depth = deepest = 0
    for char in _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text)):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(raw: bytes) -> Any:
    """Decode a request body: every way it can be malformed is a 400 naming ``body``, never a
    RecursionError (nesting deeper than ``MAX_JSON_DEPTH`` is refused before decoding)."""
    try:
        # what json.loads does with bytes, done here so that the depth scan sees the same text
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
    except UnicodeDecodeError as exc:
        raise errors.ValidationFailed({"body": errors.M("field.json_invalid")}) from exc
    if json_depth(text) > MAX_JSON_DEPTH:
        raise errors.ValidationFailed({"body": errors.M("field.json_too_deep", depth=MAX_JSON_DEPTH)})
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise errors.ValidationFailed({"body": errors.M("field.json_invalid")}) from exc


def json_body(request: Request, max_bytes: int = MAX_JSON_BODY) -> Any:
    raw = raw_body(request)
    if len(raw) > max_bytes:
        raise errors.PayloadTooLarge(errors.M("body.too_large", max_bytes=max_bytes))
    if not raw.strip():
        raise errors.ValidationFailed({"body": errors.M("field.body_required")})
    return loads(raw)


def parse_body(request: Request, model: type[T], max_bytes: int = MAX_JSON_BODY) -> T:
    """Validate the JSON body against a pydantic model; 400 with field messages otherwise."""
    return validate(json_body(request, max_bytes), model)


def validate(data: Any, model: type[T]) -> T:
    """A decoded body validated against ``model`` (for routes that must look at the raw body
    before validating it, e.g. to authorise first)."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise errors.ValidationFailed({"body": errors.M("field.body_required")})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise errors.ValidationFailed(validation_errors(exc)) from exc


def page_params(request: Request) -> tuple[int, str | None]:
    """`?limit=` (default 50, max 200) and `?next=` cursor."""
    raw = query_param(request, "limit")
    limit = DEFAULT_LIMIT
    if raw is not None:
        # ASCII only: str.isdigit() and int() also take full-width and other scripts' digits
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
            raise errors.ValidationFailed({"limit": errors.M("field.limit_range", max=MAX_LIMIT)})
        limit = int(raw)
    cursor = query_param(request, "next") or None
    if cursor is not None and len(cursor) > 2048:
        raise errors.ValidationFailed({"next": errors.M("field.cursor_invalid")})
    return limit, cursor


def query_param(request: Request, name: str) -> str | None:
    """One query parameter (the last value if repeated, as Chalice's ``MultiDict`` answers)."""
    params: Mapping[str, str] = request.query_params or {}
    return params.get(name)


def listing(items: list[Any], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next": next_cursor}


def header(request: Request, name: str) -> str | None:
    value = request.headers.get(name.lower())
    return value if value else None


def client_ip(request: Request | None) -> str:
    """The caller's address: CloudFront's `x-vigil-client-ip` when the origin secret proves the
    request came through our distribution, else the address API Gateway saw."""
    if request is None:
        return "unknown"
    identity = (request.context or {}).get("identity") or {}
    source = str(identity.get("sourceIp") or "unknown")
    secret = settings.origin_secret()
    forwarded = header(request, CLIENT_IP_HEADER)
    offered = header(request, ORIGIN_SECRET_HEADER)
    if secret and forwarded and offered:
        import hmac

        if hmac.compare_digest(offered.encode(), secret.encode()):
            return forwarded.strip()
    return source


def _cors_headers(request: Request | None) -> dict[str, str]:
    if request is None:
        return {}
    origin = header(request, "origin")
    if origin and origin in settings.cors_origins():
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


def guard_views(app: Any) -> None:
    """Wrap every registered view so that errors leave as problem+json.

    Chalice turns any exception a view raises into its own 500 before middleware sees it, so
    the mapping sits around each view: domain errors → their status, transient AWS failures
    (throttling, 5xx, timeouts) → 503 with Retry-After, anything else → logged 500.
    """
    import functools

    def guarded(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                request = app.current_request
                i18n.begin_request(header(request, "accept-language") if request is not None else None)
                _refuse_oversized(request)
                return view(*args, **kwargs)
            except errors.VigilError as exc:
                return problem(exc)
            except Exception as exc:
                mapped = errors.from_aws_error(exc)
                if mapped is None:
                    log.exception("unhandled error in %s", view.__name__)
                    return problem(errors.VigilError(errors.M("service.unexpected")))
                log.warning("transient AWS failure in %s: %s", view.__name__, exc)
                return problem(mapped)

        wrapper.__dict__["__vigil_guarded__"] = True  # a function attribute, read back below
        return wrapper

    for methods in app.routes.values():
        for entry in methods.values():
            if not getattr(entry.view_function, "__vigil_guarded__", False):
                entry.view_function = guarded(entry.view_function)


def _refuse_oversized(request: Request | None) -> None:
    raw = (
        request.raw_body
        if request is not None and request.method in ("POST", "PUT", "PATCH", "DELETE")
        else b""
    )
    if raw and len(raw) > MAX_ANY_BODY:
        raise errors.PayloadTooLarge(errors.M("body.too_large", max_bytes=MAX_ANY_BODY))


def response_middleware(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice's own errors as problem+json too, and CORS for the allowed origins."""
    response = _problemise_framework_error(get_response(event), header(event, "accept-language"))
    response.headers.update(_cors_headers(event))
    access_log.info(
        dumps(
            {
                "requestId": (event.context or {}).get("requestId"),
                "ip": client_ip(event),
                "method": event.method,
                "path": (event.context or {}).get("resourcePath"),
                "status": response.status_code,
            }
        )
    )
    return response


def _problemise_framework_error(response: Response, accept_language: str | None = None) -> Response:
    """Chalice's own 4xx (bad JSON, wrong method, unsupported type) as problem+json too."""
    if response.status_code < 400:
        return response
    content_type = response.headers.get("Content-Type", "")
    if content_type == PROBLEM_TYPE:
        return response
    body = response.body
    if isinstance(body, dict) and "Message" in body:
        from chalicelib.i18n import catalog

        i18n.begin_request(accept_language)
        code = str(body.get("Code", "Error"))
        key = f"framework.{code}"
        detail: errors.Text = errors.M(key) if catalog.has(key) else str(body.get("Message"))
        new = problem(errors.status_problem(response.status_code, detail, code))
        new.headers.update({k: v for k, v in response.headers.items() if k != "Content-Type"})
        return new
    return response
