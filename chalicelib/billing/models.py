"""The `billing` table: subscriptions, invoices, the invoice number sequence and work lists.

One table, entity type selected by key prefix (never by a filter). Access patterns:

| pattern | key / index |
|---|---|
| subscription of an org | pk=`ORG#<org>`, sk=`SUBSCRIPTION` |
| subscriptions a paying org pays for | GSI `by_payer`: gsi1pk=`PAYER#<org>`, gsi1sk=`ORG#<org>` |
| trials ending by a date | GSI `by_trial_end`: gsi2pk=`TRIAL#<shard>`, gsi2sk=`<trial_ends_at>#<org>` |
| invoices of a paying org, newest first | pk=`INVOICES#<payer>`, sk=`<number>` (Query, descending) |
| one invoice of a paying org | pk=`INVOICES#<payer>`, sk=`<number>` (GetItem) |
| invoice number in use (unique, gapless) | pk=`INVOICE_NO#<number>`, sk=`NUMBER` |
| last invoice number of a year | pk=`INVOICE_SEQ#<year>`, sk=`SEQ` |
| paying orgs with paid subscriptions (billing run) | pk=`PAYERS#<shard>`, sk=`ORG#<payer>` (Query per shard) |
| invoices whose PDF/XML/mail are still to do | pk=`INVOICE_DOCS#<shard>`, sk=`<number>` (Query per shard) |
| progress of a billing run | pk=`BILLRUN#<date>`, sk=`RUN` |
| billing hold of a paying org (run may not invoice it) | pk=`ORG#<payer>`, sk=`BILLING_HOLD` (GetItem) |

The subscription owns the table schema (keys, GSIs); the other entities share it.
"""

from __future__ import annotations

import zlib
from datetime import date

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.db import meta, register_table

TABLE = "billing"
TRIAL_SHARDS = 4
PAYER_SHARDS = 4
DOCS_SHARDS = 4


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"


def trial_pk(shard: int) -> str:
    """``by_trial_end`` partition of a trial shard."""
    return f"TRIAL#{shard}"


def trial_shard(org_id: str) -> str:
    return trial_pk(zlib.crc32(org_id.encode()) % TRIAL_SHARDS)


def payer_partition(payer_org_id: str) -> str:
    """``by_payer`` partition: the subscriptions one org pays for."""
    return f"PAYER#{payer_org_id}"


def payers_pk(shard: int) -> str:
    """Partition of one shard of the billing run's work list."""
    return f"PAYERS#{shard}"


def payer_shard(payer_org_id: str) -> str:
    return payers_pk(zlib.crc32(payer_org_id.encode()) % PAYER_SHARDS)


def docs_pk(shard: int) -> str:
    """Partition of one shard of the invoices whose documents are still to do."""
    return f"INVOICE_DOCS#{shard}"


def docs_shard(number: str) -> str:
    return docs_pk(zlib.crc32(number.encode()) % DOCS_SHARDS)


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
    current_period_end = UTCDateTimeAttribute(null=True)  # == billed through (paid periods)
    cancel_at_period_end = BooleanAttribute(default=False)
    pending_plan = UnicodeAttribute(null=True)  # downgrade taking effect at period end
    pending_interval = UnicodeAttribute(null=True)
    discount_percent = UnicodeAttribute(null=True)  # fixed at order time (Decimal as text)
    period_invoice = UnicodeAttribute(null=True)  # number of the invoice billing the current period
    trial_reminded = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)

    by_payer = ByPayerIndex()
    by_trial_end = ByTrialEndIndex()

    @classmethod
    def key(cls, org_id: str) -> tuple[str, str]:
        return org_pk(org_id), "SUBSCRIPTION"


class Invoice(Model):
    """A finalized invoice or credit note. Amounts are decimal strings; lines and buyer are
    frozen JSON.

    Credit notes (``doc_type = "credit_note"``, EN 16931 type code 381) share the invoice number
    sequence and partition: one gapless range for every outgoing document, listed newest first.
    Their amounts are positive (what is credited) and ``corrects`` names the invoice they
    correct (BT-25, with its issue date ``corrects_issued_on`` as BT-26). A cancelled invoice
    carries ``cancelled_by`` (set in the credit note's transaction, at most once).
    """

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # INVOICES#<payer>
    sk = UnicodeAttribute(range_key=True)  # <number>
    number = UnicodeAttribute()
    payer_org_id = UnicodeAttribute()
    issued_at = UTCDateTimeAttribute()
    language = UnicodeAttribute(default="de")
    reason = UnicodeAttribute()  # order | upgrade | renewal | cancellation | correction | customer_deleted
    doc_type = UnicodeAttribute(null=True, default="invoice")  # invoice | credit_note (None: invoice)
    corrects = UnicodeAttribute(null=True)  # number of the invoice corrected (BT-25)
    corrects_issued_on = UnicodeAttribute(null=True)  # its issue date, ISO (BT-26)
    cancelled_by = UnicodeAttribute(null=True)  # the credit note cancelling this invoice
    buyer = JSONAttribute()
    seller = JSONAttribute()
    lines = JSONAttribute()
    purchase_order = UnicodeAttribute(null=True)  # the buyer's order number (BT-13)
    net = UnicodeAttribute()
    vat_rate = UnicodeAttribute()
    vat = UnicodeAttribute()
    gross = UnicodeAttribute()
    currency = UnicodeAttribute(default="EUR")
    tax_category = UnicodeAttribute()  # S | AE | O (EN 16931 VAT category)
    reverse_charge = BooleanAttribute(default=False)
    documents = UnicodeAttribute(default="pending")  # pending | stored
    mail_status = UnicodeAttribute(default="pending")  # pending | sent | queued
    mail_to = UnicodeAttribute(null=True)
    mailed_at = UTCDateTimeAttribute(null=True)

    @classmethod
    def key(cls, payer_org_id: str, number: str) -> tuple[str, str]:
        return cls.partition(payer_org_id), number

    @classmethod
    def partition(cls, payer_org_id: str) -> str:
        return f"INVOICES#{payer_org_id}"


class InvoiceNumber(Model):
    """Makes a number unique across all paying orgs (written with the invoice)."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # INVOICE_NO#<number>
    sk = UnicodeAttribute(range_key=True, default="NUMBER")
    payer_org_id = UnicodeAttribute()

    @classmethod
    def key(cls, number: str) -> tuple[str, str]:
        return f"INVOICE_NO#{number}", "NUMBER"


class InvoiceSequence(Model):
    """The last number handed out in a year; advanced only together with an invoice."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # INVOICE_SEQ#<year>
    sk = UnicodeAttribute(range_key=True, default="SEQ")
    last = NumberAttribute(default=0)

    @classmethod
    def key(cls, year: int) -> tuple[str, str]:
        return f"INVOICE_SEQ#{year}", "SEQ"


class PayerEntry(Model):
    """Work-list item: this org pays for at least one paid subscription (billing run input)."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # PAYERS#<shard>
    sk = UnicodeAttribute(range_key=True)  # ORG#<payer>
    payer_org_id = UnicodeAttribute()
    since = UTCDateTimeAttribute()

    @classmethod
    def key(cls, payer_org_id: str) -> tuple[str, str]:
        return payer_shard(payer_org_id), org_pk(payer_org_id)


class PendingDocuments(Model):
    """Work-list item: an invoice whose PDF/XML are not stored or whose mail is not queued."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # INVOICE_DOCS#<shard>
    sk = UnicodeAttribute(range_key=True)  # <number>
    payer_org_id = UnicodeAttribute()
    number = UnicodeAttribute()


class BillingRun(Model):
    """Progress of the billing run of one day: resumes at ``cursor`` until ``done``."""

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # BILLRUN#<yyyy-mm-dd>
    sk = UnicodeAttribute(range_key=True, default="RUN")
    cursor = UnicodeAttribute(null=True)  # "<shard>|<last payer done>"
    done = BooleanAttribute(default=False)
    invoices = NumberAttribute(default=0)
    started_at = UTCDateTimeAttribute()

    @classmethod
    def key(cls, day: date) -> tuple[str, str]:
        return f"BILLRUN#{day.isoformat()}", "RUN"


class BillingHold(Model):
    """The billing run held a paying org's due invoice: its data fails the order rules.

    Created (conditionally, so the admins are mailed once) by the run instead of an invoice;
    deleted in the transaction of the next invoice the run issues for that payer.
    """

    Meta = meta(TABLE)

    pk = UnicodeAttribute(hash_key=True)  # ORG#<payer>
    sk = UnicodeAttribute(range_key=True, default="BILLING_HOLD")
    payer_org_id = UnicodeAttribute()
    reason_code = UnicodeAttribute()  # pricing.BuyerProblem.code
    fields = JSONAttribute()  # profile fields to fix, e.g. ["vat_id"]
    since = UTCDateTimeAttribute()
    checked_at = UTCDateTimeAttribute()  # the last run that held it

    @classmethod
    def key(cls, payer_org_id: str) -> tuple[str, str]:
        return org_pk(payer_org_id), "BILLING_HOLD"
