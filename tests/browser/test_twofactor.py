"""Two-factor enrolment in a real browser on a phone: the BKPSDM administrator, whose role
requires it, logs in with the password, is held at the set-up page, reads the key printed under
the QR code (as someone who cannot scan would), computes the code as an authenticator app does,
and is let in; the next log-in asks for the code (the shared `log_in` helper types it)."""

from __future__ import annotations

import base64
import time

import pytest

from kinerja.testing import PASSWORD
from tests.browser.conftest import PHONE, has_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser


def authenticator_code(secret: str) -> str:
    """What an authenticator app shows for a typed-in base32 key (RFC 6238, SHA-1, 30 s)."""
    from django_otp.oath import totp

    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_admin_bkpsdm_sets_up_two_factor_and_logs_in_with_a_code(
    live_server, cast, open_page, artifacts
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    base = live_server.url
    page = open_page(PHONE)
    page.set_default_timeout(60_000)  # the first requests compile templates; slow on a busy box
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text
            else None)
    page.goto(f"{base}/masuk/")
    page.locator("#id_username").fill(cast.admin_bkpsdm.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base}/akun/2fa/?next=%2F")
    assert page.get_by_text("Your role requires two-factor authentication.").is_visible()
    qr = page.locator(".qr-code svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 120
    # Anything else sends them back here.
    page.goto(f"{base}/audit/")
    page.wait_for_url(f"{base}/akun/2fa/?next=%2Faudit%2F")
    assert has_no_sideways_scroll(page), "the set-up page scrolls sideways"
    page.screenshot(path=str(artifacts / "twofactor-setup-phone.png"), full_page=True)

    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("6-digit code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    assert page.get_by_text("That code is not right.").is_visible()
    time.sleep(1.1)  # the throttle after one wrong code
    page.get_by_label("6-digit code").fill(authenticator_code(page.locator("#otp-secret")
                                                             .inner_text()))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.wait_for_url(f"{base}/audit/")
    assert TOTPDevice.objects.get(user=cast.admin_bkpsdm).confirmed
    assert secret.replace(" ", "")  # the key was on the page as text

    # Log out; the next log-in asks for the code, which log_in types.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/masuk/")
    log_in(page, base, cast.admin_bkpsdm.username, PASSWORD)
    page.goto(f"{base}/akun/")
    assert page.get_by_text("Required for your role.").is_visible()
    assert not violations, violations
