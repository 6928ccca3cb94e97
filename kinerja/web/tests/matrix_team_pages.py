"""Authorization matrix rows for the team planning pages (kinerja/plans/views_team.py): team SKP
status, matriks peran hasil (matrix and hand-down), monthly plan, start from an earlier SKP.

- /tim/skp/ and /tim/matriks/ are open to every logged-in account: each sees their own team
  (possibly empty, with a page that says so).
- The hand-down form is the owner's tool: the atasan's own RHK answers the atasan only; for
  everyone else it does not exist (404). The POST carries no subordinate (the body is fixed), so
  the owner gets the form back with "choose at least one" (200): the behaviour with real
  subordinates is in kinerja/plans/tests/test_views_team.py.
- The monthly plan of the pegawai's SKP is seen by everyone who sees the SKP (the line above,
  the admin OPD, the instansi-wide roles); only the owner writes it (others 403 on POST), the
  outsider and another instansi's accounts do not see it (404). A POST naming no indicator sends
  the owner back to the page (302).
- Copying is one's own business: every logged-in account gets the page; the POST without a
  choice answers the form with its errors (200).
"""

from __future__ import annotations

from typing import Any

from kinerja.web.tests.matrix_base import Row, page


def _rhk(world: Any, actor: str, name: str) -> str:
    return str(world.plan.rhk[name].pk)


def _skp(world: Any, actor: str, name: str) -> str:
    if name == "foreign":
        foreign = world.__dict__.get("_team_foreign_plan")
        if foreign is None:
            from kinerja.plans.testing import plan_cast

            foreign = plan_cast(world.foreign)
            world.__dict__["_team_foreign_plan"] = foreign
        return str(foreign.skp["pegawai"].pk)
    return str(world.plan.skp[name].pk)


TARGETS = {"teamrhk": _rhk, "teamskp": _skp}

MONTHLY = "/skp/<int:pk>/rencana-aksi/"
HAND_DOWN = "/rhk/<int:pk>/turunkan/"

ROWS = [
    Row("GET", "/tim/skp/", page(200)),
    Row("GET", "/tim/matriks/", page(200)),
    Row("GET", HAND_DOWN, page(404, atasan=200), target="teamrhk:atasan"),
    Row("POST", HAND_DOWN, page(404, atasan=200), target="teamrhk:atasan",
        body={"intervention": "langsung"}),
    Row("GET", HAND_DOWN, page(404, kadis=200), target="teamrhk:kadis"),
    Row("GET", MONTHLY, page(200, outsider=404), target="teamskp:pegawai"),
    Row("POST", MONTHLY, page(403, pegawai=302, outsider=404), target="teamskp:pegawai",
        body={}),
    Row("GET", MONTHLY, page(200, pegawai=404, outsider=404), target="teamskp:atasan"),
    Row("GET", MONTHLY, page(404), target="teamskp:foreign"),
    Row("POST", MONTHLY, page(404), target="teamskp:foreign", body={}),
    Row("GET", "/skp/salin/", page(200)),
    Row("POST", "/skp/salin/", page(200), body={}),
]
