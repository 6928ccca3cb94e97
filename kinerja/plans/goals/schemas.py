"""API schemas for organisation goals (Perjanjian Kinerja, sasaran, IKU), the goals import and
the cascading tree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from kinerja.people.schemas import OpdRef


class PerjanjianIn(Schema):
    opd_id: int | None = Field(None, description="The OPD by id, or else by `opd_code`.")
    opd_code: str = Field("", description="The OPD's code (as in SIMPEG), when no opd_id.")
    year: int = Field(..., ge=2000, le=2100)
    signed_on: dt.date | None = None


class PerjanjianUpdateIn(Schema):
    signed_on: dt.date | None = None


class PerjanjianFilter(Schema):
    opd_id: int | None = None
    year: int | None = None


class SasaranIn(Schema):
    code: str = Field(..., max_length=40)
    text: str
    order: int | None = Field(None, ge=0, le=32767)


class IkuIn(Schema):
    code: str = Field(..., max_length=40)
    indicator: str
    unit: str = Field(..., max_length=60)
    annual_target: Decimal
    order: int | None = Field(None, ge=0, le=32767)


class IkuRealisationIn(Schema):
    quarter: int = Field(..., ge=1, le=4, description="Triwulan 1-4.")
    value: Decimal | None = Field(None, description="null clears the quarter's realisation.")


class IkuOut(Schema):
    id: int
    sasaran_id: int
    code: str
    indicator: str
    unit: str
    annual_target: Decimal
    realisation_q1: Decimal | None
    realisation_q2: Decimal | None
    realisation_q3: Decimal | None
    realisation_q4: Decimal | None
    order: int


class SasaranOut(Schema):
    id: int
    perjanjian_id: int
    code: str
    text: str
    order: int


class SasaranDetailOut(SasaranOut):
    iku: list[IkuOut]

    @staticmethod
    def resolve_iku(obj: object) -> list[object]:
        return list(obj.iku.all())  # type: ignore[attr-defined]


class PerjanjianOut(Schema):
    id: int
    opd: OpdRef
    year: int
    signed_on: dt.date | None


class PerjanjianDetailOut(PerjanjianOut):
    sasaran: list[SasaranDetailOut]

    @staticmethod
    def resolve_sasaran(obj: object) -> list[object]:
        return list(obj.sasaran.all())  # type: ignore[attr-defined]


class ImportErrorOut(Schema):
    line: int
    column: str
    code: str
    message: str
    value: str


class GoalsImportOut(Schema):
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportErrorOut]


class TreeOwner(Schema):
    nip: str
    name: str
    jabatan: str
    jenis: str


class TreeRhkOut(Schema):
    id: int
    text: str
    kind: str
    owner: TreeOwner
    skp_id: int
    skp_status: str
    individual: bool
    children: list[TreeRhkOut]


class TreeIkuOut(Schema):
    id: int
    code: str
    indicator: str
    sasaran_code: str
    covered: bool
    children: list[TreeRhkOut]


class TreeOut(Schema):
    opd: OpdRef
    year: int
    perjanjian_id: int | None
    iku_count: int
    covered_count: int
    coverage: float | None = Field(
        ..., description="Share of IKUs (0-1) reaching a pelaksana or fungsional RHK through "
        "approved SKPs only; null without IKUs."
    )
    node_count: int
    tree: list[TreeIkuOut]
    orphans: list[TreeRhkOut] = Field(
        ..., description="RHK utama of the OPD's SKPs of the year (closed SKPs left out) "
        "linked to no RHK and no IKU."
    )


TreeRhkOut.model_rebuild()
