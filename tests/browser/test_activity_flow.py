"""A day's work in a real browser on a phone: the employee logs an activity with a photo and
submits it; the supervisor returns it from the verification queue with a reason; the employee
reads the reason, fixes the log and submits it again; the supervisor verifies it."""

from __future__ import annotations

import io

import pytest

from kinerja.activities.models import Activity, ActivityStatus
from kinerja.testing import PASSWORD
from tests.browser.conftest import PHONE, has_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser

REASON = "Foto kurang jelas dan jumlah surat tidak sesuai agenda."


def _photo(tmp_path) -> str:  # noqa: ANN001
    from PIL import Image

    path = tmp_path / "rapat-pagi.jpg"
    image = Image.new("RGB", (640, 480), "white")
    for x in range(0, 640, 40):  # something to look at in the screenshot
        image.paste((11, 92, 173), (x, 0, x + 20, 480))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return str(path)


def _queue_row(page, activity_pk: int):  # noqa: ANN001, ANN202
    return page.locator(f"#log-{activity_pk}")


def test_activity_is_logged_returned_fixed_and_verified_on_a_phone(
    live_server, cast, work, open_page, artifacts, tmp_path
):
    base = live_server.url

    # --- The employee logs the work with a photo and submits it ------------------------------
    employee = open_page(PHONE)
    employee.on("dialog", lambda dialog: dialog.accept())
    log_in(employee, base, cast.pegawai.username, PASSWORD)
    employee.goto(f"{base}/kegiatan/")
    assert employee.get_by_text("Nothing logged in this month").is_visible()
    employee.get_by_role("link", name="Log an activity").click()
    employee.wait_for_url(f"{base}/kegiatan/baru/")
    form = employee.locator("form.log-form")
    assert form.get_by_label("Date").input_value() == work.today.isoformat()
    form.get_by_label("Start").fill("08:00")
    form.get_by_label("End").fill("09:30")
    form.get_by_label("What did you do?").fill("Mengagendakan surat masuk dan mendistribusikannya")
    form.get_by_label("Output").fill("10")
    form.get_by_label("Unit").fill("surat")
    form.get_by_label("This work serves").select_option(f"rhk:{work.rhk['pegawai'].pk}")
    form.locator("#id_uploads").set_input_files(_photo(tmp_path))
    assert has_no_sideways_scroll(employee), "the log form scrolls sideways"
    employee.screenshot(path=str(artifacts / "activity-form-phone.png"), full_page=True)
    form.get_by_role("button", name="Save and submit").click()
    employee.get_by_text("Activity saved and submitted to your supervisor.").wait_for()
    activity = Activity.objects.get(pegawai=cast.people["pegawai"])
    assert activity.status == ActivityStatus.SUBMITTED
    assert activity.evidence.get().content_type == "image/jpeg"
    day = employee.locator(f"#hari-{work.today:%Y-%m-%d}")
    assert day.get_by_text("90 / 600 min").is_visible()
    assert has_no_sideways_scroll(employee), "the list scrolls sideways"
    employee.screenshot(path=str(artifacts / "activity-list-submitted-phone.png"), full_page=True)

    # --- The supervisor returns it from the verification queue with a reason -----------------
    supervisor = open_page(PHONE)
    supervisor.on("dialog", lambda dialog: dialog.accept())
    log_in(supervisor, base, cast.atasan.username, PASSWORD)
    supervisor.goto(f"{base}/verifikasi/")
    row = _queue_row(supervisor, activity.pk)
    assert row.get_by_text("Mengagendakan surat masuk").is_visible()
    row.get_by_text("Return", exact=True).click()  # opens the reason (a <details>)
    row.get_by_label("Why is it returned? The employee reads this.").fill(REASON)
    supervisor.screenshot(path=str(artifacts / "activity-queue-return-phone.png"), full_page=True)
    row.get_by_role("button", name="Return to the employee").click()
    _queue_row(supervisor, activity.pk).locator(".vq-result").wait_for()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.RETURNED and activity.return_reason == REASON

    # --- The employee reads the reason, fixes the log and submits again ----------------------
    employee.goto(f"{base}/kegiatan/")
    day = employee.locator(f"#hari-{work.today:%Y-%m-%d}")
    assert day.get_by_text(REASON).is_visible()
    employee.screenshot(path=str(artifacts / "activity-list-returned-phone.png"), full_page=True)
    day.get_by_role("link", name="Mengagendakan surat masuk").click()
    employee.wait_for_url(f"{base}/kegiatan/{activity.pk}/")
    assert employee.locator(".log-returned").get_by_text(REASON).is_visible()
    photo = employee.locator("img.evidence-thumb")
    photo.scroll_into_view_if_needed()  # loading="lazy": fetched when it comes into view
    employee.wait_for_function(
        "() => { const i = document.querySelector('img.evidence-thumb');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    employee.screenshot(path=str(artifacts / "activity-detail-returned-phone.png"), full_page=True)
    employee.get_by_role("link", name="Change").click()
    form = employee.locator("form.log-form")
    form.get_by_label("Output").fill("12")
    form.get_by_label("What did you do?").fill(
        "Mengagendakan 12 surat masuk dan mendistribusikannya ke bidang"
    )
    form.get_by_role("button", name="Save and submit").click()
    employee.get_by_text("Activity saved and submitted to your supervisor.").wait_for()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED and activity.output_quantity == 12

    # --- The supervisor verifies it ----------------------------------------------------------
    supervisor.goto(f"{base}/verifikasi/")
    row = _queue_row(supervisor, activity.pk)
    assert row.get_by_text("Mengagendakan 12 surat masuk").is_visible()
    row.get_by_role("button", name="Verify").click()
    _queue_row(supervisor, activity.pk).locator(".vq-result").wait_for()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.VERIFIED
    assert has_no_sideways_scroll(supervisor)

    employee.goto(f"{base}/kegiatan/{activity.pk}/")
    history = employee.locator("#history")
    assert history.get_by_text("Verified the log").is_visible()
    assert history.get_by_text(REASON).is_visible()
    assert not employee.get_by_role("link", name="Change").count()
    employee.screenshot(path=str(artifacts / "activity-detail-verified-phone.png"), full_page=True)
