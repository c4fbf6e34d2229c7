"""Every text printed into a PDF, in German and English, and number/date formatting.

All strings live in ``TEXTS`` so that a report is never a mix of languages; a test checks that
both languages have the same keys. No heavy imports here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from chalicelib.reports import fmt

_DateTime = datetime  # the method ``Texts.datetime`` shadows the name in the class body
LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "page": "Seite {page} von {pages}",
        "provided_by": "Dieser Bericht ist automatisiert erstellt worden und wird Ihnen zur "
        "Verfügung gestellt von:",
        "endpoint_title": "Verfügbarkeitsbericht Endpunkt",
        "host_title": "Verfügbarkeitsbericht Host",
        "endpoint": "Endpunkt",
        "url": "URL",
        "host": "Host",
        "period": "Zeitraum",
        "monitored_since": "Überwacht seit {when}; der angeforderte Zeitraum beginnt am {requested}.",
        "period_open": "Ausgewertet bis zur Erstellung des Berichts ({when}).",
        "os": "Betriebssystem",
        "generated_at": "Erstellt am",
        "checks": "Prüfungen im Zeitraum",
        "check_one": "Prüfung",
        "check_other": "Prüfungen",
        "heartbeats": "Lebenszeichen im Zeitraum",
        "heartbeat_one": "Lebenszeichen",
        "heartbeat_other": "Lebenszeichen",
        "downtime_note": "Ausfallzeit = Prüfintervall × fehlgeschlagene Prüfungen (ohne "
        "Wartungsfenster); Verfügbarkeit = 1 − Ausfallzeit ÷ überwachte Zeit.",
        "offline_note": "Offline-Zeit = überwachte Zeit ohne Lebenszeichen (jedes Lebenszeichen "
        "deckt das Meldeintervall des Agenten ab); Online-Zeit = 1 − Offline-Zeit ÷ überwachte Zeit.",
        "offline": "Offline-Zeit gesamt",
        "chart_too_few": "Zu wenige Daten für ein Diagramm.",
        "unit_d": "Tg.",
        "unit_h": "Std.",
        "unit_min": "Min.",
        "unit_s": "Sek.",
        "summary": "Zusammenfassung",
        "uptime": "Verfügbarkeit",
        "online": "Online-Zeit",
        "incidents": "Vorfälle",
        "incident_count": "Anzahl Vorfälle",
        "downtime": "Ausfallzeit gesamt",
        "mean_response": "Mittlere Antwortzeit",
        "p95_response": "Antwortzeit (95. Perzentil)",
        "sla_target": "SLA-Ziel",
        "sla_met": "erreicht",
        "sla_missed": "nicht erreicht",
        "sla_none": "kein SLA-Ziel hinterlegt",
        "no_data": "Für diesen Zeitraum liegen noch keine Messdaten vor. Der Bericht wird "
        "aussagekräftig, sobald die ersten Prüfungen gelaufen sind.",
        "no_incidents": "Im Berichtszeitraum gab es keine Vorfälle.",
        "response_chart": "Antwortzeiten",
        "response_chart_hourly": "Antwortzeiten (Stundenwerte, Mittelwert und 95. Perzentil, ms)",
        "response_chart_daily": "Antwortzeiten (Tageswerte, Mittelwert und 95. Perzentil, ms)",
        "legend_mean": "Mittelwert",
        "legend_p95": "95. Perzentil",
        "availability_chart": "Verfügbarkeit pro Tag (%)",
        "incident_table": "Vorfälle im Zeitraum",
        "col_start": "Beginn",
        "col_end": "Ende",
        "col_duration": "Dauer",
        "col_kind": "Art",
        "col_summary": "Beschreibung",
        "ongoing": "andauernd",
        "more_incidents": "… und {count} weitere Vorfälle (nicht aufgeführt).",
        "certificate": "TLS-Zertifikat",
        "cert_subject": "Ausgestellt für",
        "cert_issuer": "Aussteller",
        "cert_valid_from": "Gültig ab",
        "cert_valid_to": "Gültig bis",
        "cert_days_left": "Verbleibende Tage",
        "cert_names": "Alternative Namen",
        "cert_status": "Status",
        "cert_ok": "gültig",
        "cert_expiring": "läuft bald ab",
        "cert_expired": "abgelaufen",
        "cert_invalid": "ungültig",
        "cert_none": "Für diesen Endpunkt liegt kein TLS-Zertifikat vor (keine HTTPS-Prüfung).",
        "headers": "Sicherheits-Header",
        "col_header": "Header",
        "col_status": "Status",
        "col_value": "Wert",
        "col_recommendation": "Empfehlung",
        "header_ok": "in Ordnung",
        "header_missing": "fehlt",
        "header_weak": "schwach",
        "headers_none": "Für diesen Zeitraum liegen keine Header-Prüfungen vor.",
        "maintenance": "Wartungsfenster",
        "maintenance_note": "Die folgenden Wartungsfenster sind aus der Verfügbarkeitsberechnung "
        "ausgenommen:",
        "maintenance_none": "Im Berichtszeitraum gab es keine Wartungsfenster.",
        "cpu_chart": "CPU-Last",
        "memory_chart": "Arbeitsspeicher belegt (%)",
        "disk_chart": "Festplatte belegt (%)",
        "mean_cpu": "Mittlere CPU-Last",
        "max_memory": "Höchste Speicherbelegung",
        "max_disk": "Höchste Festplattenbelegung",
        "kind_endpoint_down": "Nicht erreichbar",
        "kind_certificate": "Zertifikat",
        "kind_headers": "Sicherheits-Header",
        "kind_host_offline": "Host offline",
        "kind_host_disk": "Festplatte",
        "kind_host_memory": "Arbeitsspeicher",
        "kind_other": "Sonstiges",
        "rec_strict-transport-security": "HSTS setzen, z. B. „max-age=31536000; includeSubDomains“.",
        "rec_content-security-policy": "Eine Content-Security-Policy definieren, die nur "
        "benötigte Quellen erlaubt.",
        "rec_x-content-type-options": "„nosniff“ setzen, damit Browser keine Inhaltstypen raten.",
        "rec_x-frame-options": "„DENY“ oder „SAMEORIGIN“ setzen (Schutz vor Clickjacking).",
        "rec_frame-protection": "X-Frame-Options „DENY“ oder CSP „frame-ancestors 'none'“ "
        "setzen (Schutz vor Clickjacking).",
        "rec_referrer-policy": "„strict-origin-when-cross-origin“ oder strenger setzen.",
        "rec_permissions-policy": "Nicht benötigte Browser-Funktionen (Kamera, Mikrofon, "
        "Standort) abschalten.",
        "rec_generic": "Header gemäß aktueller Empfehlungen setzen.",
        "unit_days": "Tage",
        "none": "–",
        # Data sheet of the monitoring addresses
        "ips_title": "Datenblatt: Monitoring-IP-Adressen",
        "ips_warning_title": "Achtung!",
        "ips_warning": "Ein dauerhaftes Monitoring kann nur gewährleistet werden, wenn die "
        "IP-Adressen, von denen aus die Überwachung stattfindet nicht durch "
        "Firewall-Regeln blockiert werden. Bitte leiten Sie daher dieses "
        "Datenblatt an Ihren Hoster/Provider weiter.",
        "ips_what_title": "Was wird überwacht?",
        "ips_what": "{service} prüft Ihre Websites und Dienste von außen: Es ruft die "
        "hinterlegten Adressen regelmäßig per HTTP und HTTPS auf, misst die "
        "Antwortzeit, prüft das TLS-Zertifikat und die Sicherheits-Header. "
        "Außerdem senden die auf Ihren Servern installierten Agenten "
        "regelmäßig Lebenszeichen (Heartbeats) an {service}.",
        "ips_request_title": "Bitte erlauben Sie",
        "ips_inbound": "Eingehende Verbindungen von den unten genannten Adressen auf die überwachten Ports.",
        "ips_outbound": "Ausgehende HTTPS-Verbindungen (Port 443) der Agenten zu {api}.",
        "ips_ipv4": "IPv4-Adressen",
        "ips_ipv6": "IPv6-Adressen",
        "ips_ports": "Ports",
        "ips_user_agent": "User-Agent",
        "ips_contact": "Kontakt",
        "ips_rate": "Die Prüfungen erfolgen je nach Tarif alle 1 bis 15 Minuten.",
        "ips_as_of": "Stand",
    },
    "en": {
        "page": "Page {page} of {pages}",
        "provided_by": "This report was generated automatically and is provided to you by:",
        "endpoint_title": "Endpoint availability report",
        "host_title": "Host availability report",
        "endpoint": "Endpoint",
        "url": "URL",
        "host": "Host",
        "period": "Period",
        "monitored_since": "Monitored since {when}; the requested period starts on {requested}.",
        "period_open": "Evaluated up to the creation of this report ({when}).",
        "os": "Operating system",
        "generated_at": "Generated on",
        "checks": "Checks in this period",
        "check_one": "check",
        "check_other": "checks",
        "heartbeats": "Heartbeats in this period",
        "heartbeat_one": "heartbeat",
        "heartbeat_other": "heartbeats",
        "downtime_note": "Downtime = check interval × failed checks (maintenance windows "
        "excluded); availability = 1 − downtime ÷ monitored time.",
        "offline_note": "Offline time = monitored time without heartbeats (each heartbeat covers "
        "the agent's reporting interval); online time = 1 − offline time ÷ monitored time.",
        "offline": "Total offline time",
        "chart_too_few": "Too little data for a chart.",
        "unit_d": "d",
        "unit_h": "h",
        "unit_min": "min",
        "unit_s": "s",
        "summary": "Summary",
        "uptime": "Availability",
        "online": "Online time",
        "incidents": "Incidents",
        "incident_count": "Number of incidents",
        "downtime": "Total downtime",
        "mean_response": "Mean response time",
        "p95_response": "Response time (95th percentile)",
        "sla_target": "SLA target",
        "sla_met": "met",
        "sla_missed": "missed",
        "sla_none": "no SLA target set",
        "no_data": "There are no measurements for this period yet. The report becomes "
        "meaningful once the first checks have run.",
        "no_incidents": "There were no incidents in this period.",
        "response_chart": "Response times",
        "response_chart_hourly": "Response times (hourly, mean and 95th percentile, ms)",
        "response_chart_daily": "Response times (daily, mean and 95th percentile, ms)",
        "legend_mean": "Mean",
        "legend_p95": "95th percentile",
        "availability_chart": "Availability per day (%)",
        "incident_table": "Incidents in this period",
        "col_start": "Start",
        "col_end": "End",
        "col_duration": "Duration",
        "col_kind": "Kind",
        "col_summary": "Description",
        "ongoing": "ongoing",
        "more_incidents": "… and {count} more incidents (not listed).",
        "certificate": "TLS certificate",
        "cert_subject": "Issued to",
        "cert_issuer": "Issuer",
        "cert_valid_from": "Valid from",
        "cert_valid_to": "Valid until",
        "cert_days_left": "Days left",
        "cert_names": "Alternative names",
        "cert_status": "Status",
        "cert_ok": "valid",
        "cert_expiring": "expiring soon",
        "cert_expired": "expired",
        "cert_invalid": "invalid",
        "cert_none": "There is no TLS certificate for this endpoint (no HTTPS check).",
        "headers": "Security headers",
        "col_header": "Header",
        "col_status": "Status",
        "col_value": "Value",
        "col_recommendation": "Recommendation",
        "header_ok": "fine",
        "header_missing": "missing",
        "header_weak": "weak",
        "headers_none": "There are no header checks for this period.",
        "maintenance": "Maintenance windows",
        "maintenance_note": "The following maintenance windows are excluded from the availability figures:",
        "maintenance_none": "There were no maintenance windows in this period.",
        "cpu_chart": "CPU load",
        "memory_chart": "Memory used (%)",
        "disk_chart": "Disk used (%)",
        "mean_cpu": "Mean CPU load",
        "max_memory": "Highest memory use",
        "max_disk": "Highest disk use",
        "kind_endpoint_down": "Unreachable",
        "kind_certificate": "Certificate",
        "kind_headers": "Security headers",
        "kind_host_offline": "Host offline",
        "kind_host_disk": "Disk",
        "kind_host_memory": "Memory",
        "kind_other": "Other",
        "rec_strict-transport-security": 'Set HSTS, e.g. "max-age=31536000; includeSubDomains".',
        "rec_content-security-policy": "Define a Content-Security-Policy that allows only the "
        "sources you need.",
        "rec_x-content-type-options": 'Set "nosniff" so that browsers do not guess content types.',
        "rec_x-frame-options": 'Set "DENY" or "SAMEORIGIN" (protects against clickjacking).',
        "rec_frame-protection": 'Send X-Frame-Options "DENY" or CSP "frame-ancestors \'none\'" '
        "(protects against clickjacking).",
        "rec_referrer-policy": 'Set "strict-origin-when-cross-origin" or stricter.',
        "rec_permissions-policy": "Switch off browser features you do not need (camera, "
        "microphone, location).",
        "rec_generic": "Set this header as current guidance recommends.",
        "unit_days": "days",
        "none": "–",
        "ips_title": "Data sheet: monitoring IP addresses",
        "ips_warning_title": "Please note!",
        "ips_warning": "Continuous monitoring can only be guaranteed if the IP addresses the "
        "monitoring runs from are not blocked by firewall rules. Please forward "
        "this data sheet to your hosting company or provider.",
        "ips_what_title": "What is monitored?",
        "ips_what": "{service} checks your websites and services from outside: it requests "
        "the configured addresses regularly over HTTP and HTTPS, measures the "
        "response time and checks the TLS certificate and the security headers. "
        "In addition, the agents installed on your servers send regular signs of "
        "life (heartbeats) to {service}.",
        "ips_request_title": "Please allow",
        "ips_inbound": "Incoming connections from the addresses below to the monitored ports.",
        "ips_outbound": "Outgoing HTTPS connections (port 443) from the agents to {api}.",
        "ips_ipv4": "IPv4 addresses",
        "ips_ipv6": "IPv6 addresses",
        "ips_ports": "Ports",
        "ips_user_agent": "User agent",
        "ips_contact": "Contact",
        "ips_rate": "Depending on the plan, checks run every 1 to 15 minutes.",
        "ips_as_of": "As of",
    },
}


class Texts:
    """Texts and formatting of one language, times in the org's zone (``fmt``: Babel/CLDR)."""

    def __init__(self, language: str, time_zone: str | None = None) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self.time_zone = time_zone or fmt.DEFAULT_TIME_ZONE
        self._texts = TEXTS[self.language]

    def __call__(self, key: str, **values: object) -> str:
        text = self._texts[key]
        return text.format(**values) if values else text

    def number(self, value: float | Decimal | None, places: int = 0) -> str:
        if value is None:
            return self("none")
        return fmt.number(value, places, self.language)

    def percent(self, value: float | Decimal | None, places: int = 2) -> str:
        if value is None:
            return self("none")
        return fmt.percent(value, places, self.language)

    def ms(self, value: float | None) -> str:
        return self("none") if value is None else f"{self.number(value, 0)}\u00a0ms"

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return self("none")
        return fmt.datetime_text(value, self.language, self.time_zone)

    def time(self, value: _DateTime) -> str:
        return fmt.time_text(value, self.language, self.time_zone)

    def date(self, value: date | None) -> str:
        if value is None:
            return self("none")
        return fmt.date_text(value, self.language)

    def count(self, value: int, key: str) -> str:
        """``1 Prüfung`` / ``1.234 Prüfungen`` (``key``: check | heartbeat)."""
        return fmt.plural(value, self(f"{key}_one"), self(f"{key}_other"), self.language)

    def duration(self, seconds: float | Decimal | None) -> str:
        if seconds is None:
            return self("none")
        total = int(seconds)
        days, rest = divmod(total, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        parts = []
        if days:
            parts.append(f"{days}\u00a0{self('unit_d')}")
        if hours:
            parts.append(f"{hours}\u00a0{self('unit_h')}")
        if minutes:
            parts.append(f"{minutes}\u00a0{self('unit_min')}")
        if not parts:
            parts.append(f"{secs}\u00a0{self('unit_s')}")
        return " ".join(parts)

    def recommendation(self, header: str) -> str:
        return self._texts.get(f"rec_{header.lower()}", self._texts["rec_generic"])

    def incident_kind(self, kind: str) -> str:
        return self._texts.get(f"kind_{kind}", self._texts["kind_other"])


def pick_language(
    query_lang: str | None, accept_language: str | None, default: str = DEFAULT_LANGUAGE
) -> str:
    """`?lang=` wins; else the best of de/en in Accept-Language (q-values honoured)."""
    if query_lang:
        lang = query_lang.strip().lower()[:2]
        if lang in LANGUAGES:
            return lang
    if accept_language:
        from chalicelib.i18n import negotiate

        negotiated = negotiate(accept_language)  # the one Accept-Language parser
        if negotiated in LANGUAGES:
            return negotiated
    return default
