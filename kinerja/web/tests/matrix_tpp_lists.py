"""Authorization matrix rows for the daftar nominatif TPP (kinerja/allowances/views_lists.py):
the instansi's list, page and downloads, for the instansi's readers (admin BKPSDM, pimpinan,
auditor); an OPD's list for them and the admin OPD of that OPD; everyone else, a month without
TPP and an OPD of another instansi: 404.

Targets (the cast's October 2026 computed on first use, kinerja.allowances.testing.tpp_cast):
`tpplist:month` the computed month, `tpplist:empty` a month without TPP; `tpplist:dinkes`,
`tpplist:disdik` and `tpplist:foreign` (Dinas Kesehatan of another instansi) fill the two
placeholders of the OPD routes (the month and the OPD) through a function of the match, as
matrix_periods.py does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kinerja.web.tests.matrix_base import INSTANSI_READERS, Row, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
EMPTY_MONTH = "2026-09"


def _computed(world: Any) -> str:
    """The cast's TPP of October 2026, computed once per world (the resolver runs for every
    actor in turn)."""
    found = world.__dict__.get("_tpplist")
    if found is None:
        from kinerja.allowances.services import month_compute
        from kinerja.allowances.testing import tpp_cast

        tpp = tpp_cast(world.cast)
        month_compute(actor=world.cast.accounts["admin_bkpsdm"], month=tpp.month)
        found = world.__dict__["_tpplist"] = tpp.month.label
    return str(found)


def _target(world: Any, actor: str, name: str) -> Any:
    period = _computed(world)
    if name == "month":
        return period
    if name == "empty":
        return EMPTY_MONTH
    opd = world.foreign.opds["dinkes"] if name == "foreign" else world.cast.opds[name]
    values = {"period": period, "opd_pk": str(opd.pk)}

    def fill(match: re.Match[str]) -> str:
        return values[match.group(0).strip("<>").rpartition(":")[2]]

    return fill


TARGETS: dict[str, Callable[..., Any]] = {"tpplist": _target}

INSTANSI = page(404, **INSTANSI_READERS)
DINKES = page(404, admin_opd=200, **INSTANSI_READERS)
NOBODY = page(404)


def _rows(route: str, content_type: str) -> list[Row]:
    if "<int:opd_pk>" in route:
        return [
            Row("GET", route, DINKES, target="tpplist:dinkes", content_type=content_type),
            Row("GET", route, INSTANSI, target="tpplist:disdik", content_type=content_type),
            Row("GET", route, NOBODY, target="tpplist:foreign", content_type=content_type),
        ]
    return [
        Row("GET", route, INSTANSI, target="tpplist:month", content_type=content_type),
        Row("GET", route, NOBODY, target="tpplist:empty", content_type=content_type),
    ]


ROWS: list[Row] = [
    *_rows("/tpp/<tppbulan:period>/daftar/", "text/html"),
    *_rows("/tpp/<tppbulan:period>/daftar.xlsx", XLSX),
    *_rows("/tpp/<tppbulan:period>/daftar.pdf", PDF),
    *_rows("/tpp/<tppbulan:period>/opd/<int:opd_pk>/", "text/html"),
    *_rows("/tpp/<tppbulan:period>/opd/<int:opd_pk>.xlsx", XLSX),
    *_rows("/tpp/<tppbulan:period>/opd/<int:opd_pk>.pdf", PDF),
]
