"""Password reset ("Passwort vergessen"): a code by mail, then a new password.

- ``request`` answers the same (202) for every address; only a pool user with a verified
  address who may log in gets a mail, in the language of their organisations. The code has
  8 digits from a CSPRNG, is stored only as a keyed hash (``crypto.keyed_hash``) with a
  30-minute validity and 5 attempts; a new request replaces the old code.
- ``confirm`` checks the code (constant-time), consumes it with a condition (single use, also
  under parallel calls), sets the new password in Cognito and ends every earlier session
  (``sessions.end_all``: global sign-out plus ``tokens_valid_after``). A wrong, used, expired or
  exhausted code answers one and the same 400.
- both take rate-limit slots per address and per source address before any work
  (``forgot_*``, ``reset_*`` in ratelimit.DEFAULTS).

Cognito's own ForgotPassword is not used: its mail cannot be written in the org's language and
the emulator delivers no code.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import secrets

from chalicelib import clock, errors, ratelimit
from chalicelib.auth import cognito, crypto, sessions
from chalicelib.auth.models import ResetCode

log = logging.getLogger("vigil.auth")

CODE_DIGITS = 8
VALID_S = 1800
MAX_ATTEMPTS = 5
_PURPOSE = "reset-code"
_BAD_CODE = "The code is wrong or has expired; request a new one."


def request(email: str, ip: str, accept_language: str | None) -> None:
    ratelimit.take_all(("forgot_ip", ip), ("forgot_email", email))
    user_id = cognito.verified_user_id(email)
    if user_id is None:
        log.info("password reset requested for an address without a usable account")
        return
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = int(clock.now().timestamp())
    pk, sk = ResetCode.key(email)
    ResetCode(
        pk,
        sk,
        user_id=user_id,
        code_hash=crypto.keyed_hash(_PURPOSE, f"{pk}:{code}"),
        attempts=0,
        valid_until=now + VALID_S,
        expires_at=now + VALID_S + 86400,
    ).save()
    _mail_code(email, code, _language(user_id, accept_language))
    log.info("password reset code sent (user %s)", user_id)


def confirm(email: str, code: str, new_password: str, ip: str) -> None:
    from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

    ratelimit.take_all(("reset_ip", ip), ("reset_email", email))
    pk, sk = ResetCode.key(email)
    try:
        item = ResetCode.get(pk, sk, consistent_read=True)
    except DoesNotExist:
        raise errors.BadRequest(_BAD_CODE) from None
    now = int(clock.now().timestamp())
    if item.valid_until < now or item.attempts >= MAX_ATTEMPTS:
        raise errors.BadRequest(_BAD_CODE)
    if not hmac.compare_digest(item.code_hash, crypto.keyed_hash(_PURPOSE, f"{pk}:{code}")):
        with contextlib.suppress(UpdateError):  # replaced or used meanwhile: the same answer
            item.update(actions=[ResetCode.attempts.add(1)], condition=ResetCode.code_hash == item.code_hash)
        log.info("wrong password reset code (user %s)", item.user_id)
        raise errors.BadRequest(_BAD_CODE)
    try:  # single use: only one caller can delete this very code
        item.delete(condition=(ResetCode.code_hash == item.code_hash) & (ResetCode.attempts < MAX_ATTEMPTS))
    except DeleteError as exc:
        raise errors.BadRequest(_BAD_CODE) from exc
    cognito.set_password(email, new_password)
    sessions.end_all(item.user_id, email)
    ratelimit.give_back("reset_email", email)
    _mail_changed(email, _language(item.user_id, None))
    log.info("password reset completed, sessions ended (user %s)", item.user_id)


def _language(user_id: str, accept_language: str | None) -> str:
    """German unless all of the user's organisations speak English (or, without any, the
    request asks for English first)."""
    from chalicelib.orgs import queries as orgs_q
    from chalicelib.team import queries as team

    languages = {
        o.language for o in orgs_q.batch_get(m.org_id for m in team.memberships_of_user(user_id)).values()
    }
    if languages:
        return "en" if languages == {"en"} else "de"
    return "en" if (accept_language or "").strip().lower().startswith("en") else "de"


def _mail_code(email: str, code: str, language: str) -> None:
    from chalicelib import settings
    from chalicelib.mail.service import Message, send

    minutes = VALID_S // 60
    url = settings.console_url()
    if language == "de":
        subject = "Vigil: Ihr Code zum Zurücksetzen des Passworts"
        text = (
            f"Guten Tag,\n\nfür Ihr Vigil-Konto wurde ein neues Passwort angefordert.\n\n"
            f"Bestätigungscode: {code}\n\n"
            f"Der Code gilt {minutes} Minuten. Geben Sie ihn unter {url} bei "
            f"„Passwort vergessen?“ zusammen mit Ihrem neuen Passwort ein.\n"
            f"Haben Sie das nicht angefordert, ignorieren Sie diese Nachricht: Ihr Passwort "
            f"bleibt unverändert.\n\nIhr Vigil-Team\n"
        )
    else:
        subject = "Vigil: your password reset code"
        text = (
            f"Hello,\n\na new password was requested for your Vigil account.\n\n"
            f"Confirmation code: {code}\n\n"
            f"The code is valid for {minutes} minutes. Enter it at {url} under "
            f"“Forgot password?” together with your new password.\n"
            f"If you did not ask for this, ignore this message: your password stays as it is.\n\n"
            f"Your Vigil team\n"
        )
    send(Message(to=[email], subject=subject, text=text))


def _mail_changed(email: str, language: str) -> None:
    from chalicelib.mail.service import Message, send

    if language == "de":
        subject = "Vigil: Ihr Passwort wurde geändert"
        text = (
            "Guten Tag,\n\ndas Passwort Ihres Vigil-Kontos wurde soeben neu gesetzt; alle "
            "bisherigen Anmeldungen wurden beendet.\nWaren Sie das nicht, wenden Sie sich bitte "
            "umgehend an Ihren Administrator.\n\nIhr Vigil-Team\n"
        )
    else:
        subject = "Vigil: your password was changed"
        text = (
            "Hello,\n\nthe password of your Vigil account has just been reset; every earlier "
            "session was ended.\nIf this was not you, contact your administrator at once.\n\n"
            "Your Vigil team\n"
        )
    send(Message(to=[email], subject=subject, text=text))
