"""Every write of attendance: the working calendar (schedules, holidays), re-measuring the
presensi of a year after the calendar changes, and discipline cases. Admin BKPSDM of the
instansi writes; every write is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.attendance import rules
from kinerja.attendance.calendars import Calendars, measure
from kinerja.attendance.holidays import RAMADAN, holidays_of
from kinerja.attendance.imports import PlaceHistory
from kinerja.attendance.models import (
    DisciplineCase,
    DisciplineLevel,
    Holiday,
    HolidayKind,
    Presensi,
    WorkSchedule,
)
from kinerja.core.audit import audit_record, snapshot
from kinerja.core.bulk import CHUNK
from kinerja.core.errors import ApplicationError, NotFound
from kinerja.org.models import Opd, UnitKerja
from kinerja.people.access import instansi_managed_by
from kinerja.people.models import Account, Pegawai

SCHEDULE_FIELDS = ("name", "hours", "ramadan_start", "ramadan_end", "ramadan_hours",
                   "flexible")
DISCIPLINE_FIELDS = ("level", "sanction", "decree_number", "decree_date", "start_month",
                     "months", "tpp_cut_pct", "note")


def manager_instansi(actor: Account | None) -> int:
    """The instansi admin BKPSDM manages; Forbidden for anyone else."""
    return instansi_managed_by(actor, _("Only admin BKPSDM manages attendance."))


def calendar_year_ensure(instansi_id: int, year: int, *, actor: Account | None = None
                         ) -> WorkSchedule:
    """The instansi's schedule of the year, created on first use with the standard 5-day
    week, Ramadan hours where the dates are known, and the year's national holidays and cuti
    bersama (holidays.py)."""
    found = WorkSchedule.objects.filter(instansi_id=instansi_id, year=year, opd__isnull=True,
                                        unit__isnull=True).first()
    if found is not None:
        return found
    ramadan = RAMADAN.get(year)
    short = rules.Hours(dt.time(8, 0), dt.time(15, 0))
    with transaction.atomic():
        # Two people opening a new year at once: one creates it, the other gets it.
        schedule, created = WorkSchedule.objects.get_or_create(
            instansi_id=instansi_id, year=year, opd=None, unit=None, defaults={
                "name": _("Standard working week"),
                "hours": rules.hours_text(rules.standard_hours(5)),
                "ramadan_start": ramadan[0] if ramadan else None,
                "ramadan_end": ramadan[1] if ramadan else None,
                "ramadan_hours": rules.hours_text({d: short for d in range(1, 5)} | {
                    5: rules.Hours(dt.time(8, 0), dt.time(15, 30))}) if ramadan else {},
            })
        if not created:
            return schedule
        Holiday.objects.bulk_create([
            Holiday(instansi_id=instansi_id, date=day, name=name, kind=kind)
            for day, name, kind in holidays_of(year)
        ], ignore_conflicts=True)
        audit_record(actor=actor, instansi=instansi_id, action="calendar.create", obj=schedule,
                     changes={"year": [None, year], "holidays": [None, len(holidays_of(year))]})
    return schedule


def _check_schedule(values: dict[str, Any]) -> None:
    try:
        hours = rules.parse_hours(values.get("hours"))
        if not hours and not values.get("flexible"):
            raise rules.CalendarError(_("give the hours of at least one working day"))
        if values.get("ramadan_hours"):
            rules.parse_hours(values["ramadan_hours"])
    except rules.CalendarError as exc:
        raise ApplicationError("invalid_schedule", str(exc), status=422) from exc
    start, end = values.get("ramadan_start"), values.get("ramadan_end")
    if (start is None) != (end is None) or (start and end and end < start):
        raise ApplicationError("invalid_schedule",
                               _("Give both Ramadan dates, the end after the start."), status=422)
    year = values.get("year")
    if start and end and year and (start.year != year or end.year != year):
        raise ApplicationError("invalid_schedule",
                               _("The Ramadan dates must fall in the schedule's year."),
                               status=422)


def schedule_save(*, actor: Account, year: int, values: dict[str, Any],
                  opd: Opd | None = None, unit: UnitKerja | None = None) -> WorkSchedule:
    """Create or change the schedule of the instansi (no OPD, no unit), an OPD or a unit for a
    year; the year's presensi are re-measured against it."""
    instansi_id = manager_instansi(actor)
    for place in (opd, unit):
        if place is not None and place.instansi_id != instansi_id:
            raise NotFound("not_found", _("Not found."))
    _check_schedule({**values, "year": year})
    calendar_year_ensure(instansi_id, year, actor=actor)
    with transaction.atomic():
        schedule = WorkSchedule.objects.filter(
            instansi_id=instansi_id, year=year, opd=opd if unit is None else None, unit=unit
        ).select_for_update().first()
        before = snapshot(schedule, SCHEDULE_FIELDS) if schedule else None
        if schedule is None:
            schedule = WorkSchedule(instansi_id=instansi_id, year=year,
                                    opd=opd if unit is None else None, unit=unit)
        for name in SCHEDULE_FIELDS:
            if name in values:
                setattr(schedule, name, values[name])
        if not schedule.name:
            schedule.name = (unit.name if unit else opd.name if opd else str(year))
        schedule.save()
        after = snapshot(schedule, SCHEDULE_FIELDS)
        audit_record(actor=actor, instansi=instansi_id, action="calendar.schedule_save",
                     obj=schedule, changes={k: [before.get(k) if before else None, after[k]]
                                            for k in after
                                            if before is None or before.get(k) != after[k]})
    remeasure_presensi(instansi_id, year)
    return schedule


def schedule_delete(*, actor: Account, schedule: WorkSchedule) -> None:
    """Remove an OPD or unit override (the instansi's own schedule stays)."""
    instansi_id = manager_instansi(actor)
    if schedule.instansi_id != instansi_id:
        raise NotFound("not_found", _("Not found."))
    if schedule.opd_id is None and schedule.unit_id is None:
        raise ApplicationError("invalid", _("The instansi's own schedule cannot be removed."))
    with transaction.atomic():
        audit_record(actor=actor, instansi=instansi_id, action="calendar.schedule_delete",
                     obj=schedule, changes={"name": [schedule.name, None]})
        schedule.delete()
    remeasure_presensi(instansi_id, schedule.year)


def holiday_save(*, actor: Account, day: dt.date, name: str, kind: str) -> Holiday:
    instansi_id = manager_instansi(actor)
    if not name.strip():
        raise ApplicationError("invalid", _("The holiday needs a name."), status=422)
    if kind not in HolidayKind.values:
        raise ApplicationError("invalid", _("Unknown holiday kind."), status=422)
    calendar_year_ensure(instansi_id, day.year, actor=actor)
    with transaction.atomic():
        holiday, created = Holiday.objects.update_or_create(
            instansi_id=instansi_id, date=day, defaults={"name": name.strip(), "kind": kind})
        audit_record(actor=actor, instansi=instansi_id,
                     action="calendar.holiday_add" if created else "calendar.holiday_change",
                     obj=holiday, changes={"date": [None, day.isoformat()], "name": [None, name],
                                           "kind": [None, kind]})
    remeasure_presensi(instansi_id, day.year, day, day)
    return holiday


def holiday_delete(*, actor: Account, holiday: Holiday) -> None:
    instansi_id = manager_instansi(actor)
    if holiday.instansi_id != instansi_id:
        raise NotFound("not_found", _("Not found."))
    day = holiday.date
    with transaction.atomic():
        audit_record(actor=actor, instansi=instansi_id, action="calendar.holiday_delete",
                     obj=holiday, changes={"date": [day.isoformat(), None],
                                           "name": [holiday.name, None]})
        holiday.delete()
    remeasure_presensi(instansi_id, day.year, day, day)


def remeasure_presensi(instansi_id: int, year: int, start: dt.date | None = None,
                       end: dt.date | None = None) -> int:
    """Measure the presensi of a year (or of some days) again against the calendar as it is
    now; returns how many rows changed. In chunks, a fixed number of queries per chunk."""
    calendars = Calendars(instansi_id)
    start = start or dt.date(year, 1, 1)
    end = end or dt.date(year, 12, 31)
    rows = Presensi.objects.filter(instansi_id=instansi_id, date__gte=start, date__lte=end)
    places = PlaceHistory()
    changed = 0
    last_pk = 0
    while True:
        chunk = list(rows.filter(pk__gt=last_pk).order_by("pk")[:CHUNK])
        if not chunk:
            return changed
        last_pk = chunk[-1].pk
        places.load({p.pegawai_id for p in chunk})
        dirty = []
        for p in chunk:
            opd_id, unit_id = places.on(p.pegawai_id, p.date)
            derived = measure(calendars, p.date, opd_id, unit_id, p.check_in, p.check_out)
            if any(getattr(p, k) != v for k, v in derived.items()):
                for k, v in derived.items():
                    setattr(p, k, v)
                dirty.append(p)
        if dirty:
            Presensi.objects.bulk_update(dirty, ["late_minutes", "early_minutes", "working_day"])
            changed += len(dirty)


# --- Discipline -----------------------------------------------------------------------------------


def _discipline_values(values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    sanction = clean.get("sanction")
    if sanction not in rules.SANCTION_TERMS:
        raise ApplicationError("invalid", _("Unknown sanction."), status=422)
    level, months, _cut = rules.SANCTION_TERMS[sanction]
    if clean.get("level") in (None, ""):
        clean["level"] = level
    if clean["level"] not in DisciplineLevel.values:
        raise ApplicationError("invalid", _("Unknown discipline level."), status=422)
    if clean.get("months") in (None, ""):
        clean["months"] = months
    try:
        clean["months"] = int(clean["months"])
    except (TypeError, ValueError):
        raise ApplicationError("invalid", _("Months must be a number."), status=422) from None
    if clean["months"] < 1:
        raise ApplicationError("invalid", _("A sanction lasts at least one month."), status=422)
    start = clean.get("start_month")
    if not isinstance(start, dt.date):
        raise ApplicationError("invalid", _("Give the first month affected."), status=422)
    clean["start_month"] = start.replace(day=1)
    if not str(clean.get("decree_number") or "").strip():
        raise ApplicationError("invalid", _("Give the decree number."), status=422)
    if not isinstance(clean.get("decree_date"), dt.date):
        raise ApplicationError("invalid", _("Give the decree date."), status=422)
    cut = clean.get("tpp_cut_pct")
    if cut in ("", None):
        clean["tpp_cut_pct"] = None
    else:
        try:
            clean["tpp_cut_pct"] = Decimal(str(cut))
        except InvalidOperation:
            raise ApplicationError("invalid", _("The cut must be a percentage."),
                                   status=422) from None
        if not Decimal(0) <= clean["tpp_cut_pct"] <= Decimal(100):
            raise ApplicationError("invalid", _("The cut must be between 0 and 100%."),
                                   status=422)
    return {k: clean[k] for k in DISCIPLINE_FIELDS if k in clean}


def discipline_create(*, actor: Account, pegawai: Pegawai, values: dict[str, Any]
                      ) -> DisciplineCase:
    instansi_id = manager_instansi(actor)
    if pegawai.instansi_id != instansi_id:
        raise NotFound("not_found", _("Not found."))
    clean = _discipline_values(values)
    with transaction.atomic():
        case = DisciplineCase.objects.create(instansi_id=instansi_id, pegawai=pegawai,
                                             created_by=actor, **clean)
        audit_record(actor=actor, instansi=instansi_id, action="discipline.create", obj=case,
                     changes={k: [None, v] for k, v in snapshot(case, DISCIPLINE_FIELDS).items()},
                     context={"pegawai": pegawai.nip})
    return case


def discipline_cancel(*, actor: Account, case: DisciplineCase, reason: str) -> DisciplineCase:
    instansi_id = manager_instansi(actor)
    if case.instansi_id != instansi_id:
        raise NotFound("not_found", _("Not found."))
    if case.cancelled_at is not None:
        raise ApplicationError("already_cancelled", _("This case is already cancelled."),
                               status=409)
    if not reason.strip():
        raise ApplicationError("reason_required", _("A reason is required."), status=422)
    with transaction.atomic():
        case.cancelled_at = timezone.now()
        case.cancel_reason = reason.strip()
        case.save(update_fields=["cancelled_at", "cancel_reason"])
        audit_record(actor=actor, instansi=instansi_id, action="discipline.cancel", obj=case,
                     changes={"cancelled": [False, True]}, context={"reason": case.cancel_reason})
    return case
