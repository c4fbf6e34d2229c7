"""Scheduler and worker: exact due selection, paused plans, incidents, alert mails, webhooks,
certificate thresholds, maintenance windows, results/status, purge."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from chalicelib import clock
from chalicelib.monitoring.models import Result
from tests.monitoring.conftest import NOW, run_minute, set_plan
from tests.monitoring.test_checks import _create, _results, _status
from tests.support import mails, make_org
from tests.support.mail import pre_confirm

ADMIN = "a@kunde.example.com"


def _result_counts(org_id, ep_ids):
    return {e: len(list(Result.query(f"RES#{org_id}#{e}"))) for e in ep_ids}


def test_due_selection_is_exact(api, customer, web, guard):
    clock.set_now(NOW + timedelta(seconds=7))
    org_id, token = customer
    set_plan(org_id)
    by_interval = {
        n: _create(api, org_id, token, f"every {n}", f"{web.base}/healthy", interval_minutes=n)
        for n in (1, 5, 15)
    }
    seen = []
    for minute in range(20):
        first = run_minute()
        again = run_minute()  # a second, overlapping run in the same minute finds nothing
        assert again["queued"] == 0, (minute, again)
        seen.append(first["queued"])
        clock.advance(timedelta(minutes=1))
    counts = _result_counts(org_id, by_interval.values())
    assert counts == {by_interval[1]: 20, by_interval[5]: 4, by_interval[15]: 2}
    assert sum(seen) == 26
    # a dispatcher outage of 3 minutes: the next run checks once, then the grid continues
    clock.advance(timedelta(minutes=3))
    assert run_minute()["queued"] == 2  # every-1 and every-5 (minute 23 is past slot 20 → now)
    r = api.get(f"/orgs/{org_id}/endpoints/{by_interval[5]}", token).json
    assert r["next_check_at"] == clock.iso(NOW + timedelta(minutes=25, seconds=7))  # its own grid


def test_expired_trial_is_skipped_and_shown_paused(api, web, guard):
    clock.set_now(NOW)
    active = make_org("Aktiv GmbH", "aktiv@kunde.example.com")
    expired = make_org("Abgelaufen GmbH", "weg@kunde.example.com")
    ta, te = api.login("aktiv@kunde.example.com"), api.login("weg@kunde.example.com")
    ea = _create(api, active, ta, "a", f"{web.base}/healthy", interval_minutes=5)
    ee = _create(api, expired, te, "e", f"{web.base}/healthy", interval_minutes=5)
    set_plan(expired, "trial", status="expired")
    tick = run_minute()
    assert tick["queued"] == 1 and tick["skipped"] == 1
    assert _result_counts(active, [ea])[ea] == 1 and _result_counts(expired, [ee])[ee] == 0
    assert _status(api, expired, te, ee)["state"] == "paused"
    assert _status(api, active, ta, ea)["state"] == "up"
    # nothing piles up: the skipped endpoint moved to its next slot
    assert api.get(f"/orgs/{expired}/endpoints/{ee}", te).json["next_check_at"] == clock.iso(
        NOW + timedelta(minutes=5)
    )
    set_plan(expired, "basic", status="active")  # a plan was ordered: checks resume
    clock.advance(timedelta(minutes=5))
    run_minute()
    assert _result_counts(expired, [ee])[ee] == 1


def _verify(secret, delivery):
    ts = delivery["headers"]["X-Vigil-Timestamp"]
    mac = hmac.new(secret.encode(), ts.encode() + b"." + delivery["raw"], hashlib.sha256).hexdigest()
    return delivery["headers"]["X-Vigil-Signature"] == f"sha256={mac}"


def test_incident_lifecycle_mails_webhook_and_no_storm_when_flapping(api, customer, web, guard, sink):
    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    pre_confirm("ops@kunde.example.com")  # an external recipient that confirmed once
    ep = api.post(
        f"/orgs/{org_id}/endpoints",
        token,
        {
            "name": "Shop",
            "url": f"{web.base}/state/shop",
            "interval_minutes": 1,
            "alert": {
                "consecutive_failures": 2,
                "recipients": ["ops@kunde.example.com"],
                "webhook_url": sink.url,
            },
        },
    ).json
    secret = ep["alert"]["webhook_secret"]

    def tick(code):
        web.states["shop"] = code
        run_minute()
        clock.advance(timedelta(minutes=1))

    tick(500)
    assert mails(ADMIN) == [] and sink.received == []
    tick(500)  # second failure in a row: incident + one mail to admin and recipient + webhook
    incidents = api.get(f"/orgs/{org_id}/incidents?state=open", token).json["items"]
    assert [(i["kind"], i["subject"]["id"]) for i in incidents] == [("endpoint_down", ep["id"])]
    assert len(mails(ADMIN)) == 1 and len(mails("ops@kunde.example.com")) == 1
    # HTTP 500: the endpoint answers with an error (not "unreachable", #16)
    assert mails(ADMIN)[0].subject.startswith("[NEU] Endpunkt antwortet mit Fehler: Shop")
    assert len(sink.received) == 1
    hook = sink.received[0]
    assert _verify(secret, hook) and hook["json"]["event"] == "incident.opened"
    assert "Shop" in hook["json"]["text"] and hook["json"]["incident"]["kind"] == "endpoint_down"
    assert _status(api, org_id, token, ep["id"])["state"] == "down"
    from chalicelib.orgs import counters

    assert counters.get(org_id)["endpoints_down"] == 1
    assert counters.get(org_id)["incidents_open"] == 1

    tick(200)  # recovery: resolved, one mail
    assert api.get(f"/orgs/{org_id}/incidents?state=open", token).json["items"] == []
    assert len(mails(ADMIN)) == 2 and mails(ADMIN)[1].subject.startswith("[BEHOBEN]")
    assert len(sink.received) == 2 and sink.received[1]["json"]["event"] == "incident.resolved"
    assert counters.get(org_id)["endpoints_down"] == 0

    for _ in range(5):  # flapping: down, down, up — five times within 15 minutes
        tick(500)
        tick(500)
        tick(200)
    all_incidents = api.get(f"/orgs/{org_id}/incidents", token).json["items"]
    assert len([i for i in all_incidents if i["kind"] == "endpoint_down"]) == 6  # recorded …
    assert len(mails(ADMIN)) == 2 and len(sink.received) == 2  # … but no mail storm
    assert counters.get(org_id)["incidents_open"] == 0

    clock.advance(timedelta(minutes=31))  # quiet long enough: the next outage is mailed again
    tick(500)
    tick(500)
    assert len(mails(ADMIN)) == 3


def test_maintenance_window_suppresses_alerts_and_uptime(api, customer, web, guard):
    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    ep_id = _create(
        api,
        org_id,
        token,
        "Wartung",
        f"{web.base}/state/maint",
        alert={"consecutive_failures": 1},
        maintenance_windows=[{"starts_at": clock.iso(NOW), "ends_at": clock.iso(NOW + timedelta(minutes=3))}],
    )
    web.states["maint"] = 503
    for _ in range(3):
        run_minute()
        clock.advance(timedelta(minutes=1))
    web.states["maint"] = 200
    run_minute()
    assert api.get(f"/orgs/{org_id}/incidents", token).json["items"] == []
    assert mails(ADMIN) == []
    results = _results(api, org_id, token, ep_id)
    assert [r["maintenance"] for r in results] == [False, True, True, True]
    assert _status(api, org_id, token, ep_id)["uptime"]["24h"] == "100.000"


def test_certificate_thresholds_alert_once_each(api, customer, tls, guard):
    base = datetime.now(UTC).replace(second=0, microsecond=0)
    clock.set_now(base)
    org_id, token = customer
    set_plan(org_id)
    ep_id = _create(api, org_id, token, "TLS", f"{tls['long'].base}/healthy")  # ~40 days left

    def cert_mails():
        return [m for m in mails(ADMIN) if "Zertifikat" in m.subject]

    def at(days):
        clock.set_now(base + timedelta(days=days))
        run_minute()
        clock.advance(timedelta(minutes=1))
        run_minute()  # the same threshold again: no second alert
        return _status(api, org_id, token, ep_id)["certificate"]["days_left"]

    assert at(0) >= 39 and cert_mails() == []
    assert at(11) <= 30 and len(cert_mails()) == 1
    assert at(27) <= 14 and len(cert_mails()) == 2
    assert at(34) <= 7 and len(cert_mails()) == 3
    assert at(40) <= 1 and len(cert_mails()) == 4
    # the org's language (de), from the incident's code + parameters (#16)
    assert re.search(
        r"Beschreibung: Zertifikat läuft (heute|in 1 Tag) ab \(\d\d\.\d\d\.\d{4}\)", cert_mails()[-1].text
    )
    open_certs = [
        i
        for i in api.get(f"/orgs/{org_id}/incidents?state=open", token).json["items"]
        if i["kind"] == "certificate"
    ]
    assert len(open_certs) == 1  # one incident, one alert per threshold


def test_results_pagination_status_and_rollups(api, customer, web, guard):
    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    ep_id = _create(api, org_id, token, "Shop", f"{web.base}/state/pag")
    codes = [200, 200, 500, 200, 200]
    for code in codes:
        web.states["pag"] = code
        run_minute()
        clock.advance(timedelta(minutes=1))
    r = api.get(f"/orgs/{org_id}/endpoints/{ep_id}/results?limit=2", token).json
    assert len(r["items"]) == 2 and r["next"]
    rest = api.get(f"/orgs/{org_id}/endpoints/{ep_id}/results?limit=2&next={r['next']}", token).json
    page3 = api.get(f"/orgs/{org_id}/endpoints/{ep_id}/results?limit=2&next={rest['next']}", token).json
    states = [i["state"] for i in r["items"] + rest["items"] + page3["items"]]
    assert states == ["up", "up", "down", "up", "up"]  # newest first
    window = api.get(
        f"/orgs/{org_id}/endpoints/{ep_id}/results?from={clock.iso(NOW + timedelta(minutes=2))}"
        f"&to={clock.iso(NOW + timedelta(minutes=2, seconds=59))}",
        token,
    ).json["items"]
    assert [i["state"] for i in window] == ["down"]
    assert api.get(f"/orgs/{org_id}/endpoints/{ep_id}/results?from=yesterday", token).status == 400
    st = _status(api, org_id, token, ep_id)
    assert st["uptime"] == {"24h": "80.000", "7d": "80.000", "30d": "80.000", "90d": "80.000"}
    from chalicelib.monitoring import rollups

    hour = rollups.summarize(rollups.query(org_id, ep_id, "H", NOW, NOW))
    assert hour["count"] == 5 and hour["up"] == 4 and hour["p95_ms"] is not None
    assert hour["min_ms"] <= hour["mean_ms"] <= hour["max_ms"]
    # results past their 90 days are not shown even though the emulator keeps them
    clock.advance(timedelta(days=91))
    assert (
        api.get(f"/orgs/{org_id}/endpoints/{ep_id}/results?from={clock.iso(NOW)}", token).json["items"] == []
    )


def test_purge_removes_everything_of_the_org(api, customer, web, guard):
    import time

    from chalicelib.monitoring.models import Endpoint, Rollup, Status
    from chalicelib.monitoring.purge import purge_org

    clock.set_now(NOW)
    org_id, token = customer
    set_plan(org_id)
    kept = _create(api, org_id, token, "kept", f"{web.base}/healthy")
    gone = _create(api, org_id, token, "gone", f"{web.base}/healthy")
    run_minute()
    assert api.delete(f"/orgs/{org_id}/endpoints/{gone}", token).status == 204
    assert purge_org(org_id, time.monotonic() - 1) is False  # deadline passed: resumable
    while not purge_org(org_id, time.monotonic() + 30):
        pass
    for ep in (kept, gone):
        assert list(Result.query(f"RES#{org_id}#{ep}")) == []
        assert list(Rollup.query(f"ROLL#{org_id}#{ep}")) == []
    assert list(Endpoint.query(f"ORG#{org_id}")) == []
    assert list(Status.query(f"ORG#{org_id}")) == []
    assert Counter(i.sk.split("#")[0] for i in Endpoint.query(f"ORG#{org_id}")) == Counter()


def test_local_scheduler_runs_the_same_path(api, customer, web, guard):
    """make run: the local scheduler finds the schedule and the SQS source of the app and
    drives dispatcher → queue → worker with Lambda-shaped events."""
    from app import app
    from chalicelib.local.scheduler import LocalScheduler, pump_sqs, queue_sources_of

    clock.set_now(NOW)
    org_id, token = customer
    ep_id = _create(api, org_id, token, "lokal", f"{web.base}/healthy", interval_minutes=5)
    scheduler = LocalScheduler(app)
    jobs = {j.name: j for j in scheduler.jobs}
    assert jobs["dispatch_checks"].every_s == 60
    assert [s.queue for s in queue_sources_of(app)] == ["vigil-test-check-batches"]
    scheduler._fire(jobs["dispatch_checks"])
    assert pump_sqs(app) == 1
    assert _status(api, org_id, token, ep_id)["state"] == "up"


def test_due_window_wraps_around_the_grid_and_a_run_claims_once(api):
    from chalicelib.monitoring import dispatcher

    # slots of a 5-minute grid (300 s) in (590, 610]: offsets 291…299 and 0…10
    assert dispatcher._window(590, 610, 300) == [(291, 299), (0, 10)]
    assert dispatcher._window(600, 660, 300) == [(1, 60)]
    assert dispatcher._window(None, 660, 300) == [(0, 299)]  # first run: every endpoint once
    assert dispatcher._window(0, 3600, 3600) == [(0, 3599)]  # an outage as long as the interval
    assert dispatcher.claim_run(1000) == (True, None)
    assert dispatcher.claim_run(1000) == (False, 1000)  # the same second again: nothing
    assert dispatcher.claim_run(1060) == (True, 1000)
