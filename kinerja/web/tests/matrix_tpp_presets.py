"""Authorization matrix rows for the TPP preset pages and the what-if
(kinerja/allowances/views_presets.py).

The instansi's readers (admin BKPSDM, pimpinan, auditor) read the presets and run the what-if;
only admin BKPSDM installs, activates and makes a new version; everyone else gets 403 (before
any lookup, so another instansi's preset is 403 to them too). Another instansi's preset is 404
to the readers and to admin BKPSDM on a write.

Targets: `tpppreset:own` a preset of the cast's instansi (Kepahiang, installed, not active),
`tpppreset:foreign` one of another instansi (made once per row).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kinerja.allowances.forms_presets import initial_data
from kinerja.allowances.presets import template_params
from kinerja.web.tests.matrix_base import INSTANSI_READERS, Row, page

TEMPLATE = "kepahiang_2025"
# The edit form as it comes, with a new month: a valid version 2.
EDIT_FORM = {**initial_data(template_params(TEMPLATE)), "based_on": 1,
             "effective_month": "2027-01", "note": "Matriks"}


def _preset(world: Any, actor: str, name: str) -> str:
    from kinerja.allowances.services import preset_install

    if name not in ("own", "foreign"):
        raise AssertionError(f"unknown TPP preset target {name!r}")
    cached = world.__dict__.setdefault("_tpp_presets", {})
    if name not in cached:
        cast = world.foreign if name == "foreign" else world.cast
        cached[name] = preset_install(actor=None, instansi_id=cast.instansi.pk,
                                      template=TEMPLATE).pk
    return str(cached[name])


TARGETS: dict[str, Callable[..., Any]] = {"tpppreset": _preset}

READERS = page(403, **INSTANSI_READERS)
READERS_FOREIGN = page(403, admin_bkpsdm=404, pimpinan=404, auditor=404)
ADMIN_WRITES = page(403, admin_bkpsdm=302)
ADMIN_FOREIGN = page(403, admin_bkpsdm=404)

ROWS: list[Row] = [
    Row("GET", "/tpp/preset/", READERS),
    Row("POST", "/tpp/preset/pasang/", ADMIN_WRITES, body={"template": "ogan_ilir_2023"}),
    Row("GET", "/tpp/preset/<int:pk>/", READERS, target="tpppreset:own"),
    Row("GET", "/tpp/preset/<int:pk>/", READERS_FOREIGN, target="tpppreset:foreign"),
    Row("POST", "/tpp/preset/<int:pk>/aktifkan/", ADMIN_WRITES, target="tpppreset:own"),
    Row("POST", "/tpp/preset/<int:pk>/aktifkan/", ADMIN_FOREIGN, target="tpppreset:foreign"),
    Row("GET", "/tpp/preset/<int:pk>/ubah/", page(403, admin_bkpsdm=200),
        target="tpppreset:own"),
    Row("GET", "/tpp/preset/<int:pk>/ubah/", ADMIN_FOREIGN, target="tpppreset:foreign"),
    Row("POST", "/tpp/preset/<int:pk>/ubah/", ADMIN_WRITES, target="tpppreset:own",
        body=EDIT_FORM),
    Row("POST", "/tpp/preset/<int:pk>/ubah/", ADMIN_FOREIGN, target="tpppreset:foreign",
        body=EDIT_FORM),
    Row("GET", "/tpp/simulasi/", READERS),
]
