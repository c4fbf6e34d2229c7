"""The seed's story: a partner orders a paid plan for its linked customer and gets the invoice."""

from __future__ import annotations

from chalicelib import clock
from tests.billing.conftest import at, new_customer, stored
from tests.support import PASSWORD, mails
from tests.support.pdf import pdf_text
from tests.support.world import order


def test_partner_orders_basic_for_customer_and_receives_the_invoice(api, partner):
    # GIVEN a partner (billing e-mail rechnung@steine.example) and its customer supported by it
    clock.set_now(at("2026-11-01T09:00:00"))
    customer = new_customer(api, partner, support_by="partner")
    from chalicelib import admin

    admin.add_user(customer, "chefin@stein-mehr.example", "admin", PASSWORD)
    customer_token = api.login("chefin@stein-mehr.example")

    # WHEN the partner orders basic ("Zahlungspflichtig bestellen")
    r = order(api, partner.token, customer)

    # THEN the subscription is active and the answer carries the invoice with 30 % discount
    assert r.status == 201, r
    invoice = r.json["invoice"]
    assert r.json["subscription"]["status"] == "active"
    assert invoice["number"] == "VIG-2026-000001"
    assert invoice["lines"][0]["org_id"] == customer
    assert invoice["lines"][0]["list_price"] == "49.00"
    assert invoice["lines"][0]["discount_percent"] == "30"
    assert invoice["lines"][0]["net"] == "34.30"
    assert (invoice["net"], invoice["vat_rate"], invoice["vat"], invoice["gross"]) == (
        "34.30",
        "19",
        "6.52",
        "40.82",
    )
    assert invoice["buyer"]["org_id"] == partner.org_id
    sub = api.get(f"/orgs/{customer}/subscription", partner.token)
    assert sub.status == 200 and sub.json["status"] == "active" and sub.json["plan"] == "basic"

    # … listed in the partner's own org, with download URLs on the detail
    listed = api.get(f"/orgs/{partner.org_id}/invoices", partner.token)
    assert listed.status == 200
    assert [i["number"] for i in listed.json["items"]] == ["VIG-2026-000001"]
    detail = api.get(f"/orgs/{partner.org_id}/invoices/VIG-2026-000001", partner.token)
    assert detail.status == 200 and detail.json["pdf_url"] and detail.json["xml_url"]
    assert detail.json["mail_status"] == "sent"

    # … mailed with the PDF to the partner's billing address
    sent = mails("rechnung@steine.example")
    assert len(sent) == 1
    assert list(sent[0].attachments) == ["VIG-2026-000001.pdf"]
    attached = sent[0].attachments["VIG-2026-000001.pdf"]
    assert attached == stored("VIG-2026-000001", "pdf")
    assert "VIG-2026-000001" in pdf_text(attached)

    # … and the customer's admin sees neither subscription nor invoice
    assert api.get(f"/orgs/{customer}/subscription", customer_token).status == 403
    assert order(api, customer_token, customer, key="k-c").status == 403
    assert api.get(f"/orgs/{customer}/invoices/VIG-2026-000001", customer_token).status == 403
    assert api.get(f"/orgs/{partner.org_id}/invoices/VIG-2026-000001", customer_token).status == 404


def test_vendor_supported_customer_gets_20_percent(api, partner):
    clock.set_now(at("2026-11-01T09:00:00"))
    customer = new_customer(api, partner, support_by="vendor")
    r = order(api, partner.token, customer, plan="professional")
    assert r.status == 201, r
    line = r.json["invoice"]["lines"][0]
    assert (line["list_price"], line["discount_percent"], line["discount"], line["net"]) == (
        "149.00",
        "20",
        "29.80",
        "119.20",
    )


def test_plans_catalog_is_public(api):
    r = api.get("/plans")
    assert r.status == 200
    by_id = {p["id"]: p for p in r.json["items"]}
    assert by_id["basic"]["price"] == {"month": "49.00", "year": "490.00", "currency": "EUR", "net": True}
    assert by_id["enterprise"]["limits"] == {"endpoints": 250, "hosts": 100, "min_interval_minutes": 1}
    assert by_id["trial"]["trial_days"] == 14 and not by_id["trial"]["orderable"]
    assert r.json["partner_discount_percent"] == {"partner": "30", "vendor": "20"}
