"""Authorization matrix rows for the SKP authoring and workflow pages (kinerja/plans/views_skp).

Targets are the pegawai's SKP of kinerja.plans.testing.plan_cast (a draft; their atasan's SKP is
approved) and its parts. Who sees it: the pegawai, the line above (atasan as pejabat penilai,
kadis as indirect supervisor), the admin OPD of Dinkes and the instansi-wide roles; the outsider
(Disdik) and another instansi do not (404). Who changes it: the owner writes the content of a
draft and submits it, and opens a revision of an approved one; the pejabat penilai approves or
returns it and writes the perilaku expectations until approval. Everyone else who sees it gets
403, from the service on a POST and from the page on a form it would not accept.

A row that changes state brings the SKP back to the state it needs before each actor's call
(`skpp:ready`, `:submitted`, `:approved`), and the parts' targets are made fresh per call.
"""

from __future__ import annotations

from typing import Any

from kinerja.web.tests.matrix_base import Row, page


def _plan(world: Any) -> Any:
    return world.plan


def _skp(world: Any) -> Any:
    skp = _plan(world).skp["pegawai"]
    skp.refresh_from_db()
    return skp


def _ensure(world: Any, state: str) -> Any:
    """The pegawai's SKP in `state`: "editable" (draft or returned), "ready" (editable with a
    complete RHK), "submitted" or "approved"."""
    from kinerja.plans import services
    from kinerja.plans.models import SkpStatus
    from kinerja.plans.testing import add_rhk

    plan = _plan(world)
    cast = world.cast
    skp = _skp(world)
    if skp.status == SkpStatus.SUBMITTED and state in ("editable", "ready"):
        services.skp_return(actor=cast.atasan, skp=skp, note="Kembali untuk matriks")
    if skp.status == SkpStatus.APPROVED and state != "approved":
        services.skp_revise(actor=cast.pegawai, skp=skp)
    if state == "editable":
        return skp
    if not skp.rhk.filter(kind="utama", indicators__isnull=False).exists():
        add_rhk(cast, "pegawai", skp, "Surat tercatat", parent=plan.rhk["atasan"],
                intervention="langsung")
        skp.refresh_from_db()
    if state == "ready":
        return skp
    if skp.status in (SkpStatus.DRAFT, SkpStatus.RETURNED):
        services.skp_submit(actor=cast.pegawai, skp=skp)
    if state == "approved" and skp.status == SkpStatus.SUBMITTED:
        services.skp_approve(actor=cast.atasan, skp=skp)
    return skp


def _skp_target(world: Any, actor: str, name: str) -> str:
    if name == "atasan":
        return str(_plan(world).skp["atasan"].pk)
    if name == "foreign":
        foreign = world.__dict__.get("_skp_pages_foreign")
        if foreign is None:
            from kinerja.plans.testing import plan_cast

            foreign = plan_cast(world.foreign)
            world.__dict__["_skp_pages_foreign"] = foreign
        return str(foreign.skp["pegawai"].pk)
    state = "editable" if name == "draft" else name
    return str(_ensure(world, state).pk)


def _fresh_rhk(world: Any) -> Any:
    from kinerja.plans import services

    skp = _ensure(world, "editable")
    return services.rhk_save(actor=world.cast.pegawai, skp=skp, text="RHK matriks",
                             kind="tambahan")


def _rhk_target(world: Any, actor: str, name: str) -> str:
    return str(_fresh_rhk(world).pk)


def _indicator_target(world: Any, actor: str, name: str) -> str:
    from decimal import Decimal

    from kinerja.plans import services

    rhk = _fresh_rhk(world)
    indicator = services.indicator_save(
        actor=world.cast.pegawai, rhk=rhk, aspek="kuantitas", text="Jumlah matriks",
        target_kind="angka", target_min=Decimal(3), unit="dokumen",
    )
    return str(indicator.pk)


def _lampiran_target(world: Any, actor: str, name: str) -> str:
    from kinerja.plans import services

    skp = _ensure(world, "editable")
    item = services.lampiran_save(actor=world.cast.pegawai, skp=skp, kind="konsekuensi",
                                  text="Teguran")
    return str(item.pk)


TARGETS = {
    "skpp": _skp_target,
    "skpprhk": _rhk_target,
    "skppind": _indicator_target,
    "skpplamp": _lampiran_target,
}

SKP = "/skp/<int:pk>/"
RHK_BODY = {"kind": "tambahan", "text": "RHK dari matriks"}
INDICATOR_BODY = {"aspek": "kuantitas", "text": "Jumlah", "target_kind": "angka",
                  "target_min": "5", "unit": "dokumen"}
LAMPIRAN_BODY = {"kind": "dukungan_sumber_daya", "text": "Laptop"}
PERILAKU_BODY = {"value_BO": "Ramah kepada tamu"}

# Owner-only writes: the owner, 403 for everyone else who sees the SKP, 404 for the outsider.
OWNER_GET = page(403, pegawai=200, outsider=404)
OWNER_POST = page(403, pegawai=302, outsider=404)

ROWS = [
    Row("GET", "/skp/", page(200)),
    # Opening one's SKP always answers with a redirect: to the new SKP, or back to the list
    # with the reason (already open, no position, year not open).
    Row("POST", "/skp/buka/", page(302)),
    # --- The SKP page ---
    Row("GET", SKP, page(200, outsider=404), target="skpp:draft"),
    Row("GET", SKP, page(200, pegawai=404, outsider=404), target="skpp:atasan"),
    Row("GET", SKP, page(404), target="skpp:foreign"),
    # --- Workflow ---
    Row("POST", f"{SKP}ajukan/", OWNER_POST, target="skpp:ready"),
    Row("POST", f"{SKP}ajukan/", page(404), target="skpp:foreign"),
    Row("POST", f"{SKP}setujui/", page(403, atasan=302, outsider=404), target="skpp:submitted"),
    Row("POST", f"{SKP}setujui/", page(404), target="skpp:foreign"),
    Row("POST", f"{SKP}kembalikan/", page(403, atasan=302, outsider=404),
        target="skpp:submitted", body={"note": "Perbaiki target"}),
    Row("POST", f"{SKP}revisi/", OWNER_POST, target="skpp:approved",
        body={"reason": "Tugas baru"}),
    # --- Content ---
    Row("GET", f"{SKP}rhk/tambah/", OWNER_GET, target="skpp:draft"),
    Row("POST", f"{SKP}rhk/tambah/", OWNER_POST, target="skpp:draft", body=RHK_BODY),
    Row("POST", f"{SKP}rhk/tambah/", page(404), target="skpp:foreign", body=RHK_BODY),
    Row("GET", f"{SKP}perilaku/", page(403, pegawai=200, atasan=200, outsider=404),
        target="skpp:draft"),
    Row("POST", f"{SKP}perilaku/", page(403, pegawai=302, atasan=302, outsider=404),
        target="skpp:draft", body=PERILAKU_BODY),
    Row("GET", f"{SKP}lampiran/tambah/", OWNER_GET, target="skpp:draft"),
    Row("POST", f"{SKP}lampiran/tambah/", OWNER_POST, target="skpp:draft", body=LAMPIRAN_BODY),
    Row("GET", "/skp/rhk/<int:pk>/", OWNER_GET, target="skpprhk:fresh"),
    Row("POST", "/skp/rhk/<int:pk>/", OWNER_POST, target="skpprhk:fresh", body=RHK_BODY),
    Row("POST", "/skp/rhk/<int:pk>/hapus/", OWNER_POST, target="skpprhk:fresh"),
    Row("GET", "/skp/rhk/<int:pk>/indikator/tambah/", OWNER_GET, target="skpprhk:fresh"),
    Row("POST", "/skp/rhk/<int:pk>/indikator/tambah/", OWNER_POST, target="skpprhk:fresh",
        body=INDICATOR_BODY),
    Row("GET", "/skp/indikator/<int:pk>/", OWNER_GET, target="skppind:fresh"),
    Row("POST", "/skp/indikator/<int:pk>/", OWNER_POST, target="skppind:fresh",
        body=INDICATOR_BODY),
    Row("POST", "/skp/indikator/<int:pk>/hapus/", OWNER_POST, target="skppind:fresh"),
    Row("GET", "/skp/lampiran/<int:pk>/", OWNER_GET, target="skpplamp:fresh"),
    Row("POST", "/skp/lampiran/<int:pk>/", OWNER_POST, target="skpplamp:fresh",
        body=LAMPIRAN_BODY),
    Row("POST", "/skp/lampiran/<int:pk>/hapus/", OWNER_POST, target="skpplamp:fresh"),
]
