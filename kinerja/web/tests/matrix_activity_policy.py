"""Authorization matrix rows: the activity policy page (read by the instansi, set by BKPSDM)."""

from __future__ import annotations

from kinerja.web.tests.matrix_base import Row, page

ROWS: list[Row] = [
    Row("GET", "/pengaturan/kegiatan/", page(200)),
    Row("POST", "/pengaturan/kegiatan/", page(404, admin_bkpsdm=302), body={
        "max_daily_minutes": "480", "work_start": "07:30", "work_end": "16:00",
        "work_days": ["1", "2", "3", "4", "5"], "verification_wait_days": "5",
        "evidence_max_mb": "5",
    }),
]
