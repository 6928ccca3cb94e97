"""API for people: me, employees (scoped by kinerja.people.access), team, tokens, password.

Endpoints stay thin: a schema in, an access helper or selector, a service for writes, a schema
out. Anything outside the caller's scope is 404, the same as missing (STYLE.md 5).
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.core.errors import NotFound
from kinerja.org.rules import HoldingKind
from kinerja.people.access import get_pegawai_for, in_force_q, scope_for, today_in
from kinerja.people.models import AccessToken, Account, Pegawai, PositionAssignment
from kinerja.people.rules import normalise_nip
from kinerja.people.schemas import (
    ERRORS,
    AtasanResult,
    EmployeeDetailOut,
    EmployeeFilter,
    EmployeeOut,
    MeOut,
    Pages,
    PasswordChangeIn,
    PositionAssignmentOut,
    TeamMemberOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    atasan_out,
)
from kinerja.people.selectors import (
    atasan_of,
    current_positions,
    pegawai_list,
    position_history,
    team_of,
    tokens_of,
)
from kinerja.people.services import account_change_password, token_create, token_revoke
from kinerja.people.twofactor import require_session_for_token

router = Router(tags=["pegawai"])

DateParam = Query(None, alias="date", description="YYYY-MM-DD; today when left out.")


def _with_positions(pegawai: Pegawai, on: dt.date) -> Pegawai:
    """Attach what the person holds on `on` (one query): `held_now` is the definitive position
    by the rule (newest TMT) followed by the Plt/Plh posts; `current_assignments` the first."""
    rows = PositionAssignment.objects.filter(in_force_q(on), pegawai_id=pegawai.pk).select_related(
        "jabatan", "jabatan__opd", "jabatan__unit"
    )
    held = current_positions(rows, on)
    pegawai.held_now = held  # type: ignore[attr-defined]
    pegawai.current_assignments = [  # type: ignore[attr-defined]
        a for a in held if a.kind == HoldingKind.DEFINITIF
    ]
    return pegawai


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The caller: account, roles, positions")
def me(request: HttpRequest) -> dict[str, Any]:
    account: Account = request.user  # type: ignore[assignment]
    on = today_in(account)
    scope = scope_for(account, on)
    pegawai = account.pegawai
    positions: list[PositionAssignment] = []
    atasan = None
    if pegawai is not None:
        _with_positions(pegawai, on)
        positions = pegawai.held_now  # type: ignore[attr-defined]
        atasan = atasan_out(atasan_of(pegawai, on))
    return {
        "account": account,
        "pegawai": pegawai,
        "roles": scope.roles,
        "positions": positions,
        "atasan": atasan,
        "admin_opd_ids": sorted(scope.admin_opd_ids),
    }


@router.put("/me/password", response={204: None, **ERRORS}, summary="Change own password")
def me_password(request: HttpRequest, payload: PasswordChangeIn) -> Status:
    account_change_password(
        account=request.user,  # type: ignore[arg-type]
        old_password=payload.old_password,
        new_password=payload.new_password,
        request=request,
    )
    return Status(204, None)


@router.get("/employees", response={200: list[EmployeeOut], **ERRORS}, summary="Employees in scope")
@paginate(Pages)
def employees(request: HttpRequest, filters: Query[EmployeeFilter]) -> QuerySet[Pegawai]:
    return pegawai_list(
        request.user,  # type: ignore[arg-type]
        on=today_in(request.user),  # type: ignore[arg-type]
        query=filters.q,
        opd_id=filters.opd,
        status=filters.status or "",
        asn_type=filters.asn_type or "",
    )


@router.get("/employees/{nip}", response={200: EmployeeDetailOut, **ERRORS}, summary="One employee")
def employee(request: HttpRequest, nip: str) -> Pegawai:
    pegawai = get_pegawai_for(request.user, nip=normalise_nip(nip))  # type: ignore[arg-type]
    return _with_positions(pegawai, today_in(request.user))  # type: ignore[arg-type]


@router.get(
    "/employees/{nip}/history",
    response={200: list[PositionAssignmentOut], **ERRORS},
    summary="Position history (mutasi, promosi, Plt/Plh), newest first",
)
@paginate(Pages)
def employee_history(request: HttpRequest, nip: str) -> QuerySet[PositionAssignment]:
    return position_history(get_pegawai_for(request.user, nip=normalise_nip(nip)))  # type: ignore[arg-type]


@router.get(
    "/employees/{nip}/atasan",
    response={200: AtasanResult, **ERRORS},
    summary="The employee's pejabat penilai kinerja on a date",
)
def employee_atasan(
    request: HttpRequest, nip: str, on: dt.date | None = DateParam
) -> dict[str, Any]:
    pegawai = get_pegawai_for(request.user, nip=normalise_nip(nip))  # type: ignore[arg-type]
    on = on or today_in(request.user)  # type: ignore[arg-type]
    return {"date": on, "atasan": atasan_out(atasan_of(pegawai, on))}


@router.get(
    "/team",
    response={200: list[TeamMemberOut], **ERRORS},
    summary="The caller's subordinates on a date (direct flag = the caller rates them)",
)
@paginate(Pages)
def team(request: HttpRequest, on: dt.date | None = DateParam) -> list[Any]:
    on = on or today_in(request.user)  # type: ignore[arg-type]
    members = team_of(request.user, on)  # type: ignore[arg-type]
    # team_of joins the unit but not the OPD of each position: one query for all of them.
    prefetch_related_objects([m.jabatan for m in members], "opd")
    return members


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="Own API tokens")
@paginate(Pages)
def tokens(request: HttpRequest) -> QuerySet[AccessToken]:
    return tokens_of(request.user)  # type: ignore[arg-type]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    summary="Create an API token (the token is shown once)",
)
def token_new(request: HttpRequest, payload: TokenIn) -> Status:
    require_session_for_token(request, request.user)  # type: ignore[arg-type]
    token, plain = token_create(
        account=request.user,  # type: ignore[arg-type]
        name=payload.name,
        expires_in_days=payload.expires_in_days,
    )
    token.token = plain  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke an own token")
def token_delete(request: HttpRequest, token_id: int) -> HttpResponse | Status:
    token = tokens_of(request.user).filter(pk=token_id).first()  # type: ignore[arg-type]
    if token is None:
        raise NotFound("not_found", _("Token not found."))
    token_revoke(account=request.user, token=token)  # type: ignore[arg-type]
    return Status(204, None)
