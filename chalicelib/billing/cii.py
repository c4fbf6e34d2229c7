"""The EN 16931 e-invoice (UN/CEFACT CII) of an invoice, as Factur-X EN 16931 and as XRechnung.

Built from the stored invoice only, so the XML (the legal original) can be rebuilt byte for
byte. Element order follows the Factur-X 1.0 EN 16931 XSD. One document passes both the EN 16931
rules and the XRechnung 3.0 CIUS (German public buyers); the two flavors differ only in the
specification identifier BT-24 (``FACTURX`` for the XML inside the PDF, ``XRECHNUNG`` for the
pure XML download). Business rules that shape it:

- BR-O-02 (no seller/buyer VAT ID on "not subject to VAT" invoices — the tax number is given
  instead), BR-AE-02 (both VAT IDs on reverse-charge invoices), BR-27 (prices are never
  negative: credits carry quantity −1);
- BR-DE-2/5/6/7: a seller contact (BG-6: name, phone, e-mail); BR-DE-15: a buyer reference
  (BT-10 — the buyer's Leitweg-ID or reference, else its org id);
- PEPPOL-EN16931-R001: the business process (BT-23); PEPPOL-EN16931-R010: the buyer's
  electronic address (BT-49, its billing e-mail);
- credit notes: type code 381 with positive amounts (what is credited), the corrected invoice
  as BT-25 with its date BT-26 (``ram:InvoiceReferencedDocument``; corrected invoices carry it too);
- BR-DE-14: a VAT rate in every VAT breakdown, also 0 for "not subject to VAT" — while BR-O-05
  keeps the rate off the lines of such invoices.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from chalicelib.billing import pricing, texts

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
FACTURX = "urn:cen.eu:en16931:2017"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
COMMERCIAL_INVOICE = "380"
CREDIT_NOTE = "381"
#: BT-23, the Peppol billing process the XRechnung rules (PEPPOL-EN16931-R001) ask for
BUSINESS_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def _d102(value: date) -> str:
    return value.strftime("%Y%m%d")


def build_xml(invoice: Any, specification: str = FACTURX) -> bytes:
    """The CII XML; ``specification`` (BT-24) is ``FACTURX`` or ``XRECHNUNG``."""
    from lxml import etree

    nsmap = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

    def el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        prefix, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{nsmap[prefix]}}}{name}", **attrs)
        if text is not None:
            node.text = text
        return node

    def date_el(parent: Any, tag: str, value: date) -> None:
        el(el(parent, tag), "udt:DateTimeString", _d102(value), format="102")

    def period(parent: Any, start: str, end: str) -> None:
        p = el(parent, "ram:BillingSpecifiedPeriod")
        date_el(p, "ram:StartDateTime", date.fromisoformat(start))
        date_el(p, "ram:EndDateTime", date.fromisoformat(end))

    lang = invoice.language
    category = invoice.tax_category
    rate = Decimal(invoice.vat_rate)
    seller = invoice.seller
    buyer = invoice.buyer
    issued = pricing.business_date(invoice.issued_at)
    lines = list(invoice.lines)

    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=nsmap)
    ctx = el(root, "rsm:ExchangedDocumentContext")
    el(el(ctx, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", BUSINESS_PROCESS)
    el(el(ctx, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", specification)

    doc = el(root, "rsm:ExchangedDocument")
    el(doc, "ram:ID", invoice.number)
    credit_note = getattr(invoice, "doc_type", None) == "credit_note"
    el(doc, "ram:TypeCode", CREDIT_NOTE if credit_note else COMMERCIAL_INVOICE)
    date_el(doc, "ram:IssueDateTime", issued)
    note = texts.tax_note(lang, category)
    if note:
        el(el(doc, "ram:IncludedNote"), "ram:Content", note)
    if getattr(invoice, "corrects", None):
        el(el(doc, "ram:IncludedNote"), "ram:Content", texts.correction_note(lang, invoice))

    tx = el(root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(lines, start=1):
        item = el(tx, "ram:IncludedSupplyChainTradeLineItem")
        el(el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        el(el(item, "ram:SpecifiedTradeProduct"), "ram:Name", texts.line_description(lang, line))
        agreement = el(item, "ram:SpecifiedLineTradeAgreement")
        list_price = abs(Decimal(line["list_price"]))
        discount = abs(Decimal(line["discount"]))
        gross_price = el(agreement, "ram:GrossPriceProductTradePrice")
        el(gross_price, "ram:ChargeAmount", f"{list_price:.2f}")
        if discount:
            allowance = el(gross_price, "ram:AppliedTradeAllowanceCharge")
            el(el(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
            el(allowance, "ram:ActualAmount", f"{discount:.2f}")
        el(el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", f"{list_price - discount:.2f}")
        quantity = "-1" if line.get("kind") == "credit" else "1"  # "unused" days credited: 1
        el(el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", quantity, unitCode="C62")
        settlement = el(item, "ram:SpecifiedLineTradeSettlement")
        tax = el(settlement, "ram:ApplicableTradeTax")
        el(tax, "ram:TypeCode", "VAT")
        el(tax, "ram:CategoryCode", category)
        if category != "O":
            el(tax, "ram:RateApplicablePercent", f"{rate:.2f}")
        period(settlement, line["period_start"], line["period_end"])
        el(
            el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
            "ram:LineTotalAmount",
            line["net"],
        )

    agreement = el(tx, "ram:ApplicableHeaderTradeAgreement")
    el(agreement, "ram:BuyerReference", buyer.get("buyer_reference") or buyer["org_id"])
    s = el(agreement, "ram:SellerTradeParty")
    el(s, "ram:Name", seller["name"])
    if seller.get("register_id"):
        el(el(s, "ram:SpecifiedLegalOrganization"), "ram:ID", seller["register_id"])
    if seller.get("contact") or seller.get("phone"):
        contact = el(s, "ram:DefinedTradeContact")
        if seller.get("contact"):
            el(contact, "ram:PersonName", seller["contact"])
        if seller.get("phone"):
            el(el(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", seller["phone"])
        el(el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", seller["email"])
    _address(
        el,
        s,
        seller.get("postal_code"),
        seller.get("street"),
        seller.get("city"),
        seller.get("country") or "DE",
    )
    el(el(s, "ram:URIUniversalCommunication"), "ram:URIID", seller["email"], schemeID="EM")
    el(el(s, "ram:SpecifiedTaxRegistration"), "ram:ID", seller["tax_number"], schemeID="FC")
    if category != "O":
        el(el(s, "ram:SpecifiedTaxRegistration"), "ram:ID", seller["vat_id"], schemeID="VA")
    b = el(agreement, "ram:BuyerTradeParty")
    el(b, "ram:Name", buyer["name"])
    addr = buyer.get("address") or {}
    _address(
        el, b, addr.get("postal_code"), addr.get("street"), addr.get("city"), addr.get("country") or "DE"
    )
    # the billing e-mail; invoices of a payer that had none carry the address the mail went to
    electronic_address = buyer.get("billing_email") or buyer.get("electronic_address")
    if electronic_address:
        el(el(b, "ram:URIUniversalCommunication"), "ram:URIID", electronic_address, schemeID="EM")
    if buyer.get("vat_id") and category != "O":
        el(el(b, "ram:SpecifiedTaxRegistration"), "ram:ID", buyer["vat_id"], schemeID="VA")
    if invoice.purchase_order:
        el(el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", invoice.purchase_order)

    el(tx, "ram:ApplicableHeaderTradeDelivery")

    settle = el(tx, "ram:ApplicableHeaderTradeSettlement")
    el(settle, "ram:PaymentReference", invoice.number)
    el(settle, "ram:InvoiceCurrencyCode", invoice.currency)
    means = el(settle, "ram:SpecifiedTradeSettlementPaymentMeans")
    el(means, "ram:TypeCode", "58")
    el(el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", seller["iban"])
    el(el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", seller["bic"])
    tax = el(settle, "ram:ApplicableTradeTax")
    el(tax, "ram:CalculatedAmount", invoice.vat)
    el(tax, "ram:TypeCode", "VAT")
    if note:
        el(tax, "ram:ExemptionReason", note)
    el(tax, "ram:BasisAmount", invoice.net)
    el(tax, "ram:CategoryCode", category)
    if category == "AE":
        el(tax, "ram:ExemptionReasonCode", "VATEX-EU-AE")
    elif category == "O":
        el(tax, "ram:ExemptionReasonCode", "VATEX-EU-O")
    el(tax, "ram:RateApplicablePercent", f"{rate:.2f}")  # 0.00 for O (BR-DE-14)
    if lines:
        period(settle, min(x["period_start"] for x in lines), max(x["period_end"] for x in lines))
    terms = el(settle, "ram:SpecifiedTradePaymentTerms")
    el(terms, "ram:Description", texts.payment_terms(lang, invoice))
    date_el(terms, "ram:DueDateDateTime", issued + timedelta(days=14))
    sums = el(settle, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    el(sums, "ram:LineTotalAmount", invoice.net)
    el(sums, "ram:TaxBasisTotalAmount", invoice.net)
    el(sums, "ram:TaxTotalAmount", invoice.vat, currencyID=invoice.currency)
    el(sums, "ram:GrandTotalAmount", invoice.gross)
    el(sums, "ram:DuePayableAmount", invoice.gross)
    if getattr(invoice, "corrects", None):
        # BT-25/BT-26: the invoice this credit note (or corrected invoice) corrects
        ref = el(settle, "ram:InvoiceReferencedDocument")
        el(ref, "ram:IssuerAssignedID", invoice.corrects)
        if invoice.corrects_issued_on:
            el(
                el(ref, "ram:FormattedIssueDateTime"),
                "qdt:DateTimeString",
                _d102(date.fromisoformat(invoice.corrects_issued_on)),
                format="102",
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _address(
    el: Any, party: Any, postal_code: str | None, street: str | None, city: str | None, country: str
) -> None:
    a = el(party, "ram:PostalTradeAddress")
    if postal_code:
        el(a, "ram:PostcodeCode", postal_code)
    if street:
        el(a, "ram:LineOne", street)
    if city:
        el(a, "ram:CityName", city)
    el(a, "ram:CountryID", country)
