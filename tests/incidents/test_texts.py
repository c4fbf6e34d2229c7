"""Incident texts (#16 §1): stored as code + parameters, rendered per reader in the reader's
language with local times; raw OS/library errors mapped to a short human cause; incidents
stored before codes existed still render."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import clock
from chalicelib.incidents import service as incidents
from chalicelib.incidents import texts
from tests.support import make_org
from tests.support.mail import mails

T0 = datetime(2026, 12, 2, 7, 53, tzinfo=UTC)  # 08:53 MEZ
ADMIN = "admin@kunde.example.com"

#: Every error text a check produces (chalicelib/monitoring/checks.py) → expected code.
CHECK_ERRORS = {
    "HTTP 503 (expected 200–399)": "check.http_error",
    "HTTP 404 (expected 200–399)": "check.http_status",
    "timeout after 10 s": "check.timeout",
    "refused by the SSRF guard: 10.0.0.1 is private": "check.blocked",
    "TLS handshake failed: [SSL: WRONG_VERSION_NUMBER] wrong version number": "check.tls",
    "invalid response: bad status line": "check.invalid_response",
    "connection failed: [Errno 111] Connect call failed ('127.0.0.1', 1)": "check.refused",
    "connection failed: [Errno -2] Name or service not known": "check.dns",
    "connection failed: [Errno 113] No route to host": "check.unreachable",
    "connection failed: [Errno 104] Connection reset by peer": "check.reset",
    "connection failed: [Errno 110] Connection timed out": "check.connect_timeout",
    "connection failed: something else": "check.connection",
    "keyword 'Willkommen' not found": "check.keyword_missing",
    "keyword 'Wartungsmodus' found": "check.keyword_found",
    "redirect loop at https://shop.example.com/a": "check.redirect_loop",
    "more than 10 redirects": "check.redirects",
    "certificate expired": "cert.expired",
    "certificate not yet valid": "cert.not_yet_valid",
    "self-signed certificate": "cert.self_signed",
    "self-signed certificate in chain": "cert.self_signed_chain",
    "unknown issuer (chain incomplete or untrusted)": "cert.unknown_issuer",
    "hostname mismatch": "cert.hostname",
    "unable to verify the first certificate": "cert.unverifiable",
    "certificate invalid: unable to get local issuer": "cert.invalid",
    "ServerDisconnected: Server disconnected": "check.failed",
}
PARAMS: dict[str, dict[str, Any]] = {
    "cert.expires": {"days": 4, "date": "2026-12-07T08:42:23Z"},
    "host.offline": {"last_seen_at": "2026-12-02T07:40:00Z", "interval": 60},
    "host.disk": {"mount": "/var", "used_percent": "93.0", "limit_percent": "90"},
    "host.memory": {"used_percent": "97.5", "limit_percent": "95"},
}


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_both_languages_have_the_same_keys_and_placeholders():
    de, en = texts.CATALOG["de"], texts.CATALOG["en"]
    assert de.keys() == en.keys()
    for key in de:
        assert _placeholders(de[key]) == _placeholders(en[key]), key


@pytest.mark.parametrize(("error", "code"), sorted(CHECK_ERRORS.items()))
def test_every_check_error_maps_to_a_code_rendered_without_english(error, code):
    found, params = texts.cause_of_error(error)
    assert found == code
    german = texts.render(found, params, "de")
    english_only = {v for k, v in texts.CATALOG["en"].items() if v != texts.CATALOG["de"][k]}
    assert german not in english_only
    assert "Errno" not in german and "expected" not in german and "failed" not in german


def test_the_issue_examples_in_german():
    assert texts.render(*texts.cause_of_error("HTTP 503 (expected 200–399)"), "de") == (
        "Endpunkt antwortet mit Fehler: HTTP 503 (erwartet 200–399)"
    )
    refused = "connection failed: [Errno 111] Connect call failed ('127.0.0.1', 1)"
    assert texts.render(*texts.cause_of_error(refused), "de") == "Nicht erreichbar: Verbindung abgelehnt"
    assert texts.render(*texts.cause_of_error("timeout after 10 s"), "de") == "Zeitüberschreitung nach 10 s"
    assert texts.render("cert.expires", PARAMS["cert.expires"], "de") == (
        "Zertifikat läuft in 4 Tagen ab (07.12.2026)"
    )
    assert texts.render("cert.expires", {**PARAMS["cert.expires"], "days": 1}, "de").startswith(
        "Zertifikat läuft in 1 Tag ab"
    )
    assert texts.render("host.offline", PARAMS["host.offline"], "de") == (
        "Kein Lebenszeichen des Agenten seit 02.12.2026 08:40 MEZ (Intervall 60 s)"
    )
    assert texts.render("host.disk", PARAMS["host.disk"], "de") == (
        "Einhängepunkt /var ist zu 93,0 % belegt (Grenze 90 %)"
    )
    assert texts.kind_label("endpoint_down", "check.http_error", "de") == "Endpunkt antwortet mit Fehler"
    assert texts.kind_label("endpoint_down", "check.refused", "de") == "Endpunkt nicht erreichbar"


def test_api_renders_per_request_language_and_old_incidents_still_render(api):
    clock.set_now(T0)
    org_id = make_org("Kunde GmbH", ADMIN)
    token = api.login(ADMIN)
    refused = "connection failed: [Errno 111] Connect call failed ('127.0.0.1', 1)"
    code, params = texts.cause_of_error(refused)
    incidents.open_incident(
        org_id,
        "endpoint_down",
        "endpoint",
        "e1",
        "Shop",
        f"http://127.0.0.1:1/: {refused}",
        {"error": refused},
        at=T0,
        code=code,
        params=params,
    )
    # stored before codes existed: derived from its details, rendered in the reader's language
    incidents.open_incident(
        org_id,
        "certificate",
        "endpoint",
        "e2",
        "Portal",
        "certificate expires in 4 days",
        {"days_left": 4, "threshold": 7, "not_after": "2026-12-07T08:42:23Z"},
        at=T0,
    )
    # nothing to derive from: the stored summary
    incidents.open_incident(org_id, "headers", "endpoint", "e3", "Blog", "grade C", at=T0)

    def listed(language: str | None) -> dict[str, dict]:
        headers = {"Accept-Language": language} if language else {}
        r = api.get(f"/orgs/{org_id}/incidents", token, headers=headers)
        assert r.status == 200, r
        return {i["subject"]["id"]: i for i in r.json["items"]}

    de, en, default = listed("de-DE,de;q=0.9"), listed("en-US,en;q=0.8"), listed(None)
    assert de["e1"]["summary"] == "Nicht erreichbar: Verbindung abgelehnt"
    assert en["e1"]["summary"] == "Unreachable: connection refused"
    assert de["e1"]["code"] == "check.refused" and de["e1"]["params"] == {}
    assert de["e2"]["summary"] == "Zertifikat läuft in 4 Tagen ab (07.12.2026)"
    assert de["e2"]["code"] == "cert.expires" and de["e2"]["params"]["days"] == 4
    assert en["e2"]["summary"] == "Certificate expires in 4 days (2026-12-07)"
    assert de["e3"]["summary"] == "grade C" and de["e3"]["code"] is None
    assert default["e1"]["summary"] == de["e1"]["summary"]  # the org's language (de)
    assert de["e1"]["opened_at"] == "2026-12-02T07:53:00Z"  # the API keeps UTC


def test_alert_mail_in_the_org_language_with_local_time(api):
    from chalicelib.incidents import alerts

    clock.set_now(T0)
    org_id = make_org("Kunde GmbH", ADMIN)
    code, params = texts.cause_of_error("HTTP 503 (expected 200–399)")
    inc = incidents.open_incident(
        org_id, "endpoint_down", "endpoint", "e1", "Shop", "x", {}, at=T0, code=code, params=params
    )
    assert inc is not None
    assert alerts.notify(inc, "opened", "Kunde GmbH", "de", admins=[ADMIN], time_zone="Europe/Berlin")
    [mail] = mails(ADMIN)
    assert mail.subject == "[NEU] Endpunkt antwortet mit Fehler: Shop"
    assert "Beschreibung: Endpunkt antwortet mit Fehler: HTTP 503 (erwartet 200–399)" in mail.text
    assert "Beginn: 02.12.2026 08:53 MEZ" in mail.text and "UTC" not in mail.text
    resolved = incidents.resolve_incident(org_id, "endpoint_down", "e1", at=T0 + timedelta(minutes=7))
    assert resolved is not None
    assert alerts.notify(resolved, "resolved", "Kunde GmbH", "en", admins=[ADMIN], time_zone="Europe/Berlin")
    english = mails(ADMIN)[-1]
    assert "Description: Endpoint answers with an error: HTTP 503 (expected 200–399)" in english.text
    assert "Resolved: 2026-12-02 09:00 CET" in english.text
