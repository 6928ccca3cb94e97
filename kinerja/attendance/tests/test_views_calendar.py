"""The working calendar pages (/kehadiran/kalender/): a year opened for the first time comes
with the standard week and the SKB holidays (and says they must be checked); admin BKPSDM
changes the week, adds OPD and unit schedules and holidays, and the presensi follow; everyone
else reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kinerja.attendance import services
from kinerja.attendance.models import Holiday, Presensi, WorkSchedule
from kinerja.attendance.tests.test_services import STANDARD, import_presensi
from kinerja.core.models import AuditRecord
from kinerja.testing import Cast, build_cast

CALENDAR = "/kehadiran/kalender/"
NEW = "/kehadiran/kalender/jadwal/baru/"
YEAR = timezone.localdate().year


def edit_url(schedule: WorkSchedule) -> str:
    return f"/kehadiran/kalender/jadwal/{schedule.pk}/"


def week_form(year: int, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {"tahun": str(year), "nama": "Minggu kerja"}
    for day, (start, end) in STANDARD.items():
        data[f"h{day}_mulai"], data[f"h{day}_selesai"] = start, end
    data.update(changes)
    return data


def test_opening_a_year_preloads_it_and_says_to_check_the_skb(cast, client_for):
    assert not WorkSchedule.objects.filter(instansi=cast.instansi).exists()
    page = client_for(cast.pegawai).get(CALENDAR + "?tahun=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert WorkSchedule.objects.filter(instansi=cast.instansi, year=2026).count() == 1
    assert len(page.context["holidays"]) == 25
    assert "SKB 3 Menteri tentang Hari Libur Nasional dan Cuti Bersama Tahun 2026" in html
    assert "Check them against the SKB" in html
    assert "17 Agustus 2026" in html and "Hari Proklamasi Kemerdekaan RI" in html
    assert page.context["days_per_week"] == 5
    assert page.context["working_days"] == 261 - 21  # weekdays less the 21 holidays on them
    assert "16:30" in html  # the longer Friday
    assert "18 Februari 2026" in html  # Ramadan from
    # Readers get no edit controls.
    assert "Change the working week" not in html and "Add a holiday" not in html
    # The system preloaded it, not the reader.
    record = AuditRecord.objects.get(instansi=cast.instansi, action="calendar.create")
    assert record.actor_id is None


def test_a_year_out_of_range_falls_back_with_a_message(cast, client_for):
    page = client_for(cast.pegawai).get(CALENDAR + "?tahun=1990")
    assert page.context["year"] == YEAR
    assert "Choose a year from" in page.content.decode()
    page = client_for(cast.pegawai).get(CALENDAR + "?tahun=duaribu")
    assert "is not a year" in page.content.decode()
    assert not WorkSchedule.objects.filter(year=1990).exists()


def test_admin_changes_the_week_and_the_presensi_follow(cast, client_for, tmp_path):
    admin = client_for(cast.admin_bkpsdm)
    page = admin.get(CALENDAR + "?tahun=2026")
    assert "Change the working week" in page.content.decode()
    schedule = page.context["schedule"]
    form = admin.get(edit_url(schedule))
    assert form.status_code == 200
    assert form.context["form"].initial["h5_selesai"] == dt.time(16, 30)
    import_presensi(cast, tmp_path, [("pegawai", "2026-10-02", "07:30", "16:00")])
    assert Presensi.objects.get(date=dt.date(2026, 10, 2)).early_minutes == 30
    response = admin.post(edit_url(schedule), week_form(2026, h5_selesai="16:00"))
    assert response.status_code == 302
    assert response["Location"].endswith("?tahun=2026#jadwal")
    schedule.refresh_from_db()
    assert schedule.hours["5"] == ["07:30", "16:00"]
    assert Presensi.objects.get(date=dt.date(2026, 10, 2)).early_minutes == 0
    # Saturday work: a 6-day week from the standard pattern.
    admin.post(edit_url(schedule), week_form(2026, pola="6"))
    schedule.refresh_from_db()
    assert sorted(schedule.hours) == ["1", "2", "3", "4", "5", "6"]
    page = admin.get(CALENDAR + "?tahun=2026")
    assert page.context["days_per_week"] == 6


def test_schedule_form_refusals_come_back_on_the_form(cast, client_for):
    admin = client_for(cast.admin_bkpsdm)
    schedule = services.calendar_year_ensure(cast.instansi.pk, 2026)
    page = admin.post(edit_url(schedule), week_form(2026, h5_mulai="17:00"))
    assert page.status_code == 400
    assert "the start must be before the end" in page.content.decode()
    page = admin.post(edit_url(schedule), week_form(2026, h3_selesai=""))
    assert page.status_code == 400
    assert "give both the start and the end, or neither" in page.content.decode()
    page = admin.post(edit_url(schedule), week_form(2026, ramadan_mulai="2026-02-18"))
    assert page.status_code == 400
    assert "Give both Ramadan dates" in page.content.decode()
    schedule.refresh_from_db()
    assert schedule.hours["5"] == ["07:30", "16:30"]


def test_ramadan_dates_and_hours(cast, client_for):
    admin = client_for(cast.admin_bkpsdm)
    schedule = services.calendar_year_ensure(cast.instansi.pk, 2026)
    data = week_form(2026, ramadan_mulai="2026-02-19", ramadan_selesai="2026-03-19",
                     r1_mulai="08:00", r1_selesai="14:00", r5_mulai="08:00", r5_selesai="14:30")
    assert admin.post(edit_url(schedule), data).status_code == 302
    schedule.refresh_from_db()
    assert schedule.ramadan_start == dt.date(2026, 2, 19)
    assert schedule.ramadan_hours == {"1": ["08:00", "14:00"], "5": ["08:00", "14:30"]}
    html = admin.get(CALENDAR + "?tahun=2026").content.decode()
    assert "19 Februari 2026" in html and "14:30" in html


def test_opd_and_unit_schedules(cast, client_for):
    admin = client_for(cast.admin_bkpsdm)
    page = admin.get(NEW + "?tahun=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="unit:{cast.units["rujukan"].pk}"' in html
    assert f'value="opd:{cast.opds["disdik"].pk}"' in html
    disdik = f"opd:{cast.opds['disdik'].pk}"
    response = admin.post(NEW, week_form(2026, nama="Sekolah", tempat=disdik,
                                         h6_mulai="07:00", h6_selesai="12:00"))
    assert response.status_code == 302
    school = WorkSchedule.objects.get(instansi=cast.instansi, opd=cast.opds["disdik"])
    assert response["Location"].endswith(f"#jadwal-{school.pk}")
    assert school.hours["6"] == ["07:00", "12:00"] and not school.flexible
    response = admin.post(NEW, week_form(2026, nama="IGD", fleksibel="on",
                                         tempat=f"unit:{cast.units['rujukan'].pk}"))
    assert response.status_code == 302
    shift = WorkSchedule.objects.get(unit=cast.units["rujukan"])
    assert shift.flexible and shift.opd_id is None
    page = admin.get(CALENDAR + "?tahun=2026")
    html = page.content.decode()
    assert "Sekolah" in html and "IGD" in html and "shift work" in html
    # Edit keeps the place; delete sends its people back to the instansi's week.
    assert admin.post(edit_url(shift), week_form(2026, nama="IGD 24 jam")).status_code == 302
    shift.refresh_from_db()
    assert (shift.name, shift.flexible) == ("IGD 24 jam", False)
    response = admin.post(f"{edit_url(school)}hapus/")
    assert response.status_code == 302
    assert not WorkSchedule.objects.filter(pk=school.pk).exists()
    # The instansi's own week cannot be removed.
    own = services.calendar_year_ensure(cast.instansi.pk, 2026)
    follow = admin.post(f"{edit_url(own)}hapus/", follow=True)
    assert "cannot be removed" in follow.content.decode()
    assert WorkSchedule.objects.filter(pk=own.pk).exists()
    # A place is required.
    page = admin.post(NEW, week_form(2026))
    assert page.status_code == 400


def test_holidays_are_added_and_removed(cast, client_for, tmp_path):
    admin = client_for(cast.admin_bkpsdm)
    services.calendar_year_ensure(cast.instansi.pk, 2026)
    import_presensi(cast, tmp_path, [("pegawai", "2026-10-05", "08:00", "16:00")])
    response = admin.post("/kehadiran/kalender/libur/", {
        "tahun": "2026", "tanggal": "2026-10-05", "nama": "Hari Jadi Kabupaten",
        "jenis": "daerah"})
    assert response.status_code == 302 and response["Location"].endswith("?tahun=2026#libur")
    holiday = Holiday.objects.get(instansi=cast.instansi, date=dt.date(2026, 10, 5))
    row = Presensi.objects.get(date=dt.date(2026, 10, 5))
    assert (row.working_day, row.late_minutes) == (False, 0)
    html = admin.get(CALENDAR + "?tahun=2026").content.decode()
    assert "Hari Jadi Kabupaten" in html and "Regional holiday" in html
    response = admin.post(f"/kehadiran/kalender/libur/{holiday.pk}/hapus/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.working_day, row.late_minutes) == (True, 30)
    # A bad date is refused with a message.
    follow = admin.post("/kehadiran/kalender/libur/", {"tahun": "2026", "tanggal": "",
                                                       "nama": "x", "jenis": "daerah"},
                        follow=True)
    assert "This field is required." in follow.content.decode()


@pytest.mark.parametrize("who", ["pegawai", "atasan", "admin_opd", "pimpinan", "auditor"])
def test_only_admin_bkpsdm_changes_the_calendar(cast, client_for, who):
    schedule = services.calendar_year_ensure(cast.instansi.pk, 2026)
    client = client_for(cast.accounts[who])
    assert client.get(CALENDAR).status_code == 200
    assert client.get(edit_url(schedule)).status_code == 403
    assert client.post(edit_url(schedule), week_form(2026, h5_selesai="16:00")).status_code == 403
    assert client.post("/kehadiran/kalender/libur/", {
        "tahun": "2026", "tanggal": "2026-10-05", "nama": "x", "jenis": "daerah"}
    ).status_code == 403
    schedule.refresh_from_db()
    assert schedule.hours["5"] == ["07:30", "16:30"]
    assert not Holiday.objects.filter(date=dt.date(2026, 10, 5)).exists()


def test_another_instansis_schedule_is_not_found(cast, client_for):
    other: Cast = build_cast("kab-lain")
    foreign = services.calendar_year_ensure(other.instansi.pk, 2026)
    admin = client_for(cast.admin_bkpsdm)
    assert admin.get(edit_url(foreign)).status_code == 404
    assert admin.post(f"{edit_url(foreign)}hapus/").status_code == 404


def test_the_calendar_page_queries_do_not_grow(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.pegawai)
    client.get(CALENDAR + "?tahun=2026")
    with django_assert_max_num_queries(12) as few:
        client.get(CALENDAR + "?tahun=2026")
    admin = cast.admin_bkpsdm
    for key in ("dinkes", "disdik", "bkpsdm"):
        services.schedule_save(actor=admin, year=2026, opd=cast.opds[key],
                               values={"hours": STANDARD})
    for key in ("rujukan", "umum"):
        services.schedule_save(actor=admin, year=2026, unit=cast.units[key],
                               values={"hours": STANDARD})
    with django_assert_max_num_queries(12) as many:
        page = client.get(CALENDAR + "?tahun=2026")
    assert len(page.context["overrides"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
