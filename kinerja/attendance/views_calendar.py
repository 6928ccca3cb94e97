"""The working calendar pages (/kehadiran/kalender/): everyone of the instansi reads a year's
schedule (working days and hours per weekday, Ramadan dates and hours), the OPD and unit
overrides and the holidays; admin BKPSDM changes them. Opening a year that has no schedule yet
creates it with the standard week and the year's national holidays and cuti bersama
(services.calendar_year_ensure; the page says those dates must be checked against the SKB).

Every write goes through kinerja.attendance.services (which re-measures the year's presensi);
anyone but admin BKPSDM gets 403 on the edit pages and actions before anything is looked up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinerja.attendance import rules, selectors, services
from kinerja.attendance.forms import WEEKDAYS, HolidayForm, ScheduleForm, schedule_initial
from kinerja.attendance.holidays import SOURCES
from kinerja.attendance.models import Holiday, WorkSchedule
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.org.models import Opd, UnitKerja
from kinerja.people.access import get_opd_for, get_unit_for, request_account, today_in
from kinerja.people.models import Account

WEEKDAY_NAMES = dict(WEEKDAYS)


def calendar_url(year: int, anchor: str = "") -> str:
    return f"{reverse('attendance_calendar')}?tahun={year}" + (f"#{anchor}" if anchor else "")


def _year(request: HttpRequest, user: Account, raw: str | None) -> int:
    """?tahun= (or the form's `tahun`), else this year; a year out of range shows why."""
    today = today_in(user)
    text = (raw or "").strip()
    if not text:
        return today.year
    try:
        return selectors.check_year(int(text), today)
    except ValueError:
        messages.error(request, _("“%(value)s” is not a year.") % {"value": text})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return today.year


def _week(schedule: WorkSchedule) -> list[tuple[str, rules.Hours | None, rules.Hours | None]]:
    return [(str(WEEKDAY_NAMES[w.weekday]), w.hours, w.ramadan)
            for w in selectors.week_of(schedule)]


@login_required
@require_GET
def calendar_index(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    instansi_id = selectors.require_instansi(user)
    year = _year(request, user, request.GET.get("tahun"))
    schedule = services.calendar_year_ensure(instansi_id, year)
    overrides = list(selectors.overrides_of(instansi_id, year))
    holidays = list(selectors.holidays_of(instansi_id, year))
    default = selectors.week_of(schedule)
    calendar = rules.Calendar(rules.parse_hours(schedule.hours),
                              frozenset(h.date for h in holidays))
    today = today_in(user)
    context: dict[str, Any] = {
        "year": year,
        "prev_year": year - 1 if year - 1 >= today.year - selectors.YEARS_BACK else None,
        "next_year": year + 1 if year + 1 <= today.year + selectors.YEARS_AHEAD else None,
        "schedule": schedule,
        "week": _week(schedule),
        "days_per_week": sum(1 for w in default if w.hours is not None),
        "working_days": len(rules.working_days(calendar, dt.date(year, 1, 1),
                                               dt.date(year, 12, 31))),
        "overrides": [(o, _week(o)) for o in overrides],
        "holidays": holidays,
        "source": SOURCES.get(year, ""),
        "manages": selectors.may_manage(user),
        "holiday_form": HolidayForm(initial={"tanggal": dt.date(year, 1, 1)}),
    }
    return render(request, "attendance/calendar.html", context)


def _places(user: Account) -> list[tuple[Any, Any]]:
    """The OPDs and, under each, its units, as choices "opd:<id>" / "unit:<id>"."""
    instansi_id = selectors.require_instansi(user)
    opds = list(Opd.objects.filter(instansi_id=instansi_id).order_by("name", "pk"))
    units: dict[int, list[UnitKerja]] = {}
    for unit in UnitKerja.objects.filter(instansi_id=instansi_id).order_by("path", "name"):
        units.setdefault(unit.opd_id, []).append(unit)
    choices: list[tuple[Any, Any]] = []
    for opd in opds:
        group = [(f"opd:{opd.pk}", _("%(name)s (whole OPD)") % {"name": opd.name})]
        group += [(f"unit:{u.pk}", "\u2003" * u.depth + u.name) for u in units.get(opd.pk, [])]
        choices.append((opd.name, group))
    return choices


def _save(request: HttpRequest, user: Account, form: ScheduleForm, year: int, *,
          opd: Opd | None = None, unit: UnitKerja | None = None) -> WorkSchedule | None:
    try:
        schedule = services.schedule_save(actor=user, year=year, values=form.values(), opd=opd,
                                          unit=unit)
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, _("The schedule “%(name)s” is saved; the presensi of %(year)s "
                                "were measured again.") % {"name": schedule.name, "year": year})
    return schedule


def _render_form(request: HttpRequest, form: ScheduleForm, year: int,
                 schedule: WorkSchedule | None, status: int = 200) -> HttpResponse:
    return render(request, "attendance/schedule_form.html", {
        "form": form, "year": year, "schedule": schedule,
        "is_instansi": schedule is not None and schedule.opd_id is None
        and schedule.unit_id is None,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_new(request: HttpRequest) -> HttpResponse:
    """A new OPD or unit schedule for a year (?tahun=, or the form's `tahun`)."""
    user = request_account(request)
    selectors.require_manager(user)
    year = _year(request, user, request.POST.get("tahun") or request.GET.get("tahun"))
    places = _places(user)
    if request.method != "POST":
        base = selectors.instansi_schedule(user.instansi_id or 0, year)
        initial = schedule_initial(base) if base else {}
        initial.pop("nama", None)
        form = ScheduleForm(initial=initial, override=True, places=places)
        return _render_form(request, form, year, None)
    form = ScheduleForm(request.POST, override=True, places=places)
    if form.is_valid():
        place = form.place()
        opd = unit = None
        if place is not None:
            kind, pk = place
            if kind == "opd":
                opd = get_opd_for(user, pk)
            else:
                unit = get_unit_for(user, pk)
            saved = _save(request, user, form, year, opd=opd, unit=unit)
            if saved is not None:
                return redirect(calendar_url(year, f"jadwal-{saved.pk}"))
        else:
            form.add_error("tempat", _("Choose an OPD or a unit."))
    return _render_form(request, form, year, None, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The instansi's schedule of a year or an override."""
    user = request_account(request)
    selectors.require_manager(user)
    schedule = selectors.get_schedule_for(user, pk)
    override = schedule.opd_id is not None or schedule.unit_id is not None
    if request.method != "POST":
        form = ScheduleForm(initial=schedule_initial(schedule), override=override)
        return _render_form(request, form, schedule.year, schedule)
    form = ScheduleForm(request.POST, override=override)
    if form.is_valid():
        saved = _save(request, user, form, schedule.year, opd=schedule.opd, unit=schedule.unit)
        if saved is not None:
            return redirect(calendar_url(schedule.year, f"jadwal-{saved.pk}" if override
                                         else "jadwal"))
    return _render_form(request, form, schedule.year, schedule, status=400)


@login_required
@require_POST
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    selectors.require_manager(user)
    schedule = selectors.get_schedule_for(user, pk)
    try:
        services.schedule_delete(actor=user, schedule=schedule)
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The schedule “%(name)s” is removed; its people follow the "
                                    "instansi's schedule.") % {"name": schedule.name})
    return redirect(calendar_url(schedule.year, "pengecualian"))


@login_required
@require_POST
def holiday_add(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    selectors.require_manager(user)
    form = HolidayForm(request.POST)
    year = _year(request, user, request.POST.get("tahun"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            selectors.check_year(data["tanggal"].year, today_in(user))
            holiday = services.holiday_save(actor=user, day=data["tanggal"], name=data["nama"],
                                            kind=data["jenis"])
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(date)s is now a holiday: %(name)s.")
                             % {"date": holiday.date.isoformat(), "name": holiday.name})
            return redirect(calendar_url(holiday.date.year, "libur"))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    return redirect(calendar_url(year, "libur"))


@login_required
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    selectors.require_manager(user)
    holiday: Holiday = selectors.get_holiday_for(user, pk)
    services.holiday_delete(actor=user, holiday=holiday)
    messages.success(request, _("%(date)s is no longer a holiday.")
                     % {"date": holiday.date.isoformat()})
    return redirect(calendar_url(holiday.date.year, "libur"))
