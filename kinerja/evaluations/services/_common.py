"""Guards shared by the evaluation services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.audit import audit_record
from kinerja.core.errors import Conflict
from kinerja.evaluations import rules
from kinerja.evaluations.models import Evaluation

EVALUATION_FIELDS = (
    "status", "self_hasil_rating", "self_perilaku_rating", "self_note", "penilai_id",
    "hasil_rating", "perilaku_rating", "rater_note", "matrix_predikat", "predikat", "calibrated",
    "calibration_reason", "score", "objection_deadline", "reopen_reason",
)

STATUS_REFUSALS = {
    "self_save": _lazy("The self-assessment can only be changed before it is submitted."),
    "self_submit": _lazy("The self-assessment was already submitted."),
    "rate": _lazy("This evaluation is finalised; corrections go through a reopen by BKPSDM."),
    "finalise": _lazy("This evaluation is already finalised."),
    "acknowledge": _lazy("Only a finalised evaluation can be acknowledged."),
    "object": _lazy("An objection can only be filed against a finalised evaluation."),
    "decide": _lazy("There is no open objection to decide."),
    "reopen": _lazy("Only a finalised evaluation can be reopened."),
    "calibrate": _lazy("An evaluation under objection cannot be calibrated."),
}


def require_status(evaluation: Evaluation, action: str) -> None:
    if not rules.may(action, evaluation.status):
        raise Conflict("invalid_status", str(STATUS_REFUSALS[action]))


def lock(evaluation: Evaluation, expected_version: int | None = None) -> Evaluation:
    """Lock the row for this write; refuse an edit made on a stale copy (two supervisors
    saving the same evaluation: the second is told, nothing is silently overwritten)."""
    evaluation.refresh_from_db(from_queryset=Evaluation.objects.select_for_update())
    if expected_version is not None and evaluation.version != expected_version:
        raise Conflict(
            "stale",
            _("This evaluation was changed by someone else meanwhile. Reload it and try again."),
        )
    return evaluation


def record(actor: Any, evaluation: Evaluation, action: str, changes: Any,
           context: Any = None) -> None:
    audit_record(
        actor=actor,
        instansi=evaluation.instansi_id,
        action=action,
        obj=evaluation,
        object_label=f"{evaluation.pegawai_id} {evaluation.year}/{evaluation.period_kind}/"
        f"{evaluation.period_no}",
        changes=changes,
        context=context,
    )
