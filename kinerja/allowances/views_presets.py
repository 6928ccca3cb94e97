"""TPP preset pages and the what-if (urls_presets.py).

- /tpp/preset/: the instansi's presets (the active one marked) with their versions, and the
  built-in templates to install; install and activate are admin BKPSDM's
  (services.preset_install, services.preset_activate).
- /tpp/preset/<pk>/: one version's parameters in plain language, each with its `sources` note
  and confidence mark; /tpp/preset/<pk>/ubah/: a new version (services.preset_version_create),
  which can only start after the last approved month, so an approved month never changes.
- /tpp/simulasi/: a computed month against another preset, a template or changed weights
  (selectors.what_if_compare): the difference per OPD and per person. Nothing is written.

The instansi's readers (admin BKPSDM, pimpinan, auditor) read the presets and run the what-if;
only admin BKPSDM writes; everyone else gets 403. Another instansi's preset is 404.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kinerja.allowances import rules, selectors, services
from kinerja.allowances.forms_presets import (
    APPLIES_LABELS,
    FACTOR_LABELS,
    KELAS,
    LEAVE_MODE_LABELS,
    PLT_LABELS,
    PPH_KEYS,
    PPH_MODE_LABELS,
    ROUNDING_LABELS,
    SOURCE_CHANGED,
    SOURCE_PRESET,
    SOURCE_TEMPLATE,
    InstallForm,
    PresetVersionForm,
    WhatIfForm,
    as_dict,
    leave_label,
    month_text,
    predikat_label,
    problems_by_section,
)
from kinerja.allowances.models import (
    TppMonth,
    TppMonthStatus,
    TppPreset,
    TppPresetVersion,
)
from kinerja.allowances.presets import TEMPLATES, template_params
from kinerja.attendance.models import Sanction
from kinerja.core import formats
from kinerja.core.errors import ApplicationError, Conflict, Forbidden, NotFound
from kinerja.people.access import request_account, scope_for, today_in
from kinerja.people.models import Account, AsnType, EmployeeStatus, Pegawai

log = logging.getLogger(__name__)

PEOPLE_PER_PAGE = 25
MARKS = {"C": _lazy("confirmed"), "P": _lazy("secondary source"), "U": _lazy("unconfirmed")}
MARK = re.compile(r"[(,\s]([CPU])\)")


def _require_reader(account: Account) -> int:
    scope = scope_for(account)
    if scope.instansi_id is None or not selectors.reads_all(account):
        raise PermissionDenied(_("Only admin BKPSDM, pimpinan and auditors read TPP presets."))
    return scope.instansi_id


def _require_manager(account: Account) -> int:
    scope = scope_for(account)
    if scope.instansi_id is None or not selectors.may_manage(account):
        raise PermissionDenied(_("Only admin BKPSDM manages TPP presets."))
    return scope.instansi_id


def _preset(account: Account, pk: int) -> TppPreset:
    try:
        return selectors.get_preset_for(account, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- Plain language -------------------------------------------------------------------------


def pct_text(value: Any) -> str:
    """'0.5' -> '0,5%' (Indonesian decimal comma); the value as is when it is not a number."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        return str(value)
    number = number.normalize()
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{formats.number_id(number, places)}%"


def money_text(value: Any) -> str:
    try:
        return formats.rupiah(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return str(value)


@dataclass
class Note:
    """A parameter's `sources` note and its confidence marks (RULES.md: (C), (P), (U))."""

    text: str
    marks: list[tuple[str, str]] = field(default_factory=list)


def notes_of(params: Mapping[str, Any]) -> dict[str, Note]:
    sources = params.get("sources")
    out = {}
    for key, text in (sources.items() if isinstance(sources, dict) else []):
        found = sorted(set(MARK.findall(f" {text}")), key="CPU".index)
        out[str(key)] = Note(str(text), [(m, str(MARKS[m])) for m in found])
    return out


def _dict(params: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = params.get(key)
    return value if isinstance(value, dict) else {}


def _list(params: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = params.get(key)
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _kelas_first(item: tuple[Any, Any]) -> tuple[int, str]:
    """Kelas keys highest first, as the Perbup tables list them (PostgreSQL's jsonb does not
    keep the order they were written in)."""
    key = str(item[0])
    return (-int(key), key) if key.isdigit() else (1, key)


def _in_order(values: Mapping[str, Any], order: Sequence[str]) -> list[tuple[str, Any]]:
    """The items of a parameter object in a fixed order (known keys first, then the rest by
    name), whatever order the database returns them in."""
    rank = {key: i for i, key in enumerate(order)}
    return sorted(values.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def _kelas_list(values: Any) -> str:
    return ", ".join(str(v) for v in values) if isinstance(values, list) else str(values)


def _component(c: Mapping[str, Any]) -> dict[str, Any]:
    if "fixed" in c:
        how = _("%(amount)s a month") % {"amount": money_text(c["fixed"])}
    else:
        how = _("%(pct)s of the basic TPP") % {"pct": pct_text(c.get("pct", "0"))}
    by_kelas = as_dict(c.get("pct_by_kelas"))
    if by_kelas:
        how += "; " + ", ".join(_("kelas %(k)s: %(pct)s") % {"k": k, "pct": pct_text(v)}
                                for k, v in sorted(by_kelas.items(), key=_kelas_first))
    eligible = as_dict(c.get("eligible"))
    who = []
    if eligible.get("kelas"):
        who.append(_("kelas %(list)s") % {"list": _kelas_list(eligible["kelas"])})
    if eligible.get("budget_holder") is True:
        who.append(_("heads of an OPD (Pengguna Anggaran) only"))
    elif eligible.get("budget_holder") is False:
        who.append(_("everyone but the heads of an OPD"))
    return {"key": c.get("key", ""), "label": c.get("label") or c.get("key", ""), "how": how,
            "who": "; ".join(who) or _("everyone")}


def _leave(rule: Mapping[str, Any]) -> str:
    mode = rule.get("mode", "none")
    if mode == "per_day":
        text = _("%(pct)s per day") % {"pct": pct_text(rule.get("pct", "0"))}
        if rule.get("free_days"):
            text += ", " + _("the first %(n)s days free") % {"n": rule["free_days"]}
        return text
    if mode == "days_in_month":
        rows = []
        for row in rule.get("table") or []:
            if not isinstance(row, list) or len(row) != 3:
                continue
            low, high, pct = row
            days = (_("%(low)s–%(high)s days") % {"low": low, "high": high}
                    if high not in (None, "") else _("%(low)s days or more") % {"low": low})
            rows.append(f"{days}: {pct_text(pct)}")
        return "; ".join(rows)
    if mode == "month_of_leave":
        values = rule.get("by_month") or []
        rows = [_("month %(n)s: %(pct)s") % {"n": i, "pct": pct_text(v)}
                for i, v in enumerate(values, start=1)]
        if rows:
            rows.append(_("later months as the last"))
        return "; ".join(rows)
    if mode == "unpaid":
        return _("the leave days are not paid")
    return ""


def _base_of(params: Mapping[str, Any], parts: list[dict[str, Any]], key: Any) -> str:
    if key in (None, "total"):
        return _("the whole TPP (the ceiling)")
    label = next((p.get("label") for p in parts if p.get("key") == key), key)
    return _("the %(part)s part") % {"part": label}


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def describe(params: Mapping[str, Any]) -> dict[str, Any]:
    """A version's parameters as tables in words and Indonesian numbers."""
    base = _dict(params, "base")
    reference = as_dict(base.get("reference_by_kelas"))
    try:
        basic = rules.basic_by_kelas(params)
    except (rules.PresetError, AttributeError, TypeError, ValueError):
        basic = {}
    basic_rows = [{"kelas": k, "reference": money_text(reference[str(k)])
                   if str(k) in reference else "", "basic": money_text(basic[k])}
                  for k in KELAS if k in basic]
    parts = _list(params, "parts")
    factors = _dict(params, "factor_predikat")
    uses = {p.get("factor") for p in parts}
    bpjs = _dict(params, "bpjs")
    pph = _dict(params, "pph21")
    rates = as_dict(pph.get("rates"))
    rounding = _dict(params, "rounding")
    plt = _dict(params, "plt")
    leave = _dict(params, "leave")
    return {
        "index": base.get("index") if reference else None,
        "basic": basic_rows,
        "components": [_component(c) for c in _list(params, "components")],
        "parts": [{"label": p.get("label") or p.get("key"), "pct": pct_text(p.get("pct", "0")),
                   "factor": str(FACTOR_LABELS.get(p.get("factor", "none"),
                                                   p.get("factor", "")))} for p in parts],
        "deduction_base": _base_of(params, parts, params.get("deduction_base")),
        "sanction_base": _base_of(params, parts, params.get("sanction_base")),
        "factor_missing": pct_text(params.get("factor_missing", "0")),
        "score_full_at": params.get("score_full_at", "100") if "score" in uses else None,
        "minutes_target": (formats.number_id(params.get("minutes_target", "6750"))
                           if "minutes" in uses else None),
        "factor_predikat": [(predikat_label(name), pct_text(factors.get(name, "100")))
                            for name in rules.PREDIKATS],
        "bands": [{"code": b.get("code", ""),
                   "applies_to": str(APPLIES_LABELS.get(str(b.get("applies_to")),
                                                        b.get("applies_to", ""))),
                   "low": b.get("low", ""), "high": b.get("high"),
                   "pct": pct_text(b.get("pct", "0"))} for b in _list(params, "bands")],
        "missing_in_code": params.get("missing_in_code") or "",
        "missing_out_code": params.get("missing_out_code") or "",
        "absence_pct": pct_text(params.get("absence_pct_per_day", "0")),
        "no_log_pct": pct_text(params.get("no_log_pct_per_day", "0")),
        "leave": [{"label": leave_label(kind),
                   "mode": str(LEAVE_MODE_LABELS.get(
                       (leave.get(kind) or {}).get("mode", "none"), "")),
                   "detail": _leave(leave.get(kind) or {})}
                  for kind in rules.LEAVE_KINDS if isinstance(leave.get(kind, {}), dict)],
        "sanctions": [(_label(Sanction, k), pct_text(v))
                      for k, v in _in_order(_dict(params, "sanctions"), Sanction.values)],
        "max_cut_pct": pct_text(params.get("max_cut_pct", "100")),
        "status_pct": [(_label(EmployeeStatus, k), pct_text(v))
                       for k, v in _in_order(_dict(params, "status_pct"),
                                             EmployeeStatus.values)],
        "asn_type_pct": [(k, pct_text(v)) for k, v in _in_order(_dict(params, "asn_type_pct"),
                                                                 AsnType.values)],
        "plt_mode": str(PLT_LABELS.get(plt.get("mode", "own"), plt.get("mode", ""))),
        "plt_pct": pct_text(plt.get("pct", "0")) if plt.get("mode") == "own_plus_pct" else None,
        "bpjs": {"employee": pct_text(bpjs.get("employee_pct", "1")),
                 "employer": pct_text(bpjs.get("employer_pct", "4")),
                 "ceiling": money_text(bpjs.get("ceiling", "12000000")),
                 "on_tpp": bool(bpjs.get("on_tpp", True))},
        "pph_mode": str(PPH_MODE_LABELS.get(pph.get("mode", "borne_by_apbd"),
                                            pph.get("mode", ""))),
        "pph_rates": [(_("golongan %(g)s: %(pct)s") if k != "default" else
                       _("other golongan: %(pct)s")) % {"g": k, "pct": pct_text(v)}
                      for k, v in _in_order(rates, PPH_KEYS)],
        "rounding_unit": money_text(rounding.get("unit", "1")),
        "rounding_mode": str(ROUNDING_LABELS.get(rounding.get("mode", "half_up"),
                                                 rounding.get("mode", ""))),
    }


# --- The presets ------------------------------------------------------------------------------


def _presets(account: Account) -> list[TppPreset]:
    """The instansi's presets with their versions (newest first, without the parameters) and
    who made them: two queries."""
    versions = (TppPresetVersion.objects.select_related("created_by").defer("params")
                .order_by("-number"))
    return list(selectors.presets_of(account).prefetch_related(None)
                .prefetch_related(Prefetch("versions", queryset=versions))
                .order_by("-is_active", "name"))


def _months_by_version(instansi_id: int) -> dict[int, list[TppMonth]]:
    out: dict[int, list[TppMonth]] = {}
    for month in (TppMonth.objects.filter(instansi_id=instansi_id, version__isnull=False)
                  .only("period", "status", "version_id").order_by("period")):
        assert month.version_id is not None
        out.setdefault(month.version_id, []).append(month)
    return out


def _next_month(value: dt.date | None) -> dt.date | None:
    if value is None:
        return None
    return (value.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _list_render(request: HttpRequest, user: Account, instansi_id: int,
                 form: InstallForm | None = None, status: int = 200) -> HttpResponse:
    presets = _presets(user)
    months = _months_by_version(instansi_id)
    approved = services.last_approved(instansi_id)
    installed = {p.template for p in presets}
    context = {
        "presets": [(p, [(v, months.get(v.pk, [])) for v in p.versions.all()])
                    for p in presets],
        "approved": approved,
        "first_open": _next_month(approved),
        "templates": [{"key": k, "name": v["name"], "legal_reference": v["legal_reference"],
                       "installed": k in installed} for k, v in TEMPLATES.items()],
        "may_manage": selectors.may_manage(user),
        "form": form or InstallForm(),
    }
    return render(request, "allowances/preset_list.html", context, status=status)


@login_required
def preset_list(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    instansi_id = _require_reader(user)
    return _list_render(request, user, instansi_id)


@login_required
@require_POST
def preset_install(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    instansi_id = _require_manager(user)
    form = InstallForm(request.POST)
    if not form.is_valid():
        return _list_render(request, user, instansi_id, form, status=400)
    data = form.cleaned_data
    try:
        preset = services.preset_install(actor=user, template=data["template"],
                                         activate=data["activate"], name=data["name"].strip())
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _list_render(request, user, instansi_id, form, status=400)
    messages.success(request, _("“%(name)s” is installed as version 1.") % {"name": preset.name})
    return redirect("tpp_preset_detail", pk=preset.pk)


@login_required
@require_POST
def preset_activate(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    _require_manager(user)
    preset = _preset(user, pk)
    try:
        services.preset_activate(actor=user, preset=preset)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("“%(name)s” is the active preset now. Months already approved "
                                "keep the rules they were computed with.") % {"name": preset.name})
    return redirect("tpp_presets")


@login_required
def preset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's parameters (`?versi=N`; the latest by default) and every version."""
    user = request_account(request)
    instansi_id = _require_reader(user)
    preset = _preset(user, pk)
    versions = sorted(preset.versions.all(), key=lambda v: -v.number)
    if not versions:
        raise Http404(_("This preset has no version."))
    chosen = versions[0]
    wanted = request.GET.get("versi", "")
    if wanted:
        chosen = next((v for v in versions if str(v.number) == wanted), None)  # type: ignore[assignment]
        if chosen is None:
            raise Http404(_("No such version."))
    creators = Account.objects.in_bulk({v.created_by_id for v in versions if v.created_by_id})
    months = _months_by_version(instansi_id)
    context = {
        "preset": preset,
        "version": chosen,
        "creator": creators.get(chosen.created_by_id) if chosen.created_by_id else None,
        "latest": versions[0],
        "versions": [(v, creators.get(v.created_by_id) if v.created_by_id else None,
                      months.get(v.pk, [])) for v in versions],
        "used": months.get(chosen.pk, []),
        "d": describe(chosen.params),
        "params_json": json.dumps(chosen.params, indent=2, ensure_ascii=False),
        "notes": notes_of(chosen.params),
        "may_manage": selectors.may_manage(user),
    }
    return render(request, "allowances/preset_detail.html", context)


@login_required
def preset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version from the latest one: the structured fields over the JSON parameters."""
    user = request_account(request)
    instansi_id = _require_manager(user)
    preset = _preset(user, pk)
    latest = max(preset.versions.all(), key=lambda v: v.number, default=None)
    if latest is None:
        raise Http404(_("This preset has no version."))
    approved = services.last_approved(instansi_id)
    first_open = _next_month(approved)
    # The month after the last approved one, or the current month if later.
    initial_month = max(first_open or dt.date.min, today_in(user).replace(day=1))
    form = PresetVersionForm(request.POST if request.method == "POST" else None,
                             params=latest.params, number=latest.number)
    if request.method != "POST":
        form.initial["effective_month"] = month_text(initial_month)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            based_on = form.cleaned_data.get("based_on")
            if based_on is not None and based_on != latest.number:
                form.add_error(None, _(
                    "Version %(number)s was saved while you edited; open the edit page again "
                    "to start from it.") % {"number": latest.number})
            else:
                try:
                    version = services.preset_version_create(
                        actor=user, preset=preset, params=form.params(),
                        effective_from=form.cleaned_data["effective_month"],
                        note=form.cleaned_data["note"].strip())
                except Forbidden as exc:
                    raise PermissionDenied(exc.message) from exc
                except NotFound as exc:
                    raise Http404(exc.message) from exc
                except Conflict as exc:
                    form.add_error("effective_month", exc.message)
                except ApplicationError as exc:
                    problems = list((exc.details or {}).get("problems") or [])
                    form.add_error(None, exc.message)
                except (AttributeError, TypeError, ValueError):
                    # parse_preset reads shapes it does not expect this way; the form checks
                    # the known ones (forms_presets.shape_problems). Nothing was written.
                    log.exception("TPP preset parameters of an unexpected shape")
                    form.add_error(None, _("The parameters have an unexpected shape; check "
                                           "the advanced parameters."))
                else:
                    messages.success(request, _(
                        "Version %(number)s is saved, in force from %(month)s. Approved "
                        "months keep the rules they were computed with.") % {
                        "number": version.number,
                        "month": formats.month_id(version.effective_from)})
                    return redirect(reverse("tpp_preset_detail", kwargs={"pk": preset.pk})
                                    + f"?versi={version.number}")
    context = {
        "preset": preset,
        "latest": latest,
        "form": form,
        "problems": problems,
        "sections": problems_by_section(problems),
        "approved": approved,
        "first_open": first_open,
    }
    return render(request, "allowances/preset_edit.html", context, status=status)


# --- What-if ----------------------------------------------------------------------------------


@dataclass
class PersonRow:
    pegawai_id: int
    name: str
    nip: str
    opd: str
    before: Decimal
    after: Decimal
    diff: Decimal


def _month_choices(months: list[TppMonth]) -> list[tuple[str, str]]:
    labels: dict[str, str] = {TppMonthStatus.APPROVED: _("approved"),
                              TppMonthStatus.COMPUTED: _("computed")}
    return [(month_text(m.period), f"{formats.month_id(m.period)} ({labels.get(m.status, '')})")
            for m in months]


def _parts_of(months: list[TppMonth]) -> list[dict[str, Any]]:
    """The parts of the rules the months were computed with, each key once (for the weight
    fields)."""
    seen: dict[str, dict[str, Any]] = {}
    for month in months:
        if month.version is None:
            continue
        for part in _list(month.version.params, "parts"):
            seen.setdefault(str(part.get("key")), part)
    return list(seen.values())


def _latest_version(preset: TppPreset) -> TppPresetVersion | None:
    return max(preset.versions.all(), key=lambda v: v.number, default=None)


@login_required
def whatif(request: HttpRequest) -> HttpResponse:
    """Pick a computed month and what to compare it with; the difference per OPD and per
    person (the largest changes first, paged), and the totals. Nothing is written."""
    user = request_account(request)
    _require_reader(user)
    months = list(selectors.months_visible_to(user).filter(
        status__in=[TppMonthStatus.COMPUTED, TppMonthStatus.APPROVED]).order_by("-period"))
    presets = list(selectors.presets_of(user).order_by("-is_active", "name"))
    preset_choices = [(p.pk, f"{p.name} ({_('active')})" if p.is_active else p.name)
                      for p in presets]
    bound = "bulan" in request.GET
    form = WhatIfForm(request.GET if bound else None, months=_month_choices(months),
                      presets=preset_choices, parts=_parts_of(months),
                      initial={"sumber": SOURCE_CHANGED,
                               "bulan": month_text(months[0].period) if months else ""})
    context: dict[str, Any] = {"form": form, "months": months, "result": None, "problems": []}
    status = 200
    if bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            tpp_month = next(m for m in months if month_text(m.period) == data["bulan"])
            params, label = _what_if_params(form, tpp_month, presets)
            if params is None:
                form.add_error(None, _("There is nothing to compare with."))
            else:
                try:
                    comparison = selectors.what_if_compare(user, tpp_month, params)
                except rules.PresetError as exc:
                    context["problems"] = exc.problems
                else:
                    status = 200
                    context["result"] = _result(request, comparison, label)
    return render(request, "allowances/whatif.html", context, status=status)


def _what_if_params(form: WhatIfForm, tpp_month: TppMonth,
                    presets: list[TppPreset]) -> tuple[dict[str, Any] | None, str]:
    data = form.cleaned_data
    if data["sumber"] == SOURCE_PRESET:
        preset = next((p for p in presets if p.pk == data["preset"]), None)
        version = _latest_version(preset) if preset else None
        if version is None or preset is None:
            return None, ""
        return dict(version.params), _("%(name)s, version %(number)s") % {
            "name": preset.name, "number": version.number}
    if data["sumber"] == SOURCE_TEMPLATE:
        key = data["template"]
        return template_params(key), _("template %(name)s") % {"name": TEMPLATES[key]["name"]}
    version = tpp_month.version
    if version is None:
        return None, ""
    changes = ", ".join(f"{k} {v}%" for k, v in form.changes().items())
    return form.apply(version.params), _("%(name)s version %(number)s with %(changes)s") % {
        "name": version.preset.name, "number": version.number, "changes": changes}


def _result(request: HttpRequest, comparison: selectors.WhatIf, label: str) -> dict[str, Any]:
    changed = sorted((p for p in comparison.people if p.diff),
                     key=lambda p: (-abs(p.diff), p.pegawai_id))
    page = Paginator(changed, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    names = {pk: (name, nip) for pk, name, nip in Pegawai.objects.filter(
        pk__in=[p.pegawai_id for p in page.object_list]).values_list("pk", "name", "nip")}
    opds = {row["opd_id"]: row["name"] for row in comparison.by_opd}
    rows = [PersonRow(p.pegawai_id, *names.get(p.pegawai_id, ("-", "")),
                      opds.get(p.opd_id, "-"), p.before, p.after, p.diff)
            for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "label": label,
        "comparison": comparison,
        "by_opd": comparison.by_opd,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "changed": len(changed),
        "unchanged": len(comparison.people) - len(changed),
        "people": len(comparison.people),
    }
