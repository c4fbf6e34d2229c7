"""The invoice PDF (reportlab) and its Factur-X form with the EN 16931 XML embedded.

Fonts: Bitstream Vera, the TrueType family reportlab ships in ``reportlab/fonts`` — always
present where reportlab is installed (CI, Lambda), covers German umlauts, ß and €, and is
embedded as a subset so the PDF renders identically everywhere.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from chalicelib.billing import texts

FONT = "VigilVera"
FONT_BOLD = "VigilVeraBd"
_registered = False


def _register_fonts() -> None:
    global _registered
    if _registered:
        return
    from pathlib import Path

    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts / "VeraBd.ttf")))
    # <b> in paragraphs must map to the embedded bold face, not to a base-14 font
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _registered = True


def _fmt_date(value: str | date, language: str) -> str:
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return d.strftime("%d.%m.%Y") if language == "de" else d.isoformat()


def _fmt_money(value: str, language: str, currency: str = "EUR") -> str:
    amount = Decimal(value)
    text = f"{amount:,.2f}"
    if language == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} {currency}"


def render(invoice: Any) -> bytes:
    """A one-document A4 invoice with every § 14 UStG field as text."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    lang = invoice.language if invoice.language in texts.LABELS else "en"
    lab = texts.labels(lang)
    seller, buyer = invoice.seller, invoice.buyer
    normal = ParagraphStyle("n", fontName=FONT, fontSize=9, leading=12)
    small = ParagraphStyle("s", fontName=FONT, fontSize=7.5, leading=10)
    bold = ParagraphStyle("b", fontName=FONT_BOLD, fontSize=9, leading=12)
    title = ParagraphStyle("t", fontName=FONT_BOLD, fontSize=16, leading=20)

    def esc(text: Any) -> str:
        return (str(text or "")).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    addr = buyer.get("address") or {}
    buyer_lines = [
        esc(buyer["name"]),
        esc(addr.get("street")),
        f"{esc(addr.get('postal_code'))} {esc(addr.get('city'))}".strip(),
        esc(addr.get("country")),
    ]
    if buyer.get("vat_id"):
        buyer_lines.append(f"{lab['vat_id']}: {esc(buyer['vat_id'])}")
    seller_lines = [
        esc(seller["name"]),
        esc(seller["street"]),
        f"{esc(seller['postal_code'])} {esc(seller['city'])}",
        esc(seller["country"]),
        f"{lab['vat_id']}: {esc(seller['vat_id'])}",
        f"{lab['tax_number']}: {esc(seller['tax_number'])}",
        f"{lab['email']}: {esc(seller['email'])}",
        esc(seller.get("register_id")),
    ]
    lines = list(invoice.lines)
    start = min(x["period_start"] for x in lines)
    end = max(x["period_end"] for x in lines)
    head = Table(
        [
            [
                Paragraph(f"<b>{lab['buyer']}</b><br/>" + "<br/>".join(x for x in buyer_lines if x), normal),
                Paragraph(f"<b>{lab['seller']}</b><br/>" + "<br/>".join(seller_lines), normal),
            ],
        ],
        colWidths=[95 * mm, 80 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    meta = Table(
        [
            [f"{lab['number']}:", invoice.number],
            [f"{lab['issued']}:", _fmt_date(invoice.issued_at.date(), lang)],
            [f"{lab['period']}:", f"{_fmt_date(start, lang)} – {_fmt_date(end, lang)}"],
        ],
        colWidths=[45 * mm, 80 * mm],
    )
    meta.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9)]))

    rows: list[list[Any]] = [
        [lab["pos"], lab["description"], lab["period"], lab["list_price"], lab["discount"], lab["net"]]
    ]
    for index, line in enumerate(lines, start=1):
        rows.append(
            [
                str(index),
                Paragraph(esc(texts.line_description(lang, line)), small),
                Paragraph(
                    f"{_fmt_date(line['period_start'], lang)} – {_fmt_date(line['period_end'], lang)}", small
                ),
                _fmt_money(line["list_price"], lang),
                f"{line['discount_percent']} % ({_fmt_money(line['discount'], lang)})",
                _fmt_money(line["net"], lang),
            ]
        )
    rate = Decimal(invoice.vat_rate)
    rows.append(["", lab["net_total"], "", "", "", _fmt_money(invoice.net, lang)])
    rows.append(["", f"{lab['vat']} {rate:g} %", "", "", "", _fmt_money(invoice.vat, lang)])
    rows.append(["", lab["gross"], "", "", "", _fmt_money(invoice.gross, lang)])
    table = Table(rows, colWidths=[10 * mm, 62 * mm, 34 * mm, 22 * mm, 28 * mm, 22 * mm], repeatRows=1)
    n = len(rows)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
                ("FONTNAME", (0, n - 1), (-1, n - 1), FONT_BOLD),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, n - 3), (-1, n - 3), 0.5, colors.black),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    due = invoice.issued_at.date() + timedelta(days=14)
    story: list[Any] = [
        head,
        Spacer(1, 8 * mm),
        Paragraph(lab["title"], title),
        Spacer(1, 3 * mm),
        meta,
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 6 * mm),
    ]
    note = texts.tax_note(lang, invoice.tax_category)
    if note:
        story.append(Paragraph(esc(note), bold))
        story.append(
            Paragraph(
                f"{lab['vat_id']} {esc(seller['name'])}: {esc(seller['vat_id'])} · "
                f"{lab['vat_id']} {esc(buyer['name'])}: "
                f"{esc(buyer.get('vat_id') or '—')}",
                normal,
            )
        )
        story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(esc(lab["payment"].format(days=14)) + f" ({_fmt_date(due, lang)})", normal))
    story.append(Paragraph(f"{lab['bank']}: IBAN {esc(seller['iban'])} · BIC {esc(seller['bic'])}", normal))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{lab['title']} {invoice.number}",
        author=seller["name"],
        lang=lang,
        initialFontName=FONT,
        initialFontSize=9,
    )
    doc.build(story)
    return out.getvalue()


def factur_x(pdf_bytes: bytes, xml: bytes) -> bytes:
    """Embed the XML (checked against the Factur-X EN 16931 XSD) as ``factur-x.xml``."""
    import logging

    from facturx import generate_from_binary

    logging.getLogger("factur-x").setLevel(logging.WARNING)
    return generate_from_binary(pdf_bytes, xml, flavor="factur-x", level="en16931", check_xsd=True, lang=None)
