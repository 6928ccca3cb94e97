"""Authorization matrix rows for the calibration pages (kinerja/evaluations/views_calibration.py)
and the evaluation settings and recompute pages (views_settings.py).

Calibration is read by admin BKPSDM, pimpinan and auditor (everyone else 403); admin BKPSDM and
pimpinan set the organisation predikat and change a predikat (the auditor and the rest 403).
Another instansi's OPD is 404 to the readers (the rest may not read at all: 403), and another
instansi's OPD or evaluation is 404 to everyone on a write. The evaluation settings and the
recompute are for admin BKPSDM only (403); a recompute run is 404 to everyone else, as an import
run is (and as the API's run).

Targets: `opd:dinkes` / `opd:foreign` (the matrix's own); `calev:own` the pegawai's evaluation
of the current period (kinerja.evaluations.testing.eval_cast, made once per row),
`calev:foreign` one of another instansi; `calrun:own` / `calrun:foreign` a finished recompute
run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from kinerja.evaluations.presets import DEFAULT_METHOD
from kinerja.web.tests.matrix_base import INSTANSI_READERS, Row, page

TODAY = timezone.localdate()
PERIOD = f"{TODAY.year}-bulanan-{TODAY.month}"
ANNUAL = f"{TODAY.year}-tahunan-0"
ORG_FORM = {"predikat": "baik", "note": "Capaian IKU 96%", "periode": PERIOD}
CALIBRATE_FORM = {"predikat": "sangat_baik", "reason": "Kalibrasi tim penilai kinerja"}
SETTINGS_FORM = {"objection_days": "14", "score_method": DEFAULT_METHOD}


def _evaluation(world: Any, actor: str, name: str) -> str:
    from kinerja.evaluations.testing import eval_cast

    cast = world.foreign if name == "foreign" else world.cast
    if name not in ("own", "foreign"):
        raise AssertionError(f"unknown calibration evaluation target {name!r}")
    cached = world.__dict__.setdefault("_calibration_evaluations", {})
    if name not in cached:
        cached[name] = str(eval_cast(cast).evaluation.pk)
    return str(cached[name])


def _run(world: Any, actor: str, name: str) -> str:
    from kinerja.evaluations.models import RecomputeRun, RunStatus

    cast = world.foreign if name == "foreign" else world.cast
    run = RecomputeRun.objects.create(
        instansi=cast.instansi, year=TODAY.year, period_kind="bulanan", period_no=TODAY.month,
        status=RunStatus.DONE, phase="done", total=3, done=3, updated=1, unchanged=2,
    )
    return str(run.pk)


TARGETS: dict[str, Callable[..., Any]] = {"calev": _evaluation, "calrun": _run}

READERS = page(403, **INSTANSI_READERS)
CALIBRATORS = page(403, admin_bkpsdm=302, pimpinan=302)
ADMIN_ONLY = page(403, admin_bkpsdm=200)

ROWS: list[Row] = [
    # --- Calibration --------------------------------------------------------------------------
    Row("GET", "/kalibrasi/", READERS),
    Row("GET", "/kalibrasi/opd/<int:opd_pk>/", READERS, target="opd:dinkes"),
    Row("GET", "/kalibrasi/opd/<int:opd_pk>/",
        page(403, admin_bkpsdm=404, pimpinan=404, auditor=404), target="opd:foreign"),
    Row("POST", "/kalibrasi/opd/<int:opd_pk>/predikat/", CALIBRATORS, target="opd:dinkes",
        body=ORG_FORM),
    Row("POST", "/kalibrasi/opd/<int:opd_pk>/predikat/", page(404), target="opd:foreign",
        body=ORG_FORM),
    Row("POST", "/kalibrasi/penilaian/<int:evaluation_pk>/", CALIBRATORS, target="calev:own",
        body=CALIBRATE_FORM),
    Row("POST", "/kalibrasi/penilaian/<int:evaluation_pk>/", page(404), target="calev:foreign",
        body=CALIBRATE_FORM),
    # --- Settings and recompute (admin BKPSDM) ------------------------------------------------
    Row("GET", "/pengaturan/penilaian/", ADMIN_ONLY),
    Row("POST", "/pengaturan/penilaian/", page(403, admin_bkpsdm=302), body=SETTINGS_FORM),
    Row("GET", "/penilaian/hitung-ulang/", ADMIN_ONLY),
    Row("POST", "/penilaian/hitung-ulang/", page(403, admin_bkpsdm=302), body={"periode": ANNUAL}),
    Row("GET", "/penilaian/hitung-ulang/<int:run_pk>/", page(404, admin_bkpsdm=200),
        target="calrun:own"),
    Row("GET", "/penilaian/hitung-ulang/<int:run_pk>/", page(404), target="calrun:foreign"),
]
