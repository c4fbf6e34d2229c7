"""Billing holds (issue #15 §5): the run re-checks the payer before every invoice.

A renewal is invoiced only if the paying org's data passes the same rules as an order
(``pricing.buyer_problem``: country, VAT ID for EU reverse charge, post code and city, billing
e-mail). Otherwise the invoice is *held*: nothing is finalized (no number used), the
subscriptions stay due, a ``BillingHold`` item records why and since when, and the payer's
admins are mailed once, in the org's language. The next run after the fix issues the invoice
for every period due meanwhile and deletes the hold in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.billing import pricing
from chalicelib.billing.models import BillingHold
from chalicelib.orgs.models import Org

log = logging.getLogger("vigil.billing")


def problem_of(payer: Org) -> pricing.BuyerProblem | None:
    return pricing.buyer_problem(payer.address_dict(), payer.vat_id, payer.billing_email)


def get(payer_org_id: str) -> BillingHold | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return BillingHold.get(*BillingHold.key(payer_org_id), consistent_read=True)
    except DoesNotExist:
        return None


def view(hold: BillingHold | None) -> dict[str, Any] | None:
    if hold is None:
        return None
    return {
        "reason_code": hold.reason_code,
        "fields": list(hold.fields or []),
        "since": clock.iso(hold.since),
        "checked_at": clock.iso(hold.checked_at),
    }


def release_in(tx: Any, payer_org_id: str) -> None:
    """Delete the payer's hold (if any) in the transaction that issues its invoice."""
    pk, sk = BillingHold.key(payer_org_id)
    tx.delete(BillingHold(pk, sk, payer_org_id=payer_org_id))


def hold(payer: Org, problem: pricing.BuyerProblem, now: datetime, customers: list[str]) -> bool:
    """Record the hold; mail the admins when it is new. True if it was new."""
    from pynamodb.exceptions import PutError

    pk, sk = BillingHold.key(payer.org_id)
    item = BillingHold(
        pk,
        sk,
        payer_org_id=payer.org_id,
        reason_code=problem.code,
        fields=list(problem.fields),
        since=now,
        checked_at=now,
    )
    try:
        item.save(condition=BillingHold.pk.does_not_exist())
    except PutError:
        existing = get(payer.org_id)
        if existing is not None:
            existing.update(
                actions=[
                    BillingHold.reason_code.set(problem.code),
                    BillingHold.fields.set(list(problem.fields)),
                    BillingHold.checked_at.set(now),
                ]
            )
        return False
    log.info("billing: invoice of payer %s held (%s)", payer.org_id, problem.code)
    _mail_admins(payer, problem, customers)
    return True


def _mail_admins(payer: Org, problem: pricing.BuyerProblem, customers: list[str]) -> None:
    from chalicelib.mail.service import Message, send
    from chalicelib.team import queries as team

    to = sorted(set(team.admin_emails(payer.org_id)))
    if not to:
        return
    subject, text = hold_mail(payer.language or "de", payer.name, problem, customers, payer.address_dict())
    send(Message(to=to, subject=subject, text=text))


REASONS = {
    "de": {
        "address_country_missing": "Im Profil fehlt das Land der Rechnungsanschrift.",
        "vat_id_missing": "Für Rechnungsempfänger in {country} ist eine USt-IdNr. erforderlich "
        "(Reverse-Charge-Verfahren); im Profil ist keine hinterlegt.",
        "address_incomplete": "Die Rechnungsanschrift ist unvollständig (Postleitzahl und Ort).",
        "billing_email_missing": "Im Profil ist keine Rechnungs-E-Mail-Adresse hinterlegt.",
    },
    "en": {
        "address_country_missing": "The billing address in the profile has no country.",
        "vat_id_missing": "Buyers in {country} need a VAT identification number (reverse charge); "
        "the profile has none.",
        "address_incomplete": "The billing address is incomplete (post code and city).",
        "billing_email_missing": "The profile has no billing e-mail address.",
    },
}


def hold_mail(
    language: str,
    payer_name: str,
    problem: pricing.BuyerProblem,
    customers: list[str],
    address: dict[str, Any],
) -> tuple[str, str]:
    lang = language if language in REASONS else "en"
    reason = REASONS[lang][problem.code].format(country=str(address.get("country") or "").upper())
    names = ", ".join(f"„{n}“" if lang == "de" else f"“{n}”" for n in customers)
    if lang == "de":
        return (
            f"Vigil: Rechnung für {payer_name} angehalten – bitte Rechnungsdaten ergänzen",
            f"Guten Tag,\n\ndie fällige Rechnung der Organisation „{payer_name}“ (Abonnements: "
            f"{names}) wurde nicht ausgestellt.\n\n{reason}\n\nBitte ergänzen Sie die Angaben im "
            "Profil der Organisation. Der nächste tägliche Abrechnungslauf stellt die Rechnung dann "
            "für alle fälligen Zeiträume aus. Die Überwachung läuft unverändert weiter.\n\n"
            "Ihr Vigil-Team\n",
        )
    return (
        f"Vigil: invoice for {payer_name} on hold – please complete the billing details",
        f"Hello,\n\nthe invoice due for the organisation “{payer_name}” (subscriptions: {names}) "
        f"was not issued.\n\n{reason}\n\nPlease complete the organisation's profile. The next "
        "daily billing run then issues the invoice for every period due. Monitoring goes on "
        "unchanged.\n\nYour Vigil team\n",
    )
