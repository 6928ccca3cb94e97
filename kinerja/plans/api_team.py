"""Plans API: the monthly plan (rencana aksi), starting from an earlier SKP, handing an RHK down
to the team (matriks peran hasil) and the team's SKP status."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _lazy
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.people.access import pegawai_visible_to, request_account, today_in
from kinerja.people.rules import normalise_nip
from kinerja.people.schemas import ERRORS, Pages
from kinerja.plans import selectors, services
from kinerja.plans.schemas import (
    CopyIn,
    HandDownIn,
    HandDownOut,
    MonthlyIn,
    MonthlyListOut,
    SkpDetailOut,
    TeamFilter,
    TeamSkpOut,
)
from kinerja.plans.selectors import get_indicator_for, get_rhk_for, get_skp_for

router = Router(tags=["plans"])

HAND_DOWN_MESSAGES = {
    "created": _lazy("RHK added to their SKP."),
    "not_direct_subordinate": _lazy("Not one of your direct subordinates."),
    "skp_not_editable": _lazy("Their SKP is submitted or approved; it was left unchanged."),
    "skp_mirrored": _lazy("SKPs of this year are mirrored from BKN e-Kinerja."),
    "no_position": _lazy("They hold no definitive position in this year."),
    "already_serves": _lazy("An RHK of theirs already serves this RHK."),
}


@router.put(
    "/indicators/{indicator_id}/monthly",
    response={200: MonthlyListOut, **ERRORS},
    summary="Monthly targets and planned actions of an indicator (rencana aksi)",
)
def monthly_plan(request: HttpRequest, indicator_id: int, payload: MonthlyIn) -> dict[str, Any]:
    account = request_account(request)
    indicator = get_indicator_for(account, indicator_id)
    services.monthly_plan_save(
        actor=account,
        indicator=indicator,
        months=[services.MonthPlan(m.month, m.target, m.action) for m in payload.months],
    )
    return {"indicator_id": indicator.pk, "skp_version": indicator.rhk.skp.version,
            "months": list(indicator.monthly.all())}


@router.post(
    "/skp/{skp_id}/copy",
    response={201: SkpDetailOut, **ERRORS},
    summary="Start a later year's SKP from this one",
)
def skp_copy(request: HttpRequest, skp_id: int, payload: CopyIn) -> Status[Any]:
    account = request_account(request)
    source = get_skp_for(account, skp_id)
    skp = services.skp_copy_from(actor=account, source=source, year=payload.year)
    return Status(201, selectors.skp_detail(skp))


def _hand_down_ids(
    account: Any, payload: HandDownIn
) -> tuple[list[int], list[str], dict[int, str]]:
    """Ids for the service, NIPs that match nobody the caller sees, and id -> NIP for the
    answer (only for people the caller sees: the answer never reveals anyone else's NIP)."""
    nips = [normalise_nip(n) for n in payload.nips]
    rows = pegawai_visible_to(account).filter(
        pk__in=payload.pegawai_ids
    ) | pegawai_visible_to(account).filter(nip__in=nips)
    known = dict(rows.values_list("pk", "nip"))
    by_nip = {nip: pk for pk, nip in known.items()}
    ids = list(payload.pegawai_ids) + [by_nip[n] for n in nips if n in by_nip]
    return ids, [n for n in nips if n not in by_nip], known


@router.post(
    "/rhk/{rhk_id}/hand-down",
    response={200: HandDownOut, **ERRORS},
    summary="Hand an approved RHK down to direct subordinates (matriks peran hasil)",
)
def rhk_hand_down(request: HttpRequest, rhk_id: int, payload: HandDownIn) -> dict[str, Any]:
    account = request_account(request)
    rhk = get_rhk_for(account, rhk_id)
    ids, unknown, nips = _hand_down_ids(account, payload)
    results = services.rhk_hand_down(
        actor=account, rhk=rhk, pegawai_ids=ids, text=payload.text,
        intervention=payload.intervention,
    )
    out = [
        {"pegawai_id": r.pegawai_id, "nip": nips.get(r.pegawai_id), "rhk_id": r.rhk_id,
         "code": r.code, "message": str(HAND_DOWN_MESSAGES.get(r.code, r.code))}
        for r in results
    ] + [
        {"pegawai_id": None, "nip": nip, "rhk_id": None, "code": "not_direct_subordinate",
         "message": str(HAND_DOWN_MESSAGES["not_direct_subordinate"])}
        for nip in unknown
    ]
    return {"created": sum(r.code == "created" for r in results), "results": out}


@router.get(
    "/team/skp",
    response={200: list[TeamSkpOut], **ERRORS},
    summary="The caller's subordinates with their SKP of the year (or none yet)",
)
@paginate(Pages)
def team_skp(request: HttpRequest, filters: Query[TeamFilter]) -> list[Any]:
    account = request_account(request)
    return selectors.team_skp_status(account, filters.year or today_in(account).year)
