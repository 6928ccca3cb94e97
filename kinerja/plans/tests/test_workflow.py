"""The SKP workflow per role: who may submit, approve, return, revise; nobody outside scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.plans import services
from kinerja.plans.models import SkpStatus
from kinerja.plans.selectors import approved_rhk_of, skp_history
from kinerja.plans.testing import add_rhk

pytestmark = pytest.mark.django_db


def _complete(cast, plan):
    skp = plan.skp["pegawai"]
    add_rhk(cast, "pegawai", skp, "Surat masuk tercatat", parent=plan.rhk["atasan"],
            intervention="langsung")
    return skp


def test_plan_fixture_cascades_down_the_line(plan):
    assert plan.skp["kadis"].status == SkpStatus.APPROVED
    assert plan.skp["atasan"].status == SkpStatus.APPROVED
    assert plan.rhk["atasan"].parent == plan.rhk["sekretaris"]
    assert plan.rhk["kadis"].iku == plan.iku
    assert plan.skp["kadis"].form == "jpt" and plan.skp["pegawai"].form == "non_jpt"


def test_employee_submits_supervisor_returns_then_approves(cast, plan):
    skp = _complete(cast, plan)
    services.skp_submit(actor=cast.pegawai, skp=skp)
    skp.refresh_from_db()
    assert skp.status == SkpStatus.SUBMITTED
    assert skp.penilai == cast.people["atasan"]
    services.skp_return(actor=cast.atasan, skp=skp, note="Target terlalu rendah")
    skp.refresh_from_db()
    assert (skp.status, skp.return_note) == (SkpStatus.RETURNED, "Target terlalu rendah")
    rhk = skp.rhk.get()
    indicator = rhk.indicators.get()
    services.indicator_save(actor=cast.pegawai, rhk=rhk, indicator=indicator, aspek="kuantitas",
                            text=indicator.text, target_kind="angka", target_min=Decimal(24),
                            unit="dokumen")
    services.skp_submit(actor=cast.pegawai, skp=skp)
    services.skp_approve(actor=cast.atasan, skp=skp)
    skp.refresh_from_db()
    assert skp.status == SkpStatus.APPROVED and skp.return_note == ""
    actions = [r.action for r in skp_history(skp)]
    assert actions[0] == "skp.create"
    assert [a for a in actions if a.startswith("skp.")] == [
        "skp.create", "skp.submit", "skp.return", "skp.submit", "skp.approve",
    ]
    note = skp_history(skp).get(action="skp.return").context["note"]
    assert note == "Target terlalu rendah"


@pytest.mark.parametrize("who", ["pegawai2", "sekretaris", "kadis", "admin_opd", "outsider",
                                 "pimpinan", "auditor"])
def test_only_the_pejabat_penilai_approves_or_returns(cast, plan, who):
    skp = _complete(cast, plan)
    services.skp_submit(actor=cast.pegawai, skp=skp)
    with pytest.raises(Forbidden):
        services.skp_approve(actor=cast.accounts[who], skp=skp)
    with pytest.raises(Forbidden):
        services.skp_return(actor=cast.accounts[who], skp=skp, note="x")


@pytest.mark.parametrize("who", ["atasan", "pegawai2", "admin_bkpsdm", "admin_opd"])
def test_only_the_owner_submits_and_edits(cast, plan, who):
    skp = _complete(cast, plan)
    with pytest.raises(Forbidden):
        services.skp_submit(actor=cast.accounts[who], skp=skp)
    with pytest.raises(Forbidden):
        services.rhk_save(actor=cast.accounts[who], skp=skp, text="Sisipan")


def test_supervisor_cannot_approve_own_draft_nor_a_draft(cast, plan):
    skp = _complete(cast, plan)
    with pytest.raises(Conflict):
        services.skp_approve(actor=cast.atasan, skp=skp)


def test_incomplete_skp_is_refused_with_every_problem(cast, plan):
    skp = plan.skp["pegawai"]
    services.rhk_save(actor=cast.pegawai, skp=skp, text="Tanpa indikator dan induk")
    with pytest.raises(ApplicationError) as caught:
        services.skp_submit(actor=cast.pegawai, skp=skp)
    codes = {p["code"] for p in caught.value.details}
    assert codes == {"rhk_no_indicator", "rhk_needs_parent"}


def test_return_needs_a_note(cast, plan):
    skp = _complete(cast, plan)
    services.skp_submit(actor=cast.pegawai, skp=skp)
    with pytest.raises(ApplicationError) as caught:
        services.skp_return(actor=cast.atasan, skp=skp, note="  ")
    assert caught.value.code == "note_required"


def test_approved_skp_changes_only_through_a_revision_and_new_approval(cast, plan):
    skp = plan.skp["atasan"]
    with pytest.raises(Conflict) as caught:
        services.rhk_save(actor=cast.atasan, skp=skp, text="Tambahan", kind="tambahan")
    assert caught.value.code == "skp_approved"
    services.skp_revise(actor=cast.atasan, skp=skp, reason="Tugas baru")
    services.rhk_save(actor=cast.atasan, skp=skp, text="Tambahan", kind="tambahan")
    skp.refresh_from_db()
    assert skp.status == SkpStatus.DRAFT
    # While in revision, its RHKs are not approved: the subordinate cannot link to them.
    with pytest.raises(ApplicationError) as link:
        services.rhk_save(actor=cast.pegawai, skp=plan.skp["pegawai"], text="X",
                          parent=plan.rhk["atasan"])
    assert link.value.code == "link_not_approved"


def test_top_of_the_line_is_approved_by_admin_bkpsdm(cast, plan):
    # kadis has no supervisor in the system: admin BKPSDM acted for the kepala daerah.
    assert plan.skp["kadis"].status == SkpStatus.APPROVED
    records = skp_history(plan.skp["kadis"]).filter(action="skp.approve")
    assert records.get().actor_id == cast.admin_bkpsdm.pk


def test_stale_version_is_refused(cast, plan):
    skp = plan.skp["pegawai"]
    with pytest.raises(Conflict) as caught:
        services.rhk_save(actor=cast.pegawai, skp=skp, text="X", kind="tambahan",
                          expected_version=skp.version - 1 if skp.version > 1 else 99)
    assert caught.value.code == "stale"


def test_downstream_reads_approved_rhk_only(cast, plan):
    skp = _complete(cast, plan)
    on = skp.start_date
    assert list(approved_rhk_of(cast.people["pegawai"].pk, on)) == []
    services.skp_submit(actor=cast.pegawai, skp=skp)
    services.skp_approve(actor=cast.atasan, skp=skp)
    assert [r.text for r in approved_rhk_of(cast.people["pegawai"].pk, on)] == [
        "Surat masuk tercatat"
    ]
