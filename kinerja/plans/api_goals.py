"""Plans API: organisation goals (Perjanjian Kinerja, sasaran strategis, IKU with targets and
realisation), their Excel import and the cascading tree (pohon kinerja).

Goals are open to everyone of the instansi (another instansi's are 404); changes are for admin
BKPSDM, the OPD's admin and the OPD's head (403 for others, who may see what they cannot change).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kinerja.core.errors import ApplicationError, NotFound
from kinerja.org.models import Opd
from kinerja.people.access import get_opd_for, opd_visible_to, today_in
from kinerja.people.schemas import ERRORS, Pages
from kinerja.plans.goals import services
from kinerja.plans.goals.imports import goals_import
from kinerja.plans.goals.schemas import (
    GoalsImportOut,
    IkuIn,
    IkuOut,
    IkuRealisationIn,
    PerjanjianDetailOut,
    PerjanjianFilter,
    PerjanjianIn,
    PerjanjianOut,
    PerjanjianUpdateIn,
    SasaranDetailOut,
    SasaranIn,
    TreeOut,
)
from kinerja.plans.goals.selectors import (
    default_opd,
    get_iku_for,
    get_perjanjian_for,
    get_sasaran_for,
    perjanjian_detail,
    perjanjian_list,
)
from kinerja.plans.goals.tree import GoalTree, RhkNode, goal_tree
from kinerja.plans.models import Iku, PerjanjianKinerja, SasaranStrategis

router = Router(tags=["sasaran"])


def _user(request: HttpRequest) -> Any:
    return request.user


def _opd_of(request: HttpRequest, opd_id: int | None, opd_code: str) -> Opd:
    if opd_id is not None:
        return get_opd_for(_user(request), opd_id)
    found = opd_visible_to(_user(request)).filter(code=opd_code.strip()).first()
    if not opd_code.strip() or found is None:
        raise NotFound("not_found", _("OPD not found."))
    return found


# --- Perjanjian Kinerja -------------------------------------------------------------------


@router.get("/goals/perjanjian", response={200: list[PerjanjianOut], **ERRORS},
            summary="Perjanjian Kinerja of the instansi's OPDs")
@paginate(Pages)
def perjanjian_index(
    request: HttpRequest, filters: Query[PerjanjianFilter]
) -> QuerySet[PerjanjianKinerja]:
    return perjanjian_list(_user(request), opd_id=filters.opd_id, year=filters.year)


@router.post("/goals/perjanjian", response={200: PerjanjianOut, **ERRORS},
             summary="Create (or update) the Perjanjian Kinerja of an OPD and year")
def perjanjian_upsert(request: HttpRequest, payload: PerjanjianIn) -> PerjanjianKinerja:
    """Idempotent on (OPD, year): the same body twice leaves one agreement."""
    opd = _opd_of(request, payload.opd_id, payload.opd_code)
    return services.perjanjian_save(actor=_user(request), opd=opd, year=payload.year,
                                    signed_on=payload.signed_on)


@router.get("/goals/perjanjian/{perjanjian_id}", response={200: PerjanjianDetailOut, **ERRORS},
            summary="One Perjanjian Kinerja with its sasaran and IKU")
def perjanjian_get(request: HttpRequest, perjanjian_id: int) -> PerjanjianKinerja:
    return perjanjian_detail(get_perjanjian_for(_user(request), perjanjian_id).pk)


@router.put("/goals/perjanjian/{perjanjian_id}", response={200: PerjanjianOut, **ERRORS},
            summary="Change the signing date of a Perjanjian Kinerja")
def perjanjian_update(
    request: HttpRequest, perjanjian_id: int, payload: PerjanjianUpdateIn
) -> PerjanjianKinerja:
    found = get_perjanjian_for(_user(request), perjanjian_id)
    return services.perjanjian_save(actor=_user(request), opd=found.opd, year=found.year,
                                    signed_on=payload.signed_on)


@router.delete("/goals/perjanjian/{perjanjian_id}", response={204: None, **ERRORS},
               summary="Delete an empty Perjanjian Kinerja")
def perjanjian_remove(request: HttpRequest, perjanjian_id: int) -> Status:
    found = get_perjanjian_for(_user(request), perjanjian_id)
    services.perjanjian_delete(actor=_user(request), perjanjian=found)
    return Status(204, None)


# --- Sasaran ------------------------------------------------------------------------------


@router.post("/goals/perjanjian/{perjanjian_id}/sasaran", response={201: SasaranDetailOut,
             **ERRORS}, summary="Add a sasaran strategis")
def sasaran_create(request: HttpRequest, perjanjian_id: int, payload: SasaranIn) -> Status:
    found = get_perjanjian_for(_user(request), perjanjian_id)
    sasaran = services.sasaran_save(actor=_user(request), perjanjian=found, **payload.dict())
    return Status(201, sasaran)


@router.get("/goals/sasaran/{sasaran_id}", response={200: SasaranDetailOut, **ERRORS},
            summary="One sasaran strategis with its IKU")
def sasaran_get(request: HttpRequest, sasaran_id: int) -> SasaranStrategis:
    return get_sasaran_for(_user(request), sasaran_id)


@router.put("/goals/sasaran/{sasaran_id}", response={200: SasaranDetailOut, **ERRORS},
            summary="Change a sasaran strategis")
def sasaran_update(request: HttpRequest, sasaran_id: int, payload: SasaranIn) -> SasaranStrategis:
    found = get_sasaran_for(_user(request), sasaran_id)
    return services.sasaran_save(actor=_user(request), perjanjian=found.perjanjian,
                                 sasaran=found, **payload.dict())


@router.delete("/goals/sasaran/{sasaran_id}", response={204: None, **ERRORS},
               summary="Delete a sasaran and its IKU (refused while RHKs hang from one)")
def sasaran_remove(request: HttpRequest, sasaran_id: int) -> Status:
    services.sasaran_delete(actor=_user(request),
                            sasaran=get_sasaran_for(_user(request), sasaran_id))
    return Status(204, None)


# --- IKU ----------------------------------------------------------------------------------


@router.post("/goals/sasaran/{sasaran_id}/iku", response={201: IkuOut, **ERRORS},
             summary="Add an IKU to a sasaran")
def iku_create(request: HttpRequest, sasaran_id: int, payload: IkuIn) -> Status:
    found = get_sasaran_for(_user(request), sasaran_id)
    return Status(201, services.iku_save(actor=_user(request), sasaran=found, **payload.dict()))


@router.get("/goals/iku/{iku_id}", response={200: IkuOut, **ERRORS}, summary="One IKU")
def iku_get(request: HttpRequest, iku_id: int) -> Iku:
    return get_iku_for(_user(request), iku_id)


@router.put("/goals/iku/{iku_id}", response={200: IkuOut, **ERRORS},
            summary="Change an IKU (code, indicator, unit, annual target)")
def iku_update(request: HttpRequest, iku_id: int, payload: IkuIn) -> Iku:
    found = get_iku_for(_user(request), iku_id)
    return services.iku_save(actor=_user(request), sasaran=found.sasaran, iku=found,
                             **payload.dict())


@router.delete("/goals/iku/{iku_id}", response={204: None, **ERRORS},
               summary="Delete an IKU (refused while RHKs hang from it)")
def iku_remove(request: HttpRequest, iku_id: int) -> Status:
    services.iku_delete(actor=_user(request), iku=get_iku_for(_user(request), iku_id))
    return Status(204, None)


@router.put("/goals/iku/{iku_id}/realisation", response={200: IkuOut, **ERRORS},
            summary="Record the realisation of an IKU in a quarter")
def iku_realisation(request: HttpRequest, iku_id: int, payload: IkuRealisationIn) -> Iku:
    found = get_iku_for(_user(request), iku_id)
    return services.iku_realisation_save(actor=_user(request), iku=found,
                                         quarter=payload.quarter, value=payload.value)


# --- Import -------------------------------------------------------------------------------


@router.post("/goals/import", response={200: GoalsImportOut, **ERRORS},
             summary="Import Perjanjian Kinerja from an Excel sheet (one row per IKU)")
def goals_import_create(
    request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Any:
    """Columns in docs/import-format.md ("Perjanjian Kinerja (Excel)"). Bad rows are listed in
    `errors` with line and reason and skipped; the good ones are kept (unless dry_run)."""
    return goals_import(actor=_user(request), upload=file, file_name=file.name or "upload.xlsx",
                        dry_run=dry_run)


# --- Tree ---------------------------------------------------------------------------------


def _rhk_out(node: RhkNode, *, children: bool = True) -> dict[str, Any]:
    return {
        "id": node.id, "text": node.text, "kind": node.kind, "skp_id": node.skp_id,
        "skp_status": node.skp_status,
        "owner": {"nip": node.owner_nip, "name": node.owner_name,
                  "jabatan": node.jabatan_name, "jenis": node.jabatan_jenis},
        "individual": node.is_individual,
        "children": [_rhk_out(child) for child in node.children] if children else [],
    }


def _tree_out(tree: GoalTree) -> dict[str, Any]:
    return {
        "opd": tree.opd, "year": tree.year,
        "perjanjian_id": tree.perjanjian.pk if tree.perjanjian else None,
        "iku_count": len(tree.roots), "covered_count": tree.covered_count,
        "coverage": tree.coverage, "node_count": tree.node_count,
        "tree": [
            {"id": root.iku.pk, "code": root.iku.code, "indicator": root.iku.indicator,
             "sasaran_code": root.iku.sasaran.code, "covered": root.covered,
             "children": [_rhk_out(child) for child in root.children]}
            for root in tree.roots
        ],
        # An orphan is listed alone (RHKs serving it, if any, are not the cascade of an IKU).
        "orphans": [_rhk_out(node, children=False) for node in tree.orphans],
    }


@router.get("/goals/tree", response={200: TreeOut, **ERRORS},
            summary="Pohon kinerja of an OPD and year: IKU down to individual RHKs")
def goals_tree(request: HttpRequest, opd_id: int | None = None, year: int | None = None) -> Any:
    """`opd_id` defaults to the caller's own OPD (else the first OPD by name), `year` to this
    year. Coverage counts only approved SKPs."""
    user = _user(request)
    opd = get_opd_for(user, opd_id) if opd_id is not None else default_opd(user)
    if opd is None:
        raise ApplicationError("opd_required", _("Choose an OPD (opd_id)."), status=422)
    return _tree_out(goal_tree(opd, year or today_in(user).year))
