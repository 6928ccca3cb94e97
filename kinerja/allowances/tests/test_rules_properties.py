"""Properties of the TPP rules over random presets and months (hypothesis, bounded so the file
runs in seconds): the cuts never pass the cap or the payable amount; 0 <= net <= gross <=
payable <= ceiling; more lateness never pays more; the same inputs give the same rupiah; the
preset check refuses parts not adding up to 100 and overlapping bands."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kinerja.allowances import rules
from kinerja.allowances.rules import Holding, PersonMonth, PresetError, compute, parse_preset

D = Decimal
FAST = settings(max_examples=80, deadline=None)

pcts = st.decimals(min_value=0, max_value=100, places=2)
small_pcts = st.decimals(min_value=0, max_value=10, places=2)
amounts = st.one_of(st.decimals(min_value=0, max_value=60_000_000, places=0),
                    st.integers(500_000, 30_000_000).map(lambda n: D(2 * n + 1)))
KELAS = range(1, 18)


TYPICAL_SPLITS = [[100], [60, 40], [50, 50], [70, 30], [30, 20, 50], [25, 25, 50],
                  [D("33.33"), D("33.33"), D("33.34")], [D("12.5"), D("37.5"), 50]]


@st.composite
def part_pcts(draw: Any) -> list[Decimal]:
    """Percentages adding up to 100 (two places): the splits of the presets in use (the
    50/50 of an odd amount is where rounding each part on its own pays a rupiah too many), or
    random ones."""
    if draw(st.booleans()):
        return [D(v) for v in draw(st.sampled_from(TYPICAL_SPLITS))]
    count = draw(st.integers(1, 3))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=count - 1,
                                max_size=count - 1)))
    edges = [0, *cuts, 10_000]
    return [D(b - a) / 100 for a, b in zip(edges, edges[1:], strict=False)]


@st.composite
def band_tables(draw: Any, kind: str, prefix: str) -> list[dict[str, Any]]:
    """Non-overlapping bands of one kind, their percent never lower than the band before."""
    count = draw(st.integers(0, 4))
    edges = sorted(set(draw(st.lists(st.integers(1, 240), min_size=count, max_size=count))))
    pct = D(0)
    out = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else draw(st.sampled_from(
            [None, low + 30]))
        pct += draw(st.decimals(min_value=0, max_value=3, places=2))
        out.append({"code": f"{prefix}{i + 1}", "applies_to": kind, "low": low, "high": high,
                    "pct": str(pct)})
    return out


LEAVE_RULES = st.sampled_from([
    {"mode": "none"},
    {"mode": "per_day", "pct": "3"},
    {"mode": "per_day", "pct": "2.5", "free_days": 2},
    {"mode": "days_in_month", "table": [[1, 2, "0"], [3, 14, "25"], [15, None, "50"]]},
    {"mode": "month_of_leave", "by_month": ["50", "75", "90"]},
    {"mode": "unpaid"},
])


@st.composite
def presets(draw: Any, factors_up_to: int = 100) -> dict[str, Any]:
    parts = [{"key": f"p{i}", "pct": str(pct),
              "factor": draw(st.sampled_from(rules.FACTORS))}
             for i, pct in enumerate(draw(part_pcts()))]
    late = draw(band_tables("late", "TL"))
    early = draw(band_tables("early", "PSW"))
    codes_late = [b["code"] for b in late]
    codes_early = [b["code"] for b in early]
    return {
        "base": {"by_kelas": {str(k): str(draw(amounts)) for k in KELAS}},
        "components": [
            {"key": "beban", "pct": str(draw(pcts)),
             "pct_by_kelas": {"1": str(draw(pcts))}},
            {"key": "kondisi", "pct": str(draw(st.decimals(min_value=0, max_value=30,
                                                          places=2))),
             "eligible": {"kelas": [14, 15], "budget_holder": True}},
        ],
        "parts": parts,
        "deduction_base": draw(st.sampled_from(["total", *(p["key"] for p in parts)])),
        "sanction_base": draw(st.sampled_from(["total", *(p["key"] for p in parts)])),
        "factor_predikat": {name: str(draw(st.integers(0, factors_up_to)))
                            for name in rules.PREDIKATS},
        "factor_missing": str(draw(st.integers(0, 100))),
        "score_full_at": "100",
        "minutes_target": str(draw(st.integers(1, 9000))),
        "bands": late + early,
        "missing_in_code": draw(st.sampled_from([None, *codes_late[-1:]])),
        "missing_out_code": draw(st.sampled_from([None, *codes_early[-1:]])),
        "absence_pct_per_day": str(draw(small_pcts)),
        "no_log_pct_per_day": str(draw(small_pcts)),
        "leave": {kind: draw(LEAVE_RULES) for kind in ("sakit", "besar", "cltn", "tahunan")},
        "sanctions": {"potong_tunjangan_6": "25", "pemberhentian_sementara": "100"},
        "max_cut_pct": str(draw(pcts)),
        "asn_type_pct": {"CPNS": str(draw(pcts))},
        "status_pct": {"diberhentikan_sementara": "0"},
        "plt": {"mode": draw(st.sampled_from(rules.PLT_MODES)), "pct": str(draw(pcts))},
        "bpjs": {"employee_pct": str(draw(small_pcts)), "employer_pct": "4",
                 "ceiling": str(draw(amounts)), "on_tpp": draw(st.booleans())},
        "pph21": {"mode": draw(st.sampled_from(rules.PPH_MODES)),
                  "rates": {"III": str(draw(st.integers(0, 35))), "IV": "15", "default": "0"}},
        "rounding": {"unit": draw(st.sampled_from(["1", "100", "1000"])),
                     "mode": draw(st.sampled_from(sorted(rules.ROUNDING_MODES)))},
    }


@st.composite
def months(draw: Any, preset: rules.Preset) -> PersonMonth:
    # mostly a whole month in one position; sometimes none, a part, a move or a Plt
    working = draw(st.one_of(st.integers(19, 23), st.integers(0, 23)))
    day_counts = st.one_of(st.just(working), st.integers(0, max(working, 0)))
    first = Holding(draw(st.sampled_from(KELAS)), draw(day_counts), False, draw(st.booleans()))
    more = tuple(
        Holding(draw(st.sampled_from(KELAS)), draw(day_counts), draw(st.booleans()),
                draw(st.booleans()))
        for _ in range(draw(st.integers(0, 2))))
    holdings = draw(st.sampled_from([(first,), (first, *more), more]))
    return PersonMonth(
        pegawai_id=1,
        asn_type=draw(st.sampled_from(["PNS", "PNS", "CPNS", "PPPK"])),
        status=draw(st.sampled_from(["aktif"] * 5 + ["diberhentikan_sementara"])),
        golongan=draw(st.sampled_from(["III/a", "IV/b", "II/c", ""])),
        working_days=working,
        holdings=holdings,
        band_days={b.code: draw(st.integers(0, 22)) for b in preset.bands},
        missing_in=draw(st.integers(0, 5)),
        missing_out=draw(st.integers(0, 5)),
        absent_days=draw(st.integers(0, 23)),
        no_log_days=draw(st.integers(0, 23)),
        leave_days={kind: draw(st.integers(0, 23)) for kind in ("sakit", "besar", "cltn")},
        leave_month={"besar": draw(st.integers(1, 4))},
        sanctions=tuple(draw(st.lists(st.sampled_from([
            ("potong_tunjangan_6", None), ("pemberhentian_sementara", None),
            ("teguran_lisan", D("10"))]), max_size=2))),
        predikat=draw(st.sampled_from([None, *rules.PREDIKATS])),
        score=draw(st.one_of(st.none(), st.decimals(min_value=0, max_value=130, places=2))),
        verified_minutes=draw(st.one_of(st.none(), st.integers(0, 12_000))),
    )


@st.composite
def cases(draw: Any, factors_up_to: int = 100) -> tuple[rules.Preset, PersonMonth]:
    preset = parse_preset(draw(presets(factors_up_to)))
    return preset, draw(months(preset))


@FAST
@given(cases())
def test_cuts_never_pass_the_cap_nor_the_payable_amount(case):
    preset, person = case
    result = compute(preset, person)
    cap = preset.round(result.payable * preset.max_cut_pct / 100)
    assert 0 <= result.deductions <= min(cap, result.payable)
    assert result.gross == result.payable - result.deductions


@FAST
@given(cases())
def test_net_gross_payable_ceiling_are_ordered(case):
    preset, person = case
    result = compute(preset, person)
    assert 0 <= result.net <= result.gross <= result.payable <= result.ceiling
    assert result.bpjs_employee >= 0 and result.pph21 >= 0
    # every amount is a whole multiple of the rounding unit
    for value in (result.ceiling, result.payable, result.deductions, result.gross,
                  result.bpjs_employee, result.pph21):
        assert value % preset.rounding_unit == 0


@FAST
@given(cases())
def test_the_parts_add_up_to_the_ceiling(case):
    preset, person = case
    result = compute(preset, person)
    assert sum(line.amount for line in result.lines if line.kind == "part") == result.ceiling


@FAST
@given(cases(), st.data())
def test_one_more_late_day_never_pays_more(case, data):
    preset, person = case
    assume(preset.bands)
    band = data.draw(st.sampled_from(preset.bands))
    more = dict(person.band_days)
    more[band.code] = more.get(band.code, 0) + 1
    before = compute(preset, person)
    after = compute(preset, _with(person, band_days=more))
    assert after.deductions >= before.deductions
    assert after.gross <= before.gross
    _never_pays_more(preset, before, after)


@FAST
@given(cases(), st.data())
def test_one_more_absent_day_or_missing_scan_never_pays_more(case, data):
    preset, person = case
    field = data.draw(st.sampled_from(["absent_days", "missing_in", "missing_out",
                                       "no_log_days"]))
    before = compute(preset, person)
    after = compute(preset, _with(person, **{field: getattr(person, field) + 1}))
    assert after.gross <= before.gross
    _never_pays_more(preset, before, after)


@st.composite
def band_moves(draw: Any) -> tuple[rules.Preset, PersonMonth, str, str]:
    """A preset whose late bands cost strictly more each (by 0.25% at least) and a month with
    a day in a lower band, paid from at least Rp1,000,000."""
    params = draw(presets())
    pct = D(0)
    late = []
    for i, low in enumerate((1, 31, 61, 91)):
        pct += draw(st.decimals(min_value=D("0.25"), max_value=3, places=2))
        late.append({"code": f"TL{i + 1}", "applies_to": "late", "low": low,
                     "high": None if low == 91 else low + 29, "pct": str(pct)})
    params["bands"] = late + [b for b in params["bands"] if b["applies_to"] == "early"]
    params["missing_in_code"] = "TL4"
    params["base"]["by_kelas"] = {str(k): str(draw(st.integers(1_000_000, 40_000_000)))
                                  for k in KELAS}
    params["status_pct"] = {}
    params["asn_type_pct"] = {}
    preset = parse_preset(params)
    person = _with(draw(months(preset)), working_days=22, holdings=(Holding(
        draw(st.sampled_from(KELAS)), draw(st.integers(1, 22))),))
    i = draw(st.integers(0, 2))
    low, high = f"TL{i + 1}", f"TL{draw(st.integers(i + 2, 4))}"
    days = dict(person.band_days)
    days[low] = max(1, days.get(low, 0))
    return preset, _with(person, band_days=days), low, high


@FAST
@given(band_moves())
def test_moving_a_day_to_a_higher_band_never_pays_more(case):
    preset, person, low, high = case
    base = compute(preset, person)
    # Each band's line is rounded on its own: when the two bands differ by less than two
    # rounding units in rupiah a move may round a unit either way, so such cases are left out.
    step = (preset.band_pct[high] - preset.band_pct[low]) * _deduction_base(preset, base) / 100
    assume(step >= 2 * preset.rounding_unit)
    moved = dict(person.band_days)
    moved[low] -= 1
    moved[high] = moved.get(high, 0) + 1
    after = compute(preset, _with(person, band_days=moved))
    assert after.deductions >= base.deductions
    assert after.gross <= base.gross
    _never_pays_more(preset, base, after)


@FAST
@given(cases(factors_up_to=200))
def test_compute_is_deterministic(case):
    preset, person = case
    first, second = compute(preset, person), compute(preset, person)
    assert [line.as_dict() for line in first.lines] == [line.as_dict() for line in second.lines]
    assert first == second


@FAST
@given(st.lists(pcts, min_size=1, max_size=4))
def test_parts_must_add_up_to_100(values):
    params = {"base": {"by_kelas": {"7": "1000000"}},
              "components": [{"key": "tpp", "pct": "100"}],
              "parts": [{"key": f"p{i}", "pct": str(v)} for i, v in enumerate(values)]}
    total = sum(values)
    if total == 100:
        assert parse_preset(params).parts
    else:
        try:
            parse_preset(params)
        except PresetError as exc:
            assert exc.problems == [f"parts: the percentages add up to {total}, not 100"]
        else:
            raise AssertionError(f"accepted parts adding up to {total}")


@FAST
@given(st.lists(st.tuples(st.integers(1, 120), st.one_of(st.none(), st.integers(1, 120))),
                min_size=1, max_size=4))
def test_overlapping_bands_are_refused(ranges):
    bands = [{"code": f"TL{i}", "applies_to": "late", "low": low, "high": high, "pct": "1"}
             for i, (low, high) in enumerate(ranges)]
    params = {"base": {"by_kelas": {"7": "1000000"}},
              "components": [{"key": "tpp", "pct": "100"}],
              "parts": [{"key": "tpp", "pct": "100"}], "bands": bands}
    minutes = [set(range(low, (high if high is not None else 300) + 1))
               for low, high in ranges]
    empty = any(high is not None and high < low for low, high in ranges)
    overlap = any(minutes[a] & minutes[b] for a in range(len(ranges))
                  for b in range(a + 1, len(ranges)))
    try:
        preset = parse_preset(params)
    except PresetError as exc:
        assert overlap or empty, exc.problems
        assert all(p.startswith("bands: ") for p in exc.problems)
    else:
        assert not overlap and not empty
        for m in range(1, 301):  # every minute falls in one band at most
            assert sum(b.holds(m) for b in preset.bands) <= 1


@FAST
@given(st.decimals(min_value=0, max_value=10**9, places=0), st.lists(pcts, min_size=1,
                                                                     max_size=4),
       st.sampled_from(["1", "100", "1000"]))
def test_split_keeps_every_rupiah(total, weights, unit):
    assume(sum(weights) > 0)
    unit_d = D(unit)
    total = (total // unit_d) * unit_d
    # scale the weights to 100 (the last takes what is left), as parse_preset requires
    scaled = [w * 100 / sum(weights) for w in weights]
    scaled = [s.quantize(D("0.01")) for s in scaled[:-1]]
    scaled.append(D(100) - sum(scaled, D(0)))
    assume(scaled[-1] >= 0)
    shares = rules.split(total, scaled, unit_d)
    assert sum(shares) == total
    for share, pct in zip(shares, scaled, strict=True):
        assert share >= 0 and share % unit_d == 0
        assert abs(share - total * pct / 100) < unit_d  # each share within one unit


def _with(person: PersonMonth, **changes: Any) -> PersonMonth:
    fields = {name: getattr(person, name) for name in PersonMonth.__dataclass_fields__}
    fields.update(changes)
    return PersonMonth(**fields)


def _deduction_base(preset: rules.Preset, result: rules.TppResult) -> Decimal:
    if preset.deduction_base == "total":
        return result.ceiling
    return next(line.amount for line in result.lines
                if line.kind == "part" and line.code == preset.deduction_base)


def _never_pays_more(preset: rules.Preset, before: rules.TppResult,
                     after: rules.TppResult) -> None:
    """Net never grows when gross does not. Where PPh 21 is withheld, BPJS and PPh are each
    rounded on their own, so one unit less of gross may round both down at once: net may
    then move by one rounding unit at most (documented in the report)."""
    if preset.pph_mode == "withheld":
        assert after.net <= before.net + preset.rounding_unit
    else:
        assert after.net <= before.net
