"""Deleting a linked customer with a paid period: confirm first, then a credit note for the
unused whole days goes to the partner (the payer).

By hand — Professional yearly ordered on 1 Nov 2026 by a partner (30 %): list 1,490.00,
discount 447.00, net 1,043.00, VAT 198.17, gross 1,241.17 (invoice VIG-2026-000001, period
01.11.2026–31.10.2027, 365 days). Deleted on 10 Nov 2026: that day counts as used, 11 Nov 2026 –
31 Oct 2027 are 355 unused days: list 1,490 × 355 / 365 = 1,449.178… → 1,449.18; discount 30 %
434.754 → 434.75; net 1,014.43; VAT 19 % 192.7417 → 192.74; gross 1,207.17.
"""

from __future__ import annotations

from lxml import etree

from chalicelib import clock
from tests.billing.conftest import at, new_customer, new_partner
from tests.billing.test_xrechnung import stored
from tests.support import mails
from tests.support.pdf import pdf_text
from tests.support.world import order

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


def test_deleting_a_paid_customer_needs_confirmation_and_credits_the_unused_days(api):
    from chalicelib.billing.models import Subscription

    # GIVEN a customer on Professional yearly since 1 Nov
    clock.set_now(at("2026-11-01T09:00:00"))
    partner = new_partner(api)
    customer = new_customer(api, partner, "Kunde Jährlich")
    r = order(api, partner.token, customer, plan="professional", interval="year")
    assert r.status == 201 and r.json["invoice"]["gross"] == "1241.17", r

    # WHEN the partner deletes it on 10 Nov without confirming
    clock.set_now(at("2026-11-10T10:00:00"))
    r = api.delete(f"/orgs/{customer}", partner.token)

    # THEN 409 names the subscription; nothing changed, no credit note
    assert r.status == 409, r
    assert r.json["code"] == "paid_subscription_unconfirmed"
    assert r.json["subscription"]["org_name"] == "Kunde Jährlich"
    assert r.json["subscription"]["plan"] == "professional"
    assert r.json["subscription"]["unused_days"] == 355
    assert r.json["subscription"]["last_paid_day"] == "2027-10-31"
    assert api.get(f"/orgs/{customer}", partner.token).status == 200
    assert len(api.get(f"/orgs/{partner.org_id}/invoices", partner.token).json["items"]) == 1

    # a body that is not the confirmation is refused as such
    assert api.delete(f"/orgs/{customer}", partner.token, json_body={"confirm": True}).status == 400

    # WHEN it confirms
    r = api.delete(f"/orgs/{customer}", partner.token, json_body={"confirm_paid_subscription": True})

    # THEN the customer is gone and the partner has a credit note for 355 days
    assert r.status == 202, r
    assert r.json["credit_note"] == "VIG-2026-000002"
    assert api.get(f"/orgs/{customer}", partner.token).status == 404
    assert Subscription.count(Subscription.key(customer)[0]) == 0
    note = api.get(f"/orgs/{partner.org_id}/invoices/VIG-2026-000002", partner.token).json
    assert note["type"] == "credit_note" and note["corrects"] == "VIG-2026-000001"
    assert note["reason"] == "customer_deleted"
    (line,) = note["lines"]
    assert (line["period_start"], line["period_end"]) == ("2026-11-11", "2027-10-31")
    assert (line["list_price"], line["discount"], line["net"]) == ("1449.18", "434.75", "1014.43")
    assert (note["net"], note["vat"], note["gross"]) == ("1014.43", "192.74", "1207.17")

    # the XML is a credit note (381) for the original; the PDF and the mail say so in German
    xml = etree.fromstring(stored("VIG-2026-000002", "xml"))
    assert xml.xpath("//rsm:ExchangedDocument/ram:TypeCode/text()", namespaces=NS) == ["381"]
    assert xml.xpath("//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()", namespaces=NS) == [
        "VIG-2026-000001"
    ]
    text = pdf_text(stored("VIG-2026-000002", "pdf"))
    assert "Nicht genutzte Tage: Vigil Professional (jährlich) – Kunde: Kunde Jährlich" in text
    assert "11.11.2026 – 31.10.2027" in text and "1.207,17 €" in text
    sent = [m for m in mails("rechnung@steine.example") if "VIG-2026-000002" in m.subject]
    assert len(sent) == 1 and "1.207,17 €" in sent[0].text

    # the partner's audit log records the deletion with the credit note
    entries = api.get(f"/orgs/{partner.org_id}/audit", partner.token).json["items"]
    deleted = [e for e in entries if e["action"] == "customer.deleted"]
    assert deleted and deleted[0]["details"]["credit_note"] == "VIG-2026-000002"


def test_a_trial_or_an_unpaid_customer_is_deleted_without_confirmation(api):
    clock.set_now(at("2026-11-01T09:00:00"))
    partner = new_partner(api)
    trial = new_customer(api, partner, "Nur Test")
    assert api.delete(f"/orgs/{trial}", partner.token).status == 202

    # a monthly customer deleted on the last day of its period: no whole day is left
    paid = new_customer(api, partner, "Monatskunde")
    assert order(api, partner.token, paid).status == 201
    clock.set_now(at("2026-11-30T18:00:00"))
    r = api.delete(f"/orgs/{paid}", partner.token)
    assert r.status == 202 and "credit_note" not in r.json, r
    assert len(api.get(f"/orgs/{partner.org_id}/invoices", partner.token).json["items"]) == 1
