"""The performance calendar page (/periode/): every account of the instansi sees the years, their
settings and each month's state and logging deadline; admin BKPSDM opens a year, changes its
settings, closes and reopens months and years (kinerja.core.services, which check and audit).

Writes are plain POST forms answered with a redirect back to the page (works without
JavaScript); a refusal from a service comes back as a message on the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kinerja.core import rules
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import (
    EvaluationFrequency,
    PerformanceMonth,
    PerformanceYear,
    PeriodState,
    SkpSource,
)
from kinerja.core.selectors import performance_year, performance_years
from kinerja.core.services import (
    performance_year_open,
    performance_year_update,
    period_close,
    period_reopen,
)
from kinerja.people.access import request_account, scope_for, today_in
from kinerja.people.models import Account
from kinerja.people.selectors import audit_trail
from kinerja.web.views import PageForm

HISTORY_SIZE = 20


# --- Reads shared with the API (kinerja/web/periods_api.py) ----------------------------------


@dataclass(frozen=True)
class MonthRow:
    month: PerformanceMonth
    first_day: dt.date
    log_deadline: dt.date
    evaluation_period: int
    period_label: str

    @property
    def is_open(self) -> bool:
        return self.month.state == PeriodState.OPEN


@dataclass(frozen=True)
class YearRow:
    year: PerformanceYear
    months: list[MonthRow]

    @property
    def is_open(self) -> bool:
        return self.year.state == PeriodState.OPEN


def _period_label(year: int, month: int, frequency: str) -> str:
    period = rules.period_of_month(year, month, frequency)
    if frequency == rules.QUARTERLY:
        return _("Quarter %(roman)s") % {"roman": rules.ROMAN[period.number - 1]}
    return _("Month %(number)s") % {"number": period.number}


def year_row(year: PerformanceYear) -> YearRow:
    """A year with its months (prefetched as `months`) and what the rules say of each."""
    rows = [
        MonthRow(
            month=m,
            first_day=dt.date(year.year, m.month, 1),
            log_deadline=rules.log_deadline(year.year, m.month, year.log_deadline_day),
            evaluation_period=rules.period_of_month(
                year.year, m.month, year.evaluation_frequency
            ).number,
            period_label=_period_label(year.year, m.month, year.evaluation_frequency),
        )
        for m in sorted(year.months.all(), key=lambda m: m.month)
    ]
    return YearRow(year, rows)


def calendar_for(account: Account) -> list[YearRow]:
    """The performance years of the account's instansi, newest first, in two queries."""
    if account.instansi_id is None:
        return []
    return [year_row(y) for y in performance_years(account.instansi_id)]


def get_year_for(account: Account, year: int) -> PerformanceYear:
    """A year of the account's instansi, or 404 (another instansi's years do not exist)."""
    found = performance_year(account.instansi_id, year) if account.instansi_id else None
    if found is None:
        raise Http404(_("Performance year not found."))
    return found


def get_month_for(account: Account, year: int, month: int) -> PerformanceMonth:
    found = (
        PerformanceMonth.objects.filter(
            instansi_id=account.instansi_id, performance_year__year=year, month=month
        )
        .select_related("performance_year")
        .first()
        if account.instansi_id
        else None
    )
    if found is None:
        raise Http404(_("Performance month not found."))
    return found


# --- Forms ------------------------------------------------------------------------------------


class YearSettingsForm(PageForm):
    evaluation_frequency = forms.ChoiceField(
        label=_lazy("Evaluation frequency"), choices=EvaluationFrequency.choices
    )
    log_deadline_day = forms.IntegerField(
        label=_lazy("Logging deadline (day of the next month)"),
        min_value=1,
        max_value=28,
        help_text=_lazy("1 to 28: a month's activities may be logged until this day."),
    )
    skp_source = forms.ChoiceField(label=_lazy("SKP source"), choices=SkpSource.choices)


class YearOpenForm(YearSettingsForm):
    year = forms.IntegerField(label=_lazy("Year"), min_value=2000, max_value=2100)

    field_order = ["year", "evaluation_frequency", "log_deadline_day", "skp_source"]


class ReasonForm(PageForm):
    reason = forms.CharField(
        label=_lazy("Reason"), max_length=500, widget=forms.TextInput(attrs={"required": True})
    )


# --- Pages ------------------------------------------------------------------------------------


def _may_manage(account: Account) -> bool:
    scope = scope_for(account)
    return scope.instansi_id is not None and scope.writes_whole_instansi


def _require_manager(account: Account) -> None:
    if not _may_manage(account):
        raise PermissionDenied(_("Only BKPSDM administrators manage performance periods."))


def _render(
    request: HttpRequest, *, open_form: YearOpenForm | None = None, status: int = 200
) -> HttpResponse:
    user = request_account(request)
    manages = _may_manage(user)
    years = calendar_for(user)
    if manages and open_form is None:
        newest = max((y.year.year for y in years), default=today_in(user).year - 1)
        open_form = YearOpenForm(
            initial={
                "year": newest + 1,
                "evaluation_frequency": EvaluationFrequency.MONTHLY,
                "log_deadline_day": 5,
                "skp_source": SkpSource.KINERJA,
            }
        )
    settings_forms = {
        y.year.year: YearSettingsForm(
            initial={
                "evaluation_frequency": y.year.evaluation_frequency,
                "log_deadline_day": y.year.log_deadline_day,
                "skp_source": y.year.skp_source,
            },
            auto_id=f"id_{y.year.year}_%s",
        )
        for y in years
    } if manages else {}
    history = list(audit_trail(user).filter(action__startswith="period.")[:HISTORY_SIZE])
    context: dict[str, Any] = {
        "years": [(y, settings_forms.get(y.year.year)) for y in years],
        "manages": manages,
        "open_form": open_form if manages else None,
        "today": today_in(user),
        "history": history,
    }
    return render(request, "web/periods.html", context, status=status)


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    """The calendar; POST opens a new year (admin BKPSDM)."""
    if request.method != "POST":
        return _render(request)
    user = request_account(request)
    _require_manager(user)
    form = YearOpenForm(request.POST)
    if not form.is_valid():
        return _render(request, open_form=form)
    data = form.cleaned_data
    try:
        performance_year_open(
            actor=user,
            instansi_id=user.instansi_id,  # type: ignore[arg-type]
            year=data["year"],
            evaluation_frequency=data["evaluation_frequency"],
            log_deadline_day=data["log_deadline_day"],
            skp_source=data["skp_source"],
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _render(request, open_form=form)
    messages.success(request, _("Performance year %(year)s is open.") % {"year": data["year"]})
    return redirect("periods")


def _done(request: HttpRequest, call: Any, success: str) -> HttpResponse:
    """Run a service call; its refusal becomes an error message on the page."""
    try:
        call()
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("periods")


def _invalid(request: HttpRequest, form: forms.Form) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("periods")


@login_required
@require_POST
def period_update(request: HttpRequest, year: int) -> HttpResponse:
    user = request_account(request)
    found = get_year_for(user, year)
    _require_manager(user)
    form = YearSettingsForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    return _done(
        request,
        lambda: performance_year_update(actor=user, performance_year=found, **form.cleaned_data),
        _("The settings of %(year)s are saved.") % {"year": year},
    )


@login_required
@require_POST
def period_close_view(request: HttpRequest, year: int) -> HttpResponse:
    user = request_account(request)
    found = get_year_for(user, year)
    _require_manager(user)
    return _done(
        request,
        lambda: period_close(actor=user, period=found),
        _("Performance year %(year)s is closed.") % {"year": year},
    )


@login_required
@require_POST
def period_reopen_view(request: HttpRequest, year: int) -> HttpResponse:
    user = request_account(request)
    found = get_year_for(user, year)
    _require_manager(user)
    return _done(
        request,
        lambda: period_reopen(actor=user, period=found, reason=request.POST.get("reason", "")),
        _("Performance year %(year)s is open again.") % {"year": year},
    )


@login_required
@require_POST
def month_close_view(request: HttpRequest, year: int, month: int) -> HttpResponse:
    user = request_account(request)
    found = get_month_for(user, year, month)
    _require_manager(user)
    return _done(
        request,
        lambda: period_close(actor=user, period=found),
        _("%(month)02d/%(year)s is closed.") % {"month": month, "year": year},
    )


@login_required
@require_POST
def month_reopen_view(request: HttpRequest, year: int, month: int) -> HttpResponse:
    user = request_account(request)
    found = get_month_for(user, year, month)
    _require_manager(user)
    return _done(
        request,
        lambda: period_reopen(actor=user, period=found, reason=request.POST.get("reason", "")),
        _("%(month)02d/%(year)s is open again.") % {"month": month, "year": year},
    )

