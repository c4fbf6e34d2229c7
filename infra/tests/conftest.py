"""Fixtures: the synthesized prod template (`make synth`) and one for a fixture app with queues.

The registries are imported here with the prod prefix, exactly as infra/app.py does, so the
tests compare the template with what the app declares today, not with a hard-coded list.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

INFRA = Path(__file__).resolve().parent.parent
ROOT = INFRA.parent
for _path in (str(INFRA), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
os.environ.update(
    {
        "VIGIL_STAGE": "prod",
        "VIGIL_PREFIX": "vigil-prod",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-central-1"),
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)

from aws_cdk.assertions import Template  # noqa: E402

TEMPLATE = Path(os.environ.get("VIGIL_TEMPLATE", INFRA / "cdk.out" / "prod.template.json"))


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        pytest.exit(f"{path} is missing: run `make synth` first", returncode=2)
    return dict(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def raw() -> dict[str, Any]:
    return _load(TEMPLATE)


@pytest.fixture(scope="session")
def template(raw: dict[str, Any]) -> Template:
    return Template.from_json(raw)


@pytest.fixture(scope="session")
def fixture_raw(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The stack synthesized against tests/fixture_app (queue consumers, a schedule)."""
    out = tmp_path_factory.mktemp("fixture") / "out"
    subprocess.run(
        [
            sys.executable,
            str(INFRA / "app.py"),
            "--source-dir",
            str(INFRA / "tests" / "fixture_app"),
            "--outdir",
            str(out),
        ],
        check=True,
        cwd=ROOT,
    )
    return _load(out / "prod.template.json")


def resources(raw: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in raw["Resources"].items() if v["Type"] == type_}


def by_prop(raw: dict[str, Any], type_: str, prop: str, value: Any) -> tuple[str, dict[str, Any]]:
    found = [(k, v) for k, v in resources(raw, type_).items() if v["Properties"].get(prop) == value]
    assert len(found) == 1, f"expected one {type_} with {prop}={value!r}, found {len(found)}"
    return found[0]
