"""The `core` table: organisations, memberships, users, audit entries, idempotency records.

One table, entity type selected by key prefix (never by a filter). Access patterns:

| pattern | key / index |
|---|---|
| org profile by id | pk=`ORG#<org>`, sk=`ORG` |
| members of an org | pk=`ORG#<org>`, sk begins_with `MEMBER#` |
| one membership | pk=`ORG#<org>`, sk=`MEMBER#<user>` |
| orgs a user belongs to (`/me`) | GSI `by_user`: gsi2pk=`USER#<user>` |
| linked customers of a partner | GSI `by_partner`: gsi1pk=`PARTNER#<partner>`, gsi1sk=`<name>#<org>` |
| user by id | pk=`USER#<user>`, sk=`USER` |
| user id by e-mail (unique) | pk=`EMAIL#<email>`, sk=`EMAIL` |
| idempotency record | pk=`IDEM#<scope>#<key>`, sk=`IDEM` (TTL) |
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import SchemaOwner, meta, register_table

TABLE = "core"


class ByPartnerIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_partner"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByUserIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


@register_table
class CoreTable(SchemaOwner):
    """Schema owner of the table (keys, GSIs, TTL); entity models below share it."""

    Meta = meta(TABLE)
    ttl_attribute = "expires_at"

    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)

    by_partner = ByPartnerIndex()
    by_user = ByUserIndex()


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"
