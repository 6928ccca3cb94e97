"""The attendance services as the pages and the API use them: a calendar change measures the
year's presensi again (a longer Friday, a new holiday, an OPD's shift work), who may write, and
discipline cases created and cancelled with their audit records.

Presensi come in through the real import (people.imports, kind `presensi`), as an e-presensi
export would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kinerja.attendance import selectors, services
from kinerja.attendance.models import DisciplineCase, Holiday, Presensi, WorkSchedule
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.models import AuditRecord
from kinerja.people.imports.services import import_file
from kinerja.testing import Cast, build_cast

YEAR = 2026
FRIDAY = dt.date(2026, 10, 2)
MONDAY = dt.date(2026, 10, 5)
STANDARD = {"1": ["07:30", "16:00"], "2": ["07:30", "16:00"], "3": ["07:30", "16:00"],
            "4": ["07:30", "16:00"], "5": ["07:30", "16:30"]}


def import_presensi(cast: Cast, tmp_path: Path, rows: list[tuple[str, str, str, str]],
                    name: str = "presensi.csv") -> Any:
    """Import (nip key, tanggal, jam_masuk, jam_pulang) rows as admin BKPSDM; the run."""
    lines = ["nip;tanggal;jam_masuk;jam_pulang"]
    for who, day, check_in, check_out in rows:
        lines.append(f"{cast.people[who].nip};{day};{check_in};{check_out}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = import_file(actor=cast.accounts["admin_bkpsdm"], instansi=cast.instansi,
                      kind="presensi", path=path)
    assert run.error_count == 0, list(run.row_errors.values_list("line", "message"))
    return run


def presensi(cast: Cast, who: str, day: dt.date) -> Presensi:
    return Presensi.objects.get(pegawai=cast.people[who], date=day)


def audits(cast: Cast, action: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(instansi=cast.instansi, action=action)
                .order_by("seq"))


@pytest.fixture
def year(cast: Cast) -> WorkSchedule:
    return services.calendar_year_ensure(cast.instansi.pk, YEAR)


def test_the_year_starts_with_the_standard_week_and_the_skb_holidays(cast):
    schedule = services.calendar_year_ensure(cast.instansi.pk, YEAR)
    assert schedule.hours["5"] == ["07:30", "16:30"] and "6" not in schedule.hours
    assert schedule.ramadan_start == dt.date(2026, 2, 18)
    holidays = Holiday.objects.filter(instansi=cast.instansi, date__year=YEAR)
    assert holidays.count() == 25
    assert holidays.get(date=dt.date(2026, 8, 17)).name == "Hari Proklamasi Kemerdekaan RI"
    # Opening the year again changes nothing.
    assert services.calendar_year_ensure(cast.instansi.pk, YEAR).pk == schedule.pk
    assert Holiday.objects.filter(instansi=cast.instansi).count() == 25
    assert len(audits(cast, "calendar.create")) == 1


def test_a_shorter_friday_measures_the_presensi_again(cast, year, tmp_path):
    import_presensi(cast, tmp_path, [("pegawai", "2026-10-02", "07:45", "16:00"),
                                     ("pegawai", "2026-10-05", "07:45", "16:00")])
    friday = presensi(cast, "pegawai", FRIDAY)
    # The standard Friday runs to 16:30: leaving at 16:00 is 30 minutes early (PSW1).
    assert (friday.late_minutes, friday.early_minutes) == (15, 30)
    services.schedule_save(actor=cast.admin_bkpsdm, year=YEAR, values={
        "hours": STANDARD | {"5": ["08:00", "16:00"]}})
    friday.refresh_from_db()
    assert (friday.late_minutes, friday.early_minutes) == (0, 0)
    monday = presensi(cast, "pegawai", MONDAY)
    assert (monday.late_minutes, monday.early_minutes) == (15, 0)
    days = {d.date: d for d in selectors.person_month(cast.people["pegawai"], 2026, 10,
                                                      today=dt.date(2026, 11, 1)).days}
    assert days[FRIDAY].codes == [] and days[MONDAY].codes == ["TL1"]
    # A longer Friday again (till 17:00) makes the same check-out an hour early (PSW2).
    services.schedule_save(actor=cast.admin_bkpsdm, year=YEAR, values={
        "hours": STANDARD | {"5": ["07:30", "17:00"]}})
    friday.refresh_from_db()
    assert (friday.late_minutes, friday.early_minutes) == (15, 60)
    days = {d.date: d for d in selectors.person_month(cast.people["pegawai"], 2026, 10,
                                                      today=dt.date(2026, 11, 1)).days}
    assert days[FRIDAY].codes == ["TL1", "PSW2"]
    saves = audits(cast, "calendar.schedule_save")
    assert len(saves) == 2
    assert saves[0].changes["hours"][1]["5"] == ["08:00", "16:00"]


def test_a_new_holiday_turns_a_working_day_into_a_day_off(cast, year, tmp_path):
    import_presensi(cast, tmp_path, [("pegawai", "2026-10-05", "08:00", "16:00")])
    monday = presensi(cast, "pegawai", MONDAY)
    assert (monday.working_day, monday.late_minutes) == (True, 30)
    before = selectors.person_month(cast.people["pegawai"], 2026, 10, today=dt.date(2026, 11, 1))
    assert before.counts.working_days == 22 and before.counts.late["TL1"] == 1
    holiday = services.holiday_save(actor=cast.admin_bkpsdm, day=MONDAY,
                                    name="Hari Jadi Kabupaten", kind="daerah")
    monday.refresh_from_db()
    assert (monday.working_day, monday.late_minutes, monday.early_minutes) == (False, 0, 0)
    after = selectors.person_month(cast.people["pegawai"], 2026, 10, today=dt.date(2026, 11, 1))
    day = next(d for d in after.days if d.date == MONDAY)
    assert day.state == "libur" and day.holiday == "Hari Jadi Kabupaten"
    assert after.counts.working_days == 21 and after.counts.late["TL1"] == 0
    assert audits(cast, "calendar.holiday_add")[-1].changes["date"] == [None, "2026-10-05"]
    services.holiday_delete(actor=cast.admin_bkpsdm, holiday=holiday)
    monday.refresh_from_db()
    assert (monday.working_day, monday.late_minutes) == (True, 30)
    assert len(audits(cast, "calendar.holiday_delete")) == 1


def test_shift_work_of_an_opd_is_not_measured(cast, year, tmp_path):
    import_presensi(cast, tmp_path, [("outsider", "2026-10-05", "09:00", "12:00"),
                                     ("pegawai", "2026-10-05", "09:00", "12:00")])
    assert presensi(cast, "outsider", MONDAY).late_minutes == 90
    schedule = services.schedule_save(actor=cast.admin_bkpsdm, year=YEAR,
                                      opd=cast.opds["disdik"],
                                      values={"hours": STANDARD, "flexible": True})
    assert schedule.name == "Dinas Pendidikan"
    outsider = presensi(cast, "outsider", MONDAY)
    assert (outsider.late_minutes, outsider.early_minutes) == (0, 0)
    assert presensi(cast, "pegawai", MONDAY).late_minutes == 90  # Dinas Kesehatan: as before
    month = selectors.person_month(cast.people["outsider"], 2026, 10, today=dt.date(2026, 11, 1))
    assert month.flexible and month.counts.present == 1 and month.counts.late["TL3"] == 0
    services.schedule_delete(actor=cast.admin_bkpsdm, schedule=schedule)
    assert presensi(cast, "outsider", MONDAY).late_minutes == 90
    assert len(audits(cast, "calendar.schedule_delete")) == 1


def test_calendar_refusals(cast, year):
    for who in ("pegawai", "atasan", "admin_opd", "pimpinan", "auditor"):
        with pytest.raises(Forbidden):
            services.schedule_save(actor=cast.accounts[who], year=YEAR,
                                   values={"hours": STANDARD})
        with pytest.raises(Forbidden):
            services.holiday_save(actor=cast.accounts[who], day=MONDAY, name="x", kind="daerah")
    with pytest.raises(ApplicationError) as bad:
        services.schedule_save(actor=cast.admin_bkpsdm, year=YEAR,
                               values={"hours": STANDARD | {"5": ["16:00", "07:30"]}})
    assert (bad.value.status, bad.value.code) == (422, "invalid_schedule")
    with pytest.raises(ApplicationError) as bad:
        services.schedule_save(actor=cast.admin_bkpsdm, year=YEAR,
                               values={"hours": STANDARD, "ramadan_start": dt.date(2026, 3, 1)})
    assert bad.value.code == "invalid_schedule"
    with pytest.raises(ApplicationError):
        services.schedule_delete(actor=cast.admin_bkpsdm, schedule=year)
    other = build_cast("kab-lain")
    foreign = services.calendar_year_ensure(other.instansi.pk, YEAR)
    with pytest.raises(NotFound):
        services.schedule_save(actor=cast.admin_bkpsdm, year=YEAR, opd=other.opds["dinkes"],
                               values={"hours": STANDARD})
    with pytest.raises(NotFound):
        services.holiday_delete(actor=cast.admin_bkpsdm,
                                holiday=Holiday.objects.filter(instansi=other.instansi).first())
    assert WorkSchedule.objects.get(pk=foreign.pk).hours == foreign.hours


CASE = {"sanction": "potong_tunjangan_6", "decree_number": "800/12/BKPSDM/2026",
        "decree_date": dt.date(2026, 9, 20), "start_month": dt.date(2026, 10, 15)}


def test_a_discipline_case_is_created_and_cancelled_with_audit(cast):
    case = services.discipline_create(actor=cast.admin_bkpsdm, pegawai=cast.people["pegawai"],
                                      values=dict(CASE))
    # The term and level come from PP 94/2021; the month is its first day.
    assert (case.level, case.months, case.start_month) == ("sedang", 6, dt.date(2026, 10, 1))
    assert selectors.end_month(case) == dt.date(2027, 3, 1)
    assert selectors.affects(case, dt.date(2027, 3, 1))
    assert not selectors.affects(case, dt.date(2027, 4, 1))
    created = audits(cast, "discipline.create")
    assert len(created) == 1 and created[0].context["pegawai"] == cast.people["pegawai"].nip
    assert created[0].changes["sanction"] == [None, "potong_tunjangan_6"]
    services.discipline_cancel(actor=cast.admin_bkpsdm, case=case, reason="SK dicabut")
    case.refresh_from_db()
    assert case.cancelled_at is not None and case.cancel_reason == "SK dicabut"
    assert not selectors.affects(case, dt.date(2026, 10, 1))
    cancelled = audits(cast, "discipline.cancel")
    assert len(cancelled) == 1 and cancelled[0].context["reason"] == "SK dicabut"
    with pytest.raises(ApplicationError) as again:
        services.discipline_cancel(actor=cast.admin_bkpsdm, case=case, reason="lagi")
    assert again.value.status == 409


def test_discipline_refusals(cast):
    pegawai = cast.people["pegawai"]
    for who in ("pegawai", "atasan", "kadis", "admin_opd", "pimpinan", "auditor"):
        with pytest.raises(Forbidden):
            services.discipline_create(actor=cast.accounts[who], pegawai=pegawai,
                                       values=dict(CASE))
    for broken, code in ((CASE | {"sanction": "dipecat"}, "invalid"),
                         (CASE | {"decree_number": " "}, "invalid"),
                         (CASE | {"tpp_cut_pct": "150"}, "invalid"),
                         (CASE | {"start_month": None}, "invalid")):
        with pytest.raises(ApplicationError) as refused:
            services.discipline_create(actor=cast.admin_bkpsdm, pegawai=pegawai,
                                       values=dict(broken))
        assert (refused.value.status, refused.value.code) == (422, code)
    case = services.discipline_create(actor=cast.admin_bkpsdm, pegawai=pegawai,
                                      values=dict(CASE))
    with pytest.raises(ApplicationError) as blank:
        services.discipline_cancel(actor=cast.admin_bkpsdm, case=case, reason="  ")
    assert blank.value.code == "reason_required"
    other = build_cast("kab-lain")
    with pytest.raises(NotFound):
        services.discipline_create(actor=cast.admin_bkpsdm, pegawai=other.people["pegawai"],
                                   values=dict(CASE))
    assert DisciplineCase.objects.count() == 1
