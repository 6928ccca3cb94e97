"""atasan_of / team_of with the database: the rule scenarios of test_rules_atasan.py on the cast
(kinerja/testing.py), plus what only the database shows (retired holders, query counts).

    kadis <- sekretaris <- kasubag (`atasan`) <- pengadministrasi (`pegawai`, `pegawai2`, ...)
    kadis <- kabid (VACANT) <- kasi (`kasi`) <- pengelola (`staf_kasi`)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.org.rules import HoldingKind
from kinerja.people.models import EmployeeStatus, Pegawai, PositionAssignment
from kinerja.people.selectors import atasan_of, team_of
from kinerja.testing import START, make_nip

ON = dt.date(2025, 6, 16)
PLT, PLH, DEF = HoldingKind.PLT, HoldingKind.PLH, HoldingKind.DEFINITIF


def give(
    cast,
    person: str,
    position: str,
    kind: HoldingKind = DEF,
    start: dt.date = START,
    end: dt.date | None = None,
) -> PositionAssignment:
    return PositionAssignment.objects.create(
        instansi=cast.instansi,
        pegawai=cast.people[person],
        jabatan=cast.positions[position],
        kind=kind,
        start_date=start,
        end_date=end,
    )


def close(cast, person: str, end: dt.date) -> None:
    PositionAssignment.objects.filter(pegawai=cast.people[person], end_date=None).update(
        end_date=end
    )


def rater(cast, person: str, on: dt.date = ON) -> tuple[str, str] | None:
    found = atasan_of(cast.people[person], on)
    if found is None:
        return None
    name = next(k for k, p in cast.people.items() if p.pk == found.pegawai.pk)
    return name, found.atasan.kind


def team(cast, account: str, on: dt.date = ON) -> dict[str, tuple[bool, str]]:
    names = {p.pk: k for k, p in cast.people.items()}
    return {
        names.get(m.pegawai.pk, m.pegawai.name): (m.direct, m.via)
        for m in team_of(cast.accounts[account], on)
    }


# --- the rule scenarios ---------------------------------------------------------------------


def test_direct_supervisor_rates(cast):
    assert rater(cast, "pegawai") == ("atasan", DEF)


def test_vacant_supervisor_passes_up_one_level(cast):
    assert rater(cast, "kasi") == ("kadis", DEF)


def test_vacant_supervisors_pass_up_two_levels(cast):
    close(cast, "atasan", ON - dt.timedelta(days=10))
    close(cast, "sekretaris", ON - dt.timedelta(days=10))
    assert rater(cast, "pegawai") == ("kadis", DEF)
    assert rater(cast, "pegawai", ON - dt.timedelta(days=10)) == ("atasan", DEF)  # inclusive


def test_plt_on_the_vacant_post_rates(cast):
    give(cast, "sekretaris", "kabid", PLT)
    assert rater(cast, "kasi") == ("sekretaris", PLT)
    assert team(cast, "sekretaris")["kasi"] == (True, PLT)
    # the Plt's own staff line is unchanged
    assert team(cast, "sekretaris")["atasan"] == (True, DEF)


def test_plh_beside_the_definitive_holder_rates_while_in_force(cast):
    give(cast, "sekretaris", "kasubag", PLH, ON - dt.timedelta(days=2), ON + dt.timedelta(days=2))
    assert rater(cast, "pegawai") == ("sekretaris", PLH)
    assert rater(cast, "pegawai", ON + dt.timedelta(days=2)) == ("sekretaris", PLH)
    assert rater(cast, "pegawai", ON + dt.timedelta(days=3)) == ("atasan", DEF)
    assert rater(cast, "pegawai", ON - dt.timedelta(days=3)) == ("atasan", DEF)


def test_plt_outranks_plh(cast):
    give(cast, "sekretaris", "kabid", PLH, ON - dt.timedelta(days=5))
    give(cast, "kadis", "kabid", PLT, ON - dt.timedelta(days=5))
    assert rater(cast, "kasi") == ("kadis", PLT)


def test_acting_appointment_outside_its_dates_is_ignored(cast):
    give(cast, "sekretaris", "kabid", PLT, ON + dt.timedelta(days=1))
    give(cast, "atasan", "kabid", PLT, START, ON - dt.timedelta(days=1))
    assert rater(cast, "kasi") == ("kadis", DEF)


def test_plt_of_own_superior_post_is_skipped_up(cast):
    give(cast, "kasi", "kabid", PLT)
    assert rater(cast, "kasi") == ("kadis", DEF)
    assert rater(cast, "staf_kasi") == ("kasi", DEF)
    assert team(cast, "kadis")["kasi"] == (True, DEF)


def test_top_of_the_line_has_no_atasan(cast):
    assert rater(cast, "kadis") is None


def test_person_without_a_position_has_no_atasan(cast):
    assert rater(cast, "pimpinan") is None


def test_mutation_switches_the_line_on_tmt(cast):
    tmt = dt.date(2025, 3, 1)
    close(cast, "pegawai", tmt - dt.timedelta(days=1))
    give(cast, "pegawai", "pengelola", start=tmt)
    assert rater(cast, "pegawai", tmt - dt.timedelta(days=1)) == ("atasan", DEF)
    assert rater(cast, "pegawai", tmt) == ("kasi", DEF)
    assert "pegawai" in team(cast, "atasan", tmt - dt.timedelta(days=1))
    assert "pegawai" not in team(cast, "atasan", tmt)
    assert team(cast, "kasi", tmt)["pegawai"] == (True, DEF)


def test_mutation_with_the_old_record_left_open_follows_the_newest_tmt(cast):
    # SIMPEG leaves the old definitive record open; the newest TMT is the current position.
    tmt = dt.date(2025, 3, 1)
    give(cast, "pegawai", "pengelola", start=tmt)
    assert rater(cast, "pegawai", tmt) == ("kasi", DEF)
    kasi_team = team(cast, "kasi", tmt)
    assert kasi_team["pegawai"] == (True, DEF)
    assert "pegawai" not in team(cast, "atasan", tmt)


def test_retired_holder_is_ignored(cast):
    Pegawai.objects.filter(pk=cast.people["atasan"].pk).update(status=EmployeeStatus.PENSIUN)
    # the retired Kasubag's record is still open, as SIMPEG often leaves it
    assert rater(cast, "pegawai") == ("sekretaris", DEF)
    assert team(cast, "sekretaris")["pegawai"] == (True, DEF)


@pytest.mark.parametrize("status", [EmployeeStatus.CUTI, EmployeeStatus.TUGAS_BELAJAR])
def test_holder_on_leave_still_rates_without_a_plh(cast, status):
    Pegawai.objects.filter(pk=cast.people["atasan"].pk).update(status=status)
    assert rater(cast, "pegawai") == ("atasan", DEF)


def test_team_marks_who_is_rated_directly(cast):
    kadis_team = team(cast, "kadis")
    assert kadis_team["sekretaris"] == (True, DEF)
    assert kadis_team["kasi"] == (True, DEF)  # the kabid post is vacant
    assert kadis_team["atasan"] == (False, DEF)
    assert kadis_team["staf_kasi"] == (False, DEF)
    assert "kadis" not in kadis_team
    assert team(cast, "pegawai") == {}


# --- query counts ---------------------------------------------------------------------------


def _add_staff(cast, count: int) -> None:
    people = [
        Pegawai(
            instansi=cast.instansi,
            nip=make_nip(dt.date(1990, 1, 1), dt.date(2015, 1, 1), 1, 100 + i),
            name=f"Staf {i:03d}",
            gender="L",
            birth_date=dt.date(1990, 1, 1),
        )
        for i in range(count)
    ]
    Pegawai.objects.bulk_create(people)
    people = list(Pegawai.objects.filter(name__startswith="Staf "))
    PositionAssignment.objects.bulk_create(
        [
            PositionAssignment(
                instansi=cast.instansi,
                pegawai=p,
                jabatan=cast.positions["pengadministrasi" if i % 2 else "pengelola"],
                start_date=START,
            )
            for i, p in enumerate(people)
        ]
    )


def _team_queries(cast) -> tuple[int, int]:
    account = cast.accounts["kadis"]
    account.__dict__.pop("_scope_cache", None)
    with CaptureQueriesContext(connection) as ctx:
        members = team_of(account, ON)
    return len(ctx.captured_queries), len(members)


def test_team_of_query_count_does_not_grow_with_the_team(cast):
    _add_staff(cast, 5)
    small_queries, small = _team_queries(cast)
    Pegawai.objects.filter(name__startswith="Staf ").delete()
    _add_staff(cast, 50)
    large_queries, large = _team_queries(cast)
    assert large - small == 45
    assert small_queries == large_queries <= 4


def test_atasan_of_uses_at_most_four_queries(cast):
    give(cast, "sekretaris", "kabid", PLT)
    with CaptureQueriesContext(connection) as ctx:
        found = atasan_of(cast.people["staf_kasi"], ON)
    assert found is not None and found.pegawai == cast.people["kasi"]
    assert len(ctx.captured_queries) <= 4
