"""Calibration pages (RULES.md 1.7, SE MenPANRB 3/2023): per OPD the employees' predikat of a
period against the distribution curve of the OPD's organisation predikat, the OPDs outside the
curve first; an OPD's evaluations with the change of a predikat (with a reason, audited), its
curve drawn as bars, and how each supervisor rates against the rest of the OPD.

Readers: admin BKPSDM, pimpinan and auditor (selectors.may_read_calibration); everyone else
gets 403. Admin BKPSDM and pimpinan set the organisation predikat and change predikat
(selectors.may_calibrate); the auditor only reads. Writes are plain POST forms answered with a
redirect back (they work without JavaScript); a service's refusal comes back as a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.evaluations import rules, services
from kinerja.evaluations.batch import PeriodSpec, period_spec
from kinerja.evaluations.forms_calibration import (
    CalibrateForm,
    OrgPredikatForm,
    curve_lines,
    default_period,
    finding_views,
    org_predikat_label,
    parse_period,
    period_choices,
    period_key,
    period_label,
    period_options,
    predikat_label,
)
from kinerja.evaluations.models import Evaluation, OrgPredikatChoice, Predikat
from kinerja.evaluations.selectors import (
    OpdDistribution,
    calibration_overview,
    may_calibrate,
    may_read_calibration,
    org_predikat_of,
    rater_analytics,
)
from kinerja.org.models import Opd
from kinerja.people.access import request_account, today_in
from kinerja.people.models import Account

PAGE_SIZE = 50


def _require_reader(account: Account) -> int:
    if not may_read_calibration(account) or account.instansi_id is None:
        raise PermissionDenied(
            _("Calibration is for BKPSDM administrators, the leadership and auditors.")
        )
    return account.instansi_id


def _require_calibrator(account: Account) -> None:
    if not may_calibrate(account):
        raise PermissionDenied(_("Only admin BKPSDM and pimpinan calibrate predikat."))


def _selected_period(request: HttpRequest, account: Account) -> tuple[PeriodSpec, list[Any]]:
    """The period of `?periode=` (404 when it names none), else the default; with the picker's
    options."""
    today = today_in(account)
    periods = period_choices(account.instansi_id or 0, today)
    raw = request.GET.get("periode", "")
    if raw:
        spec = parse_period(raw)
        if spec is None:
            raise Http404(_("Unknown period."))
    else:
        spec = default_period(periods, today)
    return spec, period_options(periods, spec)


def _opd_in_instansi(account: Account, pk: int) -> Opd:
    found = (
        Opd.objects.filter(pk=pk, instansi_id=account.instansi_id).first()
        if account.instansi_id is not None else None
    )
    if found is None:
        raise Http404(_("OPD not found."))
    return found


def _columns() -> list[tuple[str, str]]:
    return [(p, predikat_label(p)) for p in rules.PREDIKAT]


def _cells(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The counts in the order of the scale, each with its predikat's label."""
    return [(label, counts.get(p, 0)) for p, label in _columns()]


@dataclass
class OpdRow:
    dist: OpdDistribution
    cells: list[tuple[str, int]]
    findings: list[Any]
    org_label: str

    @property
    def opd(self) -> Opd:
        return self.dist.opd

    @property
    def status(self) -> str:
        """none (nobody rated), unset (no organisation predikat), outside, warning, within."""
        if not self.dist.rated:
            return "none"
        if not self.dist.org_predikat:
            return "unset"
        if not self.dist.within_curve:
            return "outside"
        return "warning" if self.findings else "within"


def _rows(distributions: list[OpdDistribution]) -> list[OpdRow]:
    return [
        OpdRow(
            d, _cells(d.counts), finding_views(d.findings, d.rated),
            org_predikat_label(d.org_predikat) if d.org_predikat else "",
        )
        for d in distributions
    ]


def _with_period(url: str, spec: PeriodSpec, **extra: Any) -> str:
    query = {"periode": period_key(spec), **{k: v for k, v in extra.items() if v}}
    return f"{url}?{urlencode(query)}"


@login_required
def calibration(request: HttpRequest) -> HttpResponse:
    """Every OPD of the instansi in a period: counts per predikat, the organisation predikat
    and the curve; the OPDs outside the curve first."""
    user = request_account(request)
    instansi_id = _require_reader(user)
    spec, options = _selected_period(request, user)
    rows = _rows(calibration_overview(instansi_id, spec))
    context = {
        "spec": spec,
        "period_key": period_key(spec),
        "period_label": period_label(spec),
        "options": options,
        "rows": rows,
        "outside": [r for r in rows if r.status == "outside"],
        "unset": [r for r in rows if r.status == "unset"],
        "columns": _columns(),
        "totals": [(label, sum(r.cells[i][1] for r in rows))
                   for i, (_code, label) in enumerate(_columns())],
        "total": sum(r.dist.total for r in rows),
        "calibrates": may_calibrate(user),
        "org_choices": OrgPredikatChoice.choices,
    }
    return render(request, "evaluations/calibration_index.html", context)


@login_required
def calibration_opd(request: HttpRequest, opd_pk: int) -> HttpResponse:
    """One OPD in a period: its evaluations (paginated), the curve and the rater analytics."""
    user = request_account(request)
    _require_reader(user)
    opd = _opd_in_instansi(user, opd_pk)
    spec, options = _selected_period(request, user)
    in_period = Evaluation.objects.filter(
        instansi_id=opd.instansi_id, opd=opd, year=spec.year, period_kind=spec.kind,
        period_no=spec.number,
    )
    counts: dict[str, int] = {}
    total = 0
    for predikat, n in in_period.values_list("predikat").annotate(n=Count("pk")).order_by():
        total += n
        if predikat:
            counts[predikat] = n
    rated = sum(counts.values())
    org = org_predikat_of(opd.pk, spec)
    findings = rules.curve_check(org.predikat, counts) if org else []
    chosen = request.GET.get("predikat", "")
    listed = in_period.filter(predikat=chosen) if chosen in Predikat.values else in_period
    page = Paginator(
        listed.select_related("pegawai", "penilai").order_by("pegawai__name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    calibrates = may_calibrate(user)
    rows = [
        (e, CalibrateForm(initial={"predikat": e.predikat, "version": e.version,
                                   "page": page.number}, auto_id=f"c{e.pk}_%s"))
        if calibrates else (e, None)
        for e in page.object_list
    ]
    context = {
        "opd": opd,
        "spec": spec,
        "period_key": period_key(spec),
        "period_label": period_label(spec),
        "options": options,
        "org": org,
        "org_label": org_predikat_label(org.predikat) if org else "",
        "org_form": OrgPredikatForm(
            initial={"predikat": org.predikat if org else "", "note": org.note if org else "",
                     "periode": period_key(spec), "kembali": "opd"},
        ) if calibrates else None,
        "total": total,
        "rated": rated,
        "findings": finding_views(findings, rated),
        "within": rules.curve_is_met(findings),
        "lines": curve_lines(org.predikat if org else None, counts),
        "raters": [
            (r, _cells(r.counts), sum(r.counts.values()))
            for r in rater_analytics(opd.pk, spec)
        ],
        "columns": _columns(),
        "page": page,
        "rows": rows,
        "chosen": chosen if chosen in Predikat.values else "",
        "filters": [(p, label, counts.get(p, 0)) for p, label in _columns()],
        "calibrates": calibrates,
        "page_query": urlencode({"periode": period_key(spec), "predikat": chosen}
                                if chosen in Predikat.values else {"periode": period_key(spec)}),
    }
    return render(request, "evaluations/calibration_opd.html", context)


@login_required
@require_POST
def calibration_org_predikat(request: HttpRequest, opd_pk: int) -> HttpResponse:
    """Set an OPD's organisation predikat for a period (admin BKPSDM, pimpinan)."""
    user = request_account(request)
    opd = _opd_in_instansi(user, opd_pk)
    _require_calibrator(user)
    form = OrgPredikatForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        spec = form.cleaned_data.get("periode") or None
        return redirect(_with_period(reverse("calibration"), spec) if spec else "calibration")
    data = form.cleaned_data
    spec = data["periode"]
    note = data["note"]
    if "note" not in request.POST:  # the overview's short form: keep the note there is
        found = org_predikat_of(opd.pk, spec)
        note = found.note if found else ""
    try:
        services.org_predikat_set(actor=user, opd=opd, spec=spec, predikat=data["predikat"],
                                  note=note)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(opd)s: organisation predikat %(predikat)s for %(period)s.")
                         % {"opd": opd.name, "predikat": org_predikat_label(data["predikat"]),
                            "period": period_label(spec)})
    if data.get("kembali") == "opd":
        return redirect(_with_period(reverse("calibration_opd", args=[opd.pk]), spec))
    return redirect(_with_period(reverse("calibration"), spec) + f"#opd-{opd.pk}")


@login_required
@require_POST
def calibration_change(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    """Change one evaluation's predikat with a reason (services.evaluation_calibrate: admin
    BKPSDM and pimpinan; audited as evaluation.calibrate, the employee is told)."""
    user = request_account(request)
    evaluation = Evaluation.objects.filter(
        pk=evaluation_pk, instansi_id=user.instansi_id
    ).select_related("pegawai").first() if user.instansi_id else None
    if evaluation is None:
        raise Http404(_("Evaluation not found."))
    _require_calibrator(user)
    form = CalibrateForm(request.POST)
    spec = period_spec(evaluation.year, evaluation.period_kind, evaluation.period_no)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_calibrate(
                actor=user, evaluation=evaluation, predikat=data["predikat"],
                reason=data["reason"], expected_version=data["version"],
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s: predikat %(predikat)s.") % {
                "name": evaluation.pegawai.full_name,
                "predikat": predikat_label(data["predikat"]),
            })
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    page = form.cleaned_data.get("page") if form.is_bound and hasattr(form, "cleaned_data") else 0
    url = _with_period(reverse("calibration_opd", args=[evaluation.opd_id]), spec,
                       page=page if page and page > 1 else None)
    return redirect(f"{url}#e{evaluation.pk}")
