"""GET /orgs/{id}/audit: customers see what their partner did; partner entry per session."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.audit.models import AuditEntry, EntryMarker
from chalicelib.local.metering import count_calls
from tests.support.stored import audit_actions


def test_partner_writes_in_customer_org_are_visible_to_customer_admins(api, cast):
    w = cast
    org = w.customer_id
    assert api.get(f"/orgs/{org}", cast.partner_token).status == 200  # switching into the customer
    assert api.patch(f"/orgs/{org}", cast.partner_token, {"language": "en"}).status == 200
    guest_id = api.get("/me", cast.customer_guest).json["user"]["id"]
    r = api.patch(f"/orgs/{org}/members/{guest_id}", cast.partner_token, {"role": "admin"})
    assert r.status == 200, r
    log = api.get(f"/orgs/{org}/audit", cast.customer_admin)
    assert log.status == 200, log
    by_action = {e["action"]: e for e in log.json["items"]}
    for action in ("org.updated", "member.role_changed", "partner.entered", "org.created"):
        assert action in by_action, action
    for action in ("org.updated", "member.role_changed"):
        actor = by_action[action]["actor"]
        assert actor["role"] == "partner" and actor["org_id"] == w.partner_id
    assert by_action["member.role_changed"]["details"]["email"] == "gast@stein-mehr.example"


def test_guests_and_strangers_cannot_read_the_log(api, cast):
    org = cast.customer_id
    assert api.get(f"/orgs/{org}/audit", cast.customer_guest).status == 403
    assert api.get(f"/orgs/{org}/audit", cast.other_token).status == 404
    assert api.get(f"/orgs/{org}/audit", cast.independent_admin).status == 404
    assert api.get(f"/orgs/{org}/audit").status == 401
    assert api.get(f"/orgs/{org}/audit", cast.partner_token).status == 200


def test_partner_entered_once_per_session(api, cast):
    w = cast
    org = w.customer_id
    for _ in range(3):
        assert api.get(f"/orgs/{org}", cast.partner_token).status == 200
    assert audit_actions(org).count("partner.entered") == 1
    markers = list(EntryMarker.query(f"ENTERED#{org}"))
    assert len(markers) == 1
    # A new login is a new session (auth_time moves by at least a second).
    clock_before = markers[0].sk
    import time

    time.sleep(1.1)
    second = api.login("partner@example.com")
    assert api.get(f"/orgs/{org}", second).status == 200
    assert api.get(f"/orgs/{org}", second).status == 200
    assert audit_actions(org).count("partner.entered") == 2
    assert len(list(EntryMarker.query(f"ENTERED#{org}"))) == 2 and clock_before
    entry = next(
        e
        for e in api.get(f"/orgs/{org}/audit", cast.customer_admin).json["items"]
        if e["action"] == "partner.entered"
    )
    assert entry["actor"]["email"] == "partner@example.com"
    assert entry["actor"]["org_id"] == w.partner_id
    assert entry["details"]["session"].isdigit()


def test_members_opening_their_own_org_write_nothing(api, cast):
    org = cast.customer_id
    api.get(f"/orgs/{org}", cast.customer_admin)
    api.get(f"/orgs/{cast.partner_id}", cast.partner_token)
    assert "partner.entered" not in audit_actions(org)
    assert "partner.entered" not in audit_actions(cast.partner_id)


def test_get_org_as_partner_stays_within_four_dynamodb_calls(api, cast):
    org = cast.customer_id
    for _ in range(2):  # first entry (writes) and a repeat (condition fails)
        with count_calls() as calls:
            assert api.get(f"/orgs/{org}", cast.partner_token).status == 200
        assert calls["dynamodb"] <= 4, calls


def test_log_is_newest_first_paginated_and_skips_expired(api, cast):
    org = cast.independent_id
    clock.set_now(clock.now() - timedelta(days=400))
    api.patch(f"/orgs/{org}", cast.independent_admin, {"name": "Uralt GmbH"})
    clock.set_now(None)
    for i in range(5):
        clock.advance(timedelta(seconds=1))
        assert api.patch(f"/orgs/{org}", cast.independent_admin, {"name": f"Firma {i}"}).status == 200
    seen = []
    cursor = None
    while True:
        path = f"/orgs/{org}/audit?limit=2" + (f"&next={cursor}" if cursor else "")
        page = api.get(path, cast.independent_admin).json
        assert len(page["items"]) <= 2
        seen += page["items"]
        cursor = page["next"]
        if not cursor:
            break
    names = [e["details"]["after"]["name"] for e in seen if e["action"] == "org.updated"]
    assert names == [f"Firma {i}" for i in reversed(range(5))]  # the 400-day-old one is gone
    times = [e["at"] for e in seen]
    assert times == sorted(times, reverse=True)
    stored = [e for e in AuditEntry.query(f"AUDIT#{org}") if e.action == "org.updated"]
    assert len(stored) == 6  # still in the table until TTL removes it, but never shown
    assert api.get(f"/orgs/{org}/audit?limit=0", cast.independent_admin).status == 400
    assert api.get(f"/orgs/{org}/audit?next=%%%", cast.independent_admin).status == 400
