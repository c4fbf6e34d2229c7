"""Outbox items in the `core` table.

| pattern | key |
|---|---|
| pending messages due by a time | pk=`OUTBOX#<shard>`, sk=`<next_attempt_at>#<id>` |
| a message by id (resend/inspect) | the same key, carried in `message_id` and the sk |
"""

from __future__ import annotations

from pynamodb.attributes import BinaryAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core_table import TABLE
from chalicelib.db import meta

OUTBOX_SHARDS = 4


def outbox_pk(shard: int) -> str:
    return f"OUTBOX#{shard}"


def outbox_shard(message_id: str) -> str:
    import zlib

    return outbox_pk(zlib.crc32(message_id.encode()) % OUTBOX_SHARDS)


class OutboxItem(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    message_id = UnicodeAttribute()
    raw = BinaryAttribute(legacy_encoding=False)  # the MIME message, ready for SendRawEmail
    recipients = UnicodeAttribute()  # comma-separated, for operators
    subject = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    expires_at = NumberAttribute(null=True)


# --- external recipients (chalicelib/mail/recipients.py) --------------------------------------
#
# | pattern | key |
# |---|---|
# | has the address confirmed that it wants Vigil's mail | pk=`RCPT#<email>`, sk=`CONFIRMED` |
# | was the address asked within the last day (TTL) | pk=`RCPT#<email>`, sk=`ASKED` |
# | the address behind a confirmation link (TTL) | pk=`RCPTTOKEN#<hmac>`, sk=`TOKEN` |


def recipient_pk(email: str) -> str:
    return f"RCPT#{email.strip().lower()}"


class ConfirmedRecipient(Model):
    """An address outside an org that confirmed once (by link) that it wants Vigil's mail."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # RCPT#<email>
    sk = UnicodeAttribute(range_key=True, default="CONFIRMED")
    email = UnicodeAttribute()
    org_id = UnicodeAttribute()  # the org whose request was confirmed
    confirmed_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, email: str) -> tuple[str, str]:
        return recipient_pk(email), "CONFIRMED"


class RecipientAsked(Model):
    """A confirmation request went to the address: at most one a day, whichever org asks."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # RCPT#<email>
    sk = UnicodeAttribute(range_key=True, default="ASKED")
    expires_at = NumberAttribute()

    @classmethod
    def key(cls, email: str) -> tuple[str, str]:
        return recipient_pk(email), "ASKED"


class RecipientToken(Model):
    """The keyed hash of a confirmation link's token (never the token) and its address."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # RCPTTOKEN#<hmac-sha256 hex>
    sk = UnicodeAttribute(range_key=True, default="TOKEN")
    email = UnicodeAttribute()
    org_id = UnicodeAttribute()
    language = UnicodeAttribute(default="de")
    expires_at = NumberAttribute()

    @classmethod
    def key(cls, token_hash: str) -> tuple[str, str]:
        return f"RCPTTOKEN#{token_hash}", "TOKEN"
