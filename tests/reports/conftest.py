"""Fixtures of the report tests: the seed's world, a guest, a logo, PDF text and images."""

from __future__ import annotations

import io
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support import PASSWORD, Api, World

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PERIOD_FROM = datetime(2026, 10, 1, tzinfo=UTC)
PERIOD_TO = PERIOD_FROM + timedelta(days=30)


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF, whitespace collapsed (line breaks of wrapped sentences vanish)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def pdf_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def render_png(pdf: bytes, name: str) -> Path | None:
    """Page 1 as PNG into tests/artifacts/ for a person to look at; None without pdftoppm."""
    import subprocess

    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (poppler-utils) is required in CI")
        pytest.skip("pdftoppm is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(ARTIFACTS / name),
        ],
        check=True,
        timeout=60,
    )
    return ARTIFACTS / f"{name}.png"


@pytest.fixture
def logo_png() -> bytes:
    """A 150×150 RGB logo with a pattern, so that a pixel mix-up would show."""
    from PIL import Image

    img = Image.new("RGB", (150, 150), (255, 255, 255))
    for x in range(150):
        for y in range(150):
            img.putpixel((x, y), ((x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def guest_token(api: Api, world: World) -> str:
    """A guest of the linked customer org with a permanent password.

    Written through the team models rather than the invitation mail, so that these tests do
    not depend on the mail path.
    """
    from chalicelib import clock
    from chalicelib.auth import cognito
    from chalicelib.team.models import EmailIndex, Membership, User

    email = "gast@example.com"
    user_id = cognito.create_user(email, PASSWORD, permanent=True)
    now = clock.now()
    User(*User.key(user_id), user_id=user_id, email=email, created_at=now).save()
    EmailIndex(*EmailIndex.key(email), user_id=user_id).save()
    Membership.build(world.customer_id, user_id, email, "guest", now, None).save()
    return api.login(email)


def access_of(api: Api, token: str, org_id: str):
    """The ``Access`` a request with ``token`` gets in ``org_id`` (for service calls)."""
    from chalicelib.auth.access import resolve
    from chalicelib.auth.principal import Principal

    me = api.get("/me", token).json
    return resolve(Principal(user_id=me["user"]["id"], email=me["user"]["email"], token_use="id"), org_id)


# --- real monitoring data: checks against loopback servers, heartbeats through the API ----------


@pytest.fixture(scope="session")
def report_ca():
    import trustme

    return trustme.CA()


@pytest.fixture(scope="session")
def site(report_ca):
    """An HTTPS site on 127.0.0.1 (local CA, certificate valid 40 more days) with every
    security header; ``site.states[name]`` sets the status of ``/state/<name>``."""
    from chalicelib.local.targets import TargetServer, server_context

    real_now = datetime.now(UTC)
    server = TargetServer(
        server_context(report_ca, "127.0.0.1", not_after=real_now + timedelta(days=40, hours=12))
    ).start()
    yield server
    server.stop()


@pytest.fixture
def checks_allowed(monkeypatch, report_ca, tmp_path):
    """Loopback allowed for checks (and nothing else), the local CA trusted, short timeouts."""
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(report_ca.cert_pem.bytes())
    monkeypatch.setenv("VIGIL_CHECK_ALLOW_CIDRS", "127.0.0.1/32")
    monkeypatch.setenv("VIGIL_CHECK_CA_FILE", str(ca_file))
    monkeypatch.setenv("VIGIL_CHECK_TIMEOUT_S", "3")


def run_checks(
    ticks: int, step: timedelta, site=None, down_ticks: tuple[int, ...] = (), state: str = "shop"
) -> None:
    """``ticks`` scheduler runs ``step`` apart (dispatcher → queue → worker → real HTTP check);
    ``/state/<state>`` answers 500 during the ticks listed in ``down_ticks``."""
    from chalicelib import clock
    from tests.monitoring.conftest import run_minute

    for tick in range(ticks):
        if site is not None:
            site.states[state] = 500 if tick in down_ticks else 200
        run_minute()
        clock.advance(step)
    if site is not None:
        site.states[state] = 200


def create_endpoint(api: Api, org_id: str, token: str, url: str, name: str = "Webshop", **extra) -> dict:
    body = {
        "name": name,
        "url": url,
        "interval_minutes": 5,
        "alert": {"consecutive_failures": 2, "recipients": []},
        "sla_target": "99.5",
        **extra,
    }
    r = api.post(f"/orgs/{org_id}/endpoints", token, body)
    assert r.status == 201, r
    return r.json


def upload_logo(api: Api, org_id: str, token: str, png: bytes) -> None:
    r = api.put(f"/orgs/{org_id}/logo", token, body=png, headers={"Content-Type": "image/png"})
    assert r.status in (200, 201, 204), r


def download(url: str) -> bytes:
    """The S3 object a presigned URL points to (in-process moto intercepts botocore only)."""
    from urllib.parse import unquote, urlparse

    from chalicelib import aws, settings

    parsed = urlparse(url)
    bucket = parsed.hostname.split(".")[0]
    assert bucket == settings.bucket_name("files")
    return aws.client("s3").get_object(Bucket=bucket, Key=unquote(parsed.path.lstrip("/")))["Body"].read()


def first_image(pdf: bytes):
    from pypdf import PdfReader

    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    return images[0].image.convert("RGB") if images else None
