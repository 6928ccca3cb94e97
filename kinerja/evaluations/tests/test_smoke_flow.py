"""The core path through the services: pre-fill from verified logs, self-assessment, rating,
finalise (locks logs), objection, decision; recompute idempotent."""

from decimal import Decimal

import pytest

from kinerja.activities.testing import log
from kinerja.core.errors import ApplicationError, Conflict
from kinerja.evaluations import services
from kinerja.evaluations.batch import recompute
from kinerja.evaluations.models import IndicatorRealisation
from kinerja.evaluations.testing import finalised


def test_prefill_counts_verified_logs_in_the_indicator_unit(cast, ev):
    [real] = IndicatorRealisation.objects.filter(evaluation=ev.evaluation)
    # The fixture logs "surat" while the indicator counts "dokumen": nothing matches the unit.
    assert real.prefilled == 0 and real.log_count == 0
    assert ev.evaluation.verified_minutes == 150


def test_whole_flow_and_objection(cast, ev):
    e = finalised(cast, ev.evaluation, hasil="di_atas", perilaku="di_bawah")
    assert e.predikat == "kurang" and e.status == "ditetapkan"
    with pytest.raises(Conflict):
        log(cast, "pegawai", ev.work, start=(13, 0), end=(14, 0))
    objection = services.objection_file(actor=cast.pegawai, evaluation=e, reason="Tidak adil")
    assert objection.decider_id == cast.people["sekretaris"].pk
    decided = services.objection_decide(
        actor=cast.sekretaris, objection=objection, upheld=True, note="Dikoreksi",
        hasil_rating="di_atas", perilaku_rating="sesuai",
    )
    e.refresh_from_db()
    assert decided.status == "dikabulkan" and e.predikat == "baik" and e.status == "diputus"


def test_recompute_twice_writes_nothing_the_second_time(cast, ev):
    spec = ev.spec
    first = recompute(cast.instansi.pk, spec)
    second = recompute(cast.instansi.pk, spec)
    assert first.evaluations >= 1
    assert not second.changed, second


def test_stale_version_refused(cast, ev):
    e = ev.evaluation
    version = e.version
    services.evaluation_self_save(actor=cast.pegawai, evaluation=e, self_note="a",
                                  expected_version=version)
    with pytest.raises(Conflict):
        services.evaluation_self_save(actor=cast.pegawai, evaluation=e, self_note="b",
                                      expected_version=version)


def test_changed_realisation_needs_a_note(cast, ev):
    [real] = IndicatorRealisation.objects.filter(evaluation=ev.evaluation)
    with pytest.raises(ApplicationError):
        services.evaluation_self_save(
            actor=cast.pegawai, evaluation=ev.evaluation,
            realisations=[services.RealisationInput(real.indicator_id, Decimal(3))],
        )


def test_logs_of_a_finalised_period_can_no_longer_be_verified_or_returned(cast, ev):
    from kinerja.activities import services as activity_services

    pending = log(cast, "pegawai", ev.work, start=(13, 0), end=(14, 0))
    activity_services.activity_submit(actor=cast.pegawai, activity=pending)
    other = log(cast, "pegawai", ev.work, start=(14, 0), end=(15, 0))
    activity_services.activity_submit(actor=cast.pegawai, activity=other)
    finalised(cast, ev.evaluation)
    with pytest.raises(Conflict) as refused:
        activity_services.activity_verify(actor=cast.atasan, activity=pending)
    assert refused.value.code == "evaluation_final"
    with pytest.raises(Conflict):
        activity_services.activity_return(actor=cast.atasan, activity=pending, reason="x")
    result = activity_services.activity_verify_many(actor=cast.atasan, ids=[pending.pk, other.pk])
    assert result["verified"] == [] and set(result["refused"]) == {pending.pk, other.pk}


def test_the_employee_sees_the_supervisors_ratings_only_once_finalised(cast, ev, client_for):
    from kinerja.evaluations.testing import rate, self_assess

    self_assess(cast, ev.evaluation)
    rate(cast, ev.evaluation, "di_atas", "di_atas")
    url = f"/api/v1/evaluations/{ev.evaluation.pk}"
    own = client_for(cast.pegawai).get(url).json()
    assert own["hasil_rating"] == "" and own["predikat"] == "" and own["rhk_ratings"] == []
    why = client_for(cast.pegawai).get(url + "/breakdown").json()
    assert why["matrix"]["predikat"] == "" and why["evaluation"]["predikat"] == ""
    rater = client_for(cast.atasan).get(url).json()
    assert rater["predikat"] == "sangat_baik"
    services.evaluation_finalise(actor=cast.atasan, evaluation=ev.evaluation)
    own = client_for(cast.pegawai).get(url).json()
    assert own["predikat"] == "sangat_baik" and own["hasil_rating"] == "di_atas"


def test_a_time_target_is_not_split_over_the_months(cast, ev):
    from kinerja.plans.models import Indicator

    # Written as rows: the plan services refuse changes to an approved SKP.
    Indicator.objects.create(
        instansi=cast.instansi, rhk=ev.work.rhk["pegawai"], aspek="waktu",
        text="Waktu penyelesaian surat", target_kind="angka", target_min=Decimal(3), unit="hari",
    )
    recompute(cast.instansi.pk, ev.spec)
    waktu = IndicatorRealisation.objects.get(evaluation=ev.evaluation, indicator__aspek="waktu")
    assert waktu.target == Decimal(3) and not waktu.countable
