"""Who rates whom on a date (pejabat penilai kinerja, RULES.md 1.2): pure, no database.

The line used throughout (position ids):

    KADIS (1) <- KABID (2) <- KASI (3) <- STAF (4, held by PERSON)

so the supervisor chain of the person's position is [3, 2, 1], direct supervisor first.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.org.rules import (
    Atasan,
    Holding,
    HoldingKind,
    definitive_position_on,
    holder_on,
    position_path,
    resolve_atasan,
    would_create_cycle,
)

DEF, PLT, PLH = HoldingKind.DEFINITIF, HoldingKind.PLT, HoldingKind.PLH
KADIS, KABID, KASI, STAF = 1, 2, 3, 4
CHAIN = [KASI, KABID, KADIS]
PERSON, P_KASI, P_KABID, P_KADIS, P_ACTING, P_OTHER = 100, 103, 102, 101, 200, 201
START = dt.date(2020, 1, 1)
ON = dt.date(2025, 6, 15)


def h(
    person: int,
    position: int,
    kind: HoldingKind = DEF,
    start: dt.date = START,
    end: dt.date | None = None,
) -> Holding:
    return Holding(person, position, kind, start, end)


def resolve(
    holdings: list[Holding], on: dt.date = ON, chain: list[int] | None = None, person: int = PERSON
) -> Atasan | None:
    by_position: dict[int, list[Holding]] = {}
    for holding in holdings:
        by_position.setdefault(holding.position_id, []).append(holding)
    return resolve_atasan(
        person_id=person,
        supervisor_chain=CHAIN if chain is None else chain,
        holdings_by_position=by_position,
        on=on,
    )


FULL_LINE = [h(P_KASI, KASI), h(P_KABID, KABID), h(P_KADIS, KADIS)]


# --- table tests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("holdings", "expected"),
    [
        pytest.param(FULL_LINE, Atasan(P_KASI, KASI, DEF), id="direct-supervisor-present"),
        pytest.param(
            [h(P_KABID, KABID), h(P_KADIS, KADIS)],
            Atasan(P_KABID, KABID, DEF, (KASI,)),
            id="vacant-kasi-passes-up-one",
        ),
        pytest.param(
            [h(P_KADIS, KADIS)],
            Atasan(P_KADIS, KADIS, DEF, (KASI, KABID)),
            id="vacant-kasi-and-kabid-pass-up-two",
        ),
        pytest.param(
            [h(P_ACTING, KASI, PLT), h(P_KADIS, KADIS)],
            Atasan(P_ACTING, KASI, PLT),
            id="plt-on-vacant-post-rates",
        ),
        pytest.param(
            [
                h(P_KASI, KASI),
                h(P_ACTING, KASI, PLH, ON - dt.timedelta(days=3), ON + dt.timedelta(days=3)),
            ],
            Atasan(P_ACTING, KASI, PLH),
            id="plh-beside-definitive-rates",
        ),
        pytest.param(
            [h(P_KASI, KASI), h(P_OTHER, KASI, PLH), h(P_ACTING, KASI, PLT)],
            Atasan(P_ACTING, KASI, PLT),
            id="plt-over-plh-over-definitive",
        ),
        pytest.param(
            [h(P_KASI, KASI), h(P_ACTING, KASI, PLH, START, ON - dt.timedelta(days=1))],
            Atasan(P_KASI, KASI, DEF),
            id="plh-ended-yesterday-is-ignored",
        ),
        pytest.param(
            [h(P_KASI, KASI), h(P_ACTING, KASI, PLH, ON + dt.timedelta(days=1))],
            Atasan(P_KASI, KASI, DEF),
            id="plh-from-tomorrow-is-ignored",
        ),
        pytest.param(
            [h(P_KASI, KASI), h(P_ACTING, KASI, PLH, ON - dt.timedelta(days=5), ON)],
            Atasan(P_ACTING, KASI, PLH),
            id="plh-end-date-is-inclusive",
        ),
        pytest.param(
            [h(P_KASI, KASI, start=ON)], Atasan(P_KASI, KASI, DEF), id="definitive-from-tmt-day"
        ),
        pytest.param(
            [h(P_KASI, KASI, end=ON - dt.timedelta(days=1)), h(P_KABID, KABID)],
            Atasan(P_KABID, KABID, DEF, (KASI,)),
            id="holder-left-yesterday",
        ),
        pytest.param(
            [h(PERSON, KASI, PLT), h(P_KABID, KABID)],
            Atasan(P_KABID, KABID, DEF, (KASI,)),
            id="own-plt-of-superior-post-skipped",
        ),
        pytest.param(
            [h(P_KASI, KASI), h(PERSON, KASI, PLH, ON, ON), h(P_KABID, KABID)],
            Atasan(P_KABID, KABID, DEF, (KASI,)),
            id="own-plh-while-definitive-away-skipped",
        ),
        pytest.param([], None, id="whole-line-vacant"),
        pytest.param(
            [h(P_ACTING, KASI, PLT, START, ON - dt.timedelta(days=1))],
            None,
            id="only-an-expired-plt",
        ),
    ],
)
def test_resolve_atasan(holdings, expected):
    assert resolve(holdings) == expected


def test_top_of_the_line_has_no_atasan():
    # The Kepala OPD's own chain ends at the Sekda; the Sekda is rated by the kepala daerah,
    # who is outside the system.
    assert resolve([h(P_KADIS, KADIS)], chain=[], person=P_KADIS) is None


def test_official_who_is_plt_of_own_superior_goes_one_more_level_up():
    # The Kasi is also Plt Kabid: nobody rates themself, so the Kadis rates the Kasi.
    holdings = [h(P_KASI, KASI), h(P_KASI, KABID, PLT), h(P_KADIS, KADIS)]
    assert resolve(holdings, chain=[KABID, KADIS], person=P_KASI) == Atasan(
        P_KADIS, KADIS, DEF, (KABID,)
    )
    # ...while the Kasi's own staff are rated by the Kasi (definitive), not via the Plt post.
    assert resolve(holdings) == Atasan(P_KASI, KASI, DEF)


# --- holder_on and definitive_position_on ----------------------------------------------------


def test_holder_on_prefers_the_latest_appointment_of_the_same_kind():
    older = h(P_OTHER, KASI, PLH, dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    newer = h(P_ACTING, KASI, PLH, dt.date(2025, 6, 10), dt.date(2025, 6, 20))
    assert holder_on([older, newer], ON) == newer
    assert holder_on([older, newer], dt.date(2025, 6, 25)) == older
    assert holder_on([older, newer], dt.date(2025, 7, 1)) is None


def test_holder_on_breaks_ties_by_person_id_so_the_result_is_stable():
    a, b = h(P_OTHER, KASI, PLT), h(P_ACTING, KASI, PLT)
    assert holder_on([a, b], ON) == holder_on([b, a], ON) == b


MUTATION_TMT = dt.date(2024, 7, 1)
OLD = h(PERSON, STAF, DEF, START, MUTATION_TMT - dt.timedelta(days=1))
NEW_STAF = 14  # in another OPD: KADIS2 (11) <- KASI2 (13) <- NEW_STAF (14)
NEW = h(PERSON, NEW_STAF, DEF, MUTATION_TMT)
CHAINS = {STAF: [KASI, KABID, KADIS], NEW_STAF: [13, 11]}
LINES = FULL_LINE + [h(300, 13), h(301, 11)]


@pytest.mark.parametrize(
    ("on", "position", "atasan"),
    [
        (MUTATION_TMT - dt.timedelta(days=1), STAF, P_KASI),  # day before TMT: old line
        (MUTATION_TMT, NEW_STAF, 300),  # on TMT: new line
        (MUTATION_TMT + dt.timedelta(days=30), NEW_STAF, 300),
        (START, STAF, P_KASI),
    ],
)
def test_mutation_switches_the_supervisor_line_on_tmt(on, position, atasan):
    own = definitive_position_on([OLD, NEW], on)
    assert own is not None and own.position_id == position
    found = resolve(LINES, on=on, chain=CHAINS[own.position_id])
    assert found is not None and found.person_id == atasan


def test_unclosed_old_record_loses_to_the_newest_tmt():
    # SIMPEG often leaves the old position open after a mutation.
    old_open = h(PERSON, STAF, DEF, START)
    assert definitive_position_on([old_open, NEW], MUTATION_TMT - dt.timedelta(days=1)) == old_open
    assert definitive_position_on([old_open, NEW], MUTATION_TMT) == NEW


def test_definitive_position_ignores_acting_appointments():
    acting = h(PERSON, KASI, PLT, MUTATION_TMT)
    assert definitive_position_on([OLD, acting], MUTATION_TMT) is None
    assert definitive_position_on([OLD, acting], START) == OLD


def test_paths_and_cycles():
    assert position_path("", 3) == "/3/"
    assert position_path("/1/2/", 3) == "/1/2/3/"
    assert would_create_cycle(node_path="/1/2/", new_parent_path="/1/2/5/")
    assert would_create_cycle(node_path="/1/2/", new_parent_path="/1/2/")
    assert not would_create_cycle(node_path="/1/2/", new_parent_path="/1/3/")
    assert not would_create_cycle(node_path="", new_parent_path="/1/")


# --- property ------------------------------------------------------------------------------

PEOPLE = st.sampled_from([PERSON, 101, 102, 103, 104])
DAY0 = dt.date(2025, 1, 1)


@st.composite
def holding_sets(draw):
    chain = draw(st.lists(st.integers(min_value=1, max_value=8), unique=True, max_size=5))
    holdings: dict[int, list[Holding]] = {}
    for position in chain:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            start = DAY0 + dt.timedelta(days=draw(st.integers(min_value=0, max_value=60)))
            length = draw(st.none() | st.integers(min_value=0, max_value=60))
            end = None if length is None else start + dt.timedelta(days=length)
            kind = draw(st.sampled_from(list(HoldingKind)))
            holdings.setdefault(position, []).append(
                Holding(draw(PEOPLE), position, kind, start, end)
            )
    on = DAY0 + dt.timedelta(days=draw(st.integers(min_value=0, max_value=90)))
    return chain, holdings, on


def _eligible(holdings: dict[int, list[Holding]], position: int, on: dt.date) -> bool:
    chosen = holder_on(holdings.get(position, ()), on)
    return chosen is not None and chosen.person_id != PERSON


@given(holding_sets())
def test_resolved_atasan_holds_a_chain_position_and_everything_below_was_empty(case):
    chain, holdings, on = case
    found = resolve_atasan(
        person_id=PERSON, supervisor_chain=chain, holdings_by_position=holdings, on=on
    )
    if found is None:
        assert not any(_eligible(holdings, p, on) for p in chain)
        return
    assert found.person_id != PERSON
    assert found.position_id in chain
    assert any(
        x.person_id == found.person_id and x.kind == found.kind and x.in_force(on)
        for x in holdings[found.position_id]
    )
    below = chain[: chain.index(found.position_id)]
    assert found.skipped_positions == tuple(below)
    assert not any(_eligible(holdings, p, on) for p in below)
    # Acting precedence: nobody in force at that post outranks the one who rates.
    rank = {PLT: 0, PLH: 1, DEF: 2}
    in_force = [x for x in holdings[found.position_id] if x.in_force(on)]
    assert rank[found.kind] == min(rank[x.kind] for x in in_force)
