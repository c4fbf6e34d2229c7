"""Alert mails for incident transitions, in the org's language.

Recipients: the org's admins plus the subject's configured recipients. Webhook delivery
(JSON with an HMAC-SHA256 signature, through the SSRF guard) is added by endpoint monitoring.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from chalicelib.incidents.models import Incident
from chalicelib.mail.service import Message, send

log = logging.getLogger("vigil.incidents")

_KIND = {
    "de": {
        "endpoint_down": "Endpunkt nicht erreichbar",
        "certificate": "Zertifikat",
        "headers": "Sicherheits-Header",
        "host_offline": "Host offline",
        "host_disk": "Festplatte fast voll",
        "host_memory": "Arbeitsspeicher knapp",
    },
    "en": {
        "endpoint_down": "Endpoint down",
        "certificate": "Certificate",
        "headers": "Security headers",
        "host_offline": "Host offline",
        "host_disk": "Disk almost full",
        "host_memory": "Memory low",
    },
}


def kind_name(kind: str, language: str) -> str:
    """The incident kind as a reader says it ("Endpunkt nicht erreichbar")."""
    return _KIND["de" if language == "de" else "en"].get(kind, kind)


def admin_emails(org_id: str) -> list[str]:
    from chalicelib.team import queries as team

    return team.admin_emails(org_id)


def notify(
    incident: Incident,
    event: str,
    org_name: str,
    language: str,
    extra_recipients: Iterable[str] = (),
    admins: list[str] | None = None,
    time_zone: str | None = None,
) -> bool:
    """Mail one alert for ``event`` ('opened' or 'resolved') of ``incident``: its cause rendered
    from ``code``/``params`` in ``language``, times local in ``time_zone`` (the org's); signed by
    whoever supports the org (``mail.whitelabel``), and forwarded to the org's partner when the
    partner's alert policy covers the org (``incidents.partner``)."""
    from chalicelib.incidents import partner, texts
    from chalicelib.mail.whitelabel import branded
    from chalicelib.orgs import queries as orgs_q
    from chalicelib.reports import fmt

    org = orgs_q.get(incident.org_id)
    if org is not None and org.partner_id:
        try:
            partner.forward(incident, event, org)
        except Exception:  # the customer's own alert must not depend on the partner's
            log.exception("partner alert for incident %s failed", incident.incident_id)
    admins = admins if admins is not None else admin_emails(incident.org_id)
    extra = list(extra_recipients)
    if extra:
        from chalicelib.mail import recipients as external

        extra = external.deliverable(incident.org_id, extra, known=admins)  # no mail to strangers
    recipients = list(dict.fromkeys([*admins, *extra]))
    if not recipients:
        return False
    lang = language if language in _KIND else "en"
    code, _ = texts.code_of(incident)
    kind = (
        texts.kind_label(incident.kind, code, lang) if code else _KIND[lang].get(incident.kind, incident.kind)
    )
    description = texts.incident_text(incident, lang, time_zone)
    started = fmt.datetime_text(incident.opened_at, lang, time_zone)
    resolved = fmt.datetime_text(incident.resolved_at, lang, time_zone) if incident.resolved_at else None
    url = partner.deep_link(incident.org_id, incident.subject_type, incident.subject_id)
    if lang == "de":
        state = "NEU" if event == "opened" else "BEHOBEN"
        subject = f"[{state}] {kind}: {incident.subject_name}"
        text = (
            f"Organisation: {org_name}\nBetroffen: {incident.subject_name}\n"
            f"Art: {kind}\nStatus: {'offen' if event == 'opened' else 'behoben'}\n"
            f"Beschreibung: {description}\nBeginn: {started}\n"
            + (f"Behoben: {resolved}\n" if resolved else "")
            + f"\nDetails: {url}\n"
        )
    else:
        state = "OPEN" if event == "opened" else "RESOLVED"
        subject = f"[{state}] {kind}: {incident.subject_name}"
        text = (
            f"Organisation: {org_name}\nAffected: {incident.subject_name}\nKind: {kind}\n"
            f"State: {'open' if event == 'opened' else 'resolved'}\n"
            f"Description: {description}\nStarted: {started}\n"
            + (f"Resolved: {resolved}\n" if resolved else "")
            + f"\nDetails: {url}\n"
        )
    return send(branded(Message(to=recipients, subject=subject, text=text), org, lang))
