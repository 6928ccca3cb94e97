"""The employee's activity log pages: the month by day, the log form (refusals shown on it with
what was typed kept), evidence through the page and served after the scope check, the log's
page per role, locked months, query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.activities import services
from kinerja.activities.models import Activity, ActivityStatus, Assignment, Evidence
from kinerja.activities.testing import log
from kinerja.core.models import AuditRecord, PerformanceMonth

pytestmark = pytest.mark.django_db


def jpeg_bytes(color: str = "red", size: tuple[int, int] = (24, 16)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def upload(name: str, data: bytes):  # noqa: ANN201
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def form_body(work, **values):  # noqa: ANN001, ANN201
    body = {
        "date": work.today.isoformat(),
        "start_time": "08:00",
        "end_time": "09:30",
        "minutes": "",
        "description": "Mengagendakan surat masuk",
        "output_quantity": "12",
        "output_unit": "surat",
        "serves": f"rhk:{work.rhk['pegawai'].pk}",
        "links": "",
        "action": "draft",
    }
    body.update(values)
    return body


def _close_month(cast, day: dt.date) -> None:
    PerformanceMonth.objects.filter(
        performance_year__instansi=cast.instansi, performance_year__year=day.year, month=day.month
    ).update(state="closed")


# --- The month's logs -----------------------------------------------------------------------


def test_list_shows_the_days_with_totals_status_reason_and_flags(cast, work, client_for):
    first = log(cast, "pegawai", work, start=(8, 0), end=(9, 0))
    second = log(cast, "pegawai", work, start=(17, 0), end=(18, 30), description="Lembur arsip")
    services.activity_submit(actor=cast.pegawai, activity=first)
    services.activity_return(actor=cast.atasan, activity=first, reason="Foto bukti kurang jelas")
    log(cast, "pegawai2", work, description="Bukan milik saya")

    page = client_for(cast.pegawai).get(reverse("activity_list")).content.decode()

    assert f'id="hari-{work.today:%Y-%m-%d}"' in page
    assert "150 / 600 min" in page
    assert "Foto bukti kurang jelas" in page and "Returned" in page
    assert "Draft" in page and second.description in page
    if "outside_hours" in second.flags:
        assert "Outside working hours" in page
    assert "Bukan milik saya" not in page
    assert "Submit the draft of this day" in page


def test_list_of_another_month_is_chosen_with_bulan(cast, work, client_for):
    log(cast, "pegawai", work)
    client = client_for(cast.pegawai)
    earlier = (work.today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    page = client.get(reverse("activity_list"), {"bulan": earlier}).content.decode()
    assert "Nothing logged in this month" in page
    bad = client.get(reverse("activity_list"), {"bulan": "kemarin"}).content.decode()
    assert "is not a month" in bad and "Mencatat surat masuk" in bad


def _many_logs(cast, work, count: int, *, offset: int = 0) -> None:
    """`count` logs of ten minutes on today (bulk: the list is what is measured), some with
    evidence and flags."""
    from kinerja.activities.models import EvidenceKind

    start = dt.datetime.combine(work.today, dt.time(6, 0))
    rows = []
    for i in range(offset, offset + count):
        begin = start + dt.timedelta(minutes=10 * i)
        rows.append(Activity(
            instansi=cast.instansi, pegawai=cast.people["pegawai"], date=work.today,
            start_time=begin.time(), end_time=(begin + dt.timedelta(minutes=10)).time(),
            minutes=10, description=f"Kegiatan {i}", output_unit="berkas",
            rhk=work.rhk["pegawai"] if i % 3 else None, is_additional_task=not i % 3,
            status=[ActivityStatus.DRAFT, ActivityStatus.SUBMITTED][i % 2],
            flags=["outside_hours"] if i % 4 == 0 else [],
        ))
    made = Activity.objects.bulk_create(rows)
    Evidence.objects.bulk_create(
        Evidence(instansi=cast.instansi, activity=a, kind=EvidenceKind.LINK, url="https://x.id")
        for a in made[::2]
    )


def test_list_query_count_is_the_same_for_3_and_60_logs(
    cast, work, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.pegawai)
    client.get(reverse("activity_list"))  # sessions and caches warm
    counts = []
    for count, offset in ((3, 0), (57, 3)):
        _many_logs(cast, work, count, offset=offset)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("activity_list"))
        counts.append(len(queries))
        assert response.content.decode().count('class="log-item ') == offset + count
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(12):
        client.get(reverse("activity_list"))


def test_submit_all_drafts_of_a_day(cast, work, client_for):
    a = log(cast, "pegawai", work, start=(8, 0), end=(9, 0))
    b = log(cast, "pegawai", work, start=(9, 0), end=(10, 0))
    other = log(cast, "pegawai2", work)
    response = client_for(cast.pegawai).post(
        reverse("activity_submit_day"), {"tanggal": work.today.isoformat()}, follow=True
    )
    assert "2 logs of" in response.content.decode()
    statuses = dict(Activity.objects.values_list("pk", "status"))
    assert statuses[a.pk] == statuses[b.pk] == ActivityStatus.SUBMITTED
    assert statuses[other.pk] == ActivityStatus.DRAFT


# --- The log form ---------------------------------------------------------------------------


def test_new_form_defaults_to_today_and_offers_what_the_work_may_serve(cast, work, client_for):
    from kinerja.activities.testing import log as _log  # noqa: F401 (same fixture module)

    Assignment.objects.create(
        instansi=cast.instansi, batch="00000000-0000-0000-0000-000000000001",
        assigner=cast.people["atasan"], assignee=cast.people["pegawai"], title="Rekap absensi",
        due_date=work.today, status="ditugaskan",
    )
    Assignment.objects.create(
        instansi=cast.instansi, batch="00000000-0000-0000-0000-000000000002",
        assigner=cast.people["atasan"], assignee=cast.people["pegawai"], title="Tugas selesai",
        due_date=work.today, status="selesai",
    )
    page = client_for(cast.pegawai).get(reverse("activity_new")).content.decode()
    assert f'value="{work.today.isoformat()}"' in page
    assert 'optgroup label="RHK Main"' in page and work.rhk["pegawai"].text in page
    assert 'optgroup label="Assignments"' in page and "Rekap absensi" in page
    assert "Tugas selesai" not in page
    assert work.rhk["pegawai2"].text not in page
    assert 'accept="image/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"' in page
    assert 'capture="environment"' in page and "multiple" in page
    assert 'name="is_additional_task"' in page


def test_log_saved_as_draft_through_the_page(cast, work, client_for):
    response = client_for(cast.pegawai).post(reverse("activity_new"), form_body(work))
    activity = Activity.objects.get(pegawai=cast.people["pegawai"])
    assert response.status_code == 302
    assert response["Location"].endswith(f"#hari-{work.today:%Y-%m-%d}")
    assert activity.status == ActivityStatus.DRAFT and activity.minutes == 90
    assert activity.output_quantity == Decimal(12) and activity.rhk == work.rhk["pegawai"]
    assert AuditRecord.objects.filter(
        object_type="activities.activity", object_id=str(activity.pk), action="activity.create"
    ).exists()


def test_save_and_submit_with_a_duration_and_an_additional_task(cast, work, client_for):
    body = form_body(work, start_time="", end_time="", minutes="45", serves="",
                     is_additional_task="on", output_quantity="2,5", action="submit")
    response = client_for(cast.pegawai).post(reverse("activity_new"), body, follow=True)
    assert "Activity saved and submitted to your supervisor." in response.content.decode()
    activity = Activity.objects.get(pegawai=cast.people["pegawai"])
    assert activity.status == ActivityStatus.SUBMITTED and activity.minutes == 45
    assert activity.is_additional_task and activity.output_quantity == Decimal("2.5")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"start_time": "10:00", "end_time": "09:00"}, "The end time must be after the start"),
        ({"start_time": "08:30", "end_time": "09:00"}, "overlaps another activity"),
        ({"start_time": "09:00", "end_time": "19:30"}, "more than the daily maximum of 10 hours"),
        ({"start_time": "10:00", "end_time": ""}, "Give both the start and the end time"),
        ({"start_time": "", "end_time": "", "minutes": ""}, "Give the duration or the start"),
        ({"serves": ""}, "Choose the RHK or the assignment this work serves"),
        ({"output_unit": "  "}, "Give the output: a quantity above zero"),
        ({"output_quantity": "0"}, "Give the output: a quantity above zero"),
        ({"description": ""}, "Describe what you did."),
    ],
)
def test_each_refusal_is_shown_on_the_form_with_the_typing_kept(
    cast, work, client_for, values, message
):
    log(cast, "pegawai", work, start=(8, 0), end=(9, 0))
    body = form_body(work, description="Rapat koordinasi arsip", start_time="09:00",
                     end_time="10:00")
    body.update(values)
    response = client_for(cast.pegawai).post(reverse("activity_new"), body)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "The log was not saved." in page
    assert (body["description"] or 'value="12"') in page  # what was typed is still there
    assert Activity.objects.filter(pegawai=cast.people["pegawai"]).count() == 1


def test_future_date_is_refused_on_the_form(cast, work, client_for):
    tomorrow = work.today + dt.timedelta(days=1)
    body = form_body(work, date=tomorrow.isoformat(), serves="", is_additional_task="on")
    page = client_for(cast.pegawai).post(reverse("activity_new"), body).content.decode()
    assert "has not come yet" in page
    assert not Activity.objects.exists()


def test_rhk_of_someone_else_is_refused_on_the_form(cast, work, client_for):
    body = form_body(work, serves=f"rhk:{work.rhk['pegawai2'].pk}")
    page = client_for(cast.pegawai).post(reverse("activity_new"), body).content.decode()
    assert "approved SKP covering this date" in page
    assert not Activity.objects.exists()


# --- Evidence through the page --------------------------------------------------------------


def test_photo_uploaded_with_the_log_is_stored_and_served_in_scope(cast, work, client_for):
    body = form_body(work, uploads=[upload("rapat.jpg", jpeg_bytes())],
                     links="https://arsip.example.id/surat/12")
    response = client_for(cast.pegawai).post(reverse("activity_new"), body)
    assert response.status_code == 302
    activity = Activity.objects.get()
    photo = activity.evidence.get(kind="file")
    assert photo.content_type == "image/jpeg" and photo.original_name == "rapat.jpg"
    assert activity.evidence.filter(kind="link", url="https://arsip.example.id/surat/12").exists()

    detail = client_for(cast.pegawai).get(reverse("activity_detail", args=[activity.pk]))
    file_url = reverse("evidence_file", args=[photo.pk])
    assert f'<img src="{file_url}"' in detail.content.decode()
    assert "/media/" not in detail.content.decode()

    for who in ("pegawai", "atasan", "kadis", "admin_opd", "auditor"):
        got = client_for(cast.accounts[who]).get(file_url)
        assert got.status_code == 200, who
        assert got["Content-Type"] == "image/jpeg"
        assert b"".join(got.streaming_content)[:2] == b"\xff\xd8"
    for who in ("outsider", "pegawai2"):
        assert client_for(cast.accounts[who]).get(file_url).status_code == 404, who


def test_text_file_named_jpg_is_refused_and_nothing_is_half_saved(cast, work, client_for):
    body = form_body(work, uploads=[upload("foto.jpg", b"bukan gambar, hanya teks\n" * 20)])
    response = client_for(cast.pegawai).post(reverse("activity_new"), body)
    page = response.content.decode()
    assert response.status_code == 200
    assert "foto.jpg: This kind of file is not accepted" in page
    assert "The files you chose were not saved: choose them again." in page
    assert "Mengagendakan surat masuk" in page
    assert not Activity.objects.exists() and not Evidence.objects.exists()


def test_good_photo_before_a_refused_file_leaves_no_file_in_the_storage(
    cast, work, client_for, settings
):
    from pathlib import Path

    body = form_body(work, uploads=[upload("baik.jpg", jpeg_bytes()),
                                    upload("palsu.pdf", b"bukan pdf" * 10)])
    page = client_for(cast.pegawai).post(reverse("activity_new"), body).content.decode()
    assert "palsu.pdf: This kind of file is not accepted" in page
    assert not Evidence.objects.exists()
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []


def test_pdf_is_served_with_its_sniffed_type_and_sandboxed(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    item = services.evidence_add_file(actor=cast.pegawai, activity=activity, name="nota.pdf",
                                      data=pdf)
    got = client_for(cast.atasan).get(reverse("evidence_file", args=[item.pk]))
    assert got["Content-Type"] == "application/pdf"
    assert "sandbox" in got["Content-Security-Policy"]


def test_evidence_added_and_removed_on_the_log_page(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    client = client_for(cast.pegawai)
    url = reverse("evidence_add", args=[activity.pk])
    response = client.post(url, {"uploads": [upload("a.jpg", jpeg_bytes("blue"))],
                                 "links": "https://drive.example.id/x"})
    assert response.status_code == 302
    assert activity.evidence.count() == 2
    refused = client.post(url, {"links": "bukan alamat"})
    assert "Give a full web address" in refused.content.decode()
    item = activity.evidence.get(kind="link")
    client.post(reverse("evidence_remove", args=[item.pk]))
    assert activity.evidence.count() == 1
    # The supervisor sees the evidence but may not remove it.
    photo = activity.evidence.get()
    assert client_for(cast.atasan).post(
        reverse("evidence_remove", args=[photo.pk])
    ).status_code == 403


# --- The log's page per role ----------------------------------------------------------------


def test_owner_sees_actions_supervisor_reads_only_outsider_gets_404(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    url = reverse("activity_detail", args=[activity.pk])
    edit = reverse("activity_edit", args=[activity.pk])

    owner = client_for(cast.pegawai).get(url).content.decode()
    assert edit in owner and "Submit to my supervisor" in owner and "Add evidence" in owner
    assert "Logged the activity" in owner  # the history

    for who in ("atasan", "kadis", "admin_opd", "pimpinan"):
        page = client_for(cast.accounts[who]).get(url)
        assert page.status_code == 200, who
        assert edit not in page.content.decode() and "Add evidence" not in page.content.decode()
        assert client_for(cast.accounts[who]).get(edit).status_code == 403, who
    for who in ("outsider", "pegawai2"):
        assert client_for(cast.accounts[who]).get(url).status_code == 404, who
        assert client_for(cast.accounts[who]).get(edit).status_code == 404, who


def test_returned_log_shows_the_reason_is_fixed_and_resubmitted(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    services.activity_return(actor=cast.atasan, activity=activity, reason="Jumlah surat keliru")
    client = client_for(cast.pegawai)
    detail = client.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "Jumlah surat keliru" in detail and "Returned the log" in detail

    edit_url = reverse("activity_edit", args=[activity.pk])
    form = client.get(edit_url).content.decode()
    assert "Jumlah surat keliru" in form and 'value="08:00"' in form
    body = form_body(work, start_time="08:00", end_time="09:00", output_quantity="7",
                     expected_version=str(activity.version + 0), action="submit")
    activity.refresh_from_db()
    body["expected_version"] = str(activity.version)
    assert client.post(edit_url, body).status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED and activity.output_quantity == 7


def test_submitted_log_cannot_be_edited_from_the_page(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    client = client_for(cast.pegawai)
    response = client.get(reverse("activity_edit", args=[activity.pk]), follow=True)
    assert "A submitted or verified log cannot be changed." in response.content.decode()
    page = client.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "Submit to my supervisor" not in page


def test_stale_form_is_refused(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    body = form_body(work, expected_version=str(activity.version))
    services.activity_save(actor=cast.pegawai, activity=activity, date=activity.date,
                           start_time=activity.start_time, end_time=activity.end_time,
                           description="Diubah di ponsel lain", output_unit="surat",
                           rhk=work.rhk["pegawai"])
    page = client_for(cast.pegawai).post(
        reverse("activity_edit", args=[activity.pk]), body
    ).content.decode()
    assert "changed meanwhile" in page


def test_delete_from_the_log_page(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    assert client_for(cast.atasan).post(
        reverse("activity_delete", args=[activity.pk])
    ).status_code == 403
    response = client_for(cast.pegawai).post(reverse("activity_delete", args=[activity.pk]))
    assert response.status_code == 302 and not Activity.objects.exists()


def test_submit_from_the_log_page(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    response = client_for(cast.pegawai).post(
        reverse("activity_submit", args=[activity.pk]),
        {"expected_version": activity.version}, follow=True,
    )
    assert "Activity submitted to your supervisor." in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


# --- Locked months --------------------------------------------------------------------------


def test_locked_month_message_on_the_form_list_and_page(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    _close_month(cast, work.today)
    client = client_for(cast.pegawai)
    edit_url = reverse("activity_edit", args=[activity.pk])
    body = form_body(work, description="Perubahan terlambat", expected_version=activity.version)
    page = client.post(edit_url, body).content.decode()
    assert "are locked" in page and "Perubahan terlambat" in page
    activity.refresh_from_db()
    assert activity.description == "Mencatat surat masuk"
    assert "are locked" in client.get(reverse("activity_list")).content.decode()
    assert "Log on this day" not in client.get(reverse("activity_list")).content.decode()
    detail = client.get(reverse("activity_detail", args=[activity.pk])).content.decode()
    assert "are locked" in detail and "Submit to my supervisor" not in detail
    new = client.post(reverse("activity_new"), form_body(work)).content.decode()
    assert "are locked" in new


def test_a_resent_new_log_form_saves_the_work_once(cast, work, client_for):
    """A phone that re-sends the form after a dropped connection must not log twice."""
    client = client_for(cast.pegawai)
    page = client.get("/kegiatan/baru/")
    key = page.context["form_key"]
    data = {
        "form_key": key, "date": work.today.isoformat(), "start_time": "10:00",
        "end_time": "11:00", "description": "Rapat koordinasi", "output_quantity": "1",
        "output_unit": "notulen", "serves": f"rhk:{work.rhk['pegawai'].pk}", "action": "draft",
    }
    first = client.post("/kegiatan/baru/", data)
    again = client.post("/kegiatan/baru/", data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Activity.objects.filter(pegawai=cast.people["pegawai"],
                                   description="Rapat koordinasi").count() == 1


def test_log_form_from_an_assignment_has_it_chosen(cast, work, client_for):
    from kinerja.activities.services import assignment_create

    [assignment] = assignment_create(
        actor=cast.atasan, assignee_ids=[cast.people["pegawai"].pk], title="Rekap surat",
        description="", rhk=None, due_date=work.today, priority="sedang",
    )
    page = client_for(cast.pegawai).get(f"/kegiatan/baru/?tugas={assignment.pk}")
    assert page.context["form"].initial["serves"] == f"tugas:{assignment.pk}"
