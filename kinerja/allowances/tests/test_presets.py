"""The built-in TPP templates against ../shared/domain/RULES.md section 2 (every number as data
with its source), and versions: a preset edit never changes an approved month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kinerja.allowances import presets
from kinerja.allowances.batch import Month, compute_month
from kinerja.allowances.models import TppLine, TppMonth, TppPresetVersion
from kinerja.allowances.presets import TEMPLATES, template_params
from kinerja.allowances.rules import parse_preset
from kinerja.allowances.services import (
    ensure_default_preset,
    month_approve,
    preset_install,
    preset_version_create,
)
from kinerja.allowances.testing import MONTH
from kinerja.core.errors import Conflict

D = Decimal


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_is_a_valid_preset_with_its_sources(key):
    info = TEMPLATES[key]
    assert info["name"] and info["legal_reference"]
    preset = parse_preset(template_params(key))
    assert sum(p.pct for p in preset.parts) == 100
    # the (P)/(U) choices say where they come from
    for name in ("base", "parts", "bands", "leave", "sanctions", "bpjs", "pph21", "plt"):
        assert preset.sources.get(name), (key, name)
    assert preset.max_cut_pct == 100  # TKPKN monthly cap (RULES.md 2.4 B)
    assert (preset.bpjs_employee_pct, preset.bpjs_employer_pct, preset.bpjs_ceiling) == (
        1, 4, 12_000_000)  # RULES.md 2.7 (C)


def test_permentan_bands_are_the_rules_table():
    # RULES.md 2.4 preset A: TL1 1 to <31 0.5%, TL2 31 to <61 1%, TL3 61 to <91 1.5%,
    # TL4 >91 or no check-in 2%; PSW the same
    preset = parse_preset(template_params("nasional"))
    table = [(b.code, b.applies_to, b.low, b.high, preset.band_pct[b.code])
             for b in preset.bands]
    assert table == [
        ("TL1", "late", 1, 30, D("0.5")), ("TL2", "late", 31, 60, 1),
        ("TL3", "late", 61, 90, D("1.5")), ("TL4", "late", 91, None, 2),
        ("PSW1", "early", 1, 30, D("0.5")), ("PSW2", "early", 31, 60, 1),
        ("PSW3", "early", 61, 90, D("1.5")), ("PSW4", "early", 91, None, 2),
    ]
    assert (preset.missing_in_code, preset.missing_out_code) == ("TL4", "PSW4")
    assert preset.absence_pct == 4


def test_permentan_leave_table_as_cuts():
    # RULES.md 2.6: paid 100% / 50-25-10% / 50-25% / sakit 100-75-50% -> cut 0 / 50-75-90 /
    # 50-75 / 0-25-50
    leave = parse_preset(template_params("nasional")).leave
    assert leave["tahunan"].mode == "none"
    assert leave["besar"].by_month == (50, 75, 90)
    assert leave["alasan_penting"].by_month == (50, 75)
    assert leave["sakit"].table == ((1, 2, 0), (3, 14, 25), (15, None, 50))
    assert leave["cltn"].mode == "unpaid"
    assert leave["melahirkan"].mode == "none"


def test_pp_94_2021_sanctions_cut_25_percent():
    sanctions = parse_preset(template_params("nasional")).sanctions
    assert {k: sanctions[k] for k in ("potong_tunjangan_6", "potong_tunjangan_9",
                                      "potong_tunjangan_12")} == {
        "potong_tunjangan_6": 25, "potong_tunjangan_9": 25, "potong_tunjangan_12": 25}
    assert sanctions["pemberhentian_sementara"] == 100


def test_regional_templates_carry_their_numbers():
    kepahiang = parse_preset(template_params("kepahiang_2025"))
    assert [(p.key, p.pct, p.factor) for p in kepahiang.parts] == [
        ("kinerja", 60, "predikat"), ("disiplin", 40, "none")]
    assert (kepahiang.deduction_base, kepahiang.factor_missing) == ("disiplin", 0)
    ogan_ilir = parse_preset(template_params("ogan_ilir_2023"))
    assert (ogan_ilir.absence_pct, ogan_ilir.no_log_pct) == (3, 3)
    assert ogan_ilir.leave["besar"].mode == "per_day" and ogan_ilir.leave["besar"].pct == 3
    deli = parse_preset(template_params("deli_serdang"))
    assert [(p.key, p.pct, p.factor) for p in deli.parts] == [
        ("kehadiran", 30, "none"), ("skp", 20, "predikat"), ("laporan_harian", 50, "minutes")]
    assert deli.deduction_base == "kehadiran"
    lubuklinggau = parse_preset(template_params("lubuklinggau_2022"))
    beban, kondisi, prestasi = lubuklinggau.components
    assert (beban.pct, dict(beban.pct_by_kelas)) == (25, {4: 40, 3: 40, 2: 50, 1: 50})
    assert (kondisi.pct, kondisi.kelas, kondisi.budget_holder) == (20, frozenset({14, 15}), True)
    # beban kerja + prestasi kerja = the basic TPP for every kelas
    for kelas in range(1, 16):
        assert beban.pct_by_kelas.get(kelas, beban.pct) + prestasi.pct_by_kelas.get(
            kelas, prestasi.pct) == 100


def test_template_params_are_copies():
    params = template_params("nasional")
    params["bands"][0]["pct"] = "50"
    params["leave"]["sakit"]["table"][0][2] = "99"
    assert presets.NATIONAL["bands"][0]["pct"] == "0.5"
    assert template_params("nasional")["leave"]["sakit"]["table"][0][2] == "0"
    assert template_params("kepahiang_2025")["bands"][0]["pct"] == "0.5"


def test_ensure_default_preset_installs_the_national_frame_once(cast):
    first = ensure_default_preset(cast.instansi.pk)
    assert (first.template, first.is_active) == ("nasional", True)
    assert ensure_default_preset(cast.instansi.pk) == first
    version = TppPresetVersion.objects.get(preset=first)
    assert (version.number, version.params) == (1, template_params("nasional"))


def test_two_installs_of_a_template_get_their_own_keys(cast):
    one = preset_install(actor=cast.admin_bkpsdm, template="ogan_ilir_2023")
    two = preset_install(actor=cast.admin_bkpsdm, template="ogan_ilir_2023")
    assert (one.key, two.key) == ("ogan_ilir_2023", "ogan_ilir_2023-2")
    assert not one.is_active


def test_a_preset_edit_never_changes_an_approved_month(tpp):
    october = compute_month(tpp.instansi.pk, MONTH, actor=tpp.admin_bkpsdm).month
    month_approve(actor=tpp.admin_bkpsdm, tpp_month=october)
    lines = list(TppLine.objects.filter(month=october).order_by("pk").values_list(
        "pegawai_id", "gross", "net", "digest"))
    params = template_params("nasional")
    params["absence_pct_per_day"] = "5"
    params["parts"][0]["factor"] = "none"
    with pytest.raises(Conflict) as caught:
        preset_version_create(actor=tpp.admin_bkpsdm, preset=tpp.preset, params=params,
                              effective_from=dt.date(2026, 10, 1))
    assert caught.value.code == "month_approved"
    version = preset_version_create(actor=tpp.admin_bkpsdm, preset=tpp.preset, params=params,
                                    effective_from=dt.date(2026, 11, 1))
    assert version.number == 2
    october.refresh_from_db()
    assert october.version.number == 1
    assert list(TppLine.objects.filter(month=october).order_by("pk").values_list(
        "pegawai_id", "gross", "net", "digest")) == lines
    november = compute_month(tpp.instansi.pk, Month(2026, 11), actor=tpp.admin_bkpsdm).month
    assert november.version_id == version.pk
    assert TppMonth.objects.get(pk=october.pk).version.number == 1
