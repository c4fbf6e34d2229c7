"""Helpers shared by the console tests: the API over real HTTP, and common browser steps."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def api_call(vigil, method: str, path: str, token: str | None = None, body=None) -> tuple[int, dict]:
    req = urllib.request.Request(
        f"{vigil.api}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def token(vigil, email: str, password: str) -> str:
    status, body = api_call(vigil, "POST", "/auth/login", body={"email": email, "password": password})
    assert status == 200, body
    return body["id_token"]


def login(page, vigil, email: str, password: str) -> None:
    page.goto(vigil.web)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()


def open_screen(page, label: str, screen: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=label, exact=True).click()
    page.locator(f'[data-screen="{screen}"] h1').wait_for()


def write_controls(page) -> int:
    """Inputs and buttons in the content area (the header's switcher and language are not writes)."""
    return page.locator("main form, main button, main input, main select, main textarea").count()
