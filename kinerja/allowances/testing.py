"""Test helpers for attendance and TPP: the cast with a calendar, the national preset active,
and a month of presensi (kinerja/testing.py has the cast)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kinerja.allowances.batch import Month
from kinerja.allowances.models import TppPreset
from kinerja.allowances.services import preset_install
from kinerja.attendance import rules as att
from kinerja.attendance.calendars import Calendars, measure
from kinerja.attendance.imports import PlaceHistory
from kinerja.attendance.models import Presensi
from kinerja.attendance.services import calendar_year_ensure
from kinerja.testing import Cast

MONTH = Month(2026, 10)  # a past month with no holiday: 22 working days


@dataclass
class TppCast:
    cast: Cast
    month: Month
    preset: TppPreset

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cast, name)


def write_presensi(cast: Cast, month: Month, people: list[str] | None = None,
                   times: dict[tuple[str, int], tuple[dt.time | None, dt.time | None] | None]
                   | None = None) -> int:
    """A month of presensi, on time (07:25-16:35), for the cast members named (default all
    with a position); `times[(key, day)]` overrides a day (None: no record that day)."""
    calendars = Calendars(cast.instansi.pk)
    keys = people or [k for k in cast.people if k not in ("pimpinan", "auditor")]
    ids = {cast.people[k].pk for k in keys}
    places = PlaceHistory()
    places.load(ids)
    cal = calendars.year(month.year)
    rows = []
    for key in keys:
        pid = cast.people[key].pk
        opd_id, unit_id = places.on(pid, month.last)
        for day in att.working_days(cal.for_place(opd_id, unit_id), month.first, month.last):
            pair = (times or {}).get((key, day.day), (dt.time(7, 25), dt.time(16, 35)))
            if pair is None:
                continue
            check_in, check_out = pair
            rows.append(Presensi(instansi=cast.instansi, pegawai_id=pid, date=day,
                                 check_in=check_in, check_out=check_out,
                                 **measure(calendars, day, opd_id, unit_id, check_in,
                                           check_out)))
    Presensi.objects.bulk_create(rows)
    return len(rows)


def tpp_cast(cast: Cast, month: Month = MONTH, template: str = "nasional") -> TppCast:
    calendar_year_ensure(cast.instansi.pk, month.year)
    preset = preset_install(actor=None, instansi_id=cast.instansi.pk, template=template,
                            activate=True, effective_from=dt.date(2020, 1, 1))
    write_presensi(cast, month)
    return TppCast(cast, month, preset)
