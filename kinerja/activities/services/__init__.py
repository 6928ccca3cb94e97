"""Every write to daily work. Each takes the acting account, checks it may do this (the owner
writes and submits their logs; the supervisor who rates them, or an indirect supervisor where
the instansi allows, verifies or returns), refuses locked months, runs in a transaction and
records the change in the audit trail."""

from kinerja.activities.services._common import (
    FLAG_LABELS,
    PLAUSIBILITY_MESSAGES,
    require_log_open,
)
from kinerja.activities.services.assignments import (
    assignment_comment_add,
    assignment_create,
    assignment_progress,
    assignment_remind,
    assignment_transition,
)
from kinerja.activities.services.evidence import (
    EVIDENCE_MESSAGES,
    evidence_add_file,
    evidence_add_link,
    evidence_remove,
    sniff,
)
from kinerja.activities.services.logs import (
    activity_delete,
    activity_return,
    activity_save,
    activity_submit,
    activity_verify,
    activity_verify_many,
)
from kinerja.activities.services.policy import activity_policy_save

__all__ = [
    "EVIDENCE_MESSAGES",
    "FLAG_LABELS",
    "PLAUSIBILITY_MESSAGES",
    "require_log_open",
    "activity_delete",
    "activity_policy_save",
    "activity_return",
    "activity_save",
    "activity_submit",
    "activity_verify",
    "activity_verify_many",
    "assignment_comment_add",
    "assignment_create",
    "assignment_progress",
    "assignment_remind",
    "assignment_transition",
    "evidence_add_file",
    "evidence_add_link",
    "evidence_remove",
    "sniff",
]
