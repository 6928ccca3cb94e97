"""Goal services: who may change an OPD's goals, open years, deletes that would orphan RHKs,
audit records only for real changes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import AuditRecord, PerformanceYear, PeriodState
from kinerja.plans.goals import services
from kinerja.plans.goals.selectors import goal_writable_opds, may_change_goals
from kinerja.plans.models import Iku, PerjanjianKinerja, SasaranStrategis
from kinerja.plans.testing import open_year, this_year


@pytest.fixture
def year(cast):
    open_year(cast, this_year())
    return this_year()


def _audit_count(cast) -> int:
    return AuditRecord.objects.filter(instansi=cast.instansi).count()


@pytest.mark.parametrize("who", ["admin_bkpsdm", "admin_opd", "kadis"])
def test_bkpsdm_opd_admin_and_head_may_create_dinkes_goals(cast, year, who):
    actor = cast.accounts[who]
    pk = services.perjanjian_save(actor=actor, opd=cast.opds["dinkes"], year=year)
    sasaran = services.sasaran_save(actor=actor, perjanjian=pk, code="SS1", text="Sehat")
    iku = services.iku_save(actor=actor, sasaran=sasaran, code="IKU1", indicator="Akreditasi",
                            unit="persen", annual_target=Decimal("90"))
    assert iku.sasaran.perjanjian.opd == cast.opds["dinkes"]
    assert iku.order == 1 and sasaran.order == 1


@pytest.mark.parametrize("who", ["pegawai", "atasan", "sekretaris", "pimpinan", "auditor",
                                 "outsider"])
def test_others_may_not_change_dinkes_goals(cast, year, who):
    with pytest.raises(Forbidden):
        services.perjanjian_save(actor=cast.accounts[who], opd=cast.opds["dinkes"], year=year)


def test_admin_opd_may_not_change_another_opd(cast, year):
    with pytest.raises(Forbidden):
        services.perjanjian_save(actor=cast.admin_opd, opd=cast.opds["disdik"], year=year)


def test_head_of_disdik_writes_only_disdik(cast):
    assert set(goal_writable_opds(cast.outsider)) == {cast.opds["disdik"]}
    assert may_change_goals(cast.outsider, cast.opds["disdik"])
    assert not may_change_goals(cast.kadis, cast.opds["disdik"])


def test_year_must_be_open(cast, year):
    with pytest.raises(Conflict) as exc:
        services.perjanjian_save(actor=cast.admin_bkpsdm, opd=cast.opds["dinkes"], year=year + 5)
    assert exc.value.code == "period_not_open"


def test_closed_year_refuses_targets_and_realisation(plan, cast):
    PerformanceYear.objects.filter(instansi=cast.instansi, year=plan.year).update(
        state=PeriodState.CLOSED)
    admin = cast.admin_bkpsdm
    with pytest.raises(Conflict):
        services.iku_realisation_save(actor=admin, iku=plan.iku, quarter=1, value=Decimal(10))
    with pytest.raises(Conflict):
        services.iku_save(actor=admin, sasaran=plan.iku.sasaran, iku=plan.iku, code="IKU1",
                          indicator="x", unit="persen", annual_target=Decimal(1))


def test_saving_the_same_values_writes_no_audit_record(cast, year):
    actor = cast.admin_bkpsdm
    pk = services.perjanjian_save(actor=actor, opd=cast.opds["dinkes"], year=year)
    sasaran = services.sasaran_save(actor=actor, perjanjian=pk, code="SS1", text="Sehat")
    before = _audit_count(cast)
    again = services.perjanjian_save(actor=actor, opd=cast.opds["dinkes"], year=year)
    services.sasaran_save(actor=actor, perjanjian=pk, sasaran=sasaran, code="SS1", text="Sehat")
    assert again.pk == pk.pk
    assert _audit_count(cast) == before
    assert PerjanjianKinerja.objects.filter(opd=cast.opds["dinkes"], year=year).count() == 1


def test_duplicate_codes_are_refused(cast, year):
    actor = cast.admin_bkpsdm
    pk = services.perjanjian_save(actor=actor, opd=cast.opds["dinkes"], year=year)
    services.sasaran_save(actor=actor, perjanjian=pk, code="SS1", text="Sehat")
    with pytest.raises(Conflict) as exc:
        services.sasaran_save(actor=actor, perjanjian=pk, code="SS1", text="Lain")
    assert exc.value.code == "duplicate_code"


def test_iku_with_rhk_cannot_be_deleted(plan, cast):
    admin = cast.admin_bkpsdm
    with pytest.raises(Conflict) as exc:
        services.iku_delete(actor=admin, iku=plan.iku)
    assert exc.value.code == "iku_has_rhk"
    assert "IKU1" in exc.value.message
    with pytest.raises(Conflict):
        services.sasaran_delete(actor=admin, sasaran=plan.iku.sasaran)
    assert Iku.objects.filter(pk=plan.iku.pk).exists()


def test_sasaran_delete_records_each_iku(cast, year):
    actor = cast.admin_bkpsdm
    pk = services.perjanjian_save(actor=actor, opd=cast.opds["dinkes"], year=year)
    sasaran = services.sasaran_save(actor=actor, perjanjian=pk, code="SS1", text="Sehat")
    for code in ("A", "B"):
        services.iku_save(actor=actor, sasaran=sasaran, code=code, indicator=code, unit="%",
                          annual_target=Decimal(1))
    with pytest.raises(Conflict):
        services.perjanjian_delete(actor=actor, perjanjian=pk)
    services.sasaran_delete(actor=actor, sasaran=sasaran)
    actions = list(AuditRecord.objects.filter(instansi=cast.instansi).order_by("-seq")
                   .values_list("action", flat=True)[:3])
    assert actions == ["sasaran.delete", "iku.delete", "iku.delete"]
    assert not SasaranStrategis.objects.filter(perjanjian=pk).exists()
    services.perjanjian_delete(actor=actor, perjanjian=pk)
    assert not PerjanjianKinerja.objects.filter(pk=pk.pk).exists()


def test_realisation_per_quarter(plan, cast):
    admin = cast.admin_bkpsdm
    iku = services.iku_realisation_save(actor=admin, iku=plan.iku, quarter=2,
                                        value=Decimal("45.5"))
    iku.refresh_from_db()
    assert iku.realisation_q2 == Decimal("45.50")
    assert iku.realisation_q1 is None
    record = AuditRecord.objects.filter(action="iku.realisation").get()
    assert record.changes == {"realisation_q2": [None, "45.50"]}
    with pytest.raises(ApplicationError) as exc:
        services.iku_realisation_save(actor=admin, iku=plan.iku, quarter=5, value=Decimal(1))
    assert exc.value.code == "invalid_quarter"


def test_kadis_enters_realisation_but_pegawai_does_not(plan, cast):
    services.iku_realisation_save(actor=cast.kadis, iku=plan.iku, quarter=1, value=Decimal(20))
    with pytest.raises(Forbidden):
        services.iku_realisation_save(actor=cast.pegawai, iku=plan.iku, quarter=1,
                                      value=Decimal(30))
