"""People services: mutations close the old position; only admin BKPSDM changes personnel data."""

from __future__ import annotations

import datetime as dt

import pytest

from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import AuditRecord
from kinerja.people.models import PositionAssignment
from kinerja.people.selectors import atasan_of
from kinerja.people.services import assignment_add, pegawai_save


def test_mutation_closes_the_previous_position_the_day_before_the_tmt(cast):
    staff = cast.people["staf_kasi"]
    tmt = dt.date(2025, 3, 1)
    assignment_add(
        actor=cast.admin_bkpsdm,
        pegawai=staff,
        jabatan=cast.positions["pengadministrasi"],
        start_date=tmt,
        movement="mutasi",
        sk_number="800/12/BKPSDM/2025",
    )
    old = PositionAssignment.objects.get(pegawai=staff, jabatan=cast.positions["pengelola"])
    assert old.end_date == dt.date(2025, 2, 28)
    assert atasan_of(staff, dt.date(2025, 2, 28)).pegawai == cast.people["kasi"]
    assert atasan_of(staff, tmt).pegawai == cast.people["atasan"]
    actions = list(AuditRecord.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["assignment.close", "assignment.create"]


def test_end_before_start_is_refused(cast):
    with pytest.raises(ApplicationError) as exc:
        assignment_add(
            actor=cast.admin_bkpsdm,
            pegawai=cast.people["pegawai"],
            jabatan=cast.positions["pengelola"],
            kind="plt",
            start_date=dt.date(2025, 3, 1),
            end_date=dt.date(2025, 2, 1),
        )
    assert exc.value.code == "end_before_start"


@pytest.mark.parametrize("who", ["pegawai", "atasan", "admin_opd", "pimpinan", "auditor"])
def test_only_admin_bkpsdm_changes_personnel_data(cast, who):
    with pytest.raises(Forbidden):
        pegawai_save(
            actor=cast.accounts[who],
            instansi=cast.instansi,
            pegawai=cast.people["pegawai"],
            phone="0811",
        )
    with pytest.raises(Forbidden):
        assignment_add(
            actor=cast.accounts[who],
            pegawai=cast.people["pegawai"],
            jabatan=cast.positions["pengelola"],
            start_date=dt.date(2025, 1, 1),
        )


def test_invalid_nip_is_refused_with_its_rule_code(cast):
    with pytest.raises(ApplicationError) as exc:
        pegawai_save(
            actor=cast.admin_bkpsdm,
            instansi=cast.instansi,
            nip="19660801198813100",
            name="Salah",
            asn_type="PNS",
            gender="",
            birth_date=None,
        )
    assert exc.value.code == "nip_format"
