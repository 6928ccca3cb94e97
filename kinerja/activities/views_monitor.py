"""Monitoring pages: the supervisor's team (pending verifications, overdue assignments, who has
not logged this week) and the logging compliance of an OPD per unit for a month (admin OPD for
their OPDs; admin BKPSDM and pimpinan for any OPD of the instansi). Reads only, through
kinerja.activities.monitoring."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kinerja.activities.monitoring import (
    may_monitor_opds,
    monitorable_opds,
    opd_compliance,
    team_monitor,
)
from kinerja.people.access import request_account, scope_for

YEAR_MIN, YEAR_MAX = 2000, 2100


def assignment_url(pk: int) -> str:
    """The assignment page (built by the assignment pages; its path until the name exists)."""
    try:
        return reverse("assignment_detail", args=[pk])
    except NoReverseMatch:
        return f"/penugasan/{pk}/"


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    report = team_monitor(user)
    context = {
        "report": report,
        "overdue": [
            (a, assignment_url(a.pk), (report.today - a.due_date).days) for a in report.overdue
        ],
        "has_position": bool(scope_for(user).held),
        "monitors_opd": may_monitor_opds(user),
    }
    return render(request, "activities/monitor_team.html", context)


def _month_param(raw: str, today: dt.date) -> tuple[int, int, str]:
    """?bulan=YYYY-MM, or this month; a bad value falls back to this month with a message."""
    raw = raw.strip()
    if not raw:
        return today.year, today.month, ""
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        dt.date(year, month, 1)
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ValueError
    except ValueError:
        return (
            today.year,
            today.month,
            _("“%(value)s” is not a month; use the form YYYY-MM.") % {"value": raw},
        )
    return year, month, ""


@login_required
def opd(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request_account(request)
    opds = list(monitorable_opds(user))
    if not opds:
        raise Http404(_("Page not found."))
    raw_pk = request.GET.get("opd", "")
    if pk is None and raw_pk.isdigit():
        pk = int(raw_pk)
    chosen = opds[0] if pk is None else next((o for o in opds if o.pk == pk), None)
    if chosen is None:
        raise Http404(_("OPD not found."))
    today = scope_for(user).on
    year, month, month_error = _month_param(request.GET.get("bulan", ""), today)
    report = opd_compliance(chosen, year=year, month=month, today=today)
    context = {
        "opds": opds,
        "chosen": chosen,
        "report": report,
        "month_value": f"{year:04d}-{month:02d}",
        "month_error": month_error,
        "is_future": report.month_start > today,
    }
    return render(request, "activities/monitor_opd.html", context)
