"""The recompute (kinerja.evaluations.batch): its guarantees (idempotent, all-or-nothing, locked
evaluations untouched, a fixed number of queries) and what it derives (pre-fill from verified
logs and finished assignments, period targets, quarterly and annual periods, a mutation's two
SKPs, the score by each built-in method).

The data are written straight with the ORM in a past month (March 2025), not through the
services, so that every case is exact and the tests stay fast."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kinerja.activities.models import Activity, Assignment
from kinerja.core.models import AuditRecord, PerformanceYear
from kinerja.evaluations import batch
from kinerja.evaluations.batch import period_for_month, period_spec, recompute
from kinerja.evaluations.models import (
    Evaluation,
    EvaluationPolicy,
    IndicatorRealisation,
    ScoreMethod,
)
from kinerja.org.models import Jabatan
from kinerja.people.models import Pegawai
from kinerja.plans.models import Indicator, MonthlyTarget, Rhk, Skp
from kinerja.testing import Cast

YEAR, MONTH = 2025, 3
D = dt.date
YEAR_START, YEAR_END = D(YEAR, 1, 1), D(YEAR, 12, 31)
CLOSED_ON, CREATED_ON = D(YEAR, MONTH, 20), D(YEAR, MONTH, 1)


def at(day: dt.date, hour: int = 15) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


@dataclass
class Plan:
    skp: Skp
    rhks: list[Rhk] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


class World:
    """One instansi (the cast's), its year 2025, the atasan's approved SKP with one RHK, and
    helpers to add people, SKPs, RHK, indicators, logs and assignments."""

    def __init__(self, cast: Cast, frequency: str = "bulanan") -> None:
        self.cast = cast
        self.instansi_id = cast.instansi.pk
        PerformanceYear.objects.create(
            instansi=cast.instansi, year=YEAR, evaluation_frequency=frequency
        )
        self.boss = cast.people["atasan"]
        self.boss_plan = self.skp(self.boss, cast.positions["kasubag"])
        self.boss_rhk = self.rhk(self.boss_plan, "Dukungan umum")
        self.indicator(self.boss_rhk, target=Decimal(24), unit="kegiatan")
        self._seq = 0

    @property
    def spec(self) -> batch.PeriodSpec:
        return period_for_month(self.instansi_id, YEAR, MONTH)

    def person(self, name: str) -> Pegawai:
        self._seq += 1
        return Pegawai.objects.create(
            instansi_id=self.instansi_id, nip=f"19900101{self._seq:010d}", name=name,
            gender="L", birth_date=D(1990, 1, 1),
        )

    def skp(self, pegawai: Pegawai, jabatan: Jabatan, *, start: dt.date = YEAR_START,
            end: dt.date = YEAR_END, status: str = "disetujui") -> Plan:
        skp = Skp.objects.create(
            instansi_id=self.instansi_id, pegawai=pegawai, jabatan=jabatan,
            opd=jabatan.opd, year=YEAR, start_date=start, end_date=end, form="non_jpt",
            status=status, approved_at=at(D(YEAR, 1, 10)),
        )
        return Plan(skp)

    def rhk(self, plan: Plan, text: str, *, parent: Rhk | None = None,
            kind: str = "utama") -> Rhk:
        rhk = Rhk.objects.create(
            instansi_id=self.instansi_id, skp=plan.skp, kind=kind, text=text, parent=parent,
            order=len(plan.rhks) + 1,
        )
        plan.rhks.append(rhk)
        return rhk

    def indicator(self, rhk: Rhk, *, target: Decimal | None = Decimal(12),
                  target_max: Decimal | None = None, unit: str = "Dokumen",
                  aspek: str = "kuantitas", kind: str = "angka",
                  monthly: dict[int, Decimal | None] | None = None) -> Indicator:
        ind = Indicator.objects.create(
            instansi_id=self.instansi_id, rhk=rhk, aspek=aspek, text=f"Jumlah {unit}",
            target_kind=kind, target_min=target, target_max=target_max, unit=unit,
        )
        for month, value in (monthly or {}).items():
            MonthlyTarget.objects.create(instansi_id=self.instansi_id, indicator=ind,
                                         month=month, target=value)
        return ind

    def employee(self, name: str, *, monthly: dict[int, Decimal | None] | None = None,
                 jabatan: str = "pengadministrasi") -> tuple[Pegawai, Plan]:
        """A person with an approved SKP: one RHK serving the atasan's, one indicator in
        "Dokumen" (annual target 12)."""
        pegawai = self.cast.people.get(name) or self.person(name)
        plan = self.skp(pegawai, self.cast.positions[jabatan])
        rhk = self.rhk(plan, f"Surat tertata {name}", parent=self.boss_rhk)
        plan.indicators.append(self.indicator(rhk, monthly=monthly))
        return pegawai, plan

    def log(self, pegawai: Pegawai, day: dt.date, *, rhk: Rhk | None = None,
            assignment: Assignment | None = None, quantity: Decimal | int = 1,
            unit: str = "dokumen", minutes: int = 60,
            status: str = "diverifikasi") -> Activity:
        return Activity.objects.create(
            instansi_id=self.instansi_id, pegawai=pegawai, date=day, minutes=minutes,
            description="Kegiatan", output_quantity=Decimal(quantity), output_unit=unit,
            rhk=rhk, assignment=assignment, status=status,
            verified_at=at(day) if status == "diverifikasi" else None,
        )

    def assignment(self, assignee: Pegawai, *, status: str = "selesai",
                   closed: dt.date | None = CLOSED_ON,
                   created: dt.date = CREATED_ON) -> Assignment:
        found = Assignment.objects.create(
            instansi_id=self.instansi_id, batch=uuid.uuid4(), assigner=self.boss,
            assignee=assignee, rhk=self.boss_rhk, title="Tugas", due_date=D(YEAR, MONTH, 25),
            status=status, closed_at=at(closed) if closed else None,
        )
        Assignment.objects.filter(pk=found.pk).update(created_at=at(created, 8))
        return found

    def evaluation(self, plan: Plan, spec: batch.PeriodSpec | None = None) -> Evaluation:
        spec = spec or self.spec
        return Evaluation.objects.get(skp=plan.skp, period_kind=spec.kind,
                                      period_no=spec.number)

    def real(self, plan: Plan, indicator: Indicator,
             spec: batch.PeriodSpec | None = None) -> IndicatorRealisation:
        return IndicatorRealisation.objects.get(evaluation=self.evaluation(plan, spec),
                                                indicator=indicator)


EVAL_COLUMNS = ("skp_id", "status", "score", "score_method", "breakdown", "verified_minutes",
                "matrix_predikat", "predikat", "computed_at", "start_date", "end_date")
REAL_COLUMNS = ("evaluation__skp_id", "indicator_id", "rhk_id", "countable", "target",
                "target_max", "prefilled", "log_count", "log_minutes", "assignment_count",
                "realisation", "capaian", "nilai")


def snapshot(instansi_id: int, spec: batch.PeriodSpec, *, times: bool = True) -> Any:
    """Every derived value of a period's evaluations, keyed by SKP and indicator (not by id,
    so that two runs from scratch compare)."""
    evals = batch.evaluations_of_period(instansi_id, spec)
    columns = EVAL_COLUMNS if times else tuple(c for c in EVAL_COLUMNS if c != "computed_at")
    return (
        sorted(evals.values_list(*columns)),
        sorted(IndicatorRealisation.objects.filter(evaluation__in=evals).values_list(
            *REAL_COLUMNS)),
    )


@pytest.fixture
def world(cast: Cast) -> World:
    return World(cast)


# --- Guarantees ---------------------------------------------------------------------------------


def test_second_run_changes_nothing(world):
    pegawai, plan = world.employee("pegawai")
    world.log(pegawai, D(YEAR, MONTH, 3), rhk=plan.rhks[0], quantity=2)
    world.assignment(pegawai)
    spec = world.spec
    first = recompute(world.instansi_id, spec)
    assert first.changed and first.created == 2 and first.evaluations == 2
    before, audits = snapshot(world.instansi_id, spec), AuditRecord.objects.count()
    second = recompute(world.instansi_id, spec)
    assert not second.changed, second
    assert (second.created, second.updated, second.realisations_written) == (0, 0, 0)
    assert second.unchanged == 2
    assert AuditRecord.objects.count() == audits
    assert snapshot(world.instansi_id, spec) == before


def test_a_change_is_recorded_once_in_the_audit_trail(world):
    pegawai, plan = world.employee("pegawai")
    spec = world.spec
    recompute(world.instansi_id, spec)
    audits = AuditRecord.objects.count()
    world.log(pegawai, D(YEAR, MONTH, 4), rhk=plan.rhks[0], quantity=3)
    result = recompute(world.instansi_id, spec)
    assert (result.updated, result.realisations_written, result.unchanged) == (1, 1, 1)
    assert AuditRecord.objects.count() == audits + 1
    record = AuditRecord.objects.order_by("-pk").first()
    assert record.action == "evaluation.recompute"
    assert record.object_id == f"{YEAR}/bulanan/{MONTH}"


class _Undo(Exception):
    pass


def _writes_of_a_run(instansi_id: int, spec: batch.PeriodSpec) -> int:
    """How many write statements an undisturbed run executes (rolled back after)."""
    counter = _FailAtWrite(0)
    with pytest.raises(_Undo), transaction.atomic(), connection.execute_wrapper(counter):
        recompute(instansi_id, spec)
        raise _Undo
    return counter.seen


def _fail_at(where: str, writes: int) -> int:
    return {"first": 1, "middle": writes // 2 + 1, "last": writes}[where]


class _FailAtWrite:
    """Raise on the n-th write statement (INSERT, UPDATE, DELETE) the connection executes."""

    def __init__(self, n: int) -> None:
        self.n, self.seen = n, 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "WITH"):
            self.seen += 1
            if self.seen == self.n:
                raise RuntimeError("simulated crash")
        return execute(sql, params, many, context)


def _two_people_with_work(world: World) -> dict[str, Any]:
    pegawai, plan = world.employee("pegawai")
    pegawai2, plan2 = world.employee("pegawai2")
    world.log(pegawai, D(YEAR, MONTH, 3), rhk=plan.rhks[0], quantity=2)
    world.log(pegawai2, D(YEAR, MONTH, 4), rhk=plan2.rhks[0], quantity=5, minutes=90)
    return {"pegawai": (pegawai, plan), "pegawai2": (pegawai2, plan2)}


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_crash_while_creating_leaves_nothing(world, where):
    _two_people_with_work(world)
    spec = world.spec
    fail_at = _fail_at(where, _writes_of_a_run(world.instansi_id, spec))
    assert snapshot(world.instansi_id, spec) == ([], [])
    with pytest.raises(RuntimeError), connection.execute_wrapper(_FailAtWrite(fail_at)):
        recompute(world.instansi_id, spec)
    assert snapshot(world.instansi_id, spec) == ([], [])
    recompute(world.instansi_id, spec)
    assert len(snapshot(world.instansi_id, spec)[1]) == 3


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_crash_while_updating_leaves_the_old_results(world, where):
    people = _two_people_with_work(world)
    spec = world.spec
    recompute(world.instansi_id, spec)
    old = snapshot(world.instansi_id, spec)
    audits = AuditRecord.objects.count()
    for _who, (pegawai, plan) in people.items():
        world.log(pegawai, D(YEAR, MONTH, 10), rhk=plan.rhks[0], quantity=4, minutes=45)
    fail_at = _fail_at(where, _writes_of_a_run(world.instansi_id, spec))
    assert snapshot(world.instansi_id, spec) == old
    with pytest.raises(RuntimeError), connection.execute_wrapper(_FailAtWrite(fail_at)):
        recompute(world.instansi_id, spec)
    assert snapshot(world.instansi_id, spec) == old
    assert AuditRecord.objects.count() == audits
    # Run again: the same as an undisturbed run from scratch.
    again = recompute(world.instansi_id, spec)
    assert again.updated == 2 and again.realisations_written == 2
    after_crash = snapshot(world.instansi_id, spec, times=False)
    IndicatorRealisation.objects.filter(evaluation__instansi_id=world.instansi_id).delete()
    Evaluation.objects.filter(instansi_id=world.instansi_id).delete()
    recompute(world.instansi_id, spec)
    assert snapshot(world.instansi_id, spec, times=False) == after_crash
    pegawai, plan = people["pegawai"]
    assert world.real(plan, plan.indicators[0]).prefilled == 6


def test_finalised_evaluations_are_not_touched(world):
    people = _two_people_with_work(world)
    spec = world.spec
    recompute(world.instansi_id, spec)
    pegawai, plan = people["pegawai"]
    locked = world.evaluation(plan)
    Evaluation.objects.filter(pk=locked.pk).update(status="ditetapkan")
    before = snapshot(world.instansi_id, spec)
    for _who, (person, person_plan) in people.items():
        world.log(person, D(YEAR, MONTH, 11), rhk=person_plan.rhks[0], quantity=7)
    result = recompute(world.instansi_id, spec)
    assert (result.skipped_locked, result.evaluations, result.updated) == (1, 2, 1)
    after = snapshot(world.instansi_id, spec)
    locked_rows = [r for r in after[1] if r[0] == plan.skp.pk]
    assert locked_rows == [r for r in before[1] if r[0] == plan.skp.pk]
    assert [e for e in after[0] if e[0] == plan.skp.pk] == [
        e for e in before[0] if e[0] == plan.skp.pk
    ]
    pegawai2, plan2 = people["pegawai2"]
    assert world.real(plan2, plan2.indicators[0]).prefilled == 12


def test_an_evaluation_opened_meanwhile_is_left_to_its_own_recompute(world, monkeypatch):
    """evaluation_start opens the pegawai's evaluation while the whole-instansi run is
    computing: the run skips it (no duplicate, no error) and creates the others."""
    people = _two_people_with_work(world)
    pegawai, plan = people["pegawai"]
    spec = world.spec
    write = batch._write

    def opened_meanwhile(*args, **kwargs):
        monkeypatch.setattr(batch, "_write", write)
        batch.ensure_evaluations(world.instansi_id, spec, [plan.skp.pk])
        mine = world.evaluation(plan)
        recompute(world.instansi_id, spec, evaluation_ids=[mine.pk], create=False)
        return write(*args, **kwargs)

    monkeypatch.setattr(batch, "_write", opened_meanwhile)
    result = recompute(world.instansi_id, spec)
    assert result.created == 2 and result.evaluations == 3
    assert Evaluation.objects.filter(skp=plan.skp).count() == 1
    assert world.real(plan, plan.indicators[0]).prefilled == 2
    assert not recompute(world.instansi_id, spec).changed


def test_a_fixed_number_of_queries_whatever_the_number_of_people(world):
    def add_people(names: list[str], month: int) -> None:
        for name in names:
            pegawai, plan = world.employee(name)
            world.log(pegawai, D(YEAR, month, 3), rhk=plan.rhks[0], quantity=2)
            world.log(pegawai, D(YEAR, month, 4), rhk=plan.rhks[0], unit="surat")
            world.assignment(pegawai, closed=D(YEAR, month, 20))

    def count(month: int) -> tuple[int, int]:
        spec = period_spec(YEAR, "bulanan", month)
        with CaptureQueriesContext(connection) as first:
            recompute(world.instansi_id, spec)
        with CaptureQueriesContext(connection) as second:
            recompute(world.instansi_id, spec)
        return len(first.captured_queries), len(second.captured_queries)

    recompute(world.instansi_id, period_spec(YEAR, "bulanan", 1))  # the audit chain's first
    add_people(["pegawai"], 3)
    small = count(3)  # 2 evaluations: the atasan's and the pegawai's
    add_people(["pegawai2", "p3", "p4", "p5"], 4)
    large = count(4)  # 6 evaluations
    assert small == large


# --- What is derived ----------------------------------------------------------------------------


def test_prefill_counts_verified_logs_in_the_indicator_unit(world):
    pegawai, plan = world.employee("pegawai")
    rhk = plan.rhks[0]
    for unit, quantity, status in [
        ("dokumen", 2, "diverifikasi"),
        ("DOKUMEN", 3, "diverifikasi"),
        ("  Dokumen ", 4, "diverifikasi"),
        ("surat", 50, "diverifikasi"),  # another unit
        ("dokumen", 100, "diajukan"),  # not verified yet
        ("dokumen", 100, "draft"),
        ("dokumen", 100, "dikembalikan"),
    ]:
        world.log(pegawai, D(YEAR, MONTH, 5), rhk=rhk, quantity=quantity, unit=unit,
                  minutes=30, status=status)
    world.log(pegawai, D(YEAR, MONTH - 1, 27), rhk=rhk, quantity=100)  # another month
    ind2 = world.indicator(rhk, unit="Laporan  Bulanan")
    world.log(pegawai, D(YEAR, MONTH, 6), rhk=rhk, quantity=1, unit="laporan bulanan")
    world.log(pegawai, D(YEAR, MONTH, 6), rhk=rhk, quantity=2, unit="LAPORAN   BULANAN")
    recompute(world.instansi_id, world.spec)
    real = world.real(plan, plan.indicators[0])
    assert (real.prefilled, real.log_count, real.log_minutes) == (9, 3, 90)
    assert real.countable and real.assignment_count == 0
    real2 = world.real(plan, ind2)
    assert (real2.prefilled, real2.log_count, real2.log_minutes) == (3, 2, 120)
    # Verified minutes count every verified log of the period, whatever it served.
    assert world.evaluation(plan).verified_minutes == 30 * 4 + 120


def test_qualitative_and_non_quantity_indicators_are_not_prefilled(world):
    pegawai, plan = world.employee("pegawai")
    rhk = plan.rhks[0]
    quality = world.indicator(rhk, aspek="kualitas", unit="dokumen")
    text = world.indicator(rhk, kind="kualitatif", target=None, unit="dokumen")
    world.log(pegawai, D(YEAR, MONTH, 5), rhk=rhk, quantity=2)
    recompute(world.instansi_id, world.spec)
    assert world.real(plan, plan.indicators[0]).prefilled == 2
    for ind in (quality, text):
        real = world.real(plan, ind)
        assert not real.countable and real.prefilled is None and real.log_count == 0


def test_logs_on_an_assignment_count_for_the_rhk_serving_its_rhk(world):
    pegawai, plan = world.employee("pegawai")
    other = world.rhk(plan, "Arsip tertata")  # serves nothing
    world.indicator(other, unit="dokumen")
    task = world.assignment(pegawai, status="dikerjakan", closed=None)
    world.log(pegawai, D(YEAR, MONTH, 5), assignment=task, quantity=4, minutes=40)
    world.log(pegawai, D(YEAR, MONTH, 6), assignment=task, quantity=1, unit="surat")
    recompute(world.instansi_id, world.spec)
    real = world.real(plan, plan.indicators[0])
    assert (real.prefilled, real.log_count, real.log_minutes, real.assignment_count) == (
        4, 1, 40, 0)
    assert world.real(plan, other.indicators.get()).prefilled == 0


def test_finished_assignments_count_when_no_log_measured_the_work(world):
    pegawai, plan = world.employee("pegawai")
    pegawai2, plan2 = world.employee("pegawai2")
    for who in (pegawai, pegawai2):
        world.assignment(who)
        world.assignment(who, closed=D(YEAR, MONTH, 31))
        world.assignment(who, closed=D(YEAR, MONTH - 1, 28), created=D(YEAR, 2, 1))  # earlier
        world.assignment(who, status="dikerjakan", closed=None)  # not finished
        world.assignment(who, status="dibatalkan")  # cancelled
    world.log(pegawai2, D(YEAR, MONTH, 5), rhk=plan2.rhks[0], quantity=7)
    recompute(world.instansi_id, world.spec)
    real = world.real(plan, plan.indicators[0])
    assert (real.prefilled, real.assignment_count, real.log_count) == (2, 2, 0)
    real2 = world.real(plan2, plan2.indicators[0])
    assert (real2.prefilled, real2.assignment_count, real2.log_count) == (7, 2, 1)


def test_monthly_targets_or_a_twelfth_of_the_annual_target(world):
    pegawai, plan = world.employee("pegawai", monthly={MONTH: Decimal(7), MONTH + 1: Decimal(9)})
    rhk = plan.rhks[0]
    even = world.indicator(rhk, target=Decimal(30), unit="laporan")
    ranged = world.indicator(rhk, target=Decimal(12), target_max=Decimal(18), kind="rentang",
                             unit="berkas")
    unplanned = world.indicator(rhk, target=Decimal(24), unit="surat",
                                monthly={MONTH: None, MONTH + 1: Decimal(5)})
    world.log(pegawai, D(YEAR, MONTH, 5), rhk=rhk, quantity=7)
    recompute(world.instansi_id, world.spec)
    assert (world.real(plan, plan.indicators[0]).target, world.real(plan, plan.indicators[0])
            .capaian) == (7, 100)
    assert world.real(plan, even).target == Decimal("2.50")
    real = world.real(plan, ranged)
    assert (real.target, real.target_max) == (1, Decimal("1.50"))
    assert world.real(plan, unplanned).target == 2


def test_quarterly_evaluations(cast):
    world = World(cast, frequency="triwulan")
    spec = world.spec
    assert (spec.kind, spec.number, spec.months) == ("triwulan", 1, (1, 2, 3))
    pegawai, plan = world.employee("pegawai", monthly={1: Decimal(2), 2: Decimal(3)})
    even = world.indicator(plan.rhks[0], target=Decimal(12), unit="laporan")
    world.log(pegawai, D(YEAR, 1, 15), rhk=plan.rhks[0], quantity=2, minutes=100)
    world.log(pegawai, D(YEAR, 3, 10), rhk=plan.rhks[0], quantity=4, minutes=200)
    world.log(pegawai, D(YEAR, 4, 1), rhk=plan.rhks[0], quantity=50)  # the next quarter
    recompute(world.instansi_id, spec)
    real = world.real(plan, plan.indicators[0])
    assert (real.target, real.prefilled, real.log_count) == (5, 6, 2)
    assert real.capaian == 120
    assert world.real(plan, even).target == 3
    evaluation = world.evaluation(plan)
    assert (evaluation.start_date, evaluation.end_date) == (D(YEAR, 1, 1), D(YEAR, 3, 31))
    assert evaluation.verified_minutes == 300


def test_the_annual_evaluation_sums_the_periodic_realisations(world):
    pegawai, plan = world.employee("pegawai")
    ind = plan.indicators[0]
    world.log(pegawai, D(YEAR, 1, 6), rhk=plan.rhks[0], quantity=2, minutes=30)
    world.log(pegawai, D(YEAR, 2, 6), rhk=plan.rhks[0], quantity=3, minutes=40)
    world.log(pegawai, D(YEAR, 3, 6), rhk=plan.rhks[0], quantity=4, minutes=50)
    for month in (1, 2, 3):
        recompute(world.instansi_id, period_spec(YEAR, "bulanan", month))
    # The employee corrected February's figure (with a note, through the service).
    IndicatorRealisation.objects.filter(
        evaluation=world.evaluation(plan, period_spec(YEAR, "bulanan", 2)), indicator=ind
    ).update(realisation=Decimal(5), note="Dua dokumen tidak dicatat")
    annual = period_spec(YEAR, "tahunan", 0)
    result = recompute(world.instansi_id, annual)
    assert result.created == 2
    real = world.real(plan, ind, annual)
    assert (real.target, real.prefilled, real.log_count, real.log_minutes) == (12, 11, 3, 120)
    evaluation = world.evaluation(plan, annual)
    assert evaluation.verified_minutes == 120
    assert (evaluation.start_date, evaluation.end_date) == (D(YEAR, 1, 1), D(YEAR, 12, 31))
    assert not recompute(world.instansi_id, annual).changed


def test_a_mutation_splits_the_logs_of_the_month_by_date(world):
    pegawai = world.cast.people["pegawai"]
    old = world.skp(pegawai, world.cast.positions["pengadministrasi"], end=D(YEAR, MONTH, 15),
                    status="ditutup")
    old_rhk = world.rhk(old, "Surat lama", parent=world.boss_rhk)
    old_ind = world.indicator(old_rhk)
    new = world.skp(pegawai, world.cast.positions["pengelola"], start=D(YEAR, MONTH, 16))
    new_rhk = world.rhk(new, "Rujukan baru")
    new_ind = world.indicator(new_rhk)
    world.log(pegawai, D(YEAR, MONTH, 10), rhk=old_rhk, quantity=3, minutes=60)
    world.log(pegawai, D(YEAR, MONTH, 20), rhk=new_rhk, quantity=4, minutes=60)
    world.log(pegawai, D(YEAR, MONTH, 21), rhk=old_rhk, quantity=9, minutes=30)  # after moving
    spec = world.spec
    recompute(world.instansi_id, spec)
    first, second = world.evaluation(old), world.evaluation(new)
    assert (first.start_date, first.end_date) == (D(YEAR, MONTH, 1), D(YEAR, MONTH, 15))
    assert (second.start_date, second.end_date) == (D(YEAR, MONTH, 16), D(YEAR, MONTH, 31))
    assert (first.verified_minutes, second.verified_minutes) == (60, 90)
    assert world.real(old, old_ind).prefilled == 3
    assert world.real(new, new_ind).prefilled == 4
    # The first evaluation finalised: a late log of its days stays out of the second one.
    Evaluation.objects.filter(pk=first.pk).update(status="ditetapkan")
    world.log(pegawai, D(YEAR, MONTH, 12), rhk=old_rhk, quantity=5, minutes=45)
    result = recompute(world.instansi_id, spec)
    assert result.skipped_locked == 1 and not result.changed
    recompute(world.instansi_id, spec, evaluation_ids=[second.pk], create=False)
    second.refresh_from_db()
    assert second.verified_minutes == 90 and world.real(new, new_ind).prefilled == 4


def test_one_evaluation_alone_gets_the_same_figures(world):
    people = _two_people_with_work(world)
    pegawai, plan = people["pegawai"]
    world.assignment(pegawai)
    spec = world.spec
    recompute(world.instansi_id, spec)
    whole = snapshot(world.instansi_id, spec, times=False)
    IndicatorRealisation.objects.filter(evaluation__instansi_id=world.instansi_id).update(
        prefilled=None, log_count=0, capaian=None)
    Evaluation.objects.filter(instansi_id=world.instansi_id).update(verified_minutes=0,
                                                                     score=None)
    for evaluation in batch.evaluations_of_period(world.instansi_id, spec):
        recompute(world.instansi_id, spec, evaluation_ids=[evaluation.pk], create=False)
    assert snapshot(world.instansi_id, spec, times=False) == whole


def test_an_indicator_moved_to_another_skp_moves_its_realisation(world):
    pegawai, plan = world.employee("pegawai")
    pegawai2, plan2 = world.employee("pegawai2")
    moved = world.indicator(plan.rhks[0], unit="laporan")
    world.log(pegawai2, D(YEAR, MONTH, 5), rhk=plan2.rhks[0], quantity=3, unit="laporan")
    spec = world.spec
    recompute(world.instansi_id, spec)
    assert world.real(plan, moved).prefilled == 0
    Indicator.objects.filter(pk=moved.pk).update(rhk=plan2.rhks[0])
    result = recompute(world.instansi_id, spec)
    assert result.realisations_written == 2  # deleted from one evaluation, created in the other
    assert not IndicatorRealisation.objects.filter(evaluation=world.evaluation(plan),
                                                   indicator=moved).exists()
    assert world.real(plan2, moved).prefilled == 3
    assert not recompute(world.instansi_id, spec).changed


# --- Scores by each built-in method -----------------------------------------------------------


def _scored_world(world: World) -> tuple[Pegawai, Plan]:
    """Two RHK utama (9 of 10: capaian 90%; 5 of 4: 125%) and an RHK tambahan (1 of 10),
    300 verified minutes; rated sesuai / di atas."""
    pegawai, plan = world.employee("pegawai", monthly={MONTH: Decimal(10)})
    second = world.rhk(plan, "Laporan", parent=world.boss_rhk)
    world.indicator(second, unit="laporan", monthly={MONTH: Decimal(4)})
    extra = world.rhk(plan, "Tambahan", kind="tambahan")
    world.indicator(extra, unit="kegiatan", monthly={MONTH: Decimal(10)})
    for quantity in (3, 3, 3):
        world.log(pegawai, D(YEAR, MONTH, 5), rhk=plan.rhks[0], quantity=quantity)
    world.log(pegawai, D(YEAR, MONTH, 6), rhk=second, quantity=5, unit="laporan")
    world.log(pegawai, D(YEAR, MONTH, 7), rhk=extra, quantity=1, unit="kegiatan")
    recompute(world.instansi_id, world.spec)
    Evaluation.objects.filter(skp=plan.skp).update(hasil_rating="sesuai",
                                                   perilaku_rating="di_atas")
    return pegawai, plan


@pytest.mark.parametrize(("key", "expected"), [
    # mean over RHK utama of nilai capaian IKI: 90% -> 70 + (90 - 80) x 19/19 = 80; 125% ->
    # above 110%: 120; (80 + 120) / 2.
    ("capaian-iki-8-2021", Decimal("100.00")),
    # 300 verified minutes of 6,750: 4.444...
    ("menit-kerja-6750", Decimal("4.44")),
    # sesuai x di atas -> Baik -> 100 (Peraturan BKN 3/2023).
    ("konversi-angka-kredit", Decimal("100.00")),
    # per RHK (all kinds) RO/TO capped at 120: 90, 120, 10 -> nilai SKP 73.33; perilaku di
    # atas is 91; 60% x 73.33 + 40% x 91 = 43.998 + 36.4.
    ("skp-pp46-2011", Decimal("80.40")),
])
def test_score_by_each_builtin_method(world, key, expected):
    method = ScoreMethod.objects.get(instansi__isnull=True, key=key)
    EvaluationPolicy.objects.create(instansi_id=world.instansi_id, score_method=method)
    pegawai, plan = _scored_world(world)
    recompute(world.instansi_id, world.spec)
    evaluation = world.evaluation(plan)
    assert evaluation.score == expected, evaluation.breakdown
    assert evaluation.score_method == key and evaluation.breakdown["method"] == key
    assert evaluation.matrix_predikat == evaluation.predikat == "baik"


def test_switching_the_method_rescores_on_the_next_run(world):
    pegawai, plan = _scored_world(world)
    recompute(world.instansi_id, world.spec)
    assert world.evaluation(plan).score == Decimal("100.00")
    method = ScoreMethod.objects.get(instansi__isnull=True, key="konversi-angka-kredit")
    EvaluationPolicy.objects.create(instansi_id=world.instansi_id, score_method=method)
    result = recompute(world.instansi_id, world.spec)
    assert result.updated == 2  # the atasan's too (method name in the breakdown)
    assert world.evaluation(plan).score == Decimal("100.00")
    assert world.evaluation(plan).score_method == "konversi-angka-kredit"


def test_text_with_tabs_backslashes_and_accents_survives_the_bulk_writes(world):
    name = 'Métode "khusus"\tbaru \\ Pemda\nSelatan'
    method = ScoreMethod.objects.create(
        instansi_id=world.instansi_id, key="khusus", name=name, kind="work_minutes",
        params={"standard_minutes_per_month": 6000, "cap": 120},
    )
    EvaluationPolicy.objects.create(instansi_id=world.instansi_id, score_method=method)
    pegawai, plan = world.employee("pegawai")
    world.log(pegawai, D(YEAR, MONTH, 5), rhk=plan.rhks[0], minutes=600)
    spec = world.spec
    assert recompute(world.instansi_id, spec).created == 2
    evaluation = world.evaluation(plan)
    assert evaluation.breakdown["method_name"] == name
    assert evaluation.score == 10 and evaluation.score_method == "khusus"
    assert not recompute(world.instansi_id, spec).changed
    ScoreMethod.objects.filter(pk=method.pk).update(name=name + ' {"x": [1]} \\\\')
    assert recompute(world.instansi_id, spec).updated == 2
    assert world.evaluation(plan).breakdown["method_name"] == name + ' {"x": [1]} \\\\'
    assert not recompute(world.instansi_id, spec).changed


def test_the_cyclic_garbage_collector_resumes_after_a_run_and_after_a_crash(world):
    import gc

    _two_people_with_work(world)
    recompute(world.instansi_id, world.spec)
    assert gc.isenabled()
    with pytest.raises(RuntimeError), connection.execute_wrapper(_FailAtWrite(1)):
        recompute(world.instansi_id, period_spec(YEAR, "bulanan", MONTH + 1))
    assert gc.isenabled()


def test_a_period_that_does_not_exist_is_a_clear_error():
    with pytest.raises(ValueError, match="period 13 of 2026 does not exist"):
        period_spec(2026, "bulanan", 13)
    with pytest.raises(ValueError, match="period 5 of 2026 does not exist"):
        period_spec(2026, "triwulan", 5)
