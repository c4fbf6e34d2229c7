"""The server's message catalog (chalicelib/i18n/de.py, en.py): both languages complete, every
key used, and every error raised in chalicelib carries a catalog key instead of English text.

When this test fails naming a raise site, give that error a key: add the text to
chalicelib/i18n/en.py and de.py and raise ``errors.X(errors.M("area.what", **params))`` (or
``errors.Invalid("code")`` in a validator, ``{field: errors.M("field.code")}`` in a
ValidationFailed/Unprocessable mapping)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from chalicelib.i18n import de, en

ROOT = Path(__file__).resolve().parents[2]
CHALICELIB = ROOT / "chalicelib"


def _error_classes() -> set[str]:
    """Every class of chalicelib.errors whose first argument is a text for people (new ones
    added by anyone are covered without touching this test)."""
    import inspect

    from chalicelib import errors

    names = {
        name
        for name, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.VigilError) and not name.startswith("_")
    }
    return names | {"status_problem"}


#: Error classes of chalicelib.errors whose first argument is a text for people.
ERROR_CLASSES = _error_classes()
#: Files whose ValueErrors reach users as field messages.
VALIDATOR_FILES = ("schemas.py", "validation.py", "netguard.py")

#: Raise sites left in English on purpose, with the reason.
INTENTIONALLY_UNTRANSLATED = {
    # the local development server's HTTP framing faults (request smuggling defences): protocol
    # diagnostics for developers, never reached through the console
    ("chalicelib/local/server.py", "_bad"),
}

#: Catalog keys not named literally in chalicelib, and why.
KEYS_USED_INDIRECTLY = {
    *(f"title.{s}" for s in (400, 401, 403, 404, 405, 409, 413, 414, 415, 422, 429, 431, 500, 501, 503, 505)),
    "validation.summary",  # ValidationFailed's own detail
    "auth.token_required",  # Unauthorized()'s default
    "service.busy",  # ServiceUnavailable()'s default
    "word.monthly",  # f"word.{interval}ly"
    "word.yearly",
    "word.endpoint",  # f"word.{target.type}"
    "word.host",
    "field.not_before_2000",  # clock.input_range_problem → f"field.{problem}"
    "field.at_most_a_day_ahead",
    "field.too_far_ahead",
}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(de.MESSAGES) == set(en.MESSAGES), set(de.MESSAGES) ^ set(en.MESSAGES)
    for key, text in en.MESSAGES.items():
        assert _placeholders(de.MESSAGES[key]) == _placeholders(text), key
        assert de.MESSAGES[key].strip() and text.strip(), key
    assert set(de.PLURALS) == set(en.PLURALS)
    for key, forms in en.PLURALS.items():
        assert "other" in forms and "other" in de.PLURALS[key], key
        for form in (*forms.values(), *de.PLURALS[key].values()):
            assert _placeholders(form) == {"n"}, (key, form)


def test_german_texts_are_not_the_english_ones() -> None:
    """A German entry equal to the English one is an untranslated copy (unless it is a proper
    name or code: listed here)."""
    same_in_both = {"title.409", "field.url_port"} & set()  # none today
    copies = {k for k, v in de.MESSAGES.items() if v == en.MESSAGES[k] and k not in same_in_both}
    assert not copies, sorted(copies)


def _sources() -> list[Path]:
    return sorted(p for p in CHALICELIB.rglob("*.py") if "i18n" not in p.parts)


def _is_text_literal(node: ast.AST) -> bool:
    """A literal or f-string (or a concatenation/format of one): English in the code."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text_literal(node.left) or _is_text_literal(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_text_literal(node.func.value)
    return False


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _literal_field_messages(node: ast.AST) -> bool:
    """A {field: "English"} mapping (or comprehension / dict.fromkeys with an English value)."""
    if isinstance(node, ast.Dict):
        return any(v is not None and _is_text_literal(v) for v in node.values)
    if isinstance(node, ast.DictComp):
        return _is_text_literal(node.value)
    if isinstance(node, ast.Call) and _callee(node) == "fromkeys" and len(node.args) > 1:
        return _is_text_literal(node.args[1])
    return False


def untranslated_raise_sites() -> list[str]:
    found = []
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node)
            where = f"{rel}:{node.lineno}"
            if name in ERROR_CLASSES:
                args = list(node.args) + [k.value for k in node.keywords if k.arg in ("detail", "errors")]
                if name == "status_problem":
                    args = args[1:2]
                for arg in args:
                    if _is_text_literal(arg) or _literal_field_messages(arg):
                        found.append(f"{where} {name}: {ast.unparse(arg)[:90]}")
            elif name == "ValueError" and path.name in VALIDATOR_FILES:
                if any(_is_text_literal(a) for a in node.args):
                    found.append(f"{where} {name}: {ast.unparse(node.args[0])[:90]}")
            elif name in ("Invalid", "Refused") and node.args:
                code = node.args[0]
                is_code = isinstance(code, ast.Constant) and re.fullmatch(r"[a-z0-9_]+", str(code.value))
                if _is_text_literal(code) and not is_code:
                    found.append(f"{where} {name} without a code: {ast.unparse(code)[:90]}")
            elif name == "_bad" and (rel, name) not in INTENTIONALLY_UNTRANSLATED:
                found.append(f"{where} {name}")
    return found


def test_every_raise_site_has_a_catalog_key() -> None:
    sites = untranslated_raise_sites()
    assert not sites, "errors raised with English text instead of a catalog key:\n" + "\n".join(sites)


def test_every_key_named_in_code_exists() -> None:
    named = _named_keys()
    missing = {k for k in named if k not in en.MESSAGES}
    assert not missing, sorted(missing)


_KEY = re.compile(r"""(?:M|Invalid|Refused)\(\s*f?["']([a-z_]+(?:\.[A-Za-z_{}.]+)?)["']""")


def _named_keys() -> set[str]:
    """Keys named in chalicelib: M("a.b"), Invalid("code") → field.code, Refused("code")."""
    keys: set[str] = set()
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"""\b(M|Invalid|Refused)\(\s*(f?)["']([^"']+)["']""", text):
            kind, is_f, key = match.groups()
            if is_f or "{" in key:
                continue
            keys.add(key if kind == "M" else f"field.{key}")
    # the mapping tables of chalicelib.http (pydantic types) and auth.access (roles)
    from chalicelib import http

    keys |= {f"field.{code}" for code, _ in http._PYDANTIC_CODES.values()}
    for path in (CHALICELIB / "auth" / "access.py", CHALICELIB / "ratelimit.py"):
        keys |= set(re.findall(r'"((?:access|rate)\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    keys |= {f"field.{code}" for code in ("required", "invalid", "email_invalid")}
    for path in (CHALICELIB / "http.py",):
        keys |= {f"framework.{c}" for c in re.findall(r"framework\.(\w+)", path.read_text())}
    return keys


def test_every_catalog_key_is_used_or_listed() -> None:
    named = _named_keys()
    framework = {k for k in en.MESSAGES if k.startswith("framework.")}  # looked up by Chalice's Code
    password = {k for k in en.MESSAGES if k.startswith("password.")}
    unused = set(en.MESSAGES) - named - KEYS_USED_INDIRECTLY - framework
    unused -= {k for k in password if k in _named_keys()}
    assert not unused, sorted(unused)
