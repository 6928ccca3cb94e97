"""The demo Pemda as a new user meets it: log in as the demo atasan the demo prints, in the
product's default language, and find the subordinates on the team page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kinerja.demo.load import DEMO_PASSWORD, ROLE_LABELS, demo_logins, load_demo
from kinerja.people.models import Account
from kinerja.people.selectors import team_of
from tests.browser.conftest import PHONE, has_no_sideways_scroll, log_in

pytestmark = [pytest.mark.browser, pytest.mark.indonesian]


def test_demo_atasan_sees_their_subordinates_on_the_team_page(
    live_server, transactional_db, open_page, artifacts
):
    today = timezone.localdate()
    result = load_demo(today=today)
    atasan = next(
        row for row in demo_logins(result.instansi, today) if row.role == ROLE_LABELS["atasan"]
    )
    account = Account.objects.get(username=atasan.nip)
    expected = [m.pegawai.full_name for m in team_of(account, today) if m.direct]
    assert expected, "the demo atasan has direct subordinates"

    page = open_page(PHONE, locale="id-ID")
    log_in(page, live_server.url, atasan.nip, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/tim/")
    text = page.locator("main").inner_text()
    for name in expected:
        assert name in text, name
    assert has_no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "team-demo-atasan-phone.png"), full_page=True)


def test_demo_logins_cover_every_role(transactional_db):
    today = dt.date(2026, 11, 2)
    result = load_demo(today=today)
    roles = {row.role for row in demo_logins(result.instansi, today)}
    wanted = ("pegawai", "atasan", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor")
    assert {ROLE_LABELS[r] for r in wanted} <= roles
