"""Every write to plans. Each takes the acting account, checks it may do this to this SKP,
refuses closed periods, runs in a transaction and records the change in the audit trail.

Changes to an SKP's parts (RHK, indicators, perilaku, lampiran, monthly targets) are recorded
against the SKP itself (object `plans.skp`, action `rhk.update` etc.), so the SKP's history is
one indexed read of the audit trail.

Who may do what:
- the owner (the pegawai) writes the content of a draft or returned SKP and submits it;
- the pejabat penilai resolved today (people.selectors.atasan_of) approves or returns a
  submitted SKP and writes the perilaku expectations (ekspektasi khusus pimpinan); when there is
  none in the system (the top of the line: the kepala daerah rates on paper), admin BKPSDM acts
  for them;
- an approved SKP is changed by opening a revision (back to draft), which needs a new approval;
- SKPs mirrored from BKN e-Kinerja are read-only here.
"""

from kinerja.plans.services._common import (
    INDICATOR_FIELDS,
    LAMPIRAN_FIELDS,
    LINK_MESSAGES,
    PROBLEM_MESSAGES,
    RHK_FIELDS,
    SKP_FIELDS,
    _require_content_editable,
)
from kinerja.plans.services.mirror import MirroredRhk, skp_mirror_save
from kinerja.plans.services.monthly import MonthPlan, monthly_plan_save
from kinerja.plans.services.parts import (
    indicator_delete,
    indicator_save,
    lampiran_delete,
    lampiran_save,
    perilaku_update,
    rhk_delete,
    rhk_save,
)
from kinerja.plans.services.skp import (
    skp_approve,
    skp_create,
    skp_return,
    skp_revise,
    skp_submit,
    skp_update,
    submission_problems,
)
from kinerja.plans.services.team import HandDownResult, rhk_hand_down, skp_copy_from

__all__ = [
    "INDICATOR_FIELDS",
    "LAMPIRAN_FIELDS",
    "LINK_MESSAGES",
    "PROBLEM_MESSAGES",
    "RHK_FIELDS",
    "SKP_FIELDS",
    "HandDownResult",
    "MirroredRhk",
    "MonthPlan",
    "_require_content_editable",
    "indicator_delete",
    "indicator_save",
    "lampiran_delete",
    "lampiran_save",
    "monthly_plan_save",
    "perilaku_update",
    "rhk_delete",
    "rhk_hand_down",
    "rhk_save",
    "skp_approve",
    "skp_copy_from",
    "skp_create",
    "skp_mirror_save",
    "skp_return",
    "skp_revise",
    "skp_submit",
    "skp_update",
    "submission_problems",
]
