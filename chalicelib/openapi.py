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
    return doc
