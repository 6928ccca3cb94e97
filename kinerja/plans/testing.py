"""Plan fixtures for tests, built on the shared cast (kinerja.testing) through the services.

`plan_cast(cast)` gives the Dinas Kesehatan a Perjanjian Kinerja with one IKU and a cascade of
approved SKPs down the kadis > sekretaris > kasubag (atasan) line, and a draft SKP for the
pegawai, for the current year (the cast opens it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from kinerja.core.models import PerformanceMonth, PerformanceYear
from kinerja.plans import services
from kinerja.plans.models import Iku, PerjanjianKinerja, Rhk, SasaranStrategis, Skp
from kinerja.testing import Cast


def this_year() -> int:
    return timezone.localdate().year


def open_year(cast: Cast, year: int, **settings: object) -> PerformanceYear:
    found = PerformanceYear.objects.filter(instansi=cast.instansi, year=year).first()
    if found:
        return found
    created = PerformanceYear.objects.create(instansi=cast.instansi, year=year, **settings)
    PerformanceMonth.objects.bulk_create(
        PerformanceMonth(instansi=cast.instansi, performance_year=created, month=m)
        for m in range(1, 13)
    )
    return created


@dataclass
class PlanCast:
    year: int
    perjanjian: PerjanjianKinerja
    iku: Iku
    skp: dict[str, Skp] = field(default_factory=dict)
    rhk: dict[str, Rhk] = field(default_factory=dict)


def add_rhk(cast: Cast, who: str, skp: Skp, text: str, **links: object) -> Rhk:
    account = cast.accounts[who]
    rhk = services.rhk_save(actor=account, skp=skp, text=text, **links)  # type: ignore[arg-type]
    services.indicator_save(
        actor=account, rhk=rhk, aspek="kuantitas", text=f"Jumlah {text.lower()}",
        target_kind="angka", target_min=Decimal(12), unit="dokumen",
    )
    return rhk


def approve(cast: Cast, who: str, skp: Skp, approver: str) -> Skp:
    services.skp_submit(actor=cast.accounts[who], skp=skp)
    return services.skp_approve(actor=cast.accounts[approver], skp=skp)


def plan_cast(cast: Cast, year: int | None = None) -> PlanCast:
    year = year or this_year()
    open_year(cast, year)
    perjanjian = PerjanjianKinerja.objects.create(
        instansi=cast.instansi, opd=cast.opds["dinkes"], year=year, signed_on=dt.date(year, 1, 15)
    )
    sasaran = SasaranStrategis.objects.create(
        instansi=cast.instansi, perjanjian=perjanjian, code="SS1",
        text="Meningkatnya derajat kesehatan masyarakat",
    )
    iku = Iku.objects.create(
        instansi=cast.instansi, sasaran=sasaran, code="IKU1",
        indicator="Persentase fasilitas kesehatan terakreditasi", unit="persen",
        annual_target=Decimal(90),
    )
    plan = PlanCast(year, perjanjian, iku)
    people = cast.people
    plan.skp["kadis"] = services.skp_create(actor=cast.kadis, pegawai=people["kadis"], year=year)
    plan.rhk["kadis"] = add_rhk(
        cast, "kadis", plan.skp["kadis"], "Akreditasi fasilitas kesehatan", iku=iku,
        perspektif="penerima_layanan",
    )
    approve(cast, "kadis", plan.skp["kadis"], "admin_bkpsdm")
    chain = [("sekretaris", "kadis"), ("atasan", "sekretaris")]
    for who, boss in chain:
        plan.skp[who] = services.skp_create(actor=cast.accounts[who], pegawai=people[who],
                                            year=year)
        plan.rhk[who] = add_rhk(cast, who, plan.skp[who], f"Dukungan {who}",
                                parent=plan.rhk[boss], intervention="langsung")
        approve(cast, who, plan.skp[who], boss)
    plan.skp["pegawai"] = services.skp_create(actor=cast.pegawai, pegawai=people["pegawai"],
                                              year=year)
    return plan
