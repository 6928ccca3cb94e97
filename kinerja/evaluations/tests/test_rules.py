"""Evaluation rules as tables, each row from the regulation's own examples in
shared/domain/RULES.md (1.4-1.10): the predikat matrix, the distribution curve of every
organisation predikat, capaian IKI (PermenPANRB 8/2021), PP 46/2011 and PP 30/2019 scoring,
angka kredit (Peraturan BKN 3/2023), work minutes, and the workflow helpers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kinerja.evaluations import rules
from kinerja.evaluations.rules import (
    BAIK,
    BUTUH_PERBAIKAN,
    DI_ATAS,
    DI_BAWAH,
    ISTIMEWA,
    KURANG,
    SANGAT_BAIK,
    SANGAT_KURANG,
    SESUAI,
)

D = Decimal

# --- Predikat matrix (RULES.md 1.5) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("hasil", "perilaku", "expected"),
    [
        (DI_ATAS, DI_BAWAH, KURANG),
        (DI_ATAS, SESUAI, BAIK),
        (DI_ATAS, DI_ATAS, SANGAT_BAIK),
        (SESUAI, DI_BAWAH, KURANG),
        (SESUAI, SESUAI, BAIK),
        (SESUAI, DI_ATAS, BAIK),
        (DI_BAWAH, DI_BAWAH, SANGAT_KURANG),
        (DI_BAWAH, SESUAI, BUTUH_PERBAIKAN),
        (DI_BAWAH, DI_ATAS, BUTUH_PERBAIKAN),
    ],
)
def test_predikat_matrix(hasil, perilaku, expected):
    assert rules.predikat(hasil, perilaku) == expected


def test_matrix_is_not_the_max_of_the_two_ratings():
    """RULES.md 1.5: a SIASN client computing max(hasil, perilaku) gets (di atas, di bawah)
    wrong. Hasil above expectation with behaviour below it is Kurang/Misconduct (code 4), not
    Butuh Perbaikan (code 3) and not Sangat Baik."""
    found = rules.predikat(DI_ATAS, DI_BAWAH)
    assert found == KURANG
    assert rules.PREDIKAT_SIASN[found] == 4
    worst = max(rules.RATING_SIASN[DI_ATAS], rules.RATING_SIASN[DI_BAWAH])  # 3
    assert rules.PREDIKAT_SIASN[found] != worst
    assert rules.PREDIKAT_LABEL[found] == "Kurang/Misconduct"


def test_siasn_codes():
    assert rules.RATING_SIASN == {DI_ATAS: 1, SESUAI: 2, DI_BAWAH: 3}
    assert rules.PREDIKAT_SIASN == {
        SANGAT_BAIK: 1, BAIK: 2, BUTUH_PERBAIKAN: 3, KURANG: 4, SANGAT_KURANG: 5,
    }


@pytest.mark.parametrize(("hasil", "perilaku"), [("", SESUAI), (SESUAI, "baik"), ("1", "2")])
def test_predikat_refuses_unknown_ratings(hasil, perilaku):
    with pytest.raises(ValueError):
        rules.predikat(hasil, perilaku)


# --- Rating suggestions (RULES.md 1.4) --------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ([], None),
        ([("utama", "")], None),
        ([("utama", DI_ATAS)], DI_ATAS),
        ([("utama", DI_ATAS), ("utama", DI_ATAS), ("tambahan", DI_BAWAH)], DI_ATAS),
        # most above, but a main (utama) result below expectation: not di atas
        ([("utama", DI_ATAS), ("utama", DI_ATAS), ("utama", DI_BAWAH)], SESUAI),
        ([("utama", DI_ATAS), ("tambahan", DI_ATAS), ("utama", DI_BAWAH)], SESUAI),
        ([("utama", DI_BAWAH), ("utama", DI_BAWAH), ("utama", SESUAI)], DI_BAWAH),
        ([("utama", DI_ATAS), ("utama", DI_BAWAH)], SESUAI),
        ([("utama", SESUAI), ("utama", SESUAI), ("utama", DI_ATAS)], SESUAI),
    ],
)
def test_suggest_hasil_rating(ratings, expected):
    assert rules.suggest_hasil_rating(ratings) == expected


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ([], None),
        ([DI_ATAS] * 4 + [SESUAI] * 3, DI_ATAS),
        ([DI_BAWAH] * 4 + [DI_ATAS] * 3, DI_BAWAH),
        ([DI_ATAS, DI_BAWAH], SESUAI),
        ([SESUAI] * 7, SESUAI),
    ],
)
def test_suggest_perilaku_rating(ratings, expected):
    assert rules.suggest_perilaku_rating(ratings) == expected


@pytest.mark.parametrize(
    ("org", "hasil"),
    [
        (ISTIMEWA, DI_ATAS),
        (BAIK, SESUAI),
        (BUTUH_PERBAIKAN, DI_BAWAH),
        (KURANG, DI_BAWAH),
        (SANGAT_KURANG, DI_BAWAH),
    ],
)
def test_hasil_from_org_predikat(org, hasil):
    """SE MenPANRB 3/2023 step 3: the unit's achievement is its leader's rating of hasil."""
    assert rules.hasil_from_org_predikat(org) == hasil


def test_hasil_from_unknown_org_predikat():
    with pytest.raises(ValueError):
        rules.hasil_from_org_predikat("sangat_baik")


# --- Distribution curve (RULES.md 1.7) -------------------------------------------------------


def _counts(**kw: int) -> dict[str, int]:
    return {k: v for k, v in kw.items() if v}


def _codes(findings, level=None):
    return sorted(
        (f.code, f.predikat) for f in findings if level is None or f.level == level
    )


@pytest.mark.parametrize(
    ("org", "counts"),
    [
        # Istimewa: most (max 70%) Sangat Baik; the others anything
        (ISTIMEWA, _counts(sangat_baik=7, baik=2, butuh_perbaikan=1)),
        (ISTIMEWA, _counts(sangat_baik=6, baik=2, kurang=1, sangat_kurang=1)),
        # Baik: most (max 70%) Baik, at least one Butuh Perbaikan and/or Kurang
        (BAIK, _counts(baik=7, sangat_baik=2, butuh_perbaikan=1)),
        (BAIK, _counts(baik=14, sangat_baik=3, kurang=2, sangat_kurang=1)),
        # Butuh Perbaikan: >= 60% BP, Sangat Baik <= 10%
        (BUTUH_PERBAIKAN, _counts(butuh_perbaikan=6, baik=3, sangat_baik=1)),
        (BUTUH_PERBAIKAN, _counts(butuh_perbaikan=12, kurang=4, sangat_kurang=2, sangat_baik=2)),
        # Kurang: >= 60% Kurang, >= 10% BP, Sangat Baik <= 10%
        (KURANG, _counts(kurang=6, butuh_perbaikan=2, baik=1, sangat_baik=1)),
        # Sangat Kurang: >= 60% SK, >= 10% Kurang and/or BP, no Sangat Baik
        (SANGAT_KURANG, _counts(sangat_kurang=6, kurang=1, butuh_perbaikan=1, baik=2)),
        (SANGAT_KURANG, _counts(sangat_kurang=7, butuh_perbaikan=3)),
    ],
)
def test_curve_compliant(org, counts):
    findings = rules.curve_check(org, counts)
    assert findings == [], findings
    assert rules.curve_is_met(findings)


@pytest.mark.parametrize(
    ("org", "counts", "errors"),
    [
        # Istimewa: too many Sangat Baik (8 of 10 > 70%)
        (ISTIMEWA, _counts(sangat_baik=8, baik=2), [("too_many", (SANGAT_BAIK,))]),
        # Baik: too many Baik (8 of 10), and nobody Butuh Perbaikan or Kurang
        (
            BAIK,
            _counts(baik=8, sangat_baik=2),
            [("missing", (BUTUH_PERBAIKAN, KURANG)), ("too_many", (BAIK,))],
        ),
        # Baik: 70% Baik is allowed, but the must-exist is not met (Sangat Kurang does not count)
        (BAIK, _counts(baik=7, sangat_baik=2, sangat_kurang=1),
         [("missing", (BUTUH_PERBAIKAN, KURANG))]),
        # Butuh Perbaikan: too few BP (5 of 10 < 60%), too many Sangat Baik (2 of 10 > 10%)
        (
            BUTUH_PERBAIKAN,
            _counts(butuh_perbaikan=5, baik=3, sangat_baik=2),
            [("too_few", (BUTUH_PERBAIKAN,)), ("too_many", (SANGAT_BAIK,))],
        ),
        # Kurang: too few Kurang and too few Butuh Perbaikan
        (
            KURANG,
            _counts(kurang=5, baik=5),
            [("too_few", (BUTUH_PERBAIKAN,)), ("too_few", (KURANG,))],
        ),
        # Kurang: enough Kurang but no Butuh Perbaikan
        (KURANG, _counts(kurang=9, baik=1), [("too_few", (BUTUH_PERBAIKAN,))]),
        # Sangat Kurang: Sangat Baik is forbidden
        (
            SANGAT_KURANG,
            _counts(sangat_kurang=7, kurang=2, sangat_baik=1),
            [("forbidden", (SANGAT_BAIK,))],
        ),
        # Sangat Kurang: too few SK and no Kurang/BP at all
        (
            SANGAT_KURANG,
            _counts(sangat_kurang=5, baik=5),
            [("too_few", (BUTUH_PERBAIKAN, KURANG)), ("too_few", (SANGAT_KURANG,))],
        ),
    ],
)
def test_curve_outside(org, counts, errors):
    findings = rules.curve_check(org, counts)
    assert _codes(findings, "error") == sorted(errors)
    assert not rules.curve_is_met(findings)
    for f in findings:
        if f.code == "too_many":
            assert f.actual > f.allowed
        if f.code in ("too_few", "missing"):
            assert f.actual < f.allowed


def test_curve_limits_round_in_the_unit_s_favour():
    """Maximums round down, minimums up: in 15 people max 70% Baik is 10, min 60% is 9."""
    limits = rules.curve_limits(rules.CURVE[BAIK], 15)
    assert limits["max"] == [((BAIK,), 10)]
    limits = rules.curve_limits(rules.CURVE[KURANG], 15)
    assert sorted(limits["min"]) == [((BUTUH_PERBAIKAN,), 2), ((KURANG,), 9)]
    assert limits["max"] == [((SANGAT_BAIK,), 1)]
    # a maximum is never below one person: one Sangat Baik is possible in a unit of three
    assert rules.curve_limits(rules.CURVE[BUTUH_PERBAIKAN], 3)["max"] == [((SANGAT_BAIK,), 1)]


def test_small_unit_gets_warnings_not_errors():
    """Under SMALL_UNIT people the same departures are warnings (RULES.md 1.7 design note)."""
    small = rules.curve_check(BAIK, _counts(baik=3))
    assert small and all(f.level == "warning" for f in small)
    assert rules.curve_is_met(small)
    assert ("missing", (BUTUH_PERBAIKAN, KURANG)) in _codes(small)
    assert ("too_many", (BAIK,)) in _codes(small)
    big = rules.curve_check(BAIK, _counts(baik=rules.SMALL_UNIT))
    assert ("missing", (BUTUH_PERBAIKAN, KURANG)) in _codes(big, "error")
    assert not rules.curve_is_met(big)
    forbidden = rules.curve_check(SANGAT_KURANG, _counts(sangat_kurang=3, sangat_baik=1))
    assert ("forbidden", (SANGAT_BAIK,)) in _codes(forbidden, "warning")
    assert rules.curve_is_met(forbidden)


def test_most_under_half_is_only_a_warning():
    """'Sebagian besar' read as more than half is unconfirmed (RULES.md Unconfirmed 1): a
    warning, never an error."""
    findings = rules.curve_check(ISTIMEWA, _counts(sangat_baik=5, baik=5))
    assert _codes(findings) == [("not_most", (SANGAT_BAIK,))]
    assert findings[0].level == "warning" and rules.curve_is_met(findings)


def test_curve_of_an_empty_unit():
    for org in rules.ORG_PREDIKAT:
        assert rules.curve_check(org, {}) == []


def test_every_org_predikat_has_a_curve():
    assert set(rules.CURVE) == set(rules.ORG_PREDIKAT)
    assert rules.CURVE[SANGAT_KURANG].forbidden == frozenset({SANGAT_BAIK})


# --- Capaian IKI (PermenPANRB 8/2021; RULES.md 1.10) -------------------------------------------


@pytest.mark.parametrize(
    ("capaian", "nilai"),
    [
        ("98", "88"),  # the Lampiran's example
        ("80", "70"),
        ("99", "89"),
        ("90", "80"),
        ("60", "50"),
        ("79", "69"),
        ("70", "60"),
        ("59", "49"),
        ("0", "0"),
        ("30", "24.92"),  # 30/59 x 49
        ("45", "37.37"),  # 45/59 x 49
        ("100", "109"),  # the Lampiran's example: 100% -> Baik, 109
        ("110", "120"),
        ("110.01", "120"),
        ("150", "120"),
        ("400", "120"),
    ],
)
def test_nilai_capaian_iki(capaian, nilai):
    assert rules.nilai_capaian_iki(D(capaian)) == D(nilai)


def test_kurang_band_formula():
    """Kurang (60-79%): 50 + (69-50)/(79%-60%) x (capaian-60%)."""
    for c in ("60", "63.5", "71", "78.2"):
        expected = rules.round2(D(50) + D(19) / D(19) * (D(c) - 60))
        assert rules.nilai_capaian_iki(D(c)) == expected


def test_sangat_kurang_band_formula():
    """Sangat Kurang (<60%): capaian/59% x 49."""
    for c in ("1", "12.5", "40", "58.9"):
        assert rules.nilai_capaian_iki(D(c)) == rules.round2(D(c) / 59 * 49)


def test_bands_from_params_default_and_custom():
    assert rules.bands_from_params(None) == rules.CAPAIAN_BANDS_8_2021
    custom = rules.bands_from_params(
        [{"low": 0, "high": 100, "score_low": 0, "score_high": 100}]
    )
    assert rules.nilai_capaian_iki(D(50), custom, D(100)) == D(50)
    assert rules.nilai_capaian_iki(D(101), custom, D(100)) == D(100)


@pytest.mark.parametrize(
    ("realisasi", "low", "high", "lower", "expected"),
    [
        ("98", "100", None, False, "98"),
        ("12", "12", None, False, "100"),
        ("6", "12", None, False, "50"),
        ("0", "12", None, False, "0"),
        # range targets: the upper bound when above, the lower bound when below, met inside
        ("25", "10", "20", False, "125"),
        ("8", "10", "20", False, "80"),
        ("10", "10", "20", False, "100"),
        ("15", "10", "20", False, "100"),
        ("20", "10", "20", False, "100"),
        # lower is better: (1 + (1 - realisasi/target)) x 100
        ("8", "10", None, True, "120"),
        ("10", "10", None, True, "100"),
        ("12", "10", None, True, "80"),
        ("25", "10", None, True, "0"),  # never negative
        ("0", "10", None, True, "200"),
        ("25", "10", "20", True, "75"),  # worse than the range: against the upper bound
        ("5", "10", "20", True, "150"),  # better than the range: against the lower bound
        ("15", "10", "20", True, "100"),
    ],
)
def test_capaian_iki(realisasi, low, high, lower, expected):
    found = rules.capaian_iki(
        D(realisasi), D(low), D(high) if high else None, lower_is_better=lower
    )
    assert found == D(expected)


def test_capaian_iki_without_a_positive_target():
    assert rules.capaian_iki(D(5), None) is None
    assert rules.capaian_iki(D(5), D(0)) is None
    assert rules.capaian_iki(D(5), D(-3)) is None


def test_capaian_above_110_scores_the_ceiling():
    capaian = rules.capaian_iki(D(23), D(20))  # 115%
    assert capaian == D(115)
    assert rules.nilai_capaian_iki(capaian) == D(120)


# --- PP 46/2011 + Perka BKN 1/2013 (RULES.md 1.10) -------------------------------------------


def test_worked_example_85_50():
    assert rules.nilai_capaian_2011([D(100), D(90), D(76), D(76)]) == D("85.50")


def test_nilai_capaian_2011_of_nothing():
    assert rules.nilai_capaian_2011([]) == D(0)


@pytest.mark.parametrize(
    ("realisasi", "target", "expected"),
    [
        ("12", "12", "76"),  # RW = TW
        ("9.12", "12", "100"),  # RW = 0.76 TW (efficiency 24%)
        ("10", "10", "76"),
        ("0", "12", "0"),  # not carried out
        ("5", "0", "0"),
        ("30", "12", "0"),  # over 1.76 TW: 0, never negative
    ],
)
def test_aspek_efisiensi(realisasi, target, expected):
    assert rules.round2(rules.aspek_efisiensi(D(realisasi), D(target))) == D(expected)


def test_aspek_efisiensi_above_24_percent_uses_the_second_formula():
    """76 - ((((1.76 T - R) / T) x 100) - 100) (RULES.md Unconfirmed 6): R = 0.5 T -> 50."""
    assert rules.aspek_efisiensi(D(6), D(12)) == D(50)


@pytest.mark.parametrize(
    ("realisasi", "target", "expected"),
    [("10", "10", "100"), ("9", "10", "90"), ("12", "10", "120"), ("3", "0", "0")],
)
def test_aspek_kuantitas_and_kualitas(realisasi, target, expected):
    assert rules.aspek_kuantitas(D(realisasi), D(target)) == D(expected)
    assert rules.aspek_kualitas(D(realisasi), D(target)) == D(expected)


@pytest.mark.parametrize(
    ("nilai", "kategori"),
    [
        ("100", "sangat_baik"),
        ("91", "sangat_baik"),
        ("90.5", "sangat_baik"),
        ("90", "baik"),
        ("85.50", "baik"),
        ("76", "baik"),
        ("75", "cukup"),
        ("61", "cukup"),
        ("60", "kurang"),
        ("51", "kurang"),
        ("50.5", "kurang"),
        ("50", "buruk"),
        ("10", "buruk"),
    ],
)
def test_kategori_2011(nilai, kategori):
    """91-100 Sangat Baik, 76-90 Baik, 61-75 Cukup, 51-60 Kurang, 50 and under Buruk."""
    assert rules.kategori_2011(D(nilai)) == kategori


def test_nilai_prestasi_60_40():
    """Nilai prestasi kerja = 60% SKP + 40% perilaku (PP 46/2011)."""
    assert rules.nilai_prestasi(D("85.50"), D(80)) == D("83.30")
    assert rules.nilai_prestasi(D(100), D(50)) == D(80)
    # PP 30/2019's 70/30 as a preset weight
    assert rules.nilai_prestasi(D(100), D(50), skp_weight=70) == D(85)


# --- PP 30/2019 ranges (RULES.md 1.9c) -------------------------------------------------------


@pytest.mark.parametrize(
    ("nilai", "new_ideas", "expected"),
    [
        ("120", True, SANGAT_BAIK),
        ("110", True, SANGAT_BAIK),
        ("115", False, BAIK),  # 110-120 without new ideas is Baik
        ("109.99", True, BAIK),
        ("90.01", False, BAIK),
        ("90", False, "cukup"),
        ("70.01", False, "cukup"),
        ("70", False, KURANG),
        ("50.01", False, KURANG),
        ("50", False, SANGAT_KURANG),  # the unassigned boundary (Unconfirmed 7)
        ("49", False, SANGAT_KURANG),
    ],
)
def test_predikat_pp30(nilai, new_ideas, expected):
    assert rules.predikat_pp30(D(nilai), new_ideas=new_ideas) == expected


# --- Angka kredit (Peraturan BKN 3/2023; RULES.md 1.9a) ---------------------------------------


def test_angka_kredit_examples():
    assert rules.angka_kredit(SANGAT_BAIK, "ahli_pertama") == D("18.75")  # 150% x 12.5
    assert rules.angka_kredit(BAIK, "ahli_pertama", months=2) == D("2.08")  # 2/12 x 100% x 12.5


@pytest.mark.parametrize(
    ("jenjang", "koefisien"),
    [
        ("ahli_pertama", "12.5"),
        ("ahli_muda", "25"),
        ("ahli_madya", "37.5"),
        ("ahli_utama", "50"),
        ("pemula", "3.75"),
        ("terampil", "5"),
        ("mahir", "12.5"),
        ("penyelia", "25"),
    ],
)
def test_angka_kredit_every_jenjang(jenjang, koefisien):
    k = D(koefisien)
    assert rules.angka_kredit(BAIK, jenjang) == rules.round2(k)
    for predikat, pct in [(SANGAT_BAIK, 150), (BUTUH_PERBAIKAN, 75), (KURANG, 50),
                          (SANGAT_KURANG, 25)]:
        assert rules.angka_kredit(predikat, jenjang) == rules.round2(k * pct / 100)
    assert rules.angka_kredit(BAIK, jenjang, months=6) == rules.round2(k / 2)


# --- Work minutes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verified", "standard", "cap", "expected"),
    [
        (6750, 6750, D(100), "100"),
        (3375, 6750, D(100), "50"),
        (8000, 6750, D(100), "100"),  # capped
        (8000, 6750, D(120), "118.52"),
        (0, 6750, D(100), "0"),
        (100, 0, D(100), "0"),
    ],
)
def test_minutes_score(verified, standard, cap, expected):
    assert rules.minutes_score(verified, standard, cap) == D(expected)


# --- Score methods ------------------------------------------------------------------------------


def _indicator(pk, realisation, target="10", *, rhk=1, kind="utama", aspek="kuantitas",
               target_max=None, countable=True):
    return rules.IndicatorInput(
        pk, rhk, kind, aspek, D(target) if target is not None else None,
        D(target_max) if target_max else None,
        D(realisation) if realisation is not None else None, countable,
    )


def _inputs(*indicators, minutes=0, months=1, predikat=None, perilaku=None):
    return rules.ScoreInputs(tuple(indicators), minutes, months, predikat, perilaku)


def test_capaian_score_is_the_mean_of_rhk_utama():
    inputs = _inputs(
        _indicator(1, "9.8", rhk=1),  # 98% -> 88
        _indicator(2, "10", rhk=1),  # 100% -> 109  (RHK 1: 98.50)
        _indicator(3, "6", rhk=2),  # 60% -> 50    (RHK 2: 50)
        _indicator(4, "100", rhk=3, kind="tambahan"),  # tambahan: not in the score
        _indicator(5, None, rhk=2),  # nothing realised yet
    )
    result = rules.compute_score(rules.CAPAIAN_IKI, {}, inputs)
    assert result.score == D("74.25")
    assert [line["nilai"] for line in result.lines] == [D("98.50"), D(50)]
    by_id = {s.indicator_id: s for s in result.indicators}
    assert by_id[4].nilai == D(120) and by_id[5].nilai is None


def test_capaian_score_without_a_numeric_target_or_realisation_is_none():
    qualitative = _indicator(1, "5", target=None, countable=False)
    not_yet = _indicator(2, None, aspek="kualitas", countable=False)
    assert rules.compute_score(rules.CAPAIAN_IKI, {}, _inputs(qualitative, not_yet)).score is None


def test_capaian_counts_indicators_the_employee_realises_and_time_is_lower_is_better():
    quality = _indicator(1, "9", aspek="kualitas", countable=False)  # 90% -> 80
    faster = _indicator(2, "8", rhk=2, aspek="waktu", countable=False)  # 120% -> 120
    result = rules.compute_score(rules.CAPAIAN_IKI, {}, _inputs(quality, faster))
    by_id = {s.indicator_id: s for s in result.indicators}
    assert by_id[1].capaian == D(90) and by_id[1].nilai == D(80)
    assert by_id[2].capaian == D(120) and by_id[2].nilai == D(120)
    assert result.score == D(100)


def test_period_target_of_a_quality_or_time_indicator_is_not_split_by_months():
    months = (4, 5, 6)
    level = rules.period_target(target_min=D(3), target_max=None, monthly={}, months=months,
                                annual=False, cumulative=False)
    assert level == (D(3), None)
    planned = rules.period_target(target_min=D(3), target_max=None, monthly={5: D(4), 6: D(2)},
                                  months=months, annual=False, cumulative=False)
    assert planned == (D(2), None)


def test_minutes_method_scales_with_the_months_of_the_period():
    params = {"standard_minutes_per_month": 6750, "cap": 100}
    assert rules.compute_score(rules.WORK_MINUTES, params, _inputs(minutes=6750)).score == 100
    quarter = rules.compute_score(rules.WORK_MINUTES, params, _inputs(minutes=6750, months=3))
    assert quarter.score == D("33.33")


def test_predikat_value_method():
    assert rules.compute_score(rules.PREDIKAT_VALUE, {}, _inputs(predikat=SANGAT_BAIK)).score == 150
    assert rules.compute_score(rules.PREDIKAT_VALUE, {}, _inputs()).score is None
    custom = {"values": {BAIK: 90}}
    assert rules.compute_score(rules.PREDIKAT_VALUE, custom, _inputs(predikat=BAIK)).score == 90


def test_skp_2011_method():
    params = {"skp_weight": 60, "perilaku_values": {DI_ATAS: 91, SESUAI: 76, DI_BAWAH: 60}}
    inputs = _inputs(
        _indicator(1, "10", rhk=1),  # 100
        _indicator(2, "9", rhk=1),  # 90
        _indicator(3, "12", rhk=2, aspek="waktu", target="12"),  # 76
        perilaku=SESUAI,
    )
    result = rules.compute_score(rules.SKP_2011, params, inputs)
    # RHK 1: 95, RHK 2: 76 -> SKP 85.50; 0.6 x 85.50 + 0.4 x 76 = 81.70
    assert result.lines[-1]["nilai_skp"] == D("85.50")
    assert result.score == D("81.70")
    without = rules.compute_score(rules.SKP_2011, params, _inputs(_indicator(1, "10")))
    assert without.score is None and without.lines == [{"nilai_skp": D(100)}]


def test_skp_2011_caps_each_aspect():
    result = rules.compute_score(
        rules.SKP_2011, {}, _inputs(_indicator(1, "1000", target="1"), perilaku=DI_ATAS)
    )
    assert result.indicators[0].nilai == D(120)
    assert result.score == D("108.40")  # 0.6 x 120 + 0.4 x 91


def test_compute_score_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        rules.compute_score("ranking", {}, _inputs())


# --- Pre-fill and the period's target ------------------------------------------------------------


def test_prefill():
    assert rules.prefill(D(7), 3) == D(7)  # logs measured it
    assert rules.prefill(D(0), 3) == D(3)  # else each finished assignment is one output
    assert rules.prefill(D(0), 0) == D(0)


@pytest.mark.parametrize(
    ("aspek", "kind", "countable"),
    [("kuantitas", "angka", True), ("kuantitas", "rentang", True),
     ("kuantitas", "kualitatif", False), ("kualitas", "angka", False), ("waktu", "angka", False)],
)
def test_is_countable(aspek, kind, countable):
    assert rules.is_countable(aspek, kind) is countable


def test_normal_unit():
    assert rules.normal_unit("  Dokumen   Surat ") == "dokumen surat"


def test_period_target_from_the_rencana_aksi():
    monthly = {1: D(2), 2: D(3), 3: None, 4: D(5)}
    assert rules.period_target(target_min=D(24), target_max=None, monthly=monthly, months=[2],
                               annual=False) == (D(3), None)
    assert rules.period_target(target_min=D(24), target_max=D(30), monthly=monthly,
                               months=[1, 2, 3], annual=False) == (D(5), None)


def test_period_target_annual_over_twelve_without_rencana_aksi():
    assert rules.period_target(target_min=D(24), target_max=None, monthly={}, months=[5],
                               annual=False) == (D(2), None)
    assert rules.period_target(target_min=D(24), target_max=D(36), monthly={3: None},
                               months=[1, 2, 3], annual=False) == (D(6), D(9))
    assert rules.period_target(target_min=D(10), target_max=None, monthly={}, months=[1],
                               annual=False) == (D("0.83"), None)


def test_period_target_of_the_year_and_of_a_qualitative_indicator():
    assert rules.period_target(target_min=D(24), target_max=D(30), monthly={1: D(1)},
                               months=list(range(1, 13)), annual=True) == (D(24), D(30))
    assert rules.period_target(target_min=None, target_max=None, monthly={1: D(1)}, months=[1],
                               annual=False) == (None, None)


# --- Workflow -------------------------------------------------------------------------------


def test_transitions():
    assert rules.may("rate", rules.DRAFT) and rules.may("rate", rules.SELF_SUBMITTED)
    assert not rules.may("rate", rules.FINAL)
    assert rules.may("object", rules.FINAL) and not rules.may("object", rules.ACKNOWLEDGED)
    assert rules.may("decide", rules.OBJECTED)
    assert not rules.may("calibrate", rules.OBJECTED)
    assert rules.may("reopen", rules.DECIDED) and not rules.may("reopen", rules.OBJECTED)
    for action, states in rules.TRANSITIONS.items():
        for state in (rules.DRAFT, rules.SELF_SUBMITTED, *rules.LOCKED):
            assert rules.may(action, state) == (state in states)


@pytest.mark.parametrize(
    ("hasil", "perilaku", "status", "passed", "problems"),
    [
        (SESUAI, SESUAI, rules.SELF_SUBMITTED, False, []),
        (SESUAI, SESUAI, rules.DRAFT, False, ["self_assessment_pending"]),
        (SESUAI, SESUAI, rules.DRAFT, True, []),
        ("", SESUAI, rules.SELF_SUBMITTED, False, ["hasil_rating_missing"]),
        ("", "", rules.DRAFT, False,
         ["hasil_rating_missing", "perilaku_rating_missing", "self_assessment_pending"]),
    ],
)
def test_finalise_problems(hasil, perilaku, status, passed, problems):
    assert rules.finalise_problems(
        hasil=hasil, perilaku=perilaku, status=status, self_deadline_passed=passed
    ) == problems


def test_objection_deadline():
    assert rules.objection_deadline(dt.date(2025, 6, 6), 14) == dt.date(2025, 6, 20)
    assert rules.objection_deadline(dt.date(2025, 12, 25), 14) == dt.date(2026, 1, 8)


# --- Rater analytics -----------------------------------------------------------------------------


def test_rater_bias_lenient_and_severe():
    lenient = rules.rater_bias([SANGAT_BAIK] * 4, [BAIK] * 10)
    assert lenient.flag == rules.LENIENT
    assert (lenient.rater_mean, lenient.others_mean, lenient.difference) == (D(5), D(4), D(1))
    severe = rules.rater_bias([BUTUH_PERBAIKAN] * 3, [BAIK] * 10)
    assert severe.flag == rules.SEVERE and severe.difference == D(-1)


def test_rater_bias_needs_enough_ratings_and_a_difference():
    assert rules.rater_bias([SANGAT_BAIK] * 2, [BAIK] * 10).flag is None  # under min_rated
    assert rules.rater_bias([BAIK, BAIK, SANGAT_BAIK], [BAIK] * 10).flag is None  # 0.33
    assert rules.rater_bias([BAIK] * 3, [BAIK] * 3).flag is None
    alone = rules.rater_bias([BAIK] * 5, [])
    assert alone.others_mean is None and alone.flag is None and alone.rater_mean == D(4)


def test_rater_bias_threshold_is_inclusive():
    found = rules.rater_bias([SANGAT_BAIK, BAIK, BAIK, BAIK], [BAIK, BAIK, BAIK, BAIK],
                             threshold=D("0.25"))
    assert found.difference == D("0.25") and found.flag == rules.LENIENT
