"""The demo's evaluations (kinerja/demo/evaluations.py): finished evaluations of the daily
work's past months with a spread of predikat, the organisation predikat and one OPD outside its
curve with a calibrated evaluation, one open objection waiting for the supervisor's supervisor,
feedback and a dialogue, the current month opened; written fast and audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from kinerja.activities.services import require_log_open
from kinerja.core.audit import audit_verify
from kinerja.core.errors import Conflict
from kinerja.core.models import AuditRecord, PersonPeriodLock
from kinerja.demo import evaluations as demo_evaluations
from kinerja.demo.load import load_demo
from kinerja.evaluations import rules
from kinerja.evaluations.batch import period_for_month
from kinerja.evaluations.models import (
    Dialogue,
    Evaluation,
    FeedbackNote,
    IndicatorRealisation,
    Objection,
    OrgPredikat,
    PerilakuRating,
    RhkRating,
)
from kinerja.evaluations.selectors import (
    calibration_overview,
    decider_of,
    evaluation_history,
    objections_to_decide,
)
from kinerja.people.models import Account
from kinerja.people.selectors import atasan_of
from kinerja.plans.selectors import is_opd_head

TODAY = dt.date(2025, 6, 16)
LOCKED = ("ditetapkan", "diterima", "keberatan", "diputus")


@pytest.fixture
def loaded(db):
    return load_demo(today=TODAY)


def _login(instansi, role):
    record = (
        AuditRecord.objects.filter(instansi=instansi, action="demo.load").order_by("-seq").first()
    )
    return Account.objects.select_related("pegawai").get(username=record.context["logins"][role][0])


# --- Pure parts ---------------------------------------------------------------------------------


def test_ratings_for_each_predikat_follow_the_matrix():
    for predikat, choices in demo_evaluations.RATINGS_FOR.items():
        for (hasil, perilaku), _weight in choices:
            assert rules.predikat(hasil, perilaku) == predikat


@pytest.mark.parametrize("org", rules.ORG_PREDIKAT)
def test_shaped_units_follow_their_curve(org):
    for n in range(1, 151):
        counts = demo_evaluations.shaped_counts(org, n)
        assert sum(counts.values()) == n and min(counts.values()) > 0, (org, n)
        findings = rules.curve_check(org, counts)
        assert rules.curve_is_met(findings), (org, n, findings)
        if n >= rules.SMALL_UNIT:
            assert findings == [], (org, n, findings)
        assert counts[rules.CURVE[org].most] >= 1


def test_the_lenient_unit_stays_outside_after_one_calibration():
    for n in range(rules.SMALL_UNIT, 151):
        counts = demo_evaluations.lenient_counts(n)
        assert not rules.curve_is_met(rules.curve_check(rules.BAIK, counts)), n
        counts[rules.BAIK] -= 1
        counts[rules.BUTUH_PERBAIKAN] += 1
        assert not rules.curve_is_met(rules.curve_check(rules.BAIK, counts)), n


def test_periods_of_the_daily_work(db):
    from kinerja.core.models import Instansi

    instansi = Instansi.objects.create(code="periode", name="Periode")
    past, current = demo_evaluations.periods(instansi.pk, TODAY)
    assert [(p.year, p.number) for p in past] == [(2025, 3), (2025, 4), (2025, 5)]
    assert (current.year, current.number) == (2025, 6)
    past, current = demo_evaluations.periods(instansi.pk, dt.date(2026, 1, 20))
    assert [(p.year, p.number) for p in past] == [(2025, 10), (2025, 11), (2025, 12)]
    assert (current.year, current.number) == (2026, 1)


# --- The loaded demo --------------------------------------------------------------------------


def test_finished_months_current_month_and_speed(loaded):
    instansi = loaded.instansi
    evaluations = Evaluation.objects.filter(instansi=instansi)
    past = evaluations.filter(year=2025, period_no__in=[3, 4, 5])
    assert past.count() > 600
    assert not past.exclude(status__in=LOCKED).exists()
    # a spread of predikat, mostly Baik
    spread = Counter(past.values_list("predikat", flat=True))
    assert set(spread) == set(rules.PREDIKAT), spread
    assert spread[rules.BAIK] > sum(spread.values()) / 2
    assert spread[rules.SANGAT_BAIK] > spread[rules.BUTUH_PERBAIKAN] > spread[rules.SANGAT_KURANG]
    # the predikat is the matrix's, except calibrated ones; ratings, penilai, dates are there
    for e in past.only("hasil_rating", "perilaku_rating", "predikat", "matrix_predikat",
                       "calibrated", "finalised_at", "objection_deadline", "self_submitted_at",
                       "end_date", "status", "acknowledged_at", "score_method"):
        assert e.matrix_predikat == rules.predikat(e.hasil_rating, e.perilaku_rating)
        assert e.predikat == e.matrix_predikat or e.calibrated
        assert e.finalised_at is not None and e.self_submitted_at is not None
        assert e.end_date < e.finalised_at.date() <= TODAY
        assert e.self_submitted_at <= e.finalised_at
        assert e.objection_deadline == e.finalised_at.date() + dt.timedelta(days=14) or (
            e.status == "keberatan"
        )
        assert (e.acknowledged_at is not None) == (e.status == "diterima")
        assert e.score_method  # computed by the recompute
    assert not past.filter(penilai__isnull=True).exclude(
        pk__in=[e.pk for e in past.select_related("jabatan") if is_opd_head(e.jabatan)]
    ).exists()
    # realisations pre-filled from the verified logs; ratings per RHK and BerAKHLAK value
    assert IndicatorRealisation.objects.filter(evaluation__in=past, log_count__gt=0).exists()
    assert RhkRating.objects.filter(evaluation__in=past).count() >= past.count()
    assert PerilakuRating.objects.filter(evaluation__in=past).count() == 7 * past.count()
    # every finished evaluation locks its person's logs of the period
    locks = PersonPeriodLock.objects.filter(instansi=instansi)
    assert locks.count() == past.count()
    one = past.filter(status="diterima").first()
    with pytest.raises(Conflict) as refused:
        require_log_open(instansi.pk, one.end_date, TODAY, one.pegawai_id)
    assert refused.value.code == "evaluation_final"

    # the current month: opened, pre-filled, not rated; two of the atasan's team self-submitted
    current = evaluations.filter(year=2025, period_no=6)
    assert current.count() > 200
    assert set(current.values_list("status", flat=True)) == {"draft", "diajukan"}
    assert not current.exclude(hasil_rating="").exists()
    assert not current.exclude(predikat="").exists()
    atasan = _login(instansi, "atasan")
    submitted = current.filter(status="diajukan")
    assert submitted.count() == 2
    for e in submitted.select_related("pegawai"):
        found = atasan_of(e.pegawai, TODAY)
        assert found is not None and found.pegawai.pk == atasan.pegawai_id
    assert IndicatorRealisation.objects.filter(evaluation__in=current).exists()
    assert not locks.filter(start_date__gte=dt.date(2025, 6, 1)).exists()

    # the audit trail: a record per evaluation written, the chain verifies
    records = AuditRecord.objects.filter(instansi=instansi, object_type="evaluations.evaluation")
    assert records.count() == past.count() + current.count()
    assert {"evaluation.acknowledge", "evaluation.finalise", "evaluation.object",
            "evaluation.calibrate", "evaluation.objection_decide", "evaluation.self_submit",
            "evaluation.start"} == set(records.values_list("action", flat=True))
    assert records.filter(action="evaluation.start").count() == current.count() - 2
    assert AuditRecord.objects.filter(instansi=instansi, action="evaluation.recompute").count() == 4
    assert audit_verify(instansi).ok
    counts = AuditRecord.objects.get(instansi=instansi, action="demo.load").context["counts"]
    assert counts["evaluations_finished"] == past.count()

    # fast: a small share of the load (measured in the same run, so a busy host scales both)
    spent = loaded.timings["evaluations"]
    assert spent < 0.5 * (loaded.seconds - spent), loaded.timings


def test_curve_calibration_objection_feedback(loaded):
    instansi = loaded.instansi
    spec = period_for_month(instansi.pk, 2025, 5)
    overview = [d for d in calibration_overview(instansi.pk, spec) if d.total]
    assert all(d.org_predikat for d in overview)
    assert OrgPredikat.objects.filter(instansi=instansi).count() == len(overview)
    assert AuditRecord.objects.filter(instansi=instansi, action="org_predikat.set").count() == len(
        overview
    )
    outside = [d for d in overview if not d.within_curve]
    assert len(outside) == 1, [(d.opd.code, d.findings) for d in overview]
    assert {d.org_predikat for d in overview} >= {"istimewa", "baik", "butuh_perbaikan"}
    # one calibrated evaluation, in the OPD outside the curve, with its reason audited
    [calibrated] = Evaluation.objects.filter(instansi=instansi, calibrated=True)
    assert calibrated.opd_id == outside[0].opd.pk and (calibrated.year, calibrated.period_no) == (
        2025, 5,
    )
    assert calibrated.predikat != calibrated.matrix_predikat and calibrated.calibration_reason
    record = evaluation_history(calibrated).last()
    assert record.action == "evaluation.calibrate" and record.context["reason"]
    # the OPD heads' hasil is their OPD's organisation predikat
    orgs = {d.opd.pk: d.org_predikat for d in overview}
    heads = 0
    for e in Evaluation.objects.filter(instansi=instansi, year=2025, period_no=5).select_related(
        "jabatan"
    ):
        if is_opd_head(e.jabatan):
            heads += 1
            assert e.hasil_rating == rules.hasil_from_org_predikat(orgs[e.opd_id])
    assert heads >= 5

    # one open objection, in time, waiting for the supervisor's supervisor
    [objection] = Objection.objects.filter(instansi=instansi, status="diajukan")
    e = Evaluation.objects.select_related("pegawai", "penilai").get(pk=objection.evaluation_id)
    assert e.status == "keberatan" and (e.year, e.period_no) == (2025, 5)
    assert objection.filed_at.date() <= e.objection_deadline and TODAY <= e.objection_deadline
    assert objection.original_predikat == e.predikat and objection.filed_by_id == e.pegawai_id
    above = atasan_of(e.penilai, e.end_date)
    assert objection.decider_id == above.pegawai.pk == decider_of(e, TODAY).pk
    assert e.penilai_id == _login(instansi, "atasan").pegawai_id
    decider = Account.objects.get(pegawai_id=objection.decider_id)
    assert [o.pk for o in objections_to_decide(decider)] == [objection.pk]
    assert evaluation_history(e).last().action == "evaluation.object"
    # and one decided earlier (rejected: the predikat stayed)
    [decided] = Objection.objects.filter(instansi=instansi, status="ditolak")
    assert decided.decided_predikat == decided.original_predikat == decided.evaluation.predikat
    assert decided.evaluation.status == "diputus"

    # feedback from the pejabat penilai, one dialogue of the log-in table's atasan
    notes = FeedbackNote.objects.filter(instansi=instansi)
    assert notes.count() > 30
    assert not notes.exclude(kind="atasan").exists()
    assert not notes.filter(date__gt=TODAY).exists()
    [dialogue] = Dialogue.objects.filter(instansi=instansi)
    assert dialogue.held_by_id == _login(instansi, "atasan").pegawai_id
    assert dialogue.date <= TODAY
    assert AuditRecord.objects.filter(instansi=instansi, action="feedback.add").count() == (
        notes.count()
    )
