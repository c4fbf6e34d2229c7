"""AWS failures while the check worker writes results: the worker fails (the queue redelivers the
message), nothing claims a state that was not stored, and the redelivered message stores it."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from pynamodb.exceptions import PynamoDBException

from chalicelib import clock
from chalicelib.monitoring import worker
from chalicelib.monitoring.checks import Outcome
from tests.faults import inject
from tests.support import seed_world


def _outcome(endpoint_id: str, state: str = "down") -> Outcome:
    return Outcome(
        key=endpoint_id,
        state=state,
        checked_at=clock.now(),
        status_code=503 if state == "down" else 200,
        response_ms=180,
        error="HTTP 503" if state == "down" else None,
    )


def _store(org_id: str, endpoint_id: str, state: str) -> dict:
    endpoints, statuses = worker.load([(org_id, endpoint_id)])
    return worker.store(endpoints, statuses, [_outcome(endpoint_id, state)])


@pytest.mark.parametrize(
    "operation,code,skip",
    [
        ("BatchWriteItem", "ProvisionedThroughputExceededException", 0),  # the results
        ("BatchWriteItem", "InternalServerError", 1),  # the status, after results
        ("BatchWriteItem", "ThrottlingException", 2),  # the rollups
    ],
)
def test_check_write_fault_fails_the_message_and_the_redelivery_stores_it(api, operation, code, skip):
    clock.set_now(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    w = seed_world(api)
    org = w.customer_id
    ep = api.post(
        f"/orgs/{org}/endpoints", w.partner_token, {"name": "Shop", "url": "https://shop.example.com/"}
    ).json["id"]
    with (
        inject("dynamodb", operation, code=code, skip=skip, times=1) as fault,
        pytest.raises((ClientError, PynamoDBException)),
    ):
        _store(org, ep, "down")
    assert fault.failed == 1
    status = api.get(f"/orgs/{org}/endpoints/{ep}/status", w.partner_token).json
    if skip <= 1:  # the status write never happened: the endpoint does not claim "down"
        assert status["state"] == "pending", status
    # the queue redelivers the message: the worker checks again and stores everything
    clock.advance(timedelta(seconds=30))
    assert _store(org, ep, "down")["checked"] == 1
    status = api.get(f"/orgs/{org}/endpoints/{ep}/status", w.partner_token).json
    assert status["state"] == "down", status
    results = api.get(f"/orgs/{org}/endpoints/{ep}/results", w.partner_token).json["items"]
    assert 1 <= len(results) <= 2 and results[0]["state"] == "down"
    # and the endpoint keeps being checked: the next run stores the recovery
    clock.advance(timedelta(minutes=5))
    _store(org, ep, "up")
    assert api.get(f"/orgs/{org}/endpoints/{ep}/status", w.partner_token).json["state"] == "up"


def test_incident_opened_in_a_run_whose_last_write_fails_is_not_lost(api):
    """The down that confirms an incident, with the rollup write (after the status) failing."""
    clock.set_now(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    w = seed_world(api)
    org = w.customer_id
    ep = api.post(
        f"/orgs/{org}/endpoints", w.partner_token, {"name": "Shop", "url": "https://shop.example.com/"}
    ).json["id"]
    for _attempt in range(4):
        clock.advance(timedelta(minutes=1))
        with (
            inject("dynamodb", "BatchWriteItem", code="ThrottlingException", skip=2, times=1),
            contextlib.suppress(ClientError, PynamoDBException),
        ):
            _store(org, ep, "down")
    clock.advance(timedelta(minutes=1))
    _store(org, ep, "down")
    incidents = api.get(f"/orgs/{org}/incidents", w.partner_token).json["items"]
    assert len(incidents) == 1, incidents
