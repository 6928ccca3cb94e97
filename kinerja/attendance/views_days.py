"""Attendance pages of people's months: one's own (/kehadiran/), someone else's in the viewer's
scope (/kehadiran/pegawai/<nip>/: atasan, admin OPD, the instansi's readers; 404 outside), and
the month summary per person for admin OPD and the instansi's readers (/kehadiran/rekap/).

Reads only, through kinerja.attendance.selectors; presensi and leave files come in through the
SIMPEG import page (/impor/, kinds `presensi` and `leaves`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from kinerja.attendance import rules, selectors
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.people.access import (
    get_opd_for,
    may_import,
    pegawai_visible_to,
    request_account,
    scope_for,
    today_in,
)
from kinerja.people.models import Account, Pegawai

SUMMARY_PAGE = 50
TEAM_SHOWN = 50

STATUS_LABELS = {
    rules.HADIR: _lazy("Present"),
    rules.TANPA_KETERANGAN: _lazy("Absent (tanpa keterangan)"),
    rules.CUTI: _lazy("Leave"),
    rules.LIBUR: _lazy("Day off"),
    selectors.PENDING: _lazy("Not yet"),
}
CODE_LABELS = {"no_in": _lazy("no check-in"), "no_out": _lazy("no check-out")}


def code_label(code: str) -> str:
    return str(CODE_LABELS.get(code, code))


@dataclass(frozen=True)
class DayView:
    day: selectors.Day

    @property
    def label(self) -> str:
        return str(STATUS_LABELS.get(self.day.state, self.day.state))

    @property
    def codes(self) -> list[str]:
        return [code_label(c) for c in self.day.codes]

    @property
    def leave(self) -> str:
        return selectors.leave_label(self.day.leave_kind) if self.day.leave_kind else ""


def month_of(request: HttpRequest, today: dt.date) -> dt.date:
    """?bulan=YYYY-MM, or this month; a bad value shows a message and falls back."""
    try:
        return selectors.parse_month(request.GET.get("bulan"), today)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return today.replace(day=1)


def code_rows(counts: selectors.MonthCounts) -> list[tuple[Any, Any, Any, Any]]:
    """(late code, days, early code, days) side by side, then the missing check-in/out."""
    rows: list[tuple[Any, Any, Any, Any]] = [
        (late[0], late[1], early[0], early[1]) for late, early in zip_longest(
            counts.late.items(), counts.early.items(), fillvalue=("", None))
    ]
    rows.append((_("No check-in"), counts.missing_in, _("No check-out"), counts.missing_out))
    return rows


def _month_context(user: Account, pegawai: Pegawai, first: dt.date, today: dt.date,
                   url: str) -> dict[str, Any]:
    pm = selectors.person_month(pegawai, first.year, first.month, today=today)
    return {
        "pm": pm,
        "days": [DayView(d) for d in pm.days],
        "counts": pm.counts,
        "code_rows": code_rows(pm.counts),
        "leave_counts": [(selectors.leave_label(k), n) for k, n in pm.counts.leave.items()],
        "month": first,
        "today": today,
        "prev_month": selectors.shift_month(first, -1),
        "next_month": selectors.shift_month(first, 1),
        "month_url": url,
    }


def _cases(user: Account, pegawai: Pegawai, first: dt.date) -> list[tuple[Any, bool, dt.date]]:
    """The person's discipline cases, for themself and the instansi's readers only."""
    if pegawai.pk != user.pegawai_id and not selectors.reads_all(user):
        return []
    return [(c, selectors.affects(c, first), selectors.end_month(c))
            for c in selectors.own_cases(pegawai.pk)]


@login_required
@require_GET
def my_month(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    today = today_in(user)
    first = month_of(request, today)
    scope = scope_for(user)
    context: dict[str, Any] = {
        "own": True,
        "month": first,
        "reads_summary": selectors.may_read_summary(user),
        "reads_all": selectors.reads_all(user),
        "manages": selectors.may_manage(user),
        "team": [],
    }
    if user.pegawai_id is not None:
        pegawai = Pegawai.objects.get(pk=user.pegawai_id)  # one's own record
        context.update(_month_context(user, pegawai, first, today, reverse("attendance_mine")))
        context["pegawai"] = pegawai
        context["cases"] = _cases(user, pegawai, first)
    if not context["reads_summary"] and scope.is_atasan:
        # The people below the atasan (the instansi's readers and admin OPD use the summary).
        context["team"] = list(pegawai_visible_to(user).exclude(pk=scope.pegawai_id or 0)
                               .order_by("name", "nip")[:TEAM_SHOWN])
    return render(request, "attendance/month.html", context)


@login_required
@require_GET
def person_month(request: HttpRequest, nip: str) -> HttpResponse:
    user = request_account(request)
    pegawai = selectors.get_person_for(user, nip)
    today = today_in(user)
    first = month_of(request, today)
    context = _month_context(user, pegawai, first, today,
                             reverse("attendance_person", args=[pegawai.nip]))
    context.update(own=pegawai.pk == user.pegawai_id, pegawai=pegawai,
                   cases=_cases(user, pegawai, first),
                   reads_summary=selectors.may_read_summary(user))
    return render(request, "attendance/month.html", context)


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    if not selectors.may_read_summary(user):
        raise Forbidden("forbidden", _("Only admin OPD and the instansi's readers see the "
                                       "attendance summary."))
    today = today_in(user)
    first = month_of(request, today)
    opds = list(selectors.summary_opds(user))
    chosen = None
    raw = request.GET.get("opd", "")
    if raw.isdigit():
        chosen = get_opd_for(user, int(raw))
    elif len(opds) == 1:
        chosen = opds[0]
    rows = selectors.month_summary(user, first, opd=chosen, today=today)
    paginator: Paginator[selectors.SummaryRow] = Paginator(rows, SUMMARY_PAGE)
    page: Page[selectors.SummaryRow] = paginator.get_page(request.GET.get("page"))
    bands = rows.bands
    query = f"bulan={first:%Y-%m}" + (f"&opd={chosen.pk}" if chosen else "")
    context = {
        "month": first,
        "opds": opds,
        "chosen": chosen,
        "page": page,
        "late_codes": [b.code for b in bands if b.applies_to == rules.LATE],
        "early_codes": [b.code for b in bands if b.applies_to == rules.EARLY],
        "page_query": query,
        "may_import": may_import(user),
        "today": today,
    }
    return render(request, "attendance/summary.html", context)
