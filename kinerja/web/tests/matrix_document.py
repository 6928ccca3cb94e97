"""Authorization matrix rows for the SKP document (kinerja/plans/views_document.py and
api_document.py): whoever may see the SKP downloads it; everyone else hears 404.

`skpdoc:pegawai` is the pegawai's draft SKP (world.plan), seen by everyone of the instansi
except the outsider in another OPD; `skpdoc:foreign` an SKP of another instansi.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kinerja.web.tests.matrix_base import API, Row, api, page


def _skp(world: Any, actor: str, name: str) -> str:
    if name == "foreign":
        from kinerja.plans.testing import plan_cast

        # Made once per world: the resolver runs for every actor in turn.
        if not hasattr(world, "skpdoc_foreign"):
            world.skpdoc_foreign = plan_cast(world.foreign).skp["pegawai"]
        return str(world.skpdoc_foreign.pk)
    return str(world.plan.skp[name].pk)


TARGETS: dict[str, Callable[..., str]] = {"skpdoc": _skp}

ROWS: list[Row] = [
    Row("GET", "/skp/<int:pk>/dokumen.pdf", page(200, outsider=404), target="skpdoc:pegawai"),
    Row("GET", "/skp/<int:pk>/dokumen.pdf", page(404), target="skpdoc:foreign"),
    # A successful answer is the PDF itself; refusals are the JSON error shape.
    Row("GET", f"{API}/skp/{{skp_id}}/pdf", api(200, outsider=404), target="skpdoc:pegawai",
        content_type="application/pdf"),
    Row("GET", f"{API}/skp/{{skp_id}}/pdf", api(404), target="skpdoc:foreign"),
]
