"""The SKP cycle in a real browser on a phone: the employee writes an RHK serving their
supervisor's RHK with an indicator and submits; the supervisor returns it with a note; the
employee reads the note, raises the target and submits again; the supervisor approves; the SKP
document downloads."""

from __future__ import annotations

import pytest

from kinerja.plans.models import SkpStatus
from kinerja.testing import PASSWORD
from tests.browser.conftest import PHONE, has_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser


def _open_skp(page, base_url: str, skp_pk: int) -> None:
    page.goto(f"{base_url}/skp/")
    page.locator(f"a[href='/skp/{skp_pk}/']").first.click()
    page.wait_for_url(f"{base_url}/skp/{skp_pk}/")


def test_skp_is_written_returned_revised_and_approved_on_a_phone(
    live_server, cast, plan, open_page, artifacts
):
    base = live_server.url
    skp = plan.skp["pegawai"]
    supervisor_rhk = plan.rhk["atasan"]

    # --- The employee writes the RHK and its indicator, then submits -----------------------
    employee = open_page(PHONE)
    employee.on("dialog", lambda dialog: dialog.accept())
    log_in(employee, base, cast.pegawai.username, PASSWORD)
    _open_skp(employee, base, skp.pk)
    assert employee.get_by_text("Add at least one main RHK.").is_visible()

    employee.get_by_role("link", name="Add an RHK").click()
    form = employee.locator("#slot-rhk form")
    form.get_by_label("Rencana Hasil Kerja (RHK)").fill("Surat masuk tercatat dan terdistribusi")
    form.get_by_label("Serves").select_option(f"rhk:{supervisor_rhk.pk}")
    form.get_by_label("Intervention").select_option("langsung")
    employee.screenshot(path=str(artifacts / "skp-rhk-form-phone.png"), full_page=True)
    form.get_by_role("button", name="Save").click()
    rhk_card = employee.locator("article.rhk", has_text="Surat masuk tercatat dan terdistribusi")
    rhk_card.wait_for()
    assert rhk_card.get_by_text(supervisor_rhk.text).is_visible()

    rhk_card.get_by_role("link", name="Add an indicator").click()
    form = rhk_card.locator("form.skp-form")
    form.get_by_label("Indicator (IKI)").fill("Jumlah surat masuk tercatat")
    form.get_by_label("Number").check()
    form.get_by_label("Target", exact=True).fill("12")
    form.get_by_label("Unit").fill("surat")
    assert not form.get_by_label("Upper end of the range").is_visible()  # a number, not a range
    employee.screenshot(path=str(artifacts / "skp-indicator-form-phone.png"), full_page=True)
    form.get_by_role("button", name="Save").click()
    employee.locator(".indicators .target", has_text="12 surat").wait_for()
    assert employee.get_by_text("Complete: ready to submit").is_visible()
    assert has_no_sideways_scroll(employee), "the SKP page scrolls sideways"
    employee.screenshot(path=str(artifacts / "skp-draft-phone.png"), full_page=True)

    employee.locator("#workflow").get_by_role("button", name="Submit").click()
    employee.get_by_text("SKP submitted to your pejabat penilai.").wait_for()
    skp.refresh_from_db()
    assert skp.status == SkpStatus.SUBMITTED

    # --- The supervisor returns it with a note ----------------------------------------------
    supervisor = open_page(PHONE)
    supervisor.on("dialog", lambda dialog: dialog.accept())
    log_in(supervisor, base, cast.atasan.username, PASSWORD)
    supervisor.goto(f"{base}/skp/")
    waiting = supervisor.locator("section", has=supervisor.locator("#h-awaiting"))
    waiting.get_by_role("link", name="Dewi Pelaksana").click()
    supervisor.wait_for_url(f"{base}/skp/{skp.pk}/")
    supervisor.get_by_label("What should the employee change?").fill(
        "Target terlalu rendah: naikkan menjadi 24 surat."
    )
    supervisor.screenshot(path=str(artifacts / "skp-review-phone.png"), full_page=True)
    supervisor.locator("#workflow").get_by_role("button", name="Return").click()
    supervisor.get_by_text("SKP returned to the employee with your note.").wait_for()
    skp.refresh_from_db()
    assert skp.status == SkpStatus.RETURNED

    # --- The employee reads the note, changes the target and submits again ------------------
    employee.goto(f"{base}/skp/{skp.pk}/")
    note = employee.locator(".skp-returned")
    assert note.get_by_text("Target terlalu rendah: naikkan menjadi 24 surat.").is_visible()
    employee.screenshot(path=str(artifacts / "skp-returned-phone.png"), full_page=True)
    indicator = employee.locator(".indicators li", has_text="Jumlah surat masuk tercatat")
    indicator.get_by_role("link", name="Change").click()
    form = employee.locator("article.rhk form.skp-form")
    form.get_by_label("Target", exact=True).fill("24")
    form.get_by_role("button", name="Save").click()
    employee.locator(".indicators .target", has_text="24 surat").wait_for()
    employee.locator("#workflow").get_by_role("button", name="Submit").click()
    employee.get_by_text("SKP submitted to your pejabat penilai.").wait_for()

    # --- The supervisor approves ------------------------------------------------------------
    supervisor.goto(f"{base}/skp/{skp.pk}/")
    assert supervisor.locator(".indicators .target", has_text="24 surat").is_visible()
    supervisor.locator("#workflow").get_by_role("button", name="Approve").click()
    supervisor.get_by_text("SKP approved.").wait_for()
    skp.refresh_from_db()
    assert skp.status == SkpStatus.APPROVED
    assert has_no_sideways_scroll(supervisor)

    employee.goto(f"{base}/skp/{skp.pk}/")
    history = employee.locator("#history")
    assert history.get_by_text("Approved the SKP").is_visible()
    assert history.get_by_text("Target terlalu rendah: naikkan menjadi 24 surat.").is_visible()
    employee.screenshot(path=str(artifacts / "skp-approved-phone.png"), full_page=True)

    # --- The SKP document -------------------------------------------------------------------
    link = employee.locator("#workflow").get_by_role("link", name="Download the SKP (PDF)")
    href = link.get_attribute("href")
    response = employee.request.get(f"{base}{href}")
    if response.status == 404:
        pytest.skip("the SKP document (/skp/<pk>/dokumen.pdf) is not available yet")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF")
