"""Subject and text of the mail that carries a scheduled report (German or English).

The scheduled job (``scheduled.py``) wraps them in a ``chalicelib.mail.service.Message`` with the PDF attached.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.reports.i18n import Texts

MAIL_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "subject": "{frequency} Bericht: {target} ({start} – {end})",
        "weekly": "Wöchentlicher",
        "monthly": "Monatlicher",
        "body": "Guten Tag,\n\nim Anhang finden Sie den {frequency_lower} Verfügbarkeitsbericht für "
        "{target} im Zeitraum {start} bis {end}.\n\nDieser Bericht ist automatisiert "
        "erstellt worden und wird Ihnen zur Verfügung gestellt von:\n{org}\n\n"
        "Sie erhalten diese Nachricht, weil Ihre Adresse als Empfänger dieses Berichts "
        "eingetragen ist. Zum Abbestellen wenden Sie sich bitte an {org}.\n",
    },
    "en": {
        "subject": "{frequency} report: {target} ({start} – {end})",
        "weekly": "Weekly",
        "monthly": "Monthly",
        "body": "Hello,\n\nplease find attached the {frequency_lower} availability report for "
        "{target} for {start} to {end}.\n\nThis report was generated automatically and "
        "is provided to you by:\n{org}\n\nYou receive this message because your address "
        "is listed as a recipient of this report. To unsubscribe, please contact {org}.\n",
    },
}


def report_mail(
    language: str, frequency: str, org_name: str, target_name: str, period: tuple[datetime, datetime]
) -> tuple[str, str]:
    """(subject, text) of a scheduled report mail; the period end is shown inclusive."""
    texts = Texts(language)
    words = MAIL_TEXTS[texts.language]
    start = texts.date(period[0].date())
    end = texts.date((period[1] - timedelta(seconds=1)).date())
    adjective = words[frequency]
    values = {
        "frequency": adjective,
        "frequency_lower": adjective.lower(),
        "target": target_name,
        "start": start,
        "end": end,
        "org": org_name,
    }
    return words["subject"].format(**values), words["body"].format(**values)
