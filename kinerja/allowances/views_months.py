"""TPP month pages: the months of the instansi (compute one, watch its progress), one month
(totals per OPD, recompute, approval, adjustments after approval) and each person's
explanation, every line in plain words.

Who sees what (allowances.selectors): admin BKPSDM, pimpinan and auditors read every month and
line; admin OPD the lines of their OPD; everyone their own line. Only admin BKPSDM computes,
approves and adjusts (allowances.services; a refusal comes back as a message). A month page
asked for by someone who only has their own line sends them to their own explanation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kinerja.allowances import services
from kinerja.allowances.forms import AdjustmentForm, ComputeForm, parse_month
from kinerja.allowances.models import TppAdjustment, TppLine, TppMonth, TppMonthStatus
from kinerja.allowances.selectors import (
    Explanation,
    explanation,
    lines_visible_to,
    may_manage,
    months_visible_to,
    opd_totals,
    own_lines,
    readable_opd_ids,
    reads_all,
)
from kinerja.attendance.models import Sanction
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.formats import month_id, number_id, rupiah
from kinerja.evaluations.models import Predikat
from kinerja.org.models import Opd
from kinerja.people.access import request_account, scope_for
from kinerja.people.models import Account, LeaveKind

MONTHS_PER_PAGE = 24
ZERO = Decimal(0)


# --- Access -----------------------------------------------------------------------------------


def _reads_months(account: Account) -> bool:
    """Admin BKPSDM, pimpinan, auditors and admin OPD see the months and their totals."""
    opd_ids = readable_opd_ids(account)
    return account.instansi_id is not None and (opd_ids is None or bool(opd_ids))


def _require_manager(account: Account) -> None:
    if not may_manage(account):
        raise PermissionDenied(_("Only admin BKPSDM manages TPP."))


def _month(account: Account, period: str) -> TppMonth:
    """The instansi's month named in the path (404 when there is none)."""
    month = parse_month(period)
    found = (months_visible_to(account).select_related("computed_by", "approved_by")
             .filter(period=month.first).first()) if month else None
    if found is None:
        raise Http404(_("No TPP for this month."))
    return found


def _period(tpp_month: TppMonth) -> str:
    return f"{tpp_month.period:%Y-%m}"


def _month_url(tpp_month: TppMonth) -> str:
    return reverse("tpp_month", args=[_period(tpp_month)])


# --- The months -------------------------------------------------------------------------------


@dataclass
class OwnRow:
    line: TppLine
    adjustments: Decimal

    @property
    def paid(self) -> Decimal:
        return self.line.net + self.adjustments


def _own_rows(account: Account) -> list[OwnRow]:
    """The account's own TPP months, newest first, with what was adjusted (two queries)."""
    lines = list(own_lines(account).select_related("pegawai")[:MONTHS_PER_PAGE])
    pegawai_id = scope_for(account).pegawai_id
    adjusted: dict[int, Decimal] = {}
    if lines and pegawai_id is not None:
        adjusted = dict(TppAdjustment.objects.filter(
            pegawai_id=pegawai_id, month_id__in=[x.month_id for x in lines]).order_by()
            .values("month_id").annotate(total=Sum("amount")).values_list("month_id", "total"))
    return [OwnRow(x, adjusted.get(x.month_id, ZERO)) for x in lines]


@login_required
def tpp_index(request: HttpRequest) -> HttpResponse:
    """The months (admin BKPSDM, the instansi's readers, admin OPD), the form to compute one
    (admin BKPSDM), and one's own TPP."""
    user = request_account(request)
    reads_months = _reads_months(user)
    page = None
    opds: list[Opd] = []
    if reads_months:
        months = months_visible_to(user).select_related("computed_by", "approved_by")
        page = Paginator(months, MONTHS_PER_PAGE).get_page(request.GET.get("page"))
        opd_ids = readable_opd_ids(user)
        if opd_ids:
            opds = list(Opd.objects.filter(pk__in=opd_ids).order_by("name"))
    manages = may_manage(user)
    context = {
        "reads_months": reads_months,
        "reads_all": reads_all(user),
        "manages": manages,
        "page": page,
        "opds": opds,
        "form": ComputeForm(auto_id="compute_%s") if manages else None,
        "own": _own_rows(user),
    }
    return render(request, "allowances/month_index.html", context)


@login_required
@require_POST
def tpp_compute(request: HttpRequest) -> HttpResponse:
    """Compute (or recompute) a month for the whole instansi: at once where background work is
    off, else in the background while the month page polls its progress."""
    user = request_account(request)
    _require_manager(user)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("tpp_index")
    month = form.cleaned_data["bulan"]
    label = month_id(month.first)
    try:
        tpp_month = services.month_compute_start(actor=user, month=month)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, f"{label}: {exc.message}")
        found = months_visible_to(user).filter(period=month.first).first()
        return redirect(_month_url(found) if found else reverse("tpp_index"))
    if tpp_month.status == TppMonthStatus.COMPUTED:
        messages.success(request, ngettext(
            "TPP of %(month)s computed for %(n)s person.",
            "TPP of %(month)s computed for %(n)s people.", tpp_month.people)
            % {"month": label, "n": number_id(tpp_month.people)})
    elif tpp_month.status == TppMonthStatus.FAILED:
        messages.error(request, _("The TPP of %(month)s could not be computed: %(message)s")
                       % {"month": label, "message": tpp_month.message})
    else:
        messages.info(request, _("Computing the TPP of %(month)s…") % {"month": label})
    return redirect(_month_url(tpp_month))


def _progress_context(tpp_month: TppMonth) -> dict[str, Any]:
    done, total = tpp_month.progress_done, tpp_month.progress_total
    return {
        "tpp_month": tpp_month,
        "period": _period(tpp_month),
        "running": tpp_month.status == TppMonthStatus.COMPUTING,
        "percent": round(100 * done / total) if total else 0,
    }


@login_required
def tpp_progress(request: HttpRequest, period: str) -> HttpResponse:
    """The progress block, polled every 2 s while the month is computing; once it is not, an
    HTMX poll reloads the page so the results (or the failure) show."""
    user = request_account(request)
    if not _reads_months(user):
        raise Http404(_("No TPP for this month."))
    tpp_month = _month(user, period)
    response = render(request, "allowances/_month_progress.html", _progress_context(tpp_month))
    if getattr(request, "htmx", None) and tpp_month.status != TppMonthStatus.COMPUTING:
        response["HX-Refresh"] = "true"
    return response


def _render_month(request: HttpRequest, user: Account, tpp_month: TppMonth,
                  adjust_form: AdjustmentForm | None = None, status: int = 200) -> HttpResponse:
    manages = may_manage(user)
    totals = opd_totals(user, tpp_month)
    sums = {name: sum((getattr(t, name) for t in totals), ZERO)
            for name in ("ceiling", "gross", "deductions", "bpjs_employee", "pph21", "net",
                         "adjustments", "paid")}
    adjustments = (TppAdjustment.objects.filter(
        month=tpp_month, pegawai_id__in=lines_visible_to(user, tpp_month).values("pegawai_id"))
        .select_related("pegawai", "created_by").order_by("created_at", "pk"))
    approved = tpp_month.is_approved
    if manages and approved and adjust_form is None:
        adjust_form = AdjustmentForm(auto_id="adj_%s")
    version = tpp_month.version
    context = {
        "tpp_month": tpp_month,
        "period": _period(tpp_month),
        "version": version,
        "preset": version.preset if version else None,
        "totals": totals,
        "sums": sums,
        "people": sum(t.people for t in totals),
        "reads_all": reads_all(user),
        "manages": manages,
        "may_recompute": manages and not approved and tpp_month.status != TppMonthStatus.COMPUTING,
        "may_approve": manages and tpp_month.status == TppMonthStatus.COMPUTED,
        "adjust_form": adjust_form if manages and approved else None,
        "adjustments": list(adjustments),
        **_progress_context(tpp_month),
    }
    return render(request, "allowances/month_detail.html", context, status=status)


@login_required
def tpp_month(request: HttpRequest, period: str) -> HttpResponse:
    """One month: its state and preset, the totals per OPD with links to the lists, and the
    actions of admin BKPSDM."""
    user = request_account(request)
    tpp_month = _month(user, period)
    if not _reads_months(user):
        own = own_lines(user).filter(month=tpp_month).select_related("pegawai").first()
        if own is None:
            raise Http404(_("No TPP for this month."))
        return redirect("tpp_explanation", period=period, nip=own.pegawai.nip)
    return _render_month(request, user, tpp_month)


@login_required
@require_POST
def tpp_approve(request: HttpRequest, period: str) -> HttpResponse:
    """Approve a computed month: it is locked; corrections are adjustments from then on."""
    user = request_account(request)
    tpp_month = _month(user, period)
    _require_manager(user)
    try:
        services.month_approve(actor=user, tpp_month=tpp_month)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The TPP of %(month)s is approved and locked.")
                         % {"month": month_id(tpp_month.period)})
    return redirect(_month_url(tpp_month))


@login_required
@require_POST
def tpp_adjust(request: HttpRequest, period: str) -> HttpResponse:
    """An adjustment of an approved month for one person (plus or minus, with the reason)."""
    user = request_account(request)
    tpp_month = _month(user, period)
    _require_manager(user)
    form = AdjustmentForm(request.POST, auto_id="adj_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            pegawai = services.pegawai_for_adjustment(user, data["nip"])
            adjustment = services.adjustment_create(
                actor=user, tpp_month=tpp_month, pegawai=pegawai, amount=data["amount"],
                reason=data["reason"])
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound:
            form.add_error("nip", _("No employee with this NIP."))
        except ApplicationError as exc:
            if not tpp_month.is_approved:  # the page shows no adjustment form to put it on
                messages.error(request, exc.message)
                return redirect(_month_url(tpp_month))
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s: adjustment of %(amount)s recorded.") % {
                "name": pegawai.full_name, "amount": rupiah(adjustment.amount)})
            return redirect(_month_url(tpp_month) + "#penyesuaian")
    return _render_month(request, user, tpp_month, adjust_form=form, status=400)


# --- The explanation ----------------------------------------------------------------------------


@login_required
def tpp_mine(request: HttpRequest) -> HttpResponse:
    """One's latest TPP explanation, or a page saying there is none yet."""
    user = request_account(request)
    latest = own_lines(user).select_related("pegawai").first()
    if latest is None:
        return render(request, "allowances/my_none.html")
    return redirect("tpp_explanation", period=f"{latest.month.period:%Y-%m}",
                    nip=latest.pegawai.nip)


@dataclass
class Item:
    """One row of the explanation: what, how it was found, and what it does to the pay
    (`effect`: added +, taken off -; None where it only informs, as the Pemda's BPJS share)."""

    label: str
    detail: str = ""
    effect: Decimal | None = None
    amount: Decimal | None = None  # shown where there is no effect
    rule: str = ""


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    note: str = ""
    total_label: str = ""
    total: Decimal | None = None


def pct_text(value: Any) -> str:
    """Decimal('0.50') -> '0,5%', '100' -> '100%'."""
    number = Decimal(str(value)).normalize()
    text = f"{number:f}".replace(".", ",")
    return f"{text}%"


def _dec(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _band_words(code: str, bands: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """(label, minutes) of a lateness or early-leave band of the preset."""
    band = next((b for b in bands if b.get("code") == code), None)
    if band is None:
        return code, ""
    low, high = band.get("low", 1), band.get("high")
    minutes = (_("%(low)s–%(high)s minutes") % {"low": low, "high": high} if high not in
               (None, "") else _("%(low)s minutes or more") % {"low": low})
    if band.get("applies_to") == "early":
        return _("Left early %(code)s") % {"code": code}, minutes
    return _("Late check-in %(code)s") % {"code": code}, minutes


def _predikat_label(code: str | None) -> str:
    return str(Predikat(code).label) if code in Predikat.values else (code or "")


def _leave_label(kind: str) -> str:
    return str(LeaveKind(kind).label) if kind in LeaveKind.values else kind


def _sanction_label(code: str) -> str:
    return str(Sanction(code).label) if code in Sanction.values else code


def _factor_why(rule: str, pct: str, inputs: Mapping[str, Any],
                params: Mapping[str, Any]) -> str:
    kind = rule.split(":", 1)[0].strip()
    if kind == "predikat":
        if inputs.get("predikat"):
            return _("predikat %(predikat)s: the preset pays %(pct)s") % {
                "predikat": _predikat_label(inputs["predikat"]), "pct": pct}
        return _("no final evaluation for the month: the preset pays %(pct)s") % {"pct": pct}
    if kind == "score":
        if inputs.get("score") is not None:
            return _("score %(score)s of %(full)s") % {
                "score": number_id(inputs["score"], 2),
                "full": number_id(params.get("score_full_at", "100"))}
        return _("no score for the month: the preset pays %(pct)s") % {"pct": pct}
    if kind == "minutes":
        if inputs.get("verified_minutes") is not None:
            return _("%(minutes)s verified minutes of work logs against the target of "
                     "%(target)s") % {"minutes": number_id(inputs["verified_minutes"]),
                                      "target": number_id(params.get("minutes_target", 0))}
        return _("no verified work logs: the preset pays %(pct)s") % {"pct": pct}
    return rule


def _deduction(line: Mapping[str, Any], inputs: Mapping[str, Any],
               params: Mapping[str, Any]) -> tuple[Item, str]:
    """A deduction in words, and the preset parameter it comes from."""
    code = str(line.get("code", ""))
    days = line.get("days")
    pct = _dec(line.get("pct"))
    base = rupiah(_dec(line.get("base")))
    amount = _dec(line.get("amount"))
    rule = str(line.get("rule", ""))
    of_base = _("%(pct)s of %(base)s") % {"pct": pct_text(pct), "base": base}
    per_day = (_("%(each)s × %(days)s = %(of_base)s") % {
        "each": pct_text(pct / days), "days": _days(days), "of_base": of_base}
        if days else of_base)
    if code.startswith("leave_"):
        kind = code.removeprefix("leave_")
        detail = _("%(days)s of leave: %(of_base)s") % {"days": _days(days or 0),
                                                        "of_base": of_base}
        return Item(_leave_label(kind), detail, -amount, rule=rule), "leave"
    if code.startswith("sanction_"):
        return Item(_("Discipline sanction: %(sanction)s") % {
            "sanction": _sanction_label(code.removeprefix("sanction_"))}, of_base, -amount,
            rule=rule), "sanctions"
    if code == "tanpa_keterangan":
        return Item(_("Absent without notice (tanpa keterangan)"), per_day, -amount,
                    rule=rule), "absence_pct_per_day"
    if code == "no_log":
        return Item(_("Working days without a work log"), per_day, -amount,
                    rule=rule), "no_log_pct_per_day"
    label, minutes = _band_words(code, params.get("bands") or [])
    notes = []
    if minutes:
        notes.append(minutes)
    if code == params.get("missing_in_code") and inputs.get("missing_in"):
        notes.append(_("including %(days)s without a check-in") % {
            "days": _days(inputs["missing_in"])})
    if code == params.get("missing_out_code") and inputs.get("missing_out"):
        notes.append(_("including %(days)s without a check-out") % {
            "days": _days(inputs["missing_out"])})
    if notes:
        label = f"{label} ({'; '.join(notes)})"
    return Item(label, per_day, -amount, rule=rule), "bands"


@dataclass
class ExplanationView:
    data: Explanation
    sections: list[Section]
    inputs: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    other_sources: list[tuple[str, str]]


def explain(data: Explanation) -> ExplanationView:
    """The stored lines of one person's month, in the order of the computation (RULES.md 2.8),
    each said in words with the figures it came from."""
    line = data.line
    params: Mapping[str, Any] = data.version.params if data.version else {}
    inputs: Mapping[str, Any] = line.inputs or {}
    working_days = inputs.get("working_days", 0)
    used = ["base", "components"]
    ceiling = Section("ceiling", _("1. The ceiling of the position"),
                      total_label=_("TPP ceiling"), total=line.ceiling)
    parts = Section("parts", _("2. Parts and the performance factor"),
                    total_label=_("Payable before deductions"), total=line.payable)
    cuts = Section("deductions", _("3. Deductions"),
                   total_label=_("Total deductions"), total=-line.deductions,
                   note=_base_note(params, line.lines))
    contributions = Section("contributions", _("4. BPJS Kesehatan and PPh 21"))
    for raw in line.lines:
        kind = raw.get("kind")
        code = str(raw.get("code", ""))
        amount = _dec(raw.get("amount"))
        rule = str(raw.get("rule", ""))
        if kind == "ceiling":
            if code.startswith("plt_kelas_"):
                used.append("plt")
                ceiling.items.append(Item(
                    _("Acting (Plt/Plh) position, kelas %(kelas)s") % {
                        "kelas": code.removeprefix("plt_kelas_")},
                    _("%(days)s of %(working)s working days; full rate %(base)s") % {
                        "days": _days(raw.get("days", 0)), "working": working_days,
                        "base": rupiah(_dec(raw.get("base")))}, amount, rule=rule))
            elif code.startswith("kelas_"):
                ceiling.items.append(Item(
                    _("Kelas jabatan %(kelas)s") % {"kelas": code.removeprefix("kelas_")},
                    _("%(days)s of %(working)s working days held; full month %(base)s") % {
                        "days": _days(raw.get("days", 0)), "working": working_days,
                        "base": rupiah(_dec(raw.get("base")))}, amount, rule=rule))
            else:
                used.append(f"{code}_pct")
                ceiling.items.append(Item(
                    _("%(what)s: paid %(pct)s of %(base)s") % {
                        "what": raw.get("label", code), "pct": pct_text(raw.get("pct", 0)),
                        "base": rupiah(_dec(raw.get("base")))}, "", -amount, rule=rule))
        elif kind == "part":
            used.append("parts")
            parts.items.append(Item(
                _("Part %(part)s") % {"part": raw.get("label", code)},
                _("%(pct)s of the ceiling %(base)s") % {"pct": pct_text(raw.get("pct", 0)),
                                                        "base": rupiah(_dec(raw.get("base")))},
                None, amount, rule=rule))
        elif kind == "factor":
            factor_kind = rule.split(":", 1)[0].strip()
            used.append({"predikat": "factor_predikat", "score": "score_full_at",
                         "minutes": "minutes_target"}.get(factor_kind, "factor_predikat"))
            if not inputs.get("predikat") and factor_kind == "predikat":
                used.append("factor_missing")
            pct = pct_text(raw.get("pct", 0))
            parts.items.append(Item(
                _("Performance factor of %(part)s: %(pct)s") % {
                    "part": raw.get("label", code), "pct": pct},
                _factor_why(rule, pct, inputs, params), -amount, rule=rule))
        elif kind == "deduction":
            item, source = _deduction(raw, inputs, params)
            used.extend([source, "deduction_base"])
            cuts.items.append(item)
        elif kind == "cap" and code.startswith("cap_"):
            used.append("deduction_base")
            part = next((x.get("label") for x in line.lines if x.get("kind") == "part"
                         and x.get("code") == code.removeprefix("cap_")), code)
            cuts.items.append(Item(
                _("Cap: the cuts off the %(part)s part stop at what is paid of it (%(base)s)")
                % {"part": part, "base": rupiah(_dec(raw.get("base")))},
                _("the part above it is not deducted"), -amount, rule=rule))
        elif kind == "cap":
            used.append("max_cut_pct")
            cuts.items.append(Item(
                _("Cap: deductions stop at %(pct)s of the payable %(base)s") % {
                    "pct": pct_text(raw.get("pct", 0)), "base": rupiah(_dec(raw.get("base")))},
                _("the part above the cap is not deducted"), -amount, rule=rule))
        elif kind == "bpjs":
            used.append("bpjs")
            of_base = _("%(pct)s of %(base)s") % {"pct": pct_text(raw.get("pct", 0)),
                                                  "base": rupiah(_dec(raw.get("base")))}
            if code == "bpjs_employee":
                contributions.items.append(Item(
                    _("BPJS Kesehatan, the employee's share"), of_base, -amount, rule=rule))
            else:
                contributions.items.append(Item(
                    _("BPJS Kesehatan, the Pemda's share"),
                    _("%(of_base)s, paid by the Pemda on top (not taken from the TPP)")
                    % {"of_base": of_base}, None, amount, rule=rule))
        elif kind == "tax":
            used.append("pph21")
            of_base = _("%(pct)s of the gross %(base)s (golongan %(golongan)s)") % {
                "pct": pct_text(raw.get("pct", 0)), "base": rupiah(_dec(raw.get("base"))),
                "golongan": line.golongan or "-"}
            if line.pph21_withheld:
                contributions.items.append(Item(_("PPh 21, withheld"), of_base, -amount,
                                                rule=rule))
            else:
                contributions.items.append(Item(
                    _("PPh 21, borne by the APBD"),
                    _("%(of_base)s, paid by the Pemda (not taken from the TPP)")
                    % {"of_base": of_base}, None, amount, rule=rule))
    if not contributions.items:
        contributions.items.append(Item(_("No BPJS or PPh 21 on this TPP.")))
    sections = [ceiling, parts, cuts, contributions]
    if not cuts.items:
        cuts.items.append(Item(_("No deductions this month.")))
    sources = data.sources or {}
    seen: list[str] = []
    for key in used:
        if key in sources and key not in seen:
            seen.append(key)
    return ExplanationView(
        data, sections, _inputs(inputs, params),
        [(key, sources[key]) for key in seen],
        [(key, text) for key, text in sources.items() if key not in seen])


def _base_note(params: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]) -> str:
    """Which amount the deductions are a percent of, in words."""
    base = params.get("deduction_base", "total")
    if base == "total":
        return _("Each deduction is a percent of the ceiling, whatever the performance factor "
                 "paid; together they never exceed the preset's cap.")
    label = next((x.get("label") for x in lines
                  if x.get("kind") == "part" and x.get("code") == base), base)
    return _("Each deduction is a percent of the %(part)s part; together they never exceed "
             "the preset's cap.") % {"part": label}


def _inputs(inputs: Mapping[str, Any], params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the computation counted, as (what, value) pairs."""
    out = [(_("Working days in the month"), str(inputs.get("working_days", 0)))]
    holdings = []
    for kelas, days, acting, budget_holder in inputs.get("holdings") or []:
        text = _("kelas %(kelas)s for %(days)s") % {"kelas": kelas, "days": _days(days)}
        if acting:
            text += " " + _("(acting, Plt/Plh)")
        if budget_holder:
            text += " " + _("(budget holder)")
        holdings.append(text)
    out.append((_("Positions held"), "; ".join(holdings) or "-"))
    band_days = inputs.get("band_days") or {}
    bands = params.get("bands") or []
    order = [b.get("code") for b in bands]
    shown = sorted(band_days.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order
                   else len(order))
    out.append((_("Days late or leaving early, by band"),
                ", ".join(f"{code}: {_days(n)}" for code, n in shown) or _("none")))
    out.append((_("Days without a check-in"), str(inputs.get("missing_in", 0))))
    out.append((_("Days without a check-out"), str(inputs.get("missing_out", 0))))
    out.append((_("Absent without notice (tanpa keterangan)"),
                str(inputs.get("absent_days", 0))))
    if _dec(params.get("no_log_pct_per_day")):
        out.append((_("Working days without a work log"), str(inputs.get("no_log_days", 0))))
    leave_month = inputs.get("leave_month") or {}
    leaves = []
    for kind, days in sorted((inputs.get("leave_days") or {}).items()):
        text = f"{_leave_label(kind)}: {_days(days)}"
        if leave_month.get(kind, 1) > 1:
            text += " " + _("(month %(n)s of the leave)") % {"n": leave_month[kind]}
        leaves.append(text)
    out.append((_("Leave days, by kind"), "; ".join(leaves) or _("none")))
    sanctions = []
    for code, cut in inputs.get("sanctions") or []:
        text = _sanction_label(code)
        if cut is not None:
            text += " " + _("(cut %(pct)s set for this case)") % {"pct": pct_text(cut)}
        sanctions.append(text)
    out.append((_("Discipline sanctions in force"), "; ".join(sanctions) or _("none")))
    if inputs.get("predikat"):
        out.append((_("Predikat"), _predikat_label(inputs["predikat"])))
    if inputs.get("score") is not None:
        out.append((_("Score"), number_id(inputs["score"], 2)))
    if inputs.get("verified_minutes") is not None:
        out.append((_("Verified minutes of work logs"), number_id(inputs["verified_minutes"])))
    out.append((_("ASN type"), str(inputs.get("asn_type", "")) or "-"))
    return out


@login_required
def tpp_explanation(request: HttpRequest, period: str, nip: str) -> HttpResponse:
    """One person's TPP of one month, every line explained (own line; admin OPD their OPD; the
    instansi's readers everyone; 404 for the rest)."""
    user = request_account(request)
    tpp_month = _month(user, period)
    visible: QuerySet[TppLine] = lines_visible_to(user, tpp_month)
    pegawai_id = visible.filter(pegawai__nip=nip).values_list("pegawai_id", flat=True).first()
    if pegawai_id is None:
        raise Http404(_("Not found."))
    view = explain(explanation(user, tpp_month, pegawai_id))
    context = {
        "x": view,
        "line": view.data.line,
        "tpp_month": tpp_month,
        "period": period,
        "is_own": view.data.line.pegawai_id == scope_for(user).pegawai_id,
        "reads_months": _reads_months(user),
    }
    return render(request, "allowances/explanation.html", context)
