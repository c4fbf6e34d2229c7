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
