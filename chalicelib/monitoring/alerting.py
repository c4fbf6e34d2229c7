"""From a check outcome to incidents and alerts (mail in the org's language, optional webhook).

Rules:
- ``endpoint_down`` opens after ``alert.consecutive_failures`` failed checks in a row and
  resolves on the first successful check. ``incidents.service`` makes "one open incident per
  kind and subject" atomic, so each transition alerts once.
- Flapping: a new opening is mailed only if the last opening mail for the endpoint is at least
  ``FLAP_QUIET`` old; otherwise the incident is recorded but the mail (and the webhook) are
  suppressed, and its resolution is not mailed either. A flapping endpoint therefore sends at
  most one pair of mails per ``FLAP_QUIET``, never a mail per check.
- ``certificate``: one alert per configured threshold (30/14/7/1 days by default) that the days
  left fall to, plus an invalid chain/hostname/expiry; resolved when a fresh certificate is seen.
- Inside a maintenance window nothing opens, resolves or alerts, and failures are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.incidents import service as incidents
from chalicelib.incidents import texts
from chalicelib.incidents.models import Incident
from chalicelib.incidents.webhooks import Delivery
from chalicelib.monitoring.checks import Outcome
from chalicelib.monitoring.models import Endpoint, Status

FLAP_QUIET = timedelta(minutes=30)


@dataclass
class Alert:
    """One mail (and maybe webhook) to send once the batch is written."""

    org_id: str
    incident: Incident
    event: str  # opened | resolved
    recipients: list[str]
    webhook: Delivery | None = None


@dataclass
class Effects:
    alerts: list[Alert] = field(default_factory=list)
    down_delta: dict[str, int] = field(default_factory=dict)


def in_maintenance(ep: Endpoint, at: datetime) -> bool:
    for w in ep.maintenance_windows or []:
        try:
            if clock.parse_iso(w["starts_at"]) <= at < clock.parse_iso(w["ends_at"]):
                return True
        except (KeyError, TypeError, ValueError):
            continue
    return False


def _webhook(ep: Endpoint, incident: Incident, event: str, text: str) -> Delivery | None:
    alert = ep.alert.as_dict() if ep.alert is not None else {}
    url, secret = alert.get("webhook_url"), alert.get("webhook_secret")
    if not url or not secret:
        return None
    return Delivery(
        url=url,
        secret=secret,
        payload={
            "text": text,
            "event": f"incident.{event}",
            "incident": incidents.view(incident),
            "subject": {"type": "endpoint", "id": ep.endpoint_id, "name": ep.name, "url": ep.url},
        },
    )


def _text(ep: Endpoint, incident: Incident, event: str) -> str:
    """The webhook's one-line text (English: a webhook has no reader language; the payload
    carries ``code``/``params`` for receivers that render their own)."""
    state = "OPEN" if event == "opened" else "RESOLVED"
    return f"[{state}] {incident.kind}: {ep.name} ({ep.url}) — {texts.incident_text(incident, 'en')}"


def _recipients(ep: Endpoint) -> list[str]:
    alert = ep.alert.as_dict() if ep.alert is not None else {}
    return list(alert.get("recipients") or [])


def evaluate(ep: Endpoint, st: Status, out: Outcome, effects: Effects) -> None:
    """Update ``st`` (fails, counters, alert memory) and collect incidents/alerts to send."""
    now = out.checked_at
    if in_maintenance(ep, now):
        return
    alert_cfg = ep.alert.as_dict() if ep.alert is not None else {}
    needed = int(alert_cfg.get("consecutive_failures") or 2)
    failed = out.state == "down"
    st.fails = int(st.fails or 0) + 1 if failed else 0
    if failed and st.fails >= needed:
        code, params = texts.cause_of_error(out.error)
        inc = incidents.open_incident(
            ep.org_id,
            "endpoint_down",
            "endpoint",
            ep.endpoint_id,
            ep.name,
            f"{ep.url}: {out.error or 'check failed'}",
            {
                "url": ep.url,
                "error": out.error or "",
                "status_code": out.status_code,
                "consecutive_failures": st.fails,
            },
            at=now,
            code=code,
            params=params,
        )
        if inc is not None:
            if not st.down_counted:
                st.down_counted = True
                effects.down_delta[ep.org_id] = effects.down_delta.get(ep.org_id, 0) + 1
            quiet = st.last_open_mail_at is None or now - st.last_open_mail_at >= FLAP_QUIET
            if quiet:
                st.last_open_mail_at, st.mailed_incident = now, inc.incident_id
                effects.alerts.append(
                    Alert(
                        ep.org_id,
                        inc,
                        "opened",
                        _recipients(ep),
                        _webhook(ep, inc, "opened", _text(ep, inc, "opened")),
                    )
                )
    elif not failed:
        inc = incidents.resolve_incident(ep.org_id, "endpoint_down", ep.endpoint_id, at=now)
        if st.down_counted:
            st.down_counted = False
            effects.down_delta[ep.org_id] = effects.down_delta.get(ep.org_id, 0) - 1
        if inc is not None and st.mailed_incident == inc.incident_id:
            st.mailed_incident = None
            effects.alerts.append(
                Alert(
                    ep.org_id,
                    inc,
                    "resolved",
                    _recipients(ep),
                    _webhook(ep, inc, "resolved", _text(ep, inc, "resolved")),
                )
            )
    _certificate(ep, st, out, effects)


def _certificate(ep: Endpoint, st: Status, out: Outcome, effects: Effects) -> None:
    cert = out.certificate
    cfg = (ep.checks.as_dict() if ep.checks is not None else {}).get("certificate", {}) or {}
    if not cert or not cfg.get("enabled", True):
        return
    thresholds = sorted({int(d) for d in cfg.get("warn_days") or [30, 14, 7, 1]}, reverse=True)
    if st.cert_not_after != cert.get("not_after"):
        st.cert_not_after, st.cert_alerted = cert.get("not_after"), None  # a new certificate
    days = int(cert.get("days_left", 0))
    invalid = not cert.get("valid", True) or days < 0
    level: int | None = 0 if invalid else None
    if level is None:
        hits = [t for t in thresholds if days <= t]
        level = min(hits) if hits else None
    if level is None:
        inc = incidents.resolve_incident(ep.org_id, "certificate", ep.endpoint_id, at=out.checked_at)
        st.cert_alerted = None
        if inc is not None:
            effects.alerts.append(
                Alert(
                    ep.org_id,
                    inc,
                    "resolved",
                    _recipients(ep),
                    _webhook(ep, inc, "resolved", _text(ep, inc, "resolved")),
                )
            )
        return
    if st.cert_alerted is not None and level >= int(st.cert_alerted):
        return  # this threshold (or a lower one) was alerted already for this certificate
    st.cert_alerted = level
    findings = cert.get("findings") or []
    summary = (
        f"certificate invalid: {findings[0] if findings else 'expired'}"
        if invalid
        else f"certificate expires in {days} days ({cert.get('not_after')})"
    )
    details = {
        "days_left": days,
        "threshold": level,
        "not_after": cert.get("not_after"),
        "issuer": cert.get("issuer"),
    }
    if invalid:
        code, params = texts.cause_of_error(str(findings[0]) if findings else "certificate expired")
        code = code if code.startswith("cert.") else "cert.invalid"
    else:
        code, params = "cert.expires", {"days": days, "date": cert.get("not_after")}
    inc = incidents.open_incident(
        ep.org_id,
        "certificate",
        "endpoint",
        ep.endpoint_id,
        ep.name,
        f"{ep.url}: {summary}",
        details,
        at=out.checked_at,
        code=code,
        params=params,
    )
    if inc is None:
        inc = incidents.open_incident_of(ep.org_id, "certificate", ep.endpoint_id)
        if inc is None:
            return
        inc.summary = f"{ep.url}: {summary}"  # the mail tells the threshold reached now
        inc.code, inc.params, inc.details = code, params, details
    effects.alerts.append(
        Alert(
            ep.org_id, inc, "opened", _recipients(ep), _webhook(ep, inc, "opened", _text(ep, inc, "opened"))
        )
    )


def status_fields(st: Status, out: Outcome, maintenance: bool) -> None:
    """What the status item keeps of the latest check; the time and response time of the latest
    check are read from the newest result (they change every check, the rest rarely)."""
    st.state = out.state
    st.error = out.error
    if out.certificate is not None:
        st.certificate = out.certificate
    if out.headers is not None:
        st.headers = {"grade": out.headers["grade"], **dict(out.headers["items"].items())}


def compact(out: Outcome) -> dict[str, Any]:
    """What a raw result keeps besides its top-level fields (small: 90 days × 1/min)."""
    d: dict[str, Any] = {}
    if out.hops:
        d["redirects"] = out.hops
    if out.final_url and out.hops:
        d["final_url"] = out.final_url[:500]
    if out.findings:
        d["findings"] = out.findings[:5]
    if out.dns:
        d["dns"] = out.dns
    if out.certificate:
        d["cert_days_left"] = out.certificate.get("days_left")
    if out.headers:
        d["headers_grade"] = out.headers.get("grade")
    return d
