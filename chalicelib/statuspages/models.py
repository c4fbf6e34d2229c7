"""A status page is one item of the `core` table, keyed by its public slug.

The slug is the page's identity (immutable; globally unique because it is the partition key, so a
conditional put is the uniqueness check). The item holds the configuration and the last public
snapshot, so that a public request needs at most one GetItem and the snapshot is rebuilt at
most once a minute per page.

| pattern | key / index |
|---|---|
| page by slug (public + management) | pk=`SPAGE#<slug>`, sk=`PAGE` |
| pages of an org (list, purge) | GSI `by_partner`: gsi1pk=`SPAGES#<org>`, gsi1sk=`<created_at>#<slug>` |
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from chalicelib.core_table import TABLE, ByPartnerIndex
from chalicelib.db import meta

SK = "PAGE"


class Note(MapAttribute):
    """An incident note written by the org for the public page (plain text, never HTML)."""

    note_id = UnicodeAttribute()
    text = UnicodeAttribute()
    posted_at = UnicodeAttribute()  # ISO UTC


class StatusPage(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=SK)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()

    slug = UnicodeAttribute()
    org_id = UnicodeAttribute()
    title = UnicodeAttribute()
    language = UnicodeAttribute(default="de")
    endpoints: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]  # PynamoDB types `of` as the element type (pynamodb#1221)
    hosts: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]  # PynamoDB types `of` as the element type (pynamodb#1221)
    show_response_times = BooleanAttribute(default=False)
    notes: ListAttribute[Any] = ListAttribute(of=Note, default=list)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)
    # the public view, compressed JSON (base64), and when it was built (epoch seconds)
    snapshot = UnicodeAttribute(null=True)
    snapshot_at = NumberAttribute(null=True)

    by_org = ByPartnerIndex()

    @classmethod
    def key(cls, slug: str) -> tuple[str, str]:
        return f"SPAGE#{slug}", SK

    @classmethod
    def org_partition(cls, org_id: str) -> str:
        return f"SPAGES#{org_id}"
