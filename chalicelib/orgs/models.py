"""Org profile and org-deletion work items in the `core` table.

Access patterns (see also ``chalicelib.core_table``):

| pattern | key |
|---|---|
| org profile by id | pk=`ORG#<org>`, sk=`ORG` (status `active` → visible; `pending` (signup not yet confirmed) and `deleting` → 404 for all) |
| org deletions still to purge, oldest first | pk=`PURGE`, sk=`<requested_at>#<org>` (Query) |
| members removed by an org deletion, users still to check | pk=`ORG#<org>`, sk begins_with `LEFT#` (Query) |
| pending signup by e-mail address | pk=`SIGNUP#<email>`, sk=`SIGNUP` (TTL backstop) |
| pending signups expiring on a day, oldest first | pk=`SIGNUPS#<yyyy-mm-dd>`, sk=`<valid_until>#<email>` (Query, TTL backstop) |
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from chalicelib.core_table import TABLE, ByPartnerIndex, org_pk
from chalicelib.db import meta

ORG_SK = "ORG"


class Address(MapAttribute):
    street = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)


class SupportData(MapAttribute):
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    hours = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)


class Org(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=ORG_SK)
    gsi1pk = UnicodeAttribute(null=True)  # PARTNER#<partner> for linked customers
    gsi1sk = UnicodeAttribute(null=True)

    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute(default="customer")  # partner | customer
    partner_id = UnicodeAttribute(null=True)  # set iff linked to a partner
    support_by = UnicodeAttribute(default="vendor")  # partner | vendor
    language = UnicodeAttribute(default="de")
    time_zone = UnicodeAttribute(null=True)  # IANA name; None (older orgs) = Europe/Berlin
    address = Address(null=True)
    billing_email = UnicodeAttribute(null=True)
    vat_id = UnicodeAttribute(null=True)
    buyer_reference = UnicodeAttribute(null=True)  # Leitweg-ID or the buyer's reference (BT-10)
    support = SupportData(null=True)  # a partner's own support contact
    status = UnicodeAttribute(default="active")  # active | pending (unconfirmed signup) | deleting
    deleted_at = UTCDateTimeAttribute(null=True)
    deleted_by = UnicodeAttribute(null=True)
    admin_count = NumberAttribute(default=0)  # guards "the last admin stays"
    require_mfa = BooleanAttribute(null=True)  # members need two-factor auth (auth/access.py)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)
    expires_at = NumberAttribute(null=True)  # TTL backstop of a pending org only

    by_partner = ByPartnerIndex()

    @property
    def linked(self) -> bool:
        return bool(self.partner_id)

    @property
    def paying_org_id(self) -> str:
        """Who is invoiced: the partner for a linked customer, else the org itself."""
        return self.partner_id or self.org_id

    @classmethod
    def key(cls, org_id: str) -> tuple[str, str]:
        return org_pk(org_id), ORG_SK

    @staticmethod
    def partner_partition(partner_id: str) -> str:
        """``by_partner`` partition: the customers linked to a partner."""
        return f"PARTNER#{partner_id}"

    @staticmethod
    def partner_sort_key(name: str, org_id: str) -> str:
        """``by_partner`` sort key: customers listed by name."""
        return f"{name.casefold()[:100]}#{org_id}"

    @property
    def zone(self) -> str:
        """The org's IANA time zone for what people read (default Europe/Berlin)."""
        from chalicelib.i18n import DEFAULT_TIME_ZONE

        return self.time_zone or DEFAULT_TIME_ZONE

    def address_dict(self) -> dict[str, Any]:
        a = self.address
        return {
            "street": a.street if a else None,
            "postal_code": a.postal_code if a else None,
            "city": a.city if a else None,
            "country": a.country if a else None,
        }


PURGE_PK = "PURGE"
DEPARTED_PREFIX = "LEFT#"


class PurgeJob(Model):
    """One org whose data the purge job still has to delete (the work list).

    Written in the DELETE transaction, removed once every purger reports the org gone. The
    work list is small (deletions are rare), so one partition keeps the Query trivial.
    """

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True, default=PURGE_PK)
    sk = UnicodeAttribute(range_key=True)  # <requested_at iso>#<org>
    org_id = UnicodeAttribute()
    requested_at = UTCDateTimeAttribute()
    requested_by = UnicodeAttribute()
    runs = NumberAttribute(default=0)

    @classmethod
    def build(cls, org_id: str, requested_at: Any, requested_by: str) -> PurgeJob:
        from chalicelib.clock import iso

        return cls(
            PURGE_PK,
            f"{iso(requested_at)}#{org_id}",
            org_id=org_id,
            requested_at=requested_at,
            requested_by=requested_by,
        )


class DepartedMember(Model):
    """A membership removed by deleting its org; the purge deletes the user if it has no other org.

    Written in the DELETE transaction with the membership's deletion, so the purge knows whose
    user items and pool accounts to check even though the memberships are gone already.
    """

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True)  # LEFT#<user>
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()

    @classmethod
    def build(cls, org_id: str, user_id: str, email: str) -> DepartedMember:
        return cls(org_pk(org_id), f"{DEPARTED_PREFIX}{user_id}", user_id=user_id, email=email)


SIGNUP_SK = "SIGNUP"


class PendingSignup(Model):
    """A signup whose e-mail address is not confirmed yet (``chalicelib.orgs.signup``).

    Holds the pool user's id, the pending org and the keyed hash of the mailed code (never the
    code). ``valid_until`` ends it (24 h); the hourly purge then deletes it with its pool user and
    org, found through its ``SignupExpiry`` bucket item. ``expires_at`` (TTL) is only a backstop.
    """

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # SIGNUP#<email>
    sk = UnicodeAttribute(range_key=True, default=SIGNUP_SK)
    email = UnicodeAttribute()
    user_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    language = UnicodeAttribute(default="de")
    code_hash = UnicodeAttribute()
    salt = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    expires_at = NumberAttribute()

    @classmethod
    def key(cls, email: str) -> tuple[str, str]:
        return f"SIGNUP#{email.strip().lower()}", SIGNUP_SK


class SignupExpiry(Model):
    """Bucket entry listing a pending signup under the day its ``valid_until`` falls on: the
    purge queries a few day partitions (``sk <= now``) instead of scanning."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # SIGNUPS#<yyyy-mm-dd>
    sk = UnicodeAttribute(range_key=True)  # <valid_until iso>#<email>
    email = UnicodeAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def partition(day: Any) -> str:
        return f"SIGNUPS#{day.isoformat()}"

    @classmethod
    def key(cls, email: str, valid_until: Any) -> tuple[str, str]:
        from chalicelib.clock import iso

        return cls.partition(valid_until.date()), f"{iso(valid_until)}#{email.strip().lower()}"
