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
from datetime import date
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
    return texts.fmt_date(value, language)


def _fmt_money(value: str, language: str, currency: str = "EUR") -> str:
    return texts.fmt_money(value, language, currency)


# DIN 5008 form B (A4, window envelope DL/C5/C6 with the window on the left): the address field
# starts 45 mm from the top and 20 mm from the left, 85 × 45 mm: 17.7 mm for the return address
# and endorsements, then 27.3 mm (up to 9 lines) for the address. The information block sits at
# 125 mm from the left, 50 mm from the top; text starts 25 mm from the left; fold marks at 105 and
# 210 mm, the punch mark at 148.5 mm.
ADDRESS_LEFT_MM = 20
ADDRESS_TOP_MM = 45
ADDRESS_WIDTH_MM = 85
RETURN_ZONE_MM = 17.7
ADDRESS_ZONE_MM = 27.3
INFO_LEFT_MM = 125
INFO_TOP_MM = 50
TEXT_LEFT_MM = 25
TEXT_RIGHT_MM = 20
FIRST_PAGE_BODY_TOP_MM = 103
LATER_PAGE_BODY_TOP_MM = 28
FOOTER_HEIGHT_MM = 32
#: widths of the footer's columns: company, management/register, tax identifiers, bank (165 mm)
FOOTER_COLUMNS_MM = (32, 50, 44, 39)


def address_lines(buyer: dict[str, Any], language: str, seller_country: str = "DE") -> list[str]:
    """The buyer's address as DIN 5008 prints it: name, street, post code and city; a foreign
    country in capitals on the last line (none for a domestic address)."""
    from chalicelib import countries

    addr = buyer.get("address") or {}
    lines = [str(buyer.get("name") or ""), str(addr.get("street") or "")]
    lines.append(f"{addr.get('postal_code') or ''} {addr.get('city') or ''}".strip())
    country = (addr.get("country") or "").upper()
    if country and country != seller_country.upper():
        lines.append(countries.country_name(country, language).upper())
    return [x for x in lines if x]


def footer_columns(seller: dict[str, Any], language: str) -> list[list[str]]:
    """Seller data every page carries (§ 35a GmbHG, § 14 UStG): company, management and
    register, tax identifiers, bank."""
    from chalicelib import countries

    lab = texts.labels(language)
    company = [
        seller["name"],
        seller["street"],
        f"{seller['postal_code']} {seller['city']}",
        countries.country_name(seller.get("country") or "DE", language),
    ]
    register = [
        f"{lab['managing_directors']}:",
        seller.get("managing_directors") or "—",
        f"{lab['seat']}: {seller.get('seat') or seller['city']}",
        f"{lab['register']}:",
        ", ".join(x for x in (seller.get("register_court"), seller.get("register_number")) if x)
        or seller.get("register_id")
        or "",
    ]
    tax = [
        f"{lab['vat_id']}: {seller['vat_id']}",
        f"{lab['tax_number']}: {seller['tax_number']}",
        f"{lab['email']}: {seller['email']}",
        f"{lab['phone']}: {seller['phone']}" if seller.get("phone") else "",
    ]
    bank = [
        lab["bank"] + ":",
        seller.get("bank_name") or "",
        f"IBAN {seller['iban']}",
        f"BIC {seller['bic']}",
    ]
    return [[x for x in column if x] for column in (company, register, tax, bank)]


def render(invoice: Any) -> bytes:
    """An A4 invoice or credit note: DIN 5008 letter (address field for window envelopes,
    information block, letterhead), every § 14 UStG field as text, and on every page the
    seller's footer and "<title> <number> · Seite x von y"."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    _register_fonts()
    lang = invoice.language if invoice.language in texts.LABELS else "en"
    lab = texts.labels(lang)
    seller, buyer = invoice.seller, invoice.buyer
    credit_note = texts.is_credit_note(invoice)
    doc_title = texts.title(lang, invoice)
    normal = ParagraphStyle("n", fontName=FONT, fontSize=9, leading=12)
    small = ParagraphStyle("s", fontName=FONT, fontSize=7.5, leading=10)
    bold = ParagraphStyle("b", fontName=FONT_BOLD, fontSize=9, leading=12)
    heading = ParagraphStyle("t", fontName=FONT_BOLD, fontSize=14, leading=18)
    width, height = A4

    def esc(text: Any) -> str:
        return (str(text or "")).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    lines = list(invoice.lines)
    start = min(x["period_start"] for x in lines)
    end = max(x["period_end"] for x in lines)
    info: list[tuple[str, str]] = [
        (lab["number"] if not credit_note else lab["credit_note_number"], invoice.number),
        (
            lab["credit_note_date"] if credit_note else lab["issued"],
            _fmt_date(pricing.business_date(invoice.issued_at), lang),
        ),
        (lab["period"], f"{_fmt_date(start, lang)} – {_fmt_date(end, lang)}"),
    ]
    if buyer.get("vat_id"):
        info.append((lab["vat_id"], buyer["vat_id"]))

    def top(mm_from_top: float) -> float:
        return height - mm_from_top * mm

    def first_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        _letterhead(canvas, seller, mm, width, height)
        # return address (small, one line) at the bottom of the endorsement zone
        canvas.setFont(FONT, 6.5)
        canvas.drawString(
            ADDRESS_LEFT_MM * mm + 5 * mm,
            top(ADDRESS_TOP_MM + RETURN_ZONE_MM) + 1.5 * mm,
            f"{seller['name']} · {seller['street']} · {seller['postal_code']} {seller['city']}",
        )
        y = top(ADDRESS_TOP_MM + RETURN_ZONE_MM) - 4 * mm
        canvas.setFont(FONT, 10)
        for line in address_lines(buyer, lang, seller.get("country") or "DE")[:9]:
            canvas.drawString(ADDRESS_LEFT_MM * mm + 5 * mm, y, line[:60])
            y -= 4.2 * mm
        y = top(INFO_TOP_MM)
        for label, value in info:
            canvas.setFont(FONT, 7.5)
            canvas.drawString(INFO_LEFT_MM * mm, y, f"{label}:")
            canvas.setFont(FONT_BOLD if label == info[0][0] else FONT, 9)
            canvas.drawString(INFO_LEFT_MM * mm + 28 * mm, y, value[:40])
            y -= 5 * mm
        # fold and punch marks
        canvas.setLineWidth(0.3)
        for mark in (105, 210):
            canvas.line(4 * mm, top(mark), 8 * mm, top(mark))
        canvas.line(4 * mm, height / 2, 10 * mm, height / 2)
        canvas.restoreState()
        _footer(canvas, seller, lang, mm, width)

    def later_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawString(TEXT_LEFT_MM * mm, top(15), seller["name"])
        canvas.restoreState()
        _footer(canvas, seller, lang, mm, width)

    frame_width = width - (TEXT_LEFT_MM + TEXT_RIGHT_MM) * mm
    first_frame = Frame(
        TEXT_LEFT_MM * mm,
        FOOTER_HEIGHT_MM * mm,
        frame_width,
        height - (FIRST_PAGE_BODY_TOP_MM + FOOTER_HEIGHT_MM) * mm,
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later_frame = Frame(
        TEXT_LEFT_MM * mm,
        FOOTER_HEIGHT_MM * mm,
        frame_width,
        height - (LATER_PAGE_BODY_TOP_MM + FOOTER_HEIGHT_MM) * mm,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    meta_rows: list[list[Any]] = []
    if invoice.corrects:
        meta_rows.append([Paragraph(esc(texts.correction_note(lang, invoice)), bold), ""])
    # the buyer's own references (BT-10, BT-13), wrapped: up to 100 characters each
    if buyer.get("buyer_reference"):
        meta_rows.append([f"{lab['buyer_reference']}:", Paragraph(esc(buyer["buyer_reference"]), normal)])
    if invoice.purchase_order:
        meta_rows.append([f"{lab['purchase_order']}:", Paragraph(esc(invoice.purchase_order), normal)])

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
                Paragraph(
                    f"{texts.fmt_percent(line['discount_percent'], lang)}<br/>"
                    f"({_fmt_money(line['discount'], lang)})",
                    ParagraphStyle("r", parent=small, alignment=2),
                ),
                _fmt_money(line["net"], lang),
            ]
        )
    rows.append(["", lab["net_total"], "", "", "", _fmt_money(invoice.net, lang)])
    rows.append(
        [
            "",
            texts.vat_label(lang, invoice.tax_category, invoice.vat_rate),
            "",
            "",
            "",
            _fmt_money(invoice.vat, lang),
        ]
    )
    rows.append(
        ["", lab["refund"] if credit_note else lab["gross"], "", "", "", _fmt_money(invoice.gross, lang)]
    )
    table = Table(rows, colWidths=[9 * mm, 62 * mm, 30 * mm, 22 * mm, 20 * mm, 22 * mm], repeatRows=1)
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
                ("SPAN", (1, n - 3), (4, n - 3)),
                ("SPAN", (1, n - 2), (4, n - 2)),
                ("SPAN", (1, n - 1), (4, n - 1)),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story: list[Any] = [NextPageTemplate("later"), Paragraph(esc(f"{doc_title} {invoice.number}"), heading)]
    story.append(Spacer(1, 3 * mm))
    if meta_rows:
        meta = Table(meta_rows, colWidths=[45 * mm, frame_width - 45 * mm], hAlign="LEFT")
        style: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]
        if invoice.corrects:
            style.append(("SPAN", (0, 0), (1, 0)))
        meta.setStyle(TableStyle(style))
        story += [meta, Spacer(1, 4 * mm)]
    story += [table, Spacer(1, 6 * mm)]
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
    story.append(Paragraph(esc(texts.payment_terms(lang, invoice)), bold if not credit_note else normal))
    story.append(Paragraph(f"{lab['bank']}: IBAN {esc(seller['iban'])} · BIC {esc(seller['bic'])}", normal))

    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=f"{doc_title} {invoice.number}",
        author=seller["name"],
        lang=lang,
        initialFontName=FONT,
        initialFontSize=9,
    )
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first_frame], onPage=first_page),
            PageTemplate(id="later", frames=[later_frame], onPage=later_page),
        ]
    )
    doc.build(story, canvasmaker=_numbered_canvas(f"{doc_title} {invoice.number}", lab["page"]))
    return out.getvalue()


def _letterhead(canvas: Any, seller: dict[str, Any], mm: float, width: float, height: float) -> None:
    """The seller's logo (``VIGIL_SELLER_LOGO``, a PNG) or a word mark, and its name, top right."""
    from pathlib import Path

    logo = seller.get("logo") or ""
    right = width - TEXT_RIGHT_MM * mm
    if logo and Path(logo).is_file():
        canvas.drawImage(
            logo,
            right - 30 * mm,
            height - 32 * mm,
            width=30 * mm,
            height=18 * mm,
            preserveAspectRatio=True,
            anchor="ne",
            mask="auto",
        )
    else:
        canvas.setFillColorRGB(0.09, 0.33, 0.62)
        canvas.roundRect(right - 12 * mm, height - 26 * mm, 12 * mm, 12 * mm, 2 * mm, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(FONT_BOLD, 16)
        canvas.drawCentredString(right - 6 * mm, height - 22.5 * mm, (seller["name"] or "?")[0].upper())
        canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(FONT_BOLD, 13)
    canvas.drawString(TEXT_LEFT_MM * mm, height - 22 * mm, seller["name"])
    canvas.setFont(FONT, 8)
    canvas.drawString(
        TEXT_LEFT_MM * mm,
        height - 27 * mm,
        f"{seller['street']} · {seller['postal_code']} {seller['city']} · {seller['email']}",
    )


def _footer(canvas: Any, seller: dict[str, Any], language: str, mm: float, width: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.3)
    canvas.line(TEXT_LEFT_MM * mm, 24.5 * mm, width - TEXT_RIGHT_MM * mm, 24.5 * mm)
    canvas.setFont(FONT, 6.5)
    columns = footer_columns(seller, language)
    x = TEXT_LEFT_MM * mm
    for column, column_mm in zip(columns, FOOTER_COLUMNS_MM, strict=True):
        y = 21 * mm
        for line in column:
            canvas.drawString(x, y, line)
            y -= 3 * mm
        x += column_mm * mm
    canvas.restoreState()


def _numbered_canvas(label: str, page_text: str) -> Any:
    """A canvas class that writes "<label> · Seite x von y" on every page once the page count
    is known (pages are kept until ``save``)."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT, 7.5)
                width = self._pagesize[0]
                self.drawRightString(
                    width - TEXT_RIGHT_MM * mm,
                    26 * mm,
                    f"{label} · {page_text.format(page=number, pages=total)}",
                )
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def metadata(invoice: Any) -> dict[str, str]:
    """The document metadata written to both the Info dictionary and the XMP."""
    lang = invoice.language if invoice.language in texts.LABELS else "en"
    title = texts.title(lang, invoice)
    seller, buyer = invoice.seller, invoice.buyer
    return {
        "title": f"{title} {invoice.number}",
        "author": seller["name"],
        "subject": f"{title} {invoice.number}: {seller['name']} / {buyer['name']}",
        "keywords": f"{title}, Factur-X, EN 16931",
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
