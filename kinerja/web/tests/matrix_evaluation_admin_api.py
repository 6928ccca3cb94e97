"""Authorization matrix rows for the evaluations API of feedback and dialogues
(kinerja/evaluations/api_feedback.py) and of calibration, the organisation predikat, rater
analytics, the evaluation policy, score methods and recompute runs (api_calibration.py).

Feedback and dialogues about the pegawai (Dewi, under `atasan` under sekretaris under `kadis`)
are written by the line above (atasan, kadis: 201); whoever else sees her (herself, admin OPD of
Dinkes, the instansi-wide roles) hears 403; the outsider (Disdik) does not see her (404), nor
does anyone see another instansi's employee (404). Everyone reads their (possibly empty) lists.
Calibration and rater analytics are read by admin BKPSDM, pimpinan and auditor (others 403); the
organisation predikat is set by admin BKPSDM and pimpinan (the auditor only reads); the policy
and the score methods are read by everyone of the instansi and changed by admin BKPSDM, who alone
starts and reads recompute runs (a run is 404 to everyone else, like an import run).

Bodies that name an object by id (`pegawai_id`, `opd_id`) are dicts of this module that the
row's target resolver fills in before each call (the ids of the freshly built cast).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kinerja.evaluations.presets import DEFAULT_METHOD
from kinerja.web.tests.matrix_base import API, INSTANSI_READERS, Row, api

TODAY = timezone.localdate()
CURRENT = {"year": TODAY.year, "period_kind": "bulanan", "period_no": TODAY.month}

FEEDBACK = {"text": "Laporan bulanan rapi dan tepat waktu.", "pegawai_id": 0}
FEEDBACK_FOREIGN = {"text": "Tidak boleh.", "pegawai_id": 0}
DIALOGUE = {"date": TODAY.isoformat(), "topics": "Capaian triwulan dan kendala", "pegawai_id": 0,
            "follow_ups": "Pelatihan arsip digital"}
DIALOGUE_FOREIGN = {"date": TODAY.isoformat(), "topics": "Tidak boleh", "pegawai_id": 0}
ORG_PREDIKAT = {**CURRENT, "predikat": "baik", "note": "Capaian IKU 96%", "opd_id": 0}
ORG_PREDIKAT_FOREIGN = {**CURRENT, "predikat": "baik", "note": "", "opd_id": 0}
POLICY = {"objection_days": 14, "peer_feedback": False, "score_method": DEFAULT_METHOD}

BODIES: dict[str, tuple[dict[str, Any], str]] = {
    # name: (the body to fill, the field set to the target's id)
    "feedback": (FEEDBACK, "pegawai_id"),
    "feedback-foreign": (FEEDBACK_FOREIGN, "pegawai_id"),
    "dialogue": (DIALOGUE, "pegawai_id"),
    "dialogue-foreign": (DIALOGUE_FOREIGN, "pegawai_id"),
    "org": (ORG_PREDIKAT, "opd_id"),
    "org-foreign": (ORG_PREDIKAT_FOREIGN, "opd_id"),
}


def _body_target(world: Any, actor: str, name: str) -> str:
    """No placeholder in the route: put the cast's id into the row's body."""
    body, key = BODIES[name]
    cast = world.foreign if name.endswith("-foreign") else world.cast
    body[key] = cast.opds["dinkes"].pk if key == "opd_id" else cast.people["pegawai"].pk
    return ""


def _opd_target(world: Any, actor: str, name: str) -> str:
    cast = world.foreign if name == "foreign" else world.cast
    return str(cast.opds["dinkes"].pk)


def _run_target(world: Any, actor: str, name: str) -> str:
    from kinerja.evaluations.models import RecomputeRun, RunStatus

    cast = world.foreign if name == "foreign" else world.cast
    run = RecomputeRun.objects.create(
        instansi=cast.instansi, year=TODAY.year, period_kind="bulanan", period_no=TODAY.month,
        status=RunStatus.DONE, phase="done",
    )
    return str(run.pk)


TARGETS = {"evbody": _body_target, "evopd": _opd_target, "evrun": _run_target}

LINE_ABOVE = api(403, atasan=201, kadis=201, outsider=404)
CALIBRATORS = api(403, admin_bkpsdm=200, pimpinan=200)
READERS = api(403, **INSTANSI_READERS)

ROWS: list[Row] = [
    # --- Feedback and dialogues -------------------------------------------------------------
    Row("GET", f"{API}/feedback", api(200)),
    Row("POST", f"{API}/feedback", LINE_ABOVE, target="evbody:feedback", body=FEEDBACK),
    Row("POST", f"{API}/feedback", api(404), target="evbody:feedback-foreign",
        body=FEEDBACK_FOREIGN),
    Row("GET", f"{API}/dialogues", api(200)),
    Row("POST", f"{API}/dialogues", LINE_ABOVE, target="evbody:dialogue", body=DIALOGUE),
    Row("POST", f"{API}/dialogues", api(404), target="evbody:dialogue-foreign",
        body=DIALOGUE_FOREIGN),
    # --- Calibration ------------------------------------------------------------------------
    Row("GET", f"{API}/calibration", READERS),
    Row("PUT", f"{API}/calibration/org-predikat", CALIBRATORS, target="evbody:org",
        body=ORG_PREDIKAT),
    Row("PUT", f"{API}/calibration/org-predikat", api(404), target="evbody:org-foreign",
        body=ORG_PREDIKAT_FOREIGN),
    Row("GET", f"{API}/calibration/raters/{{opd_id}}", READERS, target="evopd:dinkes"),
    # Readers hear that another instansi's OPD does not exist; the rest may not read at all.
    Row("GET", f"{API}/calibration/raters/{{opd_id}}",
        api(403, admin_bkpsdm=404, pimpinan=404, auditor=404), target="evopd:foreign"),
    # --- Policy and score methods -----------------------------------------------------------
    Row("GET", f"{API}/evaluation-policy", api(200)),
    Row("PUT", f"{API}/evaluation-policy", api(403, admin_bkpsdm=200), body=POLICY),
    Row("GET", f"{API}/score-methods", api(200)),
    # --- Recompute runs ---------------------------------------------------------------------
    Row("POST", f"{API}/recompute-runs", api(403, admin_bkpsdm=201), body=CURRENT),
    Row("GET", f"{API}/recompute-runs/{{run_id}}", api(404, admin_bkpsdm=200),
        target="evrun:own"),
    Row("GET", f"{API}/recompute-runs/{{run_id}}", api(404), target="evrun:foreign"),
]
