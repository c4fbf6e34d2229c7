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


# --- capacity units, as DynamoDB on-demand would bill them ----------------------------------
#
# moto answers ReturnConsumedCapacity with constants (1.0 per call, whatever the item size or
# index), so the units are computed here from the items themselves, following AWS's rules:
# - writes: ceil(item size / 1 KB) per item, the larger of the item before and after (PutItem,
#   UpdateItem, DeleteItem, each BatchWriteItem request); a failed condition still costs the
#   item's size (at least 1); TransactWriteItems costs twice. Each GSI costs on top: an index
#   entry written (put, or a projected attribute changed) = ceil(entry / 1 KB); its key changed =
#   delete old + put new entry; the item leaving or entering the index = one of them.
# - reads: ceil(size / 4 KB) per item (GetItem, each BatchGetItem key, 1 for a missing item),
#   per response for Query/Scan (sum of the returned items, at least 1); eventually consistent
#   ×0.5 (always for a GSI), transactional ×2. Query/Scan with a filter or a projection are
#   billed by DynamoDB on what was *read*, not returned: not used on our paths, not modelled.
# Item size (AWS "Item sizes and formats", approximated): attribute name bytes + value bytes;
# strings/binary by length, numbers (significant digits / 2) + 1, booleans/null 1, maps and
# lists 3 + 1 per element + their contents, sets the sum of their elements.
#
# The items before/after a write are read by this meter with extra GetItem calls that are not
# metered themselves (they go to the same emulator; never use this against real AWS).


def value_size(value: dict[str, Any]) -> int:
    ((kind, v),) = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "B":
        return len(v) if isinstance(v, bytes | bytearray) else len(str(v))
    if kind == "N":
        digits = v.lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(x) + 1 for k, x in v.items())
    if kind == "L":
        return 3 + sum(value_size(x) + 1 for x in v)
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: x}) for x in v)
    return 0


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def _units(size: int, unit: int) -> int:
    return max(1, -(-size // unit))


class _Table:
    def __init__(self, desc: dict[str, Any]) -> None:
        self.name = desc["TableName"]
        self.keys = [k["AttributeName"] for k in desc["KeySchema"]]
        self.indexes: dict[str, tuple[list[str], str, list[str]]] = {}
        for gsi in desc.get("GlobalSecondaryIndexes", []):
            proj = gsi.get("Projection", {})
            self.indexes[gsi["IndexName"]] = (
                [k["AttributeName"] for k in gsi["KeySchema"]],
                proj.get("ProjectionType", "ALL"),
                list(proj.get("NonKeyAttributes", [])),
            )

    def key_of(self, item: dict[str, Any]) -> dict[str, Any]:
        return {k: item[k] for k in self.keys if k in item}

    def entry(self, index: str, item: dict[str, Any] | None) -> dict[str, Any] | None:
        """The item's entry in a GSI (None when it lacks an index key: not in the index)."""
        keys, projection, extra = self.indexes[index]
        if not item or any(k not in item for k in keys):
            return None
        if projection == "ALL":
            return dict(item)
        wanted = set(keys) | set(self.keys) | (set(extra) if projection == "INCLUDE" else set())
        return {k: v for k, v in item.items() if k in wanted}

    def write_units(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[int, int]:
        """(table units, index units) of replacing ``old`` by ``new`` (None: absent)."""
        base = _units(max(item_size(old), item_size(new)), 1024)
        index = 0
        for name, (keys, _, _) in self.indexes.items():
            before, after = self.entry(name, old), self.entry(name, new)
            if before is None and after is None:
                continue
            if before is not None and after is not None and all(before[k] == after[k] for k in keys):
                if before != after:
                    index += _units(item_size(after), 1024)
                continue
            if before is not None:
                index += _units(item_size(before), 1024)
            if after is not None:
                index += _units(item_size(after), 1024)
        return base, index


def _label(table: str, key: dict[str, Any]) -> str:
    """`<table>:<pk prefix>/<sk prefix>` (prefixes only when they look like `ABC#…`)."""
    parts = []
    for value in key.values():
        text = str(next(iter(value.values())))
        head = text.split("#", 1)[0]
        parts.append(head if "#" in text and head.isupper() else "*")
    return f"{table.rsplit('-', 1)[-1]}:{'/'.join(parts)}"


class Capacity:
    """Write/read units counted while active, in total and per (operation, table:key prefix)."""

    def __init__(self) -> None:
        self.wru = 0.0
        self.rru = 0.0
        self.by: dict[str, float] = {}

    def write(self, op: str, label: str, units: float) -> None:
        self.wru += units
        self.by[f"W {op} {label}"] = self.by.get(f"W {op} {label}", 0.0) + units

    def read(self, op: str, label: str, units: float) -> None:
        self.rru += units
        self.by[f"R {op} {label}"] = self.by.get(f"R {op} {label}", 0.0) + units


_capacity_lock = threading.RLock()
_capacity_active: list[Capacity] = []
_capacity_installed = False
_tables: dict[str, _Table] = {}


def _install_capacity() -> None:
    global _capacity_installed
    if _capacity_installed:
        return
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    original = BaseClient._make_api_call

    def table(client: Any, name: str) -> _Table:
        if name not in _tables:
            _tables[name] = _Table(original(client, "DescribeTable", {"TableName": name})["Table"])
        return _tables[name]

    def get(client: Any, name: str, key: dict[str, Any]) -> dict[str, Any] | None:
        found = original(client, "GetItem", {"TableName": name, "Key": key, "ConsistentRead": True})
        return found.get("Item")

    def metered(client: BaseClient, op: str, params: dict[str, Any]) -> dict[str, Any]:
        if client.meta.service_model.service_name != "dynamodb" or not _capacity_active:
            return original(client, op, params)
        with _capacity_lock:  # serialised: before/after reads must see this call only
            return _metered(client, op, params)

    def charge_write(op: str, t: _Table, key: dict[str, Any], old: Any, new: Any, factor: int) -> None:
        base, index = t.write_units(old, new)
        for cap in _capacity_active:
            cap.write(op, _label(t.name, key), factor * (base + index))

    def charge_read(op: str, label: str, units: float) -> None:
        for cap in _capacity_active:
            cap.read(op, label, units)

    def _metered(client: Any, op: str, params: dict[str, Any]) -> dict[str, Any]:
        if op in ("PutItem", "UpdateItem", "DeleteItem"):
            t = table(client, params["TableName"])
            key = t.key_of(params["Item"]) if op == "PutItem" else params["Key"]
            old = get(client, t.name, key)
            try:
                resp = original(client, op, params)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    charge_write(op + "(failed)", t, key, old, old, 1)
                raise
            new = params["Item"] if op == "PutItem" else None
            if op == "UpdateItem":
                new = get(client, t.name, key)
            charge_write(op, t, key, old, new, 1)
            return resp
        if op == "BatchWriteItem":
            todo = []
            for name, requests in params["RequestItems"].items():
                t = table(client, name)
                for r in requests:
                    if "PutRequest" in r:
                        key, new = t.key_of(r["PutRequest"]["Item"]), r["PutRequest"]["Item"]
                    else:
                        key, new = r["DeleteRequest"]["Key"], None
                    todo.append((t, key, get(client, name, key), new))
            resp = original(client, op, params)
            for t, key, old, new in todo:
                charge_write(op, t, key, old, new, 1)
            return resp
        if op == "TransactWriteItems":
            steps = []
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                t = table(client, body["TableName"])
                key = t.key_of(body["Item"]) if kind == "Put" else body["Key"]
                steps.append((kind, t, key, get(client, t.name, key), body))
            try:
                resp = original(client, op, params)
            except ClientError:
                for _kind, t, key, old, _ in steps:
                    charge_write(f"{op}(cancelled)", t, key, old, old, 2)
                raise
            for kind, t, key, old, body in steps:
                new = {"Put": body.get("Item"), "Delete": None, "ConditionCheck": old}.get(kind)
                if kind == "Update":
                    new = get(client, t.name, key)
                charge_write(f"{op}.{kind}", t, key, old if kind != "ConditionCheck" else None, new, 2)
            return resp
        resp = original(client, op, params)
        if op == "GetItem":
            t = table(client, params["TableName"])
            factor = 1.0 if params.get("ConsistentRead") else 0.5
            charge_read(op, _label(t.name, params["Key"]), factor * _units(item_size(resp.get("Item")), 4096))
        elif op == "BatchGetItem":
            for name, spec in params["RequestItems"].items():
                t = table(client, name)
                factor = 1.0 if spec.get("ConsistentRead") else 0.5
                found = {json_key(t.key_of(i)): i for i in resp.get("Responses", {}).get(name, [])}
                for key in spec["Keys"]:
                    size = item_size(found.get(json_key(key)))
                    charge_read(op, _label(name, key), factor * _units(size, 4096))
        elif op in ("Query", "Scan"):
            t = table(client, params["TableName"])
            index = params.get("IndexName")
            factor = 0.5 if index or not params.get("ConsistentRead") else 1.0
            items = resp.get("Items", [])
            size = sum(item_size(i) for i in items)
            label = (
                f"{t.name.rsplit('-', 1)[-1]}:{index}"
                if index
                else _label(t.name, t.key_of(items[0]) if items else {})
            )
            charge_read(op, label, factor * _units(size, 4096))
        elif op == "TransactGetItems":
            for entry in params["TransactItems"]:
                body = entry["Get"]
                got = get(client, body["TableName"], body["Key"])
                charge_read(op, _label(body["TableName"], body["Key"]), 2 * _units(item_size(got), 4096))
        return resp

    BaseClient._make_api_call = metered
    _capacity_installed = True


def json_key(key: dict[str, Any]) -> str:
    import json

    return json.dumps(key, sort_keys=True)


@contextlib.contextmanager
def meter_capacity() -> Iterator[Capacity]:
    """``with meter_capacity() as cap: ...`` then ``cap.wru``, ``cap.rru``, ``cap.by`` (emulator only)."""
    _install_capacity()
    cap = Capacity()
    with _capacity_lock:
        _capacity_active.append(cap)
    try:
        yield cap
    finally:
        with _capacity_lock:
            _capacity_active.remove(cap)
