"""Invitation and notice mails, German or English by the org's language."""

from __future__ import annotations

from typing import Any

from chalicelib import settings
from chalicelib.mail.service import Message, send
from chalicelib.mail.whitelabel import branded

_ROLE = {
    "de": {"admin": "Administrator", "guest": "Gast (nur lesen)"},
    "en": {"admin": "Administrator", "guest": "Guest (read-only)"},
}


def invitation(
    email: str, org_name: str, role: str, language: str, temp_password: str, org: Any = None
) -> None:
    """A new user: login URL and temporary password, which must be changed at first login."""
    url = settings.console_url()
    role_name = _ROLE.get(language, _ROLE["en"])[role]
    if language == "de":
        subject = f"Einladung zu Vigil: {org_name}"
        text = (
            f"Guten Tag,\n\n"
            f"Sie wurden zur Organisation „{org_name}“ in Vigil eingeladen.\n"
            f"Ihre Rolle: {role_name}\n\n"
            f"Anmeldung: {url}\n"
            f"E-Mail: {email}\n"
            f"Temporäres Passwort: {temp_password}\n\n"
            f"Bei der ersten Anmeldung werden Sie gebeten, ein eigenes Passwort zu wählen.\n\n"
            f"Ihr Vigil-Team\n"
        )
    else:
        subject = f"Invitation to Vigil: {org_name}"
        text = (
            f"Hello,\n\n"
            f"You have been invited to the organisation “{org_name}” in Vigil.\n"
            f"Your role: {role_name}\n\n"
            f"Log in: {url}\n"
            f"E-mail: {email}\n"
            f"Temporary password: {temp_password}\n\n"
            f"At your first login you will be asked to choose your own password.\n\n"
            f"Your Vigil team\n"
        )
    send(branded(Message(to=[email], subject=subject, text=text), org, language))


def added(email: str, org_name: str, role: str, language: str, org: Any = None) -> None:
    """An existing user was added to another org."""
    url = settings.console_url()
    role_name = _ROLE.get(language, _ROLE["en"])[role]
    if language == "de":
        subject = f"Vigil: Zugang zu {org_name}"
        text = (
            f"Guten Tag,\n\nSie haben jetzt Zugang zur Organisation „{org_name}“ "
            f"als {role_name}.\nMelden Sie sich wie gewohnt an: {url}\n\nIhr Vigil-Team\n"
        )
    else:
        subject = f"Vigil: access to {org_name}"
        text = (
            f"Hello,\n\nYou now have access to the organisation “{org_name}” as "
            f"{role_name}.\nLog in as usual: {url}\n\nYour Vigil team\n"
        )
    send(branded(Message(to=[email], subject=subject, text=text), org, language))


def welcome(email: str, org_name: str, language: str) -> None:
    url = settings.console_url()
    if language == "de":
        subject = "Willkommen bei Vigil"
        text = (
            f"Guten Tag,\n\nIhre Organisation „{org_name}“ ist angelegt; die Testphase "
            f"läuft {settings.trial_days()} Tage.\nAnmeldung: {url}\n\nIhr Vigil-Team\n"
        )
    else:
        subject = "Welcome to Vigil"
        text = (
            f"Hello,\n\nYour organisation “{org_name}” is ready; the trial lasts "
            f"{settings.trial_days()} days.\nLog in: {url}\n\nYour Vigil team\n"
        )
    send(Message(to=[email], subject=subject, text=text))


def signup_attempt_notice(email: str, language: str) -> None:
    """Someone signed up with an address that has an account: tell its owner, not the caller."""
    url = settings.console_url()
    if language == "de":
        subject = "Vigil: Registrierung mit Ihrer Adresse"
        text = (
            f"Guten Tag,\n\njemand hat versucht, mit Ihrer E-Mail-Adresse ein neues Konto "
            f"anzulegen. Sie haben bereits einen Zugang: {url}\nWaren Sie das nicht, "
            f"können Sie diese Nachricht ignorieren.\n\nIhr Vigil-Team\n"
        )
    else:
        subject = "Vigil: sign-up with your address"
        text = (
            f"Hello,\n\nsomeone tried to create a new account with your e-mail address. "
            f"You already have access: {url}\nIf this was not you, ignore this message.\n\n"
            f"Your Vigil team\n"
        )
    send(Message(to=[email], subject=subject, text=text))


def signup_code(email: str, org_name: str, code: str, language: str) -> None:
    """The code that proves a signup's address belongs to the one who signed up."""
    hours = 24
    if language == "de":
        subject = f"Vigil: Ihr Bestätigungscode {code}"
        text = (
            f"Guten Tag,\n\nfür die Organisation „{org_name}“ wurde mit dieser E-Mail-Adresse "
            f"ein Vigil-Konto beantragt.\n\nBestätigungscode: {code}\n\n"
            f"Der Code gilt {hours} Stunden. Erst nach der Bestätigung ist das Konto aktiv.\n"
            f"Haben Sie sich nicht registriert, ignorieren Sie diese Nachricht; die Anmeldung "
            f"verfällt dann von selbst.\n\nIhr Vigil-Team\n"
        )
    else:
        subject = f"Vigil: your confirmation code {code}"
        text = (
            f"Hello,\n\na Vigil account for the organisation “{org_name}” was requested with "
            f"this e-mail address.\n\nConfirmation code: {code}\n\n"
            f"The code is valid for {hours} hours. The account is active only once it is confirmed.\n"
            f"If you did not sign up, ignore this message; the request then expires by itself.\n\n"
            f"Your Vigil team\n"
        )
    send(Message(to=[email], subject=subject, text=text))
