"""Authorization matrix rows for the activities API (kinerja/activities/api_logs.py): logs,
evidence, verification.

Targets are logs of the pegawai (Dewi, under `atasan`), made fresh for every call because most
rows change them: the pegawai, the line above (atasan, kadis), the admin OPD of Dinkes and the
instansi-wide roles see them; the outsider (Disdik) does not (404), nor does anyone see another
instansi's (404). Writes are the owner's; verify and return are the pejabat penilai's
(`atasan`; kadis is an indirect supervisor, who verifies only where the instansi allows it,
not by default); anyone else who sees the log hears 403. Everyone logged in reads their own
list and their (possibly empty) verification queue, and may send a bulk verification (the
answer lists what was refused).
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone

from kinerja.web.tests.matrix_base import API, Row, api

TODAY = timezone.localdate().isoformat()


def _work(world: Any) -> Any:
    """The work cast, made once per test (it builds the plan cast too)."""
    work = world.__dict__.get("_activity_work")
    if work is None:
        from kinerja.activities.testing import work_cast

        work = work_cast(world.cast)
        world.__dict__["_activity_work"] = work
        world._plan = work.plan
    return work


def _fresh_log(world: Any, *, submitted: bool = False) -> Any:
    from kinerja.activities import services

    work = _work(world)
    activity = services.activity_save(
        actor=world.cast.pegawai, date=work.today, minutes=10, description="Log matriks API",
        output_unit="surat", is_additional_task=True,
    )
    if submitted:
        services.activity_submit(actor=world.cast.pegawai, activity=activity)
    return activity


def _foreign_log(world: Any) -> Any:
    from kinerja.activities.models import Activity

    found = world.__dict__.get("_activity_api_foreign")
    if found is None:
        foreign = world.foreign
        found = Activity.objects.create(
            instansi=foreign.instansi, pegawai=foreign.people["pegawai"],
            date=timezone.localdate(), minutes=10, description="Log instansi lain",
            output_unit="surat", is_additional_task=True, status="diajukan",
        )
        world.__dict__["_activity_api_foreign"] = found
    return found


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(out, "JPEG")
    return out.getvalue()


def _log_target(world: Any, actor: str, name: str) -> str:
    if name == "setup":  # a route without a placeholder: only the world is prepared
        _work(world)
        return ""
    if name == "foreign":
        return str(_foreign_log(world).pk)
    return str(_fresh_log(world, submitted=name == "submitted").pk)


def _evidence_target(world: Any, actor: str, name: str) -> str:
    from kinerja.activities import services
    from kinerja.activities.models import Evidence, EvidenceKind

    if name == "foreign":
        activity = _foreign_log(world)
        evidence = Evidence.objects.create(
            instansi_id=activity.instansi_id, activity=activity, kind=EvidenceKind.LINK,
            url="https://contoh.go.id/lain",
        )
        return str(evidence.pk)
    evidence = services.evidence_add_file(
        actor=world.cast.pegawai, activity=_fresh_log(world), name="foto.jpg", data=_jpeg()
    )
    return str(evidence.pk)


TARGETS = {"apilog": _log_target, "apiev": _evidence_target}

LOGS = f"{API}/activities"
LOG = f"{API}/activities/{{activity_id}}"
EVIDENCE = f"{API}/evidence/{{evidence_id}}"
NEW_LOG = {"date": TODAY, "minutes": 15, "description": "Dari matriks", "output_unit": "surat",
           "is_additional_task": True}
SEEN = api(200, outsider=404)
# Only the owner changes a log; the line above, the admin OPD and the instansi see it (403).
OWNER = api(403, pegawai=200, outsider=404)
VERIFIER = api(403, atasan=200, outsider=404)

ROWS = [
    # --- Logs -----------------------------------------------------------------------------
    Row("GET", LOGS, api(200), target="apilog:setup"),
    # Every actor of the cast has an employee record, so everyone logs their own work.
    Row("POST", LOGS, api(201), target="apilog:setup", body=NEW_LOG),
    Row("GET", LOG, SEEN, target="apilog:fresh"),
    Row("GET", LOG, api(404), target="apilog:foreign"),
    Row("PUT", LOG, OWNER, target="apilog:fresh", body={**NEW_LOG, "description": "Diubah"}),
    Row("PUT", LOG, api(404), target="apilog:foreign", body=NEW_LOG),
    Row("DELETE", LOG, api(403, pegawai=204, outsider=404), target="apilog:fresh"),
    Row("POST", f"{LOG}/submit", OWNER, target="apilog:fresh", body={}),
    # --- Evidence ---------------------------------------------------------------------------
    Row("POST", f"{LOG}/evidence", api(403, pegawai=201, outsider=404), target="apilog:fresh",
        body={"file": ("foto.jpg", _jpeg())}, multipart=True),
    Row("POST", f"{LOG}/evidence", api(404), target="apilog:foreign",
        body={"file": ("foto.jpg", _jpeg())}, multipart=True),
    Row("POST", f"{LOG}/links", api(403, pegawai=201, outsider=404), target="apilog:fresh",
        body={"url": "https://contoh.go.id/notulen"}),
    Row("GET", f"{EVIDENCE}/file", SEEN, target="apiev:fresh", content_type="image/jpeg"),
    Row("GET", f"{EVIDENCE}/file", api(404), target="apiev:foreign"),
    Row("DELETE", EVIDENCE, api(403, pegawai=204, outsider=404), target="apiev:fresh"),
    Row("DELETE", EVIDENCE, api(404), target="apiev:foreign"),
    # --- Verification -----------------------------------------------------------------------
    Row("GET", f"{API}/verification-queue", api(200), target="apilog:setup"),
    Row("POST", f"{LOG}/verify", VERIFIER, target="apilog:submitted"),
    Row("POST", f"{LOG}/verify", api(404), target="apilog:foreign"),
    Row("POST", f"{LOG}/return", VERIFIER, target="apilog:submitted",
        body={"reason": "Bukti belum dilampirkan"}),
    Row("POST", f"{LOG}/return", api(404), target="apilog:foreign", body={"reason": "Tidak"}),
    Row("POST", f"{LOGS}/verify", api(200), target="apilog:setup", body={"ids": []}),
]
