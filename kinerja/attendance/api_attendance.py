"""Attendance API: a person's days of a month, the month summary per person, the working
calendar (the instansi's schedule of a year, OPD and unit overrides, holidays) and discipline
cases. Mounted by kinerja/attendance/api.py.

Who: a person's days are read by whoever sees the person (own, atasan, admin OPD, the
instansi's readers; anyone else 404). The summary is for admin OPD (their OPDs) and the
instansi's readers (anyone else 403). The calendar is read by everyone of the instansi and
changed by admin BKPSDM only (403 before any object is looked up). Discipline cases: the
instansi's readers list all, everyone else their own; admin BKPSDM creates and cancels.

Bad input is 422 with the problems in `details` (`invalid_request` from the schemas,
`invalid_month`, `invalid_year`, `invalid_schedule`, `invalid_place`, `invalid` from the
services). Writes go through kinerja.attendance.services.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.attendance import rules, selectors, services
from kinerja.attendance.calendars import year_calendars
from kinerja.attendance.models import DisciplineCase, Holiday, WorkSchedule
from kinerja.attendance.schemas import (
    CalendarOut,
    CancelIn,
    DaysQuery,
    DisciplineIn,
    DisciplineOut,
    DisciplineQuery,
    HolidayIn,
    HolidayOut,
    HolidayQuery,
    OverrideIn,
    PersonMonthOut,
    ScheduleIn,
    ScheduleOut,
    SummaryQuery,
    SummaryRowOut,
)
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.people.access import get_opd_for, get_pegawai_for, get_unit_for, today_in
from kinerja.people.access import request_account as account_of
from kinerja.people.models import Account, Pegawai
from kinerja.people.rules import normalise_nip
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["attendance"])


# --- Days and the month summary ------------------------------------------------------------------


def _own(account: Account) -> Pegawai:
    if account.pegawai_id is None:
        raise NotFound("not_found", _("This account has no employee record."))
    pegawai = Pegawai.objects.filter(pk=account.pegawai_id).first()
    if pegawai is None:
        raise NotFound("not_found", _("This account has no employee record."))
    return pegawai


@router.get(
    "/attendance/days", response={200: PersonMonthOut, **ERRORS},
    summary="A person's days of a month: hours, check-in/out, status, codes, leave, counts",
)
def attendance_days(request: HttpRequest, query: Query[DaysQuery]) -> dict[str, Any]:
    account = account_of(request)
    today = today_in(account)
    first = selectors.parse_month(query.month, today)
    pegawai = (selectors.get_person_for(account, normalise_nip(query.nip)) if query.nip.strip()
               else _own(account))
    return PersonMonthOut.of(selectors.person_month(pegawai, first.year, first.month,
                                                    today=today))


@router.get(
    "/attendance/summary", response={200: list[SummaryRowOut], **ERRORS},
    summary="Per person counts of a month, for an OPD or every OPD you read (admins)",
)
@paginate(Pages)
def attendance_summary(request: HttpRequest, query: Query[SummaryQuery]) -> Any:
    account = account_of(request)
    today = today_in(account)
    if not selectors.may_read_summary(account):
        raise Forbidden("forbidden", _("Only admin OPD and the instansi's readers see the "
                                       "attendance summary."))
    first = selectors.parse_month(query.month, today)
    opd = get_opd_for(account, query.opd) if query.opd is not None else None
    return selectors.month_summary(account, first, opd=opd, today=today)


# --- The working calendar ------------------------------------------------------------------------


def _ensure_year(account: Account, year: int) -> tuple[int, WorkSchedule]:
    """The instansi's schedule of an allowed year, created (with the year's national holidays
    and cuti bersama) when the year is first opened; the system does it, not the reader."""
    instansi_id = selectors.require_instansi(account)
    selectors.check_year(year, today_in(account))
    return instansi_id, services.calendar_year_ensure(instansi_id, year)


def _calendar(account: Account, year: int) -> dict[str, Any]:
    instansi_id, schedule = _ensure_year(account, year)
    cals = year_calendars(instansi_id, year)
    return {
        "year": year, "schedule": schedule, "overrides": len(cals.schedules) - 1,
        "holidays": len(cals.holidays),
        "working_days": len(rules.working_days(cals.default, dt.date(year, 1, 1),
                                               dt.date(year, 12, 31))),
    }


@router.get(
    "/calendar/{year}", response={200: CalendarOut, **ERRORS},
    summary="The instansi's working schedule of a year (created with the national holidays "
            "on first use)",
)
def calendar_get(request: HttpRequest, year: int) -> dict[str, Any]:
    return _calendar(account_of(request), year)


@router.put(
    "/calendar/{year}", response={200: CalendarOut, **ERRORS},
    summary="Change the instansi's working schedule of a year (admin BKPSDM); presensi of "
            "the year are measured again",
)
def calendar_put(request: HttpRequest, year: int, payload: ScheduleIn) -> dict[str, Any]:
    account = account_of(request)
    selectors.require_manager(account)
    selectors.check_year(year, today_in(account))
    services.schedule_save(actor=account, year=year, values=payload.values())
    return _calendar(account, year)


@router.get(
    "/calendar/{year}/overrides", response={200: list[ScheduleOut], **ERRORS},
    summary="The OPD and unit schedules of a year (schools, hospitals, shift work)",
)
@paginate(Pages)
def override_list(request: HttpRequest, year: int) -> QuerySet[WorkSchedule]:
    account = account_of(request)
    instansi_id = selectors.require_instansi(account)
    selectors.check_year(year, today_in(account))
    return selectors.overrides_of(instansi_id, year)


@router.post(
    "/calendar/{year}/overrides", response={200: ScheduleOut, 201: ScheduleOut, **ERRORS},
    summary="Set the schedule of an OPD or a unit for a year (admin BKPSDM): 201 new, 200 "
            "changed",
)
def override_save(request: HttpRequest, year: int, payload: OverrideIn) -> Any:
    account = account_of(request)
    instansi_id = selectors.require_manager(account)
    selectors.check_year(year, today_in(account))
    if (payload.opd_id is None) == (payload.unit_id is None):
        raise ApplicationError("invalid_place", _("Give either an OPD or a unit."), status=422,
                               details={"opd_id": payload.opd_id, "unit_id": payload.unit_id})
    opd = get_opd_for(account, payload.opd_id) if payload.opd_id is not None else None
    unit = get_unit_for(account, payload.unit_id) if payload.unit_id is not None else None
    existed = WorkSchedule.objects.filter(
        instansi_id=instansi_id, year=year, opd=opd if unit is None else None, unit=unit
    ).exists()
    schedule = services.schedule_save(actor=account, year=year, values=payload.values(),
                                      opd=opd, unit=unit)
    found = selectors.get_schedule_for(account, schedule.pk)
    return Status(200 if existed else 201, found)


@router.delete(
    "/calendar/overrides/{override_id}", response={204: None, **ERRORS},
    summary="Remove an OPD or unit schedule (admin BKPSDM); its people follow the instansi's",
)
def override_delete(request: HttpRequest, override_id: int) -> Status[None]:
    account = account_of(request)
    selectors.require_manager(account)
    schedule = selectors.get_schedule_for(account, override_id)
    if schedule.opd_id is None and schedule.unit_id is None:
        raise NotFound("not_found", _("Schedule not found."))
    services.schedule_delete(actor=account, schedule=schedule)
    return Status(204, None)


@router.get(
    "/holidays", response={200: list[HolidayOut], **ERRORS},
    summary="The holidays and cuti bersama of a year",
)
@paginate(Pages)
def holiday_list(request: HttpRequest, query: Query[HolidayQuery]) -> QuerySet[Holiday]:
    account = account_of(request)
    instansi_id = selectors.require_instansi(account)
    today = today_in(account)
    year = query.year or today.year
    if today.year - selectors.YEARS_BACK <= year <= today.year + selectors.YEARS_AHEAD:
        _ensure_year(account, year)
    return selectors.holidays_of(instansi_id, year)


@router.post(
    "/holidays", response={200: HolidayOut, 201: HolidayOut, **ERRORS},
    summary="Add a holiday (admin BKPSDM; 201), or rename the one on that date (200); the "
            "day's presensi are measured again",
)
def holiday_add(request: HttpRequest, payload: HolidayIn) -> Any:
    account = account_of(request)
    instansi_id = selectors.require_manager(account)
    selectors.check_year(payload.date.year, today_in(account))
    existed = Holiday.objects.filter(instansi_id=instansi_id, date=payload.date).exists()
    holiday = services.holiday_save(actor=account, day=payload.date, name=payload.name,
                                    kind=payload.kind.value)
    return Status(200 if existed else 201, holiday)


@router.delete(
    "/holidays/{holiday_id}", response={204: None, **ERRORS},
    summary="Remove a holiday (admin BKPSDM); the day's presensi are measured again",
)
def holiday_delete(request: HttpRequest, holiday_id: int) -> Status[None]:
    account = account_of(request)
    selectors.require_manager(account)
    services.holiday_delete(actor=account, holiday=selectors.get_holiday_for(account,
                                                                             holiday_id))
    return Status(204, None)


# --- Discipline ----------------------------------------------------------------------------------


@router.get(
    "/discipline-cases", response={200: list[DisciplineOut], **ERRORS},
    summary="Discipline cases: all for the instansi's readers, one's own for everyone else",
)
@paginate(Pages)
def discipline_list(request: HttpRequest,
                    query: Query[DisciplineQuery]) -> QuerySet[DisciplineCase]:
    account = account_of(request)
    cases = selectors.discipline_cases_visible_to(account)
    if query.month.strip():
        cases = selectors.in_force(cases, selectors.parse_month(query.month, today_in(account)))
    if query.nip.strip():
        cases = cases.filter(pegawai__nip=normalise_nip(query.nip))
    if query.cancelled is not None:
        cases = cases.filter(cancelled_at__isnull=not query.cancelled)
    return cases


@router.post(
    "/discipline-cases", response={201: DisciplineOut, **ERRORS},
    summary="Record a hukuman disiplin from its decree (admin BKPSDM)",
)
def discipline_create(request: HttpRequest, payload: DisciplineIn) -> Status[DisciplineCase]:
    account = account_of(request)
    selectors.require_manager(account)
    pegawai = get_pegawai_for(account, nip=normalise_nip(payload.nip), action="change")
    values: dict[str, Any] = {
        "sanction": payload.sanction.value, "decree_number": payload.decree_number.strip(),
        "decree_date": payload.decree_date,
        "start_month": selectors.parse_month(payload.start_month, today_in(account)),
        "months": payload.months, "tpp_cut_pct": payload.tpp_cut_pct, "note": payload.note,
    }
    if payload.level is not None:
        values["level"] = payload.level.value
    case = services.discipline_create(actor=account, pegawai=pegawai, values=values)
    return Status(201, selectors.get_discipline_case_for(account, case.pk))


@router.post(
    "/discipline-cases/{case_id}/cancel", response={200: DisciplineOut, **ERRORS},
    summary="Cancel a discipline case with a reason (admin BKPSDM); it stays, marked",
)
def discipline_cancel(request: HttpRequest, case_id: int, payload: CancelIn) -> DisciplineCase:
    account = account_of(request)
    selectors.require_manager(account)
    case = selectors.get_discipline_case_for(account, case_id)
    services.discipline_cancel(actor=account, case=case, reason=payload.reason)
    return selectors.get_discipline_case_for(account, case_id)
