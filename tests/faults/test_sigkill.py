"""SIGKILL in the middle of the monthly recompute and of the TPP computation, then run again:
the killed run leaves nothing behind, blocks nothing, and the rerun gives exactly the results of
an undisturbed run (every evaluation and realisation, every TPP line with its digest, the
month's totals). The commands run as real subprocesses against the test database; see
bench/_faults.py for how "in the middle" is shown. One test for both batches: they share the
demo Pemda, whose load is most of the time (a transactional test flushes after each test).
"""

from __future__ import annotations

import datetime as dt

import pytest

from bench import _faults as faults

TODAY = dt.date(2026, 11, 20)
EMPLOYEES = 150  # the demo's smallest Pemda; its load is most of this test's time
RECOMPUTE_PERIOD = "2026-11"  # the demo's current month: draft evaluations, verified logs
TPP_PERIOD = "2026-10"  # computed by the demo, not approved


@pytest.fixture
def demo(transactional_db):
    from kinerja.demo.load import load_demo

    return load_demo(today=TODAY, employees=EMPLOYEES).instansi


def _pause(connection) -> float:
    # PostgreSQL: per statement, so the killed backend's own rollback comes soon after the
    # kill; SQLite: per row, the victim is killed within the first one.
    return 3.0 if connection.vendor == "postgresql" else 1.0


def test_sigkill_midway_then_rerun_gives_the_undisturbed_results(demo, tmp_path):
    from django.db import connection

    from kinerja.allowances import services as tpp_services
    from kinerja.allowances.batch import Month
    from kinerja.core.audit import audit_verify
    from kinerja.core.models import AuditRecord
    from kinerja.evaluations import batch
    from kinerja.evaluations.models import RunStatus

    env = faults.cli_env(tmp_path)
    clock = faults.Clock()
    inst = demo.pk
    spec = batch.period_for_month(inst, 2026, 11)

    # --- The recompute ---------------------------------------------------------------------
    batch.recompute(inst, spec)  # the demo's state becomes the recompute's own
    settled = faults.evaluation_results(inst, spec)
    clock.mark("settle recompute")
    spoiled = faults.disturb_evaluations(inst, spec)
    assert spoiled["evaluations deleted"] >= 20 and spoiled["evaluations spoiled"] >= 10, spoiled
    disturbed = faults.evaluation_results(inst, spec)
    assert disturbed != settled
    batch.recompute(inst, spec)
    reference = faults.evaluation_results(inst, spec)
    clock.mark("reference recompute")
    assert reference == settled, faults.first_difference(settled, reference)
    assert len(reference["evaluations"]) >= 100 and len(reference["realisations"]) >= 300

    faults.disturb_evaluations(inst, spec)
    assert faults.evaluation_results(inst, spec) == disturbed
    audits = AuditRecord.objects.filter(action="evaluation.recompute").count()
    args = ["recompute", "--period", RECOMPUTE_PERIOD]
    with faults.slow_statement("evaluations_evaluation", "UPDATE", _pause(connection)):
        kill = faults.kill_when(args, env, faults.probe_recompute(inst))
        faults.wait_victim_gone()
    print(f"recompute killed after {kill.seconds:.1f} s: {kill.evidence}")
    after_kill = faults.evaluation_results(inst, spec)
    clock.mark("killed recompute")
    assert after_kill == disturbed, (kill.evidence,
                                     faults.first_difference(disturbed, after_kill))
    left = faults.recompute_runs(inst)[-1]
    assert left[1] == RunStatus.RUNNING  # the killed process never closed its run

    out = faults.run_cli(args, env)  # allowed at once: the killed run's lock died with it
    clock.mark("rerun recompute")
    assert "abandoned" in out, out
    rerun = faults.evaluation_results(inst, spec)
    assert rerun == reference, faults.first_difference(reference, rerun)
    runs = dict((pk, (status, error)) for pk, status, _phase, error in faults.recompute_runs(inst))
    assert runs[left[0]][0] == RunStatus.FAILED and "abandoned" in runs[left[0]][1]
    assert list(runs.values())[-1][0] == RunStatus.DONE
    # One audit record for the one run that committed, none for the killed one.
    assert AuditRecord.objects.filter(action="evaluation.recompute").count() == audits + 1

    # --- The TPP month -----------------------------------------------------------------------
    month = Month(2026, 10)
    tpp_services.month_compute(actor=None, instansi_id=inst, month=month)
    settled_tpp = faults.tpp_results(inst, month)
    clock.mark("settle tpp")
    spoiled = faults.disturb_tpp(inst, month)
    assert spoiled["lines deleted"] >= 40 and spoiled["lines spoiled"] >= 20, spoiled
    disturbed_tpp = faults.tpp_results(inst, month)
    tpp_services.month_compute(actor=None, instansi_id=inst, month=month)
    reference_tpp = faults.tpp_results(inst, month)
    clock.mark("reference tpp")
    assert reference_tpp == settled_tpp, faults.first_difference(settled_tpp, reference_tpp)
    assert len(reference_tpp["lines"]) >= EMPLOYEES * 0.9

    faults.disturb_tpp(inst, month)
    assert faults.tpp_results(inst, month) == disturbed_tpp
    audits = AuditRecord.objects.filter(action="tpp.compute").count()
    args = ["tpp", "compute", "--period", TPP_PERIOD]
    with faults.slow_statement("allowances_tppmonth", "UPDATE", _pause(connection)):
        kill = faults.kill_when(args, env, faults.probe_tpp())
        faults.wait_victim_gone()
    print(f"TPP killed after {kill.seconds:.1f} s: {kill.evidence}")
    after_kill = faults.tpp_results(inst, month)
    clock.mark("killed tpp")
    assert after_kill == disturbed_tpp, (kill.evidence,
                                         faults.first_difference(disturbed_tpp, after_kill))

    faults.run_cli(args, env)
    clock.mark("rerun tpp")
    rerun_tpp = faults.tpp_results(inst, month)
    assert rerun_tpp == reference_tpp, faults.first_difference(reference_tpp, rerun_tpp)
    assert AuditRecord.objects.filter(action="tpp.compute").count() == audits + 1

    result = audit_verify(demo)
    assert result.ok, result.problems
    print(clock)
