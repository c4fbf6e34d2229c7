"""Finding English in an answer that should be German: every English catalog text (as a
pattern, placeholders as wildcards) and the phrases of pydantic's own messages."""

from __future__ import annotations

import re
import string
from typing import Any

from chalicelib.i18n import de, en

#: pydantic / email-validator / Chalice phrases that must never reach a German reader
FOREIGN_PHRASES = (
    "Field required",
    "field required",
    "Input should",
    "String should",
    "Value error",
    "value is not a valid",
    "Extra inputs",
    "should be",
    "must be",
    "must not",
    "is not a valid",
    "at least",
    "at most",
    "is required",
    "not found",
    "Not Found",
    "Bad Request",
    "Unauthorized",
    "Forbidden",
    "please",
    "Unsupported",
    "invalid",
    "The ",
)


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(".+?")
    return re.compile("".join(parts), re.S)


#: English texts that differ from their German version, long enough to be searched for inside
#: a message; shorter ones (single words) must not BE the whole message.
_LONG = [_pattern(t) for k, t in en.MESSAGES.items() if t != de.MESSAGES[k] and len(t) >= 14]
_SHORT = [_pattern(t) for k, t in en.MESSAGES.items() if t != de.MESSAGES[k] and len(t) < 14]


def english_in(text: str) -> list[str]:
    """The English catalog texts / foreign phrases found in ``text``."""
    hits = [p.pattern for p in _LONG if p.search(text)]
    hits += [p.pattern for p in _SHORT if p.fullmatch(text)]
    hits += [phrase for phrase in FOREIGN_PHRASES if phrase in text]
    return hits


def problem_texts(problem: dict[str, Any]) -> list[str]:
    """Every text of a problem body a person reads (title, detail, field messages)."""
    texts = [str(problem.get("title", "")), str(problem.get("detail", ""))]
    errs = problem.get("errors") or []
    if isinstance(errs, dict):
        texts += [str(v) for v in errs.values()]
    else:
        texts += [str(e.get("message", "")) for e in errs]
    return texts


def _strip_fields(text: str, problem: dict[str, Any]) -> str:
    """A ValidationFailed detail reads "field: message; …": field names are API identifiers."""
    for e in problem.get("errors") or []:
        if isinstance(e, dict):
            text = text.replace(f"{e['field']}: ", "")
    return text


def english_in_problem(problem: dict[str, Any]) -> list[str]:
    found = []
    for text in problem_texts(problem):
        for hit in english_in(_strip_fields(text, problem)):
            found.append(f"{hit!r} in {text!r}")
    return found
