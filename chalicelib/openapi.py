"""The OpenAPI 3 document, assembled from one fragment per domain.

Each domain keeps the description of its routes next to them in ``<domain>/openapi.yaml``;
``openapi_base.yaml`` holds the shared parts (info, security, problem responses, schemas).
A test compares the result with the app's route table in both directions.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    import yaml

    doc: dict[str, Any] = yaml.safe_load((HERE / "openapi_base.yaml").read_text(encoding="utf-8"))
    for fragment in sorted(HERE.glob("*/openapi.yaml")):
        _merge(doc, yaml.safe_load(fragment.read_text(encoding="utf-8")) or {})
    _add_shared_responses(doc)
    return doc


def _add_shared_responses(doc: dict[str, Any]) -> None:
    """Answers every route can give through ``http.guard_views`` / ``page_params``, so that the
    fragments need not repeat them: 503 (transient AWS failure), 413 (oversized body) on writes,
    400 where there is input to refuse (query, headers or body)."""

    def resolve(param: dict[str, Any]) -> dict[str, Any]:
        ref = param.get("$ref", "")
        if not ref:
            return param
        return dict(doc["components"]["parameters"][ref.rsplit("/", 1)[-1]])

    for item in doc.get("paths", {}).values():
        shared_params = item.get("parameters", [])
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = op.setdefault("responses", {})
            responses.setdefault("503", {"$ref": "#/components/responses/Unavailable"})
            if method != "get":
                responses.setdefault("413", {"$ref": "#/components/responses/TooLarge"})
            params = [
                p for p in map(resolve, [*shared_params, *op.get("parameters", [])]) if p.get("in") != "path"
            ]
            if op.get("requestBody") or params:
                responses.setdefault("400", {"$ref": "#/components/responses/BadRequest"})
