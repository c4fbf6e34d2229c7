"""Reading the PDFs the app produces: text, pages, the first image, page 1 as PNG for a person."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF, whitespace collapsed (line breaks of wrapped sentences vanish)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def pdf_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def first_image(pdf: bytes) -> Any:
    """The first image on page 1 as an RGB ``PIL.Image``, or None."""
    from pypdf import PdfReader

    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    if not images or images[0].image is None:
        return None
    return images[0].image.convert("RGB")


def render_png(pdf: bytes, name: str) -> Path | None:
    """Page 1 as PNG into tests/artifacts/ for a person to look at; None without pdftoppm."""
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
