"""The atasan's team page in a real browser, on a desktop and on a phone."""

from __future__ import annotations

import pytest

from kinerja.testing import PASSWORD
from tests.browser.conftest import DESKTOP, PHONE, has_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("label", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_atasan_logs_in_and_sees_their_team(
    live_server, cast, open_page, artifacts, label, viewport
):
    page = open_page(viewport)
    log_in(page, live_server.url, cast.atasan.username, PASSWORD)
    page.screenshot(path=str(artifacts / f"home-atasan-{label}.png"), full_page=True)

    # Reach the team page the way a user does: through the menu.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My team").click()
    page.wait_for_url(f"{live_server.url}/tim/")
    direct = page.locator("section", has=page.locator("#h-direct"))
    for name in ["Dewi Pelaksana", "Eko Pelaksana"]:
        person = direct.locator(".person", has_text=name)
        assert person.is_visible(), name
        assert person.get_by_text("rated by you").is_visible()
    assert page.locator("nav a[aria-current=page]").inner_text().strip() == "My team"
    assert has_no_sideways_scroll(page), "the team page scrolls sideways"
    page.screenshot(path=str(artifacts / f"team-atasan-{label}.png"), full_page=True)


def test_kadis_sees_kasi_direct_and_staff_indirect_on_a_phone(
    live_server, cast, open_page, artifacts
):
    page = open_page(PHONE)
    log_in(page, live_server.url, cast.kadis.username, PASSWORD)
    page.goto(f"{live_server.url}/tim/")
    direct = page.locator("section", has=page.locator("#h-direct"))
    indirect = page.locator("section", has=page.locator("#h-indirect"))
    assert direct.get_by_text("Fajar Kasi").is_visible()
    assert indirect.get_by_text("Gita Pengelola").is_visible()
    page.screenshot(path=str(artifacts / "team-kadis-phone.png"), full_page=True)


def test_wrong_password_shows_a_clear_message(live_server, cast, open_page, artifacts):
    page = open_page(PHONE)
    page.goto(f"{live_server.url}/masuk/")
    page.locator("#id_username").fill(cast.atasan.username)
    page.locator("#id_password").fill("salah-sandi")
    page.locator("form button[type=submit]").click()
    assert page.get_by_role("alert").get_by_text("Wrong NIP or password").is_visible()
    page.screenshot(path=str(artifacts / "login-error-phone.png"), full_page=True)
