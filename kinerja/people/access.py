"""The one place that decides what a user may see and change.

Scopes, widest first: the whole instansi (admin BKPSDM; pimpinan and auditor read-only), an OPD
(admin OPD), subordinates on a date (direct and indirect, from the positions the person holds or
acts in), own data. Visibility is a queryset filter; single objects come from `get_*_for`
helpers that answer NotFound for anything outside scope, so a forbidden object looks missing.

This lives in `people` rather than `core` because it needs the org chart and the people in it;
`core.roles` holds the role vocabulary (see docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.errors import Forbidden, NotFound
from kinerja.core.middleware import instansi_zone
from kinerja.core.roles import Role
from kinerja.org.models import Jabatan, Opd, UnitKerja
from kinerja.org.rules import HoldingKind
from kinerja.people.models import (
    INACTIVE_STATUSES,
    Account,
    Pegawai,
    PositionAssignment,
    RoleGrant,
)

Action = Literal["view", "change"]

INSTANSI_READERS = frozenset({Role.ADMIN_BKPSDM, Role.PIMPINAN, Role.AUDITOR})
AUDIT_READERS = frozenset({Role.ADMIN_BKPSDM, Role.AUDITOR})


def today_in(account: Account) -> dt.date:
    """Today in the account's instansi zone: at 23:30 WIT it is already tomorrow in Papua."""
    return timezone.localdate(timezone=instansi_zone(account))


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    """Assignments in force on a date (end date inclusive)."""
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


@dataclass(frozen=True)
class HeldPosition:
    jabatan_id: int
    path: str
    kind: str


@dataclass
class Scope:
    """What one account reaches on one date. Built once per request by `scope_for`."""

    account_id: int
    instansi_id: int | None
    pegawai_id: int | None
    on: dt.date
    granted: frozenset[str] = frozenset()
    admin_opd_ids: frozenset[int] = frozenset()
    held: tuple[HeldPosition, ...] = ()
    is_superuser: bool = False
    _is_atasan: bool | None = field(default=None, repr=False)

    def has(self, role: str) -> bool:
        if role == Role.PEGAWAI:
            return self.pegawai_id is not None
        if role == Role.ATASAN:
            return self.is_atasan
        return role in self.granted

    @property
    def reads_whole_instansi(self) -> bool:
        return self.is_superuser or bool(self.granted & INSTANSI_READERS)

    @property
    def writes_whole_instansi(self) -> bool:
        return self.is_superuser or Role.ADMIN_BKPSDM in self.granted

    @property
    def reads_audit(self) -> bool:
        return self.is_superuser or bool(self.granted & AUDIT_READERS)

    @property
    def is_atasan(self) -> bool:
        if self._is_atasan is None:
            q = subordinate_q(self.held, self.on)
            self._is_atasan = q is not None and (
                Pegawai.objects.filter(q)
                .exclude(pk__in=[self.pegawai_id] if self.pegawai_id else [])
                .exclude(status__in=INACTIVE_STATUSES)
                .exists()
            )
        return self._is_atasan

    @property
    def roles(self) -> list[str]:
        return [role for role in Role.values if self.has(role)]


def scope_for(account: Account, on: dt.date | None = None) -> Scope:
    """Two queries: the grants, and the positions held or acted in on the date."""
    on = on or today_in(account)
    cache: dict[dt.date, Scope] = account.__dict__.setdefault("_scope_cache", {})
    if on in cache:
        return cache[on]
    grants = list(RoleGrant.objects.filter(account=account).values_list("role", "opd_id"))
    held: tuple[HeldPosition, ...] = ()
    if account.pegawai_id is not None:
        held = tuple(
            HeldPosition(jabatan_id, path, kind)
            for jabatan_id, path, kind in PositionAssignment.objects.filter(
                in_force_q(on), pegawai_id=account.pegawai_id
            ).values_list("jabatan_id", "jabatan__path", "kind")
        )
    scope = Scope(
        account_id=account.pk,
        instansi_id=account.instansi_id,
        pegawai_id=account.pegawai_id,
        on=on,
        granted=frozenset(role for role, _opd in grants),
        admin_opd_ids=frozenset(opd for role, opd in grants if role == Role.ADMIN_OPD and opd),
        held=held,
        is_superuser=account.is_superuser,
    )
    cache[on] = scope
    return scope


def current_definitive(on: dt.date) -> QuerySet[PositionAssignment]:
    """Definitive assignments in force on `on` that are each person's newest one.

    SIMPEG often leaves the old record open after a mutation; the newest TMT is the position
    (the same rule as org.rules.definitive_position_on), so the old OPD or supervisor line must
    not keep seeing the person."""
    # Ties on the TMT go to the higher position id, as in definitive_position_on.
    newer = PositionAssignment.objects.filter(
        in_force_q(on),
        Q(start_date__gt=OuterRef("start_date"))
        | Q(start_date=OuterRef("start_date"), jabatan_id__gt=OuterRef("jabatan_id")),
        pegawai_id=OuterRef("pegawai_id"),
        kind=HoldingKind.DEFINITIF,
    )
    return PositionAssignment.objects.filter(in_force_q(on), kind=HoldingKind.DEFINITIF).exclude(
        Exists(newer)
    )


def subordinate_q(held: tuple[HeldPosition, ...], on: dt.date) -> Q | None:
    """Pegawai whose definitive position on `on` sits below any position the person holds."""
    if not held:
        return None
    below = Q()
    for position in held:
        below |= Q(jabatan__path__startswith=position.path) & ~Q(jabatan_id=position.jabatan_id)
    return Q(Exists(current_definitive(on).filter(below, pegawai_id=OuterRef("pk"))))


def opd_member_q(opd_ids: frozenset[int] | list[int], on: dt.date) -> Q:
    """Pegawai whose definitive position on `on` belongs to one of these OPDs."""
    assignments = current_definitive(on).filter(
        pegawai_id=OuterRef("pk"), jabatan__opd_id__in=list(opd_ids)
    )
    return Q(Exists(assignments))


def pegawai_visible_to(
    account: Account, *, action: Action = "view", on: dt.date | None = None
) -> QuerySet[Pegawai]:
    scope = scope_for(account, on)
    base = Pegawai.objects.all()
    if scope.instansi_id is None:
        return base if scope.is_superuser else base.none()
    base = base.filter(instansi_id=scope.instansi_id)
    if action == "view" and scope.reads_whole_instansi:
        return base
    if action == "change" and scope.writes_whole_instansi:
        return base
    allowed = Q(pk__in=[])
    if scope.admin_opd_ids:
        allowed |= opd_member_q(scope.admin_opd_ids, scope.on)
    if action == "view":
        if scope.pegawai_id is not None:
            allowed |= Q(pk=scope.pegawai_id)
        below = subordinate_q(scope.held, scope.on)
        if below is not None:
            allowed |= below
    return base.filter(allowed)


def get_pegawai_for(
    account: Account, *, nip: str | None = None, pk: int | None = None, action: Action = "view"
) -> Pegawai:
    lookup = {"nip": nip} if nip is not None else {"pk": pk}
    pegawai = pegawai_visible_to(account, action=action).filter(**lookup).first()
    if pegawai is None:
        raise NotFound("not_found", _("Employee not found."))
    return pegawai


def opd_visible_to(account: Account, *, action: Action = "view") -> QuerySet[Opd]:
    """The organisation structure is open to everyone of the instansi; changes are for admins."""
    scope = scope_for(account)
    qs = Opd.objects.all()
    if scope.instansi_id is not None:
        qs = qs.filter(instansi_id=scope.instansi_id)
    elif not scope.is_superuser:
        qs = qs.none()
    if action == "change" and not scope.writes_whole_instansi:
        qs = qs.filter(pk__in=list(scope.admin_opd_ids))
    return qs


def unit_visible_to(account: Account, *, action: Action = "view") -> QuerySet[UnitKerja]:
    return UnitKerja.objects.filter(opd__in=opd_visible_to(account, action=action))


def jabatan_visible_to(account: Account, *, action: Action = "view") -> QuerySet[Jabatan]:
    return Jabatan.objects.filter(opd__in=opd_visible_to(account, action=action))


def get_opd_for(account: Account, pk: int, *, action: Action = "view") -> Opd:
    opd = opd_visible_to(account, action=action).filter(pk=pk).first()
    if opd is None:
        raise NotFound("not_found", _("OPD not found."))
    return opd


def get_unit_for(account: Account, pk: int, *, action: Action = "view") -> UnitKerja:
    unit = unit_visible_to(account, action=action).filter(pk=pk).select_related("opd").first()
    if unit is None:
        raise NotFound("not_found", _("Work unit not found."))
    return unit


def get_jabatan_for(account: Account, pk: int, *, action: Action = "view") -> Jabatan:
    jabatan = (
        jabatan_visible_to(account, action=action)
        .filter(pk=pk)
        .select_related("opd", "unit", "supervisor")
        .first()
    )
    if jabatan is None:
        raise NotFound("not_found", _("Position not found."))
    return jabatan


def instansi_managed_by(actor: Account | None, message: str) -> int:
    """The instansi whose admin BKPSDM the actor is (the scope that writes the whole instansi);
    Forbidden with `message` for anyone else."""
    scope = scope_for(actor) if actor is not None else None
    if scope is None or scope.instansi_id is None or not scope.writes_whole_instansi:
        raise Forbidden("forbidden", message)
    return scope.instansi_id


def may_import(account: Account) -> bool:
    return scope_for(account).writes_whole_instansi and account.instansi_id is not None


def may_read_audit(account: Account) -> bool:
    return scope_for(account).reads_audit


def request_account(request: Any) -> Account:
    """The logged-in account of a page request (after login_required)."""
    user = request.user
    assert isinstance(user, Account), "login_required runs first"
    return user
