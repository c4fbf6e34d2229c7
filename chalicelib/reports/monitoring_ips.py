"""The published monitoring source addresses, as JSON and as a one-page data sheet (PDF).

Configuration (read on each call; defaults are documentation ranges, RFC 5737/3849, so a
demo never publishes somebody's real address):

| variable | meaning | default |
|---|---|---|
| `VIGIL_MONITORING_IPV4` | comma-separated source addresses of the checks | `192.0.2.10,198.51.100.10` |
| `VIGIL_MONITORING_IPV6` | same, IPv6 | `2001:db8::10,2001:db8:1::10` |
| `VIGIL_MONITORING_PORTS` | ports the checks connect to (besides ports named in URLs) | `80,443` |
| `VIGIL_CHECK_USER_AGENT` | the User-Agent the checks send | `Vigil-Monitor/1.0 (+https://vigil.example/monitoring-ips)` |
| `VIGIL_AGENT_API_HOST` | where agents send heartbeats (outbound 443) | `api.vigil.example` |
| `VIGIL_SERVICE_NAME` | product name printed on the sheet | `Vigil` |
"""

from __future__ import annotations

import io
import ipaddress
from typing import Any

from chalicelib import clock, settings
from chalicelib.reports.i18n import Texts

DEFAULT_IPV4 = "192.0.2.10,198.51.100.10"
DEFAULT_IPV6 = "2001:db8::10,2001:db8:1::10"
DEFAULT_PORTS = "80,443"
DEFAULT_USER_AGENT = "Vigil-Monitor/1.0 (+https://vigil.example/monitoring-ips)"


def _addresses(name: str, configured: list[str], version: int) -> list[str]:
    """Configured addresses, normalised; a wrong entry is a deployment error, not skipped."""
    out = []
    for raw in configured:
        address = ipaddress.ip_address(raw)
        if address.version != version:
            raise ValueError(f"{name}: {raw} is not an IPv{version} address")
        out.append(str(address))
    return out


def user_agent() -> str:
    """The User-Agent endpoint checks send (one source for checks and the data sheet)."""
    return settings.check_user_agent(DEFAULT_USER_AGENT)


def service_name() -> str:
    return settings.service_name()


def info() -> dict[str, Any]:
    """The JSON answer of ``GET /monitoring-ips``."""
    support = settings.vendor_support()
    return {
        "ipv4": _addresses("VIGIL_MONITORING_IPV4", settings.monitoring_ipv4(DEFAULT_IPV4), 4),
        "ipv6": _addresses("VIGIL_MONITORING_IPV6", settings.monitoring_ipv6(DEFAULT_IPV6), 6),
        "ports": [int(p) for p in settings.monitoring_ports(DEFAULT_PORTS)],
        "protocols": ["http", "https"],
        "user_agent": user_agent(),
        "agent_api_host": settings.agent_api_host(),
        "contact": {
            "name": support.name,
            "email": support.email,
            "phone": support.phone,
            "hours": support.hours,
            "url": support.url,
        },
    }


#: How long the data sheet's presigned link is valid (a browser follows it at once).
SHEET_LINK_TTL_S = 5 * 60


def sheet_inputs_hash(language: str) -> str:
    """Changes whenever the sheet would: configuration, language, and this renderer's code/texts."""
    import hashlib
    import json
    from pathlib import Path

    from chalicelib.reports import i18n

    digest = hashlib.sha256(
        json.dumps([language, service_name(), info()], sort_keys=True).encode()
        + Path(__file__).read_bytes()
        + Path(i18n.__file__).read_bytes()
    )
    return digest.hexdigest()[:16]


def data_sheet_url(language: str) -> str:
    """A short-lived presigned URL of the sheet, rendered once per language and configuration.

    For browsers: API Gateway returns binary bodies only when the *first* Accept type is a
    binary type, which a browser's link never sends. The "as of" date printed is that of the
    first render of the current configuration.
    """
    from chalicelib import storage

    key = storage.data_sheet_key(language, sheet_inputs_hash(language))
    if not storage.exists("files", key):
        storage.put("files", key, data_sheet_pdf(language), "application/pdf")
    return storage.presigned_get(
        "files", key, inline_filename=f"monitoring-ips-{language}.pdf", expires_s=SHEET_LINK_TTL_S
    )


def data_sheet_pdf(language: str) -> bytes:
    """One A4 page a customer forwards to its hoster: what, from where, which ports, who."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from chalicelib.reports.render import BLUE, LIGHT, RED, register_fonts, styles

    register_fonts()
    texts = Texts(language)
    st = styles()
    data = info()
    name = service_name()
    contact = data["contact"]

    def p(text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text), st[style])

    warning = Table(
        [[p(texts("ips_warning_title"), "cellb")], [p(texts("ips_warning"))]], colWidths=[174 * mm]
    )
    warning.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor(RED)),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdf1ef")),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    rows = [
        (texts("ips_ipv4"), "\n".join(data["ipv4"]) or texts("none")),
        (texts("ips_ipv6"), "\n".join(data["ipv6"]) or texts("none")),
        (texts("ips_ports"), ", ".join(f"{port}/TCP" for port in data["ports"])),
        (texts("ips_user_agent"), data["user_agent"]),
    ]
    table = Table(
        [[p(k, "cellb"), Paragraph(escape(v).replace("\n", "<br/>"), st["body"])] for k, v in rows],
        colWidths=[45 * mm, 129 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 0), (-1, -1), [colors.HexColor(LIGHT), colors.white]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ]
        )
    )
    contact_lines = [contact["name"], contact["email"], contact["phone"], contact["hours"], contact["url"]]
    story = [
        p(texts("ips_title"), "title"),
        p(f"{texts('ips_as_of')}: {texts.date(clock.now().date())}", "note"),
        Spacer(1, 5 * mm),
        warning,
        p(texts("ips_what_title"), "h2"),
        p(texts("ips_what", service=name)),
        p(texts("ips_rate")),
        p(texts("ips_request_title"), "h2"),
        p(f"• {texts('ips_inbound')}"),
        p(f"• {texts('ips_outbound', api=data['agent_api_host'])}"),
        Spacer(1, 3 * mm),
        table,
        p(texts("ips_contact"), "h2"),
        Paragraph("<br/>".join(escape(line) for line in contact_lines if line), st["body"]),
    ]

    def header(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("VigilSans-Bold", 12)
        canvas.setFillColor(colors.HexColor(BLUE))
        canvas.drawString(18 * mm, A4[1] - 15 * mm, name)
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=24 * mm,
        bottomMargin=18 * mm,
        title=texts("ips_title"),
        author=name,
        creator=name,
        lang=texts.language,
    )
    doc.build(story, onFirstPage=header)
    return buffer.getvalue()
