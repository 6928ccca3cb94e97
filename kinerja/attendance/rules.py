"""Attendance rules as pure functions: the working calendar, minutes late and early, the
lateness bands (TL1-TL4, PSW1-PSW4), the status of a day, and the PP 94/2021 sanctions for
unexcused absence. No ORM, no I/O.

Sources (../shared/domain/RULES.md): 2.4 (the bands of Permentan 68/2012, widely copied by
Perbup; other presets in kinerja.allowances.presets), 2.5 (PP 94/2021 Pasal 11), 2.6 (leave).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kinerja.core.rules import month_last_day

LATE = "late"
EARLY = "early"

# Day statuses
LIBUR = "libur"  # not a working day (weekend, holiday, cuti bersama)
HADIR = "hadir"  # present (possibly late or leaving early: see the codes)
TANPA_KETERANGAN = "tanpa_keterangan"  # a working day with no record and no leave
CUTI = "cuti"  # on leave, dinas luar, tugas belajar or izin (the leave kind says which)


class CalendarError(ValueError):
    """A schedule that cannot be used; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Hours:
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Calendar:
    """One schedule with the instansi's holidays: everything needed to judge a day."""

    hours: Mapping[int, Hours]  # ISO weekday -> hours; missing weekday = day off
    holidays: frozenset[dt.date] = frozenset()
    ramadan: tuple[dt.date, dt.date] | None = None
    ramadan_hours: Mapping[int, Hours] | None = None
    flexible: bool = False


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise CalendarError(f"'{text}' is not a time (HH:MM)") from exc


def parse_hours(raw: Mapping[str, Sequence[str]] | None) -> dict[int, Hours]:
    """{"1": ["07:30", "16:00"], ...} -> {1: Hours}. Weekdays 1 (Monday) to 7 (Sunday); the
    start must come before the end."""
    out: dict[int, Hours] = {}
    for key, pair in (raw or {}).items():
        try:
            weekday = int(key)
        except (TypeError, ValueError) as exc:
            raise CalendarError(f"'{key}' is not a weekday (1-7)") from exc
        if not 1 <= weekday <= 7:
            raise CalendarError(f"'{key}' is not a weekday (1-7)")
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise CalendarError(f"weekday {weekday}: give a start and an end time")
        start, end = _time(pair[0]), _time(pair[1])
        if start >= end:
            raise CalendarError(f"weekday {weekday}: the start must be before the end")
        out[weekday] = Hours(start, end)
    return out


def hours_text(hours: Mapping[int, Hours]) -> dict[str, list[str]]:
    return {str(k): [v.start.strftime("%H:%M"), v.end.strftime("%H:%M")]
            for k, v in sorted(hours.items())}


def standard_hours(days_per_week: int = 5) -> dict[int, Hours]:
    """The usual Pemda week: 5 days 07:30-16:00 with a longer Friday break (ending 16:30), or 6
    days 07:30-14:00 (Friday 11:00, Saturday 12:30). Every Pemda edits these."""
    if days_per_week == 6:
        six = Hours(dt.time(7, 30), dt.time(14, 0))
        return {1: six, 2: six, 3: six, 4: six, 5: Hours(dt.time(7, 30), dt.time(11, 0)),
                6: Hours(dt.time(7, 30), dt.time(12, 30))}
    day = Hours(dt.time(7, 30), dt.time(16, 0))
    return {1: day, 2: day, 3: day, 4: day, 5: Hours(dt.time(7, 30), dt.time(16, 30))}


def hours_on(calendar: Calendar, day: dt.date) -> Hours | None:
    """The hours of a working day, or None for a day off (weekday off, holiday)."""
    if day in calendar.holidays:
        return None
    weekday = day.isoweekday()
    if (calendar.ramadan is not None and calendar.ramadan_hours
            and calendar.ramadan[0] <= day <= calendar.ramadan[1]):
        return calendar.ramadan_hours.get(weekday)
    return calendar.hours.get(weekday)


def is_working_day(calendar: Calendar, day: dt.date) -> bool:
    return hours_on(calendar, day) is not None


def working_days(calendar: Calendar, start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days from start to end, inclusive."""
    days = []
    day = start
    while day <= end:
        if hours_on(calendar, day) is not None:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def minutes_late(check_in: dt.time | None, hours: Hours | None) -> int:
    """Whole minutes after the start of the day (seconds do not count: 07:30:59 is on time)."""
    if check_in is None or hours is None:
        return 0
    return max(0, _minutes(check_in) - _minutes(hours.start))


def minutes_early(check_out: dt.time | None, hours: Hours | None) -> int:
    """Whole minutes before the end of the day, seconds in the employee's favour as for
    lateness: with the day ending 16:00, 15:59:30 is on time, 15:59:00 and 15:58:01 are one
    minute early."""
    if check_out is None or hours is None:
        return 0
    out = check_out.hour * 60 + check_out.minute + (1 if check_out.second else 0)
    return max(0, _minutes(hours.end) - out)


@dataclass(frozen=True, slots=True)
class Band:
    """A lateness (LATE) or early-leave (EARLY) band: minutes from `low` to `high`, both
    inclusive (`high` None = no upper bound). Presets write "1 s.d. <31" as 1..30."""

    code: str
    applies_to: str
    low: int
    high: int | None

    def holds(self, minutes: int) -> bool:
        return minutes >= self.low and (self.high is None or minutes <= self.high)


# Permentan 68/2012 (RULES.md 2.4 preset A): TL1 1-<31, TL2 31-<61, TL3 61-<91, TL4 >91 (the
# source leaves exactly 91 out; it is put in TL4 here), the same for PSW.
DEFAULT_BANDS: tuple[Band, ...] = (
    Band("TL1", LATE, 1, 30), Band("TL2", LATE, 31, 60), Band("TL3", LATE, 61, 90),
    Band("TL4", LATE, 91, None),
    Band("PSW1", EARLY, 1, 30), Band("PSW2", EARLY, 31, 60), Band("PSW3", EARLY, 61, 90),
    Band("PSW4", EARLY, 91, None),
)


def band_of(minutes: int, bands: Iterable[Band], applies_to: str) -> str | None:
    """The code of the first band of the kind that holds the minutes (None: on time)."""
    if minutes <= 0:
        return None
    for band in bands:
        if band.applies_to == applies_to and band.holds(minutes):
            return band.code
    return None


def check_bands(bands: Sequence[Band]) -> list[str]:
    """Problems of a band table: overlapping bands of one kind, a band ending before it starts."""
    problems = []
    for kind in (LATE, EARLY):
        own = sorted((b for b in bands if b.applies_to == kind), key=lambda b: b.low)
        for band in own:
            if band.low < 1 or (band.high is not None and band.high < band.low):
                problems.append(f"{band.code}: {band.low}..{band.high} is not a range of minutes")
        for a, b in zip(own, own[1:], strict=False):
            if a.high is None or a.high >= b.low:
                problems.append(f"{a.code} and {b.code} overlap")
    return problems


@dataclass(frozen=True, slots=True)
class DayStatus:
    status: str
    late_minutes: int = 0
    early_minutes: int = 0
    late_code: str | None = None
    early_code: str | None = None
    missing_in: bool = False
    missing_out: bool = False
    leave_kind: str | None = None


def day_status(
    hours: Hours | None,
    check_in: dt.time | None,
    check_out: dt.time | None,
    *,
    leave_kind: str | None = None,
    flexible: bool = False,
    bands: Sequence[Band] = DEFAULT_BANDS,
) -> DayStatus:
    """The status of one person's day. A day off is `libur` whatever was recorded; leave covers
    the day; a working day with neither check-in nor check-out is `tanpa_keterangan`; with only
    one of them the other is missing (the presets count a missing check-in as TL4 and a missing
    check-out as PSW4). Flexible (shift) schedules measure presence only."""
    if hours is None:
        return DayStatus(LIBUR)
    if leave_kind:
        return DayStatus(CUTI, leave_kind=leave_kind)
    if check_in is None and check_out is None:
        return DayStatus(TANPA_KETERANGAN)
    if flexible:
        return DayStatus(HADIR, missing_in=check_in is None, missing_out=check_out is None)
    late = minutes_late(check_in, hours)
    early = minutes_early(check_out, hours)
    return DayStatus(
        HADIR, late, early, band_of(late, bands, LATE), band_of(early, bands, EARLY),
        missing_in=check_in is None, missing_out=check_out is None,
    )


# --- PP 94/2021 Pasal 11: unexcused absence in a year (RULES.md 2.5) ---------------------------

# (first day, last day or None, sanction, level); the Pasal text's 4-6 and 21-24 edges.
ABSENCE_SANCTIONS: tuple[tuple[int, int | None, str, str], ...] = (
    (3, 3, "teguran_lisan", "ringan"),
    (4, 6, "teguran_tertulis", "ringan"),
    (7, 10, "pernyataan_tidak_puas", "ringan"),
    (11, 13, "potong_tunjangan_6", "sedang"),
    (14, 16, "potong_tunjangan_9", "sedang"),
    (17, 20, "potong_tunjangan_12", "sedang"),
    (21, 24, "penurunan_jabatan", "berat"),
    (25, 27, "pembebasan_jabatan", "berat"),
    (28, None, "pemberhentian", "berat"),
)

# sanction -> (level, months it lasts, TPP cut % where PP 94/2021 names one)
SANCTION_TERMS: dict[str, tuple[str, int, int | None]] = {
    "teguran_lisan": ("ringan", 1, None),
    "teguran_tertulis": ("ringan", 1, None),
    "pernyataan_tidak_puas": ("ringan", 1, None),
    "potong_tunjangan_6": ("sedang", 6, 25),
    "potong_tunjangan_9": ("sedang", 9, 25),
    "potong_tunjangan_12": ("sedang", 12, 25),
    "penurunan_jabatan": ("berat", 12, None),
    "pembebasan_jabatan": ("berat", 12, None),
    "pemberhentian": ("berat", 1, 100),
    "pemberhentian_sementara": ("berat", 1, 100),
}


def sanction_for_absence(days: int) -> tuple[str, str] | None:
    """(sanction, level) that PP 94/2021 sets for `days` of unexcused absence in a year."""
    for low, high, sanction, level in ABSENCE_SANCTIONS:
        if days >= low and (high is None or days <= high):
            return sanction, level
    return None


def longest_absence_run(absent: Iterable[dt.date], working: Sequence[dt.date]) -> int:
    """The longest run of consecutive working days absent without leave (PP 94/2021: 10 in a
    row leads to dismissal)."""
    missing = set(absent)
    best = run = 0
    for day in working:
        run = run + 1 if day in missing else 0
        best = max(best, run)
    return best


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), month_last_day(year, month)
