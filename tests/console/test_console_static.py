"""The console's static side: dictionaries complete in both languages, served with the API URL,
and the API lets the console's origin call it (CORS)."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from chalicelib.incidents.models import KINDS
from chalicelib.local.web import config_js

WEB = Path(__file__).resolve().parents[2] / "web"
LANGS = ("de", "en")


def _dict(lang: str) -> dict[str, str]:
    return json.loads((WEB / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def _js_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((WEB / "js").rglob("*.js")))


@pytest.mark.unit
def test_both_dictionaries_have_the_same_keys_and_no_empty_text():
    de, en = _dict("de"), _dict("en")
    assert set(de) - set(en) == set(), "keys only in de.json"
    assert set(en) - set(de) == set(), "keys only in en.json"
    for lang, d in (("de", de), ("en", en)):
        assert all(isinstance(v, str) and v.strip() for v in d.values()), f"empty text in {lang}"
        # the same placeholders in both languages, or a sentence loses its value
    for key in de:
        assert set(re.findall(r"\{(\w+)\}", de[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key


@pytest.mark.unit
def test_every_string_the_code_asks_for_exists():
    source = _js_sources()
    used = set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z_0-9.]+)\"", source))
    used |= set(re.findall(r"\"(nav\.[a-z_]+)\"", source))  # navigation labels live in a table
    assert len(used) > 100
    de = _dict("de")
    assert sorted(used - set(de)) == []
    # keys built at run time: every value the API can send has a text
    families = {
        "role": ["guest", "admin", "partner"],
        "lang": ["de", "en"],
        "interval": ["month", "year"],
        "support_by": ["partner", "vendor"],
        "kind": ["partner", "customer"],
        "incident": list(KINDS),
        "state": [
            "up",
            "down",
            "degraded",
            "paused",
            "pending",
            "online",
            "offline",
            "open",
            "resolved",
            "trialing",
            "active",
            "canceled",
            "expired",
            "ended",
        ],
    }
    missing = [f"{fam}.{v}" for fam, values in families.items() for v in values if f"{fam}.{v}" not in de]
    assert missing == []


@pytest.mark.unit
def test_no_build_step_plain_modules_only():
    index = (WEB / "index.html").read_text(encoding="utf-8")
    assert 'type="module" src="js/main.js"' in index and 'src="config.js"' in index
    # every relative import resolves to a file that exists (no bundler to catch typos)
    for path in (WEB / "js").rglob("*.js"):
        for target in re.findall(r"from \"(\.[^\"]+)\"", path.read_text(encoding="utf-8")):
            assert (path.parent / target).resolve().exists(), f"{path.name} imports {target}"


@pytest.mark.unit
def test_config_js_names_the_api():
    assert config_js("http://127.0.0.1:9/") == b'window.VIGIL_CONFIG = {"apiUrl": "http://127.0.0.1:9"};\n'


def test_local_run_serves_the_console_and_allows_its_origin(vigil):
    with urllib.request.urlopen(f"{vigil.web}config.js", timeout=10) as r:
        assert vigil.api in r.read().decode()
    with urllib.request.urlopen(vigil.web, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/html") and b"js/main.js" in r.read()
    with urllib.request.urlopen(f"{vigil.web}js/main.js", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/javascript")
    origin = vigil.web.rstrip("/")
    req = urllib.request.Request(
        f"{vigil.api}/me",
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Access-Control-Allow-Origin"] == origin
        assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
