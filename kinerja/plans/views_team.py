"""Planning pages around the SKP for the supervisor and the employee: the team's SKP status,
the matriks peran hasil (hand an RHK down to direct subordinates, and the matrix of who serves
which RHK), the monthly plan (rencana aksi) of an SKP, and starting an SKP from an earlier one.

Views stay thin: reads through plans.selectors (scoped to the account), writes through one
service each, refusals from services shown as messages on the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.dates import MONTHS_3
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.http import wants_partial
from kinerja.core.models import PerformanceMonth, PerformanceYear, PeriodState, SkpSource
from kinerja.people.access import pegawai_visible_to, request_account, scope_for
from kinerja.people.models import Account
from kinerja.plans import rules, services
from kinerja.plans.models import (
    Indicator,
    Intervention,
    Rhk,
    Skp,
    SkpStatus,
)
from kinerja.plans.selectors import (
    SubordinateSkp,
    get_skp_for,
    skp_detail,
    skp_list,
    team_skp_status,
)

YEAR_MIN, YEAR_MAX = 2000, 2100


def skp_url(pk: int) -> str:
    """The SKP page (built by the SKP pages; linked by path so the two areas stay apart)."""
    return f"/skp/{pk}/"


def _render(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """One view, two renderings: the partial for an HTMX swap, else the page."""
    response = render(request, partial if wants_partial(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _year_param(request: HttpRequest, account: Account) -> tuple[int, str]:
    """?tahun=YYYY, or this year; a bad value falls back to this year with a message."""
    this_year = scope_for(account).on.year
    raw = request.GET.get("tahun", "").strip()
    if not raw:
        return this_year, ""
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not YEAR_MIN <= year <= YEAR_MAX:
        return this_year, _("“%(value)s” is not a year.") % {"value": raw}
    return year, ""


def _year_choices(account: Account, year: int) -> list[int]:
    years = set(
        PerformanceYear.objects.filter(instansi_id=account.instansi_id).values_list(
            "year", flat=True
        )
    )
    years.add(scope_for(account).on.year)
    years.add(year)
    return sorted(years, reverse=True)


def _plain(value: Decimal | None) -> str:
    """A decimal as a person writes it: 12, 2.5 (not 12.00 nor 1.2E+1)."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


# --- Team SKP status ----------------------------------------------------------------------------

STATUS_BADGE = {
    "": "bad",
    SkpStatus.DRAFT: "",
    SkpStatus.SUBMITTED: "warn",
    SkpStatus.APPROVED: "ok",
    SkpStatus.RETURNED: "bad",
}
TEAM_FILTERS = {
    "belum": _lazy("Without an SKP"),
    "menunggu": _lazy("Waiting for approval"),
}


@dataclass(frozen=True)
class TeamRow:
    member: SubordinateSkp
    status: str
    label: str
    badge: str


def _team_row(member: SubordinateSkp) -> TeamRow:
    status = member.skp.status if member.skp else ""
    label = member.skp.get_status_display() if member.skp else _("No SKP yet")
    return TeamRow(member, status, str(label), STATUS_BADGE.get(status, ""))


@login_required
def team_skp(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    year, year_error = _year_param(request, user)
    shown = request.GET.get("tampil", "")
    if shown not in TEAM_FILTERS:
        shown = ""
    rows = [_team_row(m) for m in team_skp_status(user, year)]
    counts = {
        "all": len(rows),
        "belum": sum(1 for r in rows if not r.status),
        "menunggu": sum(1 for r in rows if r.status == SkpStatus.SUBMITTED),
    }
    if shown == "belum":
        rows = [r for r in rows if not r.status]
    elif shown == "menunggu":
        rows = [r for r in rows if r.status == SkpStatus.SUBMITTED]
    context = {
        "year": year,
        "year_error": year_error,
        "years": _year_choices(user, year),
        "shown": shown,
        "filters": TEAM_FILTERS,
        "counts": counts,
        "direct": [r for r in rows if r.member.direct],
        "indirect": [r for r in rows if not r.member.direct],
        "has_position": bool(scope_for(user).held),
    }
    return _render(request, "plans/team_skp.html", "plans/team_skp_list.html", context)


# --- Matriks peran hasil ------------------------------------------------------------------------


@login_required
def team_matrix(request: HttpRequest) -> HttpResponse:
    """The supervisor's approved RHKs (rows) against the direct subordinates (columns): a mark
    where a subordinate's RHK serves that RHK."""
    user = request_account(request)
    year, year_error = _year_param(request, user)
    own_skps: list[Skp] = []
    rhks: list[Rhk] = []
    if user.pegawai_id is not None:
        own_skps = list(
            Skp.objects.filter(pegawai_id=user.pegawai_id, year=year)
            .exclude(status=SkpStatus.CLOSED)
            .order_by("start_date")
        )
        rhks = list(
            Rhk.objects.filter(
                skp__pegawai_id=user.pegawai_id, skp__year=year, skp__status=SkpStatus.APPROVED
            ).order_by("skp__start_date", "kind", "order", "pk")
        )
    members = [m for m in team_skp_status(user, year) if m.direct]
    served: dict[tuple[int, int], list[str]] = defaultdict(list)
    if rhks and members:
        children = (
            Rhk.objects.filter(
                parent_id__in=[r.pk for r in rhks],
                skp__pegawai_id__in=[m.pegawai.pk for m in members],
                skp__year=year,
            )
            .exclude(skp__status=SkpStatus.CLOSED)
            .values_list("parent_id", "skp__pegawai_id", "text")
            .order_by("pk")
        )
        for parent_id, pegawai_id, text in children:
            served[(parent_id, pegawai_id)].append(text)
    matrix = [
        (rhk, [(m, served.get((rhk.pk, m.pegawai.pk), [])) for m in members]) for rhk in rhks
    ]
    context = {
        "year": year,
        "year_error": year_error,
        "years": _year_choices(user, year),
        "own_skps": own_skps,
        "members": [_team_row(m) for m in members],
        "matrix": matrix,
    }
    return render(request, "plans/team_matrix.html", context)


class IdsField(forms.TypedMultipleChoiceField):
    """Ids of people: any whole number is accepted here; the service decides who may receive
    the RHK and reports the others (a person who stopped being a direct subordinate meanwhile)."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


class HandDownForm(forms.Form):
    pegawai = IdsField(
        label=_lazy("Direct subordinates"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Choose at least one subordinate.")},
    )
    text = forms.CharField(
        label=_lazy("Text of the subordinate's RHK"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Leave as it is to use the text of your RHK."),
    )
    intervention = forms.ChoiceField(
        label=_lazy("Intervention"),
        choices=Intervention.choices,
        initial=Intervention.DIRECT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, members: list[SubordinateSkp], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["pegawai"].choices = [(m.pegawai.pk, m.pegawai.full_name) for m in members]


def _own_rhk(account: Account, pk: int) -> Rhk:
    """One of the account's own RHKs; anyone else's looks missing (the hand-down is the
    owner's tool: there is nothing to show others here)."""
    rhk = (
        Rhk.objects.filter(pk=pk, skp__pegawai_id=account.pegawai_id or 0)
        .filter(skp__instansi_id=account.instansi_id)
        .select_related("skp", "skp__pegawai", "skp__jabatan", "parent")
        .first()
    )
    if rhk is None:
        raise NotFound("not_found", _("RHK not found."))
    return rhk


HAND_DOWN_MESSAGES = {
    "created": _lazy("%(name)s: RHK added to their draft SKP."),
    "not_direct_subordinate": _lazy("%(name)s: skipped, not your direct subordinate."),
    "skp_not_editable": _lazy(
        "%(name)s: skipped, their SKP is %(status)s; it must be returned or revised first."
    ),
    "no_position": _lazy("%(name)s: skipped, no definitive position in %(year)s."),
    "already_serves": _lazy("%(name)s: skipped, an RHK of theirs already serves this RHK."),
    "skp_mirrored": _lazy(
        "%(name)s: skipped, SKPs of %(year)s are mirrored from BKN e-Kinerja."
    ),
}


def _report_hand_down(
    request: HttpRequest,
    account: Account,
    rhk: Rhk,
    results: list[services.HandDownResult],
    members: list[SubordinateSkp],
) -> None:
    by_id = {m.pegawai.pk: m for m in members}
    unknown = [r.pegawai_id for r in results if r.pegawai_id not in by_id]
    # Names only of people the account may see: a typed id must not reveal anyone.
    names = {
        p.pk: p.full_name for p in pegawai_visible_to(account).filter(pk__in=unknown)
    } if unknown else {}
    statuses = dict(
        Skp.objects.filter(pegawai_id__in=[r.pegawai_id for r in results], year=rhk.skp.year)
        .exclude(status=SkpStatus.CLOSED)
        .values_list("pegawai_id", "status")
    )
    for result in results:
        member = by_id.get(result.pegawai_id)
        name = member.pegawai.full_name if member else names.get(
            result.pegawai_id, _("Employee #%(id)s") % {"id": result.pegawai_id}
        )
        status = statuses.get(result.pegawai_id, "")
        text = HAND_DOWN_MESSAGES.get(result.code, _lazy("%(name)s: skipped (%(code)s)."))
        message = str(text) % {
            "name": name,
            "status": SkpStatus(status).label if status else "-",
            "year": rhk.skp.year,
            "code": result.code,
        }
        level = messages.SUCCESS if result.code == "created" else messages.WARNING
        messages.add_message(request, level, message)


@login_required
def rhk_hand_down(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    rhk = _own_rhk(user, pk)
    skp = rhk.skp
    members = [m for m in team_skp_status(user, skp.year) if m.direct]
    served = set(
        Rhk.objects.filter(parent=rhk)
        .exclude(skp__status=SkpStatus.CLOSED)
        .values_list("skp__pegawai_id", flat=True)
    )
    # Ticked by default: who has no RHK serving this one yet and could still receive one.
    ready = [
        m.pegawai.pk
        for m in members
        if m.pegawai.pk not in served and (m.skp is None or m.skp.is_editable_status)
    ]
    form = HandDownForm(
        request.POST or None,
        members=members,
        initial={"pegawai": ready, "text": rhk.text, "intervention": Intervention.DIRECT},
    )
    if request.method == "POST" and form.is_valid():
        try:
            results = services.rhk_hand_down(
                actor=user,
                rhk=rhk,
                pegawai_ids=form.cleaned_data["pegawai"],
                text=form.cleaned_data["text"],
                intervention=form.cleaned_data["intervention"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            _report_hand_down(request, user, rhk, results, members)
            return redirect("rhk_hand_down", pk=rhk.pk)
    rows = [
        (form["pegawai"][i], _team_row(m), m.pegawai.pk in served)
        for i, m in enumerate(members)
    ]
    context = {
        "rhk": rhk,
        "skp": skp,
        "skp_url": skp_url(skp.pk),
        "approved": skp.status == SkpStatus.APPROVED,
        "form": form,
        "rows": rows,
    }
    return render(request, "plans/handdown_form.html", context)


# --- Monthly plan (rencana aksi) ----------------------------------------------------------------


class MonthlyForm(forms.Form):
    """One indicator's months: target and planned action per open month (closed months are
    shown, not sent)."""

    def __init__(
        self,
        *args: Any,
        indicator: Indicator,
        open_months: list[int],
        with_target: bool,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", f"i{indicator.pk}")
        super().__init__(*args, **kwargs)
        for month in open_months:
            if with_target:
                self.fields[f"t{month}"] = forms.DecimalField(
                    label=_lazy("Target"),
                    required=False,
                    max_digits=18,
                    decimal_places=2,
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "size": 6, "placeholder": _lazy("Target")}
                    ),
                )
            self.fields[f"a{month}"] = forms.CharField(
                label=_lazy("Planned action"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": _lazy("Planned action")}),
            )

    def plans(self, open_months: list[int]) -> list[services.MonthPlan]:
        data = self.cleaned_data
        return [
            services.MonthPlan(month, data.get(f"t{month}"), data.get(f"a{month}") or "")
            for month in open_months
        ]


@dataclass
class IndicatorPlan:
    """What the page shows for one indicator."""

    indicator: Indicator
    form: MonthlyForm | None
    months: list[dict[str, Any]]
    with_target: bool
    can_spread: bool
    saved_total: Decimal | None
    error: str = ""
    notice: str = ""


@dataclass
class MonthlyPage:
    skp: Skp
    months: list[int]
    closed: set[int]
    editable: bool
    reason: str


def _monthly_page(account: Account, skp: Skp) -> MonthlyPage:
    months = list(range(skp.start_date.month, skp.end_date.month + 1))
    period = (
        PerformanceYear.objects.filter(instansi_id=skp.instansi_id, year=skp.year)
        .only("state")
        .first()
    )
    closed = set(
        PerformanceMonth.objects.filter(
            instansi_id=skp.instansi_id, performance_year__year=skp.year, state=PeriodState.CLOSED
        ).values_list("month", flat=True)
    )
    reason = ""
    if account.pegawai_id != skp.pegawai_id:
        reason = _("Only the employee writes their monthly plan; you see it read-only.")
    elif skp.source != SkpSource.KINERJA:
        reason = _("This SKP is mirrored from BKN e-Kinerja; change it there.")
    elif skp.status == SkpStatus.CLOSED:
        reason = _("This SKP is closed.")
    elif period is None:
        reason = _("Performance year %(year)s has not been opened by BKPSDM yet.") % {
            "year": skp.year
        }
    elif period.state == PeriodState.CLOSED:
        reason = _("Performance year %(year)s is closed; only BKPSDM can reopen it.") % {
            "year": skp.year
        }
    return MonthlyPage(skp, months, closed, not reason, reason)


def _indicator_plan(
    page: MonthlyPage,
    indicator: Indicator,
    data: QueryDict | None = None,
    *,
    error: str = "",
    notice: str = "",
) -> IndicatorPlan:
    saved = {t.month: t for t in indicator.monthly.all()}
    with_target = indicator.target_kind != "kualitatif"
    open_months = [m for m in page.months if m not in page.closed]
    form = None
    if page.editable and open_months:
        initial: dict[str, Any] = {}
        for month in open_months:
            row = saved.get(month)
            initial[f"t{month}"] = _plain(row.target) if row else ""
            initial[f"a{month}"] = row.action if row else ""
        form = MonthlyForm(
            data,
            indicator=indicator,
            open_months=open_months,
            with_target=with_target,
            initial=initial,
        )
        if data is not None:
            form.is_valid()
    months = []
    for month in page.months:
        row = saved.get(month)
        editable = form is not None and month not in page.closed
        months.append(
            {
                "month": month,
                "name": capfirst(MONTHS_3[month]),
                "closed": month in page.closed,
                "target": form[f"t{month}"] if editable and with_target else None,
                "action": form[f"a{month}"] if editable else None,
                "saved_target": _plain(row.target) if row else "",
                "saved_action": row.action if row else "",
            }
        )
    quantity = indicator.aspek == "kuantitas" and indicator.target_kind == "angka"
    total = None
    if quantity:
        total = sum((t.target for t in saved.values() if t.target is not None), Decimal(0))
    return IndicatorPlan(
        indicator=indicator,
        form=form,
        months=months,
        with_target=with_target,
        can_spread=form is not None and quantity and indicator.target_min is not None,
        saved_total=total,
        error=error,
        notice=notice,
    )


def _spread(page: MonthlyPage, indicator: Indicator, data: QueryDict) -> QueryDict:
    """The typed form with the quantity targets spread evenly over the open months (what the
    closed months already hold is kept and taken off the annual target); actions stay as typed."""
    saved = {t.month: t.target for t in indicator.monthly.all()}
    open_months = [m for m in page.months if m not in page.closed]
    held = sum(
        (saved[m] or Decimal(0) for m in page.months if m in page.closed and m in saved),
        Decimal(0),
    )
    remaining = max((indicator.target_min or Decimal(0)) - held, Decimal(0))
    data = data.copy()
    for month, value in rules.spread_evenly(remaining, open_months).items():
        data[f"i{indicator.pk}-t{month}"] = _plain(value)
    return data


@login_required
def monthly_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    skp = get_skp_for(user, pk)
    page = _monthly_page(user, skp)
    detail = skp_detail(skp)
    indicators = {i.pk: i for r in detail.rhk.all() for i in r.indicators.all()}
    posted: IndicatorPlan | None = None
    if request.method == "POST":
        if user.pegawai_id != skp.pegawai_id:
            raise Forbidden("forbidden", _("Only the employee may change their own SKP."))
        raw = request.POST.get("indikator", "")
        if not raw:
            return redirect("monthly_plan", pk=skp.pk)
        indicator = indicators.get(int(raw)) if raw.isdigit() else None
        if indicator is None:
            raise NotFound("not_found", _("Indicator not found."))
        if not page.editable:
            posted = _indicator_plan(page, indicator, error=page.reason)
        elif request.POST.get("aksi") == "bagi-rata":
            posted = _indicator_plan(
                page,
                indicator,
                _spread(page, indicator, request.POST),
                notice=_("Spread evenly over the open months. Check the numbers, then save."),
            )
        else:
            posted = _indicator_plan(page, indicator, request.POST)
            if posted.form is None:
                posted.error = _("Every month of this SKP is closed.")
            elif posted.form.is_valid():
                open_months = [m for m in page.months if m not in page.closed]
                try:
                    services.monthly_plan_save(
                        actor=user, indicator=indicator, months=posted.form.plans(open_months)
                    )
                except ApplicationError as exc:
                    posted.error = exc.message
                else:
                    if not wants_partial(request):
                        messages.success(request, _("Monthly plan saved."))
                        return redirect(
                            reverse("monthly_plan", args=[skp.pk]) + f"#ind-{indicator.pk}"
                        )
                    # Fresh from the database: the saved values, shown in a fresh form.
                    indicator = Indicator.objects.prefetch_related("monthly").get(
                        pk=indicator.pk
                    )
                    posted = _indicator_plan(page, indicator, notice=_("Monthly plan saved."))
            else:
                posted.error = _("Check the highlighted months.")
        if wants_partial(request):
            response = render(
                request, "plans/monthly_indicator.html", {"plan": posted, "page": page}
            )
            patch_vary_headers(response, ("HX-Request",))
            return response
    rhks = []
    for rhk in detail.rhk.all():
        plans = [
            posted if posted and posted.indicator.pk == i.pk else _indicator_plan(page, i)
            for i in rhk.indicators.all()
        ]
        rhks.append((rhk, plans))
    context = {
        "skp": detail,
        "skp_url": skp_url(skp.pk),
        "page": page,
        "rhks": rhks,
    }
    return render(request, "plans/monthly_plan.html", context)


# --- Start from an earlier SKP ------------------------------------------------------------------


class CopyForm(forms.Form):
    source = forms.TypedChoiceField(
        label=_lazy("Copy from"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _lazy("Choose the SKP to copy.")},
    )
    year = forms.TypedChoiceField(label=_lazy("Into year"), coerce=int)

    def __init__(
        self, *args: Any, sources: list[Skp], years: list[int], **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            (
                s.pk,
                f"{s.year} · {s.jabatan.name} · {s.get_status_display()} · "
                f"{getattr(s, 'rhk_count', 0)} RHK",
            )
            for s in sources
        ]
        self.fields["year"].choices = [(y, str(y)) for y in years]


@login_required
def skp_copy(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    me = user.pegawai
    sources: list[Skp] = []
    years: list[int] = []
    if me is not None:
        sources = list(
            skp_list(user, pegawai=me).annotate(rhk_count=Count("rhk")).order_by(
                "-year", "-start_date"
            )
        )
        years = list(
            PerformanceYear.objects.filter(
                instansi_id=user.instansi_id,
                state=PeriodState.OPEN,
                skp_source=SkpSource.KINERJA,
            )
            .order_by("-year")
            .values_list("year", flat=True)
        )
    this_year = scope_for(user).on.year
    default_year = this_year if this_year in years else (years[0] if years else None)
    # Only earlier SKPs can be copied into a year; offer those of any year below the latest.
    latest = max(years) if years else 0
    sources = [s for s in sources if s.year < latest]
    form = CopyForm(
        request.POST or None,
        sources=sources,
        years=years,
        initial={"year": default_year, "source": sources[0].pk if sources else None},
    )
    existing: list[Skp] = []
    if request.method == "POST" and me is not None and form.is_valid():
        source = next(s for s in sources if s.pk == form.cleaned_data["source"])
        year = form.cleaned_data["year"]
        try:
            new = services.skp_copy_from(actor=user, source=source, year=year)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            if exc.code == "skp_exists":
                existing = [s for s in skp_list(user, pegawai=me, year=year)]
        else:
            messages.success(
                request,
                _(
                    "SKP %(year)s started from your SKP %(source)s. Link each RHK to this "
                    "year's RHK of your pejabat penilai."
                )
                % {"year": year, "source": source.year},
            )
            return redirect(skp_url(new.pk))
    own_years = {}
    if me is not None and years:
        own_years = {
            s.year: s
            for s in skp_list(user, pegawai=me).filter(year__in=years).exclude(
                status=SkpStatus.CLOSED
            )
        }
    context = {
        "form": form,
        "has_pegawai": me is not None,
        "sources": sources,
        "years": years,
        "existing": [(s, skp_url(s.pk)) for s in existing],
        "own_years": sorted(
            ((y, skp_url(s.pk), s) for y, s in own_years.items()), key=lambda t: -t[0]
        ),
    }
    return render(request, "plans/copy_form.html", context)
