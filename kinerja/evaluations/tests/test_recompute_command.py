"""`kinerja recompute --period YYYY-MM|YYYY [--instansi CODE]`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kinerja.core.models import AuditRecord, Instansi
from kinerja.evaluations import batch
from kinerja.evaluations.models import (
    Evaluation,
    IndicatorRealisation,
    RecomputeRun,
    RunStatus,
)
from kinerja.evaluations.tests.test_batch import MONTH, YEAR, World


def run(*args: str) -> str:
    out = StringIO()
    call_command("recompute", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def world(cast):
    found = World(cast)
    pegawai, plan = found.employee("pegawai")
    found.log(pegawai, dt.date(YEAR, MONTH, 3), rhk=plan.rhks[0], quantity=Decimal(4))
    found.plan = plan
    return found


def test_a_month_then_again(world):
    out = run("--period", f"{YEAR}-{MONTH:02d}")
    assert f"recompute kab-uji {MONTH:02d}/{YEAR} (bulanan): evaluations=2 created=2 " in out
    assert "updated=0 realisations_written=2 unchanged=0 locked_skipped=0 seconds=" in out
    assert IndicatorRealisation.objects.get(evaluation__skp=world.plan.skp).prefilled == 4
    recorded = RecomputeRun.objects.get()
    assert (recorded.status, recorded.started_by, recorded.created, recorded.total) == (
        "selesai", None, 2, 2)
    assert (recorded.year, recorded.period_kind, recorded.period_no) == (YEAR, "bulanan", MONTH)
    audit = AuditRecord.objects.filter(action="evaluation.recompute").get()
    assert (audit.actor_id, audit.actor_label) == (None, "system")
    again = run("--period", f"{YEAR}-{MONTH}")
    assert "evaluations=2 created=0 updated=0 realisations_written=0 unchanged=2" in again
    assert AuditRecord.objects.filter(action="evaluation.recompute").count() == 1
    assert RecomputeRun.objects.filter(status="selesai").count() == 2


def test_locked_evaluations_are_counted_as_skipped(world):
    run("--period", f"{YEAR}-{MONTH:02d}")
    Evaluation.objects.filter(skp=world.plan.skp).update(status="ditetapkan")
    out = run("--period", f"{YEAR}-{MONTH:02d}")
    assert "evaluations=1 created=0" in out and "locked_skipped=1" in out


def test_a_month_of_a_quarterly_instansi_is_its_quarter(cast):
    world = World(cast, frequency="triwulan")
    world.employee("pegawai")
    out = run("--period", f"{YEAR}-02")
    assert f"Triwulan I {YEAR} (triwulan): evaluations=2 created=2" in out
    assert Evaluation.objects.filter(period_kind="triwulan", period_no=1).count() == 2


def test_the_year_is_the_annual_evaluation(world):
    run("--period", f"{YEAR}-{MONTH:02d}")
    out = run("--period", str(YEAR))
    assert f"recompute kab-uji {YEAR} (tahunan): evaluations=2 created=2" in out
    annual = IndicatorRealisation.objects.get(evaluation__skp=world.plan.skp,
                                              evaluation__period_kind="tahunan")
    assert annual.prefilled == 4 and annual.target == 12


@pytest.mark.parametrize("period", ["2025-13", "2025-00", "2025/03", "maret", "25-03", ""])
def test_a_bad_period_is_refused(world, period):
    with pytest.raises(CommandError, match="period"):
        run("--period", period)
    assert not RecomputeRun.objects.exists()


def test_the_instansi_must_be_chosen_when_there_are_several(world):
    Instansi.objects.create(code="kab-lain", name="Pemerintah Kabupaten Lain")
    with pytest.raises(CommandError, match="--instansi"):
        run("--period", f"{YEAR}-{MONTH:02d}")
    with pytest.raises(CommandError, match="no instansi with code 'kab-x'"):
        run("--period", f"{YEAR}-{MONTH:02d}", "--instansi", "kab-x")
    assert "evaluations=2" in run("--period", f"{YEAR}-{MONTH:02d}", "--instansi", "kab-uji")
    assert "evaluations=0" in run("--period", f"{YEAR}-{MONTH:02d}", "--instansi", "kab-lain")


def test_a_running_recompute_is_not_started_twice(world):
    with batch.recompute_lock(world.cast.instansi.pk):  # a live run holds the lock
        with pytest.raises(CommandError, match="already running"):
            run("--period", f"{YEAR}-{MONTH:02d}")


def test_a_run_left_running_by_a_dead_process_does_not_block(world):
    stale = RecomputeRun.objects.create(instansi=world.cast.instansi, year=YEAR,
                                        period_kind="bulanan", period_no=MONTH)
    assert "evaluations=2" in run("--period", f"{YEAR}-{MONTH:02d}")
    stale.refresh_from_db()
    assert stale.status == RunStatus.FAILED and "abandoned" in stale.error


def test_a_failure_is_recorded_and_changes_nothing(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(batch, "recompute", broken)
    with pytest.raises(CommandError, match="disk full"):
        run("--period", f"{YEAR}-{MONTH:02d}")
    recorded = RecomputeRun.objects.get()
    assert recorded.status == "gagal" and "disk full" in recorded.error
    assert not Evaluation.objects.exists()


def test_progress_with_verbosity_2(world):
    out = StringIO()
    call_command("recompute", "--period", f"{YEAR}-{MONTH:02d}", verbosity=2, stdout=out)
    assert " read " in out.getvalue() and " done 2/2" in out.getvalue()
