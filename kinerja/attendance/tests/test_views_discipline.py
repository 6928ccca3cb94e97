"""The discipline cases page (/kehadiran/disiplin/): admin BKPSDM records a case from its
decree and cancels one with a reason; the instansi's readers see the list; everyone else is
refused (the employee sees their own cases on /kehadiran/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kinerja.attendance import services
from kinerja.attendance.models import DisciplineCase
from kinerja.attendance.selectors import shift_month
from kinerja.core.formats import month_id
from kinerja.core.models import AuditRecord
from kinerja.testing import Cast, build_cast

LIST = "/kehadiran/disiplin/"
THIS_MONTH = timezone.localdate().replace(day=1)


def case_form(cast: Cast, **changes: str) -> dict[str, Any]:
    data = {"nip": cast.people["pegawai"].nip, "hukuman": "potong_tunjangan_9",
            "nomor_sk": "800/21/BKPSDM/2026", "tanggal_sk": "2026-09-15",
            "bulan_mulai": "2026-10"}
    data.update(changes)
    return data


def make_case(cast: Cast, who: str = "pegawai", **values: Any) -> DisciplineCase:
    return services.discipline_create(actor=cast.admin_bkpsdm, pegawai=cast.people[who], values={
        "sanction": "teguran_lisan", "decree_number": f"800/{who}", "decree_date":
        dt.date(2026, 1, 10), "start_month": dt.date(2026, 2, 1), **values})


def test_admin_records_a_case(cast, client_for):
    admin = client_for(cast.admin_bkpsdm)
    page = admin.get(LIST)
    assert page.status_code == 200 and 'name="hukuman"' in page.content.decode()
    nip = cast.people["pegawai"].nip
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    response = admin.post(LIST, case_form(cast, nip=spaced, potongan_tpp="30",
                                          bulan_mulai=f"{THIS_MONTH:%Y-%m}"))
    assert response.status_code == 302
    case = DisciplineCase.objects.get()
    assert response["Location"].endswith(f"#kasus-{case.pk}")
    assert (case.pegawai_id, case.level, case.months) == (cast.people["pegawai"].pk, "sedang", 9)
    assert case.tpp_cut_pct == 30 and case.created_by_id == cast.admin_bkpsdm.pk
    html = admin.get(LIST).content.decode()
    term = f"{month_id(THIS_MONTH)} – {month_id(shift_month(THIS_MONTH, 8))}"
    for text in ("Dewi Pelaksana", "800/21/BKPSDM/2026", "15 September 2026", term,
                 "30,00%", "affects this month"):
        assert text in html, text
    assert AuditRecord.objects.filter(action="discipline.create").count() == 1


def test_case_form_refusals(cast, client_for):
    admin = client_for(cast.admin_bkpsdm)
    page = admin.post(LIST, case_form(cast, nip="199001012015031999"))
    assert page.status_code == 400 and "Employee not found." in page.content.decode()
    page = admin.post(LIST, case_form(cast, bulan_mulai="Oktober"))
    assert page.status_code == 400 and "is not a month" in page.content.decode()
    page = admin.post(LIST, case_form(cast, potongan_tpp="125"))
    assert page.status_code == 400
    page = admin.post(LIST, case_form(cast, nomor_sk=""))
    assert page.status_code == 400
    other = build_cast("kab-lain")  # another instansi's NIP is not found either
    page = admin.post(LIST, case_form(cast, nip=other.people["pegawai"].nip))
    assert page.status_code == 400 and "Employee not found." in page.content.decode()
    assert not DisciplineCase.objects.exists()


def test_admin_cancels_a_case_with_a_reason(cast, client_for):
    case = make_case(cast)
    admin = client_for(cast.admin_bkpsdm)
    url = f"/kehadiran/disiplin/{case.pk}/batal/"
    follow = admin.post(url, {"alasan": ""}, follow=True)
    assert "Give the reason for cancelling." in follow.content.decode()
    case.refresh_from_db()
    assert case.cancelled_at is None
    response = admin.post(url, {"alasan": "SK dibatalkan oleh PTUN"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.cancel_reason == "SK dibatalkan oleh PTUN"
    follow = admin.post(url, {"alasan": "lagi"}, follow=True)
    assert "already cancelled" in follow.content.decode()
    html = admin.get(LIST + "?status=batal").content.decode()
    assert "SK dibatalkan oleh PTUN" in html
    assert AuditRecord.objects.filter(action="discipline.cancel").count() == 1


def test_filters(cast, client_for):
    old = make_case(cast)
    current = make_case(cast, "pegawai2", start_month=shift_month(THIS_MONTH, -11),
                        sanction="potong_tunjangan_12")
    cancelled = make_case(cast, "outsider")
    services.discipline_cancel(actor=cast.admin_bkpsdm, case=cancelled, reason="salah orang")
    reader = client_for(cast.pimpinan)
    listed = [c.pk for c, *_rest in reader.get(LIST).context["rows"]]
    assert sorted(listed) == sorted([old.pk, current.pk, cancelled.pk])
    active = [c.pk for c, *_rest in reader.get(LIST + "?status=aktif").context["rows"]]
    assert active == [current.pk]  # its 12th month is this one
    gone = [c.pk for c, *_rest in reader.get(LIST + "?status=batal").context["rows"]]
    assert gone == [cancelled.pk]
    nip = cast.people["pegawai2"].nip
    one = [c.pk for c, *_rest in reader.get(f"{LIST}?nip={nip}").context["rows"]]
    assert one == [current.pk]
    # Readers see no forms.
    html = reader.get(LIST).content.decode()
    assert 'name="hukuman"' not in html and 'name="alasan"' not in html


@pytest.mark.parametrize("who", ["pegawai", "atasan", "kadis", "admin_opd", "outsider"])
def test_others_may_not_see_or_change_cases(cast, client_for, who):
    case = make_case(cast)
    client = client_for(cast.accounts[who])
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, case_form(cast)).status_code == 403
    assert client.post(f"/kehadiran/disiplin/{case.pk}/batal/",
                       {"alasan": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.cancelled_at is None and DisciplineCase.objects.count() == 1


@pytest.mark.parametrize("who", ["pimpinan", "auditor"])
def test_readers_may_not_change_cases(cast, client_for, who):
    case = make_case(cast)
    client = client_for(cast.accounts[who])
    assert client.get(LIST).status_code == 200
    assert client.post(LIST, case_form(cast)).status_code == 403
    assert client.post(f"/kehadiran/disiplin/{case.pk}/batal/",
                       {"alasan": "x"}).status_code == 403


def test_the_list_queries_do_not_grow(cast, client_for, django_assert_max_num_queries):
    make_case(cast)
    admin = client_for(cast.admin_bkpsdm)
    admin.get(LIST)
    with django_assert_max_num_queries(10) as few:
        admin.get(LIST)
    for who in ("pegawai2", "atasan", "kasi", "staf_kasi", "outsider", "kadis"):
        make_case(cast, who)
    with django_assert_max_num_queries(10) as many:
        page = admin.get(LIST)
    assert len(page.context["rows"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)
