"""Organisation and people writes stay inside the actor's instansi and OPD."""

from __future__ import annotations

import datetime as dt

import pytest

from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import Instansi
from kinerja.org.models import Opd, UnitKerja
from kinerja.org.services import jabatan_save, unit_save
from kinerja.people.access import pegawai_visible_to, scope_for
from kinerja.people.models import PositionAssignment
from kinerja.people.selectors import team_of
from kinerja.people.services import pegawai_save, role_grant
from kinerja.testing import build_cast


@pytest.fixture
def other(db):
    return build_cast("kab-lain")


def test_admin_bkpsdm_cannot_edit_another_instansis_employee(cast, other):
    victim = other.people["pegawai"]
    with pytest.raises(Forbidden):
        pegawai_save(actor=cast.admin_bkpsdm, instansi=cast.instansi, pegawai=victim, name="X")
    victim.refresh_from_db()
    assert victim.name == "Dewi Pelaksana"


def test_admin_opd_cannot_pull_another_opds_unit_into_theirs(cast):
    disdik_unit = cast.units["disdik"]
    with pytest.raises(Forbidden):
        unit_save(
            actor=cast.admin_opd,
            instansi=cast.instansi,
            unit=disdik_unit,
            opd=cast.opds["dinkes"],
            parent=cast.units["dinkes"],
        )
    disdik_unit.refresh_from_db()
    assert disdik_unit.opd == cast.opds["disdik"]


def test_admin_opd_may_rename_a_unit_of_their_own_opd(cast):
    unit = unit_save(
        actor=cast.admin_opd, instansi=cast.instansi, unit=cast.units["umum"], name="Subbagian Umum"
    )
    assert unit.name == "Subbagian Umum"


def test_position_cannot_move_into_another_instansis_opd(cast, other):
    with pytest.raises(Forbidden):
        jabatan_save(
            actor=cast.admin_bkpsdm,
            instansi=cast.instansi,
            jabatan=cast.positions["pengelola"],
            opd=other.opds["dinkes"],
        )


def test_position_unit_must_belong_to_its_opd(cast):
    with pytest.raises(ApplicationError) as exc:
        jabatan_save(
            actor=cast.admin_bkpsdm,
            instansi=cast.instansi,
            jabatan=cast.positions["pengelola"],
            unit=cast.units["disdik"],
        )
    assert exc.value.code == "unit_opd"


def test_role_grant_refuses_an_opd_of_another_instansi(cast, other):
    with pytest.raises(ApplicationError) as exc:
        role_grant(
            actor=cast.admin_bkpsdm,
            account=cast.pegawai,
            role="admin_opd",
            opd=other.opds["dinkes"],
        )
    assert exc.value.code == "opd_instansi"


def test_moving_a_unit_keeps_depth_right_below_it(cast):
    # Sekretariat (depth 1) with Umum (depth 2) moves under Yankes: depths 2 and 3.
    unit_save(
        actor=cast.admin_bkpsdm,
        instansi=cast.instansi,
        unit=cast.units["sekretariat"],
        parent=cast.units["yankes"],
    )
    umum = UnitKerja.objects.get(pk=cast.units["umum"].pk)
    sek = UnitKerja.objects.get(pk=cast.units["sekretariat"].pk)
    assert (sek.depth, umum.depth) == (2, 3)
    assert umum.path == f"{sek.path}{umum.pk}/"
    assert umum.depth == umum.path.count("/") - 2


def test_same_tmt_tie_gives_one_answer_to_scope_and_team(cast):
    """Two definitive records with the same TMT (bad SIMPEG data): one rule decides."""
    staff = cast.people["staf_kasi"]
    PositionAssignment.objects.filter(pegawai=staff).update(start_date=dt.date(2024, 1, 1))
    PositionAssignment.objects.create(
        instansi=cast.instansi,
        pegawai=staff,
        jabatan=cast.positions["pengadministrasi"],
        kind="definitif",
        start_date=dt.date(2024, 1, 1),
    )
    on = dt.date(2025, 1, 1)
    for account in (cast.kasi, cast.atasan):
        sees = staff in pegawai_visible_to(account, on=on)
        in_team = staff.pk in {m.pegawai.pk for m in team_of(account, on)}
        assert sees == in_team, account
    assert (staff in pegawai_visible_to(cast.kasi, on=on)) != (
        staff in pegawai_visible_to(cast.atasan, on=on)
    )


def test_a_retired_only_team_does_not_make_an_atasan(cast):
    staff = cast.people["staf_kasi"]
    staff.status = "pensiun"
    staff.save()
    assert not scope_for(cast.kasi).is_atasan
    assert Instansi.objects.count() == 1 and Opd.objects.count() == 3
