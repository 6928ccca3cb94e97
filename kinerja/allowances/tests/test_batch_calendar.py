"""The computation never counts a national holiday as a working day, even in a year nobody
opened on the calendar page (RULES.md 2.4: absence is counted on working days)."""

from __future__ import annotations

import datetime as dt

from kinerja.allowances.batch import Month, compute_month
from kinerja.allowances.models import TppLine
from kinerja.allowances.services import preset_install
from kinerja.attendance.models import Holiday, Presensi, WorkSchedule


def test_a_year_without_a_calendar_gets_its_holidays_before_the_month_is_counted(cast):
    preset_install(actor=None, instansi_id=cast.instansi.pk, template="nasional",
                   activate=True, effective_from=dt.date(2020, 1, 1))
    august = Month(2026, 8)
    pegawai = cast.people["pegawai"]
    # Present on every weekday of August 2026 except Monday 17 August (Hari Proklamasi).
    days = [august.first + dt.timedelta(days=i) for i in range(31)]
    Presensi.objects.bulk_create([
        Presensi(instansi=cast.instansi, pegawai=pegawai, date=day, check_in=dt.time(7, 20),
                 check_out=dt.time(16, 40))
        for day in days if day.isoweekday() <= 5 and day != dt.date(2026, 8, 17)
    ])
    assert not WorkSchedule.objects.filter(instansi=cast.instansi, year=2026).exists()

    compute_month(cast.instansi.pk, august, today=dt.date(2026, 11, 22))

    assert Holiday.objects.filter(instansi=cast.instansi, date=dt.date(2026, 8, 17)).exists()
    line = TppLine.objects.get(month__period=august.first, pegawai=pegawai)
    # 21 weekdays, one of them 17 August and 25 August (Maulid) holidays: 19 working days.
    assert line.inputs["working_days"] == 19
    assert line.inputs["absent_days"] == 0
    assert not [x for x in line.lines if x["code"] == "tanpa_keterangan"]
