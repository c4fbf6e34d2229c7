"""The login throttle holds under parallel guesses: slots are taken before Cognito evaluates."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support import PASSWORD, make_org

EMAIL = "ziel@example.com"


def _count_password_checks() -> tuple[Counter[str], Any]:
    """Counts AdminInitiateAuth calls (one evaluated password each) on the shared client."""
    from chalicelib import aws

    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def handler(**_: Any) -> None:
        with lock:
            seen["AdminInitiateAuth"] += 1

    events = aws.client("cognito-idp").meta.events
    events.register("before-call.cognito-idp.AdminInitiateAuth", handler, unique_id="throttle-test")
    return seen, lambda: events.unregister(
        "before-call.cognito-idp.AdminInitiateAuth", unique_id="throttle-test"
    )


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def test_thirty_parallel_wrong_logins_evaluate_at_most_five(live_api):
    from tests.support.emulator import atomic_dynamodb

    make_org("Ziel GmbH", EMAIL)
    seen, stop = _count_password_checks()
    start = threading.Barrier(30)

    def guess(i: int) -> tuple[int, dict[str, str]]:
        start.wait(timeout=30)
        return _post(f"{live_api}/auth/login", {"email": EMAIL, "password": f"Falsch-{i:02d}-Passwort!"})

    try:
        with atomic_dynamodb(), ThreadPoolExecutor(max_workers=30) as pool:
            answers = list(pool.map(guess, range(30)))
    finally:
        stop()
    statuses = Counter(status for status, _ in answers)
    # The number quoted for issue #14: evaluated guesses under 30 parallel logins.
    print(f"evaluated guesses under 30 parallel wrong logins: {seen['AdminInitiateAuth']}")
    assert seen["AdminInitiateAuth"] <= 5, (seen, statuses)
    assert statuses[401] == seen["AdminInitiateAuth"], statuses
    assert statuses[401] + statuses[429] == 30, statuses
    assert all(int(h.get("Retry-After", "0")) > 0 for s, h in answers if s == 429)
    # the right password is refused too now: the limit is per address, not per guess
    assert _post(f"{live_api}/auth/login", {"email": EMAIL, "password": PASSWORD})[0] == 429


def test_successful_logins_give_their_slot_back(api):
    make_org("Oft GmbH", "oft@example.com")
    for _ in range(8):  # more than the limit of 5: successes do not count
        assert (
            api.post("/auth/login", json_body={"email": "oft@example.com", "password": PASSWORD}).status
            == 200
        )
    for _ in range(5):
        r = api.post("/auth/login", json_body={"email": "oft@example.com", "password": "Falsch-Passwort-1!"})
        assert r.status == 401, r
    r = api.post("/auth/login", json_body={"email": "oft@example.com", "password": PASSWORD})
    assert r.status == 429 and int(r.headers["Retry-After"]) > 0, r


def test_unknown_addresses_are_throttled_alike(api):
    answers = [
        api.post(
            "/auth/login", json_body={"email": "niemand@example.com", "password": "Falsch-Passwort-1!"}
        ).status
        for _ in range(6)
    ]
    assert answers == [401] * 5 + [429]
