"""Rejection messages a person understands, in German or English."""

from __future__ import annotations

from chalicelib.branding.image import MAX_SIDE, SIDE

MESSAGES = {
    "empty": {
        "de": "Die hochgeladene Datei ist leer. Bitte wählen Sie ein PNG- oder JPEG-Bild.",
        "en": "The uploaded file is empty. Please choose a PNG or JPEG image.",
    },
    "too_big": {
        "de": "Das Logo darf höchstens 1 MB groß sein, hochgeladen: {size_text}.",
        "en": "The logo must be at most 1 MB, uploaded: {size_text}.",
    },
    "format": {
        "de": "Das Logo muss ein PNG- oder JPEG-Bild sein; die Datei ist {found_text}.",
        "en": "The logo must be a PNG or JPEG image; the file is {found_text}.",
    },
    "unreadable": {
        "de": "Die Datei ist kein vollständiges, lesbares PNG- oder JPEG-Bild (beschädigt oder "
        "abgeschnitten?).",
        "en": "The file is not a complete, readable PNG or JPEG image (damaged or truncated?).",
    },
    "dimensions": {
        "de": "Das Logo muss " + f"{SIDE}×{SIDE}" + " Pixel groß sein, hochgeladen: "
        "{width}×{height}. Größere quadratische Bilder bis "
        + f"{MAX_SIDE}×{MAX_SIDE}"
        + " Pixel werden verkleinert.",
        "en": "The logo must be " + f"{SIDE}×{SIDE}" + " pixels, uploaded: {width}×{height}. "
        "Larger square images up to " + f"{MAX_SIDE}×{MAX_SIDE}" + " pixels are scaled down.",
    },
    "animated": {
        "de": "Das Logo darf nicht animiert sein; bitte laden Sie ein einzelnes Bild hoch.",
        "en": "The logo must not be animated; please upload a single still image.",
    },
    "no_logo": {
        "de": "Für diese Organisation ist kein Logo hinterlegt.",
        "en": "This organisation has no logo.",
    },
    "downscaled": {
        "de": "Das Bild ({width}×{height}) wurde auf " + f"{SIDE}×{SIDE}" + " Pixel verkleinert.",
        "en": "The image ({width}×{height}) was scaled down to " + f"{SIDE}×{SIDE}" + " pixels.",
    },
}

_FOUND = {
    "de": {"unknown": "kein erkennbares Bild", "SVG": "eine SVG-Grafik"},
    "en": {"unknown": "not a recognisable image", "SVG": "an SVG drawing"},
}


def language(accept_language: str | None, org_language: str) -> str:
    """The first of de/en named in Accept-Language (by q-value), else the org's language."""
    if accept_language:
        ranked = []
        for pos, part in enumerate(accept_language.split(",")):
            tag, _, params = part.strip().partition(";")
            q = 1.0
            if params.strip().startswith("q="):
                try:
                    q = float(params.strip()[2:])
                except ValueError:
                    q = 0.0
            ranked.append((-q, pos, tag.strip().lower()[:2]))
        for _, _, tag in sorted(ranked):
            if tag in ("de", "en"):
                return tag
    return org_language if org_language in ("de", "en") else "de"


def text(code: str, lang: str, **params: object) -> str:
    found = str(params.get("found", "unknown"))
    size = params.get("size")
    extra = {
        "found_text": _FOUND[lang].get(
            found, ("ein " if lang == "de" else "a ") + found + ("-Bild" if lang == "de" else " image")
        ),
        "size_text": _size(size if isinstance(size, int) else 0, lang),
    }
    return MESSAGES[code][lang].format(**{**params, **extra})


def _size(n: int, lang: str) -> str:
    mb = f"{n / (1024 * 1024):.2f}"
    if lang == "de":
        return f"{mb.replace('.', ',')} MB ({n} Bytes)"
    return f"{mb} MB ({n} bytes)"
