"""Reads of the performance calendar, and the guards every write of plans, logs and evaluations
calls before changing something that belongs to a period."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kinerja.core.errors import Conflict
from kinerja.core.models import PerformanceMonth, PerformanceYear, PeriodState


def performance_year(instansi_id: int, year: int) -> PerformanceYear | None:
    return PerformanceYear.objects.filter(instansi_id=instansi_id, year=year).first()


def require_year_open(instansi_id: int, year: int) -> PerformanceYear:
    """The year exists and is open; otherwise a refusal that says what to do."""
    found = performance_year(instansi_id, year)
    if found is None:
        raise Conflict(
            "period_not_open",
            _("Performance year %(year)s has not been opened by BKPSDM yet.") % {"year": year},
        )
    if found.state == PeriodState.CLOSED:
        raise Conflict(
            "period_closed",
            _("Performance year %(year)s is closed; only BKPSDM can reopen it.") % {"year": year},
        )
    return found


def require_month_open(instansi_id: int, year: int, month: int) -> PerformanceMonth:
    """The month (and its year) is open."""
    require_year_open(instansi_id, year)
    found = PerformanceMonth.objects.filter(
        instansi_id=instansi_id, performance_year__year=year, month=month
    ).first()
    if found is None or found.state == PeriodState.CLOSED:
        raise Conflict(
            "period_closed",
            _("%(month)02d/%(year)s is closed; only BKPSDM can reopen it.")
            % {"month": month, "year": year},
        )
    return found


def performance_years(instansi_id: int) -> list[PerformanceYear]:
    return list(PerformanceYear.objects.filter(instansi_id=instansi_id).prefetch_related("months"))
