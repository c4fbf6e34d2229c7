"""Invoice wording in German and English (PDF labels, notes, mails)."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Rechnung",
        "number": "Rechnungsnummer",
        "issued": "Rechnungsdatum",
        "period": "Leistungszeitraum",
        "buyer": "Rechnungsempfänger",
        "seller": "Rechnungssteller",
        "vat_id": "USt-IdNr.",
        "tax_number": "Steuernummer",
        "pos": "Pos.",
        "description": "Leistung",
        "list_price": "Listenpreis",
        "discount": "Rabatt",
        "net": "Netto",
        "net_total": "Summe netto",
        "vat": "Umsatzsteuer",
        "gross": "Gesamtbetrag (brutto)",
        "payment": "Zahlbar ohne Abzug innerhalb von "
        "{days} Tagen per Überweisung unter Angabe der Rechnungsnummer.",
        "bank": "Bankverbindung",
        "credit": "Verrechnung nicht genutzter Tage",
        "credit_from": "Verrechnung nicht genutzter Tage aus Rechnung {number}",
        "customer": "Kunde",
        "plan": "Tarif",
        "monthly": "monatlich",
        "yearly": "jährlich",
        "reverse_charge": "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge "
        "(§ 13b UStG, Art. 196 MwStSystRL).",
        "not_taxable": "Nicht im Inland steuerbare Leistung (§ 3a Abs. 2 UStG); die Steuer "
        "schuldet gegebenenfalls der Leistungsempfänger nach dem Recht seines "
        "Landes.",
        "email": "E-Mail",
        "phone": "Telefon",
        "buyer_reference": "Ihre Referenz / Leitweg-ID",
        "purchase_order": "Ihre Bestellnummer",
    },
    "en": {
        "title": "Invoice",
        "number": "Invoice number",
        "issued": "Invoice date",
        "period": "Service period",
        "buyer": "Bill to",
        "seller": "Issued by",
        "vat_id": "VAT ID",
        "tax_number": "Tax number",
        "pos": "No.",
        "description": "Service",
        "list_price": "List price",
        "discount": "Discount",
        "net": "Net",
        "net_total": "Total net",
        "vat": "VAT",
        "gross": "Total (gross)",
        "payment": "Payable without deduction within {days} days by "
        "bank transfer quoting the invoice number.",
        "bank": "Bank details",
        "credit": "Offset of unused days",
        "credit_from": "Offset of unused days from invoice {number}",
        "customer": "Customer",
        "plan": "Plan",
        "monthly": "monthly",
        "yearly": "yearly",
        "reverse_charge": "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge "
        "(Art. 196 VAT Directive): VAT is due from the recipient.",
        "not_taxable": "Not taxable in Germany (§ 3a (2) UStG): service supplied to a business "
        "outside the EU; any tax is due from the recipient under local law.",
        "email": "E-mail",
        "phone": "Phone",
        "buyer_reference": "Your reference / Leitweg-ID",
        "purchase_order": "Your purchase order",
    },
}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def tax_note(language: str, category: str) -> str:
    key = {"AE": "reverse_charge", "O": "not_taxable"}.get(category)
    return labels(language)[key] if key else ""


def line_description(language: str, line: dict[str, Any]) -> str:
    lab = labels(language)
    interval = lab["yearly"] if line.get("interval") == "year" else lab["monthly"]
    text = f"Vigil {line['plan'].capitalize()} ({interval}) – {lab['customer']}: {line['org_name']}"
    if line.get("kind") == "credit":
        offsets = line.get("offsets_invoice")
        head = lab["credit_from"].format(number=offsets) if offsets else lab["credit"]
        text = f"{head}: {text}"
    return text


def invoice_mail(invoice: Any) -> tuple[str, str]:
    lang = invoice.language if invoice.language in LABELS else "en"
    seller = invoice.seller
    if lang == "de":
        subject = f"Ihre Rechnung {invoice.number} von {seller['name']}"
        text = (
            f"Guten Tag,\n\nanbei erhalten Sie die Rechnung {invoice.number} über "
            f"{invoice.gross} {invoice.currency} (brutto).\n"
            f"Die PDF-Datei enthält die elektronische Rechnung (ZUGFeRD/Factur-X, EN 16931).\n\n"
            f"Mit freundlichen Grüßen\n{seller['name']}\n"
        )
    else:
        subject = f"Your invoice {invoice.number} from {seller['name']}"
        text = (
            f"Hello,\n\nplease find attached invoice {invoice.number} for "
            f"{invoice.gross} {invoice.currency} (gross).\n"
            f"The PDF carries the electronic invoice (ZUGFeRD/Factur-X, EN 16931).\n\n"
            f"Kind regards\n{seller['name']}\n"
        )
    return subject, text


def trial_reminder(language: str, org_name: str, ends: str) -> tuple[str, str]:
    if language == "de":
        return (
            f"Vigil: Testphase von {org_name} endet am {ends}",
            f"Guten Tag,\n\ndie 14-tägige Testphase der Organisation „{org_name}“ endet am "
            f"{ends}. Danach pausiert die Überwachung, bis ein Tarif zahlungspflichtig "
            f"bestellt wird. Es werden keine Daten gelöscht.\n\nIhr Vigil-Team\n",
        )
    return (
        f"Vigil: trial of {org_name} ends on {ends}",
        f"Hello,\n\nthe 14-day trial of the organisation “{org_name}” ends on {ends}. "
        f"Monitoring then pauses until a paid plan is ordered. No data is deleted.\n\n"
        f"Your Vigil team\n",
    )
