"""The working calendars of an instansi's year, loaded once (two queries) and resolved per
place: a unit's own schedule, else its OPD's, else the instansi's, else the standard 5-day week.
Used by the presensi import, the attendance pages and the TPP computation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kinerja.attendance import rules
from kinerja.attendance.models import Holiday, WorkSchedule


def calendar_of(schedule: WorkSchedule | None, holidays: frozenset[dt.date]) -> rules.Calendar:
    if schedule is None:
        return rules.Calendar(rules.standard_hours(), holidays)
    ramadan = None
    if schedule.ramadan_start and schedule.ramadan_end:
        ramadan = (schedule.ramadan_start, schedule.ramadan_end)
    return rules.Calendar(
        rules.parse_hours(schedule.hours), holidays, ramadan,
        rules.parse_hours(schedule.ramadan_hours) if schedule.ramadan_hours else None,
        schedule.flexible,
    )


@dataclass
class YearCalendars:
    """Every calendar of one instansi and year."""

    year: int
    default: rules.Calendar
    by_opd: dict[int, rules.Calendar] = field(default_factory=dict)
    by_unit: dict[int, rules.Calendar] = field(default_factory=dict)
    holidays: dict[dt.date, tuple[str, str]] = field(default_factory=dict)  # date -> name, kind
    schedules: list[WorkSchedule] = field(default_factory=list)

    def for_place(self, opd_id: int | None, unit_id: int | None) -> rules.Calendar:
        if unit_id is not None and unit_id in self.by_unit:
            return self.by_unit[unit_id]
        if opd_id is not None and opd_id in self.by_opd:
            return self.by_opd[opd_id]
        return self.default


def year_calendars(instansi_id: int, year: int) -> YearCalendars:
    holidays = {h.date: (h.name, h.kind) for h in Holiday.objects.filter(
        instansi_id=instansi_id, date__year=year)}
    days = frozenset(holidays)
    schedules = list(WorkSchedule.objects.filter(instansi_id=instansi_id, year=year))
    default = next((s for s in schedules if s.opd_id is None and s.unit_id is None), None)
    out = YearCalendars(year, calendar_of(default, days), holidays=holidays, schedules=schedules)
    for s in schedules:
        if s.unit_id is not None:
            out.by_unit[s.unit_id] = calendar_of(s, days)
        elif s.opd_id is not None:
            out.by_opd[s.opd_id] = calendar_of(s, days)
    return out


class Calendars:
    """Year calendars loaded on demand (an import or a month may touch two years)."""

    def __init__(self, instansi_id: int) -> None:
        self.instansi_id = instansi_id
        self._years: dict[int, YearCalendars] = {}
        self._spans: dict[tuple[int, dt.date, dt.date], list[dt.date]] = {}

    def year(self, year: int) -> YearCalendars:
        if year not in self._years:
            self._years[year] = year_calendars(self.instansi_id, year)
        return self._years[year]

    def working_days(self, calendar: rules.Calendar, start: dt.date,
                     end: dt.date) -> list[dt.date]:
        """rules.working_days, remembered per calendar and span (the TPP computation asks it
        for every holding of 100k people: a handful of distinct answers). The list is shared:
        do not change it."""
        key = (id(calendar), start, end)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = rules.working_days(calendar, start, end)
        return found

    def hours(self, day: dt.date, opd_id: int | None,
              unit_id: int | None) -> tuple[rules.Hours | None, bool]:
        """(hours of the day or None for a day off, whether the schedule is flexible)."""
        cal = self.year(day.year).for_place(opd_id, unit_id)
        return rules.hours_on(cal, day), cal.flexible


def measure(calendars: Calendars, day: dt.date, opd_id: int | None, unit_id: int | None,
            check_in: dt.time | None, check_out: dt.time | None) -> dict[str, Any]:
    """The derived fields of a Presensi row: minutes late and early, working day."""
    hours, flexible = calendars.hours(day, opd_id, unit_id)
    if hours is None or flexible:
        return {"late_minutes": 0, "early_minutes": 0, "working_day": hours is not None}
    return {
        "late_minutes": min(rules.minutes_late(check_in, hours), 32767),
        "early_minutes": min(rules.minutes_early(check_out, hours), 32767),
        "working_day": True,
    }
