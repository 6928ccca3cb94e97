"""Plans API: the SKP, its parts (RHK, indicators, perilaku, lampiran) and its workflow.

Reads go through the scoped getters of kinerja.plans.selectors (404 outside scope); writes call
one service, which decides who may do it (403 `forbidden`), in which state (409) and refuses
rule breaks (400 with the service's code). Writes take an optional `version` (the SKP version
last read) and answer 409 `stale` when the SKP changed meanwhile.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.models import AuditRecord
from kinerja.people.access import request_account, today_in
from kinerja.people.rules import normalise_nip
from kinerja.people.schemas import ERRORS, Pages
from kinerja.plans import selectors, services
from kinerja.plans.models import Iku, Lampiran, Rhk, Skp
from kinerja.plans.schemas import (
    HistoryOut,
    IndicatorIn,
    IndicatorOut,
    LampiranIn,
    LampiranOut,
    LinkChoicesOut,
    PerilakuIn,
    PerilakuListOut,
    ProblemsOut,
    ReturnIn,
    ReviseIn,
    RhkIn,
    RhkOut,
    SkpCreateIn,
    SkpDetailOut,
    SkpFilter,
    SkpOut,
    SkpUpdateIn,
    VersionIn,
)
from kinerja.plans.selectors import (
    get_indicator_for,
    get_rhk_for,
    get_skp_for,
    skp_visible_to,
)

router = Router(tags=["plans"])

NO_CONTENT = {204: None, **ERRORS}


def get_lampiran_for(account: Any, pk: int) -> Lampiran:
    lampiran = (
        Lampiran.objects.filter(pk=pk, skp__in=skp_visible_to(account))
        .select_related("skp", "skp__pegawai")
        .first()
    )
    if lampiran is None:
        raise NotFound("not_found", _("Annex item not found."))
    return lampiran


def _detail(skp: Skp) -> Skp:
    return selectors.skp_detail(skp)


def _links(skp: Skp, payload: RhkIn) -> dict[str, Any]:
    """The RHK's parent and IKU as objects. Another instansi's (or a missing) id is a 400: the
    service then judges whether the link is allowed (supervisor's, approved, same year)."""
    parent = iku = None
    if payload.parent_id is not None:
        parent = Rhk.objects.filter(pk=payload.parent_id, instansi_id=skp.instansi_id).first()
        if parent is None:
            raise ApplicationError("parent_not_found", _("The RHK to serve does not exist."))
    if payload.iku_id is not None:
        iku = (
            Iku.objects.filter(pk=payload.iku_id, instansi_id=skp.instansi_id)
            .select_related("sasaran__perjanjian")
            .first()
        )
        if iku is None:
            raise ApplicationError("iku_not_found", _("The IKU does not exist."))
    return {"parent": parent, "iku": iku}


# --- SKP ------------------------------------------------------------------------------------


@router.get("/skp", response={200: list[SkpOut], **ERRORS}, summary="SKPs in scope")
@paginate(Pages)
def skp_list(request: HttpRequest, filters: Query[SkpFilter]) -> QuerySet[Skp]:
    qs = selectors.skp_list(
        request_account(request), year=filters.year, status=filters.status or ""
    )
    if filters.nip.strip():
        qs = qs.filter(pegawai__nip=normalise_nip(filters.nip))
    return qs


@router.post("/skp", response={201: SkpDetailOut, **ERRORS}, summary="Open own SKP for a year")
def skp_create(request: HttpRequest, payload: SkpCreateIn) -> Status[Any]:
    account = request_account(request)
    if account.pegawai is None:
        raise Forbidden("forbidden", _("Only an employee may open an SKP."))
    skp = services.skp_create(actor=account, pegawai=account.pegawai, year=payload.year)
    return Status(201, _detail(skp))


@router.get("/skp/{skp_id}", response={200: SkpDetailOut, **ERRORS}, summary="One SKP, whole")
def skp_detail(request: HttpRequest, skp_id: int) -> Skp:
    return _detail(get_skp_for(request_account(request), skp_id))


@router.patch("/skp/{skp_id}", response={200: SkpDetailOut, **ERRORS}, summary="SKP settings")
def skp_update(request: HttpRequest, skp_id: int, payload: SkpUpdateIn) -> Skp:
    account = request_account(request)
    skp = get_skp_for(account, skp_id)
    services.skp_update(
        actor=account, skp=skp, approach=payload.approach, expected_version=payload.version
    )
    return _detail(skp)


@router.get(
    "/skp/{skp_id}/history",
    response={200: list[HistoryOut], **ERRORS},
    summary="Every change to the SKP and its parts, oldest first",
)
@paginate(Pages)
def skp_history(request: HttpRequest, skp_id: int) -> QuerySet[AuditRecord]:
    return selectors.skp_history(get_skp_for(request_account(request), skp_id))


@router.get(
    "/skp/{skp_id}/problems",
    response={200: ProblemsOut, **ERRORS},
    summary="What keeps the SKP from being submitted",
)
def skp_problems(request: HttpRequest, skp_id: int) -> dict[str, Any]:
    account = request_account(request)
    problems = services.submission_problems(get_skp_for(account, skp_id), today_in(account))
    return {"submittable": not problems, "problems": problems}


@router.get(
    "/skp/{skp_id}/link-choices",
    response={200: LinkChoicesOut, **ERRORS},
    summary="What an RHK of this SKP may serve: the supervisor's approved RHK, or IKU",
)
def skp_link_choices(request: HttpRequest, skp_id: int) -> dict[str, Any]:
    account = request_account(request)
    choices = selectors.link_choices(get_skp_for(account, skp_id), today_in(account))
    return {
        "is_opd_head": choices.is_opd_head,
        "supervisor": choices.supervisor,
        "supervisor_skp_id": choices.supervisor_skp.pk if choices.supervisor_skp else None,
        "rhk": choices.parent_rhk,
        "iku": choices.iku,
    }


# --- Workflow -------------------------------------------------------------------------------


@router.post("/skp/{skp_id}/submit", response={200: SkpOut, **ERRORS}, summary="Submit (ajukan)")
def skp_submit(request: HttpRequest, skp_id: int, payload: VersionIn | None = None) -> Skp:
    account = request_account(request)
    skp = get_skp_for(account, skp_id)
    version = payload.version if payload else None
    return services.skp_submit(actor=account, skp=skp, expected_version=version)


@router.post("/skp/{skp_id}/approve", response={200: SkpOut, **ERRORS}, summary="Approve")
def skp_approve(request: HttpRequest, skp_id: int, payload: VersionIn | None = None) -> Skp:
    account = request_account(request)
    skp = get_skp_for(account, skp_id)
    version = payload.version if payload else None
    return services.skp_approve(actor=account, skp=skp, expected_version=version)


@router.post(
    "/skp/{skp_id}/return", response={200: SkpOut, **ERRORS}, summary="Return with notes"
)
def skp_return(request: HttpRequest, skp_id: int, payload: ReturnIn) -> Skp:
    account = request_account(request)
    skp = get_skp_for(account, skp_id)
    return services.skp_return(
        actor=account, skp=skp, note=payload.note, expected_version=payload.version
    )


@router.post(
    "/skp/{skp_id}/revise",
    response={200: SkpOut, **ERRORS},
    summary="Open a revision of an approved SKP (back to draft)",
)
def skp_revise(request: HttpRequest, skp_id: int, payload: ReviseIn | None = None) -> Skp:
    account = request_account(request)
    skp = get_skp_for(account, skp_id)
    payload = payload or ReviseIn()
    return services.skp_revise(
        actor=account, skp=skp, reason=payload.reason, expected_version=payload.version
    )


# --- RHK ------------------------------------------------------------------------------------


@router.post("/skp/{skp_id}/rhk", response={201: RhkOut, **ERRORS}, summary="Add an RHK")
def rhk_create(request: HttpRequest, skp_id: int, payload: RhkIn) -> Status[Any]:
    account = request_account(request)
    skp = get_skp_for(account, skp_id)
    rhk = services.rhk_save(
        actor=account, skp=skp, kind=payload.kind, text=payload.text,
        perspektif=payload.perspektif, intervention=payload.intervention or "",
        order=payload.order, expected_version=payload.version, **_links(skp, payload),
    )
    return Status(201, rhk)


@router.put("/rhk/{rhk_id}", response={200: RhkOut, **ERRORS}, summary="Change an RHK")
def rhk_update(request: HttpRequest, rhk_id: int, payload: RhkIn) -> Rhk:
    account = request_account(request)
    rhk = get_rhk_for(account, rhk_id)
    return services.rhk_save(
        actor=account, skp=rhk.skp, rhk=rhk, kind=payload.kind, text=payload.text,
        perspektif=payload.perspektif, intervention=payload.intervention or "",
        order=payload.order, expected_version=payload.version, **_links(rhk.skp, payload),
    )


@router.delete("/rhk/{rhk_id}", response=NO_CONTENT, summary="Delete an RHK")
def rhk_delete(request: HttpRequest, rhk_id: int, version: int | None = None) -> Status[Any]:
    account = request_account(request)
    rhk = get_rhk_for(account, rhk_id)
    services.rhk_delete(actor=account, rhk=rhk, expected_version=version)
    return Status(204, None)


# --- Indicators -----------------------------------------------------------------------------


def _indicator_fields(payload: IndicatorIn) -> dict[str, Any]:
    return payload.dict(exclude={"version"})


@router.post(
    "/rhk/{rhk_id}/indicators", response={201: IndicatorOut, **ERRORS}, summary="Add an indicator"
)
def indicator_create(request: HttpRequest, rhk_id: int, payload: IndicatorIn) -> Status[Any]:
    account = request_account(request)
    rhk = get_rhk_for(account, rhk_id)
    indicator = services.indicator_save(
        actor=account, rhk=rhk, expected_version=payload.version, **_indicator_fields(payload)
    )
    return Status(201, indicator)


@router.put(
    "/indicators/{indicator_id}", response={200: IndicatorOut, **ERRORS},
    summary="Change an indicator",
)
def indicator_update(request: HttpRequest, indicator_id: int, payload: IndicatorIn) -> Any:
    account = request_account(request)
    indicator = get_indicator_for(account, indicator_id)
    return services.indicator_save(
        actor=account, rhk=indicator.rhk, indicator=indicator, expected_version=payload.version,
        **_indicator_fields(payload),
    )


@router.delete("/indicators/{indicator_id}", response=NO_CONTENT, summary="Delete an indicator")
def indicator_delete(request: HttpRequest, indicator_id: int, version: int | None = None) -> Any:
    account = request_account(request)
    indicator = get_indicator_for(account, indicator_id)
    services.indicator_delete(actor=account, indicator=indicator, expected_version=version)
    return Status(204, None)


# --- Perilaku and lampiran ------------------------------------------------------------------


@router.put(
    "/skp/{skp_id}/perilaku",
    response={200: PerilakuListOut, **ERRORS},
    summary="Ekspektasi khusus pimpinan per BerAKHLAK value",
)
def perilaku_update(request: HttpRequest, skp_id: int, payload: PerilakuIn) -> dict[str, Any]:
    account = request_account(request)
    skp = get_skp_for(account, skp_id)
    services.perilaku_update(
        actor=account, skp=skp, expectations=payload.expectations,
        expected_version=payload.version,
    )
    return {"skp_version": skp.version, "perilaku": list(skp.perilaku.all())}


@router.post(
    "/skp/{skp_id}/lampiran", response={201: LampiranOut, **ERRORS}, summary="Add an annex item"
)
def lampiran_create(request: HttpRequest, skp_id: int, payload: LampiranIn) -> Status[Any]:
    account = request_account(request)
    skp = get_skp_for(account, skp_id)
    lampiran = services.lampiran_save(
        actor=account, skp=skp, kind=payload.kind, text=payload.text,
        expected_version=payload.version,
    )
    return Status(201, lampiran)


@router.put(
    "/lampiran/{lampiran_id}", response={200: LampiranOut, **ERRORS},
    summary="Change an annex item",
)
def lampiran_update(request: HttpRequest, lampiran_id: int, payload: LampiranIn) -> Lampiran:
    account = request_account(request)
    lampiran = get_lampiran_for(account, lampiran_id)
    return services.lampiran_save(
        actor=account, skp=lampiran.skp, lampiran=lampiran, kind=payload.kind, text=payload.text,
        expected_version=payload.version,
    )


@router.delete("/lampiran/{lampiran_id}", response=NO_CONTENT, summary="Delete an annex item")
def lampiran_delete(request: HttpRequest, lampiran_id: int, version: int | None = None) -> Any:
    account = request_account(request)
    lampiran = get_lampiran_for(account, lampiran_id)
    services.lampiran_delete(actor=account, lampiran=lampiran, expected_version=version)
    return Status(204, None)
