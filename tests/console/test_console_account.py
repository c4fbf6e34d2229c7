"""The account layer in headless Chromium: "Passwort vergessen?" with the mailed code, and
enrolling an authenticator app (QR code, first code), then the login's code step.

Each test invites its own user into the partner org, so the seed's users keep their passwords
and no MFA for the other console tests."""

from __future__ import annotations

import itertools
import time

import pyotp

from chalicelib.local.mailbox import from_server
from tests.console.conftest import shot
from tests.console.helpers import api_call, login, token
from tests.support import temp_password
from tests.support.mail import reset_code

_seq = itertools.count(1)
NEW_PASSWORD = "Konsole-Neu-2026!"


def _invited_user(vigil, prefix: str) -> tuple[str, str]:
    """A new guest of the partner org; (e-mail, temporary password from the invitation mail)."""
    email = f"{prefix}-{time.time_ns()}-{next(_seq)}@example.com"
    tok = token(vigil, "partner@example.com", vigil.password)
    _, me = api_call(vigil, "GET", "/me", tok)
    partner = next(o for o in me["orgs"] if o["role"] == "admin" and o["kind"] == "partner")
    status, body = api_call(
        vigil, "POST", f"/orgs/{partner['id']}/members", tok, {"email": email, "role": "guest"}
    )
    assert status == 201, body
    [mail] = [m for m in from_server(vigil.aws) if email in m.to]
    return email, temp_password(mail.text)


def _next_second() -> None:
    """A login in the reset's own second is refused (token times have one-second resolution)."""
    time.sleep(1.05 - time.time() % 1)


def test_forgotten_password_reset_by_mailed_code(page, vigil):
    email, _ = _invited_user(vigil, "vergessen")
    page.goto(vigil.web)
    page.get_by_role("button", name="Passwort vergessen?").click()
    form = page.get_by_test_id("forgot-form")
    form.get_by_label("E-Mail-Adresse").fill(email)
    form.get_by_role("button", name="Code anfordern").click()
    reset = page.get_by_test_id("reset-form")
    reset.wait_for()
    assert email in reset.inner_text()
    [mail] = [m for m in from_server(vigil.aws) if email in m.to and "Zurücksetzen" in m.subject]
    code = reset_code(mail.text)
    # a wrong code first: the answer stands on the form, nothing changes
    reset.get_by_label("Code aus der E-Mail").fill(f"{(int(code) + 1) % 10**8:08d}")
    reset.get_by_label("Neues Passwort", exact=True).fill(NEW_PASSWORD)
    reset.get_by_label("Passwort wiederholen").fill(NEW_PASSWORD)
    reset.get_by_role("button", name="Passwort ändern").click()
    reset.locator(".form-error").wait_for()
    assert "Der Code ist falsch oder abgelaufen" in reset.locator(".form-error").inner_text()
    reset.get_by_label("Code aus der E-Mail").fill(code)
    shot(page, "60-password-reset")
    reset.get_by_role("button", name="Passwort ändern").click()
    page.get_by_text("Ihr Passwort wurde geändert.").wait_for()
    _next_second()
    login(page, vigil, email, NEW_PASSWORD)
    page.get_by_test_id("overview-role").wait_for()
    assert page.get_by_test_id("overview-role").inner_text() == "Gast"


def test_mfa_enrolment_with_qr_code_then_login_asks_for_the_code(page, vigil):
    email, temporary = _invited_user(vigil, "zweifaktor")
    status, body = api_call(vigil, "POST", "/auth/login", body={"email": email, "password": temporary})
    assert status == 200 and body["challenge"] == "NEW_PASSWORD_REQUIRED", body
    status, body = api_call(
        vigil,
        "POST",
        "/auth/new-password",
        body={"email": email, "session": body["session"], "new_password": NEW_PASSWORD},
    )
    assert status == 200, body

    login(page, vigil, email, NEW_PASSWORD)
    page.get_by_test_id("overview-role").wait_for()
    page.get_by_role("link", name="Zwei-Faktor-Anmeldung").click()
    page.get_by_test_id("mfa-status").wait_for()
    assert "ausgeschaltet" in page.get_by_test_id("mfa-status").inner_text()
    page.get_by_role("button", name="Einrichten").click()
    qr = page.get_by_test_id("mfa-qr")
    qr.wait_for()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG renders
    secret = page.get_by_test_id("mfa-secret").inner_text().strip()
    shot(page, "61-mfa-enrolment")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Sechsstelliger Code").fill(totp.now())
    page.get_by_role("button", name="Bestätigen und einschalten").click()
    page.get_by_text("Die Zwei-Faktor-Anmeldung ist jetzt eingeschaltet.").wait_for()
    assert "eingeschaltet" in page.get_by_test_id("mfa-status").inner_text()

    # the next login asks for the code after the password; a wrong code is refused
    page.get_by_role("link", name="Zurück zur Konsole").click()
    page.get_by_role("button", name="Abmelden").click()
    login(page, vigil, email, NEW_PASSWORD)
    step = page.get_by_test_id("mfa-login-form")
    step.wait_for()
    shot(page, "62-mfa-login-step")
    right = totp.at(time.time() + 30)  # the enrolment used the current step's code
    step.get_by_label("Sechsstelliger Code").fill(f"{(int(right) + 1) % 10**6:06d}")
    step.get_by_role("button", name="Bestätigen").click()
    step.locator(".form-error").wait_for()
    assert "Der Code ist falsch" in step.locator(".form-error").inner_text()
    step.get_by_label("Sechsstelliger Code").fill(right)
    step.get_by_role("button", name="Bestätigen").click()
    page.get_by_test_id("overview-role").wait_for()
