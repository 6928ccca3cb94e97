"""Authorization matrix rows for another instansi's objects, on every route that names one.

The rule (kinerja/people/access.py, docs/api.md "Scope"): another instansi's data is never
visible, to any role, and an object outside the caller's scope answers 404 exactly as one that
does not exist. The feature modules test it on their main routes with their own `*:foreign`
targets; this module covers the rest: for each route below that has no `foreign` row in its own
module, one row on the same request (method and body of that module's first row) put on the
other instansi's object of the same kind, expected 404 for every logged-in actor (and 401 or
the log-in page for anonymous). `test_every_object_route_is_tested_inside_and_outside_scope`
fails for a route with an object in its path and no such row anywhere.

Targets (`foreign:<kind>`), made once per row in the other instansi (kinerja.testing.build_cast
"kab-lain"): `skp` the pegawai's draft SKP there, `rhk` and `indicator` an RHK of it with its
indicator, `lampiran` a lampiran of it, `supervisor_rhk` the RHK of the pegawai's atasan there
(the one handed down), `evaluation` / `objection` an evaluation under objection, `log` a
submitted daily log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from kinerja.web.tests import (
    matrix_activity_api,
    matrix_activity_pages,
    matrix_activity_verify,
    matrix_evaluation_api,
    matrix_evaluation_feedback,
    matrix_evaluation_pages,
    matrix_skp_api,
    matrix_skp_pages,
    matrix_team_pages,
)
from kinerja.web.tests.matrix_base import API, Row, api, page


def _plan(world: Any) -> Any:
    """The other instansi's plans: an approved SKP line and the pegawai's draft SKP with one
    RHK (and its indicator) and one lampiran."""
    found = world.__dict__.get("_foreign_plan")
    if found is None:
        from kinerja.plans import services
        from kinerja.plans.testing import add_rhk, plan_cast

        foreign = world.foreign
        found = plan_cast(foreign)
        skp = found.skp["pegawai"]
        found.matrix_rhk = add_rhk(foreign, "pegawai", skp, "RHK instansi lain",
                                   kind="tambahan")
        found.matrix_lampiran = services.lampiran_save(
            actor=foreign.accounts["pegawai"], skp=skp, kind="konsekuensi", text="Teguran"
        )
        world.__dict__["_foreign_plan"] = found
    return found


def _target(world: Any, actor: str, name: str) -> str:
    if name == "skp":
        return str(_plan(world).skp["pegawai"].pk)
    if name == "rhk":
        return str(_plan(world).matrix_rhk.pk)
    if name == "indicator":
        return str(_plan(world).matrix_rhk.indicators.get().pk)
    if name == "lampiran":
        return str(_plan(world).matrix_lampiran.pk)
    if name == "supervisor_rhk":
        return str(_plan(world).rhk["atasan"].pk)
    if name == "evaluation":
        return str(matrix_evaluation_api._foreign(world).pk)
    if name == "objection":
        return str(matrix_evaluation_api._foreign(world).objection.pk)
    if name == "log":
        return str(matrix_activity_api._foreign_log(world).pk)
    raise AssertionError(f"unknown foreign target {name!r}")


TARGETS: dict[str, Callable[..., Any]] = {"foreign": _target}

SKP_API = f"{API}/skp/{{skp_id}}"
RHK_API = f"{API}/rhk/{{rhk_id}}"
INDICATOR_API = f"{API}/indicators/{{indicator_id}}"
LOG_API = f"{API}/activities/{{activity_id}}"

# Route -> the other instansi's object of the kind its placeholder names.
ROUTES: dict[str, str] = {
    # --- API ------------------------------------------------------------------------------------
    SKP_API: "foreign:skp",
    **{f"{SKP_API}/{tail}": "foreign:skp" for tail in (
        "history", "link-choices", "problems", "submit", "approve", "return", "revise", "rhk",
        "perilaku", "lampiran", "copy",
    )},
    RHK_API: "foreign:rhk",
    f"{RHK_API}/indicators": "foreign:rhk",
    f"{RHK_API}/hand-down": "foreign:supervisor_rhk",
    INDICATOR_API: "foreign:indicator",
    f"{INDICATOR_API}/monthly": "foreign:indicator",
    f"{API}/lampiran/{{lampiran_id}}": "foreign:lampiran",
    LOG_API: "foreign:log",
    f"{LOG_API}/links": "foreign:log",
    f"{LOG_API}/submit": "foreign:log",
    # --- Pages ----------------------------------------------------------------------------------
    **{f"/skp/<int:pk>/{tail}": "foreign:skp" for tail in (
        "kembalikan/", "revisi/", "rhk/tambah/", "perilaku/", "lampiran/tambah/",
    )},
    "/skp/rhk/<int:pk>/": "foreign:rhk",
    "/skp/rhk/<int:pk>/hapus/": "foreign:rhk",
    "/skp/rhk/<int:pk>/indikator/tambah/": "foreign:rhk",
    "/skp/indikator/<int:pk>/": "foreign:indicator",
    "/skp/indikator/<int:pk>/hapus/": "foreign:indicator",
    "/skp/lampiran/<int:pk>/": "foreign:lampiran",
    "/skp/lampiran/<int:pk>/hapus/": "foreign:lampiran",
    "/rhk/<int:pk>/turunkan/": "foreign:supervisor_rhk",
    **{f"/penilaian/<int:pk>/{tail}": "foreign:evaluation" for tail in (
        "", "rincian/", "penilaian-diri/", "ajukan/", "nilai/", "tetapkan/", "terima/",
        "keberatan/", "buka/",
    )},
    "/keberatan/<int:pk>/": "foreign:objection",
    "/kegiatan/<int:pk>/ubah/": "foreign:log",
    "/kegiatan/<int:pk>/bukti/": "foreign:log",
    "/verifikasi/<int:pk>/verifikasi/": "foreign:log",
    "/verifikasi/<int:pk>/kembalikan/": "foreign:log",
}

SOURCES = (
    matrix_activity_api, matrix_activity_pages, matrix_activity_verify,
    matrix_evaluation_feedback, matrix_evaluation_pages, matrix_skp_api, matrix_skp_pages,
    matrix_team_pages,
)


def _foreign_rows() -> list[Row]:
    source_rows = [row for module in SOURCES for row in module.ROWS]
    covered = {(row.method, row.route) for row in source_rows if "foreign" in row.target}
    rows: list[Row] = []
    for row in source_rows:
        key = (row.method, row.route)
        if row.route not in ROUTES or key in covered:
            continue
        covered.add(key)
        expected = api(404) if row.is_api else page(404)
        rows.append(dataclasses.replace(row, target=ROUTES[row.route], expected=expected,
                                        xfail=""))
    return rows


ROWS: list[Row] = _foreign_rows()
