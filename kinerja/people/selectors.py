"""Reads about people shaped for pages and endpoints, each with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from kinerja.org.models import Jabatan
from kinerja.org.rules import Atasan, Holding, HoldingKind, definitive_position_on, resolve_atasan
from kinerja.people.access import in_force_q, pegawai_visible_to, scope_for, subordinate_q
from kinerja.people.models import INACTIVE_STATUSES, Account, Pegawai, PositionAssignment


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


def definitive_assignment_on(pegawai_id: int, on: dt.date) -> PositionAssignment | None:
    rows = list(
        PositionAssignment.objects.filter(
            in_force_q(on), pegawai_id=pegawai_id, kind=HoldingKind.DEFINITIF
        ).select_related("jabatan", "jabatan__opd", "jabatan__unit")
    )
    chosen = definitive_position_on([_holding(r) for r in rows], on)
    if chosen is None:
        return None
    return next(r for r in rows if r.jabatan_id == chosen.position_id and r.start_date == chosen.start)


@dataclass(frozen=True)
class AtasanView:
    atasan: Atasan
    pegawai: Pegawai
    jabatan: Jabatan


def atasan_of(pegawai: Pegawai, on: dt.date) -> AtasanView | None:
    """The pejabat penilai kinerja of a person on a date (at most four queries)."""
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
    person = Pegawai.objects.get(pk=resolved.person_id)
    jabatan = Jabatan.objects.select_related("opd").get(pk=resolved.position_id)
    return AtasanView(resolved, person, jabatan)


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
        .select_related("pegawai", "jabatan", "jabatan__unit")
        .order_by("jabatan__path", "pegawai__name")
    )
    # The positions between each subordinate and the viewer decide who rates them.
    chain_ids: set[int] = set()
    for a in assignments:
        chain_ids.update(a.jabatan.supervisor_chain_ids())
    holdings = holdings_for_positions(chain_ids, on)
    members: list[TeamMember] = []
    seen: set[int] = set()
    for a in assignments:
        if a.pegawai_id in seen:
            continue
        seen.add(a.pegawai_id)
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
            assignments__in=PositionAssignment.objects.filter(
                in_force_q(on), kind=HoldingKind.DEFINITIF, jabatan__opd_id=opd_id
            )
        ).distinct()
    if status:
        qs = qs.filter(status=status)
    if asn_type:
        qs = qs.filter(asn_type=asn_type)
    current = PositionAssignment.objects.filter(
        in_force_q(on), kind=HoldingKind.DEFINITIF
    ).select_related("jabatan", "jabatan__opd", "jabatan__unit").order_by("-start_date")
    return qs.order_by("name", "nip").prefetch_related(
        Prefetch("assignments", queryset=current, to_attr="current_assignments")
    )


def position_history(pegawai: Pegawai) -> QuerySet[PositionAssignment]:
    return (
        PositionAssignment.objects.filter(pegawai=pegawai)
        .select_related("jabatan", "jabatan__opd", "jabatan__unit")
        .order_by("-start_date", "kind")
    )
