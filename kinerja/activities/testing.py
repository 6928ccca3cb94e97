"""Activity fixtures for tests: the plan cast (kinerja.plans.testing) with the pegawai's and
pegawai2's SKPs approved, so both can log work against an RHK today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kinerja.activities import services
from kinerja.activities.models import Activity
from kinerja.plans import services as plan_services
from kinerja.plans.models import Rhk
from kinerja.plans.testing import PlanCast, add_rhk, approve, plan_cast
from kinerja.testing import Cast


@dataclass
class WorkCast:
    plan: PlanCast
    rhk: dict[str, Rhk]
    today: dt.date


def work_cast(cast: Cast) -> WorkCast:
    plan = plan_cast(cast)
    rhk: dict[str, Rhk] = {}
    rhk["pegawai"] = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Surat tertata",
                             parent=plan.rhk["atasan"])
    approve(cast, "pegawai", plan.skp["pegawai"], "atasan")
    skp2 = plan_services.skp_create(actor=cast.pegawai2, pegawai=cast.people["pegawai2"],
                                    year=plan.year)
    rhk["pegawai2"] = add_rhk(cast, "pegawai2", skp2, "Arsip tertata", parent=plan.rhk["atasan"])
    approve(cast, "pegawai2", skp2, "atasan")
    rhk["atasan"] = plan.rhk["atasan"]
    return WorkCast(plan, rhk, timezone.localdate())


def log(cast: Cast, who: str, work: WorkCast, *, date: dt.date | None = None,
        start: tuple[int, int] = (8, 0), end: tuple[int, int] = (9, 0), **extra: Any) -> Activity:
    values: dict[str, Any] = {
        "date": date or work.today,
        "start_time": dt.time(*start),
        "end_time": dt.time(*end),
        "description": "Mencatat surat masuk",
        "output_quantity": Decimal(5),
        "output_unit": "surat",
        "rhk": work.rhk.get(who),
    }
    values.update(extra)
    return services.activity_save(actor=cast.accounts[who], **values)
