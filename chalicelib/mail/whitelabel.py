"""White-label mail: a customer supported by its partner hears from the partner, not from us.

For an org whose ``support_by`` is ``partner`` (a linked customer), every mail to its people —
alerts, invitations, scheduled reports — carries the partner's name (as the sender's display
name and in the signature), its logo (inline image of the HTML part) and its support contact
(Reply-To and the footer). The envelope and the From address stay the platform's verified
sender: only the display name changes, so SES keeps accepting the mail and SPF/DKIM align.
Everyone else gets the vendor's brand (service name, vendor support contact).

Every branded mail is sent as text plus an HTML alternative built from the same text (escaped,
links made clickable), so both tell the same thing.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib import settings
from chalicelib.mail.service import Message

log = logging.getLogger("vigil.mail")

LOGO_CID = "brand-logo"
_VENDOR_SIGNATURES = ("Ihr Vigil-Team", "Your Vigil team")
_URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass
class Brand:
    name: str  # who signs: the partner's name, or the service name
    partner_id: str | None = None
    support: dict[str, Any] = field(default_factory=dict)  # name, email, phone, hours, url
    logo: bytes | None = None  # PNG as stored by the branding domain

    @property
    def reply_to(self) -> str | None:
        return self.support.get("email") or None


def vendor() -> Brand:
    v = settings.vendor_support()
    return Brand(
        settings.service_name(),
        support={"name": v.name, "email": v.email, "phone": v.phone, "hours": v.hours, "url": v.url},
    )


def brand_for(org: Any) -> Brand:
    """The brand of mails to ``org``'s people (an ``Org``; None → the vendor's)."""
    if org is None or not (org.partner_id and org.support_by == "partner"):
        return vendor()
    from chalicelib import storage
    from chalicelib.branding.service import BUCKET
    from chalicelib.orgs import queries as orgs_q

    partner = orgs_q.get(org.partner_id)
    if partner is None or partner.status != "active":
        return vendor()
    own = partner.support
    if own is not None and (own.name or own.email):
        contact = {k: getattr(own, k) for k in ("name", "email", "phone", "hours", "url")}
    else:  # the partner entered no contact yet: its name, the vendor's help desk (as GET /support)
        contact = vendor().support
    try:
        logo = storage.get(BUCKET, storage.logo_key(partner.org_id))
    except Exception:  # a missing logo never stops a mail
        log.warning("partner logo of %s unreadable; mail without it", partner.org_id)
        logo = None
    return Brand(partner.name, partner.org_id, contact, logo)


def brand_for_org_id(org_id: str) -> Brand:
    from chalicelib.orgs import queries as orgs_q

    return brand_for(orgs_q.get(org_id))


def signature(brand: Brand, language: str) -> str:
    s = brand.support
    lines = [f"Ihr Team von {brand.name}" if language == "de" else f"Your team at {brand.name}"]
    contact = " · ".join(str(v) for v in (s.get("email"), s.get("phone")) if v)
    if contact:
        lines.append("Support: " + contact)
    if s.get("hours"):
        lines.append(("Erreichbar: " if language == "de" else "Hours: ") + str(s["hours"]))
    if s.get("url"):
        lines.append(str(s["url"]))
    return "\n".join(lines)


def _signed(text: str, brand: Brand, language: str) -> str:
    body = text.rstrip()
    for vendor_sig in _VENDOR_SIGNATURES:
        if body.endswith(vendor_sig):
            body = body[: -len(vendor_sig)].rstrip()
            break
    return f"{body}\n\n{signature(brand, language)}\n"


def _html(text: str, brand: Brand, language: str) -> str:
    def para(block: str) -> str:
        escaped = html.escape(block)
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        return "<p>" + linked.replace("\n", "<br>\n") + "</p>"

    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    logo = (
        f'<img src="cid:{LOGO_CID}" width="75" height="75" alt="{html.escape(brand.name)}" '
        'style="display:block;margin-bottom:12px">'
        if brand.logo
        else f'<p style="font-weight:bold;font-size:18px">{html.escape(brand.name)}</p>'
    )
    lang = "de" if language == "de" else "en"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head>'
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2933">'
        f"{logo}{''.join(para(b) for b in blocks)}</body></html>"
    )


def brand(message: Message, who: Brand, language: str) -> Message:
    """The message signed by ``who``: display name, Reply-To, signature, HTML with the logo."""
    message.text = _signed(message.text, who, language)
    message.sender_name = who.name
    if who.reply_to and not message.reply_to:
        message.reply_to = who.reply_to
    message.html = _html(message.text, who, language)
    if who.logo:
        message.inline_images = [(LOGO_CID, who.logo, "png")]
    return message


def branded(message: Message, org: Any, language: str) -> Message:
    """``brand(message, brand_for(org), language)``: the one call a mail sender makes."""
    return brand(message, brand_for(org), language)
