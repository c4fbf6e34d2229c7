"""`GET /orgs/{id}/incidents?state=…` pages by key: a filtered page is never short or empty while
matching incidents remain (the open ones come from their `INCOPEN#` pointers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib import clock
from chalicelib.incidents import service as incidents
from tests.support import make_org
from tests.support.api import error_map

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _walk(api, org_id: str, token: str, query: str) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        path = f"/orgs/{org_id}/incidents?{query}" + (f"&next={cursor}" if cursor else "")
        r = api.get(path, token)
        assert r.status == 200, r
        pages.append(r.json["items"])
        cursor = r.json["next"]
        if not cursor:
            return pages
        assert len(pages) < 50, "the cursor does not advance"


def _history(org_id: str) -> tuple[set[str], set[str]]:
    """Open incidents (older) behind more than two pages of resolved ones (newer)."""
    opened = set()
    for minute, (kind, subject) in enumerate(
        [("endpoint_down", "e-old"), ("host_offline", "h-old"), ("certificate", "e-cert")]
    ):
        inc = incidents.open_incident(
            org_id, kind, "endpoint", subject, subject, "down", at=T0 + timedelta(minutes=minute)
        )
        assert inc is not None
        opened.add(inc.incident_id)
    resolved = set()
    for n in range(7):
        at = T0 + timedelta(hours=1, minutes=n)
        inc = incidents.open_incident(org_id, "endpoint_down", "endpoint", f"e{n}", f"e{n}", "down", at=at)
        assert inc is not None
        assert incidents.resolve_incident(org_id, "endpoint_down", f"e{n}", at=at + timedelta(seconds=30))
        resolved.add(inc.incident_id)
    return opened, resolved


def test_open_incidents_behind_pages_of_resolved_ones_come_first(api):
    clock.set_now(T0 + timedelta(hours=2))
    org_id = make_org("Kunde GmbH", "a@kunde.example.com")
    token = api.login("a@kunde.example.com")
    opened, resolved = _history(org_id)

    r = api.get(f"/orgs/{org_id}/incidents?state=open&limit=2", token)
    assert r.status == 200, r
    assert len(r.json["items"]) == 2 and r.json["next"]
    assert all(i["state"] == "open" for i in r.json["items"])

    pages = _walk(api, org_id, token, "state=open&limit=2")
    ids = [i["id"] for page in pages for i in page]
    assert sorted(ids) == sorted(opened)  # every open one, exactly once
    assert all(i["state"] == "open" and i["resolved_at"] is None for page in pages for i in page)
    assert all(len(page) == 2 for page in pages[:-1])  # no short page before the last

    pages = _walk(api, org_id, token, "state=resolved&limit=3")
    ids = [i["id"] for page in pages for i in page]
    assert sorted(ids) == sorted(resolved)
    assert all(len(page) == 3 for page in pages[:-1])
    assert [i["opened_at"] for page in pages for i in page] == sorted(
        (i["opened_at"] for page in pages for i in page), reverse=True
    )  # newest first across pages

    everything = [i["id"] for page in _walk(api, org_id, token, "limit=4") for i in page]
    assert sorted(everything) == sorted(opened | resolved)


def test_a_cursor_of_another_list_is_refused(api):
    clock.set_now(T0 + timedelta(hours=2))
    org_id = make_org("Kunde GmbH", "a@kunde.example.com")
    token = api.login("a@kunde.example.com")
    _history(org_id)
    all_cursor = api.get(f"/orgs/{org_id}/incidents?limit=1", token).json["next"]
    r = api.get(f"/orgs/{org_id}/incidents?state=open&limit=1&next={all_cursor}", token)
    assert r.status == 400, r
    assert error_map(r.json) == {"next": "cursor_invalid"}
