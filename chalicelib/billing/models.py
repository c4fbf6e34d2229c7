"""The `billing` table: subscriptions (one per org).

| pattern | key / index |
|---|---|
| subscription of an org | pk=`ORG#<org>`, sk=`SUBSCRIPTION` |
| subscriptions a paying org pays for | GSI `by_payer`: gsi1pk=`PAYER#<org>`, gsi1sk=`ORG#<org>` |
| trials ending by a date | GSI `by_trial_end`: gsi2pk=`TRIAL#<shard>`, gsi2sk=`<trial_ends_at>#<org>` |
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.db import meta, register_table

TABLE = "billing"
TRIAL_SHARDS = 4


class ByPayerIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_payer"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByTrialEndIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_trial_end"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


@register_table
class Subscription(Model):
    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<org>
    sk = UnicodeAttribute(range_key=True, default="SUBSCRIPTION")
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)  # only while trialing
    gsi2sk = UnicodeAttribute(null=True)

    org_id = UnicodeAttribute()
    payer_org_id = UnicodeAttribute()
    plan = UnicodeAttribute()
    interval = UnicodeAttribute(default="month")
    status = UnicodeAttribute()  # trialing | active | canceled | expired | ended
    trial_ends_at = UTCDateTimeAttribute(null=True)
    current_period_start = UTCDateTimeAttribute(null=True)
    current_period_end = UTCDateTimeAttribute(null=True)
    cancel_at_period_end = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)

    by_payer = ByPayerIndex()
    by_trial_end = ByTrialEndIndex()

    @classmethod
    def key(cls, org_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", "SUBSCRIPTION"
