"""The evaluation services end to end: self-assessment before rating, finalising (and its lock
on the period's logs), reopening, objections, acknowledging, calibration, the OPD head's hasil
rating from the organisation predikat, and concurrent edits. Time moves by patching the
services' `today_in`."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from kinerja.activities import services as activity_services
from kinerja.activities.testing import log
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import AuditRecord, PersonPeriodLock
from kinerja.evaluations import rules, services
from kinerja.evaluations.batch import recompute
from kinerja.evaluations.models import Evaluation, Objection, ObjectionStatus
from kinerja.evaluations.services import evaluation as evaluation_module
from kinerja.evaluations.services import objections as objection_module
from kinerja.evaluations.testing import finalised, rate, self_assess
from kinerja.people.access import today_in


def travel(monkeypatch, day: dt.date) -> None:
    """The evaluation services see `day` as today."""
    for module in (evaluation_module, objection_module):
        monkeypatch.setattr(module, "today_in", lambda account, day=day: day)


def actions(evaluation: Evaluation) -> list[str]:
    return list(
        AuditRecord.objects.filter(
            object_type="evaluations.evaluation", object_id=str(evaluation.pk)
        ).order_by("seq").values_list("action", flat=True)
    )


def after_deadline(evaluation: Evaluation) -> dt.date:
    return services.self_deadline(evaluation) + dt.timedelta(days=1)


# --- Self-assessment first, then the supervisor -------------------------------------------------


def test_self_assessment_then_rating_then_finalise(cast, ev):
    e = ev.evaluation
    assert e.status == "draft" and e.predikat == ""
    e = services.evaluation_self_save(
        actor=cast.pegawai, evaluation=e, self_hasil_rating="di_atas",
        self_perilaku_rating="sesuai", self_note="Semua surat tertata",
    )
    e = services.evaluation_self_submit(actor=cast.pegawai, evaluation=e)
    assert e.status == "diajukan" and e.self_submitted_at is not None
    e = rate(cast, e, "di_atas", "di_atas")
    assert e.status == "diajukan"  # rated, not yet final
    assert (e.matrix_predikat, e.predikat, e.penilai_id) == (
        "sangat_baik", "sangat_baik", cast.people["atasan"].pk
    )
    e = services.evaluation_finalise(actor=cast.atasan, evaluation=e)
    assert e.status == "ditetapkan" and e.finalised_by == cast.atasan.pk
    assert e.objection_deadline == today_in(cast.atasan) + dt.timedelta(days=14)
    assert actions(e) == [
        "evaluation.start", "evaluation.self_save", "evaluation.self_submit", "evaluation.rate",
        "evaluation.finalise",
    ]
    # the self-assessment is kept beside the supervisor's ratings
    assert (e.self_hasil_rating, e.hasil_rating) == ("di_atas", "di_atas")


def test_self_submit_needs_both_self_ratings(cast, ev):
    with pytest.raises(ApplicationError) as refused:
        services.evaluation_self_submit(actor=cast.pegawai, evaluation=ev.evaluation)
    assert refused.value.code == "self_rating_missing"


def test_self_assessment_closes_once_submitted(cast, ev):
    e = self_assess(cast, ev.evaluation)
    with pytest.raises(Conflict) as refused:
        services.evaluation_self_save(actor=cast.pegawai, evaluation=e, self_note="lagi")
    assert refused.value.code == "invalid_status"


def test_finalise_refused_while_self_assessment_pending_before_the_deadline(cast, ev,
                                                                            monkeypatch):
    e = rate(cast, ev.evaluation)
    deadline = services.self_deadline(e)
    travel(monkeypatch, deadline)  # the deadline day itself still waits for the employee
    with pytest.raises(ApplicationError) as refused:
        services.evaluation_finalise(actor=cast.atasan, evaluation=e)
    assert refused.value.code == "self_assessment_pending"
    assert deadline.strftime("%d-%m-%Y") in refused.value.message
    e.refresh_from_db()
    assert e.status == "draft" and not PersonPeriodLock.objects.exists()


def test_finalise_allowed_without_self_assessment_after_the_deadline(cast, ev, monkeypatch):
    e = rate(cast, ev.evaluation, "sesuai", "sesuai")
    day = after_deadline(e)
    travel(monkeypatch, day)
    e = services.evaluation_finalise(actor=cast.atasan, evaluation=e)
    assert e.status == "ditetapkan" and e.predikat == "baik"
    assert e.objection_deadline == day + dt.timedelta(days=14)


def test_finalise_needs_both_ratings(cast, ev):
    e = self_assess(cast, ev.evaluation)
    e = rate(cast, e, "sesuai", "")
    with pytest.raises(ApplicationError) as refused:
        services.evaluation_finalise(actor=cast.atasan, evaluation=e)
    assert refused.value.code == "perilaku_rating_missing"
    assert refused.value.details == ["perilaku_rating_missing"]


def test_rating_refused_once_final(cast, ev):
    e = finalised(cast, ev.evaluation)
    with pytest.raises(Conflict) as refused:
        rate(cast, e, "di_atas", "di_atas")
    assert refused.value.code == "invalid_status"
    with pytest.raises(Conflict):
        services.evaluation_finalise(actor=cast.atasan, evaluation=e)


def test_unknown_rating_refused(cast, ev):
    with pytest.raises(ApplicationError) as refused:
        rate(cast, ev.evaluation, "baik", "sesuai")
    assert refused.value.code == "invalid_rating"


# --- The lock on the period's logs ----------------------------------------------------------


def test_finalised_evaluation_locks_the_period_s_logs_and_reopen_unlocks(cast, ev):
    draft = log(cast, "pegawai", ev.work, start=(11, 0), end=(12, 0))  # before finalising
    e = finalised(cast, ev.evaluation)
    lock = PersonPeriodLock.objects.get(source=f"evaluation:{e.pk}")
    assert (lock.pegawai_id, lock.start_date, lock.end_date) == (
        e.pegawai_id, e.start_date, e.end_date
    )
    with pytest.raises(Conflict) as refused:
        log(cast, "pegawai", ev.work, start=(13, 0), end=(14, 0))
    assert refused.value.code == "evaluation_final"
    with pytest.raises(Conflict) as refused:
        activity_services.activity_submit(actor=cast.pegawai, activity=draft)
    assert refused.value.code == "evaluation_final"
    # another person's logs are not locked
    log(cast, "pegawai2", ev.work, start=(13, 0), end=(14, 0))

    with pytest.raises(ApplicationError) as refused:
        services.evaluation_reopen(actor=cast.admin_bkpsdm, evaluation=e, reason="  ")
    assert refused.value.code == "reason_required"
    e = services.evaluation_reopen(actor=cast.admin_bkpsdm, evaluation=e,
                                   reason="Salah input realisasi")
    assert e.status == "diajukan"  # back to the supervisor, the self-assessment kept
    assert e.finalised_at is None and e.objection_deadline is None
    assert e.reopen_reason == "Salah input realisasi"
    assert not PersonPeriodLock.objects.filter(source=f"evaluation:{e.pk}").exists()
    activity_services.activity_submit(actor=cast.pegawai, activity=draft)
    log(cast, "pegawai", ev.work, start=(13, 0), end=(14, 0))
    record = AuditRecord.objects.filter(action="evaluation.reopen", object_id=str(e.pk)).get()
    assert record.context["reason"] == "Salah input realisasi"
    assert record.actor_id == cast.admin_bkpsdm.pk
    # the supervisor rates again and finalises again
    e = rate(cast, e, "di_atas", "sesuai")
    e = services.evaluation_finalise(actor=cast.atasan, evaluation=e)
    assert e.predikat == "baik" and PersonPeriodLock.objects.filter(pegawai_id=e.pegawai_id)


def test_reopen_of_a_draft_refused(cast, ev):
    with pytest.raises(Conflict) as refused:
        services.evaluation_reopen(actor=cast.admin_bkpsdm, evaluation=ev.evaluation,
                                   reason="x")
    assert refused.value.code == "invalid_status"


# --- Acknowledge --------------------------------------------------------------------------------


def test_acknowledge(cast, ev):
    e = finalised(cast, ev.evaluation)
    with pytest.raises(Forbidden):
        services.evaluation_acknowledge(actor=cast.atasan, evaluation=e)
    e = services.evaluation_acknowledge(actor=cast.pegawai, evaluation=e)
    assert e.status == "diterima" and e.acknowledged_at is not None
    assert actions(e)[-1] == "evaluation.acknowledge"
    with pytest.raises(Conflict):
        services.evaluation_acknowledge(actor=cast.pegawai, evaluation=e)
    with pytest.raises(Conflict) as refused:  # acknowledged: no objection any more
        services.objection_file(actor=cast.pegawai, evaluation=e, reason="Terlambat sadar")
    assert refused.value.code == "invalid_status"


def test_acknowledge_of_a_draft_refused(cast, ev):
    with pytest.raises(Conflict):
        services.evaluation_acknowledge(actor=cast.pegawai, evaluation=ev.evaluation)


# --- Objections ---------------------------------------------------------------------------------


def test_objection_within_the_deadline_goes_to_the_supervisor_s_supervisor(cast, ev,
                                                                            monkeypatch):
    e = finalised(cast, ev.evaluation, "di_atas", "di_bawah")
    assert e.predikat == "kurang"
    travel(monkeypatch, e.objection_deadline)  # the last day still counts
    with pytest.raises(ApplicationError) as refused:
        services.objection_file(actor=cast.pegawai, evaluation=e, reason=" ")
    assert refused.value.code == "reason_required"
    with pytest.raises(Forbidden):
        services.objection_file(actor=cast.pegawai2, evaluation=e, reason="Bukan saya")
    objection = services.objection_file(actor=cast.pegawai, evaluation=e,
                                        reason="Perilaku saya sesuai")
    e.refresh_from_db()
    assert e.status == "keberatan"
    assert objection.decider_id == cast.people["sekretaris"].pk
    assert objection.original_predikat == "kurang" and objection.status == "diajukan"
    record = AuditRecord.objects.get(action="evaluation.object", object_id=str(e.pk))
    assert record.context["objection"] == objection.pk
    assert record.context["decider"] == cast.people["sekretaris"].pk
    # one open objection at a time; a finalised evaluation under objection is not calibrated
    with pytest.raises(Conflict):
        services.objection_file(actor=cast.pegawai, evaluation=e, reason="Lagi")
    with pytest.raises(Conflict):
        services.evaluation_calibrate(actor=cast.admin_bkpsdm, evaluation=e, predikat="baik",
                                      reason="x")


def test_late_objection_refused(cast, ev, monkeypatch):
    e = finalised(cast, ev.evaluation)
    travel(monkeypatch, e.objection_deadline + dt.timedelta(days=1))
    with pytest.raises(Conflict) as refused:
        services.objection_file(actor=cast.pegawai, evaluation=e, reason="Tidak adil")
    assert refused.value.code == "objection_late"
    e.refresh_from_db()
    assert e.status == "ditetapkan" and not Objection.objects.exists()


def test_objection_days_follow_the_policy(cast, ev, monkeypatch):
    services.evaluation_policy_update(actor=cast.admin_bkpsdm, objection_days=3,
                                      peer_feedback=False, score_method_key="capaian-iki-8-2021")
    e = rate(cast, ev.evaluation)
    day = after_deadline(e)
    travel(monkeypatch, day)
    e = services.evaluation_finalise(actor=cast.atasan, evaluation=e)
    assert e.objection_deadline == day + dt.timedelta(days=3)


def test_upheld_objection_changes_the_predikat_by_the_matrix(cast, ev):
    e = finalised(cast, ev.evaluation, "di_atas", "di_bawah")
    objection = services.objection_file(actor=cast.pegawai, evaluation=e, reason="Keliru")
    for wrong in ("atasan", "kadis", "pegawai", "admin_bkpsdm"):
        with pytest.raises(Forbidden):
            services.objection_decide(actor=cast.accounts[wrong], objection=objection,
                                      upheld=True, note="x", hasil_rating="di_atas",
                                      perilaku_rating="di_atas")
    with pytest.raises(ApplicationError) as refused:
        services.objection_decide(actor=cast.sekretaris, objection=objection, upheld=True,
                                  note="  ")
    assert refused.value.code == "note_required"
    with pytest.raises(ApplicationError) as refused:
        services.objection_decide(actor=cast.sekretaris, objection=objection, upheld=True,
                                  note="Dikabulkan")
    assert refused.value.code == "rating_required"
    decided = services.objection_decide(
        actor=cast.sekretaris, objection=objection, upheld=True, note="Dikabulkan",
        hasil_rating="di_atas", perilaku_rating="di_atas",
    )
    e.refresh_from_db()
    assert decided.status == ObjectionStatus.UPHELD
    assert (decided.original_predikat, decided.decided_predikat) == ("kurang", "sangat_baik")
    assert (e.status, e.hasil_rating, e.perilaku_rating) == ("diputus", "di_atas", "di_atas")
    assert e.predikat == e.matrix_predikat == "sangat_baik" and not e.calibrated
    assert decided.decided_by == cast.sekretaris.pk and decided.decided_at is not None
    record = AuditRecord.objects.get(action="evaluation.objection_decide", object_id=str(e.pk))
    assert record.context["outcome"] == "dikabulkan"
    assert record.changes["predikat"] == ["kurang", "sangat_baik"]
    with pytest.raises(Conflict):
        services.objection_decide(actor=cast.sekretaris, objection=objection, upheld=False,
                                  note="Lagi")
    assert actions(e) == [
        "evaluation.start", "evaluation.self_save", "evaluation.self_submit", "evaluation.rate",
        "evaluation.finalise", "evaluation.object", "evaluation.objection_decide",
    ]


def test_rejected_objection_keeps_the_predikat(cast, ev):
    e = finalised(cast, ev.evaluation, "di_bawah", "sesuai")
    objection = services.objection_file(actor=cast.pegawai, evaluation=e, reason="Keliru")
    decided = services.objection_decide(actor=cast.sekretaris, objection=objection,
                                        upheld=False, note="Penilaian sudah tepat",
                                        hasil_rating="di_atas", perilaku_rating="di_atas")
    e.refresh_from_db()
    assert decided.status == ObjectionStatus.REJECTED
    assert decided.decided_predikat == decided.original_predikat == "butuh_perbaikan"
    assert (e.status, e.predikat, e.hasil_rating) == ("diputus", "butuh_perbaikan", "di_bawah")
    # decided: final again, logs still locked; admin BKPSDM may reopen it
    assert PersonPeriodLock.objects.filter(source=f"evaluation:{e.pk}").exists()
    services.evaluation_reopen(actor=cast.admin_bkpsdm, evaluation=e, reason="Putusan banding")


def test_objection_decided_by_admin_bkpsdm_when_nobody_is_above_the_supervisor(cast, ev):
    """The kadis rates the sekretaris; nobody in the system is above the kadis."""
    sekretaris = services.evaluation_start(actor=cast.sekretaris,
                                           pegawai=cast.people["sekretaris"], spec=ev.spec)[0]
    self_assess_of(cast, "sekretaris", sekretaris)
    rate(cast, sekretaris, who="kadis")
    e = services.evaluation_finalise(actor=cast.kadis, evaluation=sekretaris)
    objection = services.objection_file(actor=cast.sekretaris, evaluation=e, reason="Keliru")
    assert objection.decider_id is None
    with pytest.raises(Forbidden):
        services.objection_decide(actor=cast.pimpinan, objection=objection, upheld=False,
                                  note="x")
    decided = services.objection_decide(actor=cast.admin_bkpsdm, objection=objection,
                                        upheld=False, note="Tetap")
    assert decided.status == ObjectionStatus.REJECTED


def self_assess_of(cast, who, evaluation):
    services.evaluation_self_save(actor=cast.accounts[who], evaluation=evaluation,
                                  self_hasil_rating="sesuai", self_perilaku_rating="sesuai")
    return services.evaluation_self_submit(actor=cast.accounts[who], evaluation=evaluation)


# --- Calibration ------------------------------------------------------------------------------


def test_calibration_needs_a_reason_is_audited_and_sets_calibrated(cast, ev):
    e = finalised(cast, ev.evaluation, "sesuai", "sesuai")
    with pytest.raises(ApplicationError) as refused:
        services.evaluation_calibrate(actor=cast.admin_bkpsdm, evaluation=e,
                                      predikat="butuh_perbaikan", reason=" ")
    assert refused.value.code == "reason_required"
    with pytest.raises(ApplicationError) as refused:
        services.evaluation_calibrate(actor=cast.admin_bkpsdm, evaluation=e, predikat="cukup",
                                      reason="x")
    assert refused.value.code == "invalid_predikat"
    e = services.evaluation_calibrate(actor=cast.admin_bkpsdm, evaluation=e,
                                      predikat="butuh_perbaikan",
                                      reason="Kurva OPD: terlalu banyak Baik")
    e.refresh_from_db()
    assert (e.predikat, e.matrix_predikat, e.calibrated) == ("butuh_perbaikan", "baik", True)
    assert e.calibration_reason == "Kurva OPD: terlalu banyak Baik"
    assert e.status == "ditetapkan"  # calibration does not reopen
    record = AuditRecord.objects.get(action="evaluation.calibrate", object_id=str(e.pk))
    assert record.context["reason"] == "Kurva OPD: terlalu banyak Baik"
    assert record.changes["predikat"] == ["baik", "butuh_perbaikan"]
    assert record.changes["calibrated"] == [False, True]
    # a recompute of the period leaves the calibrated predikat alone
    recompute(cast.instansi.pk, ev.spec)
    e.refresh_from_db()
    assert e.predikat == "butuh_perbaikan"
    # pimpinan may calibrate too; choosing the matrix's predikat clears the calibration
    e = services.evaluation_calibrate(actor=cast.pimpinan, evaluation=e, predikat="baik",
                                      reason="Kembali ke matriks")
    e.refresh_from_db()
    assert (e.predikat, e.calibrated) == ("baik", False)


def test_calibrated_draft_keeps_its_predikat_through_a_recompute(cast, ev):
    e = rate(cast, ev.evaluation, "sesuai", "sesuai")
    services.evaluation_calibrate(actor=cast.admin_bkpsdm, evaluation=e, predikat="kurang",
                                  reason="Disiplin")
    recompute(cast.instansi.pk, ev.spec)
    e.refresh_from_db()
    assert (e.predikat, e.matrix_predikat, e.calibrated) == ("kurang", "baik", True)


# --- The OPD head: hasil from the organisation predikat -----------------------------------------


@pytest.mark.parametrize(("org", "hasil", "predikat"), [
    ("istimewa", "di_atas", "sangat_baik"),
    ("baik", "sesuai", "baik"),
    ("kurang", "di_bawah", "butuh_perbaikan"),
])
def test_opd_head_hasil_rating_comes_from_the_org_predikat(cast, ev, org, hasil, predikat):
    kadis = services.evaluation_start(actor=cast.admin_bkpsdm, pegawai=cast.people["kadis"],
                                      spec=ev.spec)[0]
    assert services.leader_hasil_rating(kadis) is None  # no organisation predikat yet
    services.org_predikat_set(actor=cast.admin_bkpsdm, opd=cast.opds["dinkes"], spec=ev.spec,
                              predikat=org, note="Capaian rencana aksi")
    assert services.leader_hasil_rating(kadis) == hasil
    other = next(r for r in rules.RATINGS if r != hasil)
    with pytest.raises(ApplicationError) as refused:
        rate(cast, kadis, other, "di_atas", who="admin_bkpsdm")
    assert refused.value.code == "hasil_from_org"
    kadis = rate(cast, kadis, "", "di_atas", who="admin_bkpsdm")
    assert (kadis.hasil_rating, kadis.predikat) == (hasil, predikat)
    assert AuditRecord.objects.filter(action="org_predikat.set").count() == 1


def test_only_the_opd_head_takes_the_org_predikat(cast, ev):
    services.org_predikat_set(actor=cast.admin_bkpsdm, opd=cast.opds["dinkes"], spec=ev.spec,
                              predikat="istimewa")
    e = rate(cast, ev.evaluation, "di_bawah", "sesuai")
    assert services.leader_hasil_rating(e) is None
    assert e.hasil_rating == "di_bawah"


# --- Concurrent edits -------------------------------------------------------------------------


def test_second_tab_with_the_same_version_gets_stale_and_overwrites_nothing(cast, ev):
    e = ev.evaluation
    version = e.version
    first = Evaluation.objects.get(pk=e.pk)
    second = Evaluation.objects.get(pk=e.pk)
    services.evaluation_rate(actor=cast.atasan, evaluation=first, hasil_rating="di_atas",
                             perilaku_rating="di_atas", rater_note="Tab satu",
                             expected_version=version)
    with pytest.raises(Conflict) as refused:
        services.evaluation_rate(actor=cast.atasan, evaluation=second, hasil_rating="di_bawah",
                                 perilaku_rating="di_bawah", rater_note="Tab dua",
                                 expected_version=version)
    assert refused.value.code == "stale"
    e.refresh_from_db()
    assert (e.hasil_rating, e.rater_note, e.predikat) == ("di_atas", "Tab satu", "sangat_baik")
    assert e.version == version + 1
    assert actions(e) == ["evaluation.start", "evaluation.rate"]


def test_employee_and_supervisor_editing_the_same_version(cast, ev):
    version = ev.evaluation.version
    services.evaluation_self_save(actor=cast.pegawai, evaluation=ev.evaluation,
                                  self_hasil_rating="di_atas", expected_version=version)
    with pytest.raises(Conflict) as refused:
        services.evaluation_rate(actor=cast.atasan, evaluation=ev.evaluation,
                                 hasil_rating="sesuai", perilaku_rating="sesuai",
                                 expected_version=version)
    assert refused.value.code == "stale"
    ev.evaluation.refresh_from_db()
    assert ev.evaluation.hasil_rating == "" and ev.evaluation.self_hasil_rating == "di_atas"


def test_calibration_with_a_stale_version(cast, ev):
    e = finalised(cast, ev.evaluation)
    stale = e.version - 1
    with pytest.raises(Conflict):
        services.evaluation_calibrate(actor=cast.admin_bkpsdm, evaluation=e, predikat="kurang",
                                      reason="x", expected_version=stale)
    e.refresh_from_db()
    assert e.predikat == "baik" and not e.calibrated


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_racing_on_postgresql(cast, ev, monkeypatch):
    """Two connections save the same version at once: the row lock serialises them, the
    second sees the first's version and is refused; nothing is overwritten."""
    if connection.vendor != "postgresql":
        pytest.skip("two concurrent writers need PostgreSQL (SQLite serialises writers)")
    real = evaluation_module.leader_hasil_rating

    def slow(evaluation):
        time.sleep(0.5)  # inside the transaction, after the row lock: hold it
        return real(evaluation)

    monkeypatch.setattr(evaluation_module, "leader_hasil_rating", slow)
    version = ev.evaluation.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(hasil: str) -> None:
        from django.db import connections

        try:
            mine = Evaluation.objects.get(pk=ev.evaluation.pk)
            barrier.wait()
            services.evaluation_rate(actor=cast.atasan, evaluation=mine, hasil_rating=hasil,
                                     perilaku_rating="sesuai", expected_version=version)
            outcomes.append(f"saved {hasil}")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(h,)) for h in ("di_atas", "di_bawah")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o.split()[0] for o in outcomes) == ["saved", "stale"], outcomes
    winner = next(o.split()[1] for o in outcomes if o.startswith("saved"))
    e = Evaluation.objects.get(pk=ev.evaluation.pk)
    assert e.hasil_rating == winner and e.version == version + 1
    assert AuditRecord.objects.filter(action="evaluation.rate").count() == 1
