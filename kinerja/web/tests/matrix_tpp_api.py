"""Authorization matrix rows for the TPP API (kinerja/allowances/api_months.py and
api_presets.py), on October 2026 of the cast with the national preset and a month of presensi
(kinerja/allowances/testing.py).

- Months (list, one month, totals, progress): everyone of the instansi; a month the instansi
  never computed (here: one only another instansi computed) is 404 to all.
- Compute, approve, adjustments, installing and activating presets, new versions: admin BKPSDM
  only (everyone else 403). Compute or adjust in a state that does not allow it: 409 (an
  approved month; an adjustment before approval). A version with bad parameters: 422. Another
  instansi's preset: 404 (before the role check, as it does not exist for the caller).
- Lines and explanations: admin BKPSDM, pimpinan and auditor read all; admin OPD the lines of
  Dinas Kesehatan; everyone their own; anything else 404. Totals per OPD: the instansi's
  readers and admin OPD (everyone else 403). Adjustments are listed to whoever reads the line.
- Presets, versions and templates are read by everyone of the instansi; the what-if by the
  instansi's readers (everyone else 403).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kinerja.allowances.presets import template_params
from kinerja.web.tests.matrix_base import API, INSTANSI_READERS, Row, api

PERIOD = "2026-10"
M = f"{API}/tpp/months/{{period}}"
P = f"{API}/tpp/presets/{{preset_id}}"

ADJUST = {"nip": "", "amount": "150000", "reason": "Koreksi presensi"}
ADJUST_FOREIGN = {"nip": "", "amount": "150000", "reason": "Koreksi presensi"}
INSTALL = {"template": "kepahiang_2025", "activate": False, "effective_from": "2026-01"}
VERSION = {"params": template_params("nasional"), "effective_from": "2027-01", "note": "Uji"}
VERSION_APPROVED = {"params": template_params("nasional"), "effective_from": PERIOD}
_bad = template_params("nasional")
_bad["parts"][0]["pct"] = "70"
_bad["absence_pct_per_day"] = "banyak"
VERSION_BAD = {"params": _bad, "effective_from": "2027-01"}
WHAT_IF = {"period": PERIOD, "params": template_params("kepahiang_2025")}


def _tpp(world: Any, *, foreign: bool = False, computed: bool = True,
         approved: bool = False) -> Any:
    """The TPP cast of the world (or of the other instansi), made once per row; the month
    computed and approved as asked."""
    from kinerja.allowances import services
    from kinerja.allowances.models import TppMonth
    from kinerja.allowances.testing import tpp_cast

    key = "_tppapi_foreign" if foreign else "_tppapi"
    found = world.__dict__.get(key)
    if found is None:
        found = tpp_cast(world.foreign if foreign else world.cast)
        world.__dict__[key] = found
    month = TppMonth.objects.filter(instansi=found.instansi, period=found.month.first).first()
    if (computed or approved) and month is None:
        services.month_compute(actor=None, instansi_id=found.instansi.pk, month=found.month)
        month = TppMonth.objects.get(instansi=found.instansi, period=found.month.first)
    if approved and not month.is_approved:
        services.month_approve(actor=found.accounts["admin_bkpsdm"], tpp_month=month)
    return found


def _month(world: Any, actor: str, name: str) -> str:
    """`ready`: presensi but not computed; `computed`; `approved`; `foreign`: computed only by
    another instansi."""
    if name == "foreign":
        _tpp(world, foreign=True)
    else:
        _tpp(world, computed=name != "ready", approved=name == "approved")
    return PERIOD


def _line(world: Any, actor: str, name: str) -> Callable[[re.Match[str]], str]:
    """The explanation of a cast member's line (`pegawai`, `outsider`) or of the other
    instansi's pegawai (`foreign`, whose month is computed too)."""
    tpp = _tpp(world)
    if name == "foreign":
        nip = _tpp(world, foreign=True).people["pegawai"].nip
    else:
        nip = tpp.people[name].nip
    values = {"period": PERIOD, "nip": nip}
    return lambda match: values[match.group(0).strip("{}")]


def _adjust(world: Any, actor: str, name: str) -> str:
    """An adjustment of the pegawai in an `approved` or a `computed` month, or of the other
    instansi's pegawai in an approved month (`foreign`)."""
    tpp = _tpp(world, approved=name != "computed")
    if name == "foreign":
        ADJUST_FOREIGN["nip"] = _tpp(world, foreign=True).people["pegawai"].nip
    else:
        ADJUST["nip"] = tpp.people["pegawai"].nip
    return PERIOD


def _preset(world: Any, actor: str, name: str) -> str:
    """`own`: the cast's active preset; `approved`: the same, with October approved;
    `foreign`: another instansi's preset."""
    if name == "foreign":
        return str(_tpp(world, foreign=True, computed=False).preset.pk)
    return str(_tpp(world, computed=name == "approved", approved=name == "approved").preset.pk)


def _version(world: Any, actor: str, name: str) -> Callable[[re.Match[str]], str]:
    values = {"preset_id": _preset(world, actor, name), "number": "1"}
    return lambda match: values[match.group(0).strip("{}")]


TARGETS: dict[str, Callable[..., Any]] = {
    "tppapi_month": _month, "tppapi_line": _line, "tppapi_adjust": _adjust,
    "tppapi_preset": _preset, "tppapi_version": _version,
}

ADMIN = api(403, admin_bkpsdm=200)
LINE_READERS = {"admin_opd": 200, **INSTANSI_READERS}

ROWS: list[Row] = [
    # --- Months ---------------------------------------------------------------------------------
    Row("GET", f"{API}/tpp/months", api(200)),
    Row("GET", M, api(200), target="tppapi_month:computed"),
    Row("GET", M, api(404), target="tppapi_month:foreign"),
    Row("POST", f"{M}/compute", ADMIN, target="tppapi_month:ready"),
    Row("POST", f"{M}/compute", api(403, admin_bkpsdm=409), target="tppapi_month:approved"),
    Row("POST", f"{M}/approve", ADMIN, target="tppapi_month:computed"),
    Row("POST", f"{M}/approve", api(404), target="tppapi_month:foreign"),
    # --- Lines, explanations, totals ------------------------------------------------------------
    Row("GET", f"{M}/lines", api(200), target="tppapi_month:computed"),
    Row("GET", f"{M}/lines", api(404), target="tppapi_month:foreign"),
    Row("GET", f"{M}/lines/{{nip}}", api(404, pegawai=200, **LINE_READERS),
        target="tppapi_line:pegawai"),
    Row("GET", f"{M}/lines/{{nip}}", api(404, outsider=200, **INSTANSI_READERS),
        target="tppapi_line:outsider"),
    Row("GET", f"{M}/lines/{{nip}}", api(404), target="tppapi_line:foreign"),
    Row("GET", f"{M}/opd-totals", api(403, **LINE_READERS), target="tppapi_month:computed"),
    Row("GET", f"{M}/opd-totals", api(404), target="tppapi_month:foreign"),
    Row("GET", f"{API}/tpp/me", api(200)),
    # --- Adjustments ----------------------------------------------------------------------------
    Row("POST", f"{M}/adjustments", api(403, admin_bkpsdm=201), target="tppapi_adjust:approved",
        body=ADJUST),
    Row("POST", f"{M}/adjustments", api(403, admin_bkpsdm=409), target="tppapi_adjust:computed",
        body=ADJUST),
    Row("POST", f"{M}/adjustments", api(403, admin_bkpsdm=404), target="tppapi_adjust:foreign",
        body=ADJUST_FOREIGN),
    Row("GET", f"{M}/adjustments", api(200), target="tppapi_month:approved"),
    Row("GET", f"{M}/adjustments", api(404), target="tppapi_month:foreign"),
    # --- Presets --------------------------------------------------------------------------------
    Row("GET", f"{API}/tpp/presets", api(200)),
    Row("POST", f"{API}/tpp/presets", api(403, admin_bkpsdm=201), body=INSTALL),
    Row("GET", P, api(200), target="tppapi_preset:own"),
    Row("GET", P, api(404), target="tppapi_preset:foreign"),
    Row("POST", f"{P}/activate", ADMIN, target="tppapi_preset:own"),
    Row("POST", f"{P}/activate", api(404), target="tppapi_preset:foreign"),
    Row("GET", f"{P}/versions/{{number}}", api(200), target="tppapi_version:own"),
    Row("GET", f"{P}/versions/{{number}}", api(404), target="tppapi_version:foreign"),
    Row("POST", f"{P}/versions", api(403, admin_bkpsdm=201), target="tppapi_preset:own",
        body=VERSION),
    Row("POST", f"{P}/versions", api(403, admin_bkpsdm=422), target="tppapi_preset:own",
        body=VERSION_BAD),
    Row("POST", f"{P}/versions", api(403, admin_bkpsdm=409), target="tppapi_preset:approved",
        body=VERSION_APPROVED),
    Row("POST", f"{P}/versions", api(404), target="tppapi_preset:foreign", body=VERSION),
    Row("GET", f"{API}/tpp/templates", api(200)),
    # --- What-if --------------------------------------------------------------------------------
    Row("POST", f"{API}/tpp/what-if", api(403, **INSTANSI_READERS),
        target="tppapi_month:computed", body=WHAT_IF),
    Row("POST", f"{API}/tpp/what-if", api(403, admin_bkpsdm=404, pimpinan=404, auditor=404),
        target="tppapi_month:foreign", body=WHAT_IF),
]
