"""API schemas for the organisation structure: OPD, unit kerja, jabatan (positions)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from kinerja.org.models import JenisJabatan
from kinerja.people.schemas import EmployeeRef, OpdRef, UnitRef


class OpdOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    is_active: bool


class UnitFilter(Schema):
    opd: int | None = Field(None, description="Only units of this OPD.")


class UnitOut(Schema):
    id: int
    opd_id: int
    parent_id: int | None
    code: str
    name: str
    path: str = Field(..., description='Ids from the root down, e.g. "/3/17/42/".')
    depth: int = Field(..., description="0 for a root unit.")
    is_active: bool


class UnitDetailOut(UnitOut):
    opd: OpdRef
    parent: UnitRef | None


class PositionFilter(Schema):
    opd: int | None = None
    unit: int | None = None
    jenis: JenisJabatan | None = None
    q: str = Field("", description="Part of the name or code.")


class PositionOut(Schema):
    id: int
    code: str
    name: str
    jenis: str
    jenjang: str
    kelas: int | None
    opd_id: int
    unit_id: int | None
    supervisor_id: int | None
    path: str = Field(..., description="The supervisor line from the top position down.")
    is_active: bool


class PositionRef(Schema):
    id: int
    code: str
    name: str
    jenis: str


class HolderOut(Schema):
    """Someone holding the position today, definitively or as Plt/Plh."""

    employee: EmployeeRef
    kind: str
    start_date: dt.date
    end_date: dt.date | None

    @staticmethod
    def resolve_employee(obj: object) -> object:
        return obj.pegawai  # type: ignore[attr-defined]


class PositionDetailOut(PositionOut):
    opd: OpdRef
    unit: UnitRef | None
    supervisor: PositionRef | None
    holders: list[HolderOut] = Field(
        default_factory=list, description="Today's holders: definitive, Plt and Plh."
    )

    @staticmethod
    def resolve_holders(obj: object) -> list[object]:
        return list(getattr(obj, "holders_now", []))
