"""Authorization matrix rows for the employee's activity log pages (kinerja/activities/views_logs).

Targets are logs of the pegawai (kinerja.activities.testing.work_cast: their SKP approved, the
performance year open), made fresh for every call since most rows change them. Who sees a log:
the pegawai, the line above (atasan, kadis), the admin OPD of Dinkes and the instansi-wide roles;
the outsider (Disdik) and another instansi do not (404). Who changes it: only its owner; everyone
else who sees it gets 403 (from the page, or from the service on a POST). Everyone with an
employee record logs their own work, so the list, the new-log form and the submit-a-day button
answer every logged-in actor.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone

from kinerja.web.tests.matrix_base import Row, page

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


def _fresh_log(world: Any) -> Any:
    from kinerja.activities import services

    work = _work(world)
    return services.activity_save(
        actor=world.cast.pegawai, date=work.today, minutes=10, description="Log matriks",
        output_unit="surat", is_additional_task=True,
    )


def _foreign_log(world: Any) -> Any:
    from kinerja.activities.models import Activity

    found = world.__dict__.get("_activity_foreign")
    if found is None:
        foreign = world.foreign
        found = Activity.objects.create(
            instansi=foreign.instansi, pegawai=foreign.people["pegawai"],
            date=timezone.localdate(), minutes=10, description="Log instansi lain",
            output_unit="surat", is_additional_task=True,
        )
        world.__dict__["_activity_foreign"] = found
    return found


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "JPEG")
    return out.getvalue()


def _log_target(world: Any, actor: str, name: str) -> str:
    if name == "setup":  # a route without a placeholder: only the world is prepared
        _work(world)
        return ""
    if name == "foreign":
        return str(_foreign_log(world).pk)
    return str(_fresh_log(world).pk)


def _evidence_target(world: Any, actor: str, name: str) -> str:
    from kinerja.activities import services
    from kinerja.activities.models import Evidence

    if name == "foreign":
        log = _foreign_log(world)
        item = Evidence.objects.create(
            instansi_id=log.instansi_id, activity=log, kind="link", url="https://lain.example.id"
        )
        return str(item.pk)
    evidence = services.evidence_add_file(
        actor=world.cast.pegawai, activity=_fresh_log(world), name="bukti.jpg", data=_jpeg()
    )
    return str(evidence.pk)


TARGETS = {"actlog": _log_target, "actev": _evidence_target}

LOG = "/kegiatan/<int:pk>/"
EVIDENCE = "/kegiatan/bukti/<int:pk>/"
LOG_BODY = {
    "date": TODAY, "minutes": "15", "description": "Dari matriks", "output_quantity": "1",
    "output_unit": "surat", "is_additional_task": "on", "action": "draft",
}
OWNER_ONLY = page(403, pegawai=302, outsider=404)

ROWS: list[Row] = [
    Row("GET", "/kegiatan/", page(200), target="actlog:setup"),
    Row("GET", "/kegiatan/baru/", page(200), target="actlog:setup"),
    Row("POST", "/kegiatan/baru/", page(302), target="actlog:setup", body=LOG_BODY),
    Row("POST", "/kegiatan/ajukan-hari/", page(302), target="actlog:setup",
        body={"tanggal": TODAY}),
    Row("GET", LOG, page(200, outsider=404), target="actlog:draft"),
    Row("GET", LOG, page(404), target="actlog:foreign"),
    Row("GET", f"{LOG}ubah/", page(403, pegawai=200, outsider=404), target="actlog:draft"),
    Row("GET", f"{LOG}ubah/", page(404), target="actlog:foreign"),
    Row("POST", f"{LOG}ubah/", OWNER_ONLY, target="actlog:draft", body=LOG_BODY),
    Row("POST", f"{LOG}ajukan/", OWNER_ONLY, target="actlog:draft"),
    Row("POST", f"{LOG}ajukan/", page(404), target="actlog:foreign"),
    Row("POST", f"{LOG}hapus/", OWNER_ONLY, target="actlog:draft"),
    Row("POST", f"{LOG}hapus/", page(404), target="actlog:foreign"),
    Row("POST", f"{LOG}bukti/", OWNER_ONLY, target="actlog:draft",
        body={"links": "https://arsip.example.id/1"}),
    Row("GET", EVIDENCE, page(200, outsider=404), target="actev:file"),
    Row("GET", EVIDENCE, page(404), target="actev:foreign"),
    Row("POST", f"{EVIDENCE}hapus/", OWNER_ONLY, target="actev:file"),
    Row("POST", f"{EVIDENCE}hapus/", page(404), target="actev:foreign"),
]
