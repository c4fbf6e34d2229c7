"""Alert mails for incident transitions, in the org's language.

Recipients: the org's admins plus the subject's configured recipients. Webhook delivery
(JSON with an HMAC-SHA256 signature, through the SSRF guard) is added by endpoint monitoring.
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib import settings
from chalicelib.incidents.models import Incident
from chalicelib.mail.service import Message, send

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
    """Mail one alert for ``event`` ('opened' or 'resolved') of ``incident``; times in the org's
    zone with its abbreviation ("02.12.2026 08:53 MEZ")."""
    from chalicelib.i18n import format as fmt

    recipients = list(
        dict.fromkeys([*(admins if admins is not None else admin_emails(incident.org_id)), *extra_recipients])
    )
    if not recipients:
        return False
    lang = language if language in _KIND else "en"
    kind = _KIND[lang].get(incident.kind, incident.kind)
    url = settings.console_url()
    opened = fmt.datetime(incident.opened_at, lang, time_zone)
    resolved = fmt.datetime(incident.resolved_at, lang, time_zone) if incident.resolved_at else ""
    if lang == "de":
        state = "NEU" if event == "opened" else "BEHOBEN"
        subject = f"[{state}] {kind}: {incident.subject_name}"
        text = (
            f"Organisation: {org_name}\nBetroffen: {incident.subject_name}\n"
            f"Art: {kind}\nStatus: {'offen' if event == 'opened' else 'behoben'}\n"
            f"Beschreibung: {incident.summary}\nBeginn: {opened}\n"
            + (f"Behoben: {resolved}\n" if resolved else "")
            + f"\nDetails: {url}\n"
        )
    else:
        state = "OPEN" if event == "opened" else "RESOLVED"
        subject = f"[{state}] {kind}: {incident.subject_name}"
        text = (
            f"Organisation: {org_name}\nAffected: {incident.subject_name}\nKind: {kind}\n"
            f"State: {'open' if event == 'opened' else 'resolved'}\n"
            f"Description: {incident.summary}\nStarted: {opened}\n"
            + (f"Resolved: {resolved}\n" if resolved else "")
            + f"\nDetails: {url}\n"
        )
    return send(Message(to=recipients, subject=subject, text=text))
