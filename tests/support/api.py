"""Helpers the API tests share: a JSON client, logins, worlds of orgs, the mailbox."""

from __future__ import annotations

import json
import os
import re
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


def make_org(name: str, admin_email: str, partner: bool = False, **profile: Any) -> str:
    """An org with an admin whose password is ``PASSWORD`` (operator path, as the seed)."""
    from chalicelib import admin

    org, _ = admin.create_org(name, admin_email, PASSWORD, partner=partner, **profile)
    return org.org_id


@dataclass
class World:
    """The seed's cast: partner SteineundUnkraut with a linked customer, plus strangers."""

    partner_id: str
    partner_token: str
    customer_id: str
    other_partner_id: str
    other_token: str


def seed_world(api: Api) -> World:
    partner_id = make_org("SteineundUnkraut GmbH", "partner@example.com", partner=True)
    other_id = make_org("Andere Partner AG", "other@example.com", partner=True)
    token = api.login("partner@example.com")
    r = api.post(
        "/orgs",
        token,
        {"name": "Innendekoration Stein & Mehr", "linked": True, "support_by": "partner", "language": "de"},
    )
    assert r.status == 201, r
    return World(partner_id, token, r.json["id"], other_id, api.login("other@example.com"))


def mails(to: str | None = None) -> list[Any]:
    from chalicelib.local.mailbox import from_backend

    found = from_backend()
    return [m for m in found if to is None or to in m.to]


def temp_password(mail_text: str) -> str:
    match = re.search(r"^(?:Temporäres Passwort|Temporary password): (\S+)$", mail_text, re.M)
    assert match, mail_text
    return match.group(1)
