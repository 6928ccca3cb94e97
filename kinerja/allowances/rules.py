"""TPP rules as pure functions on plain values: a preset (parsed and checked from its JSON
parameters) and one person's month in, every rupiah with its rule out. No ORM, no I/O.

The order follows RULES.md 2.8: (1) the ceiling from the components of the kelas jabatan (2.2),
prorated over the working days a person held each position; (2) the split into parts (2.3);
(3) the performance factor of the kinerja part (predikat, score or verified minutes); (4) the
deductions for lateness and early leave by band, unexcused absence, missing check-in or
check-out, days without a work log, leave (2.6) and discipline sanctions (2.5), each a percent
of its base; (5) the cuts off a part (a `deduction_base` other than the total, Kepahiang's 40%
disiplin part) stop at what is paid of that part, and the total cut is clamped at `max_cut_pct`
of the payable amount (and never more than it); (6) BPJS Kesehatan and PPh 21 (2.7). Every
amount is Decimal, rounded as the preset says; the same inputs and preset always give the same
rupiah.

Where RULES.md marks a number (P) or (U) it is a preset parameter, never a constant here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Any

from kinerja.attendance.rules import EARLY, LATE, Band, check_bands

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PREDIKATS = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")
FACTORS = ("none", "predikat", "score", "minutes")
LEAVE_MODES = ("none", "per_day", "days_in_month", "month_of_leave", "unpaid")
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "up": ROUND_UP}
PPH_MODES = ("borne_by_apbd", "withheld")
PLT_MODES = ("own", "higher_of", "own_plus_pct")
LEAVE_KINDS = ("tahunan", "sakit", "besar", "melahirkan", "alasan_penting", "cltn",
               "dinas_luar", "tugas_belajar", "izin", "lainnya")


class PresetError(ValueError):
    """The parameters of a preset cannot be used; `problems` lists each one (for the form)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# --- The preset -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One criterion of the ceiling (beban kerja, kondisi kerja, tempat bertugas, kelangkaan
    profesi, prestasi kerja): a percent of the basic TPP of the kelas (by kelas where the Perbup
    differs) or a fixed amount, for the people it is eligible to."""

    key: str
    label: str
    pct: Decimal | None
    pct_by_kelas: Mapping[int, Decimal]
    fixed: Decimal | None
    kelas: frozenset[int] | None  # eligible kelas (None: all)
    budget_holder: bool | None  # only Pengguna Anggaran (True) / only others (False) / all

    def amount(self, basic: Decimal, kelas: int, budget_holder: bool) -> Decimal:
        if self.kelas is not None and kelas not in self.kelas:
            return ZERO
        if self.budget_holder is not None and self.budget_holder != budget_holder:
            return ZERO
        if self.fixed is not None:
            return self.fixed
        pct = self.pct_by_kelas.get(kelas, self.pct if self.pct is not None else ZERO)
        return basic * pct / HUNDRED


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    pct: Decimal
    factor: str  # one of FACTORS


@dataclass(frozen=True)
class LeaveRule:
    mode: str
    pct: Decimal = ZERO  # per_day
    free_days: int = 0  # per_day: days a month without a cut
    table: tuple[tuple[int, int | None, Decimal], ...] = ()  # days_in_month: (low, high, cut %)
    by_month: tuple[Decimal, ...] = ()  # month_of_leave: cut % in month 1, 2, ... (last repeats)


@dataclass(frozen=True)
class Preset:
    basic: Mapping[int, Decimal]  # kelas -> basic TPP
    components: tuple[Component, ...]
    parts: tuple[Part, ...]
    deduction_base: str  # "total" or a part key
    sanction_base: str
    factor_predikat: Mapping[str, Decimal]
    factor_missing: Decimal
    score_full_at: Decimal
    minutes_target: Decimal
    bands: tuple[Band, ...]
    band_pct: Mapping[str, Decimal]
    missing_in_code: str | None
    missing_out_code: str | None
    absence_pct: Decimal
    no_log_pct: Decimal
    leave: Mapping[str, LeaveRule]
    sanctions: Mapping[str, Decimal]
    max_cut_pct: Decimal
    asn_type_pct: Mapping[str, Decimal]
    status_pct: Mapping[str, Decimal]
    plt_mode: str
    plt_pct: Decimal
    bpjs_employee_pct: Decimal
    bpjs_employer_pct: Decimal
    bpjs_ceiling: Decimal
    bpjs_on_tpp: bool
    pph_mode: str
    pph_rates: Mapping[str, Decimal]
    rounding_unit: Decimal
    rounding_mode: str
    sources: Mapping[str, str] = field(default_factory=dict)

    def round(self, value: Decimal) -> Decimal:
        return round_to(value, self.rounding_unit, self.rounding_mode)


def round_to(value: Decimal, unit: Decimal, mode: str) -> Decimal:
    """Round rupiah to a multiple of `unit` (1, 100, 1000) the preset's way."""
    steps = (value / unit).quantize(Decimal(1), rounding=ROUNDING_MODES[mode])
    return (steps * unit).quantize(Decimal(1)) if unit >= 1 else steps * unit


class _Reader:
    """Reads parameters, collecting every problem instead of stopping at the first."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params
        self.problems: list[str] = []

    def dec(self, value: Any, where: str, *, low: Decimal | None = ZERO,
            high: Decimal | None = None) -> Decimal:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
            if not number.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            self.problems.append(f"{where}: '{value}' is not a number")
            return ZERO
        if low is not None and number < low:
            self.problems.append(f"{where}: {number} is below {low}")
        if high is not None and number > high:
            self.problems.append(f"{where}: {number} is above {high}")
        return number

    def pct(self, value: Any, where: str) -> Decimal:
        return self.dec(value, where, low=ZERO, high=HUNDRED)

    def kelas(self, key: Any, where: str) -> int:
        try:
            kelas = int(key)
        except (TypeError, ValueError):
            self.problems.append(f"{where}: '{key}' is not a kelas jabatan (1-17)")
            return 0
        if not 1 <= kelas <= 17:
            self.problems.append(f"{where}: '{key}' is not a kelas jabatan (1-17)")
        return kelas

    def choice(self, value: Any, options: Sequence[str], where: str) -> str:
        if value not in options:
            self.problems.append(f"{where}: '{value}' is not one of {', '.join(options)}")
            return options[0]
        return str(value)


def basic_by_kelas(params: Mapping[str, Any], reader: _Reader | None = None) -> dict[int, Decimal]:
    """The basic TPP per kelas: given directly (`by_kelas`), or the reference amount times the
    regional index rounded to the rupiah (`reference_by_kelas` x `index`, Lubuklinggau 2022:
    Rp29,286,000 x 0.59112978 = Rp17,311,827)."""
    r = reader or _Reader(params)
    base = _mapping(r, params, "base")
    out: dict[int, Decimal] = {}
    if "reference_by_kelas" in base:
        index = r.dec(base.get("index", "1"), "base.index", low=ZERO)
        for key, value in _mapping(r, base, "reference_by_kelas",
                                   "base.reference_by_kelas").items():
            kelas = r.kelas(key, "base.reference_by_kelas")
            out[kelas] = (r.dec(value, f"base.reference_by_kelas.{key}") * index).quantize(
                Decimal(1), rounding=ROUND_HALF_UP)
    for key, value in _mapping(r, base, "by_kelas", "base.by_kelas").items():
        out[r.kelas(key, "base.by_kelas")] = r.dec(value, f"base.by_kelas.{key}")
    if not out:
        r.problems.append("base: give the basic TPP per kelas (by_kelas) or the reference "
                          "amounts and the index (reference_by_kelas, index)")
    if reader is None and r.problems:
        raise PresetError(r.problems)
    return out


def _objects(r: _Reader, params: Mapping[str, Any], name: str) -> list[tuple[int, Any]]:
    """(index, item) of a list of objects, each item that is not an object reported (a preset
    edited by hand must give a list of problems, never a crash)."""
    value = params.get(name) or []
    if not isinstance(value, list):
        r.problems.append(f"{name}: give a list")
        return []
    out = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping):
            out.append((i, item))
        else:
            r.problems.append(f"{name}[{i}]: give an object")
    return out


def _mapping(r: _Reader, params: Mapping[str, Any], name: str,
             where: str | None = None) -> Mapping[str, Any]:
    value = params.get(name) or {}
    if not isinstance(value, Mapping):
        r.problems.append(f"{where or name}: give an object")
        return {}
    return value


def _flag(r: _Reader, value: Any, where: str, *, none: bool = False) -> Any:
    """A yes/no parameter (None allowed where `none`): JSON true/false only, so that the
    string "false" is never read as yes."""
    if isinstance(value, bool) or (none and value is None):
        return value
    r.problems.append(f"{where}: '{value}' is not true or false")
    return None if none else False


def _duplicates(values: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for value in values:
        (twice if value in seen else seen).add(value)
    return sorted(twice)


def parse_preset(params: Mapping[str, Any]) -> Preset:
    """Check a preset's parameters and build the Preset; PresetError lists every problem."""
    if not isinstance(params, Mapping):
        raise PresetError(["the parameters must be an object"])
    r = _Reader(params)
    basic = basic_by_kelas(params, r)
    components = []
    for i, c in _objects(r, params, "components"):
        where = f"components[{i}]"
        eligible = c.get("eligible") or {}
        if not isinstance(eligible, Mapping):
            r.problems.append(f"{where}.eligible: give an object")
            eligible = {}
        kelas_list = eligible.get("kelas")
        if kelas_list is not None and not isinstance(kelas_list, list):
            r.problems.append(f"{where}.eligible.kelas: give a list of kelas")
            kelas_list = None
        components.append(Component(
            key=str(c.get("key") or f"c{i}"), label=str(c.get("label") or c.get("key") or ""),
            pct=r.pct(c["pct"], f"{where}.pct") if "pct" in c else None,
            pct_by_kelas={r.kelas(k, where): r.pct(v, f"{where}.pct_by_kelas.{k}")
                          for k, v in _mapping(r, c, "pct_by_kelas",
                                               f"{where}.pct_by_kelas").items()},
            fixed=r.dec(c["fixed"], f"{where}.fixed") if "fixed" in c else None,
            kelas=frozenset(r.kelas(k, where) for k in kelas_list) if kelas_list else None,
            budget_holder=_flag(r, eligible.get("budget_holder"),
                                f"{where}.eligible.budget_holder", none=True),
        ))
        if "pct" not in c and "fixed" not in c and not c.get("pct_by_kelas"):
            r.problems.append(f"{where}: give pct, pct_by_kelas or fixed")
    if not components:
        r.problems.append("components: at least one component (for example beban kerja 100%)")
    parts = []
    for i, p in _objects(r, params, "parts"):
        parts.append(Part(str(p.get("key") or f"p{i}"), str(p.get("label") or p.get("key")),
                          r.pct(p.get("pct", 0), f"parts[{i}].pct"),
                          r.choice(p.get("factor", "none"), FACTORS, f"parts[{i}].factor")))
    if not parts:
        r.problems.append("parts: at least one part (for example kinerja 60%, disiplin 40%)")
    elif sum(p.pct for p in parts) != HUNDRED:
        r.problems.append(f"parts: the percentages add up to {sum(p.pct for p in parts)}, "
                          "not 100")
    for key in _duplicates([p.key for p in parts]):
        r.problems.append(f"parts: the key '{key}' is used twice")
    if any(p.key == "total" for p in parts):
        r.problems.append("parts: 'total' names the whole TPP; give the part another key")
    part_keys = ("total", *(p.key for p in parts))
    bands = []
    band_pct = {}
    for i, b in _objects(r, params, "bands"):
        where = f"bands[{i}]"
        high = b.get("high")
        band = Band(str(b.get("code") or f"B{i}"),
                    r.choice(b.get("applies_to"), (LATE, EARLY), f"{where}.applies_to"),
                    int(r.dec(b.get("low", 1), f"{where}.low", low=Decimal(1))),
                    None if high in (None, "") else int(r.dec(high, f"{where}.high")))
        bands.append(band)
        band_pct[band.code] = r.pct(b.get("pct", 0), f"{where}.pct")
    r.problems.extend(f"bands: {p}" for p in check_bands(bands))
    for twice in _duplicates([b.code for b in bands]):
        r.problems.append(f"bands: the code '{twice}' is used twice")
    codes = {b.code for b in bands}
    missing_in = params.get("missing_in_code")
    missing_out = params.get("missing_out_code")
    for name, code in (("missing_in_code", missing_in), ("missing_out_code", missing_out)):
        if code and code not in codes:
            r.problems.append(f"{name}: '{code}' is not one of the bands")
    leave: dict[str, LeaveRule] = {}
    for kind, rule in _mapping(r, params, "leave").items():
        where = f"leave.{kind}"
        if kind not in LEAVE_KINDS:
            r.problems.append(f"{where}: '{kind}' is not a leave kind")
            continue
        if not isinstance(rule, Mapping):
            r.problems.append(f"{where}: give an object")
            continue
        mode = r.choice(rule.get("mode", "none"), LEAVE_MODES, f"{where}.mode")
        rows = []
        for j, row in enumerate(rule.get("table") or []):
            if not isinstance(row, list | tuple) or len(row) != 3:
                r.problems.append(f"{where}.table[{j}]: give [first day, last day, cut %]")
                continue
            low, high, pct = row
            rows.append((int(r.dec(low, where, low=Decimal(1))),
                         None if high in (None, "") else int(r.dec(high, where)),
                         r.pct(pct, f"{where}.table")))
        table = tuple(sorted(rows, key=lambda row: row[0]))
        for a, b in zip(table, table[1:], strict=False):
            if a[1] is None or a[1] >= b[0]:
                r.problems.append(f"{where}.table: the rows from day {a[0]} and from day "
                                  f"{b[0]} overlap")
        for low, high, _pct in table:
            if high is not None and high < low:
                r.problems.append(f"{where}.table: {low}..{high} is not a range of days")
        by_month = rule.get("by_month") or []
        if not isinstance(by_month, list | tuple):
            r.problems.append(f"{where}.by_month: give a list of cut % (month 1, 2, ...)")
            by_month = []
        leave[kind] = LeaveRule(
            mode, r.pct(rule.get("pct", 0), f"{where}.pct"),
            int(r.dec(rule.get("free_days", 0), f"{where}.free_days")), table,
            tuple(r.pct(v, f"{where}.by_month") for v in by_month),
        )
        if mode == "days_in_month" and not table:
            r.problems.append(f"{where}: days_in_month needs a table")
        if mode == "month_of_leave" and not rule.get("by_month"):
            r.problems.append(f"{where}: month_of_leave needs by_month")
    factor_predikat = {}
    predikat_params = _mapping(r, params, "factor_predikat")
    for name in PREDIKATS:
        value = predikat_params.get(name, "100")
        factor_predikat[name] = r.dec(value, f"factor_predikat.{name}", high=Decimal(200))
    bpjs = _mapping(r, params, "bpjs")
    pph = _mapping(r, params, "pph21")
    rounding = _mapping(r, params, "rounding")
    plt = _mapping(r, params, "plt")
    preset = Preset(
        basic=basic,
        components=tuple(components),
        parts=tuple(parts),
        deduction_base=r.choice(params.get("deduction_base", "total"), part_keys,
                                "deduction_base"),
        sanction_base=r.choice(params.get("sanction_base", "total"), part_keys, "sanction_base"),
        factor_predikat=factor_predikat,
        factor_missing=r.pct(params.get("factor_missing", "0"), "factor_missing"),
        score_full_at=r.dec(params.get("score_full_at", "100"), "score_full_at",
                            low=Decimal(1)),
        minutes_target=r.dec(params.get("minutes_target", "6750"), "minutes_target",
                             low=Decimal(1)),
        bands=tuple(bands),
        band_pct=band_pct,
        missing_in_code=missing_in or None,
        missing_out_code=missing_out or None,
        absence_pct=r.pct(params.get("absence_pct_per_day", "0"), "absence_pct_per_day"),
        no_log_pct=r.pct(params.get("no_log_pct_per_day", "0"), "no_log_pct_per_day"),
        leave=leave,
        sanctions={k: r.pct(v, f"sanctions.{k}") for k, v in
                   _mapping(r, params, "sanctions").items()},
        max_cut_pct=r.pct(params.get("max_cut_pct", "100"), "max_cut_pct"),
        asn_type_pct={k: r.pct(v, f"asn_type_pct.{k}") for k, v in
                      _mapping(r, params, "asn_type_pct").items()},
        status_pct={k: r.pct(v, f"status_pct.{k}") for k, v in
                    _mapping(r, params, "status_pct").items()},
        plt_mode=r.choice(plt.get("mode", "own"), PLT_MODES, "plt.mode"),
        plt_pct=r.pct(plt.get("pct", "0"), "plt.pct"),
        bpjs_employee_pct=r.pct(bpjs.get("employee_pct", "1"), "bpjs.employee_pct"),
        bpjs_employer_pct=r.pct(bpjs.get("employer_pct", "4"), "bpjs.employer_pct"),
        bpjs_ceiling=r.dec(bpjs.get("ceiling", "12000000"), "bpjs.ceiling"),
        bpjs_on_tpp=_flag(r, bpjs.get("on_tpp", True), "bpjs.on_tpp"),
        pph_mode=r.choice(pph.get("mode", "borne_by_apbd"), PPH_MODES, "pph21.mode"),
        pph_rates={str(k).upper() if str(k) != "default" else "default":
                   r.pct(v, f"pph21.rates.{k}") for k, v in
                   _mapping(r, pph, "rates", "pph21.rates").items()},
        rounding_unit=r.dec(rounding.get("unit", "1"), "rounding.unit", low=Decimal("0.01")),
        rounding_mode=r.choice(rounding.get("mode", "half_up"), tuple(ROUNDING_MODES),
                               "rounding.mode"),
        sources={str(k): str(v) for k, v in _mapping(r, params, "sources").items()},
    )
    if r.problems:
        raise PresetError(r.problems)
    return preset


# --- One person's month ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holding:
    """A position held during the month: its kelas, how many of the month's working days, and
    whether it is an acting (Plt/Plh) assignment or the post of a budget holder."""

    kelas: int
    days: int
    acting: bool = False
    budget_holder: bool = False


@dataclass(frozen=True)
class PersonMonth:
    """Everything about one person's month the computation needs, as plain values."""

    pegawai_id: int
    asn_type: str
    status: str
    golongan: str
    working_days: int
    holdings: tuple[Holding, ...]
    band_days: Mapping[str, int] = field(default_factory=dict)  # band code -> days
    missing_in: int = 0
    missing_out: int = 0
    absent_days: int = 0
    no_log_days: int = 0
    leave_days: Mapping[str, int] = field(default_factory=dict)  # leave kind -> working days
    leave_month: Mapping[str, int] = field(default_factory=dict)  # kind -> month of the leave
    sanctions: tuple[tuple[str, Decimal | None], ...] = ()  # (sanction, override cut %)
    predikat: str | None = None
    score: Decimal | None = None
    verified_minutes: int | None = None


@dataclass
class Line:
    """One line of the explanation: what, by which rule, on how many days, at what percent of
    which base, for how many rupiah (a deduction is positive)."""

    code: str
    label: str
    amount: Decimal
    kind: str = "deduction"  # ceiling | part | factor | deduction | cap | tax | bpjs
    days: int | None = None
    pct: Decimal | None = None
    base: Decimal | None = None
    rule: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "label": self.label, "kind": self.kind,
                               "amount": str(self.amount)}
        if self.days is not None:
            out["days"] = self.days
        if self.pct is not None:
            out["pct"] = str(self.pct)
        if self.base is not None:
            out["base"] = str(self.base)
        if self.rule:
            out["rule"] = self.rule
        return out


@dataclass
class TppResult:
    ceiling: Decimal
    payable: Decimal  # after the performance factor, before deductions
    deductions: Decimal  # after the cap
    gross: Decimal
    bpjs_employee: Decimal
    bpjs_employer: Decimal
    pph21: Decimal
    pph21_withheld: bool
    net: Decimal
    kelas: int | None
    factor_pct: Decimal | None
    lines: list[Line]


def _pct(value: Decimal, pct: Decimal) -> Decimal:
    return value * pct / HUNDRED


def ceiling_of(preset: Preset, holdings: Sequence[Holding], working_days: int,
               lines: list[Line] | None = None) -> tuple[Decimal, int | None]:
    """The month's ceiling: the sum of the eligible components of each position's kelas,
    prorated by the working days held (a person joining, leaving or moving mid-month); an acting
    position counts as the preset's `plt` mode says. Returns (ceiling, kelas shown)."""
    if working_days <= 0 or not holdings:
        return ZERO, None

    def full(h: Holding) -> Decimal:
        basic = preset.basic.get(h.kelas, ZERO)
        return sum((c.amount(basic, h.kelas, h.budget_holder) for c in preset.components), ZERO)

    own = [h for h in holdings if not h.acting]
    acting = [h for h in holdings if h.acting]
    total = ZERO
    # the kelas held longest (on a tie the later one, the position the person holds now)
    shown = max(reversed(own), key=lambda h: h.days).kelas if own else None
    for h in own:
        amount = full(h) * Decimal(min(h.days, working_days)) / Decimal(working_days)
        total += amount
        if lines is not None:
            lines.append(Line(f"kelas_{h.kelas}", f"kelas {h.kelas}", preset.round(amount),
                              "ceiling", days=h.days, base=preset.round(full(h))))
    for h in acting:
        if preset.plt_mode == "own":
            continue
        own_rate = max((full(o) for o in own), default=ZERO)
        rate = full(h)
        if preset.plt_mode == "higher_of":
            extra_rate = max(ZERO, rate - own_rate)
            rule = "plt: higher_of"
        else:
            extra_rate = _pct(rate, preset.plt_pct)
            rule = f"plt: own_plus_pct {preset.plt_pct}%"
        amount = extra_rate * Decimal(min(h.days, working_days)) / Decimal(working_days)
        total += amount
        if lines is not None and amount:
            lines.append(Line(f"plt_kelas_{h.kelas}", f"Plt/Plh kelas {h.kelas}",
                              preset.round(amount), "ceiling", days=h.days,
                              base=preset.round(rate), rule=rule))
        if shown is None:
            shown = h.kelas
    return preset.round(total), shown


def factor_of(preset: Preset, part: Part, person: PersonMonth) -> tuple[Decimal, str]:
    """The performance factor (percent) of a part and how it was found."""
    if part.factor == "none":
        return HUNDRED, ""
    if part.factor == "predikat":
        if person.predikat is None:
            return preset.factor_missing, "no evaluation"
        return preset.factor_predikat.get(person.predikat, preset.factor_missing), person.predikat
    if part.factor == "score":
        if person.score is None:
            return preset.factor_missing, "no score"
        return min(HUNDRED, max(ZERO, person.score * HUNDRED / preset.score_full_at)), \
            f"score {person.score}"
    if person.verified_minutes is None:
        return preset.factor_missing, "no verified minutes"
    minutes = Decimal(person.verified_minutes)
    return min(HUNDRED, minutes * HUNDRED / preset.minutes_target), f"{minutes} minutes"


def _leave_cut(rule: LeaveRule, days: int, month_no: int, working_days: int) -> Decimal:
    """Cut percent for `days` working days of one leave kind in the month."""
    if days <= 0 or rule.mode == "none":
        return ZERO
    if rule.mode == "per_day":
        return rule.pct * max(0, days - rule.free_days)
    if rule.mode == "days_in_month":
        for low, high, pct in rule.table:
            if days >= low and (high is None or days <= high):
                return pct
        return ZERO
    if rule.mode == "month_of_leave":
        table = rule.by_month
        return table[min(max(month_no, 1), len(table)) - 1] if table else ZERO
    # unpaid (CLTN and the like): the days are not paid
    return HUNDRED * Decimal(min(days, working_days)) / Decimal(max(working_days, 1))


def split(total: Decimal, pcts: Sequence[Decimal], unit: Decimal) -> list[Decimal]:
    """`total` (a multiple of `unit`) split by percentages adding up to 100, each share a
    multiple of `unit` and the shares adding up to the total exactly (largest remainder:
    rounding each share on its own could pay a rupiah more or less than the ceiling, e.g.
    50/50 of Rp3,407,273)."""
    units = total / unit
    exact = [units * pct / HUNDRED for pct in pcts]
    shares = [e.to_integral_value(rounding=ROUND_DOWN) for e in exact]
    left = int(units - sum(shares, ZERO))
    by_remainder = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[:max(left, 0)]:
        shares[i] += 1
    return [share * unit for share in shares]


def compute(preset: Preset, person: PersonMonth) -> TppResult:
    """One person's TPP for one month (see the module docstring for the order)."""
    lines: list[Line] = []
    r = preset.round
    ceiling, kelas = ceiling_of(preset, person.holdings, person.working_days, lines)
    status_pct = preset.status_pct.get(person.status)
    type_pct = preset.asn_type_pct.get(person.asn_type)
    for code, pct, label in (("status", status_pct, person.status),
                             ("asn_type", type_pct, person.asn_type)):
        if pct is not None and pct != HUNDRED:
            paid = r(_pct(ceiling, pct))
            lines.append(Line(code, label, ceiling - paid, "ceiling", pct=pct, base=ceiling,
                              rule=f"{code}_pct.{label} = {pct}%"))
            ceiling = paid
    part_amount: dict[str, Decimal] = {}
    part_paid: dict[str, Decimal] = {}
    payable = ZERO
    factor_shown: Decimal | None = None
    for part, amount in zip(preset.parts, split(ceiling, [p.pct for p in preset.parts],
                                                preset.rounding_unit), strict=True):
        part_amount[part.key] = amount
        factor, why = factor_of(preset, part, person)
        paid = r(_pct(amount, factor))
        lines.append(Line(part.key, part.label, amount, "part", pct=part.pct, base=ceiling))
        if part.factor != "none":
            factor_shown = factor
            lines.append(Line(f"{part.key}_factor", part.label, amount - paid, "factor",
                              pct=factor, base=amount, rule=f"{part.factor}: {why}"))
        part_paid[part.key] = paid
        payable += paid
    base = ceiling if preset.deduction_base == "total" else part_amount[preset.deduction_base]
    sanction_base = (ceiling if preset.sanction_base == "total"
                     else part_amount[preset.sanction_base])
    cuts: list[Line] = []
    of_base: list[Line] = []  # the cuts that are a percent of `base`

    def cut(code: str, label: str, days: int | None, pct: Decimal, on: Decimal | None,
            rule: str) -> None:
        """A cut of `pct` percent of `on` (None: of `base`)."""
        if pct > 0:
            line = Line(code, label, r(_pct(base if on is None else on, pct)), "deduction",
                        days=days, pct=pct, base=base if on is None else on, rule=rule)
            cuts.append(line)
            if on is None:
                of_base.append(line)

    counts = dict(person.band_days)
    if preset.missing_in_code and person.missing_in:
        counts[preset.missing_in_code] = counts.get(preset.missing_in_code, 0) + person.missing_in
    if preset.missing_out_code and person.missing_out:
        counts[preset.missing_out_code] = (counts.get(preset.missing_out_code, 0)
                                           + person.missing_out)
    for band in preset.bands:
        days = counts.get(band.code, 0)
        if days:
            each = preset.band_pct.get(band.code, ZERO)
            high = "" if band.high is None else f"-{band.high}"
            cut(band.code, band.code, days, each * days, None,
                f"{band.code} ({band.low}{high} min) {each}% x {days}")
    if person.absent_days:
        cut("tanpa_keterangan", "tanpa keterangan", person.absent_days,
            preset.absence_pct * person.absent_days, None,
            f"{preset.absence_pct}% x {person.absent_days}")
    if person.no_log_days:
        cut("no_log", "no work log", person.no_log_days, preset.no_log_pct * person.no_log_days,
            None, f"{preset.no_log_pct}% x {person.no_log_days}")
    for kind, days in sorted(person.leave_days.items()):
        rule = preset.leave.get(kind)
        if rule is None:
            continue
        month_no = person.leave_month.get(kind, 1)
        pct = _leave_cut(rule, days, month_no, person.working_days)
        # Unpaid leave (CLTN) takes the days off the whole TPP; the others are a percent of
        # the deduction base like the attendance cuts.
        cut(f"leave_{kind}", kind, days, min(pct, HUNDRED),
            ceiling if rule.mode == "unpaid" else None,
            f"leave {kind}: {rule.mode}" + (f", month {month_no}"
                                            if rule.mode == "month_of_leave" else ""))
    if preset.deduction_base != "total":
        # The attendance and leave cuts come off one part (Kepahiang: the 40% disiplin part,
        # RULES.md 2.3): together they take at most what is paid of that part, never the rest.
        key = preset.deduction_base
        on_part = sum((c.amount for c in of_base), ZERO)
        if on_part > part_paid[key]:
            cuts.append(Line(f"cap_{key}", f"cap {key}", part_paid[key] - on_part, "cap",
                             pct=HUNDRED, base=part_paid[key],
                             rule=f"deduction_base {key}: the cuts stop at the part"))
    for sanction, override in person.sanctions:
        pct = override if override is not None else preset.sanctions.get(sanction, ZERO)
        cut(f"sanction_{sanction}", sanction, None, pct, sanction_base,
            f"PP 94/2021 {sanction}: {pct}%")
    lines.extend(cuts)
    total_cut = sum((c.amount for c in cuts), ZERO)
    cap = min(payable, r(_pct(payable, preset.max_cut_pct)))
    if total_cut > cap:
        lines.append(Line("cap", "cap", cap - total_cut, "cap", pct=preset.max_cut_pct,
                          base=payable, rule=f"max_cut_pct {preset.max_cut_pct}%"))
        total_cut = cap
    gross = payable - total_cut
    bpjs_base = min(gross, preset.bpjs_ceiling) if preset.bpjs_on_tpp else ZERO
    bpjs_employee = r(_pct(bpjs_base, preset.bpjs_employee_pct))
    bpjs_employer = r(_pct(bpjs_base, preset.bpjs_employer_pct))
    if bpjs_base:
        lines.append(Line("bpjs_employee", "BPJS Kesehatan 1%", bpjs_employee, "bpjs",
                          pct=preset.bpjs_employee_pct, base=bpjs_base))
        lines.append(Line("bpjs_employer", "BPJS Kesehatan (Pemda)", bpjs_employer, "bpjs",
                          pct=preset.bpjs_employer_pct, base=bpjs_base))
    rate = pph_rate(preset, person.golongan)
    pph21 = r(_pct(gross, rate))
    withheld = preset.pph_mode == "withheld"
    if pph21:
        lines.append(Line("pph21", "PPh 21", pph21, "tax", pct=rate, base=gross,
                          rule=f"pph21 {preset.pph_mode}"))
    net = gross - bpjs_employee - (pph21 if withheld else ZERO)
    return TppResult(ceiling, payable, total_cut, gross, bpjs_employee, bpjs_employer, pph21,
                     withheld, max(net, ZERO), kelas, factor_shown, lines)


def pph_rate(preset: Preset, golongan: str) -> Decimal:
    """The PPh 21 rate of a golongan: the roman numeral before '/' (III/a -> III), else the
    preset's `default` rate."""
    key = (golongan or "").split("/")[0].strip().upper()
    if key in preset.pph_rates:
        return preset.pph_rates[key]
    return preset.pph_rates.get("default", ZERO)
