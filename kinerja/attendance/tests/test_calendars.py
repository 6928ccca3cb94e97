"""The working calendars of an instansi's year (attendance.calendars): a unit's own schedule
before its OPD's, the OPD's before the instansi's, the standard week when there is none;
holidays and Ramadan hours from the data; flexible (shift) schedules; two queries a year."""

from __future__ import annotations

import datetime as dt

import pytest

from kinerja.attendance import rules
from kinerja.attendance.calendars import Calendars, measure, year_calendars
from kinerja.attendance.models import Holiday, WorkSchedule
from kinerja.attendance.services import calendar_year_ensure

T = dt.time
THURSDAY = dt.date(2026, 10, 1)
FRIDAY = dt.date(2026, 10, 2)
SATURDAY = dt.date(2026, 10, 3)


@pytest.fixture
def year(cast):
    calendar_year_ensure(cast.instansi.pk, 2026)
    WorkSchedule.objects.create(
        instansi=cast.instansi, year=2026, opd=cast.opds["disdik"], name="Sekolah",
        hours={str(d): ["07:00", "13:00"] for d in range(1, 7)})
    WorkSchedule.objects.create(
        instansi=cast.instansi, year=2026, unit=cast.units["rujukan"], name="IGD",
        hours={str(d): ["00:00", "23:59"] for d in range(1, 8)}, flexible=True)
    return cast


def test_the_instansi_calendar_is_the_standard_week_with_the_years_holidays(year):
    cal = year_calendars(year.instansi.pk, 2026)
    default = cal.default
    assert rules.hours_on(default, THURSDAY) == rules.Hours(T(7, 30), T(16, 0))
    assert rules.hours_on(default, FRIDAY) == rules.Hours(T(7, 30), T(16, 30))
    assert rules.hours_on(default, SATURDAY) is None
    assert rules.hours_on(default, dt.date(2026, 8, 17)) is None  # Proklamasi (a Monday)
    assert cal.holidays[dt.date(2026, 8, 17)] == ("Hari Proklamasi Kemerdekaan RI",
                                                   "nasional")
    assert len(cal.holidays) == 25
    # Ramadan 1447 H: 08:00-15:00, Friday to 15:30
    assert rules.hours_on(default, dt.date(2026, 3, 5)) == rules.Hours(T(8, 0), T(15, 0))
    assert rules.hours_on(default, dt.date(2026, 3, 6)) == rules.Hours(T(8, 0), T(15, 30))


def test_unit_before_opd_before_instansi(year):
    cal = Calendars(year.instansi.pk).year(2026)
    disdik = year.opds["disdik"].pk
    dinkes = year.opds["dinkes"].pk
    school = cal.for_place(disdik, year.units["disdik"].pk)
    assert rules.hours_on(school, SATURDAY) == rules.Hours(T(7, 0), T(13, 0))
    assert rules.hours_on(school, dt.date(2026, 8, 17)) is None  # holidays hold everywhere
    er = cal.for_place(dinkes, year.units["rujukan"].pk)
    assert er.flexible and rules.hours_on(er, dt.date(2026, 10, 4)) is not None  # Sunday
    office = cal.for_place(dinkes, year.units["umum"].pk)
    assert office is cal.default
    assert cal.for_place(None, None) is cal.default


def test_a_year_without_a_schedule_has_the_standard_week_and_no_holidays(year):
    cal = year_calendars(year.instansi.pk, 2031)
    assert rules.hours_on(cal.default, dt.date(2031, 1, 1)) is not None  # no holiday list
    assert rules.hours_on(cal.default, dt.date(2031, 1, 4)) is None  # Saturday
    assert cal.holidays == {}


def test_two_queries_a_year_whatever_the_places(year, django_assert_num_queries):
    calendars = Calendars(year.instansi.pk)
    with django_assert_num_queries(2):
        for day in (THURSDAY, FRIDAY, SATURDAY, dt.date(2026, 12, 25)):
            for opd, unit in ((None, None), (year.opds["disdik"].pk, None),
                              (year.opds["dinkes"].pk, year.units["rujukan"].pk)):
                calendars.hours(day, opd, unit)
    with django_assert_num_queries(2):
        calendars.hours(dt.date(2027, 1, 4), None, None)


def test_measure_against_each_place(year):
    calendars = Calendars(year.instansi.pk)
    dinkes, disdik = year.opds["dinkes"].pk, year.opds["disdik"].pk
    office = measure(calendars, FRIDAY, dinkes, year.units["umum"].pk, T(7, 45), T(16, 0))
    assert office == {"late_minutes": 15, "early_minutes": 30, "working_day": True}
    school = measure(calendars, FRIDAY, disdik, None, T(7, 45), T(12, 0))
    assert school == {"late_minutes": 45, "early_minutes": 60, "working_day": True}
    saturday = measure(calendars, SATURDAY, dinkes, None, T(8, 0), T(12, 0))
    assert saturday == {"late_minutes": 0, "early_minutes": 0, "working_day": False}
    shift = measure(calendars, SATURDAY, dinkes, year.units["rujukan"].pk, T(19, 0), T(7, 0))
    assert shift == {"late_minutes": 0, "early_minutes": 0, "working_day": True}
    missing = measure(calendars, THURSDAY, dinkes, None, None, T(15, 0))
    assert missing == {"late_minutes": 0, "early_minutes": 60, "working_day": True}


def test_a_holiday_added_later_is_seen_by_a_new_calendar(year):
    Holiday.objects.create(instansi=year.instansi, date=THURSDAY, name="Hari Jadi",
                           kind="daerah")
    calendars = Calendars(year.instansi.pk)
    assert calendars.hours(THURSDAY, None, None) == (None, False)
    assert measure(calendars, THURSDAY, None, None, T(9, 0), T(10, 0))["working_day"] is False
