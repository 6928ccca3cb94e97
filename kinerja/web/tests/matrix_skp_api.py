"""Authorization matrix rows for the SKP API (kinerja/plans/api_skp.py and api_team.py).

The objects are the pegawai's (Dewi, under `atasan`): everyone of the Dinas Kesehatan line, the
admin OPD and the instansi-wide roles see them, the outsider (another OPD) does not (404). Writes
to the content are the owner's, approval and return the pejabat penilai's (`atasan`); anyone
else who sees the SKP hears 403.

A row that changes state gets a fresh object for every actor's call (`fresh_*`): a new SKP of
the pegawai in the wanted state, held for a new vacant position under the same supervisor (one
SKP per person, position and year), so each call is judged on its own and not on what the
previous actor's call did.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from kinerja.web.tests.matrix_base import API, INSTANSI_READERS, Row, api

_serial = itertools.count(1)


def _this_year() -> int:
    return timezone.localdate().year


def _fresh_skp(world: Any, state: str) -> Any:
    """A new SKP of the pegawai for the plan's year: draft (empty), complete (an RHK serving
    the supervisor's, with an indicator), submitted or approved."""
    from kinerja.org.models import Jabatan
    from kinerja.plans import rules, services
    from kinerja.plans.models import PerilakuExpectation, Skp
    from kinerja.plans.testing import add_rhk

    plan, cast = world.plan, world.cast
    base = cast.positions["pengadministrasi"]
    n = next(_serial)
    jabatan = Jabatan.objects.create(
        instansi=cast.instansi, opd=base.opd, unit=base.unit, code=f"MATRIKS-{n}",
        name=f"Posisi matriks {n}", jenis=base.jenis, kelas=base.kelas,
        supervisor=base.supervisor,
    )
    jabatan.path = f"{base.supervisor.path}{jabatan.pk}/"
    jabatan.save(update_fields=["path"])
    skp = Skp.objects.create(
        instansi=cast.instansi, pegawai=cast.people["pegawai"], jabatan=jabatan, opd=base.opd,
        year=plan.year, start_date=dt.date(plan.year, 1, 1),
        end_date=dt.date(plan.year, 12, 31), form="non_jpt",
    )
    PerilakuExpectation.objects.bulk_create(
        PerilakuExpectation(instansi=cast.instansi, skp=skp, value=v) for v in rules.BERAKHLAK
    )
    if state in ("complete", "submitted", "approved"):
        add_rhk(cast, "pegawai", skp, "RHK matriks", parent=plan.rhk["atasan"],
                intervention="langsung")
    if state in ("submitted", "approved"):
        services.skp_submit(actor=cast.pegawai, skp=skp)
    if state == "approved":
        services.skp_approve(actor=cast.atasan, skp=skp)
    return skp


def _outsider_skp(world: Any) -> Any:
    from kinerja.plans import services
    from kinerja.plans.models import Skp

    cast = world.cast
    found = Skp.objects.filter(pegawai=cast.people["outsider"], year=world.plan.year).first()
    return found or services.skp_create(
        actor=cast.outsider, pegawai=cast.people["outsider"], year=world.plan.year
    )


def skp_target(world: Any, actor: str, name: str) -> str:
    from kinerja.plans.testing import open_year

    plan = world.plan
    if name in ("pegawai", "atasan"):
        return str(plan.skp[name].pk)
    if name == "outsider":
        return str(_outsider_skp(world).pk)
    if name == "copy_source":
        open_year(world.cast, plan.year + 1)
        return str(plan.skp["pegawai"].pk)
    if name.startswith("fresh_"):
        return str(_fresh_skp(world, name.removeprefix("fresh_")).pk)
    raise AssertionError(f"unknown skp target {name!r}")


def rhk_target(world: Any, actor: str, name: str) -> str:
    from kinerja.plans import services
    from kinerja.plans.testing import add_rhk

    if name == "atasan":
        return str(world.plan.rhk["atasan"].pk)
    if name == "fresh":
        skp = _fresh_skp(world, "complete")
        return str(skp.rhk.get().pk)
    if name == "outsider_fresh":
        rhk = services.rhk_save(actor=world.cast.outsider, skp=_outsider_skp(world),
                                kind="tambahan", text="RHK matriks")
        return str(rhk.pk)
    if name == "fresh_extra":
        skp = _fresh_skp(world, "draft")
        return str(add_rhk(world.cast, "pegawai", skp, "RHK tambahan", kind="tambahan").pk)
    raise AssertionError(f"unknown rhk target {name!r}")


def indicator_target(world: Any, actor: str, name: str) -> str:
    if name == "fresh":
        skp = _fresh_skp(world, "complete")
        return str(skp.rhk.get().indicators.get().pk)
    raise AssertionError(f"unknown indicator target {name!r}")


def lampiran_target(world: Any, actor: str, name: str) -> str:
    from kinerja.plans import services

    if name == "fresh":
        skp = _fresh_skp(world, "draft")
        item = services.lampiran_save(actor=world.cast.pegawai, skp=skp, kind="konsekuensi",
                                      text="Konsekuensi matriks")
        return str(item.pk)
    raise AssertionError(f"unknown lampiran target {name!r}")


def plan_ready(world: Any, actor: str, name: str) -> str:
    """No placeholder: makes the plans (so the year is open) and returns nothing."""
    world.plan  # noqa: B018
    return ""


TARGETS = {
    "skp": skp_target,
    "rhk": rhk_target,
    "indicator": indicator_target,
    "lampiran": lampiran_target,
    "plan": plan_ready,
}

# The pegawai's SKP is seen by the whole line above them, the admin OPD and the instansi-wide
# roles; only the outsider (Dinas Pendidikan) does not see it.
SEEN = api(200, outsider=404)
OWNER_WRITES = {"pegawai": 200, "outsider": 404}
INDICATOR = {"aspek": "kuantitas", "text": "Jumlah matriks", "target_kind": "angka",
             "target_min": 12, "unit": "dokumen"}
SKP = f"{API}/skp/{{skp_id}}"
RHK = f"{API}/rhk/{{rhk_id}}"
INDICATORS = f"{API}/indicators/{{indicator_id}}"
LAMPIRAN = f"{API}/lampiran/{{lampiran_id}}"

ROWS = [
    # --- Reads ----------------------------------------------------------------------------
    Row("GET", f"{API}/skp", api(200), target="plan:ready"),
    Row("GET", SKP, SEEN, target="skp:pegawai"),
    # Upwards is out of scope: the pegawai does not see the supervisor's SKP.
    Row("GET", SKP, api(200, pegawai=404, outsider=404), target="skp:atasan"),
    Row("GET", SKP, api(404, outsider=200, **INSTANSI_READERS), target="skp:outsider"),
    Row("GET", f"{SKP}/history", SEEN, target="skp:pegawai"),
    Row("GET", f"{SKP}/history", api(404, outsider=200, **INSTANSI_READERS),
        target="skp:outsider"),
    Row("GET", f"{SKP}/problems", SEEN, target="skp:pegawai"),
    Row("GET", f"{SKP}/link-choices", SEEN, target="skp:pegawai"),
    Row("GET", f"{API}/team/skp", api(200), target="plan:ready"),
    # --- Opening an own SKP: those with one already hear 409, those with no position 400 ---
    Row("POST", f"{API}/skp", api(201, pegawai=409, atasan=409, kadis=409, pimpinan=400,
                                  auditor=400), target="plan:ready", body={"year": _this_year()}),
    # --- Workflow ---------------------------------------------------------------------------
    Row("PATCH", SKP, api(403, **OWNER_WRITES), target="skp:fresh_draft",
        body={"approach": "kualitatif"}),
    Row("POST", f"{SKP}/submit", api(403, **OWNER_WRITES), target="skp:fresh_complete", body={}),
    Row("POST", f"{SKP}/approve", api(403, atasan=200, outsider=404),
        target="skp:fresh_submitted", body={}),
    Row("POST", f"{SKP}/return", api(403, atasan=200, outsider=404),
        target="skp:fresh_submitted", body={"note": "Perbaiki target"}),
    Row("POST", f"{SKP}/revise", api(403, **OWNER_WRITES), target="skp:fresh_approved",
        body={"reason": "Tugas baru"}),
    # --- Parts ------------------------------------------------------------------------------
    Row("POST", f"{SKP}/rhk", api(403, pegawai=201, outsider=404), target="skp:fresh_draft",
        body={"kind": "tambahan", "text": "RHK baru"}),
    Row("PUT", RHK, api(403, **OWNER_WRITES), target="rhk:fresh",
        body={"kind": "tambahan", "text": "RHK diubah"}),
    # Another OPD's RHK: the instansi-wide roles see it (403), the Dinas Kesehatan does not.
    Row("PUT", RHK, api(404, outsider=200, admin_bkpsdm=403, pimpinan=403, auditor=403),
        target="rhk:outsider_fresh", body={"kind": "tambahan", "text": "RHK diubah"}),
    Row("DELETE", RHK, api(403, pegawai=204, outsider=404), target="rhk:fresh_extra"),
    Row("POST", f"{RHK}/indicators", api(403, pegawai=201, outsider=404), target="rhk:fresh",
        body=INDICATOR),
    Row("PUT", INDICATORS, api(403, **OWNER_WRITES), target="indicator:fresh", body=INDICATOR),
    Row("DELETE", INDICATORS, api(403, pegawai=204, outsider=404), target="indicator:fresh"),
    Row("PUT", f"{INDICATORS}/monthly", api(403, **OWNER_WRITES), target="indicator:fresh",
        body={"months": [{"month": m, "target": 1, "action": "Rencana"} for m in range(1, 13)]}),
    # The owner proposes on a draft, the pejabat penilai writes them.
    Row("PUT", f"{SKP}/perilaku", api(403, pegawai=200, atasan=200, outsider=404),
        target="skp:fresh_draft", body={"expectations": {"BO": "Ramah dan cekatan"}}),
    Row("POST", f"{SKP}/lampiran", api(403, pegawai=201, outsider=404),
        target="skp:fresh_draft", body={"kind": "konsekuensi", "text": "Teguran"}),
    Row("PUT", LAMPIRAN, api(403, **OWNER_WRITES), target="lampiran:fresh",
        body={"kind": "konsekuensi", "text": "Teguran tertulis"}),
    Row("DELETE", LAMPIRAN, api(403, pegawai=204, outsider=404), target="lampiran:fresh"),
    # --- Copy, hand down ---------------------------------------------------------------------
    Row("POST", f"{SKP}/copy", api(403, pegawai=201, outsider=404), target="skp:copy_source",
        body={"year": _this_year() + 1}),
    # The supervisor's RHK: not seen by the pegawai below (404); only its owner hands it down.
    Row("POST", f"{RHK}/hand-down", api(403, atasan=200, pegawai=404, outsider=404),
        target="rhk:atasan", body={"pegawai_ids": []}),
]
