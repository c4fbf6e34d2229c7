"""Operator commands and deployment-time settings."""

from __future__ import annotations

import pytest

from chalicelib import admin, settings
from chalicelib.audit.models import AuditEntry
from chalicelib.orgs.models import Org
from tests.support import make_org, seed_world


def test_grant_partner_lets_the_admin_create_customers(api):
    org_id = make_org("Bald Partner GmbH", "bald@example.com")
    token = api.login("bald@example.com")
    assert api.post("/orgs", token, {"name": "Kunde"}).status == 403
    assert admin.main(["grant-partner", org_id]) == 0
    assert Org.get(*Org.key(org_id)).kind == "partner"
    assert api.post("/orgs", token, {"name": "Kunde"}).status == 201
    actions = [e.action for e in AuditEntry.query(f"AUDIT#{org_id}")]
    assert "org.partner_granted" in actions
    # with a customer, partner status cannot be revoked
    assert admin.main(["revoke-partner", org_id]) == 1


def test_linked_customer_cannot_become_partner(api, capsys):
    w = seed_world(api)
    assert admin.main(["grant-partner", w.customer_id]) == 1
    assert "linked customer" in capsys.readouterr().err
    assert admin.main(["grant-partner", "does-not-exist"]) == 1


def test_create_org_command_prints_a_temporary_password(api, capsys):
    assert (
        admin.main(["create-org", "--name", "Neu AG", "--admin-email", "neu@example.com", "--partner"]) == 0
    )
    out = capsys.readouterr().out
    temp = out.rsplit(": ", 1)[1].strip()
    r = api.post("/auth/login", json_body={"email": "neu@example.com", "password": temp})
    assert r.status == 200 and r.json["challenge"] == "NEW_PASSWORD_REQUIRED"


@pytest.mark.unit
def test_wildcard_cors_is_refused_in_prod(monkeypatch):
    monkeypatch.setenv("VIGIL_STAGE", "prod")
    monkeypatch.setenv("VIGIL_CORS_ORIGINS", "*")
    with pytest.raises(RuntimeError):
        settings.cors_primary_origin()
    monkeypatch.setenv("VIGIL_CORS_ORIGINS", "https://console.vigil.example")
    assert settings.cors_primary_origin() == "https://console.vigil.example"
