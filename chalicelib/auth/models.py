"""Account-security items in the `core` table: per-user session/MFA state and reset codes.

| pattern | key |
|---|---|
| a user's session and MFA state | pk=`USER#<user>`, sk=`AUTH` (read with the org and membership in `access.resolve`) |
| the pending password-reset code of an address | pk=`RESET#<sha256(email)>`, sk=`RESET` (TTL) |

Nothing here is stored in clear that would let someone log in: the TOTP secret is sealed
(``auth/crypto.py``), the reset code is kept as a keyed hash only.
"""

from __future__ import annotations

import hashlib

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core_table import TABLE
from chalicelib.db import meta


class AuthState(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # USER#<user>
    sk = UnicodeAttribute(range_key=True, default="AUTH")
    user_id = UnicodeAttribute()
    #: epoch seconds: tokens of sessions that logged in before this are refused (password reset)
    tokens_valid_after = NumberAttribute(null=True)
    #: sealed TOTP secret while enrolment waits for its first code, and when it must be confirmed
    mfa_pending = UnicodeAttribute(null=True)
    mfa_pending_until = NumberAttribute(null=True)
    #: sealed TOTP secret of the enabled second factor
    mfa_secret = UnicodeAttribute(null=True)
    mfa_enabled_at = UTCDateTimeAttribute(null=True)
    #: the last TOTP time step accepted: a code is never accepted twice
    mfa_last_step = NumberAttribute(null=True)

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "AUTH"

    @property
    def mfa_enabled(self) -> bool:
        return bool(self.mfa_secret)


class ResetCode(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # RESET#<digest of the address>
    sk = UnicodeAttribute(range_key=True, default="RESET")
    user_id = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    valid_until = NumberAttribute()  # epoch seconds (checked; the TTL below only tidies up)
    expires_at = NumberAttribute()

    @classmethod
    def key(cls, email: str) -> tuple[str, str]:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
        return f"RESET#{digest}", "RESET"
