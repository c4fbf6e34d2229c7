"""PDF reports (A4) for an endpoint or a host, with reportlab only.

Layout: every page carries the org's logo (if any) and name in the header and "Seite x von y"
in the footer; page one starts with title, subject, period and the provided-by sentence
followed by the org's name (the seed's rule: the org in which the report is created). Charts
are reportlab.graphics drawings (vector, no matplotlib) fed with at most ``series.MAX_POINTS``
points. Fonts are Bitstream Vera, bundled with reportlab, embedded as TrueType subsets — no
system font is needed on Lambda or CI.

reportlab is imported inside the functions (cold start of the API).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any
from xml.sax.saxutils import escape

from chalicelib import clock
from chalicelib.incidents import texts as incident_texts
from chalicelib.reports import fmt
from chalicelib.reports import series as ds
from chalicelib.reports.data import (
    Branding,
    DailyAvailability,
    EndpointReportData,
    HostReportData,
    MaintenanceWindow,
    MetricPoint,
    ReportIncident,
)
from chalicelib.reports.i18n import Texts

FONT = "VigilSans"
FONT_BOLD = "VigilSans-Bold"
MAX_INCIDENT_ROWS = 100
#: Series with at most this many points get a marker per point.
FEW_POINTS = 30
HOUR = timedelta(hours=1)
EXPIRING_DAYS = 14

BLUE = "#1f5fa8"
ORANGE = "#e07b00"
GREEN = "#2e8b57"
RED = "#c0392b"
GREY = "#666666"
LIGHT = "#eef2f7"

_fonts_ready = False


def register_fonts() -> None:
    """Register the TrueType fonts bundled with reportlab under our own names (once)."""
    global _fonts_ready
    if _fonts_ready:
        return
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(folder, "VeraBd.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    _fonts_ready = True


# ---------------------------------------------------------------------------------------------
# Frame: header, footer with page numbers, styles


def styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=17,
            leading=21,
            spaceAfter=4,
            textColor=colors.HexColor(BLUE),
        ),
        "subject": ParagraphStyle("subject", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=5,
            textColor=colors.HexColor(BLUE),
            keepWithNext=1,  # a heading never ends a page: it moves with its content
        ),
        "org": ParagraphStyle("org", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14),
        "note": ParagraphStyle("note", parent=base, textColor=colors.HexColor(GREY)),
    }


def _canvas_class(texts: Texts) -> type:
    """A canvas that knows the page count when it saves, for "Seite x von y"."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(colors.HexColor(GREY))
                self.drawRightString(
                    A4[0] - 18 * mm, 10 * mm, texts("page", page=self._pageNumber, pages=pages)
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _on_page(branding: Branding) -> Callable[[Any, Any], None]:
    """Header of every page: logo left, org name right, a rule below."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader

    logo = ImageReader(io.BytesIO(branding.logo_png)) if branding.logo_png else None
    width, height = A4

    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        top = height - 10 * mm
        if logo is not None:
            size = 18 * mm
            canvas.drawImage(
                logo, 18 * mm, top - size, width=size, height=size, preserveAspectRatio=True, mask="auto"
            )
        canvas.setFont(FONT_BOLD, 10)
        canvas.setFillColor(colors.black)
        canvas.drawRightString(width - 18 * mm, top - 7 * mm, branding.org_name[:90])
        canvas.setStrokeColor(colors.HexColor(BLUE))
        canvas.setLineWidth(0.8)
        canvas.line(18 * mm, top - 20 * mm, width - 18 * mm, top - 20 * mm)
        canvas.restoreState()

    return draw


def _build(story: list[Any], branding: Branding, texts: Texts, title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=34 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=branding.org_name,
        creator="Vigil",
        lang=texts.language,
    )
    on_page = _on_page(branding)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=_canvas_class(texts))
    return buffer.getvalue()


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


def _intro(
    story: list[Any],
    st: dict[str, Any],
    texts: Texts,
    title: str,
    subject_lines: list[tuple[str, str]],
    branding: Branding,
    period_from: datetime,
    period_to: datetime,
    shown: tuple[datetime, datetime],
) -> None:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    story.append(_p(title, st["title"]))
    for label, value in subject_lines:
        story.append(_p(f"{label}: {value}", st["subject"] if label == subject_lines[0][0] else st["body"]))
    shown_from, shown_to = shown
    story.append(
        _p(f"{texts('period')}: {texts.datetime(shown_from)} – {texts.datetime(shown_to)}", st["body"])
    )
    if shown_from > period_from:
        story.append(
            _p(
                texts(
                    "monitored_since", when=texts.datetime(shown_from), requested=texts.datetime(period_from)
                ),
                st["note"],
            )
        )
    if shown_to < period_to:
        story.append(_p(texts("period_open", when=texts.datetime(shown_to)), st["note"]))
    story.append(_p(f"{texts('generated_at')}: {texts.datetime(clock.now())}", st["note"]))
    story.append(Spacer(1, 4 * mm))
    story.append(_p(texts("provided_by"), st["body"]))
    story.append(_p(branding.org_name, st["org"]))
    story.append(Spacer(1, 2 * mm))


def _kv_table(
    rows: list[tuple[str, str]], st: dict[str, Any], colors_by_row: dict[int, str] | None = None
) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    data = [[_p(k, st["cellb"]), _p(v, st["cell"])] for k, v in rows]
    table = Table(data, colWidths=[60 * mm, 114 * mm], hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 0), (-1, -1), [colors.HexColor(LIGHT), colors.white]),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for row, color in (colors_by_row or {}).items():
        style.append(("TEXTCOLOR", (1, row), (1, row), colors.HexColor(color)))
    table.setStyle(TableStyle(style))
    return table


def _grid_table(header: list[str], rows: list[list[str]], widths_mm: list[float], st: dict[str, Any]) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    data = [[_p(h, st["cellb"]) for h in header]]
    data += [[_p(c, st["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(LIGHT)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor(BLUE)),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


# ---------------------------------------------------------------------------------------------
# Charts


def _time_ticks(x_min: float, x_max: float, count: int = 7) -> list[float]:
    if x_max <= x_min:
        return [x_min]
    step = (x_max - x_min) / (count - 1)
    return [x_min + i * step for i in range(count)]


def _line_chart(
    lines: list[tuple[list[tuple[float, float]], str, str]],
    texts: Texts,
    y_label_fmt: Callable[[float], str],
    x_range: tuple[datetime, datetime],
    y_min: float | None = None,
    y_max: float | None = None,
    height_mm: float = 55,
) -> Any:
    """A time line chart over exactly ``x_range`` (the shown period: the axis never leaves it);
    ``lines`` = [(points as (epoch days, value), colour, legend)]. Series with few points get a
    marker per point, so that one or two hourly values are visible."""
    from reportlab.graphics.charts.legends import LineLegend
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    lines = [line for line in lines if line[0]]
    width = 174 * mm
    height = height_mm * mm
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 14 * mm, 14 * mm
    plot.width, plot.height = width - 18 * mm, height - 22 * mm
    plot.data = [pts for pts, _, _ in lines]
    ys = [y for pts, _, _ in lines for _, y in pts]
    x_min, x_max = ds.epoch_days(x_range[0]), ds.epoch_days(x_range[1])
    if x_max <= x_min:
        x_max = x_min + 1 / 1440
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = x_min, x_max
    plot.xValueAxis.valueSteps = _time_ticks(x_min, x_max)
    span_days = x_max - x_min
    local_zone = fmt.zone(texts.time_zone)

    def x_label(value: float) -> str:
        at = datetime.fromtimestamp(value * 86400, tz=UTC).astimezone(local_zone)
        if span_days <= 3:
            return at.strftime("%d.%m. %H:%M" if texts.language == "de" else "%m-%d %H:%M")
        return (
            at.strftime("%d.%m." if texts.language == "de" else "%m-%d")
            if span_days <= 200
            else at.strftime("%m/%Y" if texts.language == "de" else "%Y-%m")
        )

    plot.xValueAxis.labelTextFormat = x_label
    plot.xValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = 7
    plot.yValueAxis.labels.fontName = FONT
    plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.labelTextFormat = y_label_fmt
    plot.yValueAxis.valueMin = y_min if y_min is not None else 0
    top = max(ys) if ys else 1
    plot.yValueAxis.valueMax = y_max if y_max is not None else (top * 1.1 if top > 0 else 1)
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    for i, (pts, color, _) in enumerate(lines):
        plot.lines[i].strokeColor = colors.HexColor(color)
        plot.lines[i].strokeWidth = 0.9
        if len(pts) <= FEW_POINTS:
            plot.lines[i].symbol = makeMarker("FilledCircle", size=4, fillColor=colors.HexColor(color))
    drawing.add(plot)
    if len(lines) > 1:
        legend = LineLegend()
        legend.x, legend.y = 16 * mm, height - 3 * mm
        legend.fontName, legend.fontSize = FONT, 7
        legend.alignment = "right"
        legend.dx, legend.dy, legend.dxTextSpace, legend.columnMaximum = 12, 2, 4, 1
        legend.colorNamePairs = [(colors.HexColor(c), name) for _, c, name in lines]
        drawing.add(legend)
    return drawing


def _x(at: datetime, width: timedelta, shown: tuple[datetime, datetime]) -> float:
    """Chart x of a bucket starting at ``at``: the middle of its part inside the shown period
    (an hourly value of a period that began at 08:43 sits inside the axis, not at 08:00)."""
    lo, hi = max(at, shown[0]), min(at + width, shown[1])
    if hi < lo:
        lo = hi = min(max(at, shown[0]), shown[1])
    return ds.epoch_days(lo + (hi - lo) / 2)


def _metric_points(
    points: Sequence[MetricPoint], shown: tuple[datetime, datetime], width: timedelta = HOUR
) -> list[tuple[float, float]]:
    return [(_x(p.at, width, shown), float(p.value)) for p in points if p.value is not None]


def _availability_bars(days: Sequence[DailyAvailability], texts: Texts) -> Any:
    """Daily availability bars drawn as plain rectangles.

    reportlab's VerticalBarChart builds a widget, a label and a style node per bar, which costs
    most of a year report's render time; plain shapes draw the same picture in a fraction.
    """
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    days = ds.downsample_daily(days)
    width, height = 174 * mm, 45 * mm
    left, bottom = 14 * mm, 10 * mm
    plot_w, plot_h = width - 18 * mm, height - 14 * mm
    drawing = Drawing(width, height)
    known = [d.percent for d in days if d.percent is not None]
    low = min(known) if known else 100.0
    # Bars near 100 % would all look the same on a 0–100 axis; start the axis below the minimum.
    floor = 0.0 if low < 50 else max(0.0, (int(low) // 5) * 5 - 5.0)
    span = 100.0 - floor
    grid = colors.HexColor("#dddddd")
    ticks = 5
    for i in range(ticks + 1):
        value = floor + span * i / ticks
        y = bottom + plot_h * i / ticks
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=grid, strokeWidth=0.4))
        drawing.add(
            String(left - 2, y - 2.5, texts.number(value, 0), fontName=FONT, fontSize=7, textAnchor="end")
        )
    # at least a week's slots: one or two days of a fresh endpoint are bars, not a wall
    slot = plot_w / max(7, len(days))
    gap = min(1.0, slot * 0.2)
    fills = {c: colors.HexColor(c) for c in (GREEN, ORANGE, RED)}
    step = max(1, len(days) // 10)
    for i, d in enumerate(days):
        x = left + i * slot
        if d.percent is not None:
            value = float(d.percent)
            color = GREEN if value >= 99.0 else (ORANGE if value >= 95.0 else RED)
            # a day at (or below) the axis floor still shows as a red stub, never as nothing
            h = max(1.5, plot_h * (min(value, 100.0) - floor) / span)
            drawing.add(
                Rect(
                    x + gap / 2,
                    bottom,
                    slot - gap,
                    h,
                    fillColor=fills[color],
                    strokeColor=None,
                    strokeWidth=0,
                )
            )
            if len(days) <= 14:  # few days: the value above its bar
                drawing.add(
                    String(
                        x + slot / 2,
                        bottom + min(h, plot_h) + 2,
                        texts.percent(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_DOWN), 1),
                        fontName=FONT,
                        fontSize=6.5,
                        textAnchor="middle",
                    )
                )
        if i % step == 0:
            label = texts.date(d.day)[:6] if texts.language == "de" else texts.date(d.day)[5:]
            drawing.add(
                String(x + slot / 2, bottom - 8, label, fontName=FONT, fontSize=6.5, textAnchor="middle")
            )
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=colors.black, strokeWidth=0.6))
    return drawing


# ---------------------------------------------------------------------------------------------
# Sections shared by both reports


def _incident_section(
    story: list[Any],
    st: dict[str, Any],
    texts: Texts,
    incidents: Sequence[ReportIncident],
    period_to: datetime,
) -> None:
    story.append(_p(texts("incident_table"), st["h2"]))
    if not incidents:
        story.append(_p(texts("no_incidents"), st["body"]))
        return
    ordered = sorted(incidents, key=lambda i: i.started_at)
    rows = [
        [
            texts.datetime(i.started_at),
            texts.datetime(i.ended_at) if i.ended_at else texts("ongoing"),
            texts.duration(i.duration_s(period_to)),
            incident_texts.kind_label(i.kind, i.code, texts.language)
            if i.code
            else texts.incident_kind(i.kind),
            incident_texts.text_for(i.code, i.params, i.summary, texts.language, texts.time_zone)[:300],
        ]
        for i in ordered[:MAX_INCIDENT_ROWS]
    ]
    story.append(
        _grid_table(
            [
                texts("col_start"),
                texts("col_end"),
                texts("col_duration"),
                texts("col_kind"),
                texts("col_summary"),
            ],
            rows,
            [38, 38, 20, 26, 52],
            st,
        )
    )
    if len(ordered) > MAX_INCIDENT_ROWS:
        story.append(_p(texts("more_incidents", count=len(ordered) - MAX_INCIDENT_ROWS), st["note"]))


def _maintenance_section(
    story: list[Any], st: dict[str, Any], texts: Texts, windows: Sequence[MaintenanceWindow]
) -> None:
    story.append(_p(texts("maintenance"), st["h2"]))
    if not windows:
        story.append(_p(texts("maintenance_none"), st["body"]))
        return
    story.append(_p(texts("maintenance_note"), st["body"]))
    rows = [
        [
            texts.datetime(w.start),
            texts.datetime(w.end),
            texts.duration((w.end - w.start).total_seconds()),
            w.note[:200],
        ]
        for w in sorted(windows, key=lambda w: w.start)
    ]
    story.append(
        _grid_table(
            [texts("col_start"), texts("col_end"), texts("col_duration"), texts("col_summary")],
            rows,
            [38, 38, 24, 74],
            st,
        )
    )


def _downtime(incidents: Sequence[ReportIncident], period_to: datetime, kinds: tuple[str, ...]) -> float:
    return sum(i.duration_s(period_to) for i in incidents if i.kind in kinds)


# ---------------------------------------------------------------------------------------------
# Endpoint report


def render_endpoint_report(data: EndpointReportData) -> bytes:
    """The PDF of an endpoint report."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    register_fonts()
    texts = Texts(data.language, data.branding.time_zone)
    st = styles()
    story: list[Any] = []
    shown = (data.shown_from, data.shown_to)
    _intro(
        story,
        st,
        texts,
        texts("endpoint_title"),
        [(texts("endpoint"), data.endpoint_name), (texts("url"), data.endpoint_url)],
        data.branding,
        data.period_from,
        data.period_to,
        shown,
    )

    story.append(_p(texts("summary"), st["h2"]))
    sla_row, sla_color = texts("sla_none"), None
    if data.sla_target_percent is not None:
        met = data.uptime_percent is not None and data.uptime_percent >= data.sla_target_percent
        verdict = texts("sla_met") if met else texts("sla_missed")
        places = 2 if round(data.sla_target_percent, 2) == data.sla_target_percent else 3
        target = texts.percent(data.sla_target_percent, places)
        sla_row = f"{target} – {verdict}" if data.has_data else target
        sla_color = (GREEN if met else RED) if data.has_data else None
    downtime = (
        data.downtime_s
        if data.downtime_s is not None
        else _downtime(data.incidents, data.shown_to, ("endpoint_down",))
    )
    rows = [
        (texts("uptime"), texts.percent(data.uptime_percent, 3)),
        (texts("sla_target"), sla_row),
        (texts("checks"), texts.count(data.checks, "check")),
        (texts("incident_count"), str(len(data.incidents))),
        (texts("downtime"), texts.duration(downtime) if data.has_data else texts("none")),
        (texts("mean_response"), texts.ms(data.mean_ms)),
        (texts("p95_response"), texts.ms(data.p95_ms)),
    ]
    story.append(_kv_table(rows, st, {1: sla_color} if sla_color else None))
    story.append(_p(texts("downtime_note"), st["small"]))

    if not data.has_data:
        story.append(Spacer(1, 4 * mm))
        story.append(_p(texts("no_data"), st["body"]))
    else:
        width = timedelta(days=1) if data.series_resolution == "day" else HOUR
        points = ds.downsample_response(data.series)
        mean = [(_x(p.at, width, shown), float(p.mean_ms)) for p in points if p.mean_ms is not None]
        p95 = [(_x(p.at, width, shown), float(p.p95_ms)) for p in points if p.p95_ms is not None]
        key = "response_chart_daily" if data.series_resolution == "day" else "response_chart_hourly"
        if mean or p95:
            chart = _line_chart(
                [(mean, BLUE, texts("legend_mean")), (p95, ORANGE, texts("legend_p95"))],
                texts,
                lambda v: texts.number(v, 0),
                shown,
            )
            story.append(KeepTogether([_p(texts(key), st["h2"]), chart]))
        else:  # checks ran, but none was answered: nothing to draw
            story.append(KeepTogether([_p(texts(key), st["h2"]), _p(texts("chart_too_few"), st["body"])]))
        if data.daily:
            story.append(
                KeepTogether(
                    [_p(texts("availability_chart"), st["h2"]), _availability_bars(data.daily, texts)]
                )
            )
    _incident_section(story, st, texts, data.incidents, data.shown_to)
    _certificate_section(story, st, texts, data)
    _header_section(story, st, texts, data)
    _maintenance_section(story, st, texts, data.maintenance)
    return _build(story, data.branding, texts, f"{texts('endpoint_title')} – {data.endpoint_name}")


def _certificate_section(
    story: list[Any], st: dict[str, Any], texts: Texts, data: EndpointReportData
) -> None:
    story.append(_p(texts("certificate"), st["h2"]))
    cert = data.certificate
    if cert is None:
        story.append(_p(texts("cert_none"), st["body"]))
        return
    if not cert.valid:
        status, color = texts("cert_invalid"), RED
    elif cert.days_left is not None and cert.days_left < 0:
        status, color = texts("cert_expired"), RED
    elif cert.days_left is not None and cert.days_left <= EXPIRING_DAYS:
        status, color = texts("cert_expiring"), ORANGE
    else:
        status, color = texts("cert_ok"), GREEN
    if cert.error:
        status = f"{status} ({cert.error})"
    names = ", ".join(cert.names[:20]) + (" …" if len(cert.names) > 20 else "")
    rows = [
        (texts("cert_status"), status),
        (texts("cert_subject"), cert.subject),
        (texts("cert_issuer"), cert.issuer),
        (texts("cert_valid_from"), texts.datetime(cert.not_before)),
        (texts("cert_valid_to"), texts.datetime(cert.not_after)),
        (
            texts("cert_days_left"),
            texts("none") if cert.days_left is None else f"{cert.days_left} {texts('unit_days')}",
        ),
        (texts("cert_names"), names or texts("none")),
    ]
    story.append(_kv_table(rows, st, {0: color}))


def _header_section(story: list[Any], st: dict[str, Any], texts: Texts, data: EndpointReportData) -> None:
    story.append(_p(texts("headers"), st["h2"]))
    if not data.header_findings:
        story.append(_p(texts("headers_none"), st["body"]))
        return
    labels = {"ok": texts("header_ok"), "missing": texts("header_missing"), "weak": texts("header_weak")}
    rows = [
        [
            f.header,
            labels.get(f.status, f.status),
            (f.value or texts("none"))[:120],
            "" if f.status == "ok" else texts.recommendation(f.header),
        ]
        for f in data.header_findings
    ]
    story.append(
        _grid_table(
            [texts("col_header"), texts("col_status"), texts("col_value"), texts("col_recommendation")],
            rows,
            [44, 20, 46, 64],
            st,
        )
    )


# ---------------------------------------------------------------------------------------------
# Host report


def render_host_report(data: HostReportData) -> bytes:
    """The PDF of a host report: online time, offline incidents, CPU, memory and disk."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    register_fonts()
    texts = Texts(data.language, data.branding.time_zone)
    st = styles()
    story: list[Any] = []
    shown = (data.shown_from, data.shown_to)
    subject = [(texts("host"), data.host_name)]
    if data.os_label:
        subject.append((texts("os"), data.os_label))
    _intro(
        story,
        st,
        texts,
        texts("host_title"),
        subject,
        data.branding,
        data.period_from,
        data.period_to,
        shown,
    )

    cpu = ds.downsample_metric(data.cpu_load)
    memory = ds.downsample_metric(data.memory_percent, peak=True)
    disk = ds.downsample_metric(data.disk_percent, peak=True)
    cpu_values = [p.value for p in data.cpu_load if p.value is not None]
    mem_values = [p.value for p in data.memory_percent if p.value is not None]
    disk_values = [p.value for p in data.disk_percent if p.value is not None]

    story.append(_p(texts("summary"), st["h2"]))
    offline = (
        data.offline_s
        if data.offline_s is not None
        else _downtime(data.incidents, data.shown_to, ("host_offline",))
    )
    rows = [
        (texts("online"), texts.percent(data.online_percent, 3)),
        (texts("heartbeats"), texts.count(data.heartbeats, "heartbeat")),
        (texts("incident_count"), str(len(data.incidents))),
        (texts("offline"), texts.duration(offline) if data.has_data else texts("none")),
        (
            texts("mean_cpu"),
            texts.number(sum(cpu_values) / len(cpu_values), 2) if cpu_values else texts("none"),
        ),
        (texts("max_memory"), texts.percent(max(mem_values), 1) if mem_values else texts("none")),
        (texts("max_disk"), texts.percent(max(disk_values), 1) if disk_values else texts("none")),
    ]
    story.append(_kv_table(rows, st))
    story.append(_p(texts("offline_note"), st["small"]))

    if not data.has_data:
        story.append(Spacer(1, 4 * mm))
        story.append(_p(texts("no_data"), st["body"]))
    else:
        charts = [
            (texts("cpu_chart"), cpu, lambda v: texts.number(v, 1), None),
            (texts("memory_chart"), memory, lambda v: texts.number(v, 0), 100.0),
            (texts("disk_chart"), disk, lambda v: texts.number(v, 0), 100.0),
        ]
        for title, pts, label_fmt, top in charts:
            xy = _metric_points(pts, shown)
            body = (
                _line_chart([(xy, BLUE, title)], texts, label_fmt, shown, y_max=top, height_mm=45)
                if xy
                else _p(texts("chart_too_few"), st["body"])
            )
            story.append(KeepTogether([_p(title, st["h2"]), body]))
    _incident_section(story, st, texts, data.incidents, data.shown_to)
    _maintenance_section(story, st, texts, data.maintenance)
    return _build(story, data.branding, texts, f"{texts('host_title')} – {data.host_name}")
