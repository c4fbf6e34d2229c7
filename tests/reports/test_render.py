"""The PDF renderer: provided-by sentence, logo in the header, languages, no data, page numbers."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from chalicelib.reports import render
from chalicelib.reports.data import Branding, EndpointReportData, HostReportData
from chalicelib.reports.i18n import TEXTS
from tests.reports import samples
from tests.reports.conftest import PERIOD_FROM, PERIOD_TO
from tests.support.pdf import pdf_pages, pdf_text, render_png

pytestmark = pytest.mark.unit

ORG = "Innendekoration Stein & Mehr"
PROVIDED_DE = "Dieser Bericht ist automatisiert erstellt worden und wird Ihnen zur Verfügung gestellt von:"
PROVIDED_EN = "This report was generated automatically and is provided to you by:"
#: Words that must not appear in an English report (they would betray a German leftover).
GERMAN_WORDS = [
    "Seite",
    "Verfügbarkeit",
    "Zeitraum",
    "Vorfälle",
    "Antwortzeit",
    "Zertifikat",
    "Wartungsfenster",
    "erreicht",
    "Zusammenfassung",
    "Dieser Bericht",
    "Empfehlung",
    "Beginn",
    "Dauer",
    "Aussteller",
    "Tage",
]
ENGLISH_WORDS = [
    "Page",
    "Availability",
    "Period",
    "Incidents",
    "Response time",
    "Certificate",
    "Maintenance",
    "Summary",
    "This report",
    "Recommendation",
    "Duration",
    "Issuer",
]


def endpoint(language="de", logo=None, org=ORG) -> EndpointReportData:
    return samples.endpoint_data(PERIOD_FROM, PERIOD_TO, language, org_name=org, logo_png=logo)


def test_every_text_exists_in_both_languages():
    assert set(TEXTS["de"]) == set(TEXTS["en"])
    for lang in ("de", "en"):
        assert all(value.strip() for value in TEXTS[lang].values()), lang


def test_provided_by_sentence_is_followed_by_the_org_name():
    text = pdf_text(render.render_endpoint_report(endpoint("de")))
    assert f"{PROVIDED_DE} {ORG}" in text
    text = pdf_text(render.render_endpoint_report(endpoint("en")))
    assert f"{PROVIDED_EN} {ORG}" in text


def test_header_logo_is_the_given_logo_pixel_for_pixel(logo_png):
    from PIL import Image
    from pypdf import PdfReader

    pdf = render.render_endpoint_report(endpoint("de", logo=logo_png))
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:  # the header carries it on every page
        images = page.images
        assert len(images) == 1
        image = images[0].image
        assert image is not None
        got = image.convert("RGB")
        want = Image.open(io.BytesIO(logo_png)).convert("RGB")
        assert got.size == want.size == (150, 150)
        assert got.tobytes() == want.tobytes()


def test_without_logo_renders_and_has_no_image():
    from pypdf import PdfReader

    pdf = render.render_endpoint_report(endpoint("de", logo=None))
    assert pdf.startswith(b"%PDF")
    assert all(len(p.images) == 0 for p in PdfReader(io.BytesIO(pdf)).pages)
    assert ORG in pdf_text(pdf)


def test_german_report_texts_and_numbers():
    data = endpoint("de")
    text = pdf_text(render.render_endpoint_report(data))
    pages = pdf_pages(render.render_endpoint_report(data))
    assert "Verfügbarkeitsbericht Endpunkt" in text
    assert "Endpunkt: Webshop" in text and "https://shop.example.com/" in text
    # local time of the org (Europe/Berlin) with the zone, never bare UTC
    assert "Zeitraum: 01.10.2026 02:00 MESZ – 31.10.2026 01:00 MEZ" in text
    assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
    assert "99,50 %" in text  # the SLA target, decimal comma
    assert "HTTP 503 Service Unavailable" in text
    assert "Software-Update" in text and "ausgenommen" in text
    assert "CN=shop.example.com" in text and "12 Tage" in text
    assert "content-security-policy" in text and "Content-Security-Policy definieren" in text


def test_english_report_has_no_german_words():
    data = endpoint("en")
    text = pdf_text(render.render_endpoint_report(data))
    pages = pdf_pages(render.render_endpoint_report(data))
    assert f"Page 1 of {pages}" in text
    assert "Endpoint availability report" in text and "Period: 2026-10-01 02:00 CEST" in text
    assert "99.50%" in text
    leftovers = [w for w in GERMAN_WORDS if w in text]
    assert leftovers == []


def test_german_report_has_no_english_labels():
    text = pdf_text(render.render_endpoint_report(endpoint("de")))
    leftovers = [w for w in ENGLISH_WORDS if w in text]
    assert leftovers == []


def test_sla_missed_is_stated():
    data = endpoint("en")
    data.sla_target_percent = 99.999
    data.uptime_percent = 99.0
    assert "99.999% – missed" in pdf_text(render.render_endpoint_report(data))
    data.uptime_percent = 100.0
    assert "99.999% – met" in pdf_text(render.render_endpoint_report(data))


def test_no_data_yet():
    data = EndpointReportData(
        branding=Branding(ORG),
        language="de",
        period_from=PERIOD_FROM,
        period_to=PERIOD_TO,
        endpoint_name="Neu",
        endpoint_url="https://neu.example/",
    )
    pdf = render.render_endpoint_report(data)
    text = pdf_text(pdf)
    assert "Für diesen Zeitraum liegen noch keine Messdaten vor." in text
    assert "Im Berichtszeitraum gab es keine Vorfälle." in text
    assert f"{PROVIDED_DE} {ORG}" in text
    assert "Seite 1 von 1" in text
    assert "Antwortzeiten" not in text  # no empty chart


def test_incident_list_is_capped_for_long_periods():
    from chalicelib.reports.data import ReportIncident

    data = endpoint("en")
    data.incidents = [
        ReportIncident(
            PERIOD_FROM + timedelta(hours=i),
            PERIOD_FROM + timedelta(hours=i, minutes=3),
            "endpoint_down",
            f"outage {i}",
        )
        for i in range(130)
    ]
    text = pdf_text(render.render_endpoint_report(data))
    assert "outage 99 " in text and "outage 100 " not in text
    assert "… and 30 more incidents (not listed)." in text


def test_host_report_in_both_languages(logo_png):
    for lang, title, online, page in (
        ("de", "Verfügbarkeitsbericht Host", "Online-Zeit", "Seite 1 von"),
        ("en", "Host availability report", "Online time", "Page 1 of"),
    ):
        data = samples.host_data(PERIOD_FROM, PERIOD_TO, lang, org_name=ORG, logo_png=logo_png)
        text = pdf_text(render.render_host_report(data))
        assert title in text and online in text and page in text
        assert "web-01" in text and "No heartbeat for 29 min" in text
        assert (PROVIDED_DE if lang == "de" else PROVIDED_EN) + f" {ORG}" in text
    en = pdf_text(render.render_host_report(samples.host_data(PERIOD_FROM, PERIOD_TO, "en")))
    assert [w for w in GERMAN_WORDS if w in en] == []
    assert "CPU load" in en and "Memory used (%)" in en and "Disk used (%)" in en


def test_host_report_without_heartbeats():
    data = HostReportData(
        branding=Branding(ORG), language="en", period_from=PERIOD_FROM, period_to=PERIOD_TO, host_name="db-02"
    )
    text = pdf_text(render.render_host_report(data))
    assert "There are no measurements for this period yet." in text and "db-02" in text


def test_year_report_stays_small():
    """366 days of hourly points are downsampled: the PDF does not grow with the period."""
    from chalicelib.reports.data import ResponsePoint

    month = render.render_endpoint_report(endpoint("de"))
    data = endpoint("de")
    data.period_to = PERIOD_FROM + timedelta(days=366)
    data.series = [
        ResponsePoint(PERIOD_FROM + timedelta(hours=h), 200.0 + h % 7, 400.0 + h % 11)
        for h in range(366 * 24)
    ]
    year = render.render_endpoint_report(data)
    assert len(year) < 2 * len(month)


def test_page_one_as_png_for_a_person_to_look_at(logo_png):
    for name, pdf in (
        ("endpoint_report_de", render.render_endpoint_report(endpoint("de", logo=logo_png))),
        ("endpoint_report_en", render.render_endpoint_report(endpoint("en", logo=logo_png))),
        (
            "host_report_en",
            render.render_host_report(
                samples.host_data(PERIOD_FROM, PERIOD_TO, "en", org_name=ORG, logo_png=logo_png)
            ),
        ),
    ):
        png = render_png(pdf, name)
        assert png is not None and png.stat().st_size > 10_000
        from PIL import Image

        with Image.open(png) as img:
            width, height = img.size
        assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
