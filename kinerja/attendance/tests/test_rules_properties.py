"""Properties of the attendance rules (hypothesis): every minute late falls in exactly one
band and a later check-in never falls in a lower band; minutes late and early are monotonic;
the day status agrees with the bands; working days follow the calendar; the PP 94/2021 table
never gets lighter with more days."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.attendance import rules
from kinerja.attendance.rules import DEFAULT_BANDS, EARLY, LATE, Calendar, Hours

FAST = settings(max_examples=200, deadline=None)
times = st.times().map(lambda t: t.replace(microsecond=0))
CODES = {LATE: ["TL1", "TL2", "TL3", "TL4"], EARLY: ["PSW1", "PSW2", "PSW3", "PSW4"]}


@st.composite
def hours(draw):
    start = draw(st.times(dt.time(5, 0), dt.time(10, 0)).map(lambda t: t.replace(
        second=0, microsecond=0)))
    length = draw(st.integers(180, 600))
    end_minutes = start.hour * 60 + start.minute + length
    return Hours(start, dt.time(end_minutes // 60, end_minutes % 60))


@FAST
@given(st.integers(1, 10_000), st.sampled_from([LATE, EARLY]))
def test_every_minute_falls_in_exactly_one_default_band(minutes, kind):
    holding = [b.code for b in DEFAULT_BANDS if b.applies_to == kind and b.holds(minutes)]
    assert len(holding) == 1
    assert rules.band_of(minutes, DEFAULT_BANDS, kind) == holding[0]


@FAST
@given(st.integers(0, 600), st.integers(0, 600), st.sampled_from([LATE, EARLY]))
def test_more_minutes_never_a_lower_band(a, b, kind):
    low, high = sorted((a, b))
    order = CODES[kind]
    band_low = rules.band_of(low, DEFAULT_BANDS, kind)
    band_high = rules.band_of(high, DEFAULT_BANDS, kind)
    rank_low = -1 if band_low is None else order.index(band_low)
    rank_high = -1 if band_high is None else order.index(band_high)
    assert rank_high >= rank_low


@FAST
@given(hours(), times, times)
def test_a_later_check_in_is_never_less_late_and_a_later_check_out_never_more_early(
        day, one, two):
    early_in, late_in = sorted((one, two))
    assert rules.minutes_late(early_in, day) <= rules.minutes_late(late_in, day)
    assert rules.minutes_early(late_in, day) <= rules.minutes_early(early_in, day)
    assert rules.minutes_late(one, day) >= 0 and rules.minutes_early(one, day) >= 0


@FAST
@given(hours(), st.one_of(st.none(), times), st.one_of(st.none(), times),
       st.one_of(st.none(), st.sampled_from(["sakit", "dinas_luar"])), st.booleans())
def test_day_status_agrees_with_the_bands(day, check_in, check_out, leave, flexible):
    status = rules.day_status(day, check_in, check_out, leave_kind=leave, flexible=flexible)
    if leave:
        assert status.status == rules.CUTI
    elif check_in is None and check_out is None:
        assert status.status == rules.TANPA_KETERANGAN
    else:
        assert status.status == rules.HADIR
        assert (status.missing_in, status.missing_out) == (check_in is None, check_out is None)
        if flexible:
            assert (status.late_code, status.early_code) == (None, None)
        else:
            assert status.late_minutes == rules.minutes_late(check_in, day)
            assert status.late_code == rules.band_of(status.late_minutes, DEFAULT_BANDS, LATE)
            assert status.early_code == rules.band_of(status.early_minutes, DEFAULT_BANDS,
                                                      EARLY)
    assert rules.day_status(None, check_in, check_out, leave_kind=leave).status == rules.LIBUR


@FAST
@given(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 1)), st.integers(0, 60),
       st.sets(st.dates(dt.date(2024, 1, 1), dt.date(2031, 3, 1)), max_size=10),
       st.sampled_from([5, 6]))
def test_working_days_follow_the_calendar(start, length, holidays, week):
    cal = Calendar(rules.standard_hours(week), frozenset(holidays))
    end = start + dt.timedelta(days=length)
    days = rules.working_days(cal, start, end)
    assert days == sorted(days)
    assert all(start <= d <= end and d not in holidays and d.isoweekday() <= week
               for d in days)
    every = [start + dt.timedelta(days=i) for i in range(length + 1)]
    assert len(days) == sum(rules.is_working_day(cal, d) for d in every)
    without = Calendar(rules.standard_hours(week))
    assert set(days) <= set(rules.working_days(without, start, end))


LEVELS = ["ringan", "sedang", "berat"]
ORDER = [s for _low, _high, s, _level in rules.ABSENCE_SANCTIONS]


@FAST
@given(st.integers(0, 400), st.integers(0, 400))
def test_more_absent_days_never_a_lighter_sanction(a, b):
    low, high = sorted((a, b))
    found_low = rules.sanction_for_absence(low)
    found_high = rules.sanction_for_absence(high)
    if found_low is not None:
        assert found_high is not None
        assert ORDER.index(found_high[0]) >= ORDER.index(found_low[0])
        assert LEVELS.index(found_high[1]) >= LEVELS.index(found_low[1])
    assert (found_high is None) == (high < 3)


@FAST
@given(st.sets(st.dates(dt.date(2026, 10, 1), dt.date(2026, 10, 31))))
def test_longest_absence_run_is_at_most_the_absent_working_days(absent):
    cal = Calendar(rules.standard_hours(5))
    working = rules.working_days(cal, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    run = rules.longest_absence_run(absent, working)
    assert 0 <= run <= len(absent & set(working))
    if absent & set(working):
        assert run >= 1
