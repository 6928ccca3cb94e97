"""Cascading integrity, mutations, hand-down, copy, monthly plans and the mirrored-SKP seam."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import PerformanceYear
from kinerja.people.services import assignment_add
from kinerja.plans import services
from kinerja.plans.models import Lampiran, Rhk, Skp, SkpStatus
from kinerja.plans.selectors import approved_rhk_of, skp_in_force
from kinerja.plans.testing import add_rhk, approve, open_year

pytestmark = pytest.mark.django_db


def _code(excinfo):
    return excinfo.value.code


def test_link_to_someone_elses_rhk_is_refused(cast, plan):
    skp = plan.skp["pegawai"]
    # The sekretaris is the pegawai's indirect superior, not their pejabat penilai.
    with pytest.raises(ApplicationError) as caught:
        services.rhk_save(actor=cast.pegawai, skp=skp, text="X", parent=plan.rhk["sekretaris"])
    assert _code(caught) == "link_not_supervisor"
    assert "pejabat penilai" in caught.value.message


def test_link_to_a_draft_rhk_of_the_supervisor_is_refused(cast, plan):
    draft = services.skp_create(actor=cast.kasi, pegawai=cast.people["kasi"], year=plan.year)
    rhk = services.rhk_save(actor=cast.kasi, skp=draft, text="Rujukan tertangani")
    staf = services.skp_create(actor=cast.staf_kasi, pegawai=cast.people["staf_kasi"],
                               year=plan.year)
    with pytest.raises(ApplicationError) as caught:
        services.rhk_save(actor=cast.staf_kasi, skp=staf, text="X", parent=rhk)
    assert _code(caught) == "link_not_approved"


def test_link_to_last_years_rhk_is_refused(cast, plan):
    last = plan.year - 1
    open_year(cast, last)
    old = services.skp_create(actor=cast.atasan, pegawai=cast.people["atasan"], year=last)
    old_rhk = add_rhk(cast, "atasan", old, "Tahun lalu", parent=None)
    old.status = SkpStatus.APPROVED  # as if it had been approved last year
    old.save()
    with pytest.raises(ApplicationError) as caught:
        services.rhk_save(actor=cast.pegawai, skp=plan.skp["pegawai"], text="X", parent=old_rhk)
    assert _code(caught) == "link_other_year"
    assert Rhk.objects.filter(skp=plan.skp["pegawai"]).count() == 0


def test_only_the_opd_head_hangs_rhk_from_an_iku(cast, plan):
    with pytest.raises(ApplicationError) as caught:
        services.rhk_save(actor=cast.pegawai, skp=plan.skp["pegawai"], text="X", iku=plan.iku)
    assert _code(caught) == "link_iku_not_head"


def test_iku_of_another_opd_is_refused(cast, plan):
    outsider = services.skp_create(actor=cast.outsider, pegawai=cast.people["outsider"],
                                   year=plan.year)
    with pytest.raises(ApplicationError) as caught:
        services.rhk_save(actor=cast.outsider, skp=outsider, text="X", iku=plan.iku)
    assert _code(caught) == "link_iku_other"


def test_rhk_served_by_subordinates_cannot_be_deleted(cast, plan):
    services.skp_revise(actor=cast.sekretaris, skp=plan.skp["sekretaris"])
    with pytest.raises(Conflict) as caught:
        services.rhk_delete(actor=cast.sekretaris, rhk=plan.rhk["sekretaris"])
    assert _code(caught) == "rhk_has_children"


def test_closed_year_refuses_changes(cast, plan):
    PerformanceYear.objects.filter(instansi=cast.instansi, year=plan.year).update(state="closed")
    with pytest.raises(Conflict) as caught:
        services.rhk_save(actor=cast.pegawai, skp=plan.skp["pegawai"], text="X")
    assert _code(caught) == "period_closed"


def test_year_not_opened_refuses_a_new_skp(cast, plan):
    with pytest.raises(Conflict) as caught:
        services.skp_create(actor=cast.pegawai, pegawai=cast.people["pegawai"],
                            year=plan.year + 1)
    assert _code(caught) == "period_not_open"


def test_nobody_opens_an_skp_for_someone_else(cast, plan):
    for who in ("atasan", "admin_bkpsdm", "admin_opd"):
        with pytest.raises(Forbidden):
            services.skp_create(actor=cast.accounts[who], pegawai=cast.people["pegawai2"],
                                year=plan.year)


def test_mutation_mid_year_closes_the_old_skp_and_opens_a_new_one(cast, plan):
    today = timezone.localdate()
    moved_on = today - dt.timedelta(days=30)
    assignment_add(actor=cast.admin_bkpsdm, pegawai=cast.people["pegawai"],
                   jabatan=cast.positions["pengelola"], start_date=moved_on, movement="mutasi")
    new = services.skp_create(actor=cast.pegawai, pegawai=cast.people["pegawai"], year=plan.year)
    old = Skp.objects.get(pk=plan.skp["pegawai"].pk)
    assert old.status == SkpStatus.CLOSED
    assert old.end_date == moved_on - dt.timedelta(days=1)
    assert (new.jabatan, new.start_date) == (cast.positions["pengelola"], moved_on)
    assert skp_in_force(cast.people["pegawai"].pk, today) == new
    # The new supervisor line: the kasi rates them now, so links go to the kasi's RHK.
    with pytest.raises(ApplicationError) as caught:
        services.rhk_save(actor=cast.pegawai, skp=new, text="X", parent=plan.rhk["atasan"])
    assert _code(caught) == "link_not_supervisor"


def test_hand_down_to_several_subordinates(cast, plan):
    # pegawai has a draft; pegawai2 has none; admin_opd (also under the kasubag) submitted.
    admin_skp = services.skp_create(actor=cast.admin_opd, pegawai=cast.people["admin_opd"],
                                    year=plan.year)
    add_rhk(cast, "admin_opd", admin_skp, "Kepegawaian", parent=plan.rhk["atasan"])
    services.skp_submit(actor=cast.admin_opd, skp=admin_skp)
    ids = [cast.people[p].pk for p in ("pegawai", "pegawai2", "admin_opd", "staf_kasi")]
    results = {r.pegawai_id: r for r in services.rhk_hand_down(
        actor=cast.atasan, rhk=plan.rhk["atasan"], pegawai_ids=ids, text="Surat tertata")}
    assert results[cast.people["pegawai"].pk].code == "created"
    assert results[cast.people["pegawai2"].pk].code == "created"
    # Their submitted SKP already serves this RHK.
    assert results[cast.people["admin_opd"].pk].code == "already_serves"
    assert results[cast.people["staf_kasi"].pk].code == "not_direct_subordinate"
    created = Rhk.objects.get(pk=results[cast.people["pegawai2"].pk].rhk_id)
    assert (created.parent, created.text, created.skp.status) == (
        plan.rhk["atasan"], "Surat tertata", SkpStatus.DRAFT)
    assert created.skp.pegawai == cast.people["pegawai2"]


def test_hand_down_skips_a_submitted_skp(cast, plan):
    services.skp_revise(actor=cast.atasan, skp=plan.skp["atasan"])
    second = add_rhk(cast, "atasan", plan.skp["atasan"], "Kepegawaian tertib",
                     parent=plan.rhk["sekretaris"])
    approve(cast, "atasan", plan.skp["atasan"], "sekretaris")
    skp = plan.skp["pegawai"]
    add_rhk(cast, "pegawai", skp, "Arsip", parent=plan.rhk["atasan"])
    services.skp_submit(actor=cast.pegawai, skp=skp)
    result = services.rhk_hand_down(actor=cast.atasan, rhk=second,
                                    pegawai_ids=[cast.people["pegawai"].pk])
    assert result[0].code == "skp_not_editable"
    assert not skp.rhk.filter(parent=second).exists()


def test_hand_down_needs_an_approved_rhk_of_ones_own(cast, plan):
    with pytest.raises(Forbidden):
        services.rhk_hand_down(actor=cast.pegawai, rhk=plan.rhk["atasan"],
                               pegawai_ids=[cast.people["pegawai2"].pk])


def test_copy_from_last_year_keeps_content_and_drops_links(cast, plan):
    last = plan.year - 1
    open_year(cast, last)
    Skp.objects.filter(pk=plan.skp["atasan"].pk).update(year=last, start_date=dt.date(last, 1, 1),
                                                        end_date=dt.date(last, 12, 31))
    source = Skp.objects.get(pk=plan.skp["atasan"].pk)
    Lampiran.objects.create(instansi=cast.instansi, skp=source, kind="konsekuensi",
                            text="Teguran tertulis")
    source.perilaku.filter(value="AK").update(expectation="Laporan tepat waktu")
    copied = services.skp_copy_from(actor=cast.atasan, source=source, year=plan.year)
    rhk = copied.rhk.get()
    assert (rhk.text, rhk.parent_id) == ("Dukungan atasan", None)
    assert rhk.indicators.get().target_min == Decimal(12)
    assert copied.copied_from == source and copied.status == SkpStatus.DRAFT
    assert [x.text for x in copied.lampiran.all()] == ["Teguran tertulis"]
    assert copied.perilaku.get(value="AK").expectation == "Laporan tepat waktu"
    with pytest.raises(Forbidden):
        services.skp_copy_from(actor=cast.pegawai, source=source, year=plan.year)


def test_monthly_plan_must_add_up_for_quantities(cast, plan):
    indicator = plan.rhk["atasan"].indicators.get()
    months = range(plan.skp["atasan"].start_date.month, 13)
    uneven = [services.MonthPlan(m, Decimal(2)) for m in months]
    with pytest.raises(ApplicationError) as caught:
        services.monthly_plan_save(actor=cast.atasan, indicator=indicator, months=uneven)
    assert _code(caught) == "monthly_sum_mismatch"
    even = [services.MonthPlan(m, Decimal(12 / len(months)).quantize(Decimal("0.01")))
            for m in months]
    fix = Decimal(12) - sum(p.target for p in even)
    even[-1] = services.MonthPlan(even[-1].month, even[-1].target + fix, "Laporan akhir")
    saved = services.monthly_plan_save(actor=cast.atasan, indicator=indicator, months=even)
    assert sum(t.target for t in saved) == Decimal(12)
    # The supervisor cannot write an employee's monthly plan.
    with pytest.raises(Forbidden):
        services.monthly_plan_save(actor=cast.sekretaris, indicator=indicator, months=even)


def test_mirrored_skp_reads_like_any_other_and_cannot_be_edited_here(cast, plan):
    year = plan.year
    PerformanceYear.objects.filter(instansi=cast.instansi, year=year).update(skp_source="bkn")
    mirrored = services.skp_mirror_save(
        actor=None, pegawai=cast.people["staf_kasi"], jabatan=cast.positions["pengelola"],
        year=year, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31),
        external_id="bkn-123",
        rhk=[services.MirroredRhk("utama", "Rujukan pasien terlayani")],
    )
    on = dt.date(year, 6, 1)
    assert [r.text for r in approved_rhk_of(cast.people["staf_kasi"].pk, on)] == [
        "Rujukan pasien terlayani"]
    with pytest.raises(Conflict) as caught:
        services.rhk_save(actor=cast.staf_kasi, skp=mirrored, text="X")
    assert _code(caught) == "skp_mirrored"
    with pytest.raises(Conflict):
        services.skp_create(actor=cast.pegawai2, pegawai=cast.people["pegawai2"], year=year)


def test_every_change_is_in_the_audit_trail(cast, plan):
    from kinerja.core.audit import audit_verify
    from kinerja.plans.selectors import skp_history

    actions = {r.action for r in skp_history(plan.skp["atasan"])}
    assert {"skp.create", "rhk.create", "indicator.create", "skp.submit", "skp.approve"} <= actions
    assert audit_verify(cast.instansi).ok


def test_approve_after_return_cycle_uses_current_penilai(cast, plan):
    skp = plan.skp["pegawai"]
    add_rhk(cast, "pegawai", skp, "Arsip", parent=plan.rhk["atasan"])
    approve(cast, "pegawai", skp, "atasan")
    assert Skp.objects.get(pk=skp.pk).penilai == cast.people["atasan"]


def test_hand_down_twice_does_not_duplicate(cast, plan):
    ids = [cast.people["pegawai"].pk]
    first = services.rhk_hand_down(actor=cast.atasan, rhk=plan.rhk["atasan"], pegawai_ids=ids)
    again = services.rhk_hand_down(actor=cast.atasan, rhk=plan.rhk["atasan"], pegawai_ids=ids)
    assert (first[0].code, again[0].code) == ("created", "already_serves")
    assert plan.skp["pegawai"].rhk.filter(parent=plan.rhk["atasan"]).count() == 1


def test_hand_down_after_a_mutation_closes_the_old_skp(cast, plan):
    today = timezone.localdate()
    # pegawai2 had an SKP as pengadministrasi under the kasubag; moved under the kasubag again
    # but to another position (the kasubag still rates them).
    old = services.skp_create(actor=cast.pegawai2, pegawai=cast.people["pegawai2"],
                              year=plan.year)
    from kinerja.org.models import Jabatan

    other = Jabatan.objects.create(
        instansi=cast.instansi, opd=cast.opds["dinkes"], unit=cast.units["umum"], code="ARSIP",
        name="Arsiparis", jenis="pelaksana", kelas=6, supervisor=cast.positions["kasubag"],
        path=cast.positions["kasubag"].path,
    )
    other.path = f"{cast.positions['kasubag'].path}{other.pk}/"
    other.save()
    assignment_add(actor=cast.admin_bkpsdm, pegawai=cast.people["pegawai2"], jabatan=other,
                   start_date=today - dt.timedelta(days=10), movement="mutasi")
    result = services.rhk_hand_down(actor=cast.atasan, rhk=plan.rhk["atasan"],
                                    pegawai_ids=[cast.people["pegawai2"].pk])
    assert result[0].code == "created"
    old.refresh_from_db()
    assert old.status == SkpStatus.CLOSED
    open_skps = Skp.objects.filter(pegawai=cast.people["pegawai2"], year=plan.year).exclude(
        status=SkpStatus.CLOSED)
    assert [s.jabatan for s in open_skps] == [other]
