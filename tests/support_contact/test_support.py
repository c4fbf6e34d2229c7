"""Support data: a partner's contact, resolved for its customers by `support_by`."""

from __future__ import annotations

from chalicelib import settings
from chalicelib.orgs.models import Org
from tests.support.api import error_fields

CONTACT = {
    "name": "SteineundUnkraut Support",
    "email": "Hilfe@Steine.example",
    "phone": "+49 361 123456",
    "hours": "Mo–Fr 8–18 Uhr",
    "url": "https://steine.example/hilfe",
}


def test_customer_sees_partner_contact_with_support_by_partner(api, cast):
    w = cast
    r = api.put(f"/orgs/{w.partner_id}/support", cast.partner_token, CONTACT)
    assert r.status == 200, r
    assert r.json["own"]["email"] == "hilfe@steine.example"
    stored = Org.get(*Org.key(w.partner_id)).support
    assert stored.name == "SteineundUnkraut Support" and stored.phone == "+49 361 123456"
    for token in (cast.customer_guest, cast.customer_admin, cast.partner_token):
        r = api.get(f"/orgs/{w.customer_id}/support", token)
        assert r.status == 200, r
        assert r.json["source"] == "partner"
        assert r.json["org_id"] == w.partner_id
        assert r.json["support_by"] == "partner"
        assert (r.json["name"], r.json["email"], r.json["url"]) == (
            "SteineundUnkraut Support",
            "hilfe@steine.example",
            "https://steine.example/hilfe",
        )
        assert "own" not in r.json


def test_customer_sees_vendor_contact_with_support_by_vendor(api, cast):
    w = cast
    api.put(f"/orgs/{w.partner_id}/support", cast.partner_token, CONTACT)
    assert api.patch(f"/orgs/{w.customer_id}", cast.partner_token, {"support_by": "vendor"}).status == 200
    r = api.get(f"/orgs/{w.customer_id}/support", cast.customer_guest)
    vendor = settings.vendor_support()
    assert r.status == 200
    assert r.json["source"] == "vendor" and r.json["org_id"] is None
    assert (r.json["name"], r.json["email"], r.json["phone"]) == (vendor.name, vendor.email, vendor.phone)
    # and back: the partner's contact again
    api.patch(f"/orgs/{w.customer_id}", cast.partner_token, {"support_by": "partner"})
    assert api.get(f"/orgs/{w.customer_id}/support", cast.customer_guest).json["source"] == "partner"


def test_partner_without_contact_falls_back_to_vendor(api, cast):
    r = api.get(f"/orgs/{cast.customer_id}/support", cast.customer_admin)
    assert r.json["source"] == "vendor"
    assert r.json["email"] == settings.vendor_support().email
    own = api.get(f"/orgs/{cast.partner_id}/support", cast.partner_token).json
    assert own["own"] is None and own["source"] == "vendor"


def test_independent_org_sees_vendor(api, cast):
    r = api.get(f"/orgs/{cast.independent_id}/support", cast.independent_admin)
    assert r.status == 200 and r.json["source"] == "vendor" and r.json["support_by"] == "vendor"


def test_only_partner_admins_write_support_data(api, cast):
    w = cast
    for org, token, status in (
        (w.customer_id, cast.partner_token, 403),  # role partner: not its own
        (w.customer_id, cast.customer_admin, 403),
        (w.customer_id, cast.customer_guest, 403),
        (cast.independent_id, cast.independent_admin, 403),
        (w.partner_id, w.other_token, 404),
        (w.partner_id, None, 401),
    ):
        r = api.put(f"/orgs/{org}/support", token, CONTACT)
        assert r.status == status, (org, r)
    assert Org.get(*Org.key(w.customer_id)).support is None
    assert Org.get(*Org.key(w.partner_id)).support is None


def test_invalid_contact_names_the_field(api, cast):
    w = cast
    for body, field in (
        ({**CONTACT, "email": "nope"}, "email"),
        ({**CONTACT, "url": "javascript:alert(1)"}, "url"),
        ({**CONTACT, "phone": "call me"}, "phone"),
        ({k: v for k, v in CONTACT.items() if k != "name"}, "name"),
        ({**CONTACT, "fax": "123"}, "fax"),
    ):
        r = api.put(f"/orgs/{w.partner_id}/support", cast.partner_token, body)
        assert r.status == 400, (body, r)
        assert field in error_fields(r.json)
    assert Org.get(*Org.key(w.partner_id)).support is None


def test_support_change_is_audited(api, cast):
    w = cast
    api.put(f"/orgs/{w.partner_id}/support", cast.partner_token, CONTACT)
    entry = api.get(f"/orgs/{w.partner_id}/audit", cast.partner_token).json["items"][0]
    assert entry["action"] == "support.updated"
    assert entry["details"]["after"]["phone"] == "+49 361 123456"


def test_minimal_contact_and_replacement(api, cast):
    w = cast
    api.put(f"/orgs/{w.partner_id}/support", cast.partner_token, CONTACT)
    r = api.put(
        f"/orgs/{w.partner_id}/support",
        cast.partner_token,
        {"name": "Hotline", "email": "hotline@steine.example"},
    )
    assert r.status == 200, r
    assert r.json["own"] == {
        "name": "Hotline",
        "email": "hotline@steine.example",
        "phone": None,
        "hours": None,
        "url": None,
    }
    got = api.get(f"/orgs/{w.customer_id}/support", cast.customer_guest).json
    assert (got["name"], got["phone"]) == ("Hotline", None)
    entry = api.get(f"/orgs/{w.partner_id}/audit", cast.partner_token).json["items"][0]
    assert entry["details"]["before"]["phone"] == "+49 361 123456"
