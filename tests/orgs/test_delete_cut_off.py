"""DELETE /orgs/{id} cuts off at once what works without a session (issue 14 §5, last bullet)."""

from __future__ import annotations

from chalicelib.hosts.models import AgentToken, Host
from tests.hosts.conftest import heartbeat_body
from tests.reports import samples
from tests.reports.conftest import PERIOD_FROM, PERIOD_TO
from tests.support.lambdas import invoke
from tests.support.stored import object_behind, objects_of
from tests.support.world import access_of


def _report(api, token: str, org_id: str) -> dict:
    from chalicelib.reports import service

    access = access_of(api, token, org_id)
    data = samples.endpoint_data(PERIOD_FROM, PERIOD_TO, "de", **vars(service.load_branding(access)))
    return service.create_report(
        access, {"type": "endpoint", "id": "ep1", "name": "Shop"}, (PERIOD_FROM, PERIOD_TO), "de", data
    )


def _token_item(token: str) -> bool:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.hosts import tokens

    try:
        AgentToken.get(*AgentToken.key(tokens.hash_token(token)))
    except DoesNotExist:
        return False
    return True


def _heartbeat(api, token: str):
    return api.post("/agent/heartbeat", None, heartbeat_body(), headers={"Authorization": f"Bearer {token}"})


def test_agent_tokens_and_report_links_stop_with_the_delete_not_the_purge(api, world) -> None:
    # GIVEN a customer with two hosts sending heartbeats and a report whose link was handed out
    hosts = [
        api.post(f"/orgs/{world.customer_id}/hosts", world.partner_token, {"name": f"web-0{i}"}).json
        for i in range(2)
    ]
    assert all(_heartbeat(api, h["agent_token"]).status == 200 for h in hosts)
    report = _report(api, world.partner_token, world.customer_id)
    assert object_behind(report["download_url"]).startswith(b"%PDF")
    # and another org's host, which must keep working
    other_org = api.post("/orgs", world.other_token, {"name": "Fremdkunde"}).json["id"]
    other_host = api.post(f"/orgs/{other_org}/hosts", world.other_token, {"name": "db-01"}).json

    # WHEN the customer is deleted (the purge has not run)
    r = api.delete(f"/orgs/{world.customer_id}", world.partner_token)
    assert r.status == 202, r

    # THEN its agents are refused at once and the PDF behind the link is gone
    for h in hosts:
        refused = _heartbeat(api, h["agent_token"])
        assert refused.status == 401, refused
    assert [k for k in objects_of(world.customer_id) if "/reports/" in k] == []
    assert not any(_token_item(h["agent_token"]) for h in hosts)  # deleted, not just refused
    assert _token_item(other_host["agent_token"])
    # the hosts themselves wait for the purge; the other org's agent is untouched
    assert Host.count(f"ORG#{world.customer_id}") == 2
    assert _heartbeat(api, other_host["agent_token"]).status == 200
    invoke("org_purge")
    assert Host.count(f"ORG#{world.customer_id}") == 0


def test_a_failing_cut_off_leaves_the_delete_done_and_the_rest_to_the_purge(api, world) -> None:
    from tests.faults import inject

    host = api.post(f"/orgs/{world.customer_id}/hosts", world.partner_token, {"name": "web-01"}).json
    _report(api, world.partner_token, world.customer_id)
    with inject("s3", "ListObjectsV2", code="ServiceUnavailable") as fault:
        r = api.delete(f"/orgs/{world.customer_id}", world.partner_token)
    assert r.status == 202 and fault.calls, r
    assert _heartbeat(api, host["agent_token"]).status == 401  # the step before still ran
    assert [k for k in objects_of(world.customer_id) if "/reports/" in k]  # left for the purge
    invoke("org_purge")
    assert objects_of(world.customer_id) == []
