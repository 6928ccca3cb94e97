"""Every write to evaluations. Each takes the acting account, checks it may do this (the
employee self-assesses, acknowledges and objects; the pejabat penilai rates and finalises; the
supervisor's supervisor decides objections; admin BKPSDM reopens and recomputes; admin BKPSDM
and pimpinan calibrate), runs in a transaction and records the change in the audit trail."""

from kinerja.evaluations.services.evaluation import (
    PerilakuInput,
    RealisationInput,
    RhkRatingInput,
    evaluation_acknowledge,
    evaluation_calibrate,
    evaluation_finalise,
    evaluation_rate,
    evaluation_reopen,
    evaluation_self_save,
    evaluation_self_submit,
    evaluation_start,
    leader_hasil_rating,
    realisation_inputs,
    self_deadline,
)
from kinerja.evaluations.services.feedback import dialogue_record, feedback_note_add
from kinerja.evaluations.services.objections import may_decide, objection_decide, objection_file
from kinerja.evaluations.services.organisation import (
    evaluation_policy_update,
    org_predikat_set,
    recompute_run_execute,
    recompute_run_start,
)

__all__ = [
    "PerilakuInput",
    "RealisationInput",
    "RhkRatingInput",
    "dialogue_record",
    "evaluation_acknowledge",
    "evaluation_calibrate",
    "evaluation_finalise",
    "evaluation_policy_update",
    "evaluation_rate",
    "evaluation_reopen",
    "evaluation_self_save",
    "evaluation_self_submit",
    "evaluation_start",
    "feedback_note_add",
    "leader_hasil_rating",
    "may_decide",
    "objection_decide",
    "objection_file",
    "org_predikat_set",
    "realisation_inputs",
    "recompute_run_execute",
    "recompute_run_start",
    "self_deadline",
]
