"""Attendance rules from ../shared/domain/RULES.md: the lateness and early-leave bands of
Permentan 68/2012 (2.4 preset A) at their minute edges, the status of a day, the working
calendar (a longer Friday, Ramadan hours, holidays) and the PP 94/2021 absence sanctions (2.5)."""

from __future__ import annotations

import datetime as dt

import pytest

from kinerja.attendance import rules
from kinerja.attendance.rules import (
    CUTI,
    DEFAULT_BANDS,
    EARLY,
    HADIR,
    LATE,
    LIBUR,
    TANPA_KETERANGAN,
    Band,
    Calendar,
    CalendarError,
    Hours,
    band_of,
    check_bands,
    day_status,
    hours_on,
    minutes_early,
    minutes_late,
)

T = dt.time
DAY = Hours(T(7, 30), T(16, 0))
FRIDAY = Hours(T(7, 30), T(16, 30))
RAMADAN = Hours(T(8, 0), T(15, 0))


def at(minutes_after_start: int) -> dt.time:
    """The check-in `minutes_after_start` minutes after 07:30."""
    total = 7 * 60 + 30 + minutes_after_start
    return T(total // 60, total % 60)


def before_end(minutes: int) -> dt.time:
    """The check-out `minutes` minutes before 16:00."""
    total = 16 * 60 - minutes
    return T(total // 60, total % 60)


# RULES.md 2.4 preset A: TL1 1 to <31, TL2 31 to <61, TL3 61 to <91, TL4 >91 (91 itself is not
# assigned by the source; the product puts it in TL4), the same edges for PSW.
EDGES = [(0, None), (1, "1"), (30, "1"), (31, "2"), (60, "2"), (61, "3"), (90, "3"),
         (91, "4"), (92, "4"), (600, "4")]


@pytest.mark.parametrize(("minutes", "band"), EDGES)
def test_lateness_band_edges_permentan_68_2012(minutes, band):
    expected = None if band is None else f"TL{band}"
    assert band_of(minutes, DEFAULT_BANDS, LATE) == expected
    status = day_status(DAY, at(minutes), T(16, 5))
    assert (status.status, status.late_minutes, status.late_code) == (HADIR, minutes, expected)
    assert status.early_code is None


@pytest.mark.parametrize(("minutes", "band"), EDGES)
def test_early_leave_band_edges_permentan_68_2012(minutes, band):
    expected = None if band is None else f"PSW{band}"
    assert band_of(minutes, DEFAULT_BANDS, EARLY) == expected
    status = day_status(DAY, T(7, 20), before_end(minutes))
    assert (status.early_minutes, status.early_code, status.late_code) == (minutes, expected, None)


def test_only_whole_minutes_count_late_or_early():
    assert minutes_late(T(7, 30, 59), DAY) == 0
    assert minutes_late(T(7, 31, 0), DAY) == 1
    assert minutes_late(T(8, 0, 59), DAY) == 30  # still TL1
    assert minutes_early(T(16, 0, 0), DAY) == 0
    # 30 seconds before 16:00 is not a whole minute early (as 07:30:59 is not late)
    assert minutes_early(T(15, 59, 30), DAY) == 0
    assert minutes_early(T(15, 59, 0), DAY) == 1
    assert minutes_early(T(15, 58, 1), DAY) == 1
    assert minutes_early(T(15, 58, 59), DAY) == 1
    assert minutes_early(T(15, 58, 0), DAY) == 2
    assert minutes_late(None, DAY) == 0 and minutes_early(None, DAY) == 0
    assert minutes_late(T(9, 0), None) == 0


def test_missing_check_in_and_check_out_are_flagged_for_tl4_and_psw4():
    only_out = day_status(DAY, None, T(16, 10))
    assert (only_out.status, only_out.missing_in, only_out.missing_out) == (HADIR, True, False)
    assert only_out.late_code is None  # the preset turns missing_in into TL4, not the day rule
    only_in = day_status(DAY, T(7, 0), None)
    assert (only_in.missing_in, only_in.missing_out, only_in.early_code) == (False, True, None)
    # leaving early and no check-in: the early leave still counts
    early = day_status(DAY, None, before_end(45))
    assert (early.missing_in, early.early_code) == (True, "PSW2")


def test_day_statuses():
    assert day_status(None, T(7, 0), T(16, 0)).status == LIBUR
    assert day_status(DAY, None, None).status == TANPA_KETERANGAN
    on_leave = day_status(DAY, None, None, leave_kind="sakit")
    assert (on_leave.status, on_leave.leave_kind) == (CUTI, "sakit")
    # leave covers the day even with a late scan
    assert day_status(DAY, T(10, 0), None, leave_kind="dinas_luar").status == CUTI
    # flexible (shift) schedules: presence only
    shift = day_status(DAY, T(13, 0), T(14, 0), flexible=True)
    assert (shift.status, shift.late_minutes, shift.late_code, shift.early_code) == (
        HADIR, 0, None, None)


def test_longer_friday_measures_early_leave_against_its_own_end():
    cal = Calendar(rules.standard_hours(5))
    friday = dt.date(2026, 10, 2)
    thursday = dt.date(2026, 10, 1)
    assert friday.isoweekday() == 5
    assert hours_on(cal, friday) == FRIDAY
    # leaving at 16:00 is on time on Thursday and 30 minutes early (PSW1) on Friday
    assert minutes_early(T(16, 0), hours_on(cal, thursday)) == 0
    assert day_status(hours_on(cal, friday), T(7, 15), T(16, 0)).early_code == "PSW1"
    assert hours_on(cal, dt.date(2026, 10, 3)) is None  # Saturday
    assert hours_on(cal, dt.date(2026, 10, 4)) is None  # Sunday


def test_ramadan_hours_replace_the_normal_ones_between_the_dates():
    ramadan = (dt.date(2026, 2, 18), dt.date(2026, 3, 19))
    cal = Calendar(rules.standard_hours(5), frozenset({dt.date(2026, 3, 19)}), ramadan,
                   {d: RAMADAN for d in range(1, 6)})
    assert hours_on(cal, dt.date(2026, 2, 17)) == DAY  # Tuesday before Ramadan
    assert hours_on(cal, dt.date(2026, 2, 18)) == RAMADAN
    assert hours_on(cal, dt.date(2026, 3, 19)) is None  # a holiday inside Ramadan
    assert hours_on(cal, dt.date(2026, 3, 21)) is None  # Saturday inside Ramadan
    # 08:10 is 10 minutes late (TL1) in Ramadan, 40 minutes (TL2) outside it
    inside = day_status(hours_on(cal, dt.date(2026, 2, 19)), T(8, 10), T(15, 0))
    outside = day_status(hours_on(cal, dt.date(2026, 2, 17)), T(8, 10), T(16, 0))
    assert (inside.late_minutes, inside.late_code) == (10, "TL1")
    assert (outside.late_minutes, outside.late_code) == (40, "TL2")


def test_working_days_of_october_2026_and_a_holiday_week():
    cal = Calendar(rules.standard_hours(5))
    first, last = rules.month_bounds(2026, 10)
    assert (first, last) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert len(rules.working_days(cal, first, last)) == 22
    with_holiday = Calendar(rules.standard_hours(5), frozenset({dt.date(2026, 10, 5)}))
    days = rules.working_days(with_holiday, first, last)
    assert len(days) == 21 and dt.date(2026, 10, 5) not in days
    six = Calendar(rules.standard_hours(6))
    assert len(rules.working_days(six, first, last)) == 27  # + 5 Saturdays
    assert rules.month_bounds(2026, 12) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert rules.month_bounds(2028, 2)[1] == dt.date(2028, 2, 29)


def test_parse_hours_round_trip_and_errors():
    hours = rules.parse_hours({"1": ["07:30", "16:00"], "5": ["07:30", "16:30"]})
    assert hours == {1: DAY, 5: FRIDAY}
    assert rules.hours_text(hours) == {"1": ["07:30", "16:00"], "5": ["07:30", "16:30"]}
    for bad in ({"8": ["07:30", "16:00"]}, {"x": ["07:30", "16:00"]}, {"1": ["16:00", "07:30"]},
                {"1": ["07:30"]}, {"1": ["7.30", "16:00"]}, {"1": "07:30-16:00"}):
        with pytest.raises(CalendarError):
            rules.parse_hours(bad)


def test_check_bands_finds_overlaps_and_empty_ranges():
    assert check_bands(DEFAULT_BANDS) == []
    overlap = (Band("A", LATE, 1, 30), Band("B", LATE, 30, 60))
    assert check_bands(overlap) == ["A and B overlap"]
    open_then_more = (Band("A", LATE, 1, None), Band("B", LATE, 31, 60))
    assert check_bands(open_then_more) == ["A and B overlap"]
    assert check_bands((Band("A", LATE, 40, 30),)) == ["A: 40..30 is not a range of minutes"]
    # a late band and an early band over the same minutes do not overlap
    assert check_bands((Band("TL", LATE, 1, None), Band("PSW", EARLY, 1, None))) == []


# RULES.md 2.5: PP 94/2021 Pasal 11, unexcused absence in a year (the Pasal text's 4-6 and
# 21-24 edges).
PP94 = [
    (2, None), (3, "teguran_lisan"), (4, "teguran_tertulis"), (6, "teguran_tertulis"),
    (7, "pernyataan_tidak_puas"), (10, "pernyataan_tidak_puas"), (11, "potong_tunjangan_6"),
    (13, "potong_tunjangan_6"), (14, "potong_tunjangan_9"), (16, "potong_tunjangan_9"),
    (17, "potong_tunjangan_12"), (20, "potong_tunjangan_12"), (21, "penurunan_jabatan"),
    (24, "penurunan_jabatan"), (25, "pembebasan_jabatan"), (27, "pembebasan_jabatan"),
    (28, "pemberhentian"), (120, "pemberhentian"),
]


@pytest.mark.parametrize(("days", "sanction"), PP94)
def test_pp_94_2021_sanction_for_unexcused_absence(days, sanction):
    found = rules.sanction_for_absence(days)
    assert (found[0] if found else None) == sanction
    if found:
        assert found[1] == rules.SANCTION_TERMS[sanction][0]


def test_pp_94_2021_allowance_cuts_last_6_9_12_months_at_25_percent():
    assert rules.SANCTION_TERMS["potong_tunjangan_6"] == ("sedang", 6, 25)
    assert rules.SANCTION_TERMS["potong_tunjangan_9"] == ("sedang", 9, 25)
    assert rules.SANCTION_TERMS["potong_tunjangan_12"] == ("sedang", 12, 25)
    assert rules.SANCTION_TERMS["teguran_lisan"][0] == "ringan"
    assert rules.SANCTION_TERMS["pembebasan_jabatan"] == ("berat", 12, None)


def test_longest_absence_run_counts_consecutive_working_days_only():
    cal = Calendar(rules.standard_hours(5))
    working = rules.working_days(cal, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    # Thu 1, Fri 2, (weekend), Mon 5 .. Fri 9, Mon 12: ten working days in a row
    absent = [dt.date(2026, 10, d) for d in (1, 2, 5, 6, 7, 8, 9, 12, 13, 14)]
    assert rules.longest_absence_run(absent, working) == 10
    broken = [d for d in absent if d.day != 7]
    assert rules.longest_absence_run(broken, working) == 5  # 8, 9, 12, 13, 14
    assert rules.longest_absence_run([], working) == 0
