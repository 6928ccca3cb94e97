"""Properties of the evaluation rules over the whole input space (hypothesis): scores are
deterministic and bounded, capaian is monotonic in the realisation (the other way round for
"lower is better"), the curve check is total and quiet on an empty unit, the matrix is total."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kinerja.evaluations import rules
from kinerja.evaluations.presets import BUILTIN_METHODS

D = Decimal

amounts = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False,
                      allow_infinity=False)
targets = st.decimals(min_value=D("0.01"), max_value=10_000, places=2, allow_nan=False,
                      allow_infinity=False)
percents = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False,
                       allow_infinity=False)
ratings = st.sampled_from(rules.RATINGS)
predikats = st.sampled_from(rules.PREDIKAT)


@st.composite
def target_pairs(draw):
    """A target: a number, or a range low-high."""
    low = draw(targets)
    if draw(st.booleans()):
        return low, None
    return low, low + draw(st.decimals(min_value=D("0.01"), max_value=1000, places=2))


@st.composite
def indicator_inputs(draw, pk):
    low, high = draw(target_pairs())
    return rules.IndicatorInput(
        indicator_id=pk,
        rhk_id=draw(st.integers(min_value=1, max_value=4)),
        rhk_kind=draw(st.sampled_from(["utama", "tambahan"])),
        aspek=draw(st.sampled_from(["kuantitas", "kualitas", "waktu", "biaya"])),
        target_min=draw(st.one_of(st.none(), st.just(low))),
        target_max=high,
        realisation=draw(st.one_of(st.none(), amounts)),
        countable=draw(st.booleans()),
    )


@st.composite
def score_inputs(draw):
    count = draw(st.integers(min_value=0, max_value=8))
    return rules.ScoreInputs(
        indicators=tuple(draw(indicator_inputs(pk)) for pk in range(1, count + 1)),
        verified_minutes=draw(st.integers(min_value=0, max_value=200_000)),
        months=draw(st.sampled_from([1, 3, 12])),
        predikat=draw(st.one_of(st.none(), predikats)),
        perilaku_rating=draw(st.one_of(st.none(), ratings)),
    )


# --- The matrix -------------------------------------------------------------------------------


@given(ratings, ratings)
def test_predikat_total_over_every_pair_of_ratings(hasil, perilaku):
    assert rules.predikat(hasil, perilaku) in rules.PREDIKAT


@given(ratings, ratings, ratings)
def test_better_hasil_never_worsens_the_predikat_for_the_same_behaviour(a, b, perilaku):
    """Except the misconduct cell: (di atas, di bawah) is Kurang, as is (sesuai, di bawah);
    hasil never moves the predikat the wrong way."""
    order = {rules.DI_BAWAH: 0, rules.SESUAI: 1, rules.DI_ATAS: 2}
    if order[a] <= order[b]:
        worse, better = rules.predikat(a, perilaku), rules.predikat(b, perilaku)
        assert rules.PREDIKAT_INDEX[better] >= rules.PREDIKAT_INDEX[worse]


# --- Capaian IKI ----------------------------------------------------------------------------


@given(percents)
def test_nilai_capaian_bounded_and_deterministic(capaian):
    found = rules.nilai_capaian_iki(capaian)
    assert D(0) <= found <= D(120)
    assert found == rules.nilai_capaian_iki(capaian)


@given(percents, percents)
def test_nilai_capaian_monotonic(a, b):
    low, high = sorted((a, b))
    assert rules.nilai_capaian_iki(low) <= rules.nilai_capaian_iki(high)


@given(amounts, amounts, target_pairs())
def test_more_realisation_never_lowers_capaian(a, b, target):
    low, high = sorted((a, b))
    t_min, t_max = target
    c_low = rules.capaian_iki(low, t_min, t_max)
    c_high = rules.capaian_iki(high, t_min, t_max)
    assert c_low is not None and c_high is not None
    assert c_low <= c_high
    assert rules.nilai_capaian_iki(c_low) <= rules.nilai_capaian_iki(c_high)


@given(amounts, amounts, target_pairs())
def test_lower_is_better_more_realisation_never_raises_capaian(a, b, target):
    low, high = sorted((a, b))
    t_min, t_max = target
    c_low = rules.capaian_iki(low, t_min, t_max, lower_is_better=True)
    c_high = rules.capaian_iki(high, t_min, t_max, lower_is_better=True)
    assert c_low is not None and c_high is not None
    assert c_low >= c_high >= 0
    assert rules.nilai_capaian_iki(c_low) >= rules.nilai_capaian_iki(c_high)


@given(amounts, target_pairs(), st.booleans())
def test_capaian_never_negative_and_deterministic(realisasi, target, lower):
    found = rules.capaian_iki(realisasi, *target, lower_is_better=lower)
    assert found is not None and found >= 0
    assert found == rules.capaian_iki(realisasi, *target, lower_is_better=lower)


# --- Other numbers ----------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**6),
       st.decimals(min_value=1, max_value=200, places=0))
def test_minutes_score_bounded(verified, standard, cap):
    found = rules.minutes_score(verified, standard, cap)
    assert D(0) <= found <= cap


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6),
       st.integers(min_value=1, max_value=10**5))
def test_minutes_score_monotonic(a, b, standard):
    low, high = sorted((a, b))
    assert rules.minutes_score(low, standard) <= rules.minutes_score(high, standard)


@given(amounts, targets)
def test_aspek_efisiensi_never_negative(realisasi, target):
    assert rules.aspek_efisiensi(realisasi, target) >= 0


@given(st.lists(st.decimals(min_value=0, max_value=120, places=2), max_size=10))
def test_nilai_capaian_2011_within_its_aspects(values):
    found = rules.nilai_capaian_2011(values)
    if values:
        assert min(values) - D("0.01") <= found <= max(values) + D("0.01")
    else:
        assert found == 0


@given(st.decimals(min_value=0, max_value=130, places=2, allow_nan=False, allow_infinity=False),
       st.booleans())
def test_pp30_total(nilai, new_ideas):
    assert rules.predikat_pp30(nilai, new_ideas=new_ideas) in (*rules.PREDIKAT, "cukup")


@given(st.decimals(min_value=0, max_value=130, places=2, allow_nan=False, allow_infinity=False))
def test_kategori_2011_total(nilai):
    assert rules.kategori_2011(nilai) in ("sangat_baik", "baik", "cukup", "kurang", "buruk")


@given(predikats, st.sampled_from(sorted(rules.KOEFISIEN)), st.integers(min_value=1, max_value=12))
def test_angka_kredit_bounded(predikat, jenjang, months):
    found = rules.angka_kredit(predikat, jenjang, months)
    assert D(0) < found <= rules.round2(rules.KOEFISIEN[jenjang] * D("1.5"))


# --- Score methods --------------------------------------------------------------------------

PRESETS = {m["key"]: m for m in BUILTIN_METHODS}


def _bounds(method, inputs):
    kind, params = method["kind"], method["params"]
    if kind == rules.CAPAIAN_IKI:
        return D(0), D(str(params.get("ceiling", 120)))
    if kind == rules.WORK_MINUTES:
        return D(0), D(str(params["cap"]))
    if kind == rules.PREDIKAT_VALUE:
        values = [D(str(v)) for v in params["values"].values()]
        return min(values), max(values)
    assert kind == rules.SKP_2011
    perilaku = [D(str(v)) for v in params["perilaku_values"].values()]
    return D(0), D(120) * params["skp_weight"] / 100 + max(perilaku) * (
        100 - params["skp_weight"]
    ) / 100


@given(st.sampled_from(sorted(PRESETS)), score_inputs())
def test_every_preset_score_is_bounded_and_deterministic(key, inputs):
    method = PRESETS[key]
    first = rules.compute_score(method["kind"], method["params"], inputs)
    again = rules.compute_score(method["kind"], method["params"], inputs)
    assert first.score == again.score and first.lines == again.lines
    assert first.indicators == again.indicators
    if first.score is not None:
        low, high = _bounds(method, inputs)
        assert low <= first.score <= high, (key, first)
    for s in first.indicators:
        if method["kind"] == rules.CAPAIAN_IKI and s.nilai is not None:
            assert D(0) <= s.nilai <= D(120)


@given(score_inputs())
def test_capaian_score_only_counts_rhk_utama(inputs):
    method = PRESETS["capaian-iki-8-2021"]
    only_tambahan = rules.ScoreInputs(
        tuple(i for i in inputs.indicators if i.rhk_kind == "tambahan"),
        inputs.verified_minutes, inputs.months, inputs.predikat, inputs.perilaku_rating,
    )
    assert rules.compute_score(method["kind"], method["params"], only_tambahan).score is None


# --- The curve --------------------------------------------------------------------------------

count_maps = st.dictionaries(predikats, st.integers(min_value=0, max_value=60))


@given(st.sampled_from(rules.ORG_PREDIKAT))
def test_curve_never_errors_on_an_empty_unit(org):
    assert rules.curve_check(org, {}) == []
    assert rules.curve_check(org, dict.fromkeys(rules.PREDIKAT, 0)) == []


@given(st.sampled_from(rules.ORG_PREDIKAT), count_maps)
def test_curve_check_total_and_consistent(org, counts):
    findings = rules.curve_check(org, counts)
    total = sum(counts.values())
    for f in findings:
        assert f.level in ("error", "warning")
        if total < rules.SMALL_UNIT:
            assert f.level == "warning"
        if f.code == "not_most":
            assert f.level == "warning"
        if f.code in ("too_many", "forbidden"):
            assert f.actual > f.allowed
        if f.code in ("too_few", "missing"):
            assert f.actual < f.allowed
    assert findings == rules.curve_check(org, counts)


@given(st.sampled_from(rules.ORG_PREDIKAT),
       st.integers(min_value=rules.SMALL_UNIT, max_value=500))
def test_limits_never_contradict(org, total):
    """In a unit the curve binds (SMALL_UNIT people or more), the minimums of the groups
    together fit in the unit, so a compliant distribution exists. (Under Kurang a unit of one
    cannot hold both the 60% Kurang and the 10% Butuh Perbaikan: that is why small units only
    get warnings.)"""
    limits = rules.curve_limits(rules.CURVE[org], total)
    assert sum(required for _group, required in limits["min"]) <= total
    for _group, allowed in limits["max"]:
        assert 1 <= allowed <= total
