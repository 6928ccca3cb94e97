"""API schemas of attendance: days, the month summary, the working calendar, holidays and
discipline cases.

Field names are English; Indonesian domain terms stay (nip, opd, presensi, TL1..TL4,
PSW1..PSW4, tanpa_keterangan, cuti). Months are `YYYY-MM`; times `HH:MM` (check-in and
check-out `HH:MM:SS`); hours per ISO weekday ("1" Monday .. "7" Sunday) as `["07:30", "16:00"]`,
a weekday left out being a day off. Percentages are answered as strings ("25.00").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from kinerja.attendance import selectors
from kinerja.attendance.models import DisciplineLevel, HolidayKind, Sanction, WorkSchedule
from kinerja.attendance.rules import Hours
from kinerja.people.schemas import EmployeeRef, OpdRef, UnitRef

HoursMap = dict[str, list[str]]
MONTH_PATTERN = r"^\d{4}-\d{2}$"


def _hm(value: Hours | None) -> list[str] | None:
    return [value.start.strftime("%H:%M"), value.end.strftime("%H:%M")] if value else None


# --- Days ----------------------------------------------------------------------------------------


class DayOut(Schema):
    date: dt.date
    weekday: int = Field(..., description="ISO weekday: 1 Monday .. 7 Sunday.")
    working_day: bool
    hours: list[str] | None = Field(None, description='["07:30", "16:00"]; null on a day off.')
    holiday: str = Field("", description="The holiday's name, if the day is one.")
    check_in: dt.time | None
    check_out: dt.time | None
    status: str = Field(
        ..., description="hadir, tanpa_keterangan, cuti, libur, or belum (a day to come, or "
                         "today without a record yet).")
    late_minutes: int
    early_minutes: int
    late_code: str | None = Field(None, description="TL1..TL4 (the bands used).")
    early_code: str | None = Field(None, description="PSW1..PSW4.")
    missing_in: bool
    missing_out: bool
    leave_kind: str | None = Field(None, description="people.Leave kind covering the day.")

    @staticmethod
    def of(day: selectors.Day) -> dict[str, Any]:
        s = day.status
        return {
            "date": day.date, "weekday": day.weekday, "working_day": day.working,
            "hours": _hm(day.hours), "holiday": day.holiday, "check_in": day.check_in,
            "check_out": day.check_out, "status": day.state, "late_minutes": s.late_minutes,
            "early_minutes": s.early_minutes, "late_code": s.late_code,
            "early_code": s.early_code, "missing_in": s.missing_in,
            "missing_out": s.missing_out, "leave_kind": day.leave_kind,
        }


class CountsOut(Schema):
    working_days: int = Field(..., description="Working days in the whole month.")
    counted_days: int = Field(..., description="Working days up to today (the ones counted).")
    present: int
    late: dict[str, int] = Field(..., description="Days per lateness band: TL1..TL4.")
    early: dict[str, int] = Field(..., description="Days per early-leave band: PSW1..PSW4.")
    missing_in: int
    missing_out: int
    tanpa_keterangan: int
    leave: dict[str, int] = Field(..., description="Working days on leave per kind.")
    late_minutes: int
    early_minutes: int


def counts_of(c: Any) -> dict[str, Any]:
    return {
        "working_days": c.working_days, "counted_days": c.counted_days, "present": c.present,
        "late": c.late, "early": c.early, "missing_in": c.missing_in,
        "missing_out": c.missing_out, "tanpa_keterangan": c.tanpa_keterangan,
        "leave": c.leave, "late_minutes": c.late_minutes, "early_minutes": c.early_minutes,
    }


class PersonMonthOut(Schema):
    pegawai: EmployeeRef
    month: str = Field(..., description="YYYY-MM")
    flexible: bool = Field(..., description="Shift work: presence only, no lateness.")
    days: list[DayOut]
    counts: CountsOut

    @staticmethod
    def of(pm: selectors.PersonMonth) -> dict[str, Any]:
        return {"pegawai": pm.pegawai, "month": pm.month, "flexible": pm.flexible,
                "days": [DayOut.of(d) for d in pm.days], "counts": counts_of(pm.counts)}


class DaysQuery(Schema):
    nip: str = Field("", description="Someone in your scope; empty: yourself.")
    month: str = Field("", description="YYYY-MM; empty: this month.")


class SummaryQuery(Schema):
    month: str = Field("", description="YYYY-MM; empty: this month.")
    opd: int | None = Field(None, description="OPD id; empty: every OPD you read.")


class SummaryRowOut(CountsOut):
    pegawai: EmployeeRef
    opd_id: int | None
    opd_name: str


# --- Calendar ------------------------------------------------------------------------------------


class ScheduleIn(Schema):
    name: str = Field("", max_length=120)
    hours: HoursMap = Field(
        default_factory=dict,
        description='ISO weekday -> ["HH:MM", "HH:MM"]; e.g. {"1": ["07:30", "16:00"], ..., '
                    '"5": ["07:30", "16:30"]}. A weekday left out is a day off.')
    ramadan_start: dt.date | None = None
    ramadan_end: dt.date | None = None
    ramadan_hours: HoursMap = Field(default_factory=dict,
                                    description="Replaces `hours` during Ramadan.")

    def values(self) -> dict[str, Any]:
        return {"name": self.name.strip(), "hours": self.hours,
                "ramadan_start": self.ramadan_start, "ramadan_end": self.ramadan_end,
                "ramadan_hours": self.ramadan_hours}


class OverrideIn(ScheduleIn):
    opd_id: int | None = Field(None, description="The OPD whose own schedule this is ...")
    unit_id: int | None = Field(None, description="... or the unit (exactly one of the two).")
    flexible: bool = Field(False, description="Shift work: presence counts, no lateness.")

    def values(self) -> dict[str, Any]:
        return super().values() | {"flexible": self.flexible}


class ScheduleOut(Schema):
    id: int
    year: int
    name: str
    opd: OpdRef | None
    unit: UnitRef | None
    hours: HoursMap
    ramadan_start: dt.date | None
    ramadan_end: dt.date | None
    ramadan_hours: HoursMap
    flexible: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_ramadan_hours(obj: WorkSchedule) -> HoursMap:
        return obj.ramadan_hours or {}


class CalendarOut(Schema):
    year: int
    schedule: ScheduleOut
    overrides: int = Field(..., description="How many OPD and unit schedules the year has.")
    holidays: int = Field(..., description="How many holidays the year has (GET /holidays).")
    working_days: int = Field(..., description="Working days of the year under the instansi's "
                                               "own schedule.")


class HolidayIn(Schema):
    date: dt.date
    name: str = Field(..., min_length=1, max_length=200)
    kind: HolidayKind = HolidayKind.NASIONAL


class HolidayOut(Schema):
    id: int
    date: dt.date
    name: str
    kind: str


class HolidayQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Empty: this year.")


# --- Discipline ----------------------------------------------------------------------------------


class DisciplineIn(Schema):
    nip: str = Field(..., min_length=1, max_length=30)
    sanction: Sanction
    level: DisciplineLevel | None = Field(None, description="Empty: the sanction's level.")
    decree_number: str = Field(..., min_length=1, max_length=120)
    decree_date: dt.date
    start_month: str = Field(..., pattern=MONTH_PATTERN,
                             description="YYYY-MM: the first month affected.")
    months: int | None = Field(None, ge=1, le=120,
                               description="Empty: the sanction's term (PP 94/2021).")
    tpp_cut_pct: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2,
                                        description="Overrides the preset's cut for this case.")
    note: str = Field("", max_length=4000)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=4000)


class DisciplineQuery(Schema):
    nip: str = Field("", description="One person's cases.")
    month: str = Field("", description="YYYY-MM: only the cases affecting this month.")
    cancelled: bool | None = Field(None, description="true: only cancelled; false: only not.")


class DisciplineOut(Schema):
    id: int
    pegawai: EmployeeRef
    level: str
    sanction: str
    decree_number: str
    decree_date: dt.date
    start_month: str = Field(..., description="YYYY-MM")
    end_month: str = Field(..., description="YYYY-MM: the last month affected.")
    months: int
    tpp_cut_pct: Decimal | None
    note: str
    created_at: dt.datetime
    cancelled: bool
    cancelled_at: dt.datetime | None
    cancel_reason: str

    @staticmethod
    def resolve_start_month(obj: Any) -> str:
        return f"{obj.start_month:%Y-%m}"

    @staticmethod
    def resolve_end_month(obj: Any) -> str:
        return f"{selectors.end_month(obj):%Y-%m}"

    @staticmethod
    def resolve_cancelled(obj: Any) -> bool:
        return obj.cancelled_at is not None
