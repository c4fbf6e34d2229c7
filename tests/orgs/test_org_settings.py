"""PATCH /orgs/{id}: company name, address, Rechnungsmail, VAT ID, language."""

from __future__ import annotations

from chalicelib.orgs.models import Org
from tests.support.api import error_fields
from tests.support.stored import audit_actions


def _stored(org_id: str) -> Org:
    return Org.get(*Org.key(org_id))


def test_admin_sets_every_field_and_the_change_is_stored_and_audited(api, cast):
    org = cast.independent_id
    r = api.patch(
        f"/orgs/{org}",
        cast.independent_admin,
        {
            "name": "Unabhängig & Söhne GmbH",
            "address": {"street": "Hauptstr. 1", "postal_code": "99084", "city": "Erfurt", "country": "de"},
            "billing_email": "Rechnung@Example.COM",
            "vat_id": "DE 136 695 976",
            "language": "en",
        },
    )
    assert r.status == 200, r
    body = r.json
    assert body["name"] == "Unabhängig & Söhne GmbH"
    assert body["address"] == {
        "street": "Hauptstr. 1",
        "postal_code": "99084",
        "city": "Erfurt",
        "country": "DE",
    }
    assert body["billing_email"] == "rechnung@example.com"
    assert body["vat_id"] == "DE136695976"
    assert body["language"] == "en"
    stored = _stored(org)
    assert (stored.name, stored.address.city, stored.vat_id, stored.language) == (
        "Unabhängig & Söhne GmbH",
        "Erfurt",
        "DE136695976",
        "en",
    )
    assert audit_actions(org)[0] == "org.updated"
    log = api.get(f"/orgs/{org}/audit", cast.independent_admin).json["items"]
    assert log[0]["action"] == "org.updated"
    assert log[0]["actor"]["role"] == "admin"
    assert log[0]["details"]["after"]["vat_id"] == "DE136695976"
    assert "vat_id" in log[0]["details"]["changed"]


def test_null_clears_optional_fields_and_address_merges_per_field(api, cast):
    org = cast.independent_id
    api.patch(
        f"/orgs/{org}",
        cast.independent_admin,
        {"address": {"street": "Hauptstr. 1", "city": "Erfurt", "country": "DE"}, "vat_id": "ATU13585627"},
    )
    r = api.patch(
        f"/orgs/{org}",
        cast.independent_admin,
        {"address": {"city": "Jena"}, "vat_id": None, "billing_email": None},
    )
    assert r.status == 200, r
    assert r.json["address"] == {
        "street": "Hauptstr. 1",
        "postal_code": None,
        "city": "Jena",
        "country": "DE",
    }
    assert r.json["vat_id"] is None and r.json["billing_email"] is None
    stored = _stored(org)
    assert stored.vat_id is None and stored.billing_email is None
    r = api.patch(f"/orgs/{org}", cast.independent_admin, {"address": {"street": None}})
    assert r.json["address"]["street"] is None and r.json["address"]["city"] == "Jena"
    r = api.patch(f"/orgs/{org}", cast.independent_admin, {"address": None})
    assert r.status == 200
    assert r.json["address"] == {"street": None, "postal_code": None, "city": None, "country": None}
    assert _stored(org).address is None


def test_fields_that_cannot_be_cleared_name_the_field(api, cast):
    org = cast.independent_id
    for field in ("name", "language"):
        r = api.patch(f"/orgs/{org}", cast.independent_admin, {field: None})
        assert r.status == 400, r
        assert r.headers["Content-Type"] == "application/problem+json"
        assert field in error_fields(r.json)
    assert _stored(org).name == "Unabhängig GmbH"


def test_invalid_input_is_a_400_naming_the_field_and_nothing_changes(api, cast):
    org = cast.independent_id
    before = _stored(org)
    cases = [
        ({"vat_id": "DE123456789"}, "vat_id"),  # checksum wrong
        ({"vat_id": "US123456789"}, "vat_id"),  # not an EU prefix
        ({"vat_id": "CHE-123.456.788"}, "vat_id"),
        ({"address": {"country": "XX"}}, "address.country"),
        ({"address": {"country": "Deutschland"}}, "address.country"),
        ({"billing_email": "keine-mail"}, "billing_email"),
        ({"language": "fr"}, "language"),
        ({"name": ""}, "name"),
        ({"nmae": "Tippfehler"}, "nmae"),
        ({"address": {"street": "x", "planet": "Erde"}}, "address.planet"),
        ({"kind": "partner"}, "kind"),
    ]
    for body, field in cases:
        r = api.patch(f"/orgs/{org}", cast.independent_admin, body)
        assert r.status == 400, (body, r)
        assert field in error_fields(r.json), (body, r.json)
    r = api.patch(f"/orgs/{org}", cast.independent_admin, {})
    assert r.status == 400 and "body" in error_fields(r.json)
    after = _stored(org)
    assert after.version == before.version and after.vat_id is None
    assert audit_actions(org) == ["org.created"]


def test_vat_ids_of_other_member_states_are_accepted(api, cast):
    org = cast.independent_id
    for raw, stored in (
        ("ATU13585627", "ATU13585627"),
        ("EL094259216", "EL094259216"),
        ("fr 40 303 265 045", "FR40303265045"),
    ):
        r = api.patch(f"/orgs/{org}", cast.independent_admin, {"vat_id": raw})
        assert r.status == 200, (raw, r)
        assert r.json["vat_id"] == stored


def test_guest_gets_403_and_stranger_404(api, cast):
    org = cast.customer_id
    r = api.patch(f"/orgs/{org}", cast.customer_guest, {"name": "Gast war hier"})
    assert r.status == 403, r
    r = api.patch(f"/orgs/{org}", cast.customer_guest, {"bogus": 1})
    assert r.status == 403, r  # the role is checked before the body
    r = api.patch(f"/orgs/{org}", cast.other_token, {"name": "Fremd"})
    assert r.status == 404, r
    r = api.patch(f"/orgs/{org}", cast.independent_admin, {"name": "Fremd"})
    assert r.status == 404, r
    r = api.patch(f"/orgs/{org}", None, {"name": "anonym"})
    assert r.status == 401
    assert _stored(org).name == "Innendekoration Stein & Mehr"


def test_partner_changes_customer_profile_and_the_customer_admin_sees_it(api, cast):
    org = cast.customer_id
    r = api.patch(f"/orgs/{org}", cast.partner_token, {"billing_email": "buchhaltung@stein.example"})
    assert r.status == 200, r
    log = api.get(f"/orgs/{org}/audit", cast.customer_admin)
    assert log.status == 200, log
    entry = next(e for e in log.json["items"] if e["action"] == "org.updated")
    assert entry["actor"]["role"] == "partner"
    assert entry["actor"]["email"] == "partner@example.com"
    assert entry["actor"]["org_id"] == cast.partner_id


def test_unchanged_values_write_nothing(api, cast):
    org = cast.independent_id
    version = _stored(org).version
    r = api.patch(f"/orgs/{org}", cast.independent_admin, {"name": "Unabhängig GmbH"})
    assert r.status == 200
    assert _stored(org).version == version
    assert audit_actions(org) == ["org.created"]


def test_renaming_a_customer_renames_it_in_the_partner_list(api, cast):
    org = cast.customer_id
    api.patch(f"/orgs/{org}", cast.customer_admin, {"name": "Stein & Mehr KG"})
    names = [
        c["name"] for c in api.get(f"/orgs/{cast.partner_id}/customers", cast.partner_token).json["items"]
    ]
    assert names == ["Stein & Mehr KG"]


def test_support_by_is_the_partners_choice(api, cast):
    org = cast.customer_id
    r = api.patch(f"/orgs/{org}", cast.customer_admin, {"support_by": "vendor"})
    assert r.status == 403, r
    r = api.patch(f"/orgs/{cast.independent_id}", cast.independent_admin, {"support_by": "partner"})
    assert r.status == 422, r
    r = api.patch(f"/orgs/{org}", cast.partner_token, {"support_by": "vendor"})
    assert r.status == 200 and r.json["support_by"] == "vendor"
    entry = api.get(f"/orgs/{org}/audit", cast.customer_admin).json["items"][0]
    assert entry["action"] == "org.support_by_changed"
    assert entry["details"]["before"] == {"support_by": "partner"}
    assert entry["details"]["after"] == {"support_by": "vendor"}
    assert entry["actor"]["role"] == "partner"
