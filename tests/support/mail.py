"""The mail SES accepted (moto keeps it), and what a test reads out of it."""

from __future__ import annotations

import re
from typing import Any


def mails(to: str | None = None) -> list[Any]:
    from chalicelib.local.mailbox import from_backend

    found = from_backend()
    return [m for m in found if to is None or to in m.to]


def temp_password(mail_text: str) -> str:
    match = re.search(r"^(?:Temporäres Passwort|Temporary password): (\S+)$", mail_text, re.M)
    assert match, mail_text
    return match.group(1)


def signup_code(to: str) -> str:
    """The confirmation code of the newest signup mail to ``to``."""
    codes = [
        match.group(1)
        for m in mails(to)
        if (match := re.search(r"^(?:Bestätigungscode|Confirmation code): (\d{6})$", m.text, re.M))
    ]
    assert codes, [m.subject for m in mails(to)]
    return codes[-1]


def recipient_link_token(to: str) -> str:
    """The token of the newest recipient-confirmation link mailed to ``to``."""
    tokens = [
        match.group(1)
        for m in mails(to)
        if (match := re.search(r"/recipients/confirm\?token=([\w-]+)", m.text))
    ]
    assert tokens, [m.subject for m in mails(to)]
    return tokens[-1]


def confirm_recipient(api: Any, to: str) -> None:
    """Follow the confirmation link mailed to ``to`` and press its button (an external alert or
    report recipient gets Vigil's mail only after that)."""
    token = recipient_link_token(to)
    r = api.call(
        "POST",
        f"/recipients/confirm?token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"",
    )
    assert r.status == 200, r


def pre_confirm(*emails: str) -> None:
    """Store that ``emails`` confirmed they want Vigil's mail (as ``confirm_recipient`` would,
    without the confirmation mail): for tests about alert and report mail themselves."""
    from chalicelib import clock
    from chalicelib.mail.models import ConfirmedRecipient

    for email in emails:
        ConfirmedRecipient(
            *ConfirmedRecipient.key(email), email=email.lower(), org_id="test", confirmed_at=clock.now()
        ).save()


def reset_code(mail_text: str) -> str:
    """The code of a password-reset mail (German or English)."""
    match = re.search(r"^(?:Bestätigungscode|Confirmation code): ([0-9]{8})$", mail_text, re.M)
    assert match, mail_text
    return match.group(1)
