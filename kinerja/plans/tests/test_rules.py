"""Planning rules: table tests from the regulation's own enumerations plus properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.plans import rules
from kinerja.plans.rules import IndicatorDraft, LinkTarget, RhkDraft


def test_berakhlak_has_seven_values_with_three_guides_each():
    assert list(rules.BERAKHLAK.values()) == [
        "Berorientasi Pelayanan", "Akuntabel", "Kompeten", "Harmonis", "Loyal", "Adaptif",
        "Kolaboratif",
    ]
    assert len(rules.PANDUAN_PERILAKU) == 21
    for value in rules.BERAKHLAK:
        assert len(rules.guides_of(value)) == 3


@pytest.mark.parametrize(
    ("jenis", "form"),
    [("jpt_pratama", "jpt"), ("jpt_madya", "jpt"), ("administrator", "non_jpt"),
     ("pengawas", "non_jpt"), ("pelaksana", "non_jpt"), ("fungsional", "non_jpt")],
)
def test_form_follows_the_position(jenis, form):
    assert rules.skp_form_for(jenis) == form


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("draft", "submit", "diajukan"),
        ("dikembalikan", "submit", "diajukan"),
        ("diajukan", "approve", "disetujui"),
        ("diajukan", "return", "dikembalikan"),
        ("disetujui", "revise", "draft"),
        ("draft", "approve", None),
        ("draft", "return", None),
        ("disetujui", "submit", None),
        ("disetujui", "approve", None),
        ("ditutup", "submit", None),
        ("ditutup", "revise", None),
    ],
)
def test_workflow_transitions(status, action, after):
    assert rules.next_status(status, action) == after


@pytest.mark.parametrize(
    ("target", "supervisor", "expected"),
    [
        (LinkTarget(2, "disetujui", 2026), 2, None),
        (LinkTarget(3, "disetujui", 2026), 2, "link_not_supervisor"),
        (LinkTarget(2, "disetujui", 2026), None, "link_not_supervisor"),
        (LinkTarget(2, "diajukan", 2026), 2, "link_not_approved"),
        (LinkTarget(2, "draft", 2026), 2, "link_not_approved"),
        (LinkTarget(2, "disetujui", 2025), 2, "link_other_year"),
        (LinkTarget(1, "disetujui", 2026), 2, "link_self"),
    ],
)
def test_link_refusals(target, supervisor, expected):
    assert rules.link_refusal(target=target, year=2026, supervisor_id=supervisor,
                              own_id=1) == expected


NUMBER = IndicatorDraft("kuantitas", "Jumlah laporan", "angka", Decimal(12), unit="laporan")


@pytest.mark.parametrize(
    ("indicator", "problem"),
    [
        (NUMBER, None),
        (IndicatorDraft("kuantitas", "x", "angka", None, unit="laporan"), "target_number_required"),
        (IndicatorDraft("kuantitas", "x", "angka", Decimal(3), unit=" "), "target_number_required"),
        (IndicatorDraft("kuantitas", "x", "angka", Decimal(-1), unit="x"), "target_negative"),
        (IndicatorDraft("kualitas", "x", "rentang", Decimal(80), Decimal(90), unit="%"), None),
        (IndicatorDraft("kualitas", "x", "rentang", Decimal(90), Decimal(80), unit="%"),
         "target_range_order"),
        (IndicatorDraft("kualitas", "x", "rentang", Decimal(90), None, unit="%"),
         "target_range_required"),
        (IndicatorDraft("kualitas", "x", "kualitatif", target_text="Tanpa temuan BPK"), None),
        (IndicatorDraft("kualitas", "x", "kualitatif"), "target_text_required"),
    ],
)
def test_targets(indicator, problem):
    assert rules.target_problem(indicator) == problem


def test_submission_problems_for_staff_and_heads():
    linked = RhkDraft("utama", "Arsip tertata", has_parent=True, indicators=(NUMBER,))
    unlinked = RhkDraft("utama", "Arsip tertata", indicators=(NUMBER,))
    extra = RhkDraft("tambahan", "Panitia", indicators=(NUMBER,))
    assert rules.submission_problems(form="non_jpt", is_opd_head=False, has_supervisor=True,
                                     rhk=[linked, extra]) == []
    assert [p.code for p in rules.submission_problems(
        form="non_jpt", is_opd_head=False, has_supervisor=True, rhk=[unlinked])] == [
        "rhk_needs_parent"]
    assert [p.code for p in rules.submission_problems(
        form="non_jpt", is_opd_head=False, has_supervisor=True, rhk=[extra])] == [
        "no_rhk_utama"]
    head = RhkDraft("utama", "Akreditasi", has_iku=True, perspektif="proses_bisnis",
                    indicators=(NUMBER,))
    assert rules.submission_problems(form="jpt", is_opd_head=True, has_supervisor=False,
                                     rhk=[head]) == []
    assert {p.code for p in rules.submission_problems(
        form="jpt", is_opd_head=True, has_supervisor=False,
        rhk=[RhkDraft("utama", "Akreditasi", indicators=(NUMBER,))])} == {
        "rhk_needs_iku", "rhk_needs_perspektif"}


@pytest.mark.parametrize(
    ("aspek", "kind", "monthly", "problem"),
    [
        ("kuantitas", "angka", [1] * 12, None),
        ("kuantitas", "angka", [1] * 11 + [2], "monthly_sum_mismatch"),
        ("kuantitas", "angka", [12] + [None] * 11, None),
        ("kuantitas", "angka", [13, -1] + [0] * 10, "monthly_negative"),
        ("kualitas", "angka", [90] * 12, None),  # levels are not summed
        ("kuantitas", "kualitatif", [None] * 12, None),
    ],
)
def test_monthly_totals(aspek, kind, monthly, problem):
    values = [Decimal(m) if m is not None else None for m in monthly]
    assert rules.monthly_total_problem(aspek=aspek, target_kind=kind, annual=Decimal(12),
                                       monthly=values) == problem


@given(
    annual=st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False,
                       allow_infinity=False),
    first=st.integers(min_value=1, max_value=12),
    data=st.data(),
)
def test_spread_evenly_adds_up_and_never_goes_negative(annual, first, data):
    last = data.draw(st.integers(min_value=first, max_value=12))
    months = list(range(first, last + 1))
    plan = rules.spread_evenly(annual, months)
    assert sorted(plan) == months
    assert sum(plan.values()) == annual
    assert all(v >= 0 for v in plan.values())
    assert rules.monthly_total_problem(aspek="kuantitas", target_kind="angka", annual=annual,
                                       monthly=list(plan.values())) is None


@given(st.sampled_from(list(rules.TRANSITIONS)), st.sampled_from(
    ["draft", "diajukan", "disetujui", "dikembalikan", "ditutup"]))
def test_nothing_leaves_a_closed_skp_and_approval_needs_a_submission(action, status):
    after = rules.next_status(status, action)
    if status == "ditutup":
        assert after is None
    if after == "disetujui":
        assert status == "diajukan"
