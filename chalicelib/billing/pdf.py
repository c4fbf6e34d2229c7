"""The invoice PDF (reportlab) and its Factur-X form with the EN 16931 XML embedded.

Fonts: Bitstream Vera, the TrueType family reportlab ships in ``reportlab/fonts`` — always
present where reportlab is installed (CI, Lambda), covers German umlauts, ß and €, and is
embedded as a subset so the PDF renders identically everywhere.

PDF/A-3b, which Factur-X declares in the XMP: factur-x embeds the XML and writes the XMP; a last
pass (``_pdf_a3b``) adds what it leaves out — the sRGB OutputIntent with its ICC profile
(reportlab paints in DeviceRGB/DeviceGray) — and writes one set of document metadata into both
the Info dictionary and the XMP (PDF/A requires them to agree), dated with the invoice's issue
time so a re-render is the same document.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from chalicelib.billing import pricing, texts

#: document metadata, identical in the Info dictionary and the XMP
CREATOR = "Vigil billing"
PRODUCER = "Vigil billing (ReportLab, factur-x, pypdf)"
SRGB = "sRGB IEC61966-2.1"

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
        f"{lab['phone']}: {esc(seller['phone'])}" if seller.get("phone") else "",
        esc(seller.get("register_id")),
    ]
    lines = list(invoice.lines)
    start = min(x["period_start"] for x in lines)
    end = max(x["period_end"] for x in lines)
    head = Table(
        [
            [
                Paragraph(f"<b>{lab['buyer']}</b><br/>" + "<br/>".join(x for x in buyer_lines if x), normal),
                Paragraph(
                    f"<b>{lab['seller']}</b><br/>" + "<br/>".join(x for x in seller_lines if x), normal
                ),
            ],
        ],
        colWidths=[95 * mm, 80 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    meta_rows: list[list[Any]] = [
        [f"{lab['number']}:", invoice.number],
        [f"{lab['issued']}:", _fmt_date(pricing.business_date(invoice.issued_at), lang)],
        [f"{lab['period']}:", f"{_fmt_date(start, lang)} – {_fmt_date(end, lang)}"],
    ]
    # the buyer's own references (BT-10, BT-13), wrapped: up to 100 characters each
    if buyer.get("buyer_reference"):
        meta_rows.append([f"{lab['buyer_reference']}:", Paragraph(esc(buyer["buyer_reference"]), normal)])
    if invoice.purchase_order:
        meta_rows.append([f"{lab['purchase_order']}:", Paragraph(esc(invoice.purchase_order), normal)])
    meta = Table(meta_rows, colWidths=[45 * mm, 110 * mm], hAlign="LEFT")
    meta.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )

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
    due = pricing.business_date(invoice.issued_at) + timedelta(days=14)
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


def metadata(invoice: Any) -> dict[str, str]:
    """The document metadata written to both the Info dictionary and the XMP."""
    lab = texts.labels(invoice.language if invoice.language in texts.LABELS else "en")
    seller, buyer = invoice.seller, invoice.buyer
    return {
        "title": f"{lab['title']} {invoice.number}",
        "author": seller["name"],
        "subject": f"{lab['title']} {invoice.number}: {seller['name']} / {buyer['name']}",
        "keywords": f"{lab['title']}, Factur-X, EN 16931",
    }


def factur_x(pdf_bytes: bytes, xml: bytes, invoice: Any) -> bytes:
    """Embed the XML (checked against the Factur-X EN 16931 XSD) as ``factur-x.xml``; PDF/A-3b.

    The XML is the same invoice in machine-readable form, hence ``AFRelationship /Alternative``
    (what ZUGFeRD 2 / Factur-X recommend for the EN 16931 profile).
    """
    import logging

    from facturx import generate_from_binary

    logging.getLogger("factur-x").setLevel(logging.WARNING)
    meta = metadata(invoice)
    out = generate_from_binary(
        pdf_bytes,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata=meta,
        lang=None,
        afrelationship="alternative",
    )
    return _pdf_a3b(out, meta, invoice.issued_at)


def srgb_icc() -> bytes:
    """An sRGB ICC profile (LittleCMS's built-in, through Pillow: monitor class, RGB, v4)."""
    global _icc
    if _icc is None:
        from PIL import ImageCms

        _icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return _icc


_icc: bytes | None = None


def _pdf_a3b(data: bytes, meta: dict[str, str], when: Any) -> bytes:
    """Add the sRGB OutputIntent and make the Info dictionary and the XMP say the same."""
    from datetime import UTC

    from lxml import etree
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        NumberObject,
        StreamObject,
        TextStringObject,
    )

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = b"%PDF-1.7"  # PDF/A-3 is based on PDF 1.7 (associated files)
    root = writer._root_object

    icc = DecodedStreamObject()
    icc.set_data(srgb_icc())
    icc[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(SRGB),
            NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
            NameObject("/Info"): TextStringObject(SRGB),
            NameObject("/DestOutputProfile"): writer._add_object(icc.flate_encode()),
        }
    )
    root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])

    stamp = when.astimezone(UTC)
    info = {
        "/Title": meta["title"],
        "/Author": meta["author"],
        "/Subject": meta["subject"],
        "/Keywords": meta["keywords"],
        "/Creator": CREATOR,
        "/Producer": PRODUCER,
        "/CreationDate": stamp.strftime("D:%Y%m%d%H%M%S+00'00'"),
        "/ModDate": stamp.strftime("D:%Y%m%d%H%M%S+00'00'"),
    }
    writer.metadata = info  # replaces the whole dictionary (ReportLab's Producer, /Trapped …)

    old = root.raw_get("/Metadata")  # factur-x's XMP, an indirect stream
    if not isinstance(old, IndirectObject):
        raise ValueError("factur-x wrote no XMP metadata stream")
    xmp = etree.fromstring(cast(StreamObject, old.get_object()).get_data())
    for description in xmp.iter(f"{{{_XMP_NS['rdf']}}}Description"):
        description.set(f"{{{_XMP_NS['rdf']}}}about", description.get(f"{{{_XMP_NS['rdf']}}}about", ""))
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    _xmp_set(xmp, "dc:title", meta["title"], "rdf:Alt")
    _xmp_set(xmp, "dc:creator", meta["author"], "rdf:Seq")
    _xmp_set(xmp, "dc:description", meta["subject"], "rdf:Alt")
    for name, value in (
        ("pdf:Producer", PRODUCER),
        ("pdf:Keywords", meta["keywords"]),
        ("xmp:CreatorTool", CREATOR),
        ("xmp:CreateDate", iso),
        ("xmp:ModifyDate", iso),
        ("xmp:MetadataDate", iso),
    ):
        _xmp_set(xmp, name, value)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        + etree.tostring(xmp, encoding="unicode")
        + '\n<?xpacket end="w"?>'
    )
    stream = DecodedStreamObject()  # uncompressed: readable by any XMP scanner
    stream.set_data(packet.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._replace_object(old, stream)

    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def _xmp_set(xmp: Any, name: str, value: str, container: str | None = None) -> None:
    """Set one XMP property (simple, or the single item of an rdf:Alt/rdf:Seq), adding it if absent."""
    from lxml import etree

    def qname(prefixed: str) -> str:
        prefix, local = prefixed.split(":")
        return f"{{{_XMP_NS[prefix]}}}{local}"

    found = xmp.findall(f".//{qname(name)}")
    if found:
        node = found[0]
        for extra in found[1:]:
            extra.getparent().remove(extra)
    else:
        # next to the properties of its schema (pdf:Keywords beside pdf:Producer), else on its own
        prefix = name.split(":")[0]
        rdf = xmp.find(f".//{qname('rdf:RDF')}")
        description = next(
            (d for d in rdf if any(str(c.tag).startswith(f"{{{_XMP_NS[prefix]}}}") for c in d)), None
        )
        if description is None:
            description = etree.SubElement(rdf, qname("rdf:Description"))
            description.set(qname("rdf:about"), "")
        node = etree.SubElement(description, qname(name))
    if container is None:
        node.text = value
        return
    for child in list(node):
        node.remove(child)
    item = etree.SubElement(etree.SubElement(node, qname(container)), qname("rdf:li"))
    if container == "rdf:Alt":
        item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
    item.text = value
