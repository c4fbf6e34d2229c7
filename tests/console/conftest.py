"""Console tests: one `make run`-style local server per test process (session scope) and one
headless Chromium per test module.

Chromium is the Debian package (Playwright cannot download browsers here); without it the
browser tests skip with the reason, except under CI=true where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "console"
CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Console-Test-2026!"


@dataclass
class LocalVigil:
    api: str  # http://127.0.0.1:<port> of the API
    web: str  # http://127.0.0.1:<port>/ of the console
    aws: str  # the embedded AWS emulator (mail is read from here)
    password: str  # demo password


def _wait_ok(url: str, proc: subprocess.Popen, deadline: float, log: Path) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"local run exited early:\n{log.read_text(errors='replace')[-5000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    proc.kill()
    pytest.fail(f"{url} did not answer")


@pytest.fixture(scope="session")
def vigil(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalVigil]:
    port, aws_port, web_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "VIGIL_"))}
    env.update(
        {
            "VIGIL_PORT": str(port),
            "VIGIL_AWS_PORT": str(aws_port),
            "VIGIL_WEB_PORT": str(web_port),
            "VIGIL_DEMO_PASSWORD": PASSWORD,
            "VIGIL_LOG_LEVEL": "WARNING",
            "VIGIL_SCHEDULER": "off",
        }
    )
    # The server's output goes to a file: a pipe nobody reads fills up (64 KB) and then blocks
    # the server in its next log write — every later request of the session would hang.
    log = tmp_path_factory.mktemp("vigil") / "make-run.log"
    out = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "chalicelib.local.run"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )
    local = LocalVigil(
        api=f"http://127.0.0.1:{port}",
        web=f"http://127.0.0.1:{web_port}/",
        aws=f"http://127.0.0.1:{aws_port}",
        password=PASSWORD,
    )
    deadline = time.monotonic() + 120
    _wait_ok(f"{local.api}/health", proc, deadline, log)
    _wait_ok(f"{local.web}config.js", proc, deadline, log)
    yield local
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    out.close()


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


# Module scope, not session: Playwright's sync API keeps an asyncio loop marked as running in
# this thread while it is open, and any later test in the same worker that calls asyncio.run()
# (the endpoint checks) would fail. pytest closes it when the next test is from another module.
@pytest.fixture(scope="module")
def browser():
    if not _chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium); required under CI")
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium' "
            f"(make test does it) to run the console tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, vigil):
    """A fresh browser context (own session storage) at 1280 px, German UI, errors collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    context.close()
    assert not errors, f"JavaScript errors in the console: {errors}"


def shot(page, name: str) -> None:
    """Keep a full-page screenshot for a person to look at (tests/artifacts is git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
