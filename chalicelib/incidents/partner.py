"""Partner alerts: a partner hears about incidents of the customers it supports.

Policy (one item per partner org, ``core`` table):

| pattern | key |
|---|---|
| a partner's alert policy | pk=`ORG#<partner>`, sk=`ALERTPOLICY` (GetItem; absent = the default) |

``mode``: ``supported`` (default: every linked customer with ``support_by: partner``),
``selected`` (the customers in ``customer_ids``, whoever supports them) or ``off``.
``recipients``: addresses to mail; empty = the partner org's administrators.

When a customer's incident opens or resolves and its own alert mail goes out
(``incidents.alerts.notify``), ``forward`` mails the partner in the partner's language with the
customer's name in the subject ("[NEU] Endpunkt nicht erreichbar – <Kunde>") and a link that
opens the object in the console inside the customer org.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib import clock, db, errors, settings
from chalicelib.core_table import TABLE, org_pk
from chalicelib.db import meta

if TYPE_CHECKING:
    from chalicelib.auth.access import Access
    from chalicelib.incidents.models import Incident
    from chalicelib.incidents.schemas import AlertPolicyIn
    from chalicelib.orgs.models import Org

log = logging.getLogger("vigil.incidents")

SK = "ALERTPOLICY"
MODES = ("supported", "selected", "off")


class AlertPolicy(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<partner>
    sk = UnicodeAttribute(range_key=True, default=SK)
    mode = UnicodeAttribute(default="supported")
    customer_ids: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]  # pynamodb#1221
    recipients: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]  # pynamodb#1221
    updated_at = UTCDateTimeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, partner_id: str) -> tuple[str, str]:
        return org_pk(partner_id), SK


def _load(partner_id: str) -> AlertPolicy:
    from pynamodb.exceptions import DoesNotExist

    try:
        return AlertPolicy.get(*AlertPolicy.key(partner_id))
    except DoesNotExist:
        return AlertPolicy(*AlertPolicy.key(partner_id), mode="supported")


def view(policy: AlertPolicy) -> dict[str, Any]:
    return {
        "mode": policy.mode,
        "customer_ids": list(policy.customer_ids or []),
        "recipients": list(policy.recipients or []),
        "updated_at": clock.iso(policy.updated_at) if policy.updated_at else None,
    }


def _require_partner_admin(access: Access) -> None:
    if access.org.kind != "partner" or access.role != "admin":
        raise errors.Forbidden(errors.M("access.partner_alerts"))


def get(access: Access) -> dict[str, Any]:
    _require_partner_admin(access)
    return view(_load(access.org_id))


def put(access: Access, body: AlertPolicyIn) -> dict[str, Any]:
    """Replace the policy; ``customer_ids`` must be the partner's own linked customers."""
    from chalicelib.audit import service as audit_log
    from chalicelib.orgs import queries as orgs_q

    _require_partner_admin(access)
    ids = list(dict.fromkeys(body.customer_ids))
    if body.mode == "selected" and not ids:
        raise errors.ValidationFailed({"customer_ids": errors.M("field.customers_required")})
    found = orgs_q.batch_get(ids) if ids else {}
    foreign = [i for i in ids if i not in found or found[i].partner_id != access.org_id]
    if foreign:
        raise errors.Unprocessable(
            errors.M("incidents.foreign_customers"),
            {"customer_ids": errors.M("field.not_partner_customer", ids=", ".join(foreign[:5]))},
        )
    policy = AlertPolicy(
        *AlertPolicy.key(access.org_id),
        mode=body.mode,
        customer_ids=ids or None,
        recipients=list(dict.fromkeys(body.recipients)) or None,
        updated_at=clock.now(),
        updated_by=access.principal.user_id,
    )
    entry = audit_log.entry(
        access, "alert_policy.updated", access.org_id, {"mode": body.mode, "customers": len(ids)}
    )
    with db.transaction() as tx:
        tx.save(policy)
        tx.save(entry)
    return view(policy)


def covers(policy: AlertPolicy, customer: Org) -> bool:
    if policy.mode == "off":
        return False
    if policy.mode == "selected":
        return customer.org_id in (policy.customer_ids or [])
    return customer.support_by == "partner"


def deep_link(org_id: str, subject_type: str, subject_id: str) -> str:
    """The console address of one endpoint or host inside its org (the console logs in first
    and then opens it)."""
    from urllib.parse import quote

    base = settings.console_url().split("#", 1)[0]
    if not base.endswith("/"):
        base += "/"
    kind = "hosts" if subject_type == "host" else "endpoints"
    return f"{base}#/orgs/{quote(org_id, safe='')}/{kind}/{quote(subject_id, safe='')}"


def forward(incident: Incident, event: str, customer: Org) -> bool:
    """Mail the customer's partner about the incident when its policy covers the customer."""
    from chalicelib.incidents import texts
    from chalicelib.incidents.alerts import kind_name
    from chalicelib.mail.service import Message, send
    from chalicelib.mail.whitelabel import brand, vendor
    from chalicelib.orgs import queries as orgs_q
    from chalicelib.reports import fmt
    from chalicelib.team import queries as team

    if not customer.partner_id:
        return False
    policy = _load(customer.partner_id)
    if not covers(policy, customer):
        return False
    partner = orgs_q.get(customer.partner_id)
    if partner is None or partner.status != "active":
        return False
    recipients: list[str] = [str(r) for r in policy.recipients or []] or team.admin_emails(partner.org_id)
    if not recipients:
        return False
    lang = "de" if partner.language == "de" else "en"
    # the same words and local times as the customer's own alert (incidents.alerts.notify)
    code, _ = texts.code_of(incident)
    kind = texts.kind_label(incident.kind, code, lang) if code else kind_name(incident.kind, lang)
    zone = fmt.org_time_zone(partner)
    description = texts.incident_text(incident, lang, zone)
    started = fmt.datetime_text(incident.opened_at, lang, zone)
    resolved = fmt.datetime_text(incident.resolved_at, lang, zone) if incident.resolved_at else None
    link = deep_link(customer.org_id, incident.subject_type, incident.subject_id)
    if lang == "de":
        state = "NEU" if event == "opened" else "BEHOBEN"
        subject = f"[{state}] {kind} – {customer.name}"
        text = (
            f"Kunde: {customer.name}\nBetroffen: {incident.subject_name}\nArt: {kind}\n"
            f"Status: {'offen' if event == 'opened' else 'behoben'}\n"
            f"Beschreibung: {description}\nBeginn: {started}\n"
            + (f"Behoben: {resolved}\n" if resolved else "")
            + f"\nDetails: {link}\n\nSie erhalten diese Nachricht als Partner von {customer.name}.\n"
        )
    else:
        state = "OPEN" if event == "opened" else "RESOLVED"
        subject = f"[{state}] {kind} – {customer.name}"
        text = (
            f"Customer: {customer.name}\nAffected: {incident.subject_name}\nKind: {kind}\n"
            f"State: {'open' if event == 'opened' else 'resolved'}\n"
            f"Description: {description}\nStarted: {started}\n"
            + (f"Resolved: {resolved}\n" if resolved else "")
            + f"\nDetails: {link}\n\nYou receive this message as the partner of {customer.name}.\n"
        )
    message = brand(Message(to=recipients, subject=subject, text=text), vendor(), lang)
    return send(message)
