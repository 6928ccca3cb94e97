"""API for the organisation structure (OPD, units, positions).

The structure is open to everyone of the instansi (kinerja.people.access.opd_visible_to);
another instansi's objects are 404.
"""


from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from kinerja.org.models import Jabatan, Opd, UnitKerja
from kinerja.org.schemas import (
    OpdOut,
    PositionDetailOut,
    PositionFilter,
    PositionOut,
    UnitDetailOut,
    UnitFilter,
    UnitOut,
)
from kinerja.people.access import (
    get_jabatan_for,
    get_opd_for,
    get_unit_for,
    in_force_q,
    jabatan_visible_to,
    opd_visible_to,
    today_in,
    unit_visible_to,
)
from kinerja.people.models import INACTIVE_STATUSES, PositionAssignment
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["organisasi"])


@router.get("/opd", response={200: list[OpdOut], **ERRORS}, summary="OPD of the instansi")
@paginate(Pages)
def opd_list(request: HttpRequest) -> QuerySet[Opd]:
    return opd_visible_to(request.user).order_by("name", "pk")  # type: ignore[arg-type]


@router.get("/opd/{opd_id}", response={200: OpdOut, **ERRORS}, summary="One OPD")
def opd_detail(request: HttpRequest, opd_id: int) -> Opd:
    return get_opd_for(request.user, opd_id)  # type: ignore[arg-type]


@router.get("/units", response={200: list[UnitOut], **ERRORS}, summary="Work units, as a tree")
@paginate(Pages)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[UnitKerja]:
    qs = unit_visible_to(request.user)  # type: ignore[arg-type]
    if filters.opd is not None:
        qs = qs.filter(opd_id=filters.opd)
    return qs.order_by("opd_id", "path", "pk")


@router.get("/units/{unit_id}", response={200: UnitDetailOut, **ERRORS}, summary="One work unit")
def unit_detail(request: HttpRequest, unit_id: int) -> UnitKerja:
    unit = get_unit_for(request.user, unit_id)  # type: ignore[arg-type]
    if unit.parent_id is not None:
        unit.parent  # noqa: B018 - loads the parent for the answer (one query)
    return unit


@router.get("/positions", response={200: list[PositionOut], **ERRORS}, summary="Positions")
@paginate(Pages)
def position_list(request: HttpRequest, filters: Query[PositionFilter]) -> QuerySet[Jabatan]:
    qs = jabatan_visible_to(request.user)  # type: ignore[arg-type]
    if filters.opd is not None:
        qs = qs.filter(opd_id=filters.opd)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.jenis:
        qs = qs.filter(jenis=filters.jenis)
    if filters.q.strip():
        term = filters.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return qs.order_by("path", "pk")


@router.get(
    "/positions/{position_id}",
    response={200: PositionDetailOut, **ERRORS},
    summary="One position with its supervisor and today's holders (definitive, Plt, Plh)",
)
def position_detail(request: HttpRequest, position_id: int) -> Jabatan:
    jabatan = get_jabatan_for(request.user, position_id)  # type: ignore[arg-type]
    on = today_in(request.user)  # type: ignore[arg-type]
    jabatan.holders_now = list(  # type: ignore[attr-defined]
        PositionAssignment.objects.filter(in_force_q(on), jabatan=jabatan)
        .exclude(pegawai__status__in=INACTIVE_STATUSES)
        .select_related("pegawai")
        .order_by("kind", "-start_date", "pegawai__name")
    )
    return jabatan
