"""Authorization matrix rows for the objection pages and the feedback and dialogue pages
(kinerja/evaluations/views_objections.py, views_feedback.py).

- /keberatan/ is open to every logged-in account: each sees the objections it decides and those
  it filed, possibly none.
- One objection (the pegawai's, against the evaluation finalised by the atasan): whoever may see
  the evaluation sees it (the pegawai, the line above, admin OPD of Dinas Kesehatan, the
  instansi readers); the outsider does not (404). The decider is the atasan's own supervisor,
  sekretaris, who is not an actor: deciding answers 403 to every actor who sees it (kadis is
  above the decider, not the decider). Where nobody is above the supervisor (`decider` empty)
  admin BKPSDM decides (302 back to the objection) and everyone else is refused.
- /umpan-balik/ is open to everyone (own feedback, possibly none).
- A feedback note or a dialogue about the pegawai: the supervisors above them (atasan, kadis)
  are sent back to the list; everyone else is refused (403), the pegawai themselves included.
  With peer feedback enabled, admin OPD (who holds a pelaksana post under the same kasubag as
  the pegawai) may give a note on a BerAKHLAK value; nobody else gains anything.
"""

from __future__ import annotations

from typing import Any

from kinerja.web.tests.matrix_base import INSTANSI_READERS, Row, page

# The form bodies are fixed when this module loads; the person they name is chosen when the row
# is called, by its target resolver (people's ids differ from one test database to the next).
_CHOSEN: dict[str, str] = {}


class Chosen:
    """A form value filled in at call time (the test client sends str(value))."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __str__(self) -> str:
        return _CHOSEN[self.key]


def _objection(world: Any, actor: str, name: str) -> str:
    """One objection per row (every actor looks at the same one): the pegawai's, filed against
    the finalised evaluation. `nodecider`: nobody is above the supervisor (admin BKPSDM)."""
    found = world.__dict__.get("_objection")
    if found is None:
        from kinerja.evaluations import services
        from kinerja.evaluations.models import Objection
        from kinerja.evaluations.testing import eval_cast, finalised

        cast = world.cast
        ev = eval_cast(cast)
        world._plan = ev.work.plan
        evaluation = finalised(cast, ev.evaluation)
        found = services.objection_file(
            actor=cast.pegawai, evaluation=evaluation, reason="Tidak sesuai"
        )
        if name == "nodecider":
            Objection.objects.filter(pk=found.pk).update(decider=None)
        world.__dict__["_objection"] = found
    return str(found.pk)


def _person(world: Any, actor: str, name: str) -> str:
    """Names a cast member in the form body (Chosen("pegawai")); the route has no placeholder.
    `peer:<name>` also turns peer feedback on for the instansi."""
    from kinerja.activities.testing import work_cast

    if world.__dict__.get("_fb_work") is None:
        world.__dict__["_fb_work"] = work_cast(world.cast)
        world._plan = world.__dict__["_fb_work"].plan
    kind, _sep, who = name.rpartition(":")
    if kind == "peer":
        from kinerja.evaluations.models import EvaluationPolicy

        EvaluationPolicy.objects.update_or_create(
            instansi=world.cast.instansi, defaults={"peer_feedback": True}
        )
    _CHOSEN["pegawai"] = str(world.cast.people[who].pk)
    return ""


TARGETS = {"objection": _objection, "fbperson": _person}

ONE = "/keberatan/<int:pk>/"
SEE_EVALUATION = {"pegawai": 200, "atasan": 200, "kadis": 200, "admin_opd": 200,
                  **INSTANSI_READERS}
DECIDE = {"outcome": "ditolak", "note": "Penilaian sudah sesuai"}
SUPERVISORS = {"atasan": 302, "kadis": 302}
NOTE = {"pegawai": Chosen("pegawai"), "text": "Laporan rapi dan tepat waktu", "value": "AK"}
DIALOGUE = {"pegawai": Chosen("pegawai"), "date": "2000-01-01",
            "topics": "Capaian triwulan", "follow_ups": "Pelatihan arsip"}

ROWS = [
    Row("GET", "/keberatan/", page(200)),
    Row("GET", ONE, page(404, **SEE_EVALUATION), target="objection:open"),
    Row("POST", ONE, page(403, outsider=404), target="objection:open", body=DECIDE),
    Row("POST", ONE, page(403, outsider=404, admin_bkpsdm=302), target="objection:nodecider",
        body=DECIDE),
    Row("GET", "/umpan-balik/", page(200)),
    Row("POST", "/umpan-balik/baru/", page(403, **SUPERVISORS), target="fbperson:pegawai",
        body=NOTE),
    Row("POST", "/umpan-balik/baru/", page(403, admin_opd=302, **SUPERVISORS),
        target="fbperson:peer:pegawai", body=NOTE),
    Row("POST", "/umpan-balik/dialog/", page(403, **SUPERVISORS), target="fbperson:pegawai",
        body=DIALOGUE),
]
