"""Real-browser fixtures: Playwright (sync API) driving Debian's chromium; never downloads one.

Run with `pytest -m browser`; without chromium on PATH (or CHROMIUM=/path) the tests skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium_path()
    if not executable:
        pytest.skip(
            "chromium is not installed: `apt install chromium` (Debian) or set CHROMIUM=/path; "
            "Playwright's own browser download is not used"
        )
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
    # one unless told otherwise (settings set DJANGO_ALLOW_ASYNC_UNSAFE under pytest).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_page(browser):
    """open_page(viewport) -> a fresh page in its own context (own cookies), closed afterwards."""
    contexts = []

    def _open(viewport: dict[str, int], *, locale: str = "en-US") -> Any:
        phone = viewport["width"] < 600
        context = browser.new_context(
            viewport=viewport, locale=locale, is_mobile=phone, has_touch=phone
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def log_in(page: Any, base_url: str, nip: str, password: str) -> None:
    """Log in as a person would: open /masuk/, type the NIP and password, press the button;
    then, for an account with two-factor authentication, type the code its authenticator app
    would show (computed from the device's key). An account whose role requires 2FA gets a
    confirmed device first if it has none (kinerja.testing.totp_device), as if it had enrolled."""
    from kinerja.people import twofactor
    from kinerja.people.models import Account
    from kinerja.testing import totp_device

    account = Account.objects.get(username=nip)
    status = twofactor.status_of(account)
    device = totp_device(account) if status.required or status.enabled else None
    page.goto(f"{base_url}/masuk/")
    page.locator("#id_username").fill(nip)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").click()
    if device is not None:
        page.wait_for_url(f"{base_url}/masuk/kode/**")
        device.refresh_from_db()
        code = twofactor.next_code(device)
        if code is None:  # this step's code was used a moment ago: the next step's comes soon
            page.wait_for_timeout(30_000)
            device.refresh_from_db()
            code = twofactor.next_code(device)
        page.locator("#id_code").fill(code or "")
        page.locator("#id_code").press("Enter")
    page.wait_for_url(f"{base_url}/")


def has_no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
