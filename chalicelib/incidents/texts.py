"""Incident texts: stored as a code + parameters, rendered per reader in the reader's language.

An incident keeps ``code`` (e.g. ``check.refused``, ``cert.expires``, ``host.offline``) and
``params`` (plain strings/numbers; times as UTC ISO text). ``render`` turns them into a short
human cause in German or English, with local times in the reader's zone: the console (via the
API, ``Accept-Language``), alert mails (the org's language) and PDF reports (the report's).

Raw OS/library errors never reach a reader: ``cause_of_error`` maps the technical error text of a
check (``chalicelib.monitoring.checks``) to a code — "[Errno 111] Connect call failed" becomes
``check.refused`` ("Verbindung abgelehnt"). The same function lets incidents stored before codes
existed render in the reader's language (fallback: their stored summary).

Both languages have the same keys and placeholders (tests/incidents/test_texts.py).
"""

from __future__ import annotations

import ast
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    "de": {
        "check.http_error": "Endpunkt antwortet mit Fehler: HTTP {status} (erwartet {lo}–{hi})",
        "check.http_status": "HTTP {status} (erwartet {lo}–{hi})",
        "check.timeout": "Zeitüberschreitung nach {seconds} s",
        "check.connect_timeout": "Nicht erreichbar: Zeitüberschreitung beim Verbindungsaufbau",
        "check.refused": "Nicht erreichbar: Verbindung abgelehnt",
        "check.dns": "Nicht erreichbar: Hostname nicht auflösbar",
        "check.unreachable": "Nicht erreichbar: Netz oder Host nicht erreichbar",
        "check.reset": "Nicht erreichbar: Verbindung vom Server abgebrochen",
        "check.connection": "Nicht erreichbar: Verbindung fehlgeschlagen",
        "check.blocked": "Nicht geprüft: interne oder private Adressen werden nicht überwacht",
        "check.tls": "TLS-Verbindungsaufbau fehlgeschlagen",
        "check.invalid_response": "Ungültige HTTP-Antwort des Servers",
        "check.keyword_missing": "Suchbegriff „{keyword}“ nicht gefunden",
        "check.keyword_found": "Unerwünschter Suchbegriff „{keyword}“ gefunden",
        "check.redirect_loop": "Weiterleitungsschleife",
        "check.redirects": "Mehr als {max} Weiterleitungen",
        "check.failed": "Prüfung fehlgeschlagen",
        "cert.expired": "Zertifikat abgelaufen",
        "cert.not_yet_valid": "Zertifikat noch nicht gültig",
        "cert.self_signed": "Selbst signiertes Zertifikat",
        "cert.self_signed_chain": "Selbst signiertes Zertifikat in der Kette",
        "cert.unknown_issuer": "Unbekannter Aussteller (Kette unvollständig oder nicht vertrauenswürdig)",
        "cert.hostname": "Zertifikat passt nicht zum Hostnamen",
        "cert.unverifiable": "Zertifikat nicht überprüfbar",
        "cert.invalid": "Zertifikat ungültig",
        "cert.expires.zero": "Zertifikat läuft heute ab ({date})",
        "cert.expires.one": "Zertifikat läuft in {days} Tag ab ({date})",
        "cert.expires.other": "Zertifikat läuft in {days} Tagen ab ({date})",
        "host.offline": "Kein Lebenszeichen des Agenten seit {last_seen_at} (Intervall {interval} s)",
        "host.disk": "Einhängepunkt {mount} ist zu {used_percent} % belegt (Grenze {limit_percent} %)",
        "host.memory": "Arbeitsspeicher zu {used_percent} % belegt (Grenze {limit_percent} %)",
        "kind.unreachable": "Endpunkt nicht erreichbar",
        "kind.error": "Endpunkt antwortet mit Fehler",
        "kind.certificate": "Zertifikat",
        "kind.headers": "Sicherheits-Header",
        "kind.host_offline": "Host offline",
        "kind.host_disk": "Festplatte fast voll",
        "kind.host_memory": "Arbeitsspeicher knapp",
        "kind.other": "Sonstiges",
    },
    "en": {
        "check.http_error": "Endpoint answers with an error: HTTP {status} (expected {lo}–{hi})",
        "check.http_status": "HTTP {status} (expected {lo}–{hi})",
        "check.timeout": "Timed out after {seconds} s",
        "check.connect_timeout": "Unreachable: connection timed out",
        "check.refused": "Unreachable: connection refused",
        "check.dns": "Unreachable: host name does not resolve",
        "check.unreachable": "Unreachable: network or host unreachable",
        "check.reset": "Unreachable: connection reset by the server",
        "check.connection": "Unreachable: connection failed",
        "check.blocked": "Not checked: internal or private addresses are not monitored",
        "check.tls": "TLS handshake failed",
        "check.invalid_response": "Invalid HTTP response from the server",
        "check.keyword_missing": "Keyword “{keyword}” not found",
        "check.keyword_found": "Unwanted keyword “{keyword}” found",
        "check.redirect_loop": "Redirect loop",
        "check.redirects": "More than {max} redirects",
        "check.failed": "Check failed",
        "cert.expired": "Certificate expired",
        "cert.not_yet_valid": "Certificate not yet valid",
        "cert.self_signed": "Self-signed certificate",
        "cert.self_signed_chain": "Self-signed certificate in the chain",
        "cert.unknown_issuer": "Unknown issuer (chain incomplete or untrusted)",
        "cert.hostname": "Certificate does not match the host name",
        "cert.unverifiable": "Certificate cannot be verified",
        "cert.invalid": "Certificate invalid",
        "cert.expires.zero": "Certificate expires today ({date})",
        "cert.expires.one": "Certificate expires in {days} day ({date})",
        "cert.expires.other": "Certificate expires in {days} days ({date})",
        "host.offline": "No heartbeat from the agent since {last_seen_at} (interval {interval} s)",
        "host.disk": "Mount {mount} is {used_percent} % full (limit {limit_percent} %)",
        "host.memory": "Memory is {used_percent} % used (limit {limit_percent} %)",
        "kind.unreachable": "Endpoint unreachable",
        "kind.error": "Endpoint answers with an error",
        "kind.certificate": "Certificate",
        "kind.headers": "Security headers",
        "kind.host_offline": "Host offline",
        "kind.host_disk": "Disk almost full",
        "kind.host_memory": "Memory low",
        "kind.other": "Other",
    },
}

#: Codes whose text takes a CLDR plural form of ``days`` (``<code>.one`` / ``<code>.other``).
PLURAL = {"cert.expires": "days"}
#: Codes of an endpoint that answers (wrongly) rather than one that cannot be reached.
ANSWERED = ("check.http_error", "check.http_status", "check.keyword_missing", "check.keyword_found")
#: Host incident kind → code (the parameters are the incident's details).
HOST_CODES = {"host_offline": "host.offline", "host_disk": "host.disk", "host_memory": "host.memory"}

_CERT = {
    "certificate expired": "cert.expired",
    "certificate not yet valid": "cert.not_yet_valid",
    "self-signed certificate": "cert.self_signed",
    "self-signed certificate in chain": "cert.self_signed_chain",
    "unknown issuer (chain incomplete or untrusted)": "cert.unknown_issuer",
    "hostname mismatch": "cert.hostname",
    "hostname mismatch (IP address)": "cert.hostname",
    "unable to verify the first certificate": "cert.unverifiable",
}
#: errno of a failed connection → code (Linux numbers; negative: getaddrinfo's EAI_*).
_ERRNO = {
    111: "check.refused",
    61: "check.refused",
    110: "check.connect_timeout",
    60: "check.connect_timeout",
    101: "check.unreachable",
    113: "check.unreachable",
    65: "check.unreachable",
    104: "check.reset",
    54: "check.reset",
    -2: "check.dns",
    -3: "check.dns",
    -5: "check.dns",
    8: "check.dns",
}


def cause_of_error(error: str | None) -> tuple[str, dict[str, Any]]:
    """(code, params) of a check's technical error text (``checks.Outcome.error``)."""
    text = (error or "").strip()
    if m := re.fullmatch(r"HTTP (\d+) \(expected (\d+)–(\d+)\)", text):
        status, lo, hi = (int(g) for g in m.groups())
        return ("check.http_error" if status >= 500 else "check.http_status"), {
            "status": status,
            "lo": lo,
            "hi": hi,
        }
    if m := re.fullmatch(r"timeout after ([\d.]+) s", text):
        return "check.timeout", {"seconds": m.group(1)}
    if text.startswith("refused by the SSRF guard"):
        return "check.blocked", {}
    if text.startswith("TLS handshake failed"):
        return "check.tls", {}
    if text.startswith("invalid response"):
        return "check.invalid_response", {}
    if m := re.match(r"connection failed: (?:.*?)\[Errno (-?\d+)\]", text):
        return _ERRNO.get(int(m.group(1)), "check.connection"), {}
    if text.startswith("connection failed"):
        return "check.connection", {}
    if m := re.fullmatch(r"keyword (.+?) (not found|found)", text, flags=re.S):
        try:
            keyword = str(ast.literal_eval(m.group(1)))
        except (ValueError, SyntaxError):
            keyword = m.group(1)
        return ("check.keyword_missing" if m.group(2) == "not found" else "check.keyword_found"), {
            "keyword": keyword[:100]
        }
    if text.startswith("redirect loop"):
        return "check.redirect_loop", {}
    if m := re.fullmatch(r"more than (\d+) redirects", text):
        return "check.redirects", {"max": int(m.group(1))}
    if text in _CERT:
        return _CERT[text], {}
    if text.startswith("certificate invalid"):
        return "cert.invalid", {}
    return "check.failed", {}


def _language(language: str | None) -> str:
    return language if language in CATALOG else "de"


def _value(key: str, value: Any, language: str, time_zone: str | None) -> str:
    from chalicelib import clock
    from chalicelib.reports import fmt

    if value is None:
        return "–"
    if key.endswith("_at") or key == "date":
        try:
            at = clock.parse_iso(str(value))
        except ValueError:
            return str(value)
        if key == "date":
            return fmt.date_text(fmt.local_date(at, time_zone), language)
        return fmt.datetime_text(at, language, time_zone)
    if key.endswith("_percent") or key == "seconds":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        places = len(str(value).partition(".")[2])  # as many decimals as were stored
        return fmt.number(number, places, language)
    return str(value)


def render(
    code: str, params: dict[str, Any] | None, language: str | None, time_zone: str | None = None
) -> str:
    """The text of ``code`` in ``language`` with ``params`` formatted for a person."""
    lang = _language(language)
    params = dict(params or {})
    key = code
    if code in PLURAL:
        from babel import Locale

        from chalicelib.reports import fmt

        count = int(params.get(PLURAL[code]) or 0)
        form = "one" if Locale.parse(fmt.locale_of(lang)).plural_form(count) == "one" else "other"
        key = f"{code}.{'zero' if count == 0 and f'{code}.zero' in CATALOG[lang] else form}"
    template = CATALOG[lang].get(key) or CATALOG[lang]["check.failed"]
    names = re.findall(r"\{(\w+)\}", template)
    return template.format(**{n: _value(n, params.get(n), lang, time_zone) for n in names})


def kind_label(kind: str, code: str | None, language: str | None) -> str:
    """What kind of incident, for a reader: an endpoint that answers with an error is not
    "unreachable"."""
    texts = CATALOG[_language(language)]
    if kind == "endpoint_down":
        return texts["kind.error"] if code in ANSWERED else texts["kind.unreachable"]
    return texts.get(f"kind.{kind}", texts["kind.other"])


def code_of(incident: Any) -> tuple[str | None, dict[str, Any]]:
    """(code, params) of an incident; derived for incidents stored before codes existed."""
    code = getattr(incident, "code", None)
    raw_params = getattr(incident, "params", None)
    if code:
        if raw_params is None:
            params: dict[str, Any] = {}
        elif hasattr(raw_params, "as_dict"):
            params = raw_params.as_dict()
        else:
            params = dict(raw_params)
        return str(code), params
    details = incident.details.as_dict() if getattr(incident, "details", None) is not None else {}
    kind = incident.kind
    if kind == "endpoint_down":
        return cause_of_error(str(details.get("error") or ""))
    if kind == "certificate" and details.get("days_left") is not None:
        if int(details.get("threshold") or 1) == 0 or int(details["days_left"]) < 0:
            return "cert.invalid", {}
        return "cert.expires", {"days": int(details["days_left"]), "date": details.get("not_after")}
    if kind in HOST_CODES:
        return HOST_CODES[kind], dict(details)
    return None, {}


def incident_text(incident: Any, language: str | None, time_zone: str | None = None) -> str:
    """The incident's cause in ``language`` (the stored summary when it has no code)."""
    code, params = code_of(incident)
    return text_for(code, params, str(getattr(incident, "summary", "") or ""), language, time_zone)


def text_for(
    code: str | None,
    params: dict[str, Any],
    fallback: str,
    language: str | None,
    time_zone: str | None = None,
) -> str:
    """``render`` of (code, params); ``fallback`` (the stored summary) without a code or when a
    parameter is missing (an old host incident without every detail)."""
    if code is None:
        return fallback
    template = CATALOG["en"].get(code) or CATALOG["en"].get(f"{code}.other") or ""
    if code.startswith("host.") and not all(n in params for n in re.findall(r"\{(\w+)\}", template)):
        return fallback
    return render(code, params, language, time_zone)


def request_language(headers: Any, org: Any) -> str:
    """The reader's language: ``Accept-Language`` (de/en), else the org's, else German."""
    from chalicelib.reports.i18n import pick_language

    header = headers.get("accept-language") if headers is not None else None
    return pick_language(None, header, getattr(org, "language", None) or "de")


def check_error(error: str | None, language: str | None) -> dict[str, Any]:
    """``error`` (the check's cause for a person in ``language``; None when the check did not
    fail), ``error_code`` and ``error_params`` of a result or status: the API fields."""
    if not error:
        return {"error": None, "error_code": None, "error_params": None}
    code, params = cause_of_error(error)
    return {
        "error": render(code, params, language) if language else error,
        "error_code": code,
        "error_params": params,
    }


def dt_param(value: datetime | None) -> str | None:
    """A time as an incident parameter (UTC ISO text)."""
    from chalicelib import clock

    return clock.iso(value) if value is not None else None
