"""Authorization matrix rows for the evaluation pages (kinerja/evaluations/urls_evaluation.py).

The evaluation is the pegawai's of the current period (kinerja.evaluations.testing.eval_cast),
put into the state the row needs before each actor's call (every actor acts on the same
evaluation, so a write by one must not change what the next one meets):

- Reading it (the page, its explanation): the pegawai; the line above (atasan, who rates it;
  kadis via sekretaris); admin OPD of Dinas Kesehatan; admin BKPSDM, pimpinan and auditor
  (the whole instansi, read-only). The outsider (another OPD, no line) gets 404.
- The self-assessment (save, submit), acknowledging and objecting: only the pegawai; everyone
  else who sees it gets 403.
- Rating and finalising: only the pejabat penilai (atasan); 403 for the other readers.
- Reopening a finalised evaluation: admin BKPSDM only.
- The list and team pages and the home card are open to every logged-in account (each sees
  its own, possibly nothing). Starting without a person means one's own evaluation of the
  current period: no approved SKP in this world, so everyone gets the redirect with the
  message; a person the account does not see is 404 (the behaviour with real people is in
  kinerja/evaluations/tests/test_views_evaluation.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kinerja.web.tests.matrix_base import Row, page

READERS = {"outsider": 404}
ONLY = {"kadis": 403, "admin_opd": 403, "admin_bkpsdm": 403, "pimpinan": 403, "auditor": 403,
        "pegawai": 403, "atasan": 403, "outsider": 404}


def _only(**actors: Any) -> dict[str, Any]:
    return page(403, **{**ONLY, **actors})


def _evaluation(world: Any, actor: str, state: str) -> str:
    """The pegawai's evaluation of the current period, in `state` (draft, diajukan, final)."""
    from django.utils import timezone

    from kinerja.evaluations.models import Evaluation, EvaluationStatus, Objection
    from kinerja.evaluations.testing import eval_cast

    found = world.__dict__.get("_evaluation_cast")
    if found is None:
        found = eval_cast(world.cast)
        world.__dict__["_evaluation_cast"] = found
        world._plan = found.work.plan
    pk = found.evaluation.pk
    Objection.objects.filter(evaluation_id=pk).delete()
    fields: dict[str, Any] = {"status": EvaluationStatus.DRAFT, "self_submitted_at": None,
                              "finalised_at": None, "objection_deadline": None}
    if state == "diajukan":
        fields.update(status=EvaluationStatus.SELF_SUBMITTED, self_submitted_at=timezone.now(),
                      self_hasil_rating="sesuai", self_perilaku_rating="sesuai")
    elif state == "final":
        fields.update(
            status=EvaluationStatus.FINAL, self_submitted_at=timezone.now(),
            hasil_rating="sesuai", perilaku_rating="sesuai", matrix_predikat="baik",
            predikat="baik", penilai=world.cast.people["atasan"], finalised_at=timezone.now(),
            objection_deadline=timezone.localdate() + dt.timedelta(days=14),
        )
    Evaluation.objects.filter(pk=pk).update(**fields)
    return str(pk)


TARGETS = {"evaluation": _evaluation}

DETAIL = "/penilaian/<int:pk>/"
RATINGS = {"hasil_rating": "sesuai", "perilaku_rating": "sesuai"}
SELF = {"self_hasil_rating": "sesuai", "self_perilaku_rating": "sesuai"}

ROWS = [
    Row("GET", "/penilaian/", page(200)),
    Row("GET", "/penilaian/tim/", page(200)),
    Row("GET", "/penilaian/ringkasan/", page(200)),
    Row("POST", "/penilaian/mulai/", page(302)),
    Row("POST", "/penilaian/mulai/", page(404), body={"pegawai": "999999999"}),
    Row("GET", DETAIL, page(200, **READERS), target="evaluation:draft"),
    Row("GET", DETAIL, page(200, **READERS), target="evaluation:final"),
    Row("GET", f"{DETAIL}rincian/", page(200, **READERS), target="evaluation:draft"),
    Row("GET", f"{DETAIL}rincian/", page(200, **READERS), target="evaluation:final"),
    Row("POST", f"{DETAIL}penilaian-diri/", _only(pegawai=302), target="evaluation:draft",
        body={**SELF, "self_note": "Sudah sesuai"}),
    Row("POST", f"{DETAIL}ajukan/", _only(pegawai=302), target="evaluation:draft", body=SELF),
    Row("POST", f"{DETAIL}nilai/", _only(atasan=302), target="evaluation:draft", body=RATINGS),
    Row("POST", f"{DETAIL}tetapkan/", _only(atasan=302), target="evaluation:diajukan",
        body=RATINGS),
    Row("POST", f"{DETAIL}terima/", _only(pegawai=302), target="evaluation:final"),
    Row("POST", f"{DETAIL}keberatan/", _only(pegawai=302), target="evaluation:final",
        body={"reason": "Realisasi saya tidak dihitung"}),
    Row("POST", f"{DETAIL}buka/", _only(admin_bkpsdm=302), target="evaluation:final",
        body={"reason": "Salah input atasan"}),
]
