"""Authorization matrix rows for the evaluation document (kinerja/evaluations/views_document.py
and api_document.py): whoever may see the evaluation downloads it; everyone else hears 404.

`evaldoc:pegawai` is the pegawai's evaluation of the current period (kinerja.evaluations.testing
.eval_cast), seen by everyone of the instansi except the outsider in another OPD;
`evaldoc:foreign` an evaluation of another instansi.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kinerja.web.tests.matrix_base import API, Row, api, page


def _evaluation(world: Any, actor: str, name: str) -> str:
    from kinerja.evaluations.testing import eval_cast

    # Made once per world: the resolver runs for every actor in turn.
    key = "_evaldoc_foreign" if name == "foreign" else "_evaldoc"
    found = world.__dict__.get(key)
    if found is None:
        if name == "foreign":
            found = eval_cast(world.foreign)
        else:
            found = eval_cast(world.cast)
            world._plan = found.work.plan
        world.__dict__[key] = found
    return str(found.evaluation.pk)


TARGETS: dict[str, Callable[..., str]] = {"evaldoc": _evaluation}

ROWS: list[Row] = [
    Row("GET", "/penilaian/<int:pk>/dokumen.pdf", page(200, outsider=404),
        target="evaldoc:pegawai"),
    Row("GET", "/penilaian/<int:pk>/dokumen.pdf", page(404), target="evaldoc:foreign"),
    # A successful answer is the PDF itself; refusals are the JSON error shape.
    Row("GET", f"{API}/evaluations/{{evaluation_id}}/pdf", api(200, outsider=404),
        target="evaldoc:pegawai", content_type="application/pdf"),
    Row("GET", f"{API}/evaluations/{{evaluation_id}}/pdf", api(404), target="evaldoc:foreign"),
]
