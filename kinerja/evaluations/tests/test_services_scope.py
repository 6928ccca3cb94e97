"""Who may do what to an evaluation, per role of the cast (kinerja/testing.py): Dinas Kesehatan
line kadis > sekretaris > atasan > pegawai/pegawai2; outsider heads Dinas Pendidikan; admin_opd
administers Dinas Kesehatan; admin_bkpsdm, pimpinan and auditor hold instansi-wide grants."""

from __future__ import annotations

import pytest

from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.evaluations import selectors, services
from kinerja.evaluations.models import FeedbackNote
from kinerja.evaluations.testing import finalised, rate, self_assess

EVERYONE = ("pegawai", "pegawai2", "atasan", "sekretaris", "kadis", "kasi", "outsider",
            "admin_opd", "admin_bkpsdm", "pimpinan", "auditor")


def refused(who, action):
    """`action` raises Forbidden (the failure names who was let through)."""
    try:
        action()
    except Forbidden:
        return
    pytest.fail(f"{who} was allowed")


@pytest.fixture
def ev2(cast, ev):
    """pegawai2's evaluation of the same period."""
    [found] = services.evaluation_start(actor=cast.pegawai2, pegawai=cast.people["pegawai2"],
                                        spec=ev.spec)
    return found


# --- Rating and finalising ------------------------------------------------------------------


def test_pegawai_cannot_rate_own_or_others(cast, ev, ev2):
    with pytest.raises(Forbidden):
        rate(cast, ev.evaluation, who="pegawai")
    with pytest.raises(Forbidden):
        rate(cast, ev2, who="pegawai")


def test_pegawai2_cannot_self_assess_the_pegawai_s(cast, ev):
    e = ev.evaluation
    with pytest.raises(Forbidden):
        services.evaluation_self_save(actor=cast.pegawai2, evaluation=e,
                                      self_hasil_rating="di_atas")
    with pytest.raises(Forbidden):
        services.evaluation_self_submit(actor=cast.pegawai2, evaluation=e)
    for who in ("atasan", "admin_bkpsdm"):  # nobody self-assesses for the employee
        with pytest.raises(Forbidden):
            services.evaluation_self_save(actor=cast.accounts[who], evaluation=e,
                                          self_hasil_rating="di_atas")
    e.refresh_from_db()
    assert e.self_hasil_rating == ""


def test_only_the_direct_supervisor_rates_and_finalises(cast, ev):
    """kadis and sekretaris are above the pegawai, but indirectly: not the pejabat penilai.
    Admin BKPSDM only stands in where nobody in the system rates the employee."""
    e = self_assess(cast, ev.evaluation)
    others = [who for who in EVERYONE if who != "atasan"]
    for who in others:
        refused(who, lambda who=who: rate(cast, e, who=who))
    rate(cast, e)
    for who in others:
        refused(who, lambda who=who: services.evaluation_finalise(actor=cast.accounts[who],
                                                                  evaluation=e))
    e.refresh_from_db()
    assert e.status == "diajukan" and e.penilai_id == cast.people["atasan"].pk
    services.evaluation_finalise(actor=cast.atasan, evaluation=e)


def test_atasan_rates_only_direct_subordinates(cast, ev, ev2):
    rate(cast, ev.evaluation)
    rate(cast, ev2)
    sekretaris = services.evaluation_start(actor=cast.sekretaris,
                                           pegawai=cast.people["sekretaris"], spec=ev.spec)[0]
    with pytest.raises(Forbidden):  # the atasan's own supervisor
        rate(cast, sekretaris, who="atasan")
    rate(cast, sekretaris, who="kadis")


def test_admin_bkpsdm_rates_where_nobody_above(cast, ev):
    kadis = services.evaluation_start(actor=cast.admin_bkpsdm, pegawai=cast.people["kadis"],
                                      spec=ev.spec)[0]
    for who in ("kadis", "pimpinan", "auditor", "admin_opd", "sekretaris"):
        with pytest.raises(Forbidden):
            rate(cast, kadis, who=who)
    rate(cast, kadis, "sesuai", "sesuai", who="admin_bkpsdm")


def test_who_may_not_open_the_evaluation(cast, ev):
    for who in ("pegawai2", "kasi", "outsider", "admin_opd", "auditor", "pimpinan"):
        refused(who, lambda who=who: services.evaluation_start(
            actor=cast.accounts[who], pegawai=cast.people["pegawai"], spec=ev.spec))


def test_employee_supervisor_and_admin_bkpsdm_open_it(cast, ev):
    for who in ("pegawai", "atasan", "admin_bkpsdm"):
        found = services.evaluation_start(actor=cast.accounts[who],
                                          pegawai=cast.people["pegawai"], spec=ev.spec)
        assert [e.pk for e in found] == [ev.evaluation.pk]


# --- Reopen, calibrate, organisation predikat -------------------------------------------------


def test_only_admin_bkpsdm_reopens(cast, ev):
    e = finalised(cast, ev.evaluation)
    for who in EVERYONE:
        if who == "admin_bkpsdm":
            continue
        with pytest.raises(Forbidden):
            services.evaluation_reopen(actor=cast.accounts[who], evaluation=e, reason="Koreksi")
    e.refresh_from_db()
    assert e.status == "ditetapkan"
    services.evaluation_reopen(actor=cast.admin_bkpsdm, evaluation=e, reason="Koreksi")


def test_only_admin_bkpsdm_and_pimpinan_calibrate(cast, ev):
    e = finalised(cast, ev.evaluation)
    for who in EVERYONE:
        if who in ("admin_bkpsdm", "pimpinan"):
            continue
        refused(who, lambda who=who: services.evaluation_calibrate(
            actor=cast.accounts[who], evaluation=e, predikat="kurang", reason="Kurva"))
        refused(who, lambda who=who: services.org_predikat_set(
            actor=cast.accounts[who], opd=cast.opds["dinkes"], spec=ev.spec, predikat="baik"))
        assert not selectors.may_calibrate(cast.accounts[who]), who
    e.refresh_from_db()
    assert e.predikat == "baik" and not e.calibrated


def test_admin_bkpsdm_and_pimpinan_calibrate(cast, ev):
    e = finalised(cast, ev.evaluation)
    for who, predikat in (("admin_bkpsdm", "kurang"), ("pimpinan", "butuh_perbaikan")):
        assert selectors.may_calibrate(cast.accounts[who])
        services.evaluation_calibrate(actor=cast.accounts[who], evaluation=e, predikat=predikat,
                                      reason="Kurva")
        e.refresh_from_db()
        assert e.predikat == predikat
        services.org_predikat_set(actor=cast.accounts[who], opd=cast.opds["dinkes"],
                                  spec=ev.spec, predikat="baik")


def test_calibration_readers(cast):
    readers = {who for who in EVERYONE if selectors.may_read_calibration(cast.accounts[who])}
    assert readers == {"admin_bkpsdm", "pimpinan", "auditor"}


def test_only_the_employee_acknowledges_and_objects(cast, ev):
    e = finalised(cast, ev.evaluation)
    for who in EVERYONE:
        if who == "pegawai":
            continue
        refused(who, lambda who=who: services.evaluation_acknowledge(
            actor=cast.accounts[who], evaluation=e))
        refused(who, lambda who=who: services.objection_file(
            actor=cast.accounts[who], evaluation=e, reason="Keberatan"))
    e.refresh_from_db()
    assert e.status == "ditetapkan"


def test_only_admin_bkpsdm_recomputes(cast, ev):
    for who in EVERYONE:
        if who == "admin_bkpsdm":
            continue
        with pytest.raises(Forbidden):
            services.recompute_run_start(actor=cast.accounts[who], spec=ev.spec)
    run = services.recompute_run_start(actor=cast.admin_bkpsdm, spec=ev.spec)
    assert run.status == "selesai"


# --- Reading ----------------------------------------------------------------------------------


def test_evaluation_visible_to_each_role(cast, ev, ev2):
    sekretaris = services.evaluation_start(actor=cast.sekretaris,
                                           pegawai=cast.people["sekretaris"], spec=ev.spec)[0]
    pegawai, pegawai2 = ev.evaluation.pk, ev2.pk
    everything = {pegawai, pegawai2, sekretaris.pk}

    def seen(who):
        return set(selectors.evaluation_visible_to(cast.accounts[who]).values_list("pk",
                                                                                  flat=True))

    assert seen("pegawai") == {pegawai}
    assert seen("pegawai2") == {pegawai2}
    assert seen("atasan") == {pegawai, pegawai2}
    assert seen("sekretaris") == everything
    assert seen("kadis") == everything
    assert seen("kasi") == set()  # another line of the same OPD
    assert seen("admin_opd") == everything
    for who in ("admin_bkpsdm", "pimpinan", "auditor"):
        assert seen(who) == everything
    assert seen("outsider") == set()  # nothing of Dinas Kesehatan
    # the detail read refuses as "not found" outside the scope
    with pytest.raises(ApplicationError) as refused:
        selectors.get_evaluation_for(cast.outsider, pegawai)
    assert refused.value.status == 404
    assert selectors.get_evaluation_for(cast.atasan, pegawai).pk == pegawai


def test_objections_to_decide_per_role(cast, ev):
    e = finalised(cast, ev.evaluation, "di_bawah", "sesuai")
    objection = services.objection_file(actor=cast.pegawai, evaluation=e, reason="Keliru")
    for who in EVERYONE:
        found = list(selectors.objections_to_decide(cast.accounts[who]))
        assert found == ([objection] if who == "sekretaris" else []), who
    # the decider reads it; an outsider does not
    assert selectors.get_objection_for(cast.sekretaris, objection.pk).pk == objection.pk
    with pytest.raises(ApplicationError):
        selectors.get_objection_for(cast.outsider, objection.pk)


# --- Feedback and dialogues --------------------------------------------------------------------


def test_feedback_from_the_supervisors(cast, ev):
    for who in ("atasan", "sekretaris", "kadis"):
        note = services.feedback_note_add(actor=cast.accounts[who], pegawai=cast.people["pegawai"],
                                          text="Surat masuk tertata rapi",
                                          rhk=ev.work.rhk["pegawai"])
        assert note.kind == "atasan" and note.author_id == cast.people[who].pk
    assert {r.action for r in _audit("feedback.add")} == {"feedback.add"}


def test_feedback_refused_outside_the_line(cast, ev):
    for who in ("outsider", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor", "kasi",
                "pegawai2", "pegawai"):
        refused(who, lambda who=who: services.feedback_note_add(
            actor=cast.accounts[who], pegawai=cast.people["pegawai"], text="Catatan",
            value="AK"))
    assert not FeedbackNote.objects.exists()


def test_peer_feedback_only_when_enabled_and_only_on_a_value(cast, ev):
    services.evaluation_policy_update(actor=cast.admin_bkpsdm, objection_days=14,
                                      peer_feedback=True, score_method_key="capaian-iki-8-2021")
    with pytest.raises(ApplicationError) as refused:
        services.feedback_note_add(actor=cast.pegawai2, pegawai=cast.people["pegawai"],
                                   text="Hasil kerjanya bagus")
    assert refused.value.code == "peer_perilaku_only"
    with pytest.raises(ApplicationError) as refused:
        services.feedback_note_add(actor=cast.pegawai2, pegawai=cast.people["pegawai"],
                                   text="Hasil kerjanya bagus", value="AK",
                                   rhk=ev.work.rhk["pegawai"])
    assert refused.value.code == "peer_perilaku_only"
    note = services.feedback_note_add(actor=cast.pegawai2, pegawai=cast.people["pegawai"],
                                      text="Selalu membantu rekan", value="KO")
    assert note.kind == "rekan"
    # a colleague under another supervisor is not a peer; nor is the employee of themself
    for who in ("kasi", "pegawai"):
        with pytest.raises(Forbidden):
            services.feedback_note_add(actor=cast.accounts[who], pegawai=cast.people["pegawai"],
                                       text="x", value="KO")


def test_peer_feedback_refused_when_disabled(cast, ev):
    with pytest.raises(Forbidden):
        services.feedback_note_add(actor=cast.pegawai2, pegawai=cast.people["pegawai"],
                                   text="Selalu membantu rekan", value="KO")


def test_feedback_checks_its_input(cast, ev):
    with pytest.raises(ApplicationError) as refused:
        services.feedback_note_add(actor=cast.atasan, pegawai=cast.people["pegawai"], text=" ")
    assert refused.value.code == "text_required"
    with pytest.raises(ApplicationError) as refused:
        services.feedback_note_add(actor=cast.atasan, pegawai=cast.people["pegawai"], text="x",
                                   value="zz")
    assert refused.value.code == "unknown_value"
    with pytest.raises(ApplicationError) as refused:  # another person's RHK
        services.feedback_note_add(actor=cast.atasan, pegawai=cast.people["pegawai"], text="x",
                                   rhk=ev.work.rhk["pegawai2"])
    assert refused.value.code == "unknown_rhk"


def test_dialogues_by_supervisors_only(cast, ev):
    today = ev.work.today
    dialogue = services.dialogue_record(actor=cast.atasan, pegawai=cast.people["pegawai"],
                                        date=today, topics="Target triwulan",
                                        follow_ups="Arsip digital")
    assert dialogue.held_by_id == cast.people["atasan"].pk
    assert _audit("dialogue.record")
    for who in ("pegawai", "pegawai2", "outsider", "admin_opd", "admin_bkpsdm", "pimpinan",
                "auditor", "kasi"):
        with pytest.raises(Forbidden):
            services.dialogue_record(actor=cast.accounts[who], pegawai=cast.people["pegawai"],
                                     date=today, topics="Target")
    with pytest.raises(ApplicationError) as refused:
        services.dialogue_record(actor=cast.atasan, pegawai=cast.people["pegawai"], date=today,
                                 topics="  ")
    assert refused.value.code == "topics_required"


def test_feedback_and_dialogues_visible_to(cast, ev):
    services.feedback_note_add(actor=cast.atasan, pegawai=cast.people["pegawai"], text="Bagus")
    services.dialogue_record(actor=cast.atasan, pegawai=cast.people["pegawai"],
                             date=ev.work.today, topics="Target")
    for who, count in (("pegawai", 1), ("atasan", 1), ("kadis", 1), ("pegawai2", 0),
                       ("outsider", 0), ("auditor", 1)):
        account = cast.accounts[who]
        assert selectors.feedback_visible_to(account).count() == count, who
        assert selectors.dialogues_visible_to(account).count() == count, who


def _audit(action):
    from kinerja.core.models import AuditRecord

    return list(AuditRecord.objects.filter(action=action))
