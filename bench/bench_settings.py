"""Org settings, logo, support, audit and purge: DynamoDB calls per route and logo/purge speed."""

from __future__ import annotations

import time
from typing import Any


def _png(side: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def run() -> dict[str, float]:
    from bench.env import emulated_aws

    with emulated_aws():
        return _measure()


def _measure() -> dict[str, float]:
    from chalice.test import Client

    from app import app
    from chalicelib import storage
    from chalicelib.audit import service as audit_log
    from chalicelib.audit.models import AuditEntry
    from chalicelib.branding.image import clean
    from chalicelib.local.metering import count_calls
    from chalicelib.orgs.deletion import run_pending
    from tests.support import Api, seed_world

    out: dict[str, float] = {}
    with Client(app, stage_name="local") as client:
        api = Api(client)
        w = seed_world(api)
        org, token = w.customer_id, w.partner_token
        png = {"Content-Type": "image/png"}
        calls: list[tuple[str, str, str, Any]] = [
            ("get_org_partner_first", "GET", f"/orgs/{org}", None),
            ("get_org_partner_again", "GET", f"/orgs/{org}", None),
            ("patch_org", "PATCH", f"/orgs/{org}", {"language": "en"}),
            ("get_support", "GET", f"/orgs/{org}/support", None),
            ("get_audit", "GET", f"/orgs/{org}/audit", None),
            ("put_logo", "PUT", f"/orgs/{org}/logo", _png(150)),
            ("get_logo", "GET", f"/orgs/{org}/logo", None),
        ]
        worst = 0
        for name, method, path, body in calls:
            with count_calls() as c:
                if isinstance(body, bytes):
                    r = api.call(method, path, token, headers=png, body=body)
                else:
                    r = api.call(method, path, token, json_body=body)
            assert r.status < 300, (name, r)
            out[f"settings_ddb_calls_{name}"] = c["dynamodb"]
            worst = max(worst, c["dynamodb"])
        out["settings_ddb_calls_max_per_request"] = worst

        for side in (150, 1024):
            data = _png(side)
            started = time.perf_counter()
            for _ in range(5):
                clean(data)
            out[f"logo_clean_{side}_ms"] = round((time.perf_counter() - started) / 5 * 1000, 2)

        with AuditEntry.batch_write() as writer:
            for i in range(1000):
                writer.save(audit_log.build(org, "u", None, "admin", org, "thing.done", str(i)))
        for i in range(100):
            storage.put("files", storage.report_key(org, f"r{i}"), b"%PDF", "application/pdf")
        assert api.delete(f"/orgs/{org}", token).status == 202
        started = time.perf_counter()
        result = run_pending(time.monotonic() + 300)
        assert result["purged"] == 1, result
        out["purge_1000_items_100_objects_s"] = round(time.perf_counter() - started, 3)
    return out
