"""The verification queue page: who sees what, filters, verify and return one row (HTMX and
plain POST), verify many, reused evidence standing out, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinerja.activities import services
from kinerja.activities.models import Activity, ActivityStatus, Evidence
from kinerja.activities.testing import log

pytestmark = pytest.mark.django_db

QUEUE = "/verifikasi/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def submitted(cast, work, who="pegawai", *, minute=0, **extra):
    """A submitted log of `who`; `minute` shifts it so several fit in one day without overlap."""
    start = 8 * 60 + minute
    activity = log(cast, who, work, start=divmod(start, 60), end=divmod(start + 5, 60), **extra)
    services.activity_submit(actor=cast.accounts[who], activity=activity)
    return activity


def test_supervisor_sees_submitted_logs_of_subordinates_oldest_first(cast, work, client_for):
    first = submitted(cast, work, "pegawai2", minute=0, description="Arsip pertama")
    second = submitted(cast, work, "pegawai", minute=10, description="Surat kedua")
    log(cast, "pegawai", work, start=(12, 0), end=(12, 30), description="Masih draf")
    page = client_for(cast.atasan).get(QUEUE)
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index("Arsip pertama") < body.index("Surat kedua")
    assert "Masih draf" not in body
    assert f'id="log-{first.pk}"' in body and f'id="log-{second.pk}"' in body
    # Every row has a labelled checkbox tied to the bulk form, a verify button and a return form
    # whose reason is required.
    assert f'<label for="pick-{first.pk}"' in body
    assert 'form="vq-bulk"' in body
    assert reverse("verification_verify", args=[first.pk]) in body
    assert f'id="r{first.pk}_reason"' in body and "required" in body


@pytest.mark.parametrize("who", ["pegawai", "kadis", "admin_opd", "admin_bkpsdm", "outsider"])
def test_others_see_an_empty_queue(cast, work, client_for, who):
    submitted(cast, work, "pegawai", description="Rahasia tim")
    page = client_for(cast.accounts[who]).get(QUEUE)
    assert page.status_code == 200
    assert "Rahasia tim" not in page.content.decode()
    assert "Nothing to verify" in page.content.decode()


def test_filters_by_person_date_and_flag(cast, work, client_for):
    submitted(cast, work, "pegawai", minute=0, description="Surat pegawai")
    submitted(cast, work, "pegawai2", minute=10, description="Arsip pegawai2")
    flagged = submitted(cast, work, "pegawai", minute=20, description="Di luar jam")
    # Today may be a weekend (flagged non_working_day): set the flags the test is about.
    Activity.objects.update(flags=[])
    Activity.objects.filter(pk=flagged.pk).update(flags=["outside_hours"])
    client = client_for(cast.atasan)
    body = client.get(QUEUE, {"pegawai": cast.people["pegawai2"].pk}).content.decode()
    assert "Arsip pegawai2" in body and "Surat pegawai" not in body
    body = client.get(QUEUE, {"ditandai": "on"}).content.decode()
    assert "Di luar jam" in body and "Surat pegawai" not in body
    assert "Outside working hours" in body
    tomorrow = (work.today + dt.timedelta(days=1)).isoformat()
    body = client.get(QUEUE, {"dari": tomorrow}).content.decode()
    assert "No submitted log matches these filters." in body


def test_reused_evidence_stands_out(cast, work, client_for):
    a = submitted(cast, work, "pegawai", minute=0, description="Foto rapat")
    b = submitted(cast, work, "pegawai2", minute=10, description="Foto rapat juga")
    for activity in (a, b):
        Evidence.objects.create(instansi=cast.instansi, activity=activity, kind="file",
                                file="evidence/x.jpg", original_name="rapat.jpg", sha256="ab" * 32)
    Activity.objects.filter(pk=b.pk).update(flags=["reused_evidence"])
    body = client_for(cast.atasan).get(QUEUE).content.decode()
    assert body.count("vq-row is-reused") == 2
    assert "Reused evidence" in body and "also on another log" in body
    evidence = Evidence.objects.filter(activity=a).get()
    assert f"/kegiatan/bukti/{evidence.pk}/" in body


def test_verify_one_with_htmx_answers_the_row(cast, work, client_for):
    activity = submitted(cast, work)
    client = client_for(cast.atasan)
    response = client.post(reverse("verification_verify", args=[activity.pk]), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<li id="log-{activity.pk}"')
    assert "Verified" in body and "<html" not in body
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.VERIFIED
    assert activity.verified_by == cast.people["atasan"]


def test_verify_one_without_javascript_redirects_back_with_filters(cast, work, client_for):
    activity = submitted(cast, work)
    client = client_for(cast.atasan)
    response = client.post(
        reverse("verification_verify", args=[activity.pk]),
        {"kembali": f"pegawai={cast.people['pegawai'].pk}&evil=x&ditandai=on"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/verifikasi/?pegawai={cast.people['pegawai'].pk}&ditandai=on"
    page = client.get(response["Location"])
    assert "verified." in page.content.decode()


def test_second_verify_of_the_same_row_is_a_message_not_an_error(cast, work, client_for):
    activity = submitted(cast, work)
    client = client_for(cast.atasan)
    client.post(reverse("verification_verify", args=[activity.pk]), **HTMX)
    again = client.post(reverse("verification_verify", args=[activity.pk]), **HTMX)
    assert again.status_code == 200
    assert "Only a submitted log can be verified." in again.content.decode()


def test_return_needs_a_reason_and_notifies(cast, work, client_for):
    activity = submitted(cast, work)
    client = client_for(cast.atasan)
    url = reverse("verification_return", args=[activity.pk])
    empty = client.post(url, {"reason": "  "}, **HTMX)
    assert empty.status_code == 200
    assert "Say why the log is returned." in empty.content.decode()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    done = client.post(url, {"reason": "Bukti belum ada"}, **HTMX)
    assert "Returned" in done.content.decode() and "Bukti belum ada" in done.content.decode()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.RETURNED
    assert activity.return_reason == "Bukti belum ada"


def test_return_without_javascript_redirects(cast, work, client_for):
    activity = submitted(cast, work)
    response = client_for(cast.atasan).post(
        reverse("verification_return", args=[activity.pk]), {"reason": "Kurang jelas"}
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.RETURNED


@pytest.mark.parametrize("who", ["pegawai", "pegawai2", "kadis", "sekretaris", "admin_opd",
                                 "admin_bkpsdm", "outsider"])
def test_supervisor_cannot_verify_non_subordinate_log_through_the_page(cast, work, client_for,
                                                                       who):
    activity = submitted(cast, work)
    client = client_for(cast.accounts[who])
    for name, data in (("verification_verify", {}),
                       ("verification_return", {"reason": "Tidak"})):
        response = client.post(reverse(name, args=[activity.pk]), data)
        assert response.status_code == 404
    client.post(reverse("verification_verify_many"), {"ids": [activity.pk]})
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


def test_a_draft_is_refused_with_a_message_and_hidden_from_other_supervisors(cast, work,
                                                                           client_for):
    other = log(cast, "pegawai2", work)
    response = client_for(cast.atasan).post(reverse("verification_verify", args=[other.pk]))
    assert response.status_code == 302  # own subordinate's draft: a message, not verified
    other.refresh_from_db()
    assert other.status == ActivityStatus.DRAFT
    response = client_for(cast.accounts["kasi"]).post(
        reverse("verification_verify", args=[other.pk])
    )
    assert response.status_code == 404


def test_verify_many_reports_verified_and_refused(cast, work, client_for):
    a = submitted(cast, work, "pegawai", minute=0)
    b = submitted(cast, work, "pegawai2", minute=10)
    draft = log(cast, "pegawai", work, start=(12, 0), end=(12, 30))
    client = client_for(cast.atasan)
    response = client.post(
        reverse("verification_verify_many"),
        {"ids": [a.pk, b.pk, draft.pk, 999999], "kembali": "ditandai=on"},
        follow=True,
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == "/verifikasi/?ditandai=on"
    assert "2 logs verified." in body
    assert "2 logs were not verified" in body
    assert "log #999999 (not found)" in body
    assert "Dewi Pelaksana" in body and "Draft" in body
    assert set(Activity.objects.filter(status="diverifikasi").values_list("pk", flat=True)) == {
        a.pk, b.pk
    }


def test_verify_many_with_nothing_ticked(cast, work, client_for):
    response = client_for(cast.atasan).post(reverse("verification_verify_many"), follow=True)
    assert "Tick the logs to verify first." in response.content.decode()


def test_htmx_filter_answers_the_list_only(cast, work, client_for):
    submitted(cast, work)
    response = client_for(cast.atasan).get(QUEUE, **HTMX)
    body = response.content.decode()
    assert "<html" not in body and "vq-row" in body
    assert response["Vary"].count("HX-Request") == 1


def _fill(cast, work, count):
    """`count` submitted logs spread over the last days, alternating the two subordinates,
    each with a file and a link (written directly: the services are tested elsewhere)."""
    from django.utils import timezone

    rows = []
    for i in range(count):
        who = "pegawai" if i % 2 else "pegawai2"
        rows.append(Activity(
            instansi=cast.instansi, pegawai=cast.people[who],
            date=work.today - dt.timedelta(days=i // 20), start_time=dt.time(7 + (i % 20) // 2),
            end_time=dt.time(7 + (i % 20) // 2, 30), minutes=30, description=f"Kerja {i}",
            output_unit="dokumen", rhk=work.rhk[who], status=ActivityStatus.SUBMITTED,
            submitted_at=timezone.now(), flags=["outside_hours"] if i % 3 == 0 else [],
        ))
    Activity.objects.bulk_create(rows)
    evidence = []
    for a in Activity.objects.filter(status=ActivityStatus.SUBMITTED):
        evidence.append(Evidence(instansi=cast.instansi, activity=a, kind="file",
                                 file="evidence/a.pdf", original_name="a.pdf",
                                 sha256=f"{a.pk:064x}"))
        evidence.append(Evidence(instansi=cast.instansi, activity=a, kind="link",
                                 url="https://drive.example/x"))
    Evidence.objects.bulk_create(evidence)


@pytest.mark.parametrize("count", [3, 100])
def test_queue_queries_do_not_grow_with_the_queue(cast, work, client_for, count,
                                                  django_assert_max_num_queries):
    _fill(cast, work, count)
    client = client_for(cast.atasan)
    with django_assert_max_num_queries(16):
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.content.decode().count('class="vq-row') == min(count, 50)


def test_queue_query_count_is_the_same_for_3_and_100(cast, work, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.atasan)
    client.get(QUEUE)  # session and caches warm
    counts = []
    for count in (3, 97):
        _fill(cast, work, count)
        with CaptureQueriesContext(connection) as captured:
            client.get(QUEUE)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
