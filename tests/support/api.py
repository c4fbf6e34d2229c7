"""The JSON client the API tests drive the app with (``chalice.test.Client`` underneath), and logins."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

PASSWORD = "Demo-Passwort-2026!"


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None

    def __repr__(self) -> str:  # shows the body when an assert fails
        return f"<{self.status} {self.raw[:500]!r}>"


class Api:
    """Thin JSON wrapper around ``chalice.test.Client``."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Result:
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        h.update(headers or {})
        data = (
            body if body is not None else (json.dumps(json_body).encode() if json_body is not None else b"")
        )
        meter_dir = os.environ.get("VIGIL_METER_DIR")
        if not meter_dir:
            r = self.client.http.request(method, path, headers=h, body=data)
            return Result(r.status_code, dict(r.headers), r.body or b"")
        from chalicelib.local.metering import count_calls

        with count_calls() as calls:
            r = self.client.http.request(method, path, headers=h, body=data)
        _record_calls(meter_dir, method, path, r.status_code, calls["dynamodb"])
        return Result(r.status_code, dict(r.headers), r.body or b"")

    def get(self, path: str, token: str | None = None, **kw: Any) -> Result:
        return self.call("GET", path, token, **kw)

    def post(self, path: str, token: str | None = None, json_body: Any = None, **kw: Any) -> Result:
        return self.call("POST", path, token, json_body=json_body, **kw)

    def patch(self, path: str, token: str | None = None, json_body: Any = None, **kw: Any) -> Result:
        return self.call("PATCH", path, token, json_body=json_body, **kw)

    def put(self, path: str, token: str | None = None, json_body: Any = None, **kw: Any) -> Result:
        return self.call("PUT", path, token, json_body=json_body, **kw)

    def delete(self, path: str, token: str | None = None, **kw: Any) -> Result:
        return self.call("DELETE", path, token, **kw)

    def login(self, email: str, password: str = PASSWORD) -> str:
        r = self.post("/auth/login", json_body={"email": email, "password": password})
        assert r.status == 200, r
        assert "id_token" in r.json, r
        return str(r.json["id_token"])

    def first_login(self, email: str, temp_password: str, new_password: str = PASSWORD) -> str:
        r = self.post("/auth/login", json_body={"email": email, "password": temp_password})
        assert r.status == 200 and r.json.get("challenge") == "NEW_PASSWORD_REQUIRED", r
        r = self.post(
            "/auth/new-password",
            json_body={"email": email, "session": r.json["session"], "new_password": new_password},
        )
        assert r.status == 200, r
        return str(r.json["id_token"])


def _route_of(path: str) -> str:
    """The route template a request path matched (for per-route call statistics)."""
    from app import app

    bare = path.split("?", 1)[0]
    parts = bare.strip("/").split("/")
    for template in app.routes:
        tparts = template.strip("/").split("/")
        if len(tparts) == len(parts) and all(
            t.startswith("{") or t == p for t, p in zip(tparts, parts, strict=False)
        ):
            return template
    return bare


def _record_calls(meter_dir: str, method: str, path: str, status: int, ddb_calls: int) -> None:
    line = json.dumps({"route": f"{method} {_route_of(path)}", "status": status, "ddb": ddb_calls})
    with open(os.path.join(meter_dir, f"calls-{os.getpid()}.jsonl"), "a", encoding="utf-8") as f:
        f.write(line + "\n")


def error_fields(problem: dict[str, Any]) -> set[str]:
    """The field names a problem+json body blames, whether `errors` is the old mapping
    (field → message) or the list of `{field, code, message}` objects."""
    errs = problem.get("errors") or {}
    if isinstance(errs, dict):
        return set(errs)
    return {e["field"] for e in errs}


def error_codes(problem: dict[str, Any]) -> set[str]:
    """The machine codes of a problem's `errors` list (empty for the old mapping form)."""
    errs = problem.get("errors") or []
    return {e.get("code", "") for e in errs} if isinstance(errs, list) else set()


def error_map(problem: dict[str, Any]) -> dict[str, str]:
    """{field: code} of a problem's `errors` list (first per field)."""
    out: dict[str, str] = {}
    for e in problem.get("errors") or []:
        out.setdefault(e["field"], e["code"])
    return out


def error_messages(problem: dict[str, Any]) -> dict[str, str]:
    """{field: message} of a problem's `errors` (either shape; first per field)."""
    errs = problem.get("errors") or {}
    if isinstance(errs, dict):
        return dict(errs)
    out: dict[str, str] = {}
    for e in errs:
        out.setdefault(e["field"], e["message"])
    return out
