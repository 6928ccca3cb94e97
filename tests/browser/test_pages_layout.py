"""Every main page fits a phone (no sideways scrolling at 360px) and a desktop; screenshots are
kept under test-artifacts/ for a human look."""

from __future__ import annotations

import pytest
from django.db import transaction

from kinerja.core.audit import audit_record
from kinerja.testing import PASSWORD
from tests.browser.conftest import DESKTOP, has_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}


@pytest.mark.parametrize(("label", "viewport"), [("desktop", DESKTOP), ("phone", SMALL_PHONE)])
def test_admin_bkpsdm_pages_fit_the_screen(
    live_server, cast, open_page, artifacts, label, viewport
):
    with transaction.atomic():
        audit_record(
            actor=cast.admin_bkpsdm,
            instansi=cast.instansi,
            action="pegawai.update",
            obj=cast.people["pegawai"],
            changes={"golongan": ["II/d", "III/a"], "phone": ["", "0812 3456 7890"]},
        )
    cast.admin_bkpsdm.is_staff = True
    cast.admin_bkpsdm.save()
    page = open_page(viewport)
    log_in(page, live_server.url, cast.admin_bkpsdm.username, PASSWORD)
    pages = {
        "home-admin": "/",
        "employees": "/pegawai/",
        "profile": f"/pegawai/{cast.people['pegawai'].nip}/",
        "org": "/org/",
        "org-opd": f"/org/opd/{cast.opds['dinkes'].pk}/",
        "audit": "/audit/",
        "tokens": "/akun/token/",
        "password": "/akun/kata-sandi/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(artifacts / f"{name}-{label}.png"), full_page=True)
        assert has_no_sideways_scroll(page), f"{path} scrolls sideways at {viewport['width']}px"


def test_live_search_updates_the_results_without_a_reload(live_server, cast, open_page):
    page = open_page(DESKTOP)
    log_in(page, live_server.url, cast.admin_bkpsdm.username, PASSWORD)
    page.goto(f"{live_server.url}/pegawai/")
    page.evaluate("window.__same_page = true")
    page.locator("#id_q").fill("Kasi")
    page.locator("#results .person", has_text="Fajar Kasi").wait_for()
    page.wait_for_function("() => document.querySelectorAll('#results .person').length === 1")
    assert page.evaluate("window.__same_page === true"), "the page reloaded"
    assert "q=Kasi" in page.url


def test_new_token_is_shown_once_in_the_browser(live_server, cast, open_page, artifacts):
    page = open_page(SMALL_PHONE)
    log_in(page, live_server.url, cast.pegawai.username, PASSWORD)
    page.goto(f"{live_server.url}/akun/token/")
    page.locator("#id_name").fill("Aplikasi HP")
    page.locator("#id_expires_in_days").fill("30")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token")
    token.wait_for()
    assert token.inner_text().startswith("knj_")
    page.screenshot(path=str(artifacts / "token-created-phone.png"), full_page=True)
    page.reload()
    assert page.locator("#new-token").count() == 0
    assert page.get_by_text("Aplikasi HP").is_visible()
