"""GET /monitoring-ips (JSON) and /monitoring-ips.pdf (the data sheet for hosters)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import error_map
from tests.support.pdf import pdf_pages, pdf_text, render_png
from tests.support.servers import live_app

FIREWALL_DE = (
    "Ein dauerhaftes Monitoring kann nur gewährleistet werden, wenn die IP-Adressen, "
    "von denen aus die Überwachung stattfindet nicht durch Firewall-Regeln blockiert "
    "werden. Bitte leiten Sie daher dieses Datenblatt an Ihren Hoster/Provider weiter."
)
FIREWALL_EN = (
    "Continuous monitoring can only be guaranteed if the IP addresses the monitoring "
    "runs from are not blocked by firewall rules. Please forward this data sheet to "
    "your hosting company or provider."
)


def test_json_without_login_has_documentation_range_defaults(api):
    r = api.get("/monitoring-ips")
    assert r.status == 200, r
    body = r.json
    assert body["ipv4"] == ["192.0.2.10", "198.51.100.10"]
    assert body["ipv6"] == ["2001:db8::10", "2001:db8:1::10"]
    assert body["ports"] == [80, 443] and body["protocols"] == ["http", "https"]
    assert body["user_agent"].startswith("Vigil-Monitor/")
    assert body["contact"]["email"] == "support@vigil.example"


def test_json_follows_configuration(api, monkeypatch):
    monkeypatch.setenv("VIGIL_MONITORING_IPV4", " 203.0.113.7 ,203.0.113.8")
    monkeypatch.setenv("VIGIL_MONITORING_IPV6", "2001:DB8:0:0::7")
    monkeypatch.setenv("VIGIL_MONITORING_PORTS", "80,443,8443")
    monkeypatch.setenv("VIGIL_CHECK_USER_AGENT", "Acme-Check/2")
    monkeypatch.setenv("VIGIL_VENDOR_SUPPORT_EMAIL", "hilfe@acme.example")
    body = api.get("/monitoring-ips").json
    assert body["ipv4"] == ["203.0.113.7", "203.0.113.8"]
    assert body["ipv6"] == ["2001:db8::7"]  # normalised
    assert body["ports"] == [80, 443, 8443] and body["user_agent"] == "Acme-Check/2"
    assert body["contact"]["email"] == "hilfe@acme.example"
    pdf = api.get("/monitoring-ips.pdf?lang=en", headers={"Accept": "application/pdf"}).raw
    text = pdf_text(pdf)
    assert "203.0.113.7" in text and "2001:db8::7" in text and "8443/TCP" in text
    assert "Acme-Check/2" in text and "hilfe@acme.example" in text


@pytest.mark.parametrize(
    "lang_args, expected, sentence",
    [
        ({"query": "?lang=de"}, "de", FIREWALL_DE),
        ({"query": "?lang=en"}, "en", FIREWALL_EN),
        ({"accept_language": "en-GB,en;q=0.9,de;q=0.5"}, "en", FIREWALL_EN),
        ({"accept_language": "fr-FR, de-DE;q=0.8, en;q=0.7"}, "de", FIREWALL_DE),
        ({}, "de", FIREWALL_DE),
    ],
)
def test_pdf_in_the_requested_language(api, lang_args, expected, sentence):
    headers = {"Accept": "application/pdf"}
    if "accept_language" in lang_args:
        headers["Accept-Language"] = lang_args["accept_language"]
    r = api.get("/monitoring-ips.pdf" + lang_args.get("query", ""), headers=headers)
    assert r.status == 200, r
    headers = {k.lower(): v for k, v in r.headers.items()}
    assert headers["content-type"] == "application/pdf"
    assert headers["content-language"] == expected
    assert r.raw.startswith(b"%PDF-")
    assert pdf_pages(r.raw) == 1  # one page to forward
    text = pdf_text(r.raw)
    assert sentence in text
    for address in (
        "192.0.2.10",
        "198.51.100.10",
        "2001:db8::10",
        "2001:db8:1::10",
        "80/TCP",
        "443/TCP",
        "Vigil-Monitor/1.0",
        "support@vigil.example",
    ):
        assert address in text
    if expected == "en":
        assert "HTTP and HTTPS" in text and "heartbeats" in text and "Firewall" not in text
    else:
        assert "HTTP und HTTPS" in text and "Heartbeats" in text


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def _follow(location: str) -> tuple[str, str, bytes, dict[str, Any]]:
    """The presigned URL's bucket, key and object (read from moto), and its query."""
    from urllib.parse import parse_qs, urlsplit

    from chalicelib import aws

    url = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    if ".s3" in url.netloc and not url.netloc.startswith("s3"):  # virtual-hosted style
        bucket, key = url.netloc.split(".s3")[0], url.path[1:]
    else:  # path style
        bucket, _, key = url.path[1:].partition("/")
    obj = aws.client("s3").get_object(Bucket=bucket, Key=key)
    return bucket, key, obj["Body"].read(), {"query": query, "content_type": obj["ContentType"]}


@pytest.mark.parametrize(
    "accept",
    [BROWSER_ACCEPT, "*/*", None, "text/html, application/pdf"],
    ids=["browser", "any", "none", "pdf-2nd"],
)
def test_a_browser_link_is_sent_to_a_presigned_url_of_the_sheet(api, accept):
    """API Gateway converts binary only for the first Accept type: everyone else goes to S3."""
    from chalicelib import settings

    headers = {"Accept-Language": "en-GB,en;q=0.9"} | ({"Accept": accept} if accept else {})
    r = api.get("/monitoring-ips.pdf", headers=headers)
    assert r.status == 303, r
    h = {k.lower(): v for k, v in r.headers.items()}
    assert h["cache-control"] == "no-store" and h["content-language"] == "en"
    bucket, key, body, meta = _follow(h["location"])
    assert bucket == settings.bucket_name("files")
    assert key.startswith("public/monitoring-ips/en-") and key.endswith(".pdf")
    assert meta["query"]["X-Amz-Expires"] == "300" and "X-Amz-Signature" in meta["query"]
    assert meta["query"]["response-content-disposition"] == 'inline; filename="monitoring-ips-en.pdf"'
    assert meta["content_type"] == "application/pdf" and body.startswith(b"%PDF-") and pdf_pages(body) == 1
    assert FIREWALL_EN in pdf_text(body)


def test_the_stored_sheet_is_rendered_once_per_language_and_configuration(api, monkeypatch):
    from chalicelib import aws, settings

    def keys() -> list[str]:
        listed = aws.client("s3").list_objects_v2(Bucket=settings.bucket_name("files"), Prefix="public/")
        return sorted(o["Key"] for o in listed.get("Contents", []))

    def sheet(lang: str) -> str:
        r = api.get(f"/monitoring-ips.pdf?lang={lang}", headers={"Accept": BROWSER_ACCEPT})
        assert r.status == 303, r
        return _follow(r.headers["Location"])[1]

    de = sheet("de")
    assert sheet("de") == de and keys() == [de]  # the second link reuses the stored sheet
    en = sheet("en")
    assert en != de and en.startswith("public/monitoring-ips/en-") and len(keys()) == 2
    assert FIREWALL_DE in pdf_text(_follow(api.get("/monitoring-ips.pdf?lang=de").headers["Location"])[2])
    monkeypatch.setenv("VIGIL_MONITORING_IPV4", "203.0.113.44")
    changed = sheet("de")
    assert changed not in (de, en) and len(keys()) == 3
    assert "203.0.113.44" in pdf_text(_follow(api.get("/monitoring-ips.pdf?lang=de").headers["Location"])[2])


def test_unknown_language_is_a_field_error(api):
    r = api.get("/monitoring-ips.pdf?lang=fr", headers={"Accept": "application/pdf"})
    assert r.status == 400 and error_map(r.json) == {"lang": "one_of"}


def test_data_sheet_page_as_png(api):
    pdf = api.get("/monitoring-ips.pdf?lang=de", headers={"Accept": "application/pdf"}).raw
    png = render_png(pdf, "monitoring_ips_de")
    assert png is not None and png.stat().st_size > 5_000


def test_local_server_delivers_the_pdf_bytes_unchanged(api):
    """`make run` serves through its local server: the bytes must arrive as they are."""
    import requests

    expected = api.get("/monitoring-ips.pdf?lang=en", headers={"Accept": "application/pdf"}).raw
    with live_app() as base:
        r = requests.get(
            f"{base}/monitoring-ips.pdf?lang=en",
            headers={"Accept": "application/pdf"},
            timeout=30,
        )
        assert r.status_code == 200
        assert r.headers["Content-Type"] == "application/pdf"
        # Same document (the creation date inside may differ by a second): same text, 1 page.
        assert r.content.startswith(b"%PDF-") and pdf_pages(r.content) == 1
        assert pdf_text(r.content) == pdf_text(expected)
        r = requests.get(
            f"{base}/monitoring-ips.pdf", headers={"Accept": "text/html"}, timeout=30, allow_redirects=False
        )
        assert r.status_code == 303 and "X-Amz-Signature=" in r.headers["Location"]
