"""The OpenAPI 3 document, assembled from one fragment per domain.

Each domain keeps the description of its routes next to them in ``<domain>/openapi.yaml``;
``openapi_base.yaml`` holds the shared parts (info, tags, problem responses, shared schemas).
Each operation is tagged with its domain (the fragment's folder); ``servers`` names the deployment
from the settings at request time. A test compares the result with the app's route table in both
directions; another generates a client from it and runs the partner flow (tests/openapi_client).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
METHODS = ("get", "post", "put", "patch", "delete")


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def document() -> dict[str, Any]:
    """The document as served: the merged fragments plus this deployment's ``servers``."""
    return {**_assembled(), "servers": servers()}


def servers() -> list[dict[str, str]]:
    """The API's public base URL: ``VIGIL_API_URL`` (in AWS the console's origin + ``/v1``, see
    docs/deploy.md); without it the console's ``/v1`` in AWS, the local API in local mode."""
    from chalicelib import settings

    configured = settings.api_url().rstrip("/")
    if settings.is_local():
        return [{"url": configured or "http://127.0.0.1:8000", "description": "local mode (`make run`)"}]
    url = configured or settings.console_url().rstrip("/") + "/v1"
    return [{"url": url, "description": f"Vigil API ({settings.stage()})"}]


@functools.lru_cache(maxsize=1)
def _assembled() -> dict[str, Any]:
    import yaml

    doc: dict[str, Any] = yaml.safe_load((HERE / "openapi_base.yaml").read_text(encoding="utf-8"))
    for fragment in sorted(HERE.glob("*/openapi.yaml")):
        part = yaml.safe_load(fragment.read_text(encoding="utf-8")) or {}
        _tag(part, fragment.parent.name)
        _merge(doc, part)
    _add_shared_responses(doc)
    _integer_formats(doc)
    return doc


def _integer_formats(node: Any) -> None:
    """Every integer gets a ``format`` for the generators: int32 when its ``maximum`` fits,
    otherwise int64 (byte counts, uptimes). Fragments may still set one themselves."""
    if isinstance(node, dict):
        if node.get("type") == "integer" and "format" not in node:
            fits = isinstance(node.get("maximum"), int) and node["maximum"] < 2**31
            node["format"] = "int32" if fits else "int64"
        for value in node.values():
            _integer_formats(value)
    elif isinstance(node, list):
        for value in node:
            _integer_formats(value)


def _tag(fragment: dict[str, Any], domain: str) -> None:
    for item in fragment.get("paths", {}).values():
        for method, op in item.items():
            if method in METHODS:
                op.setdefault("tags", [domain])


def _add_shared_responses(doc: dict[str, Any]) -> None:
    """Answers every route can give through ``http.guard_views`` / ``page_params`` or the
    gateway, so that the fragments need not repeat them: 503 (transient AWS failure) and 429
    (a rate limit or the stage's throttling), both with Retry-After; 413 (oversized body) on
    writes; 400 where there is input to refuse (query, headers or body); any other error is a
    problem document (``default``)."""

    def resolve(param: dict[str, Any]) -> dict[str, Any]:
        ref = param.get("$ref", "")
        if not ref:
            return param
        return dict(doc["components"]["parameters"][ref.rsplit("/", 1)[-1]])

    for item in doc.get("paths", {}).values():
        shared_params = item.get("parameters", [])
        for method, op in item.items():
            if method not in METHODS:
                continue
            responses = op.setdefault("responses", {})
            responses.setdefault("429", {"$ref": "#/components/responses/TooMany"})
            responses.setdefault("503", {"$ref": "#/components/responses/Unavailable"})
            responses.setdefault("default", {"$ref": "#/components/responses/Error"})
            if method != "get":
                responses.setdefault("413", {"$ref": "#/components/responses/TooLarge"})
            params = [
                p for p in map(resolve, [*shared_params, *op.get("parameters", [])]) if p.get("in") != "path"
            ]
            if op.get("requestBody") or params:
                responses.setdefault("400", {"$ref": "#/components/responses/BadRequest"})
