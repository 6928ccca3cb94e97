"""Every worked example of ../shared/domain/RULES.md section 2 (TPP) as a table test with its
expected rupiah. The expected figures are worked out by hand here (the arithmetic is in the
comments or written as an expression), never copied from what the code prints.

Sections: 2.2 base per kelas (Lubuklinggau 2022) and its criteria split; 2.3 the performance
and discipline split (Kepahiang 60/40, Deli Serdang 30/20/50); 2.4 lateness, early leave and
absence (Permentan 68/2012, Kemenkeu TKPKN, Ogan Ilir); 2.5 PP 94/2021 sanctions; 2.6 leave
(Permentan 68/2012, Kemenag); 2.7 BPJS Kesehatan and PPh 21; 2.8 the cap. The PP 94/2021 day
table and the band edges in minutes are in kinerja/attendance/tests/test_rules.py.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from kinerja.allowances import rules
from kinerja.allowances.presets import PERMENTAN_BANDS, PERMENTAN_LEAVE, template_params
from kinerja.allowances.rules import Holding, PersonMonth, compute, parse_preset, round_to

D = Decimal
ITPP = D("0.59112978")


def flat(tpp: str = "5000000", kelas: int = 7, **changes: Any) -> rules.Preset:
    """A preset paying one known amount in full (one component, one part without a
    performance factor) with the Permentan 68/2012 tables: the cuts read straight off it."""
    params: dict[str, Any] = {
        "base": {"by_kelas": {str(kelas): tpp}},
        "components": [{"key": "tpp", "pct": "100"}],
        "parts": [{"key": "tpp", "pct": "100", "factor": "none"}],
        "bands": copy.deepcopy(PERMENTAN_BANDS),
        "missing_in_code": "TL4",
        "missing_out_code": "PSW4",
        "absence_pct_per_day": "4",
        "leave": copy.deepcopy(PERMENTAN_LEAVE),
        "sanctions": {"potong_tunjangan_6": "25", "potong_tunjangan_9": "25",
                      "potong_tunjangan_12": "25"},
        "max_cut_pct": "100",
        "bpjs": {"employee_pct": "1", "employer_pct": "4", "ceiling": "12000000",
                 "on_tpp": True},
        "pph21": {"mode": "borne_by_apbd", "rates": {"III": "5", "IV": "15", "default": "0"}},
    }
    params.update(changes)
    return parse_preset(params)


def person(kelas: int = 7, days: int = 22, working_days: int = 22, **fields: Any) -> PersonMonth:
    fields.setdefault("golongan", "III/a")
    return PersonMonth(pegawai_id=1, asn_type=fields.pop("asn_type", "PNS"),
                       status=fields.pop("status", "aktif"), working_days=working_days,
                       holdings=fields.pop("holdings", (Holding(kelas, days),)), **fields)


def cut_of(result: rules.TppResult, code: str) -> Decimal:
    return next(line.amount for line in result.lines if line.code == code)


# --- 2.2 Base per kelas: Kota Lubuklinggau 2022, reference x ITPP 0.59112978 ------------------

# kelas: (reference "RP.BPK", basic TPP) exactly as the SK's table in RULES.md 2.2
LUBUKLINGGAU = {
    15: (29_286_000, 17_311_827), 14: (22_295_000, 13_179_238), 13: (20_010_000, 11_828_507),
    12: (16_000_000, 9_458_076), 11: (12_370_000, 7_312_275), 10: (10_760_000, 6_360_556),
    9: (9_360_000, 5_532_975), 8: (7_523_000, 4_447_069), 7: (6_633_000, 3_920_964),
    6: (5_764_000, 3_407_272), 5: (4_807_000, 2_841_561), 4: (2_849_000, 1_684_129),
    3: (2_354_000, 1_391_519), 2: (1_947_000, 1_150_930), 1: (1_540_000, 910_340),
}

# RULES.md 2.2: 2,354,000 x 0.59112978 = 1,391,519.502 rounds to 1,391,520, but the SK prints
# 1,391,519: the SK's index has more digits than the 8 printed (every row of the table holds for
# an index in [0.5911297719, 0.5911297791)). The preset carries the printed amount for kelas 3.


@pytest.mark.parametrize("kelas", sorted(LUBUKLINGGAU, reverse=True))
def test_lubuklinggau_basic_tpp_is_the_reference_times_itpp(kelas):
    reference, basic = LUBUKLINGGAU[kelas]
    preset = parse_preset(template_params("lubuklinggau_2022"))
    # e.g. kelas 15: 29,286,000 x 0.59112978 = 17,311,826.737 -> 17,311,827
    assert (D(reference) * ITPP).quantize(D(1)) == basic or kelas == 3
    assert preset.basic[kelas] == basic
    # a non budget holder's ceiling is the whole basic TPP (25% + 75%, 40% + 60%, 50% + 50%)
    assert compute(preset, person(kelas, predikat="baik")).ceiling == basic


def test_the_whole_sk_table_holds_with_the_index_to_nine_digits():
    params = {"base": {"reference_by_kelas": {str(k): str(r) for k, (r, _b) in
                                              LUBUKLINGGAU.items()}, "index": "0.591129775"}}
    assert rules.basic_by_kelas(params) == {k: D(b) for k, (_r, b) in LUBUKLINGGAU.items()}


# beban kerja = 25% of the basic TPP; kelas 4 and 3: 40%; kelas 2 and 1: 50% (RULES.md 2.2)
BEBAN_KERJA = [
    (15, 4_327_957),  # 17,311,827 x 25% = 4,327,956.75
    (14, 3_294_810),  # 13,179,238 x 25% = 3,294,809.50 -> half up
    (12, 2_364_519),  # 9,458,076 x 25% = 2,364,519
    (6, 851_818),     # 3,407,272 x 25% = 851,818
    (5, 710_390),     # 2,841,561 x 25% = 710,390.25
    (4, 673_652),     # 1,684,129 x 40% = 673,651.60
    (3, 556_608),     # 1,391,519 x 40% = 556,607.60
    (2, 575_465),     # 1,150,930 x 50% = 575,465
    (1, 455_170),     # 910,340 x 50% = 455,170
]


@pytest.mark.parametrize(("kelas", "rupiah"), BEBAN_KERJA)
def test_lubuklinggau_beban_kerja_share_by_kelas(kelas, rupiah):
    preset = parse_preset(template_params("lubuklinggau_2022"))
    beban = next(c for c in preset.components if c.key == "beban_kerja")
    basic = D(LUBUKLINGGAU[kelas][1])
    assert preset.round(beban.amount(basic, kelas, False)) == rupiah
    assert preset.round(beban.amount(basic, kelas, True)) == rupiah  # for everyone


# kondisi kerja (general) for budget holders (Pengguna Anggaran) of kelas 15 and 14: 20%
KONDISI_KERJA = [
    (15, True, 3_462_365),  # 17,311,827 x 20% = 3,462,365.40
    (14, True, 2_635_848),  # 13,179,238 x 20% = 2,635,847.60
    (15, False, 0),  # not a Pengguna Anggaran
    (14, False, 0),
    (13, True, 0),  # a budget holder in kelas 13: not eligible
    (12, True, 0),
]


@pytest.mark.parametrize(("kelas", "budget_holder", "rupiah"), KONDISI_KERJA)
def test_lubuklinggau_kondisi_kerja_for_pengguna_anggaran_kelas_14_15(kelas, budget_holder,
                                                                       rupiah):
    preset = parse_preset(template_params("lubuklinggau_2022"))
    kondisi = next(c for c in preset.components if c.key == "kondisi_kerja")
    basic = D(LUBUKLINGGAU[kelas][1])
    assert preset.round(kondisi.amount(basic, kelas, budget_holder)) == rupiah
    holder = person(holdings=(Holding(kelas, 22, budget_holder=budget_holder),),
                    predikat="baik")
    # the ceiling: the basic TPP (beban kerja + prestasi kerja) plus kondisi kerja
    assert compute(preset, holder).ceiling == basic + rupiah


def test_kepala_dinas_kelas_15_ceiling_is_120_percent_of_basic():
    preset = parse_preset(template_params("lubuklinggau_2022"))
    result = compute(preset, person(holdings=(Holding(15, 22, budget_holder=True),),
                                    predikat="sangat_baik"))
    # 17,311,827 x (25% + 75% + 20%) = 20,774,192.40
    assert result.ceiling == 20_774_192
    # split 60/40: 12,464,515.44 -> 12,464,515 and 8,309,676.96 -> 8,309,677
    assert [(line.code, line.amount) for line in result.lines if line.kind == "part"] == [
        ("kinerja", 12_464_515), ("disiplin", 8_309_677)]
    assert result.payable == result.gross == 20_774_192
    # BPJS on the Rp12,000,000 ceiling: 120,000 and 480,000; PPh 21 III 5% borne by APBD:
    # 20,774,192 x 5% = 1,038,709.60
    assert (result.bpjs_employee, result.bpjs_employer, result.pph21) == (
        120_000, 480_000, 1_038_710)
    assert result.net == 20_774_192 - 120_000


# --- 2.4 Lateness, early leave, absence: Permentan 68/2012 on a known TPP ---------------------

# (band days, missing check-in, missing check-out, absent days, expected cut on Rp5,000,000)
PERMENTAN_CUTS = [
    ({"TL1": 1}, 0, 0, 0, 25_000),  # 0.5%
    ({"TL2": 1}, 0, 0, 0, 50_000),  # 1%
    ({"TL3": 1}, 0, 0, 0, 75_000),  # 1.5%
    ({"TL4": 1}, 0, 0, 0, 100_000),  # 2%
    ({"PSW1": 1}, 0, 0, 0, 25_000),
    ({"PSW2": 1}, 0, 0, 0, 50_000),
    ({"PSW3": 1}, 0, 0, 0, 75_000),
    ({"PSW4": 1}, 0, 0, 0, 100_000),
    ({}, 1, 0, 0, 100_000),  # no check-in counts TL4: 2%
    ({}, 0, 1, 0, 100_000),  # no check-out counts PSW4: 2%
    ({"TL4": 1}, 2, 1, 0, 400_000),  # TL4 on 3 days (6%) + PSW4 (2%)
    ({}, 0, 0, 1, 200_000),  # absent: 4% a day
    ({}, 0, 0, 3, 600_000),  # 12%
    ({"TL1": 2, "TL3": 1, "PSW2": 1}, 1, 0, 1, 475_000),  # 1 + 1.5 + 1 + 2 + 4 = 9.5%
]


@pytest.mark.parametrize(("bands", "missing_in", "missing_out", "absent", "rupiah"),
                         PERMENTAN_CUTS)
def test_permentan_68_2012_cuts_in_rupiah(bands, missing_in, missing_out, absent, rupiah):
    result = compute(flat(), person(band_days=bands, missing_in=missing_in,
                                    missing_out=missing_out, absent_days=absent))
    assert result.payable == 5_000_000
    assert result.deductions == rupiah
    assert result.gross == 5_000_000 - rupiah


def test_permentan_cuts_on_the_lubuklinggau_kelas_6_basic():
    # basic TPP kelas 6: 3,407,272 (RULES.md 2.2)
    preset = flat("3407272", 6)
    result = compute(preset, person(6, band_days={"TL1": 1, "TL3": 1}, absent_days=1))
    assert cut_of(result, "TL1") == 17_036  # 3,407,272 x 0.5% = 17,036.36
    assert cut_of(result, "TL3") == 51_109  # x 1.5% = 51,109.08
    assert cut_of(result, "tanpa_keterangan") == 136_291  # x 4% = 136,290.88
    assert result.deductions == 17_036 + 51_109 + 136_291
    assert result.gross == 3_407_272 - 204_436


def test_the_line_explains_the_band_days_and_the_percent():
    result = compute(flat(), person(band_days={"TL2": 3}))
    line = next(line for line in result.lines if line.code == "TL2")
    assert (line.days, line.pct, line.base, line.amount) == (3, 3, 5_000_000, 150_000)
    assert line.rule == "TL2 (31-60 min) 1% x 3"


# --- 2.4 preset B: Kemenkeu TKPKN, and the 100% monthly cap (2.8) -----------------------------

TKPKN_BANDS = [
    {"code": "TL1", "applies_to": "late", "low": 1, "high": 30, "pct": "0.5"},
    {"code": "TL2", "applies_to": "late", "low": 31, "high": 60, "pct": "1"},
    {"code": "TL3", "applies_to": "late", "low": 61, "high": 90, "pct": "1.25"},
    {"code": "TL4", "applies_to": "late", "low": 91, "high": None, "pct": "2.5"},
    {"code": "PSW1", "applies_to": "early", "low": 1, "high": 30, "pct": "0.5"},
    {"code": "PSW2", "applies_to": "early", "low": 31, "high": 60, "pct": "1"},
    {"code": "PSW3", "applies_to": "early", "low": 61, "high": 90, "pct": "1.25"},
    {"code": "PSW4", "applies_to": "early", "low": 91, "high": None, "pct": "2.5"},
]


def tkpkn() -> rules.Preset:
    return flat(bands=TKPKN_BANDS, absence_pct_per_day="5",
                leave={"tahunan": {"mode": "none"}})


def test_tkpkn_cuts_in_rupiah():
    # TL3 1.25% + PSW4 2.5% + no check-in (TL4) 2.5% + 2 days not working 2 x 5%
    # = 16.25% of 5,000,000 = 812,500
    result = compute(tkpkn(), person(band_days={"TL3": 1, "PSW4": 1}, missing_in=1,
                                     absent_days=2, leave_days={"tahunan": 3}))
    assert result.deductions == 812_500
    assert "leave_tahunan" not in {line.code for line in result.lines}  # cuti tahunan: 0%


def test_cuts_above_100_percent_stop_at_the_monthly_cap():
    # 21 days not working x 5% = 105% = 5,250,000 on a TPP of 5,000,000
    result = compute(tkpkn(), person(absent_days=21))
    assert cut_of(result, "tanpa_keterangan") == 5_250_000
    assert cut_of(result, "cap") == -250_000
    assert (result.deductions, result.gross, result.bpjs_employee, result.net) == (
        5_000_000, 0, 0, 0)
    # Permentan: 30 days x 4% = 120%, capped at the TPP
    result = compute(flat(), person(absent_days=30))
    assert (result.deductions, result.gross, result.net) == (5_000_000, 0, 0)


def test_a_cap_below_100_percent():
    # 15 days x 4% = 60% = 3,000,000; a cap of 50% keeps 2,500,000
    result = compute(flat(max_cut_pct="50"), person(absent_days=15))
    assert (result.deductions, result.gross) == (2_500_000, 2_500_000)


# --- 2.4 preset C: Kab. Ogan Ilir 2023 --------------------------------------------------------


def test_ogan_ilir_3_percent_a_day_absent_half_percent_a_late_day_and_no_log_as_absent():
    preset = parse_preset(template_params("ogan_ilir_2023"))
    # kelas 6: national reference 5,764,000 x index 1; predikat baik pays the kinerja part
    result = compute(preset, person(6, predikat="baik", band_days={"TL": 3}, missing_in=1,
                                    missing_out=2, absent_days=2, no_log_days=1))
    assert result.payable == 5_764_000
    assert cut_of(result, "TL") == 115_280  # late 3 days + no check-in 1 day = 4 x 0.5% = 2%
    assert cut_of(result, "tanpa_keterangan") == 345_840  # 2 x 3% = 6%
    assert cut_of(result, "no_log") == 172_920  # no daily report 1 day: 3%
    # no cut for a missing check-out in the Ogan Ilir preset
    assert result.deductions == 115_280 + 345_840 + 172_920
    assert result.gross == 5_764_000 - 634_040


def test_ogan_ilir_late_half_percent_whatever_the_minutes():
    preset = parse_preset(template_params("ogan_ilir_2023"))
    assert [(b.code, b.low, b.high) for b in preset.bands] == [("TL", 1, None)]
    assert preset.band_pct["TL"] == D("0.5")


def test_ogan_ilir_cuti_besar_3_percent_a_day():
    preset = parse_preset(template_params("ogan_ilir_2023"))
    result = compute(preset, person(6, predikat="baik", leave_days={"besar": 5}))
    assert cut_of(result, "leave_besar") == 864_600  # 5 x 3% = 15% of 5,764,000


# --- 2.3 Kab. Kepahiang: 60% kinerja, 40% disiplin ---------------------------------------------


def kepahiang() -> rules.Preset:
    return parse_preset(template_params("kepahiang_2025"))


def test_kepahiang_attendance_cuts_come_off_the_40_percent_part():
    # kelas 9: 9,360,000; kinerja 60% = 5,616,000, disiplin 40% = 3,744,000
    result = compute(kepahiang(), person(9, predikat="baik", absent_days=2, band_days={"TL2": 1}))
    assert [(line.code, line.amount) for line in result.lines if line.kind == "part"] == [
        ("kinerja", 5_616_000), ("disiplin", 3_744_000)]
    assert cut_of(result, "tanpa_keterangan") == 299_520  # 2 x 4% of 3,744,000
    assert cut_of(result, "TL2") == 37_440  # 1% of 3,744,000
    assert result.gross == 9_360_000 - 336_960


def test_kepahiang_present_but_not_working_gets_only_the_40_percent_part():
    result = compute(kepahiang(), person(9))  # no evaluation: the kinerja factor is 0
    assert result.payable == result.gross == 3_744_000
    result = compute(kepahiang(), person(9, predikat="butuh_perbaikan"))
    # kinerja paid at 75%: 5,616,000 x 75% = 4,212,000, plus the disiplin part
    assert result.payable == 4_212_000 + 3_744_000


def test_kepahiang_absent_all_month_loses_the_40_percent_part_only():
    # 30 days x 4% = 120% of the disiplin part (4,492,800): the cuts stop at the part
    result = compute(kepahiang(), person(9, predikat="baik", absent_days=30))
    assert cut_of(result, "tanpa_keterangan") == 4_492_800
    assert cut_of(result, "cap_disiplin") == 3_744_000 - 4_492_800
    assert result.deductions == 3_744_000
    assert result.gross == 5_616_000


def test_kepahiang_sanction_is_a_percent_of_the_whole_tpp():
    result = compute(kepahiang(), person(9, predikat="baik",
                                         sanctions=(("potong_tunjangan_6", None),)))
    assert cut_of(result, "sanction_potong_tunjangan_6") == 2_340_000  # 25% of 9,360,000
    assert result.gross == 7_020_000


# --- 2.3 Dinkes Kab. Deli Serdang: kehadiran 30, SKP 20, laporan harian 50 --------------------


def deli_serdang() -> rules.Preset:
    return parse_preset(template_params("deli_serdang"))


def test_deli_serdang_parts_with_the_minutes_factor():
    # kelas 6: 5,764,000; kehadiran 30% = 1,729,200; SKP 20% = 1,152,800 (predikat baik 100%);
    # laporan harian 50% = 2,882,000 x 5,400 / 6,750 minutes (80%) = 2,305,600
    result = compute(deli_serdang(), person(6, predikat="baik", verified_minutes=5400,
                                            band_days={"TL2": 2, "PSW1": 1}))
    assert [(line.code, line.amount) for line in result.lines if line.kind == "part"] == [
        ("kehadiran", 1_729_200), ("skp", 1_152_800), ("laporan_harian", 2_882_000)]
    assert result.payable == 1_729_200 + 1_152_800 + 2_305_600
    # DTW/PTW off the kehadiran part: TL2 2 x 1% = 34,584; PSW1 0.5% = 8,646
    assert cut_of(result, "TL2") == 34_584
    assert cut_of(result, "PSW1") == 8_646
    assert result.gross == 5_187_600 - 43_230
    # BPJS 1% of 5,144,370 = 51,443.70; 4% = 205,774.80; PPh 21 III 5% = 257,218.50 (borne)
    assert (result.bpjs_employee, result.bpjs_employer, result.pph21) == (
        51_444, 205_775, 257_219)
    assert result.net == 5_144_370 - 51_444


@pytest.mark.parametrize(("minutes", "paid"), [
    (6750, 2_882_000),  # the target: 100%
    (9000, 2_882_000),  # more than the target still pays 100%
    (3375, 1_441_000),  # half
    (1, 427),  # 2,882,000 x 1/6,750 = 426.96
    (0, 0),
    (None, 0),  # no verified minutes: factor_missing 0
])
def test_deli_serdang_laporan_harian_follows_the_verified_minutes(minutes, paid):
    result = compute(deli_serdang(), person(6, predikat="baik", verified_minutes=minutes))
    assert result.payable == 1_729_200 + 1_152_800 + paid


# --- 2.5 PP 94/2021 sanctions -----------------------------------------------------------------


@pytest.mark.parametrize("sanction", ["potong_tunjangan_6", "potong_tunjangan_9",
                                      "potong_tunjangan_12"])
def test_pp_94_2021_allowance_cut_is_25_percent(sanction):
    result = compute(flat(), person(sanctions=((sanction, None),)))
    assert cut_of(result, f"sanction_{sanction}") == 1_250_000  # 25% of 5,000,000
    assert result.gross == 3_750_000


def test_a_case_may_set_its_own_cut():
    result = compute(flat(), person(sanctions=(("potong_tunjangan_6", D("30")),)))
    assert result.deductions == 1_500_000
    # a sanction the preset does not price (teguran lisan) cuts nothing
    assert compute(flat(), person(sanctions=(("teguran_lisan", None),))).deductions == 0


# --- 2.6 Leave: Permentan 68/2012 (% paid written as the cut), on Rp5,000,000 -----------------

LEAVE = [
    ("sakit", 1, 1, 0),  # 1-2 days a month: paid 100%
    ("sakit", 2, 1, 0),
    ("sakit", 3, 1, 1_250_000),  # 3-14 days: paid 75%, cut 25%
    ("sakit", 14, 1, 1_250_000),
    ("sakit", 15, 1, 2_500_000),  # 15-30 days: paid 50%
    ("sakit", 22, 1, 2_500_000),
    ("besar", 5, 1, 2_500_000),  # cuti besar month 1: paid 50%
    ("besar", 22, 2, 3_750_000),  # month 2: paid 25%
    ("besar", 22, 3, 4_500_000),  # month 3: paid 10%
    ("alasan_penting", 3, 1, 2_500_000),  # month 1: paid 50%
    ("alasan_penting", 22, 2, 3_750_000),  # month 2: paid 25%
    ("tahunan", 12, 1, 0),  # cuti tahunan: 100%
    ("melahirkan", 22, 1, 0),  # 1st-2nd child: 100%
    ("cltn", 11, 1, 2_500_000),  # unpaid: 11 of 22 working days
    ("cltn", 5, 1, 1_136_364),  # 5,000,000 x 5 / 22 = 1,136,363.64
    ("cltn", 22, 1, 5_000_000),
]


@pytest.mark.parametrize(("kind", "days", "month", "rupiah"), LEAVE)
def test_permentan_68_2012_leave_table(kind, days, month, rupiah):
    result = compute(flat(), person(leave_days={kind: days}, leave_month={kind: month}))
    assert result.deductions == rupiah
    assert result.gross == 5_000_000 - rupiah


def test_cltn_is_prorated_over_the_whole_tpp_not_the_deduction_part():
    # Kepahiang cuts attendance off the 40% part, but unpaid days are not paid at all:
    # 9,360,000 x 11 / 22 = 4,680,000
    result = compute(kepahiang(), person(9, predikat="baik", leave_days={"cltn": 11}))
    assert cut_of(result, "leave_cltn") == 4_680_000


def test_kemenag_alasan_penting_2_5_percent_a_day_after_2_days():
    # PMA 11/2019 Pasal 13: 5 days -> 3 days x 2.5% = 7.5% of 5,000,000
    preset = flat(leave={"alasan_penting": {"mode": "per_day", "pct": "2.5", "free_days": 2}})
    assert compute(preset, person(leave_days={"alasan_penting": 5})).deductions == 375_000
    assert compute(preset, person(leave_days={"alasan_penting": 2})).deductions == 0


# --- 2.7 BPJS Kesehatan and PPh 21 ------------------------------------------------------------

BPJS = [
    ("5000000", 50_000, 200_000),  # 1% and 4% of 5,000,000
    ("12000000", 120_000, 480_000),  # at the ceiling
    ("15000000", 120_000, 480_000),  # above: the base stops at Rp12,000,000
    ("11999999", 120_000, 480_000),  # 119,999.99 and 479,999.96 round half up
    ("1234567", 12_346, 49_383),  # 12,345.67 and 49,382.68
]


@pytest.mark.parametrize(("gross", "employee", "employer"), BPJS)
def test_bpjs_1_percent_employee_4_percent_pemda_up_to_12_million(gross, employee, employer):
    result = compute(flat(gross), person())
    assert result.gross == D(gross)
    assert (result.bpjs_employee, result.bpjs_employer) == (employee, employer)
    assert result.net == D(gross) - employee  # PPh borne by the APBD


def test_bpjs_off_the_tpp_when_the_preset_says_so():
    result = compute(flat(bpjs={"on_tpp": False}), person())
    assert (result.bpjs_employee, result.bpjs_employer, result.net) == (0, 0, 5_000_000)


PPH = [
    # golongan, mode, PPh 21, net (gross 5,000,000, BPJS 50,000)
    ("III/a", "withheld", 250_000, 4_700_000),  # 5%
    ("III/a", "borne_by_apbd", 250_000, 4_950_000),  # shown, paid by the APBD
    ("IV/b", "withheld", 750_000, 4_200_000),  # 15%
    ("IV/b", "borne_by_apbd", 750_000, 4_950_000),
    ("II/c", "withheld", 0, 4_950_000),  # 0%
    ("", "withheld", 0, 4_950_000),  # no golongan: the default rate
]


@pytest.mark.parametrize(("golongan", "mode", "pph", "net"), PPH)
def test_pph21_withheld_or_borne_by_the_apbd_by_golongan(golongan, mode, pph, net):
    preset = flat(pph21={"mode": mode, "rates": {"II": "0", "III": "5", "IV": "15"}})
    result = compute(preset, person(golongan=golongan))
    assert (result.pph21, result.pph21_withheld, result.net) == (pph, mode == "withheld", net)


# --- Rounding ---------------------------------------------------------------------------------

ROUNDING = [
    ("51109.08", "1", "half_up", 51_109), ("51109.08", "1", "down", 51_109),
    ("51109.08", "1", "up", 51_110), ("17036.50", "1", "half_up", 17_037),
    ("17036.50", "1", "down", 17_036), ("3294809.50", "1", "half_up", 3_294_810),
    ("51109.08", "100", "half_up", 51_100), ("51150", "100", "half_up", 51_200),
    ("51109.08", "100", "up", 51_200), ("51199.99", "100", "down", 51_100),
    ("1234567", "1000", "half_up", 1_235_000), ("1234567", "1000", "down", 1_234_000),
    ("1234001", "1000", "up", 1_235_000), ("1234000", "1000", "up", 1_234_000),
]


@pytest.mark.parametrize(("value", "unit", "mode", "rupiah"), ROUNDING)
def test_rounding_modes(value, unit, mode, rupiah):
    assert round_to(D(value), D(unit), mode) == rupiah


def test_rounding_applies_to_every_amount():
    # 3,407,272 x TL3 1.5% = 51,109.08: down 51,109, up 51,110; to Rp1,000 half up the ceiling
    # is 3,407,000 and the cut 3,407,000 x 1.5% = 51,105 -> 51,000
    cases = [({"unit": "1", "mode": "down"}, 3_407_272, 51_109),
             ({"unit": "1", "mode": "up"}, 3_407_272, 51_110),
             ({"unit": "1000", "mode": "half_up"}, 3_407_000, 51_000)]
    for rounding, ceiling, cut in cases:
        result = compute(flat("3407272", 6, rounding=rounding), person(6, band_days={"TL3": 1}))
        assert (result.ceiling, result.deductions) == (ceiling, cut), rounding


# --- Special cases of RULES.md 2.1/2.8 as preset parameters -----------------------------------


def test_new_employee_mid_month_is_prorated_by_working_days():
    # joined on the 12th working day of 22: 11 days of 5,000,000 = 2,500,000
    result = compute(flat(), person(days=11))
    assert result.ceiling == 2_500_000
    # 7 of 22: 5,000,000 x 7 / 22 = 1,590,909.09
    assert compute(flat(), person(days=7)).ceiling == 1_590_909


def test_transfer_mid_month_pays_each_kelas_for_its_days():
    preset = flat(base={"by_kelas": {"7": "4400000", "9": "6600000"}})
    # 10 days in kelas 7 (4,400,000 x 10/22 = 2,000,000), 12 in kelas 9 (6,600,000 x 12/22
    # = 3,600,000)
    result = compute(preset, person(holdings=(Holding(7, 10), Holding(9, 12))))
    assert result.ceiling == 5_600_000
    assert result.kelas == 9  # the kelas held longest


@pytest.mark.parametrize(("mode", "pct", "ceiling"), [
    ("higher_of", "0", 4_400_000 + 1_100_000),  # + (6,600,000 - 4,400,000) x 11/22
    ("own", "0", 4_400_000),
    ("own_plus_pct", "20", 4_400_000 + 660_000),  # + 20% of 6,600,000 x 11/22
])
def test_plt_in_a_higher_kelas(mode, pct, ceiling):
    preset = flat(base={"by_kelas": {"7": "4400000", "9": "6600000"}},
                  plt={"mode": mode, "pct": pct})
    result = compute(preset, person(holdings=(Holding(7, 22), Holding(9, 11, acting=True))))
    assert result.ceiling == ceiling


def test_plt_in_a_lower_kelas_adds_nothing_under_higher_of():
    preset = flat(base={"by_kelas": {"7": "4400000", "9": "6600000"}})
    result = compute(preset, person(holdings=(Holding(9, 22), Holding(7, 22, acting=True))))
    assert result.ceiling == 6_600_000


@pytest.mark.parametrize(("field", "value", "pct", "ceiling"), [
    ("asn_type", "CPNS", "80", 4_000_000),  # CPNS at 80%: 5,000,000 x 80%
    ("status", "diberhentikan_sementara", "0", 0),
    ("status", "tugas_belajar", "50", 2_500_000),
])
def test_asn_type_and_status_percent_of_the_ceiling(field, value, pct, ceiling):
    preset = flat(asn_type_pct={"CPNS": pct} if field == "asn_type" else {},
                  status_pct={value: pct} if field == "status" else {})
    result = compute(preset, person(**{field: value}))
    assert result.payable == ceiling
    assert result.net == max(0, ceiling - ceiling // 100)  # less BPJS 1%
