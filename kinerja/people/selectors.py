"""Reads about people shaped for pages and endpoints, each with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from kinerja.core.models import AuditRecord
from kinerja.org.models import STRUCTURAL_JENIS, Jabatan, Opd, UnitKerja
from kinerja.org.rules import Atasan, Holding, HoldingKind, definitive_position_on, resolve_atasan
from kinerja.people.access import (
    current_definitive,
    in_force_q,
    pegawai_visible_to,
    scope_for,
    subordinate_q,
)
from kinerja.people.models import (
    INACTIVE_STATUSES,
    AccessToken,
    Account,
    Pegawai,
    PositionAssignment,
)
from kinerja.people.rules import normalise_nip


def _holding(a: PositionAssignment) -> Holding:
    return Holding(a.pegawai_id, a.jabatan_id, HoldingKind(a.kind), a.start_date, a.end_date)


def holdings_for_positions(position_ids: Iterable[int], on: dt.date) -> dict[int, list[Holding]]:
    """Who holds or acts in each position on a date (one query); people who left are ignored."""
    ids = list(set(position_ids))
    result: dict[int, list[Holding]] = defaultdict(list)
    if not ids:
        return result
    rows = (
        PositionAssignment.objects.filter(in_force_q(on), jabatan_id__in=ids)
        .exclude(pegawai__status__in=INACTIVE_STATUSES)
        .only("pegawai_id", "jabatan_id", "kind", "start_date", "end_date")
    )
    for row in rows:
        result[row.jabatan_id].append(_holding(row))
    return result


def pick_definitive(rows: Iterable[PositionAssignment], on: dt.date) -> PositionAssignment | None:
    """Among a person's assignment rows, the definitive one on `on` by the rule (newest TMT,
    even when SIMPEG left an older one open)."""
    candidates = [r for r in rows if r.kind == HoldingKind.DEFINITIF]
    chosen = definitive_position_on([_holding(r) for r in candidates], on)
    if chosen is None:
        return None
    return next(
        r for r in candidates if r.jabatan_id == chosen.position_id and r.start_date == chosen.start
    )


def current_positions(
    history: Iterable[PositionAssignment], on: dt.date
) -> list[PositionAssignment]:
    """From a person's history (no query): the definitive position on `on`, then the Plt/Plh
    posts in force, oldest first."""
    in_force = [
        a for a in history if a.start_date <= on and (a.end_date is None or on <= a.end_date)
    ]
    definitive = pick_definitive(in_force, on)
    acting = sorted(
        (a for a in in_force if a.kind != HoldingKind.DEFINITIF), key=lambda a: (a.start_date, a.pk)
    )
    return ([definitive] if definitive else []) + acting


def definitive_assignment_on(pegawai_id: int, on: dt.date) -> PositionAssignment | None:
    rows = PositionAssignment.objects.filter(
        in_force_q(on), pegawai_id=pegawai_id, kind=HoldingKind.DEFINITIF
    ).select_related("jabatan", "jabatan__opd", "jabatan__unit")
    return pick_definitive(rows, on)


@dataclass(frozen=True)
class AtasanView:
    atasan: Atasan
    pegawai: Pegawai
    jabatan: Jabatan


def atasan_of(pegawai: Pegawai, on: dt.date) -> AtasanView | None:
    """The pejabat penilai kinerja of a person on a date (at most three queries)."""
    own = definitive_assignment_on(pegawai.pk, on)
    if own is None:
        return None
    chain = own.jabatan.supervisor_chain_ids()
    resolved = resolve_atasan(
        person_id=pegawai.pk,
        supervisor_chain=chain,
        holdings_by_position=holdings_for_positions(chain, on),
        on=on,
    )
    if resolved is None:
        return None
    # The holding that resolved it carries both the person and the position: one query.
    holding = (
        PositionAssignment.objects.filter(
            pegawai_id=resolved.person_id, jabatan_id=resolved.position_id
        )
        .select_related("pegawai", "jabatan", "jabatan__opd")
        .first()
    )
    assert holding is not None, "resolve_atasan only returns people holding the position"
    return AtasanView(resolved, holding.pegawai, holding.jabatan)


@dataclass(frozen=True)
class TeamMember:
    pegawai: Pegawai
    jabatan: Jabatan
    direct: bool
    via: HoldingKind  # in what capacity the viewer rates this person (definitif, plt, plh)


def team_of(account: Account, on: dt.date) -> list[TeamMember]:
    """Everyone below the positions the account's person holds or acts in on a date, marked
    direct when the person is their pejabat penilai (vacancies below pass rating duty up).
    Three queries whatever the team size."""
    scope = scope_for(account, on)
    below = subordinate_q(scope.held, on)
    if below is None or scope.pegawai_id is None:
        return []
    assignments = list(
        PositionAssignment.objects.filter(
            in_force_q(on),
            kind=HoldingKind.DEFINITIF,
            pegawai__in=Pegawai.objects.filter(below).exclude(pk=scope.pegawai_id),
        )
        .exclude(pegawai__status__in=INACTIVE_STATUSES)
        .select_related("pegawai", "jabatan", "jabatan__unit", "jabatan__opd")
        .order_by("jabatan__path", "pegawai__name")
    )
    # A person's current position is their newest definitive TMT (SIMPEG often leaves the old
    # record open after a mutation): pick it with the rule, then keep only people whose current
    # position is really below a position the viewer holds. Ordering by path alone would pick
    # whichever of the two records sorts first and rate the person on their old line.
    by_person: dict[int, list[PositionAssignment]] = defaultdict(list)
    for a in assignments:
        by_person[a.pegawai_id].append(a)
    current: list[PositionAssignment] = []
    for rows in by_person.values():
        row = pick_definitive(rows, on)
        if row is not None and any(
            row.jabatan.path.startswith(h.path) and row.jabatan_id != h.jabatan_id
            for h in scope.held
        ):
            current.append(row)
    current.sort(key=lambda a: (a.jabatan.path, a.pegawai.name))
    # The positions between each subordinate and the viewer decide who rates them.
    chain_ids: set[int] = set()
    for a in current:
        chain_ids.update(a.jabatan.supervisor_chain_ids())
    holdings = holdings_for_positions(chain_ids, on)
    members: list[TeamMember] = []
    for a in current:
        resolved = resolve_atasan(
            person_id=a.pegawai_id,
            supervisor_chain=a.jabatan.supervisor_chain_ids(),
            holdings_by_position=holdings,
            on=on,
        )
        direct = resolved is not None and resolved.person_id == scope.pegawai_id
        via = resolved.kind if direct and resolved else HoldingKind.DEFINITIF
        members.append(TeamMember(a.pegawai, a.jabatan, direct, via))
    return members


def pegawai_list(
    account: Account,
    *,
    on: dt.date,
    query: str = "",
    opd_id: int | None = None,
    status: str = "",
    asn_type: str = "",
) -> QuerySet[Pegawai]:
    """Employees the account may see, filtered, with the current definitive position prefetched
    (`current_assignments`): two queries for a page whatever its length."""
    qs = pegawai_visible_to(account, on=on)
    if query:
        term = query.strip()
        digits = "".join(ch for ch in term if ch.isdigit())
        if digits and len(digits) >= 4 and len(digits) == len(term.replace(" ", "")):
            qs = qs.filter(nip__startswith=digits)
        else:
            qs = qs.filter(name__icontains=term)
    if opd_id:
        qs = qs.filter(
            Exists(current_definitive(on).filter(pegawai_id=OuterRef("pk"), jabatan__opd_id=opd_id))
        )
    if status:
        qs = qs.filter(status=status)
    if asn_type:
        qs = qs.filter(asn_type=asn_type)
    current = (
        PositionAssignment.objects.filter(in_force_q(on), kind=HoldingKind.DEFINITIF)
        .select_related("jabatan", "jabatan__opd", "jabatan__unit")
        .order_by("-start_date")
    )
    return qs.order_by("name", "nip").prefetch_related(
        Prefetch("assignments", queryset=current, to_attr="current_assignments")
    )


def position_history(pegawai: Pegawai) -> QuerySet[PositionAssignment]:
    return (
        PositionAssignment.objects.filter(pegawai=pegawai)
        .select_related("jabatan", "jabatan__opd", "jabatan__unit")
        .order_by("-start_date", "kind")
    )


# --- Reads for the web pages (home, organisation tree, audit trail, tokens) -------------------


def employee_counts_by_opd(opd_ids: Iterable[int], on: dt.date) -> dict[int, int]:
    """Active employees whose definitive position on `on` is in each OPD (one query)."""
    ids = list(opd_ids)
    if not ids:
        return {}
    rows = (
        PositionAssignment.objects.filter(
            in_force_q(on), kind=HoldingKind.DEFINITIF, jabatan__opd_id__in=ids
        )
        .exclude(pegawai__status__in=INACTIVE_STATUSES)
        .values("jabatan__opd_id")
        .annotate(n=Count("pegawai_id", distinct=True))
    )
    return {row["jabatan__opd_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class InstansiCounts:
    opd: int
    employees: int
    positions: int
    vacant_structural: int


def _definitive_holder_exists(on: dt.date) -> Exists:
    return Exists(
        PositionAssignment.objects.filter(
            in_force_q(on), jabatan_id=OuterRef("pk"), kind=HoldingKind.DEFINITIF
        ).exclude(pegawai__status__in=INACTIVE_STATUSES)
    )


def instansi_counts(instansi_id: int | None, on: dt.date) -> InstansiCounts:
    """The admin BKPSDM's overview: four counts, four queries. A structural position is vacant
    when nobody holds it definitively on `on` (a Plt or Plh does not fill it)."""
    opds = Opd.objects.filter(is_active=True)
    people = Pegawai.objects.exclude(status__in=INACTIVE_STATUSES)
    positions = Jabatan.objects.filter(is_active=True)
    if instansi_id is not None:
        opds = opds.filter(instansi_id=instansi_id)
        people = people.filter(instansi_id=instansi_id)
        positions = positions.filter(instansi_id=instansi_id)
    vacant = positions.filter(jenis__in=list(STRUCTURAL_JENIS)).exclude(
        _definitive_holder_exists(on)
    )
    return InstansiCounts(opds.count(), people.count(), positions.count(), vacant.count())


@dataclass
class PositionNode:
    """A position in the organisation tree with who holds it on the date."""

    jabatan: Jabatan
    definitive: list[PositionAssignment] = field(default_factory=list)
    acting: list[PositionAssignment] = field(default_factory=list)

    @property
    def vacant(self) -> bool:
        return not self.definitive


@dataclass
class UnitNode:
    """A unit kerja with its positions and child units."""

    unit: UnitKerja | None
    positions: list[PositionNode] = field(default_factory=list)
    children: list[UnitNode] = field(default_factory=list)


def opd_structure(opd: Opd, on: dt.date) -> list[UnitNode]:
    """The unit tree of an OPD with positions and their holders on `on`: three queries whatever
    the size (units, positions, assignments). Positions without a unit come last, under a node
    whose unit is None."""
    units = list(UnitKerja.objects.filter(opd=opd, is_active=True).order_by("path"))
    positions = list(Jabatan.objects.filter(opd=opd, is_active=True).order_by("path", "name"))
    assignments = (
        PositionAssignment.objects.filter(in_force_q(on), jabatan__opd=opd)
        .exclude(pegawai__status__in=INACTIVE_STATUSES)
        .select_related("pegawai")
        .order_by("pegawai__name")
    )
    nodes = {p.pk: PositionNode(p) for p in positions}
    for a in assignments:
        node = nodes.get(a.jabatan_id)
        if node is None:
            continue
        (node.definitive if a.kind == HoldingKind.DEFINITIF else node.acting).append(a)
    unit_nodes = {u.pk: UnitNode(u) for u in units}
    roots: list[UnitNode] = []
    for u in units:
        parent = unit_nodes.get(u.parent_id) if u.parent_id else None
        (parent.children if parent else roots).append(unit_nodes[u.pk])
    loose = UnitNode(None)
    for p in positions:
        (unit_nodes[p.unit_id] if p.unit_id in unit_nodes else loose).positions.append(nodes[p.pk])
    if loose.positions:
        roots.append(loose)
    return roots


def tokens_of(account: Account) -> QuerySet[AccessToken]:
    """The account's own personal access tokens, newest first (nobody sees another's)."""
    return AccessToken.objects.filter(account=account).order_by("-created_at", "-pk")


def audit_trail(
    account: Account,
    *,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditRecord]:
    """Audit records of the account's instansi, newest first (chain order); empty for anyone
    who may not read the trail.

    `actor` is a NIP (18 digits, display spaces allowed) or an account id (a shorter number).
    `date_from`/`date_to` are whole days; `since`/`until` moments, where a naive one is in the
    instansi's time zone (active for the request) and a naive midnight `until` means that whole
    day."""
    if not scope_for(account).reads_audit:
        return AuditRecord.objects.none()
    qs = AuditRecord.objects.all()
    if account.instansi_id is not None:
        qs = qs.filter(instansi_id=account.instansi_id)
    elif not account.is_superuser:
        qs = qs.none()
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    actor = normalise_nip(actor)
    if actor.isdigit() and len(actor) < 18:
        qs = qs.filter(actor_id=int(actor))
    elif actor:
        qs = qs.filter(actor_id__in=Account.objects.filter(username=actor).values("pk"))
    zone = timezone.get_current_timezone()
    if date_from:
        since = dt.datetime.combine(date_from, dt.time.min)
    if date_to:
        until = dt.datetime.combine(date_to, dt.time.min)
    if since is not None:
        qs = qs.filter(at__gte=since if timezone.is_aware(since) else since.replace(tzinfo=zone))
    if until is not None:
        if timezone.is_aware(until):
            qs = qs.filter(at__lte=until)
        elif until.time() == dt.time.min:
            qs = qs.filter(at__lt=(until + dt.timedelta(days=1)).replace(tzinfo=zone))
        else:
            qs = qs.filter(at__lte=until.replace(tzinfo=zone))
    return qs.order_by("-seq", "-pk")


def acting_assignments_on(pegawai_id: int, on: dt.date) -> list[PositionAssignment]:
    """The Plt/Plh posts a person acts in on a date, with position and OPD (one query)."""
    return list(
        PositionAssignment.objects.filter(in_force_q(on), pegawai_id=pegawai_id)
        .exclude(kind=HoldingKind.DEFINITIF)
        .select_related("jabatan", "jabatan__opd", "jabatan__unit")
        .order_by("start_date", "pk")
    )
