"""Error paths of the API with `Accept-Language: de`: auth, roles, tenants, validation, business
rules, framework errors. No answer may carry an English catalog text or a pydantic phrase; each
carries its stable machine code. Also: the language falls back to the org's, and `en` works."""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from tests.i18n.english import english_in_problem
from tests.support import seed_world
from tests.support.api import Api, Result, error_map
from tests.support.world import new_customer

DE = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def _german(r: Result, status: int, code: str | None = None, fields: dict[str, str] | None = None) -> Any:
    assert r.status == status, r
    assert r.headers["Content-Type"] == "application/problem+json", r
    problem = r.json
    assert not english_in_problem(problem), (english_in_problem(problem), problem)
    if code is not None:
        assert problem.get("code") == code, problem
    if fields is not None:
        assert error_map(problem) == fields, problem
    return problem


def test_auth_errors_in_german(api: Api) -> None:
    seed_world(api)
    r = api.post(
        "/auth/login", json_body={"email": "partner@example.com", "password": "Falsch-123!"}, headers=DE
    )
    problem = _german(r, 401, "auth.bad_login")
    assert problem["detail"] == "E-Mail-Adresse oder Passwort ist falsch."
    assert problem["title"] == "Nicht angemeldet"
    r = api.post("/auth/login", json_body={"email": "kein-mail", "password": ""}, headers=DE)
    _german(r, 400, fields={"email": "email_invalid", "password": "string_too_short"})
    r = api.post(
        "/auth/new-password",
        json_body={"email": "a@example.com", "session": "x" * 30, "new_password": "schwach"},
        headers=DE,
    )
    problem = _german(r, 400, fields={"new_password": "password_policy"})
    assert "Das Passwort braucht mindestens 10 Zeichen" in problem["errors"][0]["message"]
    r = api.post("/auth/refresh", json_body={"refresh_token": "abc"}, headers=DE)
    _german(r, 401, "auth.bad_login")
    r = api.get("/me", "kein-token", headers=DE)
    assert r.status == 401


def test_signup_errors_in_german(api: Api) -> None:
    r = api.post(
        "/signup",
        json_body={
            "email": "neu@example.com",
            "password": "kurz",
            "org": {"name": "", "time_zone": "Mars/Olymp"},
        },
        headers=DE,
    )
    _german(
        r,
        400,
        fields={"password": "password_policy", "org.name": "string_too_short", "org.time_zone": "time_zone"},
    )


def test_org_domain_and_validation_errors_in_german(api: Api) -> None:
    w = seed_world(api, team=True, independent=True)
    org = w.customer_id
    bad = {
        "name": "",
        "vat_id": "DE123",
        "billing_email": "keine-adresse",
        "address": {"country": "XX"},
        "language": "fr",
        "bogus": 1,
    }
    r = api.patch(f"/orgs/{org}", w.partner_token, bad, headers=DE)
    _german(
        r,
        400,
        fields={
            "name": "string_too_short",
            "vat_id": "vat_invalid",
            "billing_email": "email_invalid",
            "address.country": "country_invalid",
            "language": "one_of",
            "bogus": "unknown_field",
        },
    )
    _german(api.patch(f"/orgs/{org}", w.partner_token, {}, headers=DE), 400, fields={"body": "no_change"})
    _german(
        api.patch(f"/orgs/{org}", w.partner_token, {"name": None}, headers=DE),
        400,
        fields={"name": "not_null"},
    )
    _german(api.patch(f"/orgs/{org}", w.customer_guest, {"name": "X"}, headers=DE), 403, "access.read_only")
    _german(api.get(f"/orgs/{org}", w.other_token, headers=DE), 404, "not_found.org")
    _german(api.get(f"/orgs/{org}/audit", w.customer_guest, headers=DE), 403, "access.audit")
    _german(api.get(f"/orgs/{org}/customers", w.partner_token, headers=DE), 403, "access.partner_only")
    _german(api.delete(f"/orgs/{org}", w.customer_admin, headers=DE), 403, "access.delete_org")
    _german(api.delete(f"/orgs/{org}/members/nobody", w.partner_token, headers=DE), 404, "not_found.member")
    _german(
        api.get(f"/orgs/{org}/endpoints?limit=0", w.partner_token, headers=DE),
        400,
        fields={"limit": "limit_range"},
    )
    _german(api.get(f"/orgs/{org}/endpoints?next=" + "x" * 3000, w.partner_token, headers=DE), 400)
    _german(
        api.get(f"/orgs/{org}/incidents?state=kaputt", w.partner_token, headers=DE),
        400,
        fields={"state": "one_of"},
    )
    own = w.independent_id
    members = api.get(f"/orgs/{own}/members", w.independent_admin).json["items"]
    admin = next(m for m in members if m["role"] == "admin")
    r = api.delete(f"/orgs/{own}/members/{admin['user_id']}", w.independent_admin, headers=DE)
    _german(r, 409, "conflict.last_admin_remove")
    r = api.post(
        f"/orgs/{org}/members", w.partner_token, {"email": "partner@example.com", "role": "chef"}, headers=DE
    )
    _german(r, 400, fields={"role": "one_of"})


def test_body_and_framework_errors_in_german(api: Api) -> None:
    w = seed_world(api)
    path = f"/orgs/{w.customer_id}/endpoints"
    _german(
        api.post(path, w.partner_token, body=b"{kaputt", headers=DE), 400, fields={"body": "json_invalid"}
    )
    _german(api.post(path, w.partner_token, body=b"[]", headers=DE), 400, fields={"body": "body_required"})
    deep = b"[" * 100 + b"]" * 100
    _german(api.post(path, w.partner_token, body=deep, headers=DE), 400, fields={"body": "json_too_deep"})
    problem = _german(
        api.post(path, w.partner_token, body=b" " * (70 * 1024), headers=DE), 413, "body.too_large"
    )
    assert problem["detail"] == "Der Anfrageinhalt ist größer als 65536 Byte"
    huge = b"x" * (1024 * 1024 + 65 * 1024)
    _german(api.post(path, w.partner_token, body=huge, headers=DE), 413, "body.too_large")
    r = api.call("PUT", path, w.partner_token, headers=DE)
    _german(r, 405)


def test_monitoring_errors_in_german(api: Api) -> None:
    clock.set_now(None)
    w = seed_world(api)
    path = f"/orgs/{w.customer_id}/endpoints"
    cases = [
        ({"name": "Shop", "url": "ftp://shop.example.com/"}, {"url": "url_scheme"}),
        ({"name": "Shop", "url": "http://127.0.0.1/"}, {"url": "url_forbidden_address"}),
        ({"name": "Shop", "url": "https://user:pw@shop.example.com/"}, {"url": "url_credentials"}),
        ({"name": "Shop", "url": "https://shop.example.com:99999/"}, {"url": "url_port"}),
        ({"name": "Shop", "url": "https://intranet/"}, {"url": "url_not_fqdn"}),
        (
            {
                "name": "Shop",
                "url": "https://shop.example.com/",
                "checks": {"availability": {"expected_status_min": 500, "expected_status_max": 200}},
            },
            {"checks.availability": "status_range"},
        ),
        (
            {
                "name": "Shop",
                "url": "https://shop.example.com/",
                "maintenance_windows": [
                    {"starts_at": "2026-11-03T02:00:00Z", "ends_at": "2026-11-03T01:00:00Z"}
                ],
            },
            {"maintenance_windows.0": "maintenance_order"},
        ),
    ]
    for body, fields in cases:
        _german(api.post(path, w.partner_token, body, headers=DE), 400, fields=fields)
    r = api.post(
        path,
        w.partner_token,
        {"name": "Shop", "url": "https://shop.example.com/", "interval_minutes": 1},
        headers=DE,
    )
    problem = _german(r, 422, "limits.interval", {"interval_minutes": "interval_min"})
    assert "mindestens 5" in problem["detail"]
    _german(api.get(f"{path}/e_nope", w.partner_token, headers=DE), 404, "not_found.endpoint")
    created = api.post(path, w.partner_token, {"name": "Shop", "url": "https://shop.example.com/"})
    assert created.status == 201, created
    r = api.get(f"{path}/{created.json['id']}/results?from=gestern", w.partner_token, headers=DE)
    _german(r, 400, fields={"from": "datetime_expected"})
    _german(
        api.get(f"/orgs/{w.customer_id}/hosts/h_nope", w.partner_token, headers=DE), 404, "not_found.host"
    )
    r = api.post("/agent/heartbeat", None, {"x": 1}, headers={**DE, "Authorization": "Bearer vgl_falsch"})
    _german(r, 401, "auth.agent_token_required")


def test_billing_errors_in_german(api: Api) -> None:
    w = seed_world(api)
    customer = new_customer(api, w.partner_token, "Ohne Adresse GmbH")
    r = api.post(
        f"/orgs/{customer}/subscription/orders",
        w.partner_token,
        {"plan": "basic", "interval": "month"},
        headers={**DE, "Idempotency-Key": "k-1"},
    )
    _german(r, 422, "billing.address_country", {"address.country": "required_for_invoicing"})
    r = api.post(f"/orgs/{customer}/subscription/orders", w.partner_token, {"plan": "gold"}, headers=DE)
    assert r.status == 400 and not english_in_problem(r.json), r
    _german(
        api.get(f"/orgs/{w.partner_id}/invoices/RE-0", w.partner_token, headers=DE), 404, "not_found.invoice"
    )
    _german(
        api.delete(f"/orgs/{customer}/subscription", w.partner_token, headers=DE),
        409,
        "conflict.nothing_to_cancel",
    )


def test_reports_errors_in_german(api: Api) -> None:
    w = seed_world(api)
    path = f"/orgs/{w.customer_id}/endpoints/e_nope/reports"
    r = api.post(
        path, w.partner_token, {"from": "2026-11-02T00:00:00Z", "to": "2026-11-01T00:00:00Z"}, headers=DE
    )
    assert r.status in (400, 404) and not english_in_problem(r.json), r
    _german(
        api.get(f"/orgs/{w.customer_id}/reports/r_nope", w.partner_token, headers=DE), 404, "not_found.report"
    )
    _german(api.get("/monitoring-ips.pdf?lang=fr", None, headers=DE), 400, fields={"lang": "one_of"})


def test_language_falls_back_to_the_org_and_english_is_english(api: Api) -> None:
    w = seed_world(api)
    org = w.customer_id
    # no Accept-Language: the org's language (German by default) …
    r = api.patch(f"/orgs/{org}", w.partner_token, {"name": ""})
    assert r.json["errors"][0]["message"] == "muss mindestens 1 Zeichen lang sein", r
    api.patch(f"/orgs/{org}", w.partner_token, {"language": "en"})
    r = api.patch(f"/orgs/{org}", w.partner_token, {"name": ""})
    assert r.json["errors"][0]["message"] == "must have at least 1 characters", r
    # … the header wins over the org
    r = api.patch(f"/orgs/{org}", w.partner_token, {"name": ""}, headers=DE)
    assert r.json["errors"][0] == {
        "field": "name",
        "code": "string_too_short",
        "message": "muss mindestens 1 Zeichen lang sein",
    }
    r = api.post(
        "/auth/login", json_body={"email": "partner@example.com", "password": "Falsch-123!"}, headers=EN
    )
    assert r.json["detail"] == "Incorrect e-mail address or password." and r.json["title"] == "Unauthorized"
    # outside an org route and without a header: German
    r = api.post("/auth/login", json_body={"email": "partner@example.com", "password": "Falsch-123!"})
    assert r.json["detail"] == "E-Mail-Adresse oder Passwort ist falsch."
