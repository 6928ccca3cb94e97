"""Pure rules of performance evaluation: ratings, the predikat matrix, the distribution curve,
numeric scores (capaian IKI, the older SKP formulas, work minutes, predikat conversions),
the evaluation workflow and rater analytics.

Sources (shared/domain/RULES.md): 1.4 ratings (SIASN reference ids), 1.5 predikat matrix,
1.6 periodic vs annual, 1.7 organisation predikat and distribution curve (SE MenPANRB 3/2023),
1.9 numeric conversions (Peraturan BKN 3/2023 angka kredit; PP 30/2019 ranges), 1.10 legacy
scoring (PP 46/2011 + Perka BKN 1/2013; PermenPANRB 8/2021 capaian IKI). Where RULES.md marks a
point unconfirmed (U), the choice here is a preset parameter, named as such in its docstring.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# --- Ratings and predikat (RULES.md 1.4, 1.5) -----------------------------------------------

DI_ATAS = "di_atas"
SESUAI = "sesuai"
DI_BAWAH = "di_bawah"
RATINGS = (DI_ATAS, SESUAI, DI_BAWAH)
# SIASN reference ids of the ratings (1 di atas, 2 sesuai, 3 di bawah).
RATING_SIASN = {DI_ATAS: 1, SESUAI: 2, DI_BAWAH: 3}

SANGAT_BAIK = "sangat_baik"
BAIK = "baik"
BUTUH_PERBAIKAN = "butuh_perbaikan"
KURANG = "kurang"
SANGAT_KURANG = "sangat_kurang"
PREDIKAT = (SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG)
# SIASN kuadranNilai codes (1 Sangat Baik ... 5 Sangat Kurang).
PREDIKAT_SIASN = {p: i for i, p in enumerate(PREDIKAT, start=1)}
PREDIKAT_LABEL = {
    SANGAT_BAIK: "Sangat Baik",
    BAIK: "Baik",
    BUTUH_PERBAIKAN: "Butuh Perbaikan",
    KURANG: "Kurang/Misconduct",
    SANGAT_KURANG: "Sangat Kurang",
}

# Organisation predikat (capaian kinerja organisasi, SE MenPANRB 3/2023).
ISTIMEWA = "istimewa"
ORG_PREDIKAT = (ISTIMEWA, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG)
ORG_PREDIKAT_LABEL = {
    ISTIMEWA: "Istimewa",
    BAIK: "Baik",
    BUTUH_PERBAIKAN: "Butuh Perbaikan (Cukup)",
    KURANG: "Kurang",
    SANGAT_KURANG: "Sangat Kurang",
}

# The matrix of PermenPANRB 6/2022 as a lookup table (hasil kerja, perilaku kerja). RULES.md 1.5
# warns that max(hasil, perilaku) does not reproduce it: (di atas, di bawah) is Kurang.
PREDIKAT_MATRIX: dict[tuple[str, str], str] = {
    (DI_ATAS, DI_BAWAH): KURANG,
    (DI_ATAS, SESUAI): BAIK,
    (DI_ATAS, DI_ATAS): SANGAT_BAIK,
    (SESUAI, DI_BAWAH): KURANG,
    (SESUAI, SESUAI): BAIK,
    (SESUAI, DI_ATAS): BAIK,
    (DI_BAWAH, DI_BAWAH): SANGAT_KURANG,
    (DI_BAWAH, SESUAI): BUTUH_PERBAIKAN,
    (DI_BAWAH, DI_ATAS): BUTUH_PERBAIKAN,
}


def predikat(hasil: str, perilaku: str) -> str:
    """Predikat kinerja from the rating of hasil kerja and of perilaku kerja (RULES.md 1.5)."""
    try:
        return PREDIKAT_MATRIX[(hasil, perilaku)]
    except KeyError:
        raise ValueError(f"unknown ratings {hasil!r}, {perilaku!r}") from None


def suggest_hasil_rating(rhk_ratings: Iterable[tuple[str, str]]) -> str | None:
    """A suggestion for the rating of hasil kerja from the per-RHK ratings (kind, rating).

    RULES.md 1.4 (slide wording, partly truncated): di atas when most or all results are above
    expectation and no main (utama) result is below; di bawah when most or all are below;
    otherwise sesuai. The rating is holistic (no mandatory weighting), so the supervisor may
    choose differently; this is only what the per-RHK ratings suggest. None without ratings.
    """
    rated = [(kind, r) for kind, r in rhk_ratings if r in RATINGS]
    if not rated:
        return None
    above = sum(1 for _, r in rated if r == DI_ATAS)
    below = sum(1 for _, r in rated if r == DI_BAWAH)
    utama_below = any(kind == "utama" and r == DI_BAWAH for kind, r in rated)
    if above * 2 > len(rated) and not utama_below:
        return DI_ATAS
    if below * 2 > len(rated):
        return DI_BAWAH
    return SESUAI


def suggest_perilaku_rating(value_ratings: Iterable[str]) -> str | None:
    """A suggestion for the rating of perilaku kerja from the per-value ratings: the rating
    most values share, ties going to sesuai. Perilaku rating definitions are unconfirmed
    (RULES.md, Unconfirmed 3), so this only suggests."""
    rated = [r for r in value_ratings if r in RATINGS]
    if not rated:
        return None
    above = rated.count(DI_ATAS)
    below = rated.count(DI_BAWAH)
    if above * 2 > len(rated):
        return DI_ATAS
    if below * 2 > len(rated):
        return DI_BAWAH
    return SESUAI


def hasil_from_org_predikat(org_predikat: str) -> str:
    """For the leader of a unit, the unit's achievement becomes their rating of hasil kerja
    (SE MenPANRB 3/2023 step 3, RULES.md 1.7). Istimewa is above expectation, Baik meets it,
    the three lower organisation predikat are below it (design note: the SE names the rule,
    not the mapping)."""
    if org_predikat == ISTIMEWA:
        return DI_ATAS
    if org_predikat == BAIK:
        return SESUAI
    if org_predikat in (BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG):
        return DI_BAWAH
    raise ValueError(f"unknown organisation predikat {org_predikat!r}")


# --- Distribution curve (SE MenPANRB 3/2023; RULES.md 1.7) ----------------------------------

# Units smaller than this get warnings instead of errors: shares of 3 people cannot honour
# percentages (RULES.md 1.7 design note).
SMALL_UNIT = 10


@dataclass(frozen=True)
class ShareBound:
    """A bound on the share of employees whose predikat is one of `predikat`."""

    predikat: frozenset[str]
    pct: int


@dataclass(frozen=True)
class CurveRule:
    """The distribution pattern for one organisation predikat, as data."""

    most: str  # the predikat "most" employees should have ("sebagian besar")
    max_pct: tuple[ShareBound, ...] = ()
    min_pct: tuple[ShareBound, ...] = ()
    must_exist: tuple[frozenset[str], ...] = ()
    forbidden: frozenset[str] = frozenset()


def _bound(pct: int, *predikat: str) -> ShareBound:
    return ShareBound(frozenset(predikat), pct)


CURVE: dict[str, CurveRule] = {
    ISTIMEWA: CurveRule(most=SANGAT_BAIK, max_pct=(_bound(70, SANGAT_BAIK),)),
    BAIK: CurveRule(
        most=BAIK,
        max_pct=(_bound(70, BAIK),),
        must_exist=(frozenset({BUTUH_PERBAIKAN, KURANG}),),
    ),
    BUTUH_PERBAIKAN: CurveRule(
        most=BUTUH_PERBAIKAN,
        min_pct=(_bound(60, BUTUH_PERBAIKAN),),
        max_pct=(_bound(10, SANGAT_BAIK),),
    ),
    KURANG: CurveRule(
        most=KURANG,
        min_pct=(_bound(60, KURANG), _bound(10, BUTUH_PERBAIKAN)),
        max_pct=(_bound(10, SANGAT_BAIK),),
    ),
    SANGAT_KURANG: CurveRule(
        most=SANGAT_KURANG,
        min_pct=(_bound(60, SANGAT_KURANG), _bound(10, KURANG, BUTUH_PERBAIKAN)),
        forbidden=frozenset({SANGAT_BAIK}),
    ),
}


@dataclass(frozen=True)
class CurveFinding:
    """One way a unit's predikat distribution departs from its curve. `level` is "error"
    (outside the curve) or "warning" (small unit, or the unconfirmed "most" lower bound)."""

    code: str  # too_many | too_few | missing | forbidden | not_most
    level: str
    predikat: tuple[str, ...]
    allowed: int  # the count the rule allows (max) or requires (min)
    actual: int


def curve_limits(rule: CurveRule, total: int) -> dict[str, Any]:
    """The counts the curve allows in a unit of `total` people: maximums rounded down, minimums
    rounded up (so a limit is never exceeded by rounding), a maximum never below 1 so that one
    person in a unit of three may still be Sangat Baik under Istimewa."""
    return {
        "max": [
            (tuple(sorted(b.predikat)), max(1, math.floor(b.pct * total / 100)) if b.pct else 0)
            for b in rule.max_pct
        ],
        "min": [(tuple(sorted(b.predikat)), math.ceil(b.pct * total / 100)) for b in rule.min_pct],
    }


def curve_check(org_predikat: str, counts: Mapping[str, int]) -> list[CurveFinding]:
    """Check a unit's employee predikat counts against the curve of its organisation predikat.

    SE MenPANRB 3/2023 via RULES.md 1.7: "most (max 70%)" is a hard cap and the >50% reading of
    "most" only a warning (Unconfirmed 1); units under SMALL_UNIT people get warnings only.
    """
    rule = CURVE[org_predikat]
    total = sum(counts.get(p, 0) for p in PREDIKAT)
    if total == 0:
        return []
    hard = "error" if total >= SMALL_UNIT else "warning"
    findings: list[CurveFinding] = []
    limits = curve_limits(rule, total)
    for group, allowed in limits["max"]:
        actual = sum(counts.get(p, 0) for p in group)
        if actual > allowed:
            findings.append(CurveFinding("too_many", hard, group, allowed, actual))
    for group, required in limits["min"]:
        actual = sum(counts.get(p, 0) for p in group)
        if actual < required:
            findings.append(CurveFinding("too_few", hard, group, required, actual))
    for group_set in rule.must_exist:
        group = tuple(sorted(group_set))
        actual = sum(counts.get(p, 0) for p in group)
        if actual < 1:
            findings.append(CurveFinding("missing", hard, group, 1, actual))
    for p in sorted(rule.forbidden):
        if counts.get(p, 0) > 0:
            findings.append(CurveFinding("forbidden", hard, (p,), 0, counts[p]))
    most = counts.get(rule.most, 0)
    if most * 2 <= total:
        findings.append(
            CurveFinding("not_most", "warning", (rule.most,), total // 2 + 1, most)
        )
    return findings


def curve_is_met(findings: Sequence[CurveFinding]) -> bool:
    return not any(f.level == "error" for f in findings)


# --- Numbers --------------------------------------------------------------------------------

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def round2(value: Decimal) -> Decimal:
    """Scores are shown and stored with two decimals, rounded half up (as the Lampiran's
    worked example 85.50)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


# --- Capaian IKI (PermenPANRB 8/2021; RULES.md 1.10) ----------------------------------------


def capaian_iki(
    realisasi: Decimal,
    target_min: Decimal | None,
    target_max: Decimal | None = None,
    *,
    lower_is_better: bool = False,
) -> Decimal | None:
    """Capaian of an indicator in percent. Normal: realisasi / target x 100. A range target uses
    its upper bound when realisasi is above the range and its lower bound when below it; inside
    the range the target is met: 100 (so more realisation never lowers the capaian: dividing by
    the lower bound inside the range gave 190% at 19 of 10-20 and 105% at 21). Lower is better:
    (1 + (1 - realisasi/target)) x 100, never below 0. None when there is no positive target to
    divide by."""
    if target_min is None:
        return None
    if target_max is not None and target_max > target_min:
        if target_min <= realisasi <= target_max and target_min > 0:
            return HUNDRED
        target = target_max if realisasi > target_max else target_min
    else:
        target = target_min
    if target <= 0:
        return None
    ratio = realisasi / target
    if lower_is_better:
        ratio = 1 + (1 - ratio)
    return max(Decimal(0), ratio * HUNDRED)


@dataclass(frozen=True)
class Band:
    """Capaian from `low` to `high` percent scores from `score_low` to `score_high`, linearly;
    between bands the lower band's score is clamped to its `score_high`."""

    low: Decimal
    high: Decimal
    score_low: Decimal
    score_high: Decimal


def _band(low: str, high: str, score_low: str, score_high: str) -> Band:
    return Band(Decimal(low), Decimal(high), Decimal(score_low), Decimal(score_high))


# PermenPANRB 8/2021: Sangat Kurang capaian/59% x 49; Kurang 60-79% -> 50-69; Cukup 80-99% ->
# 70-89 (98% -> 88, the Lampiran's example); above 110% -> 120. The Baik/Sangat Baik formulas
# were not captured (RULES.md Unconfirmed 5): the preset runs from the Lampiran's 100% -> 109 to
# the 120 ceiling at 110%. A preset may change every band.
CAPAIAN_BANDS_8_2021: tuple[Band, ...] = (
    _band("0", "59", "0", "49"),
    _band("60", "79", "50", "69"),
    _band("80", "99", "70", "89"),
    _band("100", "110", "109", "120"),
)
CAPAIAN_CEILING = Decimal(120)


def nilai_capaian_iki(
    capaian: Decimal, bands: Sequence[Band] = CAPAIAN_BANDS_8_2021,
    ceiling: Decimal = CAPAIAN_CEILING,
) -> Decimal:
    """Nilai capaian IKI from capaian (percent) by the bands of the preset (RULES.md 1.10)."""
    if capaian > bands[-1].high:
        return ceiling
    chosen = bands[0]
    for band in bands:
        if capaian >= band.low:
            chosen = band
    span = chosen.high - chosen.low
    slope = (chosen.score_high - chosen.score_low) / span if span else Decimal(0)
    value = chosen.score_low + slope * (capaian - chosen.low)
    return round2(min(max(value, chosen.score_low), chosen.score_high))


def bands_from_params(raw: Sequence[Mapping[str, Any]] | None) -> tuple[Band, ...]:
    if not raw:
        return CAPAIAN_BANDS_8_2021
    return tuple(
        Band(Decimal(str(b["low"])), Decimal(str(b["high"])),
             Decimal(str(b["score_low"])), Decimal(str(b["score_high"])))
        for b in raw
    )


# --- PP 46/2011 + Perka BKN 1/2013 (RULES.md 1.10) -----------------------------------------


def aspek_kuantitas(realisasi: Decimal, target: Decimal) -> Decimal:
    """Kuantitas: RO / TO x 100 (0 when the target was not carried out)."""
    if target <= 0:
        return Decimal(0)
    return realisasi / target * HUNDRED


def aspek_kualitas(realisasi: Decimal, target: Decimal) -> Decimal:
    """Kualitas: RK / TK x 100."""
    return aspek_kuantitas(realisasi, target)


def aspek_efisiensi(realisasi: Decimal, target: Decimal) -> Decimal:
    """Waktu or biaya: with efficiency up to 24%, ((1.76 x T - R) / T) x 100 (76 when R = T,
    100 when R = 0.76 T). Above 24% efficiency the commonly quoted formula
    76 - ((((1.76 x T - R) / T) x 100) - 100) is used (RULES.md Unconfirmed 6). Nothing
    realised scores 0, and so does taking more than 1.76 times the target (the formula would
    go negative there)."""
    if target <= 0 or realisasi <= 0:
        return Decimal(0)
    efisiensi = HUNDRED - realisasi / target * HUNDRED
    value = (Decimal("1.76") * target - realisasi) / target * HUNDRED
    if efisiensi <= 24:
        return max(Decimal(0), value)
    return max(Decimal(0), Decimal(76) - (value - HUNDRED))


def nilai_capaian_2011(aspects: Sequence[Decimal]) -> Decimal:
    """Nilai capaian of an activity: the average of the aspects used ((100+90+76+76)/4 = 85.50)."""
    found = mean(aspects)
    return round2(found) if found is not None else Decimal(0)


def kategori_2011(nilai: Decimal) -> str:
    """Perka BKN 1/2013 categories: 91-100 Sangat Baik, 76-90 Baik, 61-75 Cukup, 51-60 Kurang,
    50 and under Buruk. A value between two whole-number ranges goes to the upper category
    (90.5 is Sangat Baik, 50.5 Kurang), as the usual "<= 90 Baik, <= 75 Cukup ..." formula of
    the SKP forms reads them."""
    if nilai > 90:
        return "sangat_baik"
    if nilai > 75:
        return "baik"
    if nilai > 60:
        return "cukup"
    if nilai > 50:
        return "kurang"
    return "buruk"


def nilai_prestasi(skp: Decimal, perilaku: Decimal, skp_weight: int = 60) -> Decimal:
    """Nilai prestasi kerja = 60% SKP + 40% perilaku (PP 46/2011); PP 30/2019 uses 70/30 and
    60/40 with 360-degree behaviour input, so the weight is a preset parameter."""
    weight = Decimal(skp_weight) / HUNDRED
    return round2(skp * weight + perilaku * (1 - weight))


def predikat_pp30(nilai: Decimal, *, new_ideas: bool = False) -> str:
    """PP 30/2019 ranges: Sangat Baik 110-120 with new ideas, Baik 90 < n <= 120, Cukup 70-90,
    Kurang 50-70, Sangat Kurang under 50. The boundary at exactly 50 is not assigned in the
    copy read (Unconfirmed 7): here it is Sangat Kurang."""
    if nilai >= 110 and new_ideas:
        return SANGAT_BAIK
    if nilai > 90:
        return BAIK
    if nilai > 70:
        return "cukup"
    if nilai > 50:
        return KURANG
    return SANGAT_KURANG


# --- Predikat conversions (RULES.md 1.9) ----------------------------------------------------

# Peraturan BKN 3/2023: the share of the annual angka kredit coefficient per predikat.
ANGKA_KREDIT_PCT: dict[str, Decimal] = {
    SANGAT_BAIK: Decimal(150),
    BAIK: Decimal(100),
    BUTUH_PERBAIKAN: Decimal(75),
    KURANG: Decimal(50),
    SANGAT_KURANG: Decimal(25),
}
KOEFISIEN: dict[str, Decimal] = {
    "ahli_pertama": Decimal("12.5"),
    "ahli_muda": Decimal(25),
    "ahli_madya": Decimal("37.5"),
    "ahli_utama": Decimal(50),
    "pemula": Decimal("3.75"),
    "terampil": Decimal(5),
    "mahir": Decimal("12.5"),
    "penyelia": Decimal(25),
}


def angka_kredit(predikat_code: str, jenjang: str, months: int = 12) -> Decimal:
    """AK = (months / 12) x %predikat x koefisien (Ahli Pertama, Sangat Baik, a year: 18.75;
    two months Baik: 2.08)."""
    value = Decimal(months) / 12 * ANGKA_KREDIT_PCT[predikat_code] / HUNDRED * KOEFISIEN[jenjang]
    return round2(value)


# --- Work minutes (a common Perbup method) --------------------------------------------------


def minutes_score(verified: int, standard: int, cap: Decimal = HUNDRED) -> Decimal:
    """Verified work minutes against the standard effective minutes of the period, in percent,
    capped (many Perbup use 6,750 minutes a month and cap at 100)."""
    if standard <= 0:
        return Decimal(0)
    return round2(min(Decimal(verified) / Decimal(standard) * HUNDRED, cap))


# --- Score methods as data -------------------------------------------------------------------

CAPAIAN_IKI = "capaian_iki"
WORK_MINUTES = "work_minutes"
PREDIKAT_VALUE = "predikat_value"
SKP_2011 = "skp_2011"
METHOD_KINDS = (CAPAIAN_IKI, WORK_MINUTES, PREDIKAT_VALUE, SKP_2011)


@dataclass(frozen=True)
class IndicatorInput:
    """What an indicator contributes to a score: its aspek, target and effective realisation."""

    indicator_id: int
    rhk_id: int
    rhk_kind: str
    aspek: str
    target_min: Decimal | None
    target_max: Decimal | None
    realisation: Decimal | None
    countable: bool


@dataclass(frozen=True)
class ScoreInputs:
    indicators: tuple[IndicatorInput, ...]
    verified_minutes: int
    months: int
    predikat: str | None
    perilaku_rating: str | None


@dataclass(frozen=True)
class IndicatorScore:
    indicator_id: int
    capaian: Decimal | None
    nilai: Decimal | None


@dataclass
class ScoreResult:
    """A score with its lines: how it was computed, for the explanation page and the API."""

    score: Decimal | None
    formula: str
    indicators: list[IndicatorScore] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


# Aspects where less is better: finishing in fewer days, spending less (PermenPANRB 8/2021's
# "lower is better" indicator; RULES.md 1.10).
LOWER_IS_BETTER_ASPEK = frozenset({"waktu", "biaya"})


def indicator_capaian(item: IndicatorInput) -> Decimal | None:
    """Capaian of any indicator with a numeric target and a realisation: counted from logs
    (kuantitas) or given by the employee (kualitas, waktu, biaya)."""
    if item.realisation is None or item.target_min is None:
        return None
    return capaian_iki(
        item.realisation, item.target_min, item.target_max,
        lower_is_better=item.aspek in LOWER_IS_BETTER_ASPEK,
    )


def _score_capaian(inputs: ScoreInputs, params: Mapping[str, Any]) -> ScoreResult:
    bands = bands_from_params(params.get("bands"))
    ceiling = Decimal(str(params.get("ceiling", CAPAIAN_CEILING)))
    by_rhk: dict[int, list[Decimal]] = {}
    result = ScoreResult(None, "mean(nilai capaian IKI of RHK utama)")
    for item in inputs.indicators:
        capaian = indicator_capaian(item)
        nilai = nilai_capaian_iki(capaian, bands, ceiling) if capaian is not None else None
        result.indicators.append(
            IndicatorScore(item.indicator_id, round2(capaian) if capaian is not None else None,
                           nilai)
        )
        if nilai is not None and item.rhk_kind == "utama":
            by_rhk.setdefault(item.rhk_id, []).append(nilai)
    rhk_values = []
    for rhk_id, values in sorted(by_rhk.items()):
        value = round2(mean(values) or Decimal(0))
        rhk_values.append(value)
        result.lines.append({"rhk": rhk_id, "nilai": value})
    found = mean(rhk_values)
    result.score = round2(found) if found is not None else None
    return result


def _score_minutes(inputs: ScoreInputs, params: Mapping[str, Any]) -> ScoreResult:
    standard = int(params.get("standard_minutes_per_month", 6750)) * inputs.months
    cap = Decimal(str(params.get("cap", 100)))
    score = minutes_score(inputs.verified_minutes, standard, cap)
    return ScoreResult(
        score,
        "min(verified minutes / standard minutes x 100, cap)",
        lines=[{"verified_minutes": inputs.verified_minutes, "standard_minutes": standard,
                "cap": cap}],
    )


def _score_predikat(inputs: ScoreInputs, params: Mapping[str, Any]) -> ScoreResult:
    values = params.get("values") or {k: str(v) for k, v in ANGKA_KREDIT_PCT.items()}
    if inputs.predikat is None:
        return ScoreResult(None, "value of the predikat")
    score = round2(Decimal(str(values[inputs.predikat])))
    return ScoreResult(score, "value of the predikat", lines=[{"predikat": inputs.predikat,
                                                                "value": score}])


def _score_2011(inputs: ScoreInputs, params: Mapping[str, Any]) -> ScoreResult:
    """PP 46/2011: each aspect capped at `aspect_cap` (default 120). PP 46/2011 names no cap;
    its successor PP 30/2019 caps achievement above target at 120 (RULES.md 1.9c), and without
    one a target of 1 done 100 times would score 10,000 and swamp every other number."""
    result = ScoreResult(None, "skp_weight% x mean(nilai capaian RHK) + rest x perilaku")
    cap = Decimal(str(params.get("aspect_cap", 120)))
    by_rhk: dict[int, list[Decimal]] = {}
    for item in inputs.indicators:
        if item.realisation is None or item.target_min is None:
            result.indicators.append(IndicatorScore(item.indicator_id, None, None))
            continue
        if item.aspek in ("waktu", "biaya"):
            value = aspek_efisiensi(item.realisation, item.target_min)
        else:
            value = aspek_kuantitas(item.realisation, item.target_min)
        value = round2(min(value, cap))
        result.indicators.append(IndicatorScore(item.indicator_id, value, value))
        by_rhk.setdefault(item.rhk_id, []).append(value)
    if not by_rhk:
        return result
    skp_value = round2(mean([nilai_capaian_2011(v) for _, v in sorted(by_rhk.items())])
                       or Decimal(0))
    perilaku_values = params.get("perilaku_values") or {DI_ATAS: 91, SESUAI: 76, DI_BAWAH: 60}
    if inputs.perilaku_rating is None:
        result.lines.append({"nilai_skp": skp_value})
        return result
    perilaku = Decimal(str(perilaku_values[inputs.perilaku_rating]))
    weight = int(params.get("skp_weight", 60))
    result.score = nilai_prestasi(skp_value, perilaku, weight)
    result.lines.append({"nilai_skp": skp_value, "nilai_perilaku": perilaku,
                         "skp_weight": weight})
    return result


def compute_score(kind: str, params: Mapping[str, Any], inputs: ScoreInputs) -> ScoreResult:
    """The numeric score by the instansi's chosen method (a preset: a kind and its parameters).
    Deterministic: the same inputs and parameters give the same number."""
    if kind == CAPAIAN_IKI:
        return _score_capaian(inputs, params)
    if kind == WORK_MINUTES:
        return _score_minutes(inputs, params)
    if kind == PREDIKAT_VALUE:
        return _score_predikat(inputs, params)
    if kind == SKP_2011:
        return _score_2011(inputs, params)
    raise ValueError(f"unknown score method {kind!r}")


# --- Realisation pre-fill -------------------------------------------------------------------


def normal_unit(unit: str) -> str:
    return " ".join(unit.lower().split())


def is_countable(aspek: str, target_kind: str) -> bool:
    """An indicator the logs can count: a quantity with a numeric or range target."""
    return aspek == "kuantitas" and target_kind in ("angka", "rentang")


def prefill(logged_quantity: Decimal, finished_assignments: int) -> Decimal:
    """The pre-filled realisation of a countable indicator: the output quantity of the period's
    verified logs in the indicator's unit; when no log measured it, each finished assignment
    serving the RHK counts as one delivered output (design note: the employee may correct it,
    with a note)."""
    if logged_quantity:
        return logged_quantity
    return Decimal(finished_assignments)


def period_target(
    *,
    target_min: Decimal | None,
    target_max: Decimal | None,
    monthly: Mapping[int, Decimal | None],
    months: Sequence[int],
    annual: bool,
    cumulative: bool = True,
) -> tuple[Decimal | None, Decimal | None]:
    """The target of an indicator for an evaluation period: the annual target for the annual
    evaluation; for a month or quarter the rencana aksi of its months when any is planned,
    otherwise the annual target spread evenly over twelve months. Only quantities add up over
    the year (`cumulative`): a quality, time or cost target (90%, 3 days, Rp 5 juta) holds in
    every period as it is, or as the latest month's plan says."""
    if annual or target_min is None:
        return target_min, target_max
    planned = [monthly[m] for m in months if monthly.get(m) is not None]
    if not cumulative:
        return (planned[-1], None) if planned else (target_min, target_max)
    if planned:
        total = sum((v for v in planned if v is not None), Decimal(0))
        return total, None
    share = Decimal(len(months)) / 12
    low = round2(target_min * share)
    high = round2(target_max * share) if target_max is not None else None
    return low, high


# --- Workflow -------------------------------------------------------------------------------

DRAFT = "draft"
SELF_SUBMITTED = "diajukan"
FINAL = "ditetapkan"
ACKNOWLEDGED = "diterima"
OBJECTED = "keberatan"
DECIDED = "diputus"
LOCKED = frozenset({FINAL, ACKNOWLEDGED, OBJECTED, DECIDED})

TRANSITIONS: dict[str, frozenset[str]] = {
    "self_submit": frozenset({DRAFT}),
    "self_save": frozenset({DRAFT}),
    "rate": frozenset({DRAFT, SELF_SUBMITTED}),
    "finalise": frozenset({DRAFT, SELF_SUBMITTED}),
    "acknowledge": frozenset({FINAL}),
    "object": frozenset({FINAL}),
    "decide": frozenset({OBJECTED}),
    "reopen": frozenset({FINAL, ACKNOWLEDGED, DECIDED}),
    "calibrate": frozenset({DRAFT, SELF_SUBMITTED, FINAL, ACKNOWLEDGED, DECIDED}),
}


def may(action: str, status: str) -> bool:
    return status in TRANSITIONS[action]


def finalise_problems(
    *, hasil: str, perilaku: str, status: str, self_deadline_passed: bool
) -> list[str]:
    """What stops the supervisor finalising: both ratings are needed, and the employee's
    self-assessment comes first unless its time (the period's logging deadline) has passed."""
    problems = []
    if hasil not in RATINGS:
        problems.append("hasil_rating_missing")
    if perilaku not in RATINGS:
        problems.append("perilaku_rating_missing")
    if status == DRAFT and not self_deadline_passed:
        problems.append("self_assessment_pending")
    return problems


def objection_deadline(finalised_on: dt.date, days: int) -> dt.date:
    """The last day an objection may be filed: `days` calendar days after finalisation
    (the number is the instansi's setting)."""
    return finalised_on + dt.timedelta(days=days)


# --- Rater analytics ------------------------------------------------------------------------

# A predikat as a number for comparing raters (Sangat Baik 5 ... Sangat Kurang 1).
PREDIKAT_INDEX = {SANGAT_BAIK: 5, BAIK: 4, BUTUH_PERBAIKAN: 3, KURANG: 2, SANGAT_KURANG: 1}
LENIENT = "lenient"
SEVERE = "severe"


@dataclass(frozen=True)
class RaterBias:
    rater_mean: Decimal
    others_mean: Decimal | None
    difference: Decimal | None
    flag: str | None


def rater_bias(
    rater: Sequence[str], others: Sequence[str], *, threshold: Decimal = Decimal("0.5"),
    min_rated: int = 3,
) -> RaterBias:
    """How a supervisor's predikat compare with the rest of the OPD: the mean predikat index of
    each and the difference; flagged lenient (or severe) when the supervisor rated at least
    `min_rated` people and is `threshold` or more above (below) the others."""
    mine = mean([Decimal(PREDIKAT_INDEX[p]) for p in rater]) or Decimal(0)
    theirs = mean([Decimal(PREDIKAT_INDEX[p]) for p in others])
    if theirs is None:
        return RaterBias(round2(mine), None, None, None)
    difference = mine - theirs
    flag = None
    if len(rater) >= min_rated:
        if difference >= threshold:
            flag = LENIENT
        elif difference <= -threshold:
            flag = SEVERE
    return RaterBias(round2(mine), round2(theirs), round2(difference), flag)
