"""DATEV "Buchungsstapel" (EXTF format 700, category 21, version 13) of invoices and credit notes.

Written for the **buyer's** bookkeeping (the paying org's accountant imports its purchase
invoices from Vigil): one booking per document —

| column | value |
|---|---|
| Umsatz | gross amount, decimal comma, no sign |
| Soll/Haben-Kennzeichen | ``S`` for an invoice (expense account debited), ``H`` for a credit note |
| WKZ Umsatz | ``EUR`` |
| Konto | the expense account (default 4964 SKR03, "Aufwendungen für die zeitlich befristete Überlassung von Rechten") |
| Gegenkonto | the creditor account of the vendor (default 70000) |
| BU-Schlüssel | tax key: ``9`` (19 % Vorsteuer) for German VAT, empty for 0 % (reverse charge abroad / not taxable) |
| Belegdatum | ``DDMM`` of the issue date |
| Belegfeld 1 | the document number |
| Buchungstext | "Vigil Rechnung …" / "Vigil Rechnungskorrektur … zu …" (≤ 60 characters) |

The file holds the first 14 of the 125 columns of the format (DATEV reads columns by position;
the rest are optional). Header line: format, creation time, consultant and client number,
fiscal year start (1 Jan of the period's year: a batch never spans two fiscal years), account
length 4, the period, a label. Encoding Windows-1252, ``;``-separated, CRLF, text in quotes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.billing.pricing import business_date

FORMAT_VERSION = 700
CATEGORY = 21
CATEGORY_NAME = "Buchungsstapel"
CATEGORY_VERSION = 13
ACCOUNT_LENGTH = 4
DEFAULT_ACCOUNT = "4964"
DEFAULT_COUNTER_ACCOUNT = "70000"
DEFAULT_CONSULTANT = "1001"
DEFAULT_CLIENT = "1"
#: DATEV tax keys (SKR03/SKR04) by EN 16931 VAT category of the document (buyer's view)
TAX_KEYS = {"S": "9", "AE": "", "O": ""}
COLUMNS = [
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
]


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _amount(value: str | Decimal) -> str:
    return f"{Decimal(value):.2f}".replace(".", ",")


def booking(invoice: Any, account: str, counter_account: str) -> list[str]:
    credit_note = getattr(invoice, "doc_type", None) == "credit_note"
    issued = business_date(invoice.issued_at)
    if credit_note:
        text = f"Vigil Rechnungskorrektur {invoice.number}"
        if invoice.corrects:
            text += f" zu {invoice.corrects}"
    else:
        text = f"Vigil Rechnung {invoice.number}"
    key = TAX_KEYS.get(invoice.tax_category, "") if Decimal(invoice.vat_rate) in (0, 19) else ""
    return [
        _amount(invoice.gross),
        _text("H" if credit_note else "S"),
        _text(invoice.currency),
        "",
        "",
        "",
        account,
        counter_account,
        _text(key),
        issued.strftime("%d%m"),
        _text(invoice.number),
        _text(""),
        "",
        _text(text[:60]),
    ]


def buchungsstapel(
    documents: Iterable[Any],
    start: date,
    end: date,
    created: datetime,
    *,
    account: str = DEFAULT_ACCOUNT,
    counter_account: str = DEFAULT_COUNTER_ACCOUNT,
    consultant: str = DEFAULT_CONSULTANT,
    client: str = DEFAULT_CLIENT,
    label: str = "Vigil Rechnungen",
) -> bytes:
    header = [
        _text("EXTF"),
        str(FORMAT_VERSION),
        str(CATEGORY),
        _text(CATEGORY_NAME),
        str(CATEGORY_VERSION),
        created.strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}",
        "",
        _text("RE"),
        _text(""),
        _text(""),
        consultant,
        client,
        date(start.year, 1, 1).strftime("%Y%m%d"),
        str(ACCOUNT_LENGTH),
        start.strftime("%Y%m%d"),
        end.strftime("%Y%m%d"),
        _text(label[:30]),
        _text(""),
        "1",
        "0",
        "0",
        _text("EUR"),
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    rows = [";".join(header), ";".join(COLUMNS)]
    rows += [";".join(booking(doc, account, counter_account)) for doc in documents]
    return ("\r\n".join(rows) + "\r\n").encode("cp1252", errors="replace")
