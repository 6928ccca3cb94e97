"""Authorization matrix rows for the verification queue and the monitoring pages
(kinerja/activities/views_verify.py, views_monitor.py).

- /verifikasi/ and /pemantauan/tim/ are open to every logged-in account, as /tim/skp/ is: each
  sees the logs it verifies and its own team, possibly none (a page that says so).
- Verifying or returning one log: only the person who verifies it (the pegawai's pejabat
  penilai, the atasan; indirect supervisors only where the instansi allows, not in the cast's
  default policy) gets the redirect back to the queue; for everyone else the log does not exist
  (404). A log of staf_kasi (rated by kasi, who is not an actor) is nobody's here.
- Verifying many answers everyone with the redirect and a message naming what was refused: the
  fixed body names no real log; the behaviour with real logs is in
  kinerja/activities/tests/test_views_verify.py.
- Logging compliance of an OPD: admin OPD for their own OPD, admin BKPSDM and pimpinan for any
  OPD of the instansi; nobody else (404), and another instansi's OPD is nobody's.
"""

from __future__ import annotations

from typing import Any

from kinerja.web.tests.matrix_base import Row, page

VERIFIERS_ONLY = {"atasan": 302}
MONITORS = {"admin_opd": 200, "admin_bkpsdm": 200, "pimpinan": 200}


def _work(world: Any) -> Any:
    work = world.__dict__.get("_verify_work")
    if work is None:
        from kinerja.activities.testing import work_cast

        work = work_cast(world.cast)
        world.__dict__["_verify_work"] = work
        world._plan = work.plan
    return work


def _fresh_log(world: Any, actor: str, name: str) -> str:
    """A fresh submitted log of `name` per call (each actor acts on its own), in its own slot
    of the day so the logs do not overlap."""
    from kinerja.activities import services
    from kinerja.activities.testing import log

    work = _work(world)
    slot = world.__dict__.setdefault("_verify_slot", [0])
    start = 8 * 60 + 20 * slot[0]
    slot[0] += 1
    extra: dict[str, Any] = {}
    if name not in work.rhk:
        extra = {"rhk": None, "is_additional_task": True}
    activity = log(world.cast, name, work, start=divmod(start, 60),
                   end=divmod(start + 15, 60), **extra)
    services.activity_submit(actor=world.cast.accounts[name], activity=activity)
    return str(activity.pk)


TARGETS = {"vlog": _fresh_log}

VERIFY = "/verifikasi/<int:pk>/verifikasi/"
RETURN = "/verifikasi/<int:pk>/kembalikan/"
OPD = "/pemantauan/opd/<int:pk>/"

ROWS = [
    Row("GET", "/verifikasi/", page(200)),
    Row("POST", VERIFY, page(404, **VERIFIERS_ONLY), target="vlog:pegawai"),
    Row("POST", VERIFY, page(404), target="vlog:staf_kasi"),
    Row("POST", RETURN, page(404, **VERIFIERS_ONLY), target="vlog:pegawai",
        body={"reason": "Bukti belum dilampirkan"}),
    Row("POST", RETURN, page(404), target="vlog:staf_kasi", body={"reason": "Tidak"}),
    Row("POST", "/verifikasi/pilihan/", page(302), body={"ids": "999999"}),
    Row("GET", "/pemantauan/tim/", page(200)),
    Row("GET", "/pemantauan/opd/", page(404, **MONITORS)),
    Row("GET", OPD, page(404, **MONITORS), target="opd:dinkes"),
    Row("GET", OPD, page(404, admin_bkpsdm=200, pimpinan=200), target="opd:disdik"),
    Row("GET", OPD, page(404), target="opd:foreign"),
]

