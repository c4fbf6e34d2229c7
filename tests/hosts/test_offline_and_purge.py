"""Offline detection by the scheduled job (Query on the deadline index) and the org purge."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.support import mails
from tests.support.lambdas import invoke


@pytest.fixture(autouse=True)
def fixed_time():
    from chalicelib import clock

    clock.set_now(datetime(2026, 11, 27, 9, 30, tzinfo=UTC))


def _status(api, world, org_id, host_id):
    return api.get(f"/orgs/{org_id}/hosts/{host_id}", world.partner_token).json["status"]


def test_job_marks_only_silent_hosts_offline_once(api, world, make_host, send):
    from chalicelib import clock
    from chalicelib.incidents import service as incidents

    quiet, chatty, never = (
        make_host("quiet"),
        make_host("chatty"),
        make_host("never", org_id=world.partner_id),
    )
    for h in (quiet, chatty):
        assert send(h["agent_token"]).status == 200
    for _ in range(4):  # chatty keeps reporting every minute, quiet stays silent
        clock.advance(timedelta(minutes=1))
        assert send(chatty["agent_token"]).status == 200
    # the schedule as Lambda would invoke it
    result = invoke("hosts_offline", timeout_s=60)
    assert result == {"candidates": 1, "offline": 1, "alerted": 1}
    org = world.customer_id
    assert _status(api, world, org, quiet["id"]) == "offline"
    assert _status(api, world, org, chatty["id"]) == "online"
    assert _status(api, world, world.partner_id, never["id"]) == "pending"
    assert incidents.is_open(org, "host_offline", quiet["id"])
    assert not incidents.is_open(org, "host_offline", chatty["id"])
    overview = {
        c["id"]: c for c in api.get(f"/orgs/{world.partner_id}/customers", world.partner_token).json["items"]
    }
    assert (overview[org]["hosts"], overview[org]["hosts_down"]) == (2, 1)
    # the index no longer lists the offline host: the next run finds nothing
    from chalicelib.hosts.offline import mark_offline

    assert mark_offline() == {"candidates": 0, "offline": 0, "alerted": 0}
    # back online: the down counter of the overview follows
    assert send(quiet["agent_token"]).status == 200
    overview = {
        c["id"]: c for c in api.get(f"/orgs/{world.partner_id}/customers", world.partner_token).json["items"]
    }
    assert overview[org]["hosts_down"] == 0


def test_offline_alert_goes_to_the_org_admins_in_their_language(api, world, send):
    from chalicelib import clock
    from chalicelib.hosts.offline import mark_offline
    from tests.support import make_org

    org_id = make_org("English Ltd", "admin@english.example", language="en")
    token = api.login("admin@english.example")
    host = api.post(f"/orgs/{org_id}/hosts", token, {"name": "mail-01"}).json
    assert send(host["agent_token"]).status == 200
    clock.advance(timedelta(minutes=4))
    assert mark_offline()["alerted"] == 1
    alert = [m for m in mails("admin@english.example") if "mail-01" in m.subject]
    assert [m.subject for m in alert] == ["[OPEN] Host offline: mail-01"]
    # the org's language and time zone (default Europe/Berlin), from code + parameters (#16)
    assert "No heartbeat from the agent since 2026-11-27 10:30 CET (interval 60 s)" in alert[0].text


def test_no_alert_while_monitoring_is_paused(api, world, make_host, send):
    from chalicelib import clock
    from chalicelib.billing.models import Subscription
    from chalicelib.hosts.offline import mark_offline
    from chalicelib.incidents import service as incidents

    host = make_host()
    assert send(host["agent_token"]).status == 200
    sub = Subscription.get(*Subscription.key(world.customer_id))
    sub.update(actions=[Subscription.status.set("expired")])  # the trial ran out
    clock.advance(timedelta(minutes=4))
    assert mark_offline() == {"candidates": 1, "offline": 1, "alerted": 0}
    assert _status(api, world, world.customer_id, host["id"]) == "offline"
    assert not incidents.is_open(world.customer_id, "host_offline", host["id"])


def test_deleting_a_host_closes_its_open_incidents(api, world, make_host, send):
    from chalicelib import clock
    from chalicelib.hosts.offline import mark_offline
    from chalicelib.incidents import service as incidents

    host = make_host()
    assert send(host["agent_token"]).status == 200
    clock.advance(timedelta(minutes=4))
    mark_offline()
    assert incidents.is_open(world.customer_id, "host_offline", host["id"])
    assert api.delete(f"/orgs/{world.customer_id}/hosts/{host['id']}", world.partner_token).status == 204
    assert not incidents.is_open(world.customer_id, "host_offline", host["id"])


def _org_items(org_id: str, host_ids: list[str], token_hashes: list[str]) -> list[str]:
    from chalicelib.hosts.models import AgentToken, HostRollup, HostsTable

    found = [i.sk for i in HostsTable.query(f"ORG#{org_id}")]
    for host_id in host_ids:
        found += [r.sk for r in HostRollup.query(f"RU#{host_id}")]
    for token_hash in token_hashes:
        found += [t.pk for t in AgentToken.query(f"TOKEN#{token_hash}")]
    return found


def test_purge_removes_hosts_rollups_tokens_and_is_resumable(api, world, make_host, send):
    from chalicelib import clock
    from chalicelib.hosts.models import Host
    from chalicelib.hosts.service import purge_org

    kept = make_host("kept")
    removed = make_host("removed")
    for _hour in range(3):
        for h in (kept, removed):
            assert send(h["agent_token"]).status == 200
        clock.advance(timedelta(hours=1))
    hashes = [Host.get(*Host.key(world.customer_id, h["id"])).token_hash for h in (kept, removed)]
    # a deleted host leaves rollups behind until TTL; the purge must find those too
    assert api.delete(f"/orgs/{world.customer_id}/hosts/{removed['id']}", world.partner_token).status == 204
    other = make_host("other", org_id=world.other_partner_id, token=world.other_token)
    assert send(other["agent_token"]).status == 200
    ids = [kept["id"], removed["id"]]
    assert len(_org_items(world.customer_id, ids, hashes)) > 6
    # a deadline already passed: one batch per call, and calling again goes on
    calls = 0
    while not purge_org(world.customer_id, deadline=time.monotonic() - 1):
        calls += 1
        assert calls < 20
    assert calls >= 1
    assert _org_items(world.customer_id, ids, hashes) == []
    # other orgs are untouched
    assert (
        api.get(f"/orgs/{world.other_partner_id}/hosts/{other['id']}", world.other_token).json["status"]
        == "online"
    )
    assert purge_org(world.customer_id, deadline=time.monotonic() + 60) is True


def test_purge_is_registered():
    from chalicelib.purge import PURGERS

    assert "chalicelib.hosts.service.purge_org" in PURGERS
