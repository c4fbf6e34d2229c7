"""Images for logo and report tests, generated on the fly (no binary fixtures to keep in sync)."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any


def image(fmt: str, size: tuple[int, int] = (150, 150), mode: str = "RGB", **save: Any) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new(mode, size, "white" if mode in ("RGB", "RGBA", "L", "CMYK") else 0)
    if mode in ("RGB", "RGBA") and min(size) > 40:
        ImageDraw.Draw(img).rectangle((10, 10, size[0] // 2, size[1] // 2), fill=(200, 30, 30))
    out = io.BytesIO()
    img.save(out, format=fmt, **save)
    return out.getvalue()


def solid(mode: str, fmt: str, value: Any, size: tuple[int, int] = (150, 150), **save: Any) -> bytes:
    """One colour (``value`` in ``mode``'s terms) all over, encoded as ``fmt``."""
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, value).save(out, format=fmt, **save)
    return out.getvalue()


def png(size: tuple[int, int] = (150, 150), **save: Any) -> bytes:
    return image("PNG", size, **save)


def patterned_png(size: tuple[int, int] = (150, 150)) -> bytes:
    """An RGB PNG where every pixel differs from its neighbours, so that a pixel mix-up would show."""
    from PIL import Image

    img = Image.new("RGB", size, (255, 255, 255))
    for x in range(size[0]):
        for y in range(size[1]):
            img.putpixel((x, y), ((x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def jpeg(size: tuple[int, int] = (150, 150), **save: Any) -> bytes:
    return image("JPEG", size, **save)


def jpeg_with_gps() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "Editor 1.0"  # Software
    gps = {1: "N", 2: (50.0, 58.0, 41.0), 3: "E", 4: (11.0, 1.0, 45.0)}
    exif[0x8825] = gps  # GPSInfo
    return jpeg(exif=exif.tobytes())


def png_with_metadata() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Geheimer Name")
    info.add_text("Comment", "GPS 50.9781 11.0292")
    return png(pnginfo=info)


def animated_png() -> bytes:
    from PIL import Image

    frames = [Image.new("RGB", (150, 150), c) for c in ("red", "blue", "green")]
    out = io.BytesIO()
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


def animated_gif() -> bytes:
    from PIL import Image

    frames = [Image.new("P", (150, 150), c) for c in (1, 2)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int, idat: bytes, bit_depth: int = 1, color: int = 0) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def decompression_bomb(side: int = 20000) -> bytes:
    """A 1-bit PNG of side×side zeros: tens of KB on disk, gigabytes once decoded as RGB."""
    comp = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    parts = [comp.compress(row) for _ in range(side)]
    parts.append(comp.flush())
    return png_header(side, side, b"".join(parts))


def huge_header_tiny_payload() -> bytes:
    """Claims 65535×65535 pixels but carries a few bytes of pixel data."""
    return png_header(65535, 65535, zlib.compress(b"\x00" * 64), bit_depth=8, color=2)


def too_big_by_one_byte() -> bytes:
    """A real 150×150 PNG padded (after IEND) to exactly 1 MiB + 1 byte."""
    data = png()
    return data + b"\x00" * (1024 * 1024 + 1 - len(data))


def svg() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="150" '
        b'height="150"><rect width="150" height="150" fill="red"/></svg>'
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is patched to claim width×height."""
    data = bytearray(jpeg((16, 16)))
    i = data.index(b"\xff\xc0")
    data[i + 5 : i + 9] = struct.pack(">HH", height, width)
    return bytes(data)
