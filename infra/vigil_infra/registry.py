"""What the app declares, read from the app itself so that new domains need no infra change.

- tables: ``chalicelib.db.TABLE_MODELS`` after ``bootstrap.import_models()`` (keys, GSIs,
  ``ttl_attribute``), the same registry the local bootstrap creates tables from;
- buckets: ``chalicelib.local.bootstrap.BUCKETS``;
- functions, schedules, queue consumers: the SAM template `chalice package` writes
  (see ``functions_from_sam``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: tuple[str, str]
    range_key: tuple[str, str] | None
    projection: str
    non_key_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    short: str
    name: str
    hash_key: tuple[str, str]
    range_key: tuple[str, str] | None
    ttl_attribute: str | None
    indexes: tuple[Index, ...] = ()


def _keys(
    key_schema: list[dict[str, str]], types: dict[str, str]
) -> tuple[tuple[str, str], tuple[str, str] | None]:
    hash_key = range_key = None
    for key in key_schema:
        pair = (key["AttributeName"], types[key["AttributeName"]])
        if key["KeyType"] == "HASH":
            hash_key = pair
        else:
            range_key = pair
    assert hash_key is not None
    return hash_key, range_key


def tables(prefix: str) -> list[TableSpec]:
    from chalicelib.local.bootstrap import import_models

    specs = []
    for model in import_models():
        schema = model._get_schema()
        types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
        hash_key, range_key = _keys(schema["key_schema"], types)
        indexes = []
        for gsi in schema.get("global_secondary_indexes", []):
            ihash, irange = _keys(gsi["key_schema"], types)
            projection = gsi["projection"]
            indexes.append(
                Index(
                    gsi["index_name"],
                    ihash,
                    irange,
                    projection["ProjectionType"],
                    tuple(projection.get("NonKeyAttributes", ())),
                )
            )
        if schema.get("local_secondary_indexes"):
            raise ValueError(f"{model.__name__}: local secondary indexes are not supported by infra")
        name = model.Meta.table_name
        if not name.startswith(prefix + "-"):
            raise ValueError(f"{model.__name__}: table {name} was named before VIGIL_PREFIX={prefix}")
        specs.append(
            TableSpec(
                short=name[len(prefix) + 1 :],
                name=name,
                hash_key=hash_key,
                range_key=range_key,
                ttl_attribute=getattr(model, "ttl_attribute", None),
                indexes=tuple(indexes),
            )
        )
    return specs


def buckets() -> list[str]:
    from chalicelib.local.bootstrap import BUCKETS

    return list(BUCKETS)


@dataclass
class FunctionSpec:
    """One Lambda function of the Chalice app, as `chalice package` declared it."""

    logical_id: str
    role_logical_id: str | None
    handler: str
    kind: str  # "api" | "authorizer" | "schedule" | "sqs" | "other"
    queues: list[str] = field(default_factory=list)  # queue names it consumes
    schedules: list[str] = field(default_factory=list)


def _queue_name(queue: Any) -> str | None:
    """The queue name in SAM's `Fn::Sub arn:...:<name>` (or a literal ARN)."""
    if isinstance(queue, dict) and "Fn::Sub" in queue:
        queue = queue["Fn::Sub"]
    if isinstance(queue, str):
        return queue.rsplit(":", 1)[-1]
    return None


def functions_from_sam(template: dict[str, Any]) -> list[FunctionSpec]:
    resources = template["Resources"]
    gateway_invoked = {
        _ref_target(r["Properties"].get("FunctionName"))
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::Permission"
        and r["Properties"].get("Principal") == "apigateway.amazonaws.com"
    }
    out = []
    for logical_id, res in resources.items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        role = props.get("Role")
        role_id = role["Fn::GetAtt"][0] if isinstance(role, dict) and "Fn::GetAtt" in role else None
        spec = FunctionSpec(
            logical_id=logical_id, role_logical_id=role_id, handler=props["Handler"], kind="other"
        )
        for event in (props.get("Events") or {}).values():
            if event["Type"] == "SQS":
                name = _queue_name(event["Properties"]["Queue"])
                if name:
                    spec.queues.append(name)
            elif event["Type"] == "Schedule":
                spec.schedules.append(str(event["Properties"]["Schedule"]))
        if props["Handler"] == "app.app":
            spec.kind = "api"
        elif spec.queues:
            spec.kind = "sqs"
        elif spec.schedules:
            spec.kind = "schedule"
        elif logical_id in gateway_invoked:
            spec.kind = "authorizer"
        out.append(spec)
    return out


def _ref_target(value: Any) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None
