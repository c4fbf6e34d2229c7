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
