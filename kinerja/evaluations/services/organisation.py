"""The organisation predikat of an OPD for a period, the evaluation policy, and the recompute
of a period (in the background with progress, or at once)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.runlock import RunLock
from kinerja.evaluations import rules
from kinerja.evaluations.batch import (
    PeriodSpec,
    close_abandoned_runs,
    recompute,
    recompute_lock,
)
from kinerja.evaluations.models import (
    EvaluationPolicy,
    OrgPredikat,
    RecomputeRun,
    RunStatus,
)
from kinerja.evaluations.selectors import may_calibrate, score_methods
from kinerja.org.models import Opd
from kinerja.people.access import instansi_managed_by, scope_for
from kinerja.people.models import Account

log = logging.getLogger(__name__)


@transaction.atomic
def org_predikat_set(
    *, actor: Account, opd: Opd, spec: PeriodSpec, predikat: str, note: str = ""
) -> OrgPredikat:
    """Record an OPD's capaian kinerja organisasi for a period (set one level up: admin BKPSDM
    or pimpinan record it). It picks the curve and, for the OPD head, the hasil rating."""
    if not may_calibrate(actor) or scope_for(actor).instansi_id != opd.instansi_id:
        raise Forbidden(
            "forbidden", _("Only admin BKPSDM and pimpinan set the organisation's predikat.")
        )
    if predikat not in rules.ORG_PREDIKAT:
        raise ApplicationError("invalid_predikat", _("Unknown organisation predikat."))
    found = OrgPredikat.objects.select_for_update().filter(
        opd=opd, year=spec.year, period_kind=spec.kind, period_no=spec.number
    ).first()
    before = {"predikat": found.predikat, "note": found.note} if found else None
    if found is None:
        found = OrgPredikat(instansi_id=opd.instansi_id, opd=opd, year=spec.year,
                            period_kind=spec.kind, period_no=spec.number)
    found.predikat, found.note, found.set_by = predikat, note.strip(), actor.pk
    found.save()
    audit_record(actor=actor, instansi=opd.instansi_id, action="org_predikat.set", obj=found,
                 object_label=f"{opd.name} {spec.label}",
                 changes={"before": before, "after": {"predikat": predikat, "note": found.note}})
    return found


@transaction.atomic
def evaluation_policy_update(
    *, actor: Account, objection_days: int, peer_feedback: bool, score_method_key: str
) -> EvaluationPolicy:
    scope = scope_for(actor)
    if scope.instansi_id is None or not scope.writes_whole_instansi:
        raise Forbidden("forbidden", _("Only admin BKPSDM changes the evaluation settings."))
    if not 1 <= objection_days <= 60:
        raise ApplicationError("invalid_days", _("Objection days must be from 1 to 60."))
    method = score_methods(scope.instansi_id).filter(key=score_method_key).first()
    if method is None:
        raise ApplicationError("unknown_method", _("Unknown score method."))
    policy = EvaluationPolicy.objects.select_for_update().filter(
        instansi_id=scope.instansi_id
    ).first() or EvaluationPolicy(instansi_id=scope.instansi_id)
    before = {"objection_days": policy.objection_days, "peer_feedback": policy.peer_feedback,
              "score_method": policy.score_method.key if policy.score_method else ""}
    policy.objection_days, policy.peer_feedback = objection_days, peer_feedback
    policy.score_method = method
    policy.save()
    after = {"objection_days": objection_days, "peer_feedback": peer_feedback,
             "score_method": method.key}
    if before != after:
        audit_record(actor=actor, instansi=scope.instansi_id, action="evaluation_policy.update",
                     object_type="evaluations.evaluationpolicy",
                     object_id=str(scope.instansi_id), changes={"before": before, "after": after})
    return policy


def _may_recompute(actor: Account | None) -> int:
    return instansi_managed_by(actor, _("Only admin BKPSDM recomputes a period."))


def recompute_run_start(*, actor: Account, spec: PeriodSpec) -> RecomputeRun:
    """Start recomputing a period for the whole instansi: in a background thread of this
    process (the page polls the run), or at once where background work is off (tests)."""
    instansi_id = _may_recompute(actor)
    # The lock (not the run row's age) says whether a recompute runs: a row left 'running' by a
    # process that died is closed here and does not block (docs/reliability.md).
    lock = recompute_lock(instansi_id)
    if lock is None:
        raise Conflict("already_running", _("A recompute is already running."))
    try:
        close_abandoned_runs(instansi_id)
        run = RecomputeRun.objects.create(
            instansi_id=instansi_id, year=spec.year, period_kind=spec.kind,
            period_no=spec.number, started_by=actor.pk,
        )
    except BaseException:
        lock.release()
        raise
    if getattr(settings, "KINERJA_IMPORT_BACKGROUND", False):
        _start_thread(run.pk, actor.pk, lock)
    else:
        try:
            recompute_run_execute(run=run, actor=actor)
        except Exception:  # noqa: BLE001 - the run row says it failed and why
            pass
        finally:
            lock.release()
        run.refresh_from_db()
    return run


def recompute_run_execute(*, run: RecomputeRun, actor: Any = None) -> RecomputeRun:
    from kinerja.evaluations.batch import period_spec

    spec = period_spec(run.year, run.period_kind, run.period_no)

    def progress(phase: str, done: int, total: int) -> None:
        RecomputeRun.objects.filter(pk=run.pk).update(phase=phase, done=done, total=total)

    try:
        result = recompute(run.instansi_id, spec, progress=progress, actor=actor)
    except Exception as exc:
        log.exception("recompute %s failed", run.pk)
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    RecomputeRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, phase="done", total=result.evaluations, done=result.evaluations,
        created=result.created, updated=result.updated, unchanged=result.unchanged,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _start_thread(run_id: int, actor_id: int, lock: RunLock) -> None:
    """As imports do (people.imports.services): a daemon thread of the web process, holding
    the recompute lock until it ends. A restart abandons the run; the next recompute closes it
    and recomputing again is safe."""

    def work() -> None:
        close_old_connections()
        try:
            run = RecomputeRun.objects.get(pk=run_id)
            actor = Account.objects.filter(pk=actor_id).first()
            recompute_run_execute(run=run, actor=actor)
        except Exception:
            log.exception("background recompute %s failed", run_id)
        finally:
            lock.release()
            connections.close_all()

    threading.Thread(target=work, name=f"recompute-{run_id}", daemon=True).start()



