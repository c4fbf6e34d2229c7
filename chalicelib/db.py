"""PynamoDB plumbing shared by every domain's models.

Table names and region are fixed when a model class is created (PynamoDB reads ``Meta`` then),
so tests and the local runner set ``VIGIL_PREFIX``/``AWS_DEFAULT_REGION`` before importing models.
Each domain registers its table-owning model in ``TABLE_MODELS`` for the bootstrap and infra.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import MetaProtocol, Model

from chalicelib import settings

M = TypeVar("M", bound=Model)

#: Every model class that owns a table (and so declares its GSIs); see ``register_table``.
TABLE_MODELS: list[type[Model]] = []


def meta(short_name: str) -> MetaProtocol:
    """A ``Meta`` class for a table called ``<prefix>-<short_name>``.

    Typed as PynamoDB's ``MetaProtocol``: the model's metaclass fills the protocol's remaining
    settings (timeouts, retries, credentials) with their defaults when the model class is created.
    """

    class Meta:
        table_name = settings.table_name(short_name)
        region = settings.region()
        billing_mode = "PAY_PER_REQUEST"

    return cast("MetaProtocol", Meta)


class SchemaOwner(Model):
    """Base of a table's schema-owning model: generic keys and the first GSI key pair.

    Each owner adds its ``Meta``, its GSIs and (optionally) further GSI keys and a TTL
    attribute; entity models share the table through key prefixes.
    """

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


def register_table(model: type[M]) -> type[M]:
    """Class decorator: this model's ``Meta``/indexes define a table to create."""
    TABLE_MODELS.append(model)
    return model


_CURSOR_MAC_BYTES = 16


def _cursor_mac(scope: str, payload: str) -> str:
    import hashlib
    import hmac

    mac = hmac.new(settings.cursor_key(), f"{scope}\n{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:_CURSOR_MAC_BYTES]).decode().rstrip("=")


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    """Opaque pagination cursor from a DynamoDB ``LastEvaluatedKey``: the key and an HMAC over it
    and ``scope`` (the list and the org it was issued for, e.g. ``endpoints/<org>``), so that only
    a cursor this list handed out is ever passed back to DynamoDB."""
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{payload}.{_cursor_mac(scope, payload)}"


def decode_cursor(cursor: str | None, scope: str, pk: str | None = None) -> dict[str, Any] | None:
    """The ``LastEvaluatedKey`` of a cursor issued by ``encode_cursor`` for the same ``scope``;
    a changed, forged or foreign (other list, other org) cursor answers 400 ``invalid cursor``.
    With ``pk``, the key must also lie in that partition."""
    import hmac

    from chalicelib.errors import M, ValidationFailed

    if not cursor:
        return None
    invalid = ValidationFailed({"next": M("field.cursor_invalid")})
    payload, _, mac = cursor.partition(".")
    if not mac or not hmac.compare_digest(mac.encode(), _cursor_mac(scope, payload).encode()):
        raise invalid
    try:
        padded = payload + "=" * (-len(payload) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid from exc
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise invalid
    if pk is not None and value.get("pk") != {"S": pk}:
        raise invalid
    return value


def page(result_iterator: Any, limit: int, scope: str) -> tuple[list[Any], str | None]:
    """Drain one page of a PynamoDB query iterator, returning (items, next cursor for ``scope``)."""
    items = []
    for item in result_iterator:
        items.append(item)
        if len(items) >= limit:
            break
    last = result_iterator.last_evaluated_key if len(items) >= limit else None
    return items, encode_cursor(last, scope)


def first(items: Iterable[M]) -> M | None:
    for item in items:
        return item
    return None


def _batch_get(
    wanted: Sequence[tuple[type[Model], tuple[str, str]]],
) -> Iterator[tuple[type[Model], tuple[str, str], Model]]:
    """BatchGetItem over any tables, 100 keys per call, unprocessed keys retried: yields
    (model asked for, key, item) for each item found."""
    by_table: dict[str, dict[tuple[str, str], type[Model]]] = {}
    names: dict[str, tuple[str, str]] = {}
    for model, key in wanted:
        table = model.Meta.table_name
        by_table.setdefault(table, {})[key] = model
        names[table] = (str(model._hash_keyname), str(model._range_keyname))
    if not by_table:
        return
    conn = wanted[0][0]._get_connection()
    pending = [(table, key) for table, keys in by_table.items() for key in keys]
    while pending:
        chunk, pending = pending[:100], pending[100:]
        request: dict[str, Any] = {}
        for table, key in chunk:
            hash_name, range_name = names[table]
            request.setdefault(table, {"Keys": []})["Keys"].append(
                {hash_name: {"S": key[0]}, range_name: {"S": key[1]}}
            )
        while request:
            resp = conn.connection.dispatch("BatchGetItem", {"RequestItems": request})
            for table, raws in resp.get("Responses", {}).items():
                hash_name, range_name = names[table]
                for raw in raws:
                    key = (raw[hash_name]["S"], raw[range_name]["S"])
                    asked = by_table[table].get(key)
                    if asked is not None:
                        yield asked, key, asked.from_raw_data(raw)
            request = resp.get("UnprocessedKeys") or {}


def batch_get_mixed(wanted: Sequence[tuple[type[Model], tuple[str, str]]]) -> dict[tuple[str, str], Model]:
    """One BatchGetItem for items of different entity models, of one table or several.

    PynamoDB's ``batch_get`` is per model class; entities of a single-table design (and items
    of other tables a route needs at the same time, e.g. the caller's role and the route's first
    read) are read together here and each raw item is turned into the model its key was asked
    for. Keys are (pk, sk); the same key in two tables must not be asked for in one call.
    """
    return {key: item for _, key, item in _batch_get(wanted)}


def batch_get_across(
    wanted: Sequence[tuple[type[Model], tuple[str, str]]],
) -> dict[tuple[type[Model], tuple[str, str]], Model]:
    """The same, answered as ``{(model, key): item}``: for keys that may repeat across tables
    (e.g. a page of endpoint statuses and the org's subscription in one call)."""
    return {(model, key): item for model, key, item in _batch_get(wanted)}


def found_as(found: Mapping[tuple[str, str], Model], key: tuple[str, str], model: type[M]) -> M | None:
    """The item ``batch_get_mixed`` returned for ``key``, typed as the model it was asked for."""
    item = found.get(key)
    if item is None:
        return None
    if not isinstance(item, model):
        raise TypeError(f"{key} was read as {type(item).__name__}, not {model.__name__}")
    return item


def delete_batch(model: type[M], items: Iterable[M]) -> None:
    """Delete ``items`` of ``model`` with BatchWriteItem (25 per request, retried by PynamoDB)."""
    with model.batch_write() as writer:
        for item in items:
            writer.delete(item)


def drain(
    model: type[M],
    hash_key: str,
    deadline: float,
    range_key_condition: Any = None,
    *,
    limit: int = 25,
    handle: Callable[[list[M]], bool] | None = None,
) -> bool:
    """Empty a partition page by page: the resumable step of every org purge.

    Each page of up to ``limit`` items (optionally only those matching ``range_key_condition``)
    goes to ``handle``, which must remove them and answers False to stop early (its own deadline
    check); without ``handle`` a page is deleted with one BatchWrite. The deadline
    (``time.monotonic()`` value) is checked after each page. True once the query finds nothing,
    False when stopped (the next run continues where this one stopped).
    """
    while True:
        batch = list(model.query(hash_key, range_key_condition, limit=limit))
        if not batch:
            return True
        if handle is None:
            delete_batch(model, batch)
        elif not handle(batch):
            return False
        if time.monotonic() > deadline:
            return False


_CONNECTIONS: dict[str, Any] = {}


def _connection() -> Any:
    """One PynamoDB connection per region, reused: a new one builds a new botocore session,
    which re-reads the DynamoDB service model (milliseconds of JSON parsing per transaction)."""
    from pynamodb.connection import Connection

    region = settings.region()
    conn = _CONNECTIONS.get(region)
    if conn is None:
        conn = _CONNECTIONS.setdefault(region, Connection(region=region))
    return conn


def transaction() -> Any:
    """A PynamoDB ``TransactWrite`` bound to the configured region."""
    from pynamodb.transactions import TransactWrite

    return TransactWrite(connection=_connection())


def cancelled_by_condition(exc: Exception, index: int | None = None) -> bool:
    """Whether a TransactWriteError was (at ``index``, or anywhere) a failed condition."""
    reasons = getattr(exc, "cancellation_reasons", None) or []
    if index is not None:
        reason = reasons[index] if index < len(reasons) else None
        return bool(reason is not None and reason.code == "ConditionalCheckFailed")
    if reasons:
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    code = getattr(exc, "cause_response_code", "") or ""
    return code in ("TransactionCanceledException", "ConditionalCheckFailedException")
