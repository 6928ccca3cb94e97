"""Forms of the TPP preset pages and the what-if (views_presets.py).

The version form is structured: the parameters a BKPSDM changes most (basic TPP per kelas, the
parts and their factor, the predikat factors, the TL/PSW bands, the absence, no-log and cap
percentages, BPJS, PPh 21, rounding, the mode of each leave kind) are fields and table rows; the
"advanced (JSON)" textarea holds the full parameters for everything else. `params()` starts
from the JSON (the latest version's parameters unless edited) and puts the fields over it.

The form only parses what was typed. Whether the numbers make a usable preset is decided by
kinerja.allowances.rules.parse_preset through services.preset_version_create, which lists every
problem; the few shapes that function cannot read (a list where an object belongs) are reported
here, in the same words, so they come back as problems too instead of an error page.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.allowances import rules
from kinerja.allowances.batch import Month
from kinerja.allowances.presets import TEMPLATES
from kinerja.attendance.rules import EARLY, LATE
from kinerja.evaluations.models import Predikat
from kinerja.people.models import LeaveKind
from kinerja.web.views import PageForm

KELAS = tuple(range(17, 0, -1))  # highest first, as the Perbup tables list them
PPH_KEYS = ("I", "II", "III", "IV", "default")
EXTRA_BAND_ROWS = 2
MAX_ROWS = 40
JSON_MAX = 200_000

FACTOR_LABELS = {
    "none": _lazy("none (paid in full)"),
    "predikat": _lazy("by predikat (factor table)"),
    "score": _lazy("by evaluation score"),
    "minutes": _lazy("by verified work minutes"),
}
LEAVE_MODE_LABELS = {
    "none": _lazy("no cut"),
    "per_day": _lazy("a percentage per day"),
    "days_in_month": _lazy("by days in the month (table)"),
    "month_of_leave": _lazy("by month of the leave"),
    "unpaid": _lazy("unpaid (the days are not paid)"),
}
PPH_MODE_LABELS = {
    "borne_by_apbd": _lazy("borne by the APBD (shown, not deducted)"),
    "withheld": _lazy("withheld from the TPP"),
}
ROUNDING_LABELS = {
    "half_up": _lazy("to the nearest (half up)"),
    "down": _lazy("down"),
    "up": _lazy("up"),
}
PLT_LABELS = {
    "own": _lazy("own position only (acting posts add nothing)"),
    "higher_of": _lazy("the higher of the own and the acting position"),
    "own_plus_pct": _lazy("own position plus a percentage of the acting one"),
}
APPLIES_LABELS = {LATE: _lazy("late arrival (TL)"), EARLY: _lazy("early leave (PSW)")}
BASE_MODES = {
    "reference": _lazy("reference amount × index"),
    "by_kelas": _lazy("basic TPP per kelas as typed"),
}


def leave_label(kind: str) -> str:
    try:
        return str(LeaveKind(kind).label)
    except ValueError:
        return kind


def predikat_label(key: str) -> str:
    try:
        return str(Predikat(key).label)
    except ValueError:
        return key


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: str) -> str:
    """A typed number as the parameters keep it: decimal comma read as a dot."""
    return value.strip().replace(",", ".")


def _minutes(value: str) -> int | str:
    """Band minutes: whole numbers stay numbers (as the templates keep them)."""
    text = _number(value)
    return int(text) if re.fullmatch(r"\d{1,6}", text) else text


THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def _rupiah(value: str) -> str:
    """A typed amount of rupiah: 'Rp 5.764.000' and '5.764.000' read as 5764000 (Indonesian
    thousands separators); a plain number as a number; anything else as typed (rules says it
    is not a number)."""
    text = value.strip().removeprefix("Rp").removeprefix("rp").replace(" ", "")
    if THOUSANDS.match(text):
        return text.replace(".", "")
    if re.fullmatch(r"\d+([.,]\d+)?", text):
        return _number(text)
    return value.strip()


def month_text(value: Any) -> str:
    return f"{value:%Y-%m}" if value else ""


class NumberInput(forms.TextInput):
    """A number typed as text (decimal comma, thousands dots): the phone's number keyboard."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", **(attrs or {})})


def _num(label: Any, **kwargs: Any) -> forms.CharField:
    """A number field kept as typed: rules.parse_preset says what is wrong with it."""
    return forms.CharField(label=label, required=False, max_length=40, widget=NumberInput,
                           **kwargs)


class MonthField(forms.CharField):
    """YYYY-MM, cleaned to the 1st of the month."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", _lazy("YYYY-MM, for example 2026-11."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            return Month.parse(text).first
        except ValueError:
            raise forms.ValidationError(_("“%(value)s” is not a month; use the form YYYY-MM.")
                                        % {"value": text}) from None


# --- Shape of the advanced JSON -------------------------------------------------------------

_OBJECTS = ("base", "leave", "sanctions", "factor_predikat", "bpjs", "pph21", "rounding", "plt",
            "asn_type_pct", "status_pct", "sources")
_LISTS = ("components", "parts", "bands")


def shape_problems(params: Any) -> list[str]:
    """What rules.parse_preset cannot read at all (a list where an object belongs, a table row
    that is not [from, to, pct]); in its words."""
    if not isinstance(params, dict):
        return [_("The parameters must be a JSON object ({...}).")]
    out = []
    for key in _OBJECTS:
        if key in params and params[key] is not None and not isinstance(params[key], dict):
            out.append(f"{key}: must be an object")
    for key in _LISTS:
        value = params.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            out.append(f"{key}: must be a list")
            continue
        out.extend(f"{key}[{i}]: must be an object" for i, item in enumerate(value)
                   if not isinstance(item, dict))
    base = params.get("base")
    if isinstance(base, dict):
        for key in ("reference_by_kelas", "by_kelas"):
            if base.get(key) is not None and not isinstance(base[key], dict):
                out.append(f"base.{key}: must be an object (kelas: amount)")
    for i, comp in enumerate(params.get("components") or []):
        if not isinstance(comp, dict):
            continue
        if comp.get("eligible") is not None and not isinstance(comp["eligible"], dict):
            out.append(f"components[{i}].eligible: must be an object")
        if comp.get("pct_by_kelas") is not None and not isinstance(comp["pct_by_kelas"], dict):
            out.append(f"components[{i}].pct_by_kelas: must be an object (kelas: pct)")
        eligible = comp.get("eligible")
        if isinstance(eligible, dict) and eligible.get("kelas") is not None \
                and not isinstance(eligible["kelas"], list):
            out.append(f"components[{i}].eligible.kelas: must be a list")
    leave = params.get("leave")
    if isinstance(leave, dict):
        for kind, rule in leave.items():
            if not isinstance(rule, dict):
                out.append(f"leave.{kind}: must be an object")
                continue
            table = rule.get("table")
            if table is not None and (not isinstance(table, list) or any(
                    not isinstance(row, list) or len(row) != 3 for row in table)):
                out.append(f"leave.{kind}.table: must be a list of [from, to, pct]")
            if rule.get("by_month") is not None and not isinstance(rule["by_month"], list):
                out.append(f"leave.{kind}.by_month: must be a list")
    pph = params.get("pph21")
    if isinstance(pph, dict) and pph.get("rates") is not None \
            and not isinstance(pph["rates"], dict):
        out.append("pph21.rates: must be an object (golongan: pct)")
    return out


# --- The version form -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One editable table row of the form: its bound fields by column."""

    index: int
    cells: Mapping[str, forms.BoundField]

    def __getitem__(self, name: str) -> forms.BoundField:
        return self.cells[name]

    @property
    def errors(self) -> bool:
        return any(cell.errors for cell in self.cells.values())


def as_dict(value: Any) -> dict[str, Any]:
    """`value` if it is an object of the parameters, else an empty one."""
    return value if isinstance(value, dict) else {}


def _get(params: Mapping[str, Any], key: str) -> dict[str, Any]:
    return as_dict(params.get(key))


def _items(params: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = params.get(key)
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def initial_data(params: Mapping[str, Any]) -> dict[str, Any]:
    """The form's fields filled from a version's parameters (also a valid POST body)."""
    base = _get(params, "base")
    reference = isinstance(base.get("reference_by_kelas"), dict)
    amounts: dict[Any, Any] = as_dict(base.get("reference_by_kelas") if reference
                                      else base.get("by_kelas"))
    data: dict[str, Any] = {
        "base_mode": "reference" if reference else "by_kelas",
        "base_index": _text(base.get("index", "1")) if reference else "1",
        "factor_missing": _text(params.get("factor_missing", "0")),
        "missing_in_code": _text(params.get("missing_in_code")),
        "missing_out_code": _text(params.get("missing_out_code")),
        "absence_pct": _text(params.get("absence_pct_per_day", "0")),
        "no_log_pct": _text(params.get("no_log_pct_per_day", "0")),
        "max_cut_pct": _text(params.get("max_cut_pct", "100")),
        "params_json": json.dumps(params, indent=2, ensure_ascii=False),
    }
    for k in KELAS:
        data[f"base_{k}"] = _text(amounts.get(str(k), amounts.get(k)))
    parts = _items(params, "parts")
    data["part_rows"] = len(parts)
    for i, part in enumerate(parts):
        data[f"part_{i}_key"] = _text(part.get("key"))
        data[f"part_{i}_label"] = _text(part.get("label"))
        data[f"part_{i}_pct"] = _text(part.get("pct"))
        data[f"part_{i}_factor"] = _text(part.get("factor", "none"))
    factors = _get(params, "factor_predikat")
    for name in rules.PREDIKATS:
        data[f"factor_{name}"] = _text(factors.get(name, "100"))
    bands = _items(params, "bands")
    data["band_rows"] = min(len(bands) + EXTRA_BAND_ROWS, MAX_ROWS)
    for i, band in enumerate(bands[:MAX_ROWS]):
        data[f"band_{i}_code"] = _text(band.get("code"))
        data[f"band_{i}_applies_to"] = _text(band.get("applies_to", LATE))
        data[f"band_{i}_low"] = _text(band.get("low"))
        data[f"band_{i}_high"] = _text(band.get("high"))
        data[f"band_{i}_pct"] = _text(band.get("pct"))
    bpjs = _get(params, "bpjs")
    data.update({
        "bpjs_employee_pct": _text(bpjs.get("employee_pct", "1")),
        "bpjs_employer_pct": _text(bpjs.get("employer_pct", "4")),
        "bpjs_ceiling": _text(bpjs.get("ceiling", "12000000")),
        "bpjs_on_tpp": bool(bpjs.get("on_tpp", True)),
    })
    pph = _get(params, "pph21")
    rates = as_dict(pph.get("rates"))
    data["pph_mode"] = _text(pph.get("mode", "borne_by_apbd"))
    for key in PPH_KEYS:
        data[f"pph_rate_{key}"] = _text(rates.get(key))
    rounding = _get(params, "rounding")
    data["rounding_unit"] = _text(rounding.get("unit", "1"))
    data["rounding_mode"] = _text(rounding.get("mode", "half_up"))
    leave = _get(params, "leave")
    for kind in rules.LEAVE_KINDS:
        rule = as_dict(leave.get(kind))
        data[f"leave_{kind}_mode"] = _text(rule.get("mode", "none"))
        data[f"leave_{kind}_pct"] = _text(rule.get("pct"))
    return data


def _rows(data: Any, name: str, default: int) -> int:
    """How many rows of a table the posted form has (bounded)."""
    try:
        value = int(data.get(name, default))
    except (TypeError, ValueError):
        value = default
    return max(0, min(value, MAX_ROWS))


class PresetVersionForm(PageForm):
    """A new version of a preset: effective month, note, the common parameters as fields and
    table rows, and the full parameters as JSON (see the module docstring)."""

    effective_month = MonthField(label=_lazy("Effective from (month)"))
    note = forms.CharField(label=_lazy("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_lazy("Why the rules change, for example the Perbup "
                                           "number."))
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    part_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)
    band_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)
    base_mode = forms.ChoiceField(label=_lazy("Basic TPP"), choices=list(BASE_MODES.items()))
    base_index = _num(_lazy("Index"), help_text=_lazy(
        "Used with reference amounts: basic TPP = reference × index, rounded to the rupiah."))
    factor_missing = _num(_lazy("Factor without a final evaluation (%)"))
    missing_in_code = forms.CharField(label=_lazy("No check-in counts as band"),
                                      required=False, max_length=20)
    missing_out_code = forms.CharField(label=_lazy("No check-out counts as band"),
                                       required=False, max_length=20)
    absence_pct = _num(_lazy("Unexcused absence, % per day"))
    no_log_pct = _num(_lazy("No work log, % per day"))
    max_cut_pct = _num(_lazy("Maximum total cut (% of the payable amount)"))
    bpjs_employee_pct = _num(_lazy("BPJS paid by the employee (%)"))
    bpjs_employer_pct = _num(_lazy("BPJS paid by the Pemda (%)"))
    bpjs_ceiling = _num(_lazy("BPJS base ceiling (rupiah)"))
    bpjs_on_tpp = forms.BooleanField(label=_lazy("TPP is in the BPJS base"), required=False)
    pph_mode = forms.ChoiceField(label=_lazy("PPh 21"), choices=list(PPH_MODE_LABELS.items()))
    rounding_unit = _num(_lazy("Round to (rupiah)"))
    rounding_mode = forms.ChoiceField(label=_lazy("Rounding"),
                                      choices=list(ROUNDING_LABELS.items()))
    params_json = forms.CharField(
        label=_lazy("Advanced parameters (JSON)"), required=False, max_length=JSON_MAX,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "wide"}),
        help_text=_lazy("Every parameter of the preset (components, leave tables, status and "
                        "ASN-type percentages, Plt, sanctions, sources...). The fields above "
                        "replace the same values here."))

    def __init__(self, data: Any = None, *, params: Mapping[str, Any], number: int,
                 **kwargs: Any) -> None:
        initial = initial_data(params)
        initial["based_on"] = number
        kwargs.setdefault("initial", initial)
        super().__init__(data, **kwargs)
        self.latest = params
        self.number = number
        source = data if data is not None else initial
        self.part_count = _rows(source, "part_rows", int(initial["part_rows"]))
        self.band_count = _rows(source, "band_rows", int(initial["band_rows"]))
        for k in KELAS:
            self.fields[f"base_{k}"] = _num(_("kelas %(k)s") % {"k": k})
        for i in range(self.part_count):
            self.fields[f"part_{i}_key"] = forms.SlugField(widget=forms.HiddenInput,
                                                           max_length=60)
            self.fields[f"part_{i}_label"] = forms.CharField(label=_lazy("Part"),
                                                             max_length=200, required=False)
            self.fields[f"part_{i}_pct"] = _num(_lazy("Share (%)"))
            self.fields[f"part_{i}_factor"] = forms.ChoiceField(
                label=_lazy("Factor"), choices=list(FACTOR_LABELS.items()))
        for name in rules.PREDIKATS:
            self.fields[f"factor_{name}"] = _num(predikat_label(name))
        for i in range(self.band_count):
            self.fields[f"band_{i}_code"] = forms.CharField(label=_lazy("Code"), max_length=20,
                                                            required=False)
            self.fields[f"band_{i}_applies_to"] = forms.ChoiceField(
                label=_lazy("Applies to"), choices=list(APPLIES_LABELS.items()),
                required=False)
            self.fields[f"band_{i}_low"] = _num(_lazy("From minute"))
            self.fields[f"band_{i}_high"] = _num(_lazy("To minute"))
            self.fields[f"band_{i}_pct"] = _num(_lazy("% per day"))
        for key in PPH_KEYS:
            label = _("golongan %(g)s") % {"g": key} if key != "default" else _("other")
            self.fields[f"pph_rate_{key}"] = _num(label)
        for kind in rules.LEAVE_KINDS:
            self.fields[f"leave_{kind}_mode"] = forms.ChoiceField(
                label=leave_label(kind), choices=list(LEAVE_MODE_LABELS.items()))
            self.fields[f"leave_{kind}_pct"] = _num(_lazy("% per day"))

    # The template walks these.
    def base_rows(self) -> Iterator[tuple[int, forms.BoundField]]:
        for k in KELAS:
            yield k, self[f"base_{k}"]

    def part_rows_bound(self) -> list[Row]:
        return [Row(i, {c: self[f"part_{i}_{c}"] for c in ("key", "label", "pct", "factor")})
                for i in range(self.part_count)]

    def band_rows_bound(self) -> list[Row]:
        return [Row(i, {c: self[f"band_{i}_{c}"] for c in ("code", "applies_to", "low",
                                                            "high", "pct")})
                for i in range(self.band_count)]

    def factor_fields(self) -> list[forms.BoundField]:
        return [self[f"factor_{name}"] for name in rules.PREDIKATS]

    def pph_fields(self) -> list[forms.BoundField]:
        return [self[f"pph_rate_{key}"] for key in PPH_KEYS]

    def leave_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(leave_label(kind), self[f"leave_{kind}_mode"], self[f"leave_{kind}_pct"])
                for kind in rules.LEAVE_KINDS]

    def clean_params_json(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("params_json") or "").strip()
        if not text:
            return copy.deepcopy(dict(self.latest))
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s") % {"error": exc}) from None
        problems = shape_problems(value)
        if problems:
            raise forms.ValidationError(problems)
        return value  # type: ignore[no-any-return]

    def params(self) -> dict[str, Any]:
        """The new version's parameters: the JSON with the fields put over it."""
        d = self.cleaned_data
        params: dict[str, Any] = copy.deepcopy(d["params_json"])
        amounts = {str(k): _rupiah(d[f"base_{k}"]) for k in KELAS if d[f"base_{k}"].strip()}
        if d["base_mode"] == "reference":
            exceptions = (params.get("base") or {}).get("by_kelas")
            params["base"] = {"reference_by_kelas": amounts, "index": _number(d["base_index"])}
            if isinstance(exceptions, dict) and exceptions:
                # Amounts printed in the Perbup where reference x index rounds otherwise; kept
                # from the JSON (the advanced field), where they are edited.
                params["base"]["by_kelas"] = exceptions
        else:
            params["base"] = {"by_kelas": amounts}
        # Parts: by key over the JSON's parts; a part whose share is cleared is removed.
        parts = [dict(p) for p in _items(params, "parts")]
        for i in range(self.part_count):
            key = d[f"part_{i}_key"]
            found = next((p for p in parts if p.get("key") == key), None)
            if not d[f"part_{i}_pct"].strip():
                if found is not None:
                    parts.remove(found)
                continue
            row = {"pct": _number(d[f"part_{i}_pct"]), "factor": d[f"part_{i}_factor"]}
            if d[f"part_{i}_label"].strip():
                row["label"] = d[f"part_{i}_label"].strip()
            if found is None:
                parts.append({"key": key, "label": row.get("label", key), **row})
            else:
                found.update(row)
        params["parts"] = parts
        params["factor_missing"] = _number(d["factor_missing"])
        factors = dict(_get(params, "factor_predikat"))
        for name in rules.PREDIKATS:
            factors[name] = _number(d[f"factor_{name}"])
        params["factor_predikat"] = factors
        # Bands: the table is the whole list; a row without a code is left out.
        bands = []
        for i in range(self.band_count):
            code = d[f"band_{i}_code"].strip()
            if not code:
                continue
            high = _number(d[f"band_{i}_high"])
            bands.append({"code": code, "applies_to": d[f"band_{i}_applies_to"] or LATE,
                          "low": _minutes(d[f"band_{i}_low"]),
                          "high": _minutes(high) if high else None,
                          "pct": _number(d[f"band_{i}_pct"])})
        params["bands"] = bands
        params["missing_in_code"] = d["missing_in_code"].strip() or None
        params["missing_out_code"] = d["missing_out_code"].strip() or None
        params["absence_pct_per_day"] = _number(d["absence_pct"])
        params["no_log_pct_per_day"] = _number(d["no_log_pct"])
        params["max_cut_pct"] = _number(d["max_cut_pct"])
        params["bpjs"] = {**_get(params, "bpjs"),
                          "employee_pct": _number(d["bpjs_employee_pct"]),
                          "employer_pct": _number(d["bpjs_employer_pct"]),
                          "ceiling": _rupiah(d["bpjs_ceiling"]),
                          "on_tpp": bool(d["bpjs_on_tpp"])}
        pph = dict(_get(params, "pph21"))
        rates = dict(pph.get("rates") or {})
        for key in PPH_KEYS:
            value = _number(d[f"pph_rate_{key}"])
            if value:
                rates[key] = value
            else:
                rates.pop(key, None)
        pph.update({"mode": d["pph_mode"], "rates": rates})
        params["pph21"] = pph
        params["rounding"] = {**_get(params, "rounding"),
                              "unit": _rupiah(d["rounding_unit"]),
                              "mode": d["rounding_mode"]}
        leave = dict(_get(params, "leave"))
        for kind in rules.LEAVE_KINDS:
            rule = dict(leave.get(kind) or {})
            rule["mode"] = d[f"leave_{kind}_mode"]
            pct = _number(d[f"leave_{kind}_pct"])
            if pct:
                rule["pct"] = pct
            else:
                rule.pop("pct", None)
            leave[kind] = rule
        params["leave"] = leave
        return params


# Which part of the form a problem of rules.parse_preset belongs to (by its first word).
SECTIONS = {
    "base": "base",
    "parts": "parts", "factor_missing": "parts", "deduction_base": "parts",
    "sanction_base": "parts", "score_full_at": "parts", "minutes_target": "parts",
    "factor_predikat": "factors",
    "bands": "bands", "missing_in_code": "bands", "missing_out_code": "bands",
    "absence_pct_per_day": "deductions", "no_log_pct_per_day": "deductions",
    "max_cut_pct": "deductions",
    "bpjs": "bpjs", "pph21": "pph21", "rounding": "rounding", "leave": "leave",
}
FIRST_WORD = re.compile(r"^([a-z_0-9]+)")


def problems_by_section(problems: Sequence[str]) -> dict[str, list[str]]:
    """Problems grouped by the form section they concern ('advanced' for the rest)."""
    out: dict[str, list[str]] = {}
    for problem in problems:
        match = FIRST_WORD.match(problem)
        section = SECTIONS.get(match.group(1), "advanced") if match else "advanced"
        out.setdefault(section, []).append(problem)
    return out


# --- Install ------------------------------------------------------------------------------


class InstallForm(PageForm):
    template = forms.ChoiceField(label=_lazy("Template"),
                                 choices=[(k, v["name"]) for k, v in TEMPLATES.items()])
    name = forms.CharField(label=_lazy("Name (optional)"), required=False, max_length=200)
    activate = forms.BooleanField(label=_lazy("Make it the active preset"), required=False)


# --- What-if ------------------------------------------------------------------------------

SOURCE_PRESET = "preset"
SOURCE_TEMPLATE = "template"
SOURCE_CHANGED = "ubah"


class WhatIfForm(PageForm):
    """A computed month and what to run it with: another preset (its latest version), a
    template, or the month's own rules with other part weights or absence percentage."""

    bulan = forms.ChoiceField(label=_lazy("Month"))
    sumber = forms.ChoiceField(
        label=_lazy("Compare with"), widget=forms.RadioSelect,
        choices=[(SOURCE_CHANGED, _lazy("The month's rules with changes")),
                 (SOURCE_PRESET, _lazy("Another preset (its latest version)")),
                 (SOURCE_TEMPLATE, _lazy("A built-in template"))])
    preset = forms.TypedChoiceField(label=_lazy("Preset"), coerce=int, required=False,
                                    empty_value=None)
    template = forms.ChoiceField(label=_lazy("Template"), required=False,
                                 choices=[("", "—"), *((k, v["name"])
                                                       for k, v in TEMPLATES.items())])
    absence_pct = _num(_lazy("Unexcused absence, % per day"))

    def __init__(self, data: Any = None, *, months: Sequence[tuple[str, str]],
                 presets: Sequence[tuple[int, str]], parts: Sequence[Mapping[str, Any]],
                 **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        month_field = self.fields["bulan"]
        preset_field = self.fields["preset"]
        assert isinstance(month_field, forms.ChoiceField)
        assert isinstance(preset_field, forms.ChoiceField)
        month_field.choices = list(months)
        preset_field.choices = [("", "—"), *presets]
        self.part_keys = []
        for part in parts:
            key = str(part.get("key") or "")
            if not re.fullmatch(r"[a-z0-9_]+", key):
                continue
            self.part_keys.append(key)
            self.fields[f"bobot_{key}"] = forms.CharField(
                label=_("%(part)s (now %(pct)s%%)") % {"part": part.get("label") or key,
                                                        "pct": part.get("pct")},
                required=False, max_length=40, widget=NumberInput)

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"bobot_{key}"] for key in self.part_keys]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("sumber")
        if source == SOURCE_PRESET and not data.get("preset"):
            self.add_error("preset", _("Choose the preset to compare with."))
        if source == SOURCE_TEMPLATE and not data.get("template"):
            self.add_error("template", _("Choose the template to compare with."))
        if source == SOURCE_CHANGED and not self.changes():
            self.add_error(None, _("Give at least one new part weight or absence percentage."))
        return data

    def changes(self) -> dict[str, str]:
        """The weights and the absence percentage typed (key -> number)."""
        data = getattr(self, "cleaned_data", {})
        out = {key: _number(data.get(f"bobot_{key}") or "") for key in self.part_keys}
        out["absence_pct_per_day"] = _number(data.get("absence_pct") or "")
        return {k: v for k, v in out.items() if v}

    def apply(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """`params` with the typed weights and absence percentage."""
        out = copy.deepcopy(dict(params))
        changes = self.changes()
        parts = [dict(p) for p in _items(out, "parts")]
        for part in parts:
            if part.get("key") in changes:
                part["pct"] = changes[part["key"]]
        out["parts"] = parts
        if "absence_pct_per_day" in changes:
            out["absence_pct_per_day"] = changes["absence_pct_per_day"]
        return out
