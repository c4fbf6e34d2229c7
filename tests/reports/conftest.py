"""Fixtures of the report tests: the seed's world, a guest, a logo, PDF text and images."""
from __future__ import annotations

import io
import os
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.support import PASSWORD, Api, World, seed_world

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PERIOD_FROM = datetime(2026, 10, 1, tzinfo=timezone.utc)
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
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(source), str(ARTIFACTS / name)], check=True, timeout=60)
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
def world(api: Api) -> World:
    return seed_world(api)


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
    return resolve(Principal(user_id=me["user"]["id"], email=me["user"]["email"], token_use="id"),
                   org_id)
