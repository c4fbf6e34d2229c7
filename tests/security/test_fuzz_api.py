"""API fuzzing with schemathesis against the OpenAPI document, over a real HTTP server.

The app runs on `make run`'s hardened local server (chalicelib/local/server.py) in-process, inside
this test's moto; the caller is the demo partner (admin of the partner org, partner in its linked
customer), and path parameters name objects that exist, so generated requests reach the code behind
the checks. Every operation gets the same budget of valid (positive) and invalid (negative)
requests; the checks: no 5xx, only documented status codes and content types, bodies matching
their schemas.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.security.world import SecWorld, build
from tests.support.servers import live_app

# Examples per operation and mode (52 operations → > 2,000 requests); VIGIL_FUZZ_SCALE=0.1 for a
# quick local pass (the request-count floor then scales too).
SCALE = float(os.environ.get("VIGIL_FUZZ_SCALE", "1"))
POSITIVE = max(1, int(28 * SCALE))
NEGATIVE = max(1, int(16 * SCALE))


@pytest.fixture
def live(aws, api, monkeypatch) -> Iterator[tuple[str, SecWorld]]:
    # The fuzzer adds members and reports by the hundred: the per-org budgets are not under test.
    monkeypatch.setenv("VIGIL_RATE_INVITES", "100000/3600")
    monkeypatch.setenv("VIGIL_RATE_REPORTS", "100000/3600")
    world = build(api)
    with live_app() as url:
        yield url, world


def _path_params(w: SecWorld, path: str) -> dict[str, str]:
    if (
        "{number}" in path
        or path.endswith("/support")
        or path.endswith("/customers")
        or path.endswith("/invoices")
    ):
        return {"org_id": w.p, "number": w.p_invoice}
    c = w.c
    return {
        "org_id": c.org_id,
        "endpoint_id": c.endpoint_id,
        "host_id": c.host_id,
        "report_id": c.report_id,
        "schedule_id": c.schedule_id,
        "user_id": c.member_id,
    }


def _order(op: Any) -> tuple[int, str]:
    """Destructive operations last, deleting the org very last."""
    if op.method.upper() == "DELETE":
        return (2 if op.path == "/orgs/{org_id}" else 1, op.label)
    return (0, op.label)


@pytest.mark.long
def test_fuzz_the_api_against_its_openapi_document(live) -> None:
    import requests
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )
    from schemathesis.core.result import Err, Ok
    from schemathesis.generation import GenerationMode

    base_url, w = live
    doc = requests.get(f"{base_url}/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(doc)
    results = list(schema.get_all_operations())
    invalid = [str(r.err()) for r in results if isinstance(r, Err)]
    assert not invalid, f"operations the fuzzer cannot read: {invalid}"
    operations = sorted((r.ok() for r in results if isinstance(r, Ok)), key=_order)
    token = w.tokens["partner"]
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    session = requests.Session()
    counted = {"requests": 0}
    failures: list[str] = []
    started = time.monotonic()

    timings = []
    for op in operations:
        op_started, op_count = time.monotonic(), counted["requests"]
        names = [p.name for p in op.path_parameters]
        params = {k: v for k, v in _path_params(w, op.path).items() if k in names}
        for mode, budget in ((GenerationMode.POSITIVE, POSITIVE), (GenerationMode.NEGATIVE, NEGATIVE)):
            strategy = op.as_strategy(generation_mode=mode, path_parameters=params)

            @settings(
                max_examples=budget,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(case=strategy)
            def run(case: Any) -> None:
                headers = {"Authorization": f"Bearer {token}"}
                counted["requests"] += 1
                response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
                if response.status_code == 401 and "Authorization" not in response.request.headers:
                    # The local gateway's own answer to a missing header ({"message": …}); in
                    # AWS the stack's gateway responses make it problem+json (infra tests).
                    return
                case.validate_response(response, checks=checks, headers=headers)

            try:
                run()
            except Unsatisfiable:  # no invalid input exists (an operation without parameters)
                pass
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{op.label} [{mode.value}]: {str(exc)[:600]}")
        timings.append((time.monotonic() - op_started, counted["requests"] - op_count, op.label))

    seconds = time.monotonic() - started
    print(
        f"\nschemathesis: {counted['requests']} requests over {len(operations)} operations in {seconds:.0f} s"
    )
    for spent, count, label in sorted(timings, reverse=True)[:8]:
        print(f"  {spent:5.1f} s  {count:4d} requests  {label}")
    assert not failures, f"{len(failures)} operations failed:\n" + "\n\n".join(failures)
    assert counted["requests"] >= 2000 * SCALE
