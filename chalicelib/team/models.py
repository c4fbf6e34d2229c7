"""Membership, user and e-mail items in the `core` table."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core_table import TABLE, ByUserIndex, org_pk
from chalicelib.db import meta

MEMBER_PREFIX = "MEMBER#"


class Membership(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # MEMBER#<user>
    gsi2pk = UnicodeAttribute()  # USER#<user>
    gsi2sk = UnicodeAttribute()  # ORG#<org>

    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()  # guest | admin
    added_at = UTCDateTimeAttribute()
    added_by = UnicodeAttribute(null=True)

    by_user = ByUserIndex()

    @classmethod
    def key(cls, org_id: str, user_id: str) -> tuple[str, str]:
        return org_pk(org_id), f"{MEMBER_PREFIX}{user_id}"

    @classmethod
    def user_partition(cls, user_id: str) -> str:
        """``by_user`` partition: the memberships of one user."""
        return f"USER#{user_id}"

    @classmethod
    def build(
        cls, org_id: str, user_id: str, email: str, role: str, added_at: object, added_by: str | None
    ) -> Membership:
        pk, sk = cls.key(org_id, user_id)
        return cls(
            pk,
            sk,
            gsi2pk=cls.user_partition(user_id),
            gsi2sk=org_pk(org_id),
            org_id=org_id,
            user_id=user_id,
            email=email,
            role=role,
            added_at=added_at,
            added_by=added_by,
        )


class User(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # USER#<user>
    sk = UnicodeAttribute(range_key=True, default="USER")
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "USER"


class EmailIndex(Model):
    """Makes e-mail addresses unique and maps them to user ids."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # EMAIL#<email>
    sk = UnicodeAttribute(range_key=True, default="EMAIL")
    user_id = UnicodeAttribute()

    @classmethod
    def key(cls, email: str) -> tuple[str, str]:
        return f"EMAIL#{email.lower()}", "EMAIL"
