"""The demo's planning data: periods, Perjanjian Kinerja, and SKPs that cascade down the rating
line the application itself resolves, written in bulk with their audit trail."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from kinerja.core.audit import audit_verify
from kinerja.core.models import AuditRecord, PerformanceMonth, PerformanceYear
from kinerja.demo.load import load_demo
from kinerja.demo.plan import build_plan
from kinerja.demo.plans import COMPLETE_OPD, LAST_YEAR_OPDS, build_plans
from kinerja.org.rules import HoldingKind
from kinerja.people.models import INACTIVE_STATUSES, Account, Pegawai, PositionAssignment
from kinerja.people.selectors import atasan_of
from kinerja.plans import services
from kinerja.plans.models import (
    Iku,
    Indicator,
    MonthlyTarget,
    PerilakuExpectation,
    Rhk,
    Skp,
    SkpStatus,
)
from kinerja.plans.selectors import SKP_OBJECT, is_opd_head

TODAY = dt.date(2025, 6, 16)
YEAR = TODAY.year


@pytest.fixture
def demo(db):
    return load_demo(today=TODAY, daily_work=False).instansi


def _current_positions(instansi):
    """person id -> Jabatan of their definitive position on TODAY (newest TMT wins)."""
    rows = (
        PositionAssignment.objects.filter(
            instansi=instansi,
            kind=HoldingKind.DEFINITIF,
            start_date__lte=TODAY,
        )
        .exclude(end_date__lt=TODAY)
        .exclude(pegawai__status__in=INACTIVE_STATUSES)
        .select_related("jabatan")
        .order_by("start_date")
    )
    return {a.pegawai_id: a.jabatan for a in rows}


def test_periods_last_year_closed_this_year_open(demo):
    years = {y.year: y for y in PerformanceYear.objects.filter(instansi=demo)}
    assert set(years) == {YEAR - 1, YEAR}
    this = years[YEAR]
    assert (this.state, this.evaluation_frequency, this.log_deadline_day, this.skp_source) == (
        "open",
        "bulanan",
        5,
        "kinerja",
    )
    assert years[YEAR - 1].state == "closed"
    months = PerformanceMonth.objects.filter(instansi=demo)
    assert months.filter(performance_year=this, state="open").count() == 12
    assert months.filter(performance_year=years[YEAR - 1], state="closed").count() == 12


def test_every_opd_has_a_perjanjian_kinerja_with_sasaran_and_iku(demo):
    from kinerja.org.models import Opd

    opds = Opd.objects.filter(instansi=demo)
    for year in (YEAR - 1, YEAR):
        for opd in opds:
            pk = opd.perjanjian_kinerja.get(year=year)
            sasaran = list(pk.sasaran.all())
            assert 2 <= len(sasaran) <= 3, opd
            for s in sasaran:
                assert 1 <= s.iku.count() <= 2
    iku = Iku.objects.filter(instansi=demo)
    assert {"persen", "indeks"} <= set(iku.values_list("unit", flat=True))
    # realisation of the quarters already over (Q1 by mid-June), none for the ones to come
    this_year = iku.filter(sasaran__perjanjian__year=YEAR)
    assert not this_year.filter(realisation_q1__isnull=True).exists()
    assert not this_year.filter(realisation_q3__isnull=False).exists()
    assert not iku.filter(sasaran__perjanjian__year=YEAR - 1, realisation_q4__isnull=True).exists()
    dinkes = this_year.filter(sasaran__perjanjian__opd__code="DINKES").values_list(
        "indicator", flat=True
    )
    assert all(
        "kesehatan" in t.lower()
        or "imunisasi" in t.lower()
        or "stunting" in t.lower()
        or "kematian" in t.lower()
        or "puskesmas" in t.lower()
        or "tuberkulosis" in t.lower()
        for t in dinkes
    )


def test_at_most_one_open_skp_per_person_and_year_for_their_position(demo):
    skps = Skp.objects.filter(instansi=demo).exclude(status=SkpStatus.CLOSED)
    per_person = Counter(skps.values_list("pegawai_id", "year"))
    assert max(per_person.values()) == 1
    current = _current_positions(demo)
    for skp in skps.filter(year=YEAR):
        assert current[skp.pegawai_id].pk == skp.jabatan_id
        assert skp.form == ("jpt" if skp.jabatan.jenis.startswith("jpt") else "non_jpt")
        assert dt.date(YEAR, 1, 1) <= skp.start_date <= skp.end_date <= dt.date(YEAR, 12, 31)


def test_statuses_cover_the_workflow_and_some_have_no_skp_yet(demo):
    skps = Skp.objects.filter(instansi=demo, year=YEAR)
    statuses = Counter(skps.values_list("status", flat=True))
    assert {"draft", "diajukan", "disetujui", "dikembalikan"} <= set(statuses)
    assert statuses["disetujui"] > sum(statuses.values()) * 0.6  # most are approved
    assert not skps.filter(status="dikembalikan", return_note="").exists()
    assert not skps.filter(status="disetujui", approved_at__isnull=True).exists()
    assert not skps.exclude(status="draft").filter(submitted_at__isnull=True).exists()
    with_position = set(_current_positions(demo))
    assert len(with_position - set(skps.values_list("pegawai_id", flat=True))) >= 2


def test_each_rhk_hangs_from_the_rhk_of_whoever_rates_the_person_today(demo):
    skps = list(
        Skp.objects.filter(instansi=demo, year=YEAR)
        .select_related("pegawai", "jabatan")
        .prefetch_related("rhk__parent__skp", "rhk__iku__sasaran__perjanjian")
    )
    approved = {s.pk for s in skps if s.status == SkpStatus.APPROVED}
    checked = 0
    for skp in skps:
        utama = [r for r in skp.rhk.all() if r.kind == "utama"]
        assert utama, skp
        if is_opd_head(skp.jabatan):
            for rhk in utama:
                assert rhk.iku is not None and rhk.parent is None
                assert rhk.iku.sasaran.perjanjian.opd_id == skp.opd_id
                assert rhk.iku.sasaran.perjanjian.year == YEAR
                if skp.form == "jpt":
                    assert rhk.perspektif
            continue
        linked = [r for r in utama if r.parent is not None]
        if skp.status == SkpStatus.APPROVED:
            assert len(linked) == len(utama), skp  # approved only when all hang from the rater
        if not linked:
            continue
        found = atasan_of(skp.pegawai, TODAY)
        assert found is not None
        for rhk in linked:
            assert rhk.parent.skp.pegawai_id == found.pegawai.pk, (skp.jabatan.name, rhk.text)
            assert rhk.parent.skp_id in approved
            assert rhk.parent.skp.year == YEAR
        if skp.status in (SkpStatus.SUBMITTED, SkpStatus.APPROVED, SkpStatus.RETURNED):
            assert skp.penilai_id == found.pegawai.pk
            assert skp.penilai_jabatan_id == found.jabatan.pk
        checked += 1
    assert checked > 150


def test_acting_officials_and_vacancies_pass_the_link_as_the_rule_says(demo):
    from kinerja.org.models import Jabatan

    def approved_skp_of(jabatan_code):
        return Skp.objects.get(
            instansi=demo, year=YEAR, jabatan__code=jabatan_code, status=SkpStatus.APPROVED
        )

    # Plt: the staff of the vacant Kabid Pelayanan Kesehatan hang from the Sekretaris' RHK for
    # the acting duty.
    plt_post = Jabatan.objects.get(instansi=demo, code="DINKES-B2-K")
    sekretaris = approved_skp_of("DINKES-SEK-K")
    acting = sekretaris.rhk.get(text__contains="selaku Plt Kepala Bidang Pelayanan Kesehatan")
    below = Rhk.objects.filter(skp__year=YEAR, skp__jabatan__supervisor=plt_post)
    assert below.exists()
    assert set(below.values_list("parent_id", flat=True)) == {acting.pk}
    # Plh: the Kabid of the Dinas Perhubungan hang from the Plh (Sekretaris Dishub), who is
    # rated by the Sekda.
    plh_skp = Skp.objects.get(instansi=demo, year=YEAR, jabatan__code="DISHUB-SEK-K")
    kabid = Rhk.objects.filter(
        skp__year=YEAR, skp__jabatan__code__in=["DISHUB-B1-K", "DISHUB-B2-K"], kind="utama"
    ).exclude(parent=None)
    assert kabid.exists() and not kabid.exclude(parent__skp=plh_skp).exists()
    assert (
        not plh_skp.rhk.filter(kind="utama").exclude(parent__skp__jabatan__code="SETDA-K").exists()
    )
    # Vacancy with nobody acting: the staff of the DLH seksi hang from the Kabid's RHK.
    staff = Rhk.objects.filter(
        skp__year=YEAR, skp__jabatan__supervisor__code="DLH-B1-S1-K", kind="utama"
    ).exclude(parent=None)
    assert staff.exists()
    assert not staff.exclude(parent__skp__jabatan__code="DLH-B1-K").exists()


def test_the_complete_opd_cascades_every_iku_down_to_staff_without_orphans(demo):
    skps = Skp.objects.filter(instansi=demo, year=YEAR, opd__code=COMPLETE_OPD)
    assert not skps.filter(status__in=["draft", "dikembalikan"]).exists()
    rhk = {r.pk: r for r in Rhk.objects.filter(skp__in=skps).select_related("skp__jabatan")}
    children = defaultdict(list)
    for r in rhk.values():
        if r.parent_id:
            children[r.parent_id].append(r.pk)
    ikus = list(
        Iku.objects.filter(
            sasaran__perjanjian__opd__code=COMPLETE_OPD, sasaran__perjanjian__year=YEAR
        )
    )
    reached = 0
    for iku in ikus:
        stack = [r.pk for r in rhk.values() if r.iku_id == iku.pk]
        seen = False
        while stack and not seen:
            node = rhk[stack.pop()]
            seen = node.skp.jabatan.jenis in ("pelaksana", "fungsional")
            stack.extend(children[node.pk])
        reached += seen
    assert ikus and reached / len(ikus) == 1.0  # coverage
    # no orphans: every RHK utama climbs to an IKU of this OPD and year
    iku_ids = {i.pk for i in ikus}
    for r in rhk.values():
        if r.kind != "utama":
            continue
        node = r
        while node.parent_id:
            node = rhk[node.parent_id]  # the whole line stays inside the OPD
        assert node.iku_id in iku_ids, r.text
    # everyone in the OPD with a position has an SKP
    people = {p for p, j in _current_positions(demo).items() if j.opd.code == COMPLETE_OPD}
    assert people == set(skps.values_list("pegawai_id", flat=True))
    try:  # the goals tree selector (another helper's work) agrees, when it is there
        from kinerja.plans.goals.tree import goal_tree
    except ImportError:
        return
    tree = goal_tree(skps.first().opd, YEAR)
    assert tree.coverage == 1.0
    assert tree.orphans == []
    assert tree.node_count > len(ikus) + 20


def test_monthly_targets_of_quantities_add_up_to_the_annual_target(demo):
    totals = defaultdict(Decimal)
    months = defaultdict(set)
    for indicator_id, month, target in MonthlyTarget.objects.filter(instansi=demo).values_list(
        "indicator_id", "month", "target"
    ):
        totals[indicator_id] += target
        months[indicator_id].add(month)
    quantities = (
        Indicator.objects.filter(instansi=demo, aspek="kuantitas", target_kind="angka")
        .filter(rhk__skp__status="disetujui")  # the monthly plan follows the approval
        .select_related("rhk__skp")
    )
    assert quantities.count() > 300
    for indicator in quantities:
        assert totals[indicator.pk] == indicator.target_min, indicator.text
        skp = indicator.rhk.skp
        assert months[indicator.pk] == set(range(skp.start_date.month, skp.end_date.month + 1))
    others = Indicator.objects.filter(instansi=demo).exclude(aspek="kuantitas")
    assert not MonthlyTarget.objects.filter(indicator__in=others).exists()


def test_indicators_perilaku_and_lampiran(demo):
    indicators = Indicator.objects.filter(instansi=demo)
    kinds = Counter(indicators.values_list("target_kind", flat=True))
    assert kinds["angka"] and kinds["rentang"] and kinds["kualitatif"]
    assert not indicators.filter(target_kind="rentang", target_max__lt=1).exists()
    assert not indicators.filter(target_kind="kualitatif", target_text="").exists()
    skps = Skp.objects.filter(instansi=demo)
    perilaku = PerilakuExpectation.objects.filter(instansi=demo)
    assert perilaku.count() == 7 * skps.count()
    assert perilaku.exclude(expectation="").exists()
    assert Rhk.objects.filter(instansi=demo, kind="tambahan").exists()
    approved = skps.filter(status="disetujui")
    assert approved.filter(lampiran__kind="konsekuensi").distinct().count() == approved.count()


def test_plan_writes_are_in_the_audit_trail_and_the_chain_verifies(demo):
    records = AuditRecord.objects.filter(instansi=demo, object_type=SKP_OBJECT)
    actions = Counter(records.values_list("action", flat=True))
    skps = Skp.objects.filter(instansi=demo)
    # one record per SKP, named after the step that brought it to its state
    assert records.count() == skps.count()
    assert actions["skp.create"] == skps.filter(status="draft").count()
    assert actions["skp.submit"] == skps.filter(status="diajukan").count()
    assert actions["skp.approve"] == skps.filter(status="disetujui").count()
    assert actions["skp.return"] == skps.filter(status="dikembalikan").count()
    one = skps.filter(status="disetujui").first()
    record = records.get(object_id=str(one.pk))
    assert record.changes["status"] == [None, "disetujui"]
    assert record.context["steps"] == ["create", "submit", "approve"]
    assert record.context["generator"] == "kinerja.demo"
    assert record.actor_id is None  # written by the system, on the person's behalf
    assert AuditRecord.objects.filter(instansi=demo, action="perjanjian.create").exists()
    assert AuditRecord.objects.filter(instansi=demo, action="period.year_close").count() == 1
    assert audit_verify(demo).ok


def test_last_years_skps_let_someone_start_from_last_year(demo):
    last = Skp.objects.filter(instansi=demo, year=YEAR - 1)
    assert last.exists()
    assert set(last.values_list("status", flat=True)) == {"disetujui"}
    assert set(last.values_list("opd__code", flat=True)) <= set(LAST_YEAR_OPDS)
    logins = AuditRecord.objects.get(instansi=demo, action="demo.load").context["logins"]
    nip = logins["pegawai_tanpa_skp"][0]
    pegawai = Pegawai.objects.get(nip=nip)
    assert not Skp.objects.filter(pegawai=pegawai, year=YEAR).exists()
    source = Skp.objects.get(pegawai=pegawai, year=YEAR - 1)
    account = Account.objects.get(pegawai=pegawai)
    copied = services.skp_copy_from(actor=account, source=source, year=YEAR)
    assert copied.year == YEAR and copied.rhk.count() == source.rhk.count()


def test_reset_replaces_the_plans(demo):
    first = Skp.objects.filter(instansi=demo).count()
    load_demo(today=TODAY, reset=True, seed=2, employees=200)
    assert Skp.objects.filter(instansi=demo).count() < first
    assert PerformanceYear.objects.filter(instansi=demo).count() == 2
    assert (
        not Skp.objects.filter(instansi=demo)
        .exclude(pegawai__in=Pegawai.objects.filter(instansi=demo))
        .exists()
    )
    assert audit_verify(demo).ok


def test_same_seed_same_plans():
    demo = build_plan(employees=300, seed=4, today=TODAY)

    def fingerprint(plans):
        return (
            [(s.person, s.status, s.start) for s in plans.skps],
            [(r.text, r.parent, r.iku) for r in plans.rhk],
            [(i.text, i.target_min) for i in plans.indicators],
        )

    assert fingerprint(build_plans(demo, seed=4)) == fingerprint(build_plans(demo, seed=4))
    assert fingerprint(build_plans(demo, seed=4)) != fingerprint(build_plans(demo, seed=5))


@pytest.mark.parametrize("employees", [150, 2500])
def test_small_and_larger_pemda_still_cascade(employees):
    demo = build_plan(employees=employees, seed=3, today=TODAY)
    plans = build_plans(demo, seed=3)
    statuses = Counter(s.status for s in plans.skps if s.year == YEAR)
    assert {"draft", "diajukan", "disetujui", "dikembalikan"} <= set(statuses)
    skp_status = {s.idx: s.status for s in plans.skps}
    for rhk in plans.rhk:
        if rhk.parent is not None:
            assert skp_status[plans.rhk[rhk.parent].skp] == "disetujui"
