"""The TPP rules as units: preset validation (every problem listed, for the form), the
performance factor, the ceiling over holdings, the explanation lines, PPh 21 rates."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from kinerja.allowances import rules
from kinerja.allowances.presets import template_params
from kinerja.allowances.rules import Holding, PersonMonth, PresetError, compute, parse_preset

D = Decimal


def national() -> dict:
    return template_params("nasional")


def problems_of(params) -> list[str]:
    with pytest.raises(PresetError) as caught:
        parse_preset(params)
    assert str(caught.value) == "; ".join(caught.value.problems)
    return caught.value.problems


def person(**fields) -> PersonMonth:
    base = {"pegawai_id": 1, "asn_type": "PNS", "status": "aktif", "golongan": "III/a",
            "working_days": 22, "holdings": (Holding(6, 22),)}
    base.update(fields)
    return PersonMonth(**base)


def test_every_template_parses():
    from kinerja.allowances.presets import TEMPLATES

    for key in TEMPLATES:
        assert parse_preset(template_params(key)).parts


def test_parts_must_add_up_to_100():
    params = national()
    params["parts"][1]["pct"] = "30"
    assert problems_of(params) == ["parts: the percentages add up to 90, not 100"]
    params["parts"] = []
    assert problems_of(params) == [
        "parts: at least one part (for example kinerja 60%, disiplin 40%)"]


def test_overlapping_bands_are_refused():
    params = national()
    params["bands"][1]["low"] = 30  # TL1 1-30 and TL2 30-60
    assert problems_of(params) == ["bands: TL1 and TL2 overlap"]
    params = national()
    params["bands"][3]["high"] = None
    params["bands"][2]["high"] = None  # TL3 61- open, TL4 91- open
    assert problems_of(params) == ["bands: TL3 and TL4 overlap"]


def test_every_problem_is_listed_at_once():
    params = national()
    params["parts"][0]["pct"] = "70"
    params["bands"][0]["pct"] = "abc"
    params["absence_pct_per_day"] = "150"
    params["missing_in_code"] = "TL9"
    params["leave"]["bolos"] = {"mode": "none"}
    params["leave"]["sakit"] = {"mode": "days_in_month"}
    params["rounding"] = {"unit": "1", "mode": "nearest"}
    params["pph21"]["mode"] = "maybe"
    params["deduction_base"] = "bonus"
    assert sorted(problems_of(params)) == sorted([
        "parts: the percentages add up to 110, not 100",
        "bands[0].pct: 'abc' is not a number",
        "missing_in_code: 'TL9' is not one of the bands",
        "leave.bolos: 'bolos' is not a leave kind",
        "leave.sakit: days_in_month needs a table",
        "deduction_base: 'bonus' is not one of total, kinerja, disiplin",
        "absence_pct_per_day: 150 is above 100",
        "pph21.mode: 'maybe' is not one of borne_by_apbd, withheld",
        "rounding.mode: 'nearest' is not one of half_up, down, up",
    ])


def test_malformed_parameters_are_problems_not_crashes():
    params = national()
    params["components"] = ["tpp"]
    params["bands"] = {"TL1": 1}
    params["leave"] = {"sakit": {"mode": "days_in_month", "table": [[1, "25"]]},
                       "besar": "50%"}
    params["bpjs"] = {"on_tpp": "false"}
    params["factor_predikat"] = ["100"]
    problems = problems_of(params)
    assert problems == [
        "components[0]: give an object",
        "components: at least one component (for example beban kerja 100%)",
        "bands: give a list",
        "missing_in_code: 'TL4' is not one of the bands",
        "missing_out_code: 'PSW4' is not one of the bands",
        "leave.sakit.table[0]: give [first day, last day, cut %]",
        "leave.sakit: days_in_month needs a table",
        "leave.besar: give an object",
        "factor_predikat: give an object",
        "bpjs.on_tpp: 'false' is not true or false",
    ]
    assert problems_of([]) == ["the parameters must be an object"]


def test_duplicate_band_codes_and_part_keys_are_refused():
    params = national()
    params["bands"][4]["code"] = "TL1"  # PSW1 renamed TL1: the counts would merge
    params["parts"][1]["key"] = "kinerja"
    params["deduction_base"] = "kinerja"
    params["sanction_base"] = "kinerja"
    problems = problems_of(params)
    assert "bands: the code 'TL1' is used twice" in problems
    assert "parts: the key 'kinerja' is used twice" in problems


def test_leave_table_rows_must_not_overlap():
    params = national()
    params["leave"]["sakit"]["table"] = [[1, 5, "0"], [3, 14, "25"], [15, None, "50"]]
    assert problems_of(params) == [
        "leave.sakit.table: the rows from day 1 and from day 3 overlap"]


def test_basic_needs_amounts_and_kelas_1_to_17():
    params = national()
    params["base"] = {}
    assert problems_of(params) == [
        "base: give the basic TPP per kelas (by_kelas) or the reference amounts and the index "
        "(reference_by_kelas, index)"]
    params["base"] = {"by_kelas": {"18": "100", "x": "5"}}
    assert problems_of(params) == ["base.by_kelas: '18' is not a kelas jabatan (1-17)",
                                   "base.by_kelas: 'x' is not a kelas jabatan (1-17)"]


def test_by_kelas_overrides_the_reference_times_index():
    params = {"base": {"reference_by_kelas": {"3": "2354000", "4": "2849000"},
                       "index": "0.59112978", "by_kelas": {"3": "1391519"}}}
    assert rules.basic_by_kelas(params) == {3: 1_391_519, 4: 1_684_129}


def test_the_factor_of_each_kind():
    preset = parse_preset(national())
    kinerja = preset.parts[0]
    assert rules.factor_of(preset, kinerja, person(predikat="butuh_perbaikan")) == (
        75, "butuh_perbaikan")
    assert rules.factor_of(preset, kinerja, person()) == (0, "no evaluation")
    score = rules.Part("k", "K", D(60), "score")
    assert rules.factor_of(preset, score, person(score=D("87.5")))[0] == D("87.5")
    assert rules.factor_of(preset, score, person(score=D("130")))[0] == 100
    assert rules.factor_of(preset, score, person(score=D("-5")))[0] == 0
    minutes = rules.Part("k", "K", D(60), "minutes")
    assert rules.factor_of(preset, minutes, person(verified_minutes=3375))[0] == 50
    assert rules.factor_of(preset, rules.Part("d", "D", D(40), "none"), person()) == (100, "")


def test_no_working_days_or_no_position_pays_nothing():
    preset = parse_preset(national())
    assert compute(preset, person(working_days=0)).net == 0
    result = compute(preset, person(holdings=()))
    assert (result.ceiling, result.kelas, result.gross, result.net) == (0, None, 0, 0)


def test_only_an_acting_post_pays_its_kelas_under_higher_of():
    preset = parse_preset(national())
    result = compute(preset, person(holdings=(Holding(9, 22, acting=True),),
                                    predikat="baik"))
    assert (result.ceiling, result.kelas) == (9_360_000, 9)


def test_holding_days_above_the_month_count_as_the_month():
    preset = parse_preset(national())
    assert compute(preset, person(holdings=(Holding(6, 30),))).ceiling == 5_764_000


def test_explanation_lines_are_plain_data():
    preset = parse_preset(national())
    result = compute(preset, person(predikat="baik", band_days={"TL1": 2}))
    as_dicts = [line.as_dict() for line in result.lines]
    assert as_dicts[0] == {"code": "kelas_6", "label": "kelas 6", "kind": "ceiling",
                           "amount": "5764000", "days": 22, "base": "5764000"}
    tl1 = next(d for d in as_dicts if d["code"] == "TL1")
    assert tl1 == {"code": "TL1", "label": "TL1", "kind": "deduction", "amount": "57640",
                   "days": 2, "pct": "1.0", "base": "5764000",
                   "rule": "TL1 (1-30 min) 0.5% x 2"}
    kinds = [d["kind"] for d in as_dicts]
    assert kinds == ["ceiling", "part", "factor", "part", "deduction", "bpjs", "bpjs", "tax"]


def test_the_sum_of_the_lines_gives_the_gross():
    preset = parse_preset(national())
    result = compute(preset, person(predikat="kurang", band_days={"TL3": 2, "PSW1": 1},
                                    absent_days=2, leave_days={"sakit": 4}))
    parts = sum(line.amount for line in result.lines if line.kind == "part")
    factor = sum(line.amount for line in result.lines if line.kind == "factor")
    cuts = sum(line.amount for line in result.lines if line.kind in ("deduction", "cap"))
    assert parts == result.ceiling
    assert parts - factor == result.payable
    assert result.payable - cuts == result.gross


def test_pph_rate_by_golongan():
    preset = parse_preset(national())
    assert [rules.pph_rate(preset, g) for g in ("I/a", "II/d", "III/b", "iv/e", "IX", "")] == [
        0, 0, 5, 15, 0, 0]
    params = national()
    params["pph21"]["rates"] = {"iii": "5", "default": "2"}
    lower = parse_preset(params)
    assert (rules.pph_rate(lower, "III/a"), rules.pph_rate(lower, "IV/a")) == (5, 2)


def test_month_of_leave_repeats_the_last_month():
    rule = rules.LeaveRule("month_of_leave", by_month=(D(50), D(75), D(90)))
    assert [rules._leave_cut(rule, 5, m, 22) for m in (0, 1, 2, 3, 4, 12)] == [
        50, 50, 75, 90, 90, 90]
    unpaid = rules.LeaveRule("unpaid")
    assert rules._leave_cut(unpaid, 30, 1, 22) == 100
    assert rules._leave_cut(unpaid, 0, 1, 22) == 0


def test_parse_preset_does_not_change_its_input():
    params = national()
    before = copy.deepcopy(params)
    parse_preset(params)
    assert params == before
