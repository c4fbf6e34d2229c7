"""Invoice wording in German and English (PDF labels, notes, mails)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

#: days until an invoice is due
PAYMENT_DAYS = 14

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
        "credit_note_title": "Rechnungskorrektur (Stornorechnung)",
        "corrected_title": "Rechnung (Korrektur)",
        "credit_note_number": "Nummer",
        "credit_note_date": "Datum",
        "corrects": "Korrektur zu Rechnung {number} vom {date}",
        "unused": "Nicht genutzte Tage",
        "refund": "Korrekturbetrag (brutto)",
        "refund_terms": "Der Betrag wird mit offenen Rechnungen verrechnet oder Ihnen innerhalb "
        "von {days} Tagen erstattet.",
        "payable_until": "Zahlbar bis {date} ohne Abzug per Überweisung unter Angabe der Rechnungsnummer.",
        "page": "Seite {page} von {pages}",
        "managing_directors": "Geschäftsführer",
        "seat": "Sitz",
        "register": "Registergericht",
        "vat_reverse_charge": "Umsatzsteuer: Steuerschuldnerschaft des Leistungsempfängers",
        "vat_not_taxable": "Umsatzsteuer: nicht im Inland steuerbar",
        "index_type_invoice": "Rechnung",
        "index_type_credit_note": "Rechnungskorrektur",
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
        "credit_note_title": "Credit note (cancellation)",
        "corrected_title": "Invoice (correction)",
        "credit_note_number": "Number",
        "credit_note_date": "Date",
        "corrects": "Corrects invoice {number} of {date}",
        "unused": "Unused days",
        "refund": "Amount credited (gross)",
        "refund_terms": "The amount is set off against open invoices or refunded within {days} days.",
        "payable_until": "Payable by {date} without deduction by bank transfer quoting the invoice number.",
        "page": "Page {page} of {pages}",
        "managing_directors": "Managing directors",
        "seat": "Registered office",
        "register": "Commercial register",
        "vat_reverse_charge": "VAT: reverse charge",
        "vat_not_taxable": "VAT: not taxable in Germany",
        "index_type_invoice": "Invoice",
        "index_type_credit_note": "Credit note",
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
    elif line.get("kind") == "unused":
        text = f"{lab['unused']}: {text}"
    return text


def fmt_date(value: str | date, language: str) -> str:
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return d.strftime("%d.%m.%Y") if language == "de" else d.isoformat()


def fmt_number(value: str | Decimal, language: str) -> str:
    """Two decimals with thousands separators: de-DE ``1.043,00``, en ``1,043.00``."""
    text = f"{Decimal(value):,.2f}"
    if language == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def fmt_money(value: str | Decimal, language: str, currency: str = "EUR") -> str:
    """``94,05 €`` (de-DE: symbol after the amount) or ``€94.05`` (en)."""
    symbol = "€" if currency == "EUR" else currency
    text = fmt_number(value, language)
    if language == "de":
        return f"{text} {symbol}"
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    return f"{sign}{symbol}{digits}"


def fmt_percent(value: str | Decimal, language: str) -> str:
    text = f"{Decimal(value):g}"
    return (text.replace(".", ",") if language == "de" else text) + " %"


def is_credit_note(invoice: Any) -> bool:
    return getattr(invoice, "doc_type", None) == "credit_note"


def title(language: str, invoice: Any) -> str:
    lab = labels(language)
    if is_credit_note(invoice):
        return lab["credit_note_title"]
    if getattr(invoice, "corrects", None):
        return lab["corrected_title"]
    return lab["title"]


def due_date(invoice: Any) -> date:
    from chalicelib.billing.pricing import business_date

    return business_date(invoice.issued_at) + timedelta(days=PAYMENT_DAYS)


def payment_terms(language: str, invoice: Any) -> str:
    lab = labels(language)
    if is_credit_note(invoice):
        return lab["refund_terms"].format(days=PAYMENT_DAYS)
    return lab["payable_until"].format(date=fmt_date(due_date(invoice), language))


def correction_note(language: str, invoice: Any) -> str:
    return labels(language)["corrects"].format(
        number=invoice.corrects, date=fmt_date(invoice.corrects_issued_on or "", language)
    )


def vat_label(language: str, category: str, rate: str | Decimal) -> str:
    """The VAT row: the rate, or for 0 % the reason instead of a bare "0 %"."""
    lab = labels(language)
    if category == "AE":
        return lab["vat_reverse_charge"]
    if category == "O":
        return lab["vat_not_taxable"]
    return f"{lab['vat']} {fmt_percent(rate, language)}"


def invoice_mail(invoice: Any) -> tuple[str, str]:
    lang = invoice.language if invoice.language in LABELS else "en"
    seller = invoice.seller
    amount = fmt_money(invoice.gross, lang, invoice.currency)
    due = fmt_date(due_date(invoice), lang)
    if lang == "de":
        if is_credit_note(invoice):
            subject = f"Ihre Rechnungskorrektur {invoice.number} von {seller['name']}"
            body = (
                f"anbei erhalten Sie die Rechnungskorrektur {invoice.number}"
                + (f" zu Rechnung {invoice.corrects}" if invoice.corrects else "")
                + f" über {amount} (brutto). "
                f"{labels(lang)['refund_terms'].format(days=PAYMENT_DAYS)}\n"
            )
        else:
            subject = f"Ihre Rechnung {invoice.number} von {seller['name']}"
            body = (
                f"anbei erhalten Sie die Rechnung {invoice.number} über {amount} (brutto), "
                f"zahlbar bis {due}.\n"
            )
        text = (
            f"Guten Tag,\n\n{body}"
            f"Die PDF-Datei enthält die elektronische Rechnung (ZUGFeRD/Factur-X, EN 16931).\n\n"
            f"Mit freundlichen Grüßen\n{seller['name']}\n"
        )
    else:
        if is_credit_note(invoice):
            subject = f"Your credit note {invoice.number} from {seller['name']}"
            body = (
                f"please find attached credit note {invoice.number}"
                + (f" for invoice {invoice.corrects}" if invoice.corrects else "")
                + f", {amount} (gross). {labels(lang)['refund_terms'].format(days=PAYMENT_DAYS)}\n"
            )
        else:
            subject = f"Your invoice {invoice.number} from {seller['name']}"
            body = f"please find attached invoice {invoice.number} for {amount} (gross), payable by {due}.\n"
        text = (
            f"Hello,\n\n{body}"
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
