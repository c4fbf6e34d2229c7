"""The OpenAPI document and the app's route table describe the same API."""

from __future__ import annotations

import pytest


def _documented(doc):
    out = set()
    for path, item in doc["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                out.add((method.upper(), path))
    return out


def _routed():
    from app import app

    return {(m, path) for path, methods in app.routes.items() for m in methods if m != "OPTIONS"}


def test_every_route_is_documented_and_nothing_else(api):
    r = api.get("/openapi.json")
    assert r.status == 200
    doc = r.json
    assert doc["openapi"].startswith("3.")
    assert _routed() - _documented(doc) == set(), "routes missing from the OpenAPI document"
    assert _documented(doc) - _routed() == set(), "documented operations that do not exist"


@pytest.mark.unit
def test_document_is_valid_openapi():
    from openapi_spec_validator import validate

    from chalicelib.openapi import document

    validate(document())


@pytest.mark.unit
def test_every_ref_resolves():
    from chalicelib.openapi import document

    doc = document()

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target = doc
                for part in ref.lstrip("#/").split("/"):
                    assert part in target, f"unresolved {ref}"
                    target = target[part]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
