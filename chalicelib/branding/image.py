"""Checking and cleaning an uploaded logo (pure: bytes in, PNG bytes or a rejection out).

The bytes decide, never the Content-Type: the file must *be* a PNG or JPEG (magic bytes and
Pillow agree), one frame, 150×150 px (a larger square is downscaled), at most 1 MiB. Dimensions
are read from the header before any pixel is decoded, so a small file that would inflate to
gigabytes (a decompression bomb) is refused without decoding it. The result is re-encoded from
raw pixels, so EXIF (GPS!), ICC profiles, text chunks and trailing data never reach storage.
Pillow is imported inside the functions (cold start).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import PIL.Image

SIDE = 150
MAX_BYTES = 1024 * 1024  # "Maximal 1MB"
MAX_SIDE = 4096  # largest square we downscale; beyond that the header alone is refused
MAX_PIXELS = MAX_SIDE * MAX_SIDE

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
)
_OTHER_MAGIC = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"%PDF", "PDF"),
)


class LogoRejected(Exception):
    """Why a file is not accepted; ``code`` selects the message, ``status`` the HTTP answer."""

    def __init__(self, code: str, status: int, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params


@dataclass(frozen=True)
class CleanLogo:
    png: bytes
    source_format: str  # PNG | JPEG
    source_size: tuple[int, int]

    @property
    def downscaled(self) -> bool:
        return self.source_size != (SIDE, SIDE)


def sniff(data: bytes) -> str | None:
    """The format the first bytes claim (None: not recognisably an image we know)."""
    for magic, name in _MAGIC + _OTHER_MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return "SVG"
    return None


def clean(data: bytes) -> CleanLogo:
    """Validate ``data`` and return the logo as a fresh 150×150 PNG, or raise LogoRejected."""
    if not data:
        raise LogoRejected("empty", 400)
    if len(data) > MAX_BYTES:
        raise LogoRejected("too_big", 413, size=len(data))
    claimed = sniff(data)
    if claimed not in ("PNG", "JPEG"):
        raise LogoRejected("format", 415, found=claimed or "unknown")
    declared = header_size(data, claimed)
    if declared is not None:
        _check_bounds(*declared)  # before Pillow sees the file at all
    img = _open(data, claimed)
    width, height = img.size
    _check_bounds(width, height)
    if (width, height) != (SIDE, SIDE) and (width != height or width < SIDE):
        raise LogoRejected("dimensions", 422, width=width, height=height)
    if getattr(img, "is_animated", False) or getattr(img, "n_frames", 1) > 1:
        raise LogoRejected("animated", 422)
    pixels = _decode(img)
    return CleanLogo(png=_encode(pixels), source_format=claimed, source_size=(width, height))


def _check_bounds(width: int, height: int) -> None:
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise LogoRejected("dimensions", 422, width=width, height=height)


_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def header_size(data: bytes, fmt: str) -> tuple[int, int] | None:
    """Width and height as the header declares them, read without any decoder (None: unknown)."""
    import struct

    if fmt == "PNG":
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        return None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in _JPEG_SOF and i + 9 <= len(data):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return None


def _open(data: bytes, claimed: str) -> PIL.Image.Image:
    """Read the header only (Pillow is lazy); the format must match the magic bytes."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data), formats=[claimed])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise LogoRejected("unreadable", 422) from exc
    except Image.DecompressionBombError as exc:
        raise LogoRejected("dimensions", 422, width=0, height=0) from exc
    if img.format != claimed:
        raise LogoRejected("unreadable", 422)
    return img


def _decode(img: PIL.Image.Image) -> PIL.Image.Image:
    """Decode every pixel (truncated or corrupt data fails here) and normalise the mode."""
    import warnings

    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img.load()
            # Apply the EXIF rotation before the EXIF goes away, so the logo stays upright.
            img = ImageOps.exif_transpose(img)
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as exc:
        raise LogoRejected("unreadable", 422) from exc
    if img.mode.startswith("I"):
        # 16-bit greyscale: scale to 8 bits (a plain convert would clip everything to white).
        img = img.convert("I").point(lambda v: v / 256).convert("L")
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    img = img.convert("RGBA" if has_alpha else "RGB")
    if img.size != (SIDE, SIDE):
        img = img.resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    return img


def _encode(img: PIL.Image.Image) -> bytes:
    """A new image from the raw pixels only: no info, EXIF, ICC or text can come along."""
    from PIL import Image

    fresh = Image.frombytes(img.mode, img.size, img.tobytes())
    out = io.BytesIO()
    fresh.save(out, format="PNG", optimize=True)
    return out.getvalue()
