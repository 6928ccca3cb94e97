"""API schemas for people, accounts and tokens, plus the two shapes every router shares: the
error body and the page envelope.

Field names are English; Indonesian domain terms (nip, golongan, jenis, jenjang, kelas, opd)
stay as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from kinerja.org.models import Jabatan
from kinerja.people.models import AsnType, EmployeeStatus, Pegawai, PositionAssignment

# --- Shared shapes ------------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str = Field(..., description="Stable machine code, e.g. not_found, forbidden.")
    message: str = Field(..., description="Human-readable text in the user's language.")
    details: Any = Field(None, description="Optional: field errors, allowed methods...")


class ErrorOut(Schema):
    error: ErrorBody


# Documented on every operation so integrators see the one error shape in the OpenAPI document.
# 429: a lock-out after repeated wrong passwords or codes (own password change, two-factor).
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
    429: ErrorOut,
}


class Pages(PageNumberPagination):
    """The one list envelope: `{items, count, page, page_size}`; `page` from 1, `page_size` up to
    200 (default 50). A page past the end is an empty `items`, not an error."""

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=50, max_page_size=200, **kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count = self._items_count(queryset)
        # Past the end is empty without asking the database: a huge page number would overflow
        # its OFFSET.
        items = queryset[offset : offset + page_size] if offset < count else queryset[:0]
        return {
            "items": items,
            "count": count,
            "page": pagination.page,
            "page_size": page_size,
        }


# --- Organisation references (small, embedded in people answers) -------------------------------


class OpdRef(Schema):
    id: int
    code: str
    name: str


class UnitRef(Schema):
    id: int
    code: str
    name: str


class PositionBrief(Schema):
    """A position as embedded in a person's answer."""

    id: int
    code: str
    name: str
    jenis: str
    jenjang: str
    kelas: int | None
    opd: OpdRef
    unit: UnitRef | None


def position_brief(jabatan: Jabatan) -> dict[str, Any]:
    return {
        "id": jabatan.pk, "code": jabatan.code, "name": jabatan.name, "jenis": jabatan.jenis,
        "jenjang": jabatan.jenjang, "kelas": jabatan.kelas, "opd": jabatan.opd,
        "unit": jabatan.unit,
    }


# --- People -------------------------------------------------------------------------------------


class EmployeeRef(Schema):
    nip: str
    name: str
    full_name: str


class PositionAssignmentOut(Schema):
    """One line of position history (or a position held now): definitif, plt or plh."""

    position: PositionBrief
    kind: str
    movement: str
    start_date: dt.date
    end_date: dt.date | None
    sk_number: str

    @staticmethod
    def resolve_position(obj: PositionAssignment) -> dict[str, Any]:
        return position_brief(obj.jabatan)


class EmployeeOut(Schema):
    nip: str
    name: str
    full_name: str
    gelar_depan: str
    gelar_belakang: str
    asn_type: str
    golongan: str
    status: str
    gender: str
    position: PositionBrief | None = Field(
        None, description="The definitive position held today (null if none)."
    )

    @staticmethod
    def resolve_position(obj: Pegawai) -> dict[str, Any] | None:
        current = getattr(obj, "current_assignments", None) or []
        return position_brief(current[0].jabatan) if current else None


class EmployeeDetailOut(EmployeeOut):
    birth_date: dt.date
    tmt_cpns: dt.date | None
    email: str
    phone: str
    positions: list[PositionAssignmentOut] = Field(
        default_factory=list, description="Positions held today: definitive and acting."
    )

    @staticmethod
    def resolve_positions(obj: Pegawai) -> list[PositionAssignment]:
        return list(getattr(obj, "held_now", []))


class EmployeeFilter(Schema):
    q: str = Field("", description="NIP prefix (4+ digits) or part of the name.")
    opd: int | None = Field(None, description="OPD id of the definitive position today.")
    status: EmployeeStatus | None = None
    asn_type: AsnType | None = None


class AtasanOut(Schema):
    """The pejabat penilai kinerja on a date, and through which position and capacity."""

    nip: str
    name: str
    full_name: str
    position: PositionBrief
    kind: str = Field(..., description="definitif, plt or plh.")
    skipped_position_ids: list[int] = Field(
        ..., description="Vacant positions passed on the way up the supervisor line."
    )


def atasan_out(view: Any) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "nip": view.pegawai.nip, "name": view.pegawai.name, "full_name": view.pegawai.full_name,
        "position": position_brief(view.jabatan), "kind": str(view.atasan.kind),
        "skipped_position_ids": list(view.atasan.skipped_positions),
    }


class AtasanResult(Schema):
    date: dt.date
    atasan: AtasanOut | None


class TeamMemberOut(Schema):
    nip: str
    name: str
    full_name: str
    golongan: str
    status: str
    position: PositionBrief
    direct: bool = Field(..., description="True when the viewer is this person's atasan.")
    via: str = Field(..., description="In what capacity the viewer rates them.")

    @staticmethod
    def resolve_nip(obj: Any) -> str:
        return obj.pegawai.nip

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.pegawai.name

    @staticmethod
    def resolve_full_name(obj: Any) -> str:
        return obj.pegawai.full_name

    @staticmethod
    def resolve_golongan(obj: Any) -> str:
        return obj.pegawai.golongan

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return obj.pegawai.status

    @staticmethod
    def resolve_position(obj: Any) -> dict[str, Any]:
        return position_brief(obj.jabatan)

    @staticmethod
    def resolve_via(obj: Any) -> str:
        return str(obj.via)


# --- Me, accounts, tokens -----------------------------------------------------------------------


class InstansiRef(Schema):
    id: int
    code: str
    name: str


class AccountOut(Schema):
    id: int
    username: str
    display_name: str
    instansi: InstansiRef | None
    password_changed_at: dt.datetime | None


class MeOut(Schema):
    account: AccountOut
    pegawai: EmployeeOut | None
    roles: list[str]
    positions: list[PositionAssignmentOut]
    atasan: AtasanOut | None
    admin_opd_ids: list[int]


class PasswordChangeIn(Schema):
    old_password: str
    new_password: str


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself. Shown once; store it now.")
