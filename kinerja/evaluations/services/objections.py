"""Keberatan: the employee objects to a finalised evaluation within the allowed days; the
supervisor's own supervisor decides (admin BKPSDM where nobody is above)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.audit import diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.evaluations import rules
from kinerja.evaluations.models import Evaluation, EvaluationStatus, Objection, ObjectionStatus
from kinerja.evaluations.selectors import decider_of
from kinerja.evaluations.services._common import EVALUATION_FIELDS, lock, record, require_status
from kinerja.evaluations.services.evaluation import _label, _refresh, require_owner
from kinerja.people.access import scope_for, today_in
from kinerja.people.models import Account
from kinerja.people.notifications import notify

FILED_TITLE = _lazy("%(name)s objects to the evaluation of %(period)s")
DECIDED_TITLE = _lazy("Your objection to the evaluation of %(period)s was decided: %(outcome)s")
OUTCOME = {
    ObjectionStatus.UPHELD: _lazy("upheld"),
    ObjectionStatus.REJECTED: _lazy("rejected"),
}


@transaction.atomic
def objection_file(
    *, actor: Account, evaluation: Evaluation, reason: str, expected_version: int | None = None
) -> Objection:
    require_owner(actor, evaluation)
    if not reason.strip():
        raise ApplicationError("reason_required", _("Say what you object to and why."))
    lock(evaluation, expected_version)
    require_status(evaluation, "object")
    today = today_in(actor)
    if evaluation.objection_deadline is not None and today > evaluation.objection_deadline:
        raise Conflict(
            "objection_late",
            _("Objections to this evaluation were possible until %(date)s.")
            % {"date": evaluation.objection_deadline.strftime("%d-%m-%Y")},
        )
    decider = decider_of(evaluation, today)
    assert actor.pegawai_id is not None  # require_owner
    objection = Objection.objects.create(
        instansi_id=evaluation.instansi_id, evaluation=evaluation, filed_by_id=actor.pegawai_id,
        reason=reason.strip(), filed_at=timezone.now(), decider=decider,
        original_predikat=evaluation.predikat,
    )
    evaluation.status = EvaluationStatus.OBJECTED
    evaluation.version = F("version") + 1
    evaluation.save(update_fields=["status", "version", "updated_at"])
    evaluation.refresh_from_db()
    record(actor, evaluation, "evaluation.object",
           {"status": [EvaluationStatus.FINAL, evaluation.status]},
           {"objection": objection.pk, "reason": objection.reason,
            "decider": decider.pk if decider else None})
    if decider is not None:
        notify(
            pegawai_ids=[decider.pk], kind="objection_filed", title=FILED_TITLE,
            body=objection.reason,
            params={"name": evaluation.pegawai.name, "period": _label(evaluation)},
            link=f"/keberatan/{objection.pk}/",
        )
    return objection


def may_decide(actor: Account, objection: Objection) -> bool:
    scope = scope_for(actor)
    if scope.instansi_id != objection.instansi_id:
        return False
    if objection.decider_id is None:
        return scope.writes_whole_instansi
    return actor.pegawai_id == objection.decider_id


@transaction.atomic
def objection_decide(
    *,
    actor: Account,
    objection: Objection,
    upheld: bool,
    note: str,
    hasil_rating: str = "",
    perilaku_rating: str = "",
) -> Objection:
    """Decide an objection. Upheld: the decider sets the ratings that stand (the predikat
    follows the matrix); rejected: the predikat stays. Either way the evaluation is final."""
    if not may_decide(actor, objection):
        raise Forbidden(
            "forbidden", _("Only the supervisor of the pejabat penilai decides this objection.")
        )
    if not note.strip():
        raise ApplicationError("note_required", _("Give the reasons for the decision."))
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict("invalid_status", _("This objection was already decided."))
    evaluation = lock(objection.evaluation)
    require_status(evaluation, "decide")
    before = snapshot(evaluation, EVALUATION_FIELDS)
    if upheld:
        if hasil_rating not in rules.RATINGS or perilaku_rating not in rules.RATINGS:
            raise ApplicationError(
                "rating_required",
                _("An upheld objection sets the ratings of work results and behaviour."),
            )
        evaluation.hasil_rating = hasil_rating
        evaluation.perilaku_rating = perilaku_rating
        evaluation.matrix_predikat = rules.predikat(hasil_rating, perilaku_rating)
        evaluation.predikat = evaluation.matrix_predikat
        evaluation.calibrated = False
    evaluation.status = EvaluationStatus.DECIDED
    evaluation.version = F("version") + 1
    evaluation.save()
    _refresh(evaluation, force=True)
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
    objection.decided_predikat = evaluation.predikat
    objection.decision_note = note.strip()
    objection.decided_at = timezone.now()
    objection.decided_by = actor.pk
    objection.save()
    record(actor, evaluation, "evaluation.objection_decide",
           diff(before, snapshot(evaluation, EVALUATION_FIELDS)),
           {"objection": objection.pk, "outcome": objection.status,
            "note": objection.decision_note})
    notify(
        pegawai_ids=[evaluation.pegawai_id], kind="objection_decided", title=DECIDED_TITLE,
        body=objection.decision_note,
        params={"period": _label(evaluation), "outcome": OUTCOME[objection.status]},
        link=f"/penilaian/{evaluation.pk}/",
    )
    return objection
