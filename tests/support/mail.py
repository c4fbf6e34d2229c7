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


def reset_code(mail_text: str) -> str:
    """The code of a password-reset mail (German or English)."""
    match = re.search(r"^(?:Bestätigungscode|Confirmation code): ([0-9]{8})$", mail_text, re.M)
    assert match, mail_text
    return match.group(1)
