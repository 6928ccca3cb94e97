"""The evaluation pages: the own list with the period picker and starting, the team page, the
evaluation page for the employee (self-assessment), the pejabat penilai (ratings, finalising),
the employee again (acknowledge, object) and admin BKPSDM (reopen); the stale-page conflict;
the explanation page; the home card and the navigation; bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.evaluations import services
from kinerja.evaluations.models import (
    Evaluation,
    EvaluationStatus,
    IndicatorRealisation,
    Objection,
    PerilakuRating,
    RhkRating,
)
from kinerja.evaluations.testing import finalised, rate, self_assess, verified_log
from kinerja.evaluations.views_evaluation.common import parse_period, period_key

pytestmark = pytest.mark.django_db


def detail(e: Evaluation) -> str:
    return reverse("evaluation_detail", args=[e.pk])


def text(response) -> str:  # noqa: ANN001
    return response.content.decode()


def follow(client, url, data):  # noqa: ANN001, ANN201
    return client.post(url, data, follow=True)


# --- Periods ------------------------------------------------------------------------------------


def test_period_keys_round_trip_and_nonsense_is_refused():
    for raw in ("2026-bulanan-11", "2026-triwulan-4", "2026-tahunan-0"):
        spec = parse_period(raw)
        assert spec is not None and period_key(spec) == raw
    for raw in ("", "2026-bulanan-13", "2026-triwulan-5", "2026-tahunan-3", "2026-bulanan-0",
                "abc", "2026-mingguan-1", "99999-bulanan-1", "2026-bulanan"):
        assert parse_period(raw) is None, raw


# --- The list -----------------------------------------------------------------------------------


def test_list_shows_own_evaluations_and_the_chosen_period(cast, ev, client_for):
    page = client_for(cast.pegawai).get(reverse("evaluation_list"))
    body = text(page)
    assert page.status_code == 200
    assert detail(ev.evaluation) in body
    assert "Continue the self-assessment" in body
    assert f'value="{period_key(ev.spec)}" selected' in body
    # Not a supervisor: no team section.
    assert reverse("evaluation_team") not in body


def test_list_of_a_period_without_an_evaluation_offers_start(cast, ev, client_for):
    annual = f"{ev.spec.year}-tahunan-0"
    body = text(client_for(cast.pegawai).get(reverse("evaluation_list"), {"periode": annual}))
    assert f'action="{reverse("evaluation_start")}"' in body
    assert f'name="periode" value="{annual}"' in body


def test_supervisor_list_links_the_team(cast, ev, client_for):
    body = text(client_for(cast.atasan).get(reverse("evaluation_list")))
    assert f'{reverse("evaluation_team")}?periode={period_key(ev.spec)}' in body


# --- Starting -----------------------------------------------------------------------------------


def test_employee_starts_own_evaluation_and_lands_on_it(cast, work, client_for):
    response = client_for(cast.pegawai).post(reverse("evaluation_start"))
    e = Evaluation.objects.get(pegawai=cast.people["pegawai"])
    assert response.status_code == 302 and response["Location"] == detail(e)


def test_supervisor_starts_a_direct_subordinates_evaluation(cast, ev, client_for):
    response = client_for(cast.atasan).post(
        reverse("evaluation_start"),
        {"pegawai": cast.people["pegawai2"].pk, "periode": period_key(ev.spec)},
    )
    e = Evaluation.objects.get(pegawai=cast.people["pegawai2"])
    assert response["Location"] == detail(e)
    # Starting again opens the same one.
    again = client_for(cast.atasan).post(
        reverse("evaluation_start"),
        {"pegawai": cast.people["pegawai2"].pk, "periode": period_key(ev.spec)},
    )
    assert again["Location"] == detail(e)


def test_start_refusals(cast, ev, client_for):
    data = {"pegawai": cast.people["pegawai"].pk, "periode": period_key(ev.spec)}
    # A colleague does not see the person; the kadis sees but does not rate them.
    assert client_for(cast.pegawai2).post(reverse("evaluation_start"), data).status_code == 404
    assert client_for(cast.kadis).post(reverse("evaluation_start"), data).status_code == 403
    # No approved SKP: back to the list with the reason.
    page = follow(client_for(cast.kasi), reverse("evaluation_start"), {})
    assert "no approved SKP" in text(page)
    # A period that does not exist.
    page = follow(client_for(cast.pegawai), reverse("evaluation_start"), {"periode": "2026-x-1"})
    assert "Choose a period from the list." in text(page)


# --- The team page -----------------------------------------------------------------------------


def test_team_page_offers_open_and_start(cast, ev, client_for):
    page = client_for(cast.atasan).get(reverse("evaluation_team"),
                                       {"periode": period_key(ev.spec)})
    body = text(page)
    assert "Dewi Pelaksana" in body and "Eko Pelaksana" in body
    assert detail(ev.evaluation) in body
    assert f'name="pegawai" value="{cast.people["pegawai2"].pk}"' in body
    # The kadis sees the people below, none of them direct: nothing to start.
    body = text(client_for(cast.kadis).get(reverse("evaluation_team")))
    assert "Dewi Pelaksana" in body and "indirect" in body
    assert f'name="pegawai" value="{cast.people["pegawai2"].pk}"' not in body


def test_team_page_of_someone_without_team(cast, client_for):
    body = text(client_for(cast.pegawai).get(reverse("evaluation_team")))
    assert "Nobody reports to you in this period." in body


# --- The employee's self-assessment --------------------------------------------------------


def _self_data(e: Evaluation, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "expected_version": e.version, "self_hasil_rating": "sesuai",
        "self_perilaku_rating": "di_atas", "self_note": "Semua surat tertata",
    }
    data.update(extra)
    return data


def test_employee_sees_the_self_assessment_form(cast, ev, client_for):
    real = IndicatorRealisation.objects.get(evaluation=ev.evaluation)
    body = text(client_for(cast.pegawai).get(detail(ev.evaluation)))
    assert reverse("evaluation_self_save", args=[ev.evaluation.pk]) in body
    assert f'name="real_{real.indicator_id}"' in body
    assert f'formaction="{reverse("evaluation_self_submit", args=[ev.evaluation.pk])}"' in body
    assert reverse("evaluation_rate", args=[ev.evaluation.pk]) not in body


def test_changed_realisation_needs_a_note_and_keeps_what_was_typed(cast, ev, client_for):
    e = ev.evaluation
    real = IndicatorRealisation.objects.get(evaluation=e)
    url = reverse("evaluation_self_save", args=[e.pk])
    page = client_for(cast.pegawai).post(url, _self_data(e, **{f"real_{real.indicator_id}": "3"}))
    body = text(page)
    assert page.status_code == 200
    assert "Say why the realisation differs" in body
    assert 'value="3"' in body and "Semua surat tertata" in body
    real.refresh_from_db()
    assert real.realisation is None
    response = client_for(cast.pegawai).post(url, _self_data(
        e, **{f"real_{real.indicator_id}": "3,5", f"note_{real.indicator_id}": "Dua surat manual"}
    ))
    assert response.status_code == 302
    real.refresh_from_db()
    e.refresh_from_db()
    assert str(real.realisation) == "3.50" and real.note == "Dua surat manual"
    assert e.self_perilaku_rating == "di_atas" and e.status == EvaluationStatus.DRAFT


def test_save_and_submit(cast, ev, client_for):
    e = ev.evaluation
    page = follow(client_for(cast.pegawai), reverse("evaluation_self_submit", args=[e.pk]),
                  _self_data(e))
    assert "Self-assessment submitted to your pejabat penilai." in text(page)
    e.refresh_from_db()
    assert e.status == EvaluationStatus.SELF_SUBMITTED and e.self_hasil_rating == "sesuai"
    # The form is gone; the self-assessment is shown.
    assert reverse("evaluation_self_save", args=[e.pk]) not in text(page)
    assert "Above expectation" in text(page)


def test_submit_without_own_ratings_saves_nothing(cast, ev, client_for):
    e = ev.evaluation
    page = client_for(cast.pegawai).post(
        reverse("evaluation_self_submit", args=[e.pk]),
        _self_data(e, self_hasil_rating="", self_note="Catatan baru"),
    )
    assert "Rate your own work results and behaviour before submitting." in text(page)
    e.refresh_from_db()
    assert e.status == EvaluationStatus.DRAFT and e.self_note == ""


def test_stale_page_is_refused_with_the_conflict_message(cast, ev, client_for):
    e = ev.evaluation
    old = e.version
    services.evaluation_self_save(actor=cast.pegawai, evaluation=e, self_note="Dari ponsel")
    page = client_for(cast.pegawai).post(
        reverse("evaluation_self_save", args=[e.pk]), _self_data(e, expected_version=old)
    )
    assert page.status_code == 200
    assert "changed by someone else meanwhile" in text(page)
    e.refresh_from_db()
    assert e.self_note == "Dari ponsel"


def test_others_may_not_self_assess(cast, ev, client_for):
    url = reverse("evaluation_self_save", args=[ev.evaluation.pk])
    assert client_for(cast.atasan).post(url, _self_data(ev.evaluation)).status_code == 403
    assert client_for(cast.outsider).post(url, _self_data(ev.evaluation)).status_code == 404


# --- The pejabat penilai ----------------------------------------------------------------------


def _rating_data(e: Evaluation, **extra: object) -> dict[str, object]:
    rhk = IndicatorRealisation.objects.filter(evaluation=e).values_list("rhk_id", flat=True)[0]
    data: dict[str, object] = {
        "expected_version": e.version, "hasil_rating": "di_atas", "perilaku_rating": "sesuai",
        "rater_note": "Pertahankan", f"rhk_{rhk}_rating": "di_atas",
        f"rhk_{rhk}_feedback": "Rapi sekali", "v_BO_rating": "di_atas",
        "v_BO_feedback": "Ramah melayani",
    }
    data.update(extra)
    return data


def test_rater_sees_the_rating_form_with_the_self_assessment(cast, ev, client_for):
    self_assess(cast, ev.evaluation)
    body = text(client_for(cast.atasan).get(detail(ev.evaluation)))
    assert reverse("evaluation_rate", args=[ev.evaluation.pk]) in body
    assert 'name="v_BO_rating"' in body and 'name="hasil_rating"' in body
    assert reverse("evaluation_self_save", args=[ev.evaluation.pk]) not in body
    assert "Meets expectation" in body  # the employee's own rating, shown beside


def test_rate_then_finalise(cast, ev, client_for):
    e = self_assess(cast, ev.evaluation)
    client = client_for(cast.atasan)
    page = follow(client, reverse("evaluation_rate", args=[e.pk]), _rating_data(e))
    assert "Ratings saved." in text(page)
    assert RhkRating.objects.get(evaluation=e).feedback == "Rapi sekali"
    assert PerilakuRating.objects.get(evaluation=e, value="BO").rating == "di_atas"
    # The saved per-RHK ratings suggest a rating for hasil kerja.
    assert "The saved RHK ratings suggest" in text(page)
    e.refresh_from_db()
    page = follow(client, reverse("evaluation_finalise", args=[e.pk]), _rating_data(e))
    assert "Evaluation finalised." in text(page)
    e.refresh_from_db()
    assert e.status == EvaluationStatus.FINAL and e.predikat == "baik"
    assert e.penilai_id == cast.people["atasan"].pk


def test_finalise_before_the_self_assessment_is_refused_and_saves_nothing(cast, ev, client_for):
    e = ev.evaluation
    page = client_for(cast.atasan).post(reverse("evaluation_finalise", args=[e.pk]),
                                        _rating_data(e))
    assert "has not submitted the self-assessment yet" in text(page)
    e.refresh_from_db()
    assert e.status == EvaluationStatus.DRAFT and e.hasil_rating == ""


def test_only_the_rater_rates(cast, ev, client_for):
    url = reverse("evaluation_rate", args=[ev.evaluation.pk])
    for who in ("pegawai", "kadis", "admin_bkpsdm"):
        assert client_for(cast.accounts[who]).post(
            url, _rating_data(ev.evaluation)
        ).status_code == 403, who


def test_employee_does_not_see_draft_ratings(cast, ev, client_for):
    rate(cast, ev.evaluation, hasil="di_bawah")
    RhkRating.objects.create(evaluation=ev.evaluation, rhk_id=ev.work.rhk["pegawai"].pk,
                             rating="di_bawah", feedback="Belum rapi ditulis atasan")
    for url in (detail(ev.evaluation), reverse("evaluation_breakdown", args=[ev.evaluation.pk])):
        body = text(client_for(cast.pegawai).get(url))
        assert "Belum rapi ditulis atasan" not in body
        assert 'id="rating"' not in body and 'id="matrix"' not in body
        assert "Belum rapi ditulis atasan" in text(client_for(cast.kadis).get(url))


# --- After finalising --------------------------------------------------------------------------


def test_employee_acknowledges(cast, ev, client_for):
    e = finalised(cast, ev.evaluation)
    body = text(client_for(cast.pegawai).get(detail(e)))
    assert "Good" in body and reverse("evaluation_acknowledge", args=[e.pk]) in body
    page = follow(client_for(cast.pegawai), reverse("evaluation_acknowledge", args=[e.pk]),
                  {"expected_version": e.version})
    assert "Evaluation acknowledged." in text(page)
    e.refresh_from_db()
    assert e.status == EvaluationStatus.ACKNOWLEDGED


def test_employee_objects_with_a_reason(cast, ev, client_for):
    e = finalised(cast, ev.evaluation, hasil="di_bawah")
    url = reverse("evaluation_object", args=[e.pk])
    page = client_for(cast.pegawai).post(url, {"expected_version": e.version, "reason": " "})
    assert "Say what you object to and why." in text(page)
    page = follow(client_for(cast.pegawai), url,
                  {"expected_version": e.version, "reason": "Surat manual tidak dihitung"})
    assert "Objection filed." in text(page)
    objection = Objection.objects.get(evaluation=e)
    assert objection.decider_id == cast.people["sekretaris"].pk
    assert "Surat manual tidak dihitung" in text(page)


def test_acknowledge_from_a_stale_page_is_refused(cast, ev, client_for):
    e = finalised(cast, ev.evaluation)
    page = client_for(cast.pegawai).post(reverse("evaluation_acknowledge", args=[e.pk]),
                                         {"expected_version": e.version - 1})
    assert "changed by someone else meanwhile" in text(page)
    e.refresh_from_db()
    assert e.status == EvaluationStatus.FINAL


def test_admin_bkpsdm_reopens_with_a_reason(cast, ev, client_for):
    e = finalised(cast, ev.evaluation)
    url = reverse("evaluation_reopen", args=[e.pk])
    assert reverse("evaluation_reopen", args=[e.pk]) in text(
        client_for(cast.admin_bkpsdm).get(detail(e))
    )
    assert reverse("evaluation_reopen", args=[e.pk]) not in text(
        client_for(cast.atasan).get(detail(e))
    )
    assert client_for(cast.atasan).post(url, {"reason": "Salah"}).status_code == 403
    page = client_for(cast.admin_bkpsdm).post(url, {"reason": ""})
    assert "Give the reason for reopening." in text(page)
    page = follow(client_for(cast.admin_bkpsdm), url,
                  {"expected_version": e.version, "reason": "Salah input penilai"})
    assert "Evaluation reopened" in text(page)
    assert "Salah input penilai" in text(page)  # in the history and the status card
    e.refresh_from_db()
    assert e.status == EvaluationStatus.SELF_SUBMITTED


def test_history_lists_the_steps(cast, ev, client_for):
    e = finalised(cast, ev.evaluation)
    body = text(client_for(cast.pegawai).get(detail(e)))
    history = body[body.index('id="history"'):]
    for label in ("Submitted the self-assessment", "Saved the ratings",
                  "Finalised the evaluation"):
        assert label in history


# --- The explanation ----------------------------------------------------------------------------


def test_breakdown_explains_the_result(cast, ev, client_for):
    verified_log(cast, ev.work, start=(11, 0), end=(12, 0), output_unit="dokumen",
                 description="Menata dokumen arsip")
    e = finalised(cast, ev.evaluation, hasil="di_atas", perilaku="di_atas")
    page = client_for(cast.pegawai).get(reverse("evaluation_breakdown", args=[e.pk]))
    body = text(page)
    assert page.status_code == 200
    assert "Very good" in body
    assert "Menata dokumen arsip" in body and "Mencatat surat masuk" in body
    assert "Capaian IKI (PermenPANRB 8/2021)" in body
    assert body.count('class="is-cell"') == 1
    cell = body[body.index('class="is-cell"'):]
    assert cell[cell.index(">") + 1:].startswith("Very good")
    assert "/dokumen.pdf" in body


def test_breakdown_lists_objections_and_decisions(cast, ev, client_for):
    e = finalised(cast, ev.evaluation, hasil="di_bawah")
    objection = services.objection_file(actor=cast.pegawai, evaluation=e, reason="Tidak adil")
    services.objection_decide(actor=cast.sekretaris, objection=objection, upheld=False,
                              note="Realisasi memang rendah")
    body = text(client_for(cast.pegawai).get(reverse("evaluation_breakdown", args=[e.pk])))
    assert "Tidak adil" in body and "Realisasi memang rendah" in body and "Rejected" in body


def test_breakdown_is_scoped(cast, ev, client_for):
    url = reverse("evaluation_breakdown", args=[ev.evaluation.pk])
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.pegawai2).get(url).status_code == 404
    assert client_for(cast.auditor).get(url).status_code == 200


# --- Home card and navigation -----------------------------------------------------------------


def test_home_card_and_navigation(cast, ev, client_for):
    home = text(client_for(cast.pegawai).get(reverse("home")))
    assert reverse("evaluation_summary") in home
    assert '<a href="/penilaian/">' in home and '<a href="/umpan-balik/">' in home
    assert '<a href="/keberatan/">' not in home and '<a href="/kalibrasi/">' not in home
    card = text(client_for(cast.pegawai).get(reverse("evaluation_summary")))
    assert "Self-assessment" in card and detail(ev.evaluation) in card
    assert "1</strong> self-assessments to fill in" in card
    supervisor = text(client_for(cast.atasan).get(reverse("home")))
    assert '<a href="/keberatan/">' in supervisor
    assert "objections waiting" in text(client_for(cast.atasan).get(reverse("evaluation_summary")))
    assert '<a href="/kalibrasi/">' in text(client_for(cast.auditor).get(reverse("home")))
    # The current section is marked.
    page = text(client_for(cast.pegawai).get(reverse("evaluation_list")))
    assert '<a href="/penilaian/" aria-current="page">' in page


# --- Queries ------------------------------------------------------------------------------------


def test_list_query_count_is_bounded(cast, ev, client_for, django_assert_max_num_queries):
    client = client_for(cast.pegawai)
    client.get(reverse("evaluation_list"))
    with django_assert_max_num_queries(11):
        assert client.get(reverse("evaluation_list")).status_code == 200


def test_team_query_count_does_not_grow_with_the_team(cast, ev, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.atasan)
    url = f'{reverse("evaluation_team")}?periode={period_key(ev.spec)}'
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    services.evaluation_start(actor=cast.atasan, pegawai=cast.people["pegawai2"], spec=ev.spec)
    with CaptureQueriesContext(connection) as two:
        body = text(client.get(url))
    assert body.count("/penilaian/") and len(two.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("who", ["pegawai", "atasan", "admin_bkpsdm"])
def test_detail_query_count_is_bounded(cast, ev, client_for, who,
                                       django_assert_max_num_queries):
    e = self_assess(cast, ev.evaluation)
    rate(cast, e)
    client = client_for(cast.accounts[who])
    client.get(detail(e))
    with django_assert_max_num_queries(21):
        assert client.get(detail(e)).status_code == 200


def test_breakdown_query_count_does_not_grow_with_logs(cast, ev, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("evaluation_breakdown", args=[ev.evaluation.pk])
    client = client_for(cast.pegawai)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for hour in (11, 12, 13):
        verified_log(cast, ev.work, start=(hour, 0), end=(hour, 30))
    with CaptureQueriesContext(connection) as after:
        body = text(client.get(url))
    assert body.count("Mencatat surat masuk") == 5
    assert len(after.captured_queries) == len(before.captured_queries)
    assert len(after.captured_queries) <= 22
