"""Pure rules of the organisation: who rates whom (pejabat penilai kinerja) on a date.

Sources: PermenPANRB 6/2022 (the pejabat penilai is the direct superior); the table of
pejabat penilai for instansi daerah in shared/domain/RULES.md 1.2 (P). Where the regulation is
silent the choices below are ours and are stated in each docstring (see docs/domain-decisions.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class HoldingKind(StrEnum):
    DEFINITIF = "definitif"
    PLT = "plt"  # pelaksana tugas: the position is vacant or its holder permanently unable
    PLH = "plh"  # pelaksana harian: the holder is temporarily away


# Acting officials act *because* the definitive holder cannot: when both are in force on a date,
# the acting one rates. Plt (vacancy) outranks Plh (temporary absence).
_PRECEDENCE = {HoldingKind.PLT: 0, HoldingKind.PLH: 1, HoldingKind.DEFINITIF: 2}


@dataclass(frozen=True)
class Holding:
    """A person holding a position for a span of dates (end inclusive, None = open)."""

    person_id: int
    position_id: int
    kind: HoldingKind
    start: dt.date
    end: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Atasan:
    """The resolved pejabat penilai: who, through which position, and in what capacity."""

    person_id: int
    position_id: int
    kind: HoldingKind
    skipped_positions: tuple[int, ...] = ()  # vacant (or self-held) positions passed on the way up


def holder_on(holdings: Sequence[Holding], on: dt.date) -> Holding | None:
    """Who acts for a structural position on a date: acting over definitive, Plt over Plh, then
    the most recent appointment."""
    in_force = [h for h in holdings if h.in_force(on)]
    if not in_force:
        return None
    return min(in_force, key=lambda h: (_PRECEDENCE[h.kind], -h.start.toordinal(), h.person_id))


def definitive_position_on(holdings: Sequence[Holding], on: dt.date) -> Holding | None:
    """A person's definitive position on a date; after a mutation the newest TMT wins even if
    the old record was never closed (SIMPEG data often leaves it open)."""
    in_force = [h for h in holdings if h.kind == HoldingKind.DEFINITIF and h.in_force(on)]
    if not in_force:
        return None
    return max(in_force, key=lambda h: (h.start, h.position_id))


def resolve_atasan(
    *,
    person_id: int,
    supervisor_chain: Sequence[int],
    holdings_by_position: Mapping[int, Sequence[Holding]],
    on: dt.date,
) -> Atasan | None:
    """The pejabat penilai kinerja of `person_id` on `on`.

    Walk the supervisor line of the person's definitive position upwards (`supervisor_chain`,
    direct supervisor position first). The first position with someone acting for it on that
    date gives the atasan. A vacant position passes rating duty one level up. A position held by
    the person themself (an official who is also Plt of their own superior's post) is passed too:
    nobody rates themself. Returns None at the top of the line (the kepala daerah rates, outside
    the system).
    """
    skipped: list[int] = []
    for position_id in supervisor_chain:
        holding = holder_on(holdings_by_position.get(position_id, ()), on)
        if holding is None or holding.person_id == person_id:
            skipped.append(position_id)
            continue
        return Atasan(holding.person_id, position_id, holding.kind, tuple(skipped))
    return None


def position_path(parent_path: str, position_id: int) -> str:
    """Materialised path of a node below `parent_path` ("" for a root)."""
    return f"{parent_path or '/'}{position_id}/"


def would_create_cycle(*, node_path: str, new_parent_path: str) -> bool:
    """Moving a node under one of its own descendants (or itself) would make a loop."""
    return bool(node_path) and new_parent_path.startswith(node_path)
