"""German server messages (the default language). Same keys and placeholders as ``en.py``
(tests/i18n/test_catalog.py checks it). Form: "Sie", field messages as a predicate of the field
("muss mindestens 5 sein")."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # problem titles
    "title.400": "Ungültige Anfrage",
    "title.401": "Nicht angemeldet",
    "title.403": "Keine Berechtigung",
    "title.404": "Nicht gefunden",
    "title.405": "Methode nicht erlaubt",
    "title.409": "Konflikt",
    "title.413": "Inhalt zu groß",
    "title.414": "Adresse zu lang",
    "title.415": "Nicht unterstützter Inhaltstyp",
    "title.422": "Nicht verarbeitbar",
    "title.429": "Zu viele Anfragen",
    "title.431": "Kopfzeilen zu groß",
    "title.500": "Interner Fehler",
    "title.501": "Nicht unterstützt",
    "title.503": "Dienst nicht verfügbar",
    "title.505": "HTTP-Version nicht unterstützt",
    "validation.summary": "Die Eingabe ist ungültig.",
    # field problems: pydantic's error types
    "field.required": "Pflichtfeld",
    "field.unknown_field": "unbekanntes Feld",
    "field.string_expected": "muss ein Text sein",
    "field.string_too_short": "muss mindestens {min_length} Zeichen lang sein",
    "field.string_too_long": "darf höchstens {max_length} Zeichen lang sein",
    "field.pattern_mismatch": "hat ein ungültiges Format",
    "field.integer_expected": "muss eine ganze Zahl sein",
    "field.number_expected": "muss eine Zahl sein",
    "field.decimal_max_digits": "darf höchstens {max_digits} Ziffern haben",
    "field.decimal_max_places": "darf höchstens {decimal_places} Nachkommastellen haben",
    "field.decimal_whole_digits": "darf höchstens {whole_digits} Stellen vor dem Komma haben",
    "field.boolean_expected": "muss true oder false sein",
    "field.greater_than": "muss größer als {gt} sein",
    "field.greater_than_equal": "muss mindestens {ge} sein",
    "field.less_than": "muss kleiner als {lt} sein",
    "field.less_than_equal": "darf höchstens {le} sein",
    "field.multiple_of": "muss ein Vielfaches von {multiple_of} sein",
    "field.one_of": "muss einer dieser Werte sein: {expected}",
    "field.list_expected": "muss eine Liste sein",
    "field.too_few_items": "muss mindestens {min_length} Einträge haben",
    "field.too_many_items": "darf höchstens {max_length} Einträge haben",
    "field.object_expected": "muss ein Objekt sein",
    "field.datetime_expected": "muss ein Zeitpunkt nach ISO 8601 sein",
    "field.timezone_required": "muss ein Zeitpunkt nach ISO 8601 mit Zeitzone sein",
    "field.date_expected": "muss ein Datum sein (JJJJ-MM-TT)",
    "field.url_invalid": "muss eine gültige URL sein",
    "field.json_invalid": "ungültiges JSON",
    "field.invalid": "ist ungültig",
    "field.email_invalid": "ist keine gültige E-Mail-Adresse",
    # field problems: our own rules
    "field.country_invalid": "muss ein Ländercode nach ISO 3166-1 alpha-2 sein, z. B. DE oder AT",
    "field.vat_prefix": "muss mit dem Länderkürzel eines EU-Staats beginnen, z. B. DE, AT oder FR",
    "field.vat_invalid": "ist keine gültige Umsatzsteuer-Identifikationsnummer für {prefix}",
    "field.leitweg_checksum": "sieht aus wie eine Leitweg-ID, aber die Prüfziffern stimmen nicht",
    "field.leitweg_invalid": (
        "sieht aus wie eine Leitweg-ID, ist aber keine: 2–12 Ziffern (beginnend mit einer "
        "Länderkennung 01–16 oder 99), optional bis zu 30 Buchstaben oder Ziffern, dann 2 "
        "Prüfziffern, getrennt durch Bindestriche"
    ),
    "field.control_characters": "darf keine Steuerzeichen oder Zeilenumbrüche enthalten",
    "field.not_before_2000": "darf nicht vor dem 01.01.2000 liegen",
    "field.at_most_a_day_ahead": "darf höchstens einen Tag in der Zukunft liegen",
    "field.too_far_ahead": "liegt zu weit in der Zukunft",
    "field.not_in_future": "darf nicht in der Zukunft liegen",
    "field.password_policy": "Das Passwort braucht {requirements}",
    "field.password_rejected": "Das Passwort erfüllt die Passwortregeln nicht",
    "field.login_name_invalid": "kann nicht als Anmeldename verwendet werden",
    "field.status_range": "expected_status_min darf nicht größer als expected_status_max sein",
    "field.maintenance_timezone": "starts_at und ends_at brauchen eine Zeitzone (z. B. Z)",
    "field.maintenance_order": "ends_at muss nach starts_at liegen",
    "field.support_url": "muss eine http(s)-URL sein, z. B. https://example.com/support",
    "field.memory_available": "available_bytes ist größer als total_bytes",
    "field.swap_free": "free_bytes ist größer als total_bytes",
    "field.disk_used_free": "used_bytes und free_bytes dürfen nicht größer als total_bytes sein",
    "field.time_zone": "muss eine IANA-Zeitzone sein, z. B. Europe/Berlin",
    "field.url_required": "Eine URL ist erforderlich",
    "field.url_too_long": "darf höchstens {max_length} Zeichen lang sein",
    "field.url_spaces": "darf keine Leer- oder Steuerzeichen enthalten",
    "field.url_scheme": "nur http- und https-URLs können überwacht werden",
    "field.url_credentials": "Zugangsdaten in URLs werden nicht angenommen",
    "field.url_no_host": "die URL hat keinen Hostnamen",
    "field.url_port": "ungültiger Port",
    "field.url_scoped_ipv6": "IPv6-Adressen mit Zonenangabe sind nicht erlaubt",
    "field.url_forbidden_address": "{addr} ist eine interne oder reservierte Adresse und kann nicht überwacht werden",
    "field.url_host_invalid": "ungültiger Hostname: {host}",
    "field.url_not_canonical_ip": "{host} ist keine IP-Adresse in Normalform",
    "field.url_not_canonical_ip_write": "{host} ist keine IP-Adresse in Normalform (schreiben Sie {literal})",
    "field.url_internal_name": "{host} ist ein interner Name",
    "field.url_not_fqdn": "{host} ist kein vollständiger Hostname",
    "field.url_unresolvable": "{host} lässt sich nicht auflösen",
    "field.body_required": "Ein JSON-Objekt ist erforderlich",
    "field.json_too_deep": "JSON ist tiefer als {depth} Ebenen verschachtelt",
    "field.no_change": "kein Feld zum Ändern angegeben",
    "field.not_null": "darf nicht null sein",
    "field.from_not_after_to": "darf nicht nach „to“ liegen",
    "field.from_before_to": "muss vor „to“ liegen",
    "field.to_after_from": "muss nach „from“ liegen",
    "field.range_max_days": "der Zeitraum darf höchstens {days} Tage umfassen",
    "field.report_max_days": "ein Bericht umfasst höchstens {days} Tage",
    "field.language_mismatch": "passt nicht zu den Berichtsdaten",
    "field.limit_range": "muss eine ganze Zahl von 1 bis {max} sein",
    "field.cursor_invalid": "ungültiger Cursor",
    "field.partner_ambiguous": (
        "Sie verwalten mehrere Partnerorganisationen: geben Sie an, für welche Sie handeln"
    ),
    "field.idempotency_key_required": "Diese Anfrage braucht diesen Header",
    "field.idempotency_key_format": "1 bis {max_length} sichtbare ASCII-Zeichen",
    "field.idempotency_key_reused": "wurde schon für eine andere Anfrage verwendet",
    "field.interval_min": "mindestens {min}",
    "field.endpoints_max": "höchstens {max} im Tarif {plan}",
    "field.linked_only": "nur für verknüpfte Kundenorganisationen",
    "field.no_such_target": "kein solcher {type}",
    "field.required_for_invoicing": "für die Rechnungsstellung erforderlich",
    "field.vat_required_for": "für Kunden in {country} erforderlich",
    "field.hosts_quota": "Kontingent von {max} erreicht",
    # password requirements (joined into field.password_policy)
    "password.length": "mindestens 10 Zeichen",
    "password.lower": "einen Kleinbuchstaben",
    "password.upper": "einen Großbuchstaben",
    "password.digit": "eine Ziffer",
    "password.symbol": "ein Sonderzeichen",
    # words used as parameters
    "word.monthly": "monatlich",
    "word.yearly": "jährlich",
    "word.endpoint": "Endpunkt",
    "word.host": "Host",
    # authentication
    "auth.token_required": "Ein gültiges Anmelde-Token (Bearer) ist erforderlich.",
    "auth.bad_login": "E-Mail-Adresse oder Passwort ist falsch.",
    "auth.too_many_attempts": "Zu viele Versuche; bitte warten Sie einen Moment.",
    "auth.identity_unavailable": "Der Anmeldedienst ist nicht erreichbar.",
    "auth.unsupported_challenge": "Nicht unterstützter Anmeldeschritt {challenge}.",
    "auth.session_expired": "Die Anmeldesitzung ist ungültig oder abgelaufen; bitte melden Sie sich erneut an.",
    "auth.password_not_accepted": "Die Passwortänderung wurde nicht angenommen.",
    "auth.user_exists": "Es gibt bereits einen Benutzer mit dieser E-Mail-Adresse.",
    "auth.agent_token_required": "Ein gültiges Agent-Token ist erforderlich.",
    # roles
    "access.read_only": "Gäste haben nur Lesezugriff.",
    "access.billing": (
        "Das darf nur die abrechnende Rolle dieser Organisation (bei einem verknüpften Kunden der "
        "Partner, sonst deren Administratoren)."
    ),
    "access.invoices": "Rechnungen sehen nur Administratoren der zahlenden Organisation.",
    "access.create_customer": "Nur Administratoren einer Partnerorganisation können Kundenorganisationen anlegen.",
    "access.delete_org": "Nur der Partner kann eine verknüpfte Kundenorganisation löschen.",
    "access.support_write": (
        "Nur Administratoren einer Partnerorganisation können deren Support-Kontakt ändern."
    ),
    "access.support_by": "Nur der Partner entscheidet, wer einen verknüpften Kunden betreut.",
    "access.audit": "Das Protokoll sehen nur Administratoren und der Partner.",
    "access.role": "Die Rolle {role} darf das nicht.",
    "access.partner_only": "Nur Partnerorganisationen haben verknüpfte Kunden.",
    # not found
    "not_found.org": "Organisation nicht gefunden.",
    "not_found.endpoint": "Endpunkt nicht gefunden.",
    "not_found.member": "Mitglied nicht gefunden.",
    "not_found.invoice": "Rechnung nicht gefunden.",
    "not_found.subscription": "Diese Organisation hat kein Abonnement.",
    "not_found.host": "Host nicht gefunden.",
    "not_found.report": "Bericht nicht gefunden.",
    "not_found.schedule": "Berichtsplan nicht gefunden.",
    # conflicts
    "conflict.endpoint_changed": (
        "Der Endpunkt wurde inzwischen geändert oder gelöscht; bitte neu laden und erneut versuchen."
    ),
    "conflict.org_changed": (
        "Die Organisation wurde inzwischen geändert oder gelöscht; bitte neu laden und erneut versuchen."
    ),
    "conflict.member_exists": "{email} ist bereits Mitglied dieser Organisation.",
    "conflict.last_admin_demote": (
        "Der letzte Administrator einer Organisation kann nicht herabgestuft werden; machen Sie "
        "zuerst jemand anderen zum Administrator."
    ),
    "conflict.last_admin_remove": (
        "Der letzte Administrator einer Organisation kann nicht entfernt werden; machen Sie "
        "zuerst jemand anderen zum Administrator."
    ),
    "conflict.idempotency_in_progress": "Eine Anfrage mit diesem Idempotency-Key läuft noch.",
    "conflict.partner_gone": "Die Partnerorganisation dieses Kunden gibt es nicht mehr.",
    "conflict.same_plan": "Die Organisation hat den Tarif {plan} ({interval}) bereits.",
    "conflict.order_raced": (
        "Das Abonnement hat sich während dieser Bestellung geändert; bitte mit einem neuen "
        "Idempotency-Key erneut versuchen."
    ),
    "conflict.nothing_to_cancel": (
        "Es gibt kein bezahltes Abonnement zum Kündigen (Status {status}); eine Testphase endet von selbst."
    ),
    "conflict.subscription_changed": "Das Abonnement hat sich inzwischen geändert; bitte erneut versuchen.",
    "conflict.host_token_changed": (
        "Der Host wurde inzwischen geändert (gelöscht, oder sein Token wurde von jemand anderem "
        "erneuert); bitte neu laden und erneut versuchen."
    ),
    "conflict.host_changed": "Der Host wurde inzwischen geändert; bitte neu laden und erneut versuchen.",
    "conflict.partner_has_customers": "der Partner hat noch verknüpfte Kunden",
    "conflict.linked_cannot_be_partner": "eine verknüpfte Kundenorganisation kann kein Partner werden",
    # business rules
    "limits.interval": "interval_minutes muss im Tarif {plan} mindestens {min} sein",
    "limits.endpoints": "Tarifgrenze erreicht: höchstens {max} Endpunkte im Tarif {plan}",
    "limits.hosts": (
        "Der Tarif {plan} erlaubt {max} Hosts, und diese Organisation hat diese Zahl erreicht. "
        "Löschen Sie einen Host oder bestellen Sie einen größeren Tarif."
    ),
    "limits.schedules": "Eine Organisation kann höchstens {max} Berichtspläne haben.",
    "orgs.support_by_linked_only": "Nur verknüpfte Kundenorganisationen haben eine Support-Wahl.",
    "billing.address_country": (
        "Die zahlende Organisation braucht eine Postanschrift mit Land, bevor sie bestellen kann "
        "(sie steht auf der Rechnung und entscheidet über die Umsatzsteuer)."
    ),
    "billing.vat_required": (
        "Kunden in {country} brauchen eine Umsatzsteuer-Identifikationsnummer: die Leistung wird im "
        "Reverse-Charge-Verfahren abgerechnet. Tragen Sie vat_id im Profil der zahlenden Organisation ein."
    ),
    "billing.address_city": (
        "Die Postanschrift der zahlenden Organisation braucht Postleitzahl und Ort, bevor sie "
        "bestellen kann (§ 14 UStG; die E-Rechnung enthält sie)."
    ),
    "billing.billing_email": (
        "Die zahlende Organisation braucht eine Rechnungs-E-Mail-Adresse, bevor sie bestellen kann: "
        "Rechnungen werden dorthin geschickt, und die E-Rechnung nennt sie als elektronische "
        "Adresse des Käufers. Tragen Sie billing_email im Profil ein."
    ),
    "idempotency.reused": "Dieser Idempotency-Key wurde mit einem anderen Anfrageinhalt verwendet.",
    "reports.no_such_target": "In dieser Organisation gibt es keinen {type} {id}.",
    "admin.no_org": "keine Organisation {org_id}",
    "admin.org_deleting": "Organisation {org_id} wird gerade gelöscht",
    # limits of the service
    "rate.reports": "Für diese Organisation wurden zu viele Berichte angefordert; bitte versuchen Sie es später erneut.",
    "rate.invites": "Zu dieser Organisation wurden zu viele Mitglieder hinzugefügt; bitte versuchen Sie es später erneut.",
    "rate.logins": "Zu viele fehlgeschlagene Anmeldungen; bitte versuchen Sie es später erneut.",
    "heartbeat.too_often": "Höchstens ein Heartbeat je Host alle {seconds} Sekunden.",
    "heartbeat.too_large": "Der Heartbeat ist größer als {max_bytes} Byte",
    "body.too_large": "Der Anfrageinhalt ist größer als {max_bytes} Byte",
    "service.busy": "Ein Hintergrunddienst ist ausgelastet; bitte erneut versuchen.",
    "service.database": "Die Datenbank ist nicht erreichbar.",
    "service.unexpected": "Ein unerwarteter Fehler ist aufgetreten.",
    "http.transfer_encoding": "Transfer-Encoding {encoding} wird nicht unterstützt.",
    # Chalice's own errors (by their Code)
    "framework.BadRequestError": "Die Anfrage konnte nicht gelesen werden.",
    "framework.MethodNotAllowedError": "Diese Methode ist für diese Ressource nicht erlaubt.",
    "framework.UnsupportedMediaType": "Dieser Inhaltstyp wird nicht unterstützt.",
    "framework.NotFoundError": "Nicht gefunden.",
    "framework.ForbiddenError": "Unbekannte Route.",
    # added with the round-2 features (signup, MFA, reset, billing, status pages)
    "auth.mfa_required": "Diese Organisation verlangt die Zwei-Faktor-Anmeldung: richten Sie sie zuerst unter /me/mfa/setup ein.",
    "rate.signup_ip": "Zu viele Registrierungen; bitte versuchen Sie es später erneut.",
    "rate.signup_email": "Zu viele Registrierungen; bitte versuchen Sie es später erneut.",
    "rate.signup_confirm_ip": "Zu viele Bestätigungsversuche; bitte versuchen Sie es später erneut.",
    "rate.signup_confirm_email": "Zu viele Bestätigungsversuche; bitte versuchen Sie es später erneut.",
    "rate.invoice_resend": "Für diese Organisation wurden zu viele Rechnungs-E-Mails versendet; bitte versuchen Sie es später erneut.",
    "rate.recipients": "Zu viele Änderungen an Empfängern dieser Organisation; bitte versuchen Sie es später erneut.",
    "rate.recipient_confirm_ip": "Zu viele Bestätigungsversuche; bitte versuchen Sie es später erneut.",
    "rate.forgot_email": "Zu viele Anfragen zum Zurücksetzen des Passworts; bitte versuchen Sie es später erneut.",
    "rate.forgot_ip": "Zu viele Anfragen zum Zurücksetzen des Passworts; bitte versuchen Sie es später erneut.",
    "rate.reset_email": "Zu viele Versuche mit Bestätigungscodes; bitte versuchen Sie es später erneut.",
    "rate.reset_ip": "Zu viele Versuche mit Bestätigungscodes; bitte versuchen Sie es später erneut.",
    "rate.mfa_user": "Zu viele Anmeldecodes probiert; bitte versuchen Sie es später erneut.",
    # ergänzt für die Fehlerstellen der zweiten Runde (MFA, Sitzungen, Gutschriften, Exporte, Partner-Alarme, Statusseiten)
    "auth.mfa_disable_first": "Die Zwei-Faktor-Anmeldung ist bereits eingeschaltet; schalten Sie sie zuerst ab.",
    "auth.mfa_already_enabled": "Die Zwei-Faktor-Anmeldung ist bereits eingeschaltet.",
    "auth.mfa_no_pending_setup": (
        "Keine Einrichtung wartet auf ihren Code (oder sie ist abgelaufen); beginnen Sie die Einrichtung erneut."
    ),
    "auth.mfa_not_enabled": "Die Zwei-Faktor-Anmeldung ist nicht eingeschaltet.",
    "auth.mfa_code_wrong": "Der Bestätigungscode ist falsch.",
    "auth.session_ended": (
        "Diese Sitzung wurde beendet (das Passwort wurde geändert); bitte melden Sie sich erneut an."
    ),
    "field.code_mismatch": "der Code stimmt nicht",
    "field.code_wrong_or_expired": "falsch oder abgelaufen",
    "signup.code_wrong_or_expired": (
        "Der Code ist falsch oder abgelaufen; registrieren Sie sich erneut, um einen neuen zu erhalten."
    ),
    "not_found.invoice_number": "Es gibt keine Rechnung {number}.",
    "not_found.payer": "Die zahlende Organisation {org_id} existiert nicht mehr.",
    "billing.credit_note_not_cancellable": "{number} ist eine Gutschrift; nur Rechnungen können storniert werden.",
    "billing.already_cancelled": "{number} wurde bereits durch {cancelled_by} storniert.",
    "billing.cancelled_concurrently": "{number} wurde gleichzeitig storniert.",
    "billing.quote_changed": (
        "Die Bestellung würde jetzt {gross} {currency} brutto berechnen, nicht die bestätigten {expected} "
        "(Preis, Datum oder Steuerdaten haben sich geändert). Es wurde nichts berechnet; bitte bestätigen "
        "Sie das neue Angebot."
    ),
    "billing.month_format": "Der Monat muss die Form JJJJ-MM haben.",
    "field.date_required": "Pflichtfeld (JJJJ-MM-TT)",
    "field.digits_range": "muss aus {min}–{max} Ziffern bestehen",
    "field.datev_one_year": "ein DATEV-Stapel umfasst genau ein Kalenderjahr (Wirtschaftsjahr)",
    "access.partner_alerts": "Nur Administratoren einer Partnerorganisation verwalten deren Partner-Alarme.",
    "field.customers_required": "nennen Sie für den Modus „selected“ mindestens einen Kunden",
    "incidents.foreign_customers": "customer_ids darf nur verknüpfte Kunden dieses Partners enthalten.",
    "field.not_partner_customer": "kein Kunde dieses Partners: {ids}",
    "field.subject_format": "muss die Form endpoint:<id> oder host:<id> haben",
    "field.token_unknown": "unbekannt oder abgelaufen",
    "recipients.link_invalid": "Der Link ist ungültig oder abgelaufen.",
    "conflict.paid_subscription": (
        "{name} hat ein bezahltes Abonnement ({plan}, {interval}) bis {last}. Das Löschen der Organisation "
        "beendet es: Die {days} ungenutzten ganzen Tage ab {first} werden der zahlenden Organisation mit "
        'einer Gutschrift erstattet. Wiederholen Sie die Anfrage mit {{"confirm_paid_subscription": true}}, '
        "um fortzufahren."
    ),
    "conflict.org_or_subscription_changed": (
        "Die Organisation oder ihr Abonnement hat sich inzwischen geändert; bitte versuchen Sie es erneut."
    ),
    "field.name_prefix": "ein Namensanfang mit höchstens {max} Zeichen ohne #",
    "orgs.mfa_self_first": (
        "Richten Sie die Zwei-Faktor-Anmeldung zuerst für sich selbst ein, bevor Sie sie verlangen."
    ),
    "field.mfa_self_first": "schalten Sie zuerst Ihre eigene Zwei-Faktor-Anmeldung ein",
    "not_found.status_page": "Statusseite nicht gefunden.",
    "not_found.note": "Hinweis nicht gefunden.",
    "field.id_invalid": "enthält eine ungültige ID",
    "field.components_duplicate": "darf jede Komponente nur einmal nennen",
    "field.slug_format": "3–40 Zeichen a-z, 0-9 und '-', ohne '-' am Anfang oder Ende",
    "field.slug_reserved": "ist ein reserviertes Wort",
    "field.plain_text": "muss reiner Text sein (kein HTML)",
    "statuspages.unknown_components": "Unbekannte Komponenten.",
    "field.unknown_endpoint": "nennt einen Endpunkt, den es in dieser Organisation nicht gibt",
    "field.unknown_host": "nennt einen Host, den es in dieser Organisation nicht gibt",
    "conflict.slug_taken": "Diese Adresse ist bereits vergeben.",
    "limits.status_pages": "Tarifgrenze erreicht: höchstens {max} Statusseiten im Tarif {plan}",
    "field.status_pages_max": "höchstens {max} im Tarif {plan}",
    "conflict.status_page_changed": "Die Statusseite wurde gleichzeitig geändert; bitte versuchen Sie es erneut.",
    # added with the round-2 features (signup, MFA, reset, billing, status pages)
    "field.slug_taken": "ist bereits vergeben",
}

PLURALS: dict[str, dict[str, str]] = {
    "checks": {"one": "{n} Prüfung", "other": "{n} Prüfungen"},
    "days": {"one": "{n} Tag", "other": "{n} Tage"},
    "hours": {"one": "{n} Stunde", "other": "{n} Stunden"},
    "minutes": {"one": "{n} Minute", "other": "{n} Minuten"},
    "seconds": {"one": "{n} Sekunde", "other": "{n} Sekunden"},
    "endpoints": {"one": "{n} Endpunkt", "other": "{n} Endpunkte"},
    "hosts": {"one": "{n} Host", "other": "{n} Hosts"},
    "incidents": {"one": "{n} Vorfall", "other": "{n} Vorfälle"},
}
