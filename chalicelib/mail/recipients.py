"""External recipients: Vigil mails an address outside the org only after it confirmed once.

Alert recipients of endpoints, the recipients of report schedules and an org's billing e-mail
address are addresses an org admin types in. So that Vigil cannot be used to mail strangers, an address that is not a member of the
org gets a confirmation mail with a link when it is named (``ask``; at most one a day per
address, whichever org names it), and alert and report mails go only to members and confirmed
addresses (``deliverable``). Following the link shows a page with a button; the button (POST)
confirms — a mail scanner that fetches links does not confirm anything. A confirmation holds for
the address (``RCPT#<email>`` / ``CONFIRMED``), not per org.

The billing e-mail address is gated the same way: invoices and trial notices go to it once it is
confirmed (or a member's), to the paying org's admins until then (``billing.invoices.recipients``).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from chalicelib import clock, db, errors, settings
from chalicelib.mail.models import ConfirmedRecipient, RecipientAsked, RecipientToken
from chalicelib.mail.service import Message, send

log = logging.getLogger("vigil.mail.recipients")

TOKEN_VALID = timedelta(days=7)
ASK_AGAIN_AFTER = timedelta(days=1)


def _hash(token: str) -> str:
    return hmac.new(settings.cursor_key(), f"recipient-token\n{token}".encode(), hashlib.sha256).hexdigest()


def _members(org_id: str) -> set[str]:
    from chalicelib.team import queries as team

    return {m.email.lower() for m in team.members_of(org_id) if m.email}


def _confirmed(addresses: Iterable[str]) -> set[str]:
    wanted = [
        (ConfirmedRecipient, ConfirmedRecipient.key(a)) for a in dict.fromkeys(a.lower() for a in addresses)
    ]
    if not wanted:
        return set()
    found = db.batch_get_mixed(wanted)
    return {item.email.lower() for item in found.values() if isinstance(item, ConfirmedRecipient)}


def strangers(org_id: str, addresses: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """The addresses (lower case, in order) that are neither ``known`` (e.g. the admins already
    loaded), members of the org nor confirmed."""
    rest = [a.lower() for a in dict.fromkeys(addresses) if a.lower() not in {k.lower() for k in known}]
    if not rest:
        return []
    confirmed = _confirmed(rest)
    rest = [a for a in rest if a not in confirmed]
    if not rest:
        return []
    members = _members(org_id)
    return [a for a in rest if a not in members]


def deliverable(org_id: str, addresses: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """``addresses`` without the strangers: who may get the org's alert or report mail."""
    addresses = list(dict.fromkeys(addresses))
    refused = set(strangers(org_id, addresses, known))
    if refused:
        log.info("org %s: %d unconfirmed recipient(s) left out", org_id, len(refused))
    return [a for a in addresses if a.lower() not in refused]


def ask(org_id: str, org_name: str, language: str, addresses: Iterable[str]) -> list[str]:
    """Mail a confirmation link to every stranger among ``addresses`` not asked within the last
    day; returns the addresses asked now.

    Best effort: it runs after the change that named the addresses was saved, so a failure is
    logged instead of failing that request (saving the recipients again asks again)."""
    try:
        return _ask(org_id, org_name, language, addresses)
    except Exception:
        log.exception("org %s: asking external recipients failed", org_id)
        return []


def _ask(org_id: str, org_name: str, language: str, addresses: Iterable[str]) -> list[str]:
    from pynamodb.exceptions import PutError

    now = clock.now()
    asked = []
    for email in strangers(org_id, addresses):
        marker = RecipientAsked(
            *RecipientAsked.key(email), expires_at=int((now + ASK_AGAIN_AFTER).timestamp())
        )
        try:
            marker.save(
                condition=RecipientAsked.pk.does_not_exist()
                | (RecipientAsked.expires_at < int(now.timestamp()))
            )
        except PutError as exc:
            if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
                continue  # asked within the last day already
            raise
        token = secrets.token_urlsafe(32)
        RecipientToken(
            *RecipientToken.key(_hash(token)),
            email=email,
            org_id=org_id,
            language=language,
            expires_at=int((now + TOKEN_VALID).timestamp()),
        ).save()
        _mail(email, org_name, language, token)
        asked.append(email)
    return asked


def trust(email: str, org_id: str) -> None:
    """Record ``email`` as confirmed without asking: for addresses the vendor's operators enter
    themselves (``chalicelib.admin``), never for addresses from the API."""
    ConfirmedRecipient(
        *ConfirmedRecipient.key(email), email=email.lower(), org_id=org_id, confirmed_at=clock.now()
    ).save()


def link(token: str) -> str:
    return f"{settings.api_url().rstrip('/')}/recipients/confirm?token={token}"


def _mail(email: str, org_name: str, language: str, token: str) -> None:
    if language == "de":
        subject = f"Vigil: Benachrichtigungen von {org_name} bestätigen"
        text = (
            f"Guten Tag,\n\ndie Organisation „{org_name}“ möchte Ihnen über Vigil "
            f"Benachrichtigungen (Störungsmeldungen, Berichte) schicken.\n\n"
            f"Erst wenn Sie zustimmen, erhalten Sie Nachrichten von Vigil:\n{link(token)}\n\n"
            f"Der Link gilt 7 Tage. Möchten Sie keine Nachrichten, ignorieren Sie diese E-Mail.\n\n"
            f"Ihr Vigil-Team\n"
        )
    else:
        subject = f"Vigil: confirm notifications from {org_name}"
        text = (
            f"Hello,\n\nthe organisation “{org_name}” would like to send you notifications "
            f"(incident alerts, reports) through Vigil.\n\n"
            f"You receive mail from Vigil only once you agree:\n{link(token)}\n\n"
            f"The link is valid for 7 days. If you do not want any mail, ignore this message.\n\n"
            f"Your Vigil team\n"
        )
    send(Message(to=[email], subject=subject, text=text))


def _lookup(token: str | None) -> RecipientToken:
    from pynamodb.exceptions import DoesNotExist

    bad = errors.ValidationFailed(
        {"token": errors.M("field.token_unknown")}, errors.M("recipients.link_invalid")
    )
    if not token or len(token) > 100 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in token):
        raise bad
    try:
        item = RecipientToken.get(*RecipientToken.key(_hash(token)), consistent_read=True)
    except DoesNotExist:
        raise bad from None
    if item.expires_at <= int(clock.now().timestamp()):
        raise bad
    return item


def page(token: str | None) -> tuple[str, str]:
    """(language, HTML) of the page behind the link: a button that confirms (POST)."""
    item = _lookup(token)
    de = item.language == "de"
    title = "Benachrichtigungen bestätigen" if de else "Confirm notifications"
    question = (
        f"Möchten Sie Benachrichtigungen von Vigil an {html.escape(item.email)} erhalten?"
        if de
        else f"Do you want to receive notifications from Vigil at {html.escape(item.email)}?"
    )
    button = "Ja, bestätigen" if de else "Yes, confirm"
    action = html.escape(f"?token={token}", quote=True)
    return item.language, _html(
        item.language,
        title,
        f'<p>{question}</p><form method="post" action="{action}"><button type="submit">{button}</button></form>',
    )


def confirm(token: str | None) -> tuple[str, str]:
    """Confirm the address behind ``token``; (language, HTML of the answer)."""
    item = _lookup(token)
    with db.transaction() as tx:
        tx.save(
            ConfirmedRecipient(
                *ConfirmedRecipient.key(item.email),
                email=item.email,
                org_id=item.org_id,
                confirmed_at=clock.now(),
            )
        )
        tx.delete(item)
    log.info("recipient confirmed for org %s", item.org_id)
    de = item.language == "de"
    title = "Bestätigt" if de else "Confirmed"
    text = (
        f"{html.escape(item.email)} erhält ab jetzt Benachrichtigungen von Vigil."
        if de
        else f"{html.escape(item.email)} now receives notifications from Vigil."
    )
    return item.language, _html(item.language, title, f"<p>{text}</p>")


def _html(language: str, title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
