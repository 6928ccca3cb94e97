"""The evaluations API (kinerja/evaluations/api_evaluations.py): the workflow through HTTP, who
may do what (nobody evaluates or reads outside their line), stale writes (409 `stale`),
validation errors in the one error shape, and bounded queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.evaluations import services
from kinerja.evaluations.models import Evaluation, IndicatorRealisation, PerilakuRating
from kinerja.evaluations.testing import finalised, rate, self_assess, verified_log

API = "/api/v1"


def url(evaluation: Evaluation, suffix: str = "") -> str:
    return f"{API}/evaluations/{evaluation.pk}{suffix}"


def post(client: Any, path: str, body: dict[str, Any] | None = None, **headers: Any) -> Any:
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def put(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.put(path, body, content_type="application/json")


def error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert set(body) >= {"code", "message"}
    if code is not None:
        assert body["code"] == code, body
    return body


def start_body(ev: Any, who: Any) -> dict[str, Any]:
    return {"pegawai_id": who.pk, "year": ev.spec.year, "period_kind": ev.spec.kind,
            "period_no": ev.spec.number}


# --- List -----------------------------------------------------------------------------------


def test_list_is_scoped_and_filtered(cast, ev, client_for):
    [other] = services.evaluation_start(
        actor=cast.pegawai2, pegawai=cast.people["pegawai2"], spec=ev.spec
    )
    own = client_for(cast.pegawai).get(f"{API}/evaluations").json()
    assert [i["id"] for i in own["items"]] == [ev.evaluation.pk]
    assert own["count"] == 1 and own["page"] == 1
    item = own["items"][0]
    assert item["pegawai"]["nip"] == cast.people["pegawai"].nip
    assert item["period"] == {
        "year": ev.spec.year, "kind": ev.spec.kind, "number": ev.spec.number,
        "label": ev.spec.label, "start_date": ev.spec.start.isoformat(),
        "end_date": ev.spec.end.isoformat(),
    }
    assert item["status"] == "draft" and item["version"] == ev.evaluation.version

    team = client_for(cast.atasan).get(f"{API}/evaluations").json()
    assert {i["id"] for i in team["items"]} == {ev.evaluation.pk, other.pk}
    filtered = client_for(cast.atasan).get(
        f"{API}/evaluations",
        {"pegawai_id": cast.people["pegawai2"].pk, "year": ev.spec.year,
         "period_kind": ev.spec.kind, "period_no": ev.spec.number, "status": "draft"},
    ).json()
    assert [i["id"] for i in filtered["items"]] == [other.pk]
    assert client_for(cast.atasan).get(
        f"{API}/evaluations", {"status": "ditetapkan"}
    ).json()["count"] == 0
    # Another OPD's head sees nobody's evaluation here; asking for someone outside is empty.
    outsider = client_for(cast.outsider).get(
        f"{API}/evaluations", {"pegawai_id": cast.people["pegawai"].pk}
    ).json()
    assert outsider["count"] == 0


def test_list_filter_validation_uses_the_error_shape(cast, ev, client_for):
    response = client_for(cast.pegawai).get(f"{API}/evaluations", {"status": "selesai"})
    body = error(response, 422, "invalid_request")
    assert body["details"][0]["loc"][-1] == "status"


def test_list_queries_do_not_grow_with_rows(cast, ev, client_for):
    client = client_for(cast.accounts["admin_bkpsdm"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{API}/evaluations").json()["count"] == 1
    for who in ("pegawai2", "atasan", "sekretaris"):
        services.evaluation_start(
            actor=cast.accounts["admin_bkpsdm"], pegawai=cast.people[who], spec=ev.spec
        )
    rate(cast, ev.evaluation)  # a penilai to embed
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{API}/evaluations").json()["count"] == 4
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 8


# --- Start ----------------------------------------------------------------------------------


def test_start_by_the_employee_the_rater_and_bkpsdm(cast, ev, client_for):
    response = post(client_for(cast.pegawai), f"{API}/evaluations/start",
                    start_body(ev, cast.people["pegawai"]))
    assert response.status_code == 200, response.content
    assert [e["id"] for e in response.json()] == [ev.evaluation.pk]  # found, not duplicated
    response = post(client_for(cast.atasan), f"{API}/evaluations/start",
                    start_body(ev, cast.people["pegawai2"]))
    assert response.status_code == 200, response.content
    [item] = response.json()
    assert item["pegawai_id"] == cast.people["pegawai2"].pk and item["status"] == "draft"
    assert Evaluation.objects.filter(pegawai=cast.people["pegawai2"]).count() == 1


def test_start_refusals(cast, ev, client_for):
    body = start_body(ev, cast.people["pegawai"])
    # kadis sees the pegawai but is not their pejabat penilai; pimpinan only reads.
    error(post(client_for(cast.kadis), f"{API}/evaluations/start", body), 403, "forbidden")
    error(post(client_for(cast.accounts["pimpinan"]), f"{API}/evaluations/start", body), 403)
    # A peer does not even see the person.
    error(post(client_for(cast.pegawai2), f"{API}/evaluations/start", body), 404, "not_found")
    error(post(client_for(cast.outsider), f"{API}/evaluations/start", body), 404, "not_found")


def test_start_validates_the_period(cast, ev, client_for):
    client = client_for(cast.pegawai)
    path = f"{API}/evaluations/start"
    body = start_body(ev, cast.people["pegawai"])
    error(post(client, path, {**body, "period_no": 13}), 422, "invalid_request")
    error(post(client, path, {**body, "period_kind": "mingguan"}), 422, "invalid_request")
    # The instansi evaluates monthly: a quarter is no period of its year.
    refused = error(post(client, path, {**body, "period_kind": "triwulan", "period_no": 1}),
                    400, "invalid_period")
    assert refused["details"] == {"period_kind": "triwulan", "period_no": 1}
    error(post(client, path, {**body, "period_kind": "tahunan", "period_no": 3}), 400,
          "invalid_period")
    error(post(client, path, {**body, "year": ev.spec.year + 1, "period_no": 1}), 400)


def test_start_accepts_an_idempotency_key(cast, ev, client_for):
    client = client_for(cast.atasan)
    body = start_body(ev, cast.people["pegawai2"])
    first = post(client, f"{API}/evaluations/start", body, **{"Idempotency-Key": "mulai-1"})
    again = post(client, f"{API}/evaluations/start", body, **{"Idempotency-Key": "mulai-1"})
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()


# --- Detail and breakdown --------------------------------------------------------------------


def test_detail_has_realisations_and_ratings(cast, ev, client_for, django_assert_max_num_queries):
    e = ev.evaluation
    services.evaluation_rate(
        actor=cast.atasan, evaluation=e, hasil_rating="sesuai",
        rhk=[services.RhkRatingInput(ev.work.rhk["pegawai"].pk, "di_atas", "Rapi")],
        perilaku=[services.PerilakuInput("BO", "sesuai", "Ramah")],
    )
    # The rater sees the draft ratings; the employee only once finalised (test_smoke_flow).
    client = client_for(cast.atasan)
    with django_assert_max_num_queries(10):
        body = client.get(url(e)).json()
    [real] = body["realisations"]
    assert real["rhk_id"] == ev.work.rhk["pegawai"].pk and real["countable"] is True
    assert real["text"] and real["target"] == "1.00" and real["prefilled"] == "0.00"
    assert body["rhk_ratings"] == [
        {"rhk_id": ev.work.rhk["pegawai"].pk, "rating": "di_atas", "feedback": "Rapi"}
    ]
    assert body["perilaku_ratings"] == [{"value": "BO", "rating": "sesuai", "feedback": "Ramah"}]
    assert body["hasil_rating"] == "sesuai" and body["penilai"]["nip"] == cast.people[
        "atasan"].nip
    assert body["score_method"] and body["verified_minutes"] == 150


def test_detail_outside_the_line_is_404(cast, ev, client_for):
    for who in ("pegawai2", "outsider"):
        error(client_for(cast.accounts[who]).get(url(ev.evaluation)), 404, "not_found")
    for who in ("atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor"):
        assert client_for(cast.accounts[who]).get(url(ev.evaluation)).status_code == 200, who


def test_breakdown_explains_the_evaluation(cast, ev, client_for):
    e = finalised(cast, ev.evaluation)
    body = client_for(cast.pegawai).get(url(e, "/breakdown")).json()
    assert body["evaluation"]["id"] == e.pk and body["evaluation"]["status"] == "ditetapkan"
    [line] = body["rhk"]
    assert line["id"] == ev.work.rhk["pegawai"].pk and line["text"] == "Surat tertata"
    assert [log["minutes"] for log in line["logs"]] == [60, 90]
    assert set(line["logs"][0]) == {"id", "date", "description", "quantity", "unit", "minutes"}
    assert line["indicators"][0]["unit"] == "dokumen"
    assert [p["value"] for p in body["perilaku"]] == ["BO", "AK", "KO", "HA", "LO", "AD", "KL"]
    assert body["method"]["key"] == e.score_method and body["method"]["formula"]
    assert body["matrix"] == {"hasil_rating": "sesuai", "perilaku_rating": "sesuai",
                              "predikat": "baik", "rule": "PermenPANRB 6/2022 matrix"}
    assert set(body["suggestions"]) == {"hasil_rating", "perilaku_rating"}
    assert body["periodic"] == [] and body["objections"] == []
    assert body["org_predikat"] is None and body["log_limit_reached"] is False


def test_breakdown_queries_do_not_grow_with_logs(cast, ev, client_for):
    client = client_for(cast.pegawai)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(ev.evaluation, "/breakdown")).status_code == 200
    for hour in (11, 13, 14, 15):
        verified_log(cast, ev.work, start=(hour, 0), end=(hour, 30))
    for text in ("Rapi", "Tepat waktu"):
        services.feedback_note_add(actor=cast.atasan, pegawai=cast.people["pegawai"], text=text)
    services.dialogue_record(actor=cast.atasan, pegawai=cast.people["pegawai"],
                             date=ev.work.today, topics="Target bulan ini")
    rate(cast, ev.evaluation)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url(ev.evaluation, "/breakdown")).json()
    assert len(body["rhk"][0]["logs"]) == 6
    assert len(body["feedback"]) == 2 and body["dialogues"][0]["held_by"]["name"]
    assert len(many) <= len(few) + 1, [q["sql"] for q in many.captured_queries]
    assert len(many) <= 20


def test_breakdown_outside_the_line_is_404(cast, ev, client_for):
    error(client_for(cast.pegawai2).get(url(ev.evaluation, "/breakdown")), 404, "not_found")


# --- Self-assessment and submit ---------------------------------------------------------------


def test_self_assessment_saves_and_answers_the_detail(cast, ev, client_for):
    e = ev.evaluation
    [real] = IndicatorRealisation.objects.filter(evaluation=e)
    response = put(client_for(cast.pegawai), url(e, "/self-assessment"), {
        "version": e.version,
        "realisations": [{"indicator_id": real.indicator_id, "realisation": "3",
                          "note": "Dua dokumen dicatat di luar aplikasi"}],
        "self_hasil_rating": "sesuai", "self_perilaku_rating": "di_atas", "self_note": "Baik",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == e.version + 1
    assert body["self_perilaku_rating"] == "di_atas" and body["self_note"] == "Baik"
    assert body["realisations"][0]["realisation"] == "3.00"
    assert body["realisations"][0]["note"] == "Dua dokumen dicatat di luar aplikasi"


def test_two_saves_of_the_same_version_the_second_is_stale(cast, ev, client_for):
    e = ev.evaluation
    client = client_for(cast.pegawai)
    first = put(client, url(e, "/self-assessment"), {"version": e.version, "self_note": "a"})
    assert first.status_code == 200
    second = put(client, url(e, "/self-assessment"), {"version": e.version, "self_note": "b"})
    error(second, 409, "stale")
    e.refresh_from_db()
    assert e.self_note == "a"


def test_self_assessment_refusals(cast, ev, client_for):
    e = ev.evaluation
    [real] = IndicatorRealisation.objects.filter(evaluation=e)
    client = client_for(cast.pegawai)
    path = url(e, "/self-assessment")
    # A counted realisation that differs from the pre-filled one needs a note.
    error(put(client, path, {"realisations": [{"indicator_id": real.indicator_id,
                                               "realisation": 3}]}), 400, "note_required")
    error(put(client, path, {"realisations": [{"indicator_id": 999999, "realisation": 0}]}),
          400, "unknown_indicator")
    error(put(client, path, {"realisations": [{"indicator_id": real.indicator_id,
                                               "realisation": -1, "note": "x"}]}), 400, "negative")
    body = error(put(client, path, {"self_hasil_rating": "luar_biasa"}), 422, "invalid_request")
    assert body["details"][0]["loc"][-1] == "self_hasil_rating"
    error(put(client, path, {"realisations": "semua"}), 422, "invalid_request")
    # Only the employee self-assesses.
    error(put(client_for(cast.atasan), path, {"self_note": "x"}), 403, "forbidden")
    error(put(client_for(cast.pegawai2), path, {"self_note": "x"}), 404, "not_found")


def test_submit(cast, ev, client_for):
    e = ev.evaluation
    client = client_for(cast.pegawai)
    error(post(client, url(e, "/submit")), 400, "self_rating_missing")
    services.evaluation_self_save(actor=cast.pegawai, evaluation=e, self_hasil_rating="sesuai",
                                  self_perilaku_rating="sesuai")
    e.refresh_from_db()
    error(post(client, url(e, "/submit"), {"version": e.version - 1}), 409, "stale")
    response = post(client, url(e, "/submit"), {"version": e.version})
    assert response.status_code == 200 and response.json()["status"] == "diajukan"
    error(post(client, url(e, "/submit")), 409, "invalid_status")
    # Without a body at all.
    error(client.generic("POST", url(e, "/submit")), 409, "invalid_status")


# --- Rating and finalise ----------------------------------------------------------------------


def test_rating_by_the_pejabat_penilai(cast, ev, client_for):
    e = self_assess(cast, ev.evaluation)
    rhk = ev.work.rhk["pegawai"]
    response = put(client_for(cast.atasan), url(e, "/rating"), {
        "version": e.version,
        "rhk": [{"rhk_id": rhk.pk, "rating": "di_atas", "feedback": "Cepat"}],
        "perilaku": [{"value": "KO", "rating": "sesuai", "feedback": "Terus belajar"}],
        "hasil_rating": "di_atas", "perilaku_rating": "sesuai", "rater_note": "Pertahankan",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["matrix_predikat"] == "baik" and body["predikat"] == "baik"
    assert body["rater_note"] == "Pertahankan" and body["penilai_id"] == cast.people["atasan"].pk
    assert body["rhk_ratings"] == [{"rhk_id": rhk.pk, "rating": "di_atas", "feedback": "Cepat"}]
    assert PerilakuRating.objects.get(evaluation=e, value="KO").feedback == "Terus belajar"


def test_two_ratings_of_the_same_version_the_second_is_stale(cast, ev, client_for):
    e = ev.evaluation
    client = client_for(cast.atasan)
    first = put(client, url(e, "/rating"), {"version": e.version, "hasil_rating": "sesuai"})
    assert first.status_code == 200
    second = put(client, url(e, "/rating"), {"version": e.version, "hasil_rating": "di_bawah"})
    error(second, 409, "stale")
    e.refresh_from_db()
    assert e.hasil_rating == "sesuai"


def test_rating_refusals(cast, ev, client_for):
    path = url(ev.evaluation, "/rating")
    # Nobody but the pejabat penilai rates: not the employee, not the indirect supervisor, not
    # the admins, not a peer (who does not even see it).
    for who in ("pegawai", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor"):
        error(put(client_for(cast.accounts[who]), path, {"hasil_rating": "sesuai"}), 403,
              "forbidden")
    for who in ("pegawai2", "outsider"):
        error(put(client_for(cast.accounts[who]), path, {"hasil_rating": "sesuai"}), 404)
    client = client_for(cast.atasan)
    error(put(client, path, {"perilaku": [{"value": "XX", "rating": "sesuai"}]}), 400,
          "unknown_value")
    error(put(client, path, {"rhk": [{"rhk_id": ev.work.rhk["pegawai2"].pk}]}), 400,
          "unknown_rhk")
    error(put(client, path, {"hasil_rating": "baik"}), 422, "invalid_request")
    error(put(client, path, {"rhk": [{"rating": "sesuai"}]}), 422, "invalid_request")


def test_finalise(cast, ev, client_for):
    e = ev.evaluation
    client = client_for(cast.atasan)
    body = error(post(client, url(e, "/finalise")), 400, "hasil_rating_missing")
    assert body["details"] == ["hasil_rating_missing", "perilaku_rating_missing",
                               "self_assessment_pending"]
    self_assess(cast, e)
    rate(cast, e, "di_atas", "di_atas")
    e.refresh_from_db()
    error(post(client_for(cast.pegawai), url(e, "/finalise")), 403, "forbidden")
    client = client_for(cast.atasan)
    error(post(client, url(e, "/finalise"), {"version": e.version + 5}), 409, "stale")
    response = post(client, url(e, "/finalise"), {"version": e.version})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ditetapkan" and body["predikat"] == "sangat_baik"
    assert body["objection_deadline"] and body["finalised_at"]
    error(post(client, url(e, "/finalise")), 409, "invalid_status")
    error(put(client, url(e, "/rating"), {"hasil_rating": "sesuai"}), 409, "invalid_status")


# --- After finalising ---------------------------------------------------------------------------


def test_acknowledge(cast, ev, client_for):
    e = ev.evaluation
    client = client_for(cast.pegawai)
    error(post(client, url(e, "/acknowledge")), 409, "invalid_status")
    finalised(cast, e)
    error(post(client_for(cast.atasan), url(e, "/acknowledge")), 403, "forbidden")
    response = post(client_for(cast.pegawai), url(e, "/acknowledge"))
    assert response.status_code == 200 and response.json()["status"] == "diterima"


def test_reopen_by_bkpsdm_with_a_reason(cast, ev, client_for):
    e = finalised(cast, ev.evaluation)
    path = url(e, "/reopen")
    for who in ("atasan", "kadis", "pimpinan", "auditor", "admin_opd"):
        error(post(client_for(cast.accounts[who]), path, {"reason": "x"}), 403, "forbidden")
    client = client_for(cast.accounts["admin_bkpsdm"])
    error(post(client, path, {"reason": "  "}), 400, "reason_required")
    error(post(client, path, {}), 422, "invalid_request")
    response = post(client, path, {"reason": "Realisasi salah input"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "diajukan" and body["reopen_reason"] == "Realisasi salah input"
    assert body["objection_deadline"] is None


def test_calibrate(cast, ev, client_for):
    e = finalised(cast, ev.evaluation)
    path = url(e, "/calibrate")
    body = {"predikat": "sangat_baik", "reason": "Kurva OPD", "version": e.version}
    for who in ("atasan", "kadis", "auditor", "admin_opd", "pegawai"):
        error(post(client_for(cast.accounts[who]), path, body), 403, "forbidden")
    client = client_for(cast.accounts["pimpinan"])
    error(post(client, path, {**body, "predikat": "istimewa"}), 422, "invalid_request")
    error(post(client, path, {**body, "reason": ""}), 400, "reason_required")
    response = post(client, path, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["predikat"] == "sangat_baik" and answer["matrix_predikat"] == "baik"
    assert answer["calibrated"] is True and answer["calibration_reason"] == "Kurva OPD"
    # A second calibration on the copy read before the first is stale.
    error(post(client_for(cast.accounts["admin_bkpsdm"]), path, body), 409, "stale")


def test_whole_flow_through_the_api(cast, ev, client_for):
    e = ev.evaluation
    [real] = IndicatorRealisation.objects.filter(evaluation=e)
    me = client_for(cast.pegawai)
    answer = put(me, url(e, "/self-assessment"), {
        "version": e.version, "self_hasil_rating": "sesuai", "self_perilaku_rating": "sesuai",
        "realisations": [{"indicator_id": real.indicator_id, "realisation": None,
                          "realisation_text": "", "note": ""}],
    }).json()
    answer = post(me, url(e, "/submit"), {"version": answer["version"]}).json()
    boss = client_for(cast.atasan)
    answer = put(boss, url(e, "/rating"), {"version": answer["version"],
                                            "hasil_rating": "sesuai",
                                            "perilaku_rating": "di_bawah"}).json()
    answer = post(boss, url(e, "/finalise"), {"version": answer["version"]}).json()
    assert answer["status"] == "ditetapkan" and answer["predikat"] == "kurang"
    me = client_for(cast.pegawai)
    response = post(me, url(e, "/objections"), {"reason": "Perilaku dinilai tanpa dialog"})
    assert response.status_code == 201, response.content
    assert me.get(url(e)).json()["status"] == "keberatan"
    assert [o["id"] for o in me.get(url(e, "/breakdown")).json()["objections"]] == [
        response.json()["id"]
    ]


@pytest.mark.parametrize("suffix", ["", "/breakdown"])
def test_unknown_evaluation_is_404(cast, client_for, suffix):
    error(client_for(cast.pegawai).get(f"{API}/evaluations/999999{suffix}"), 404, "not_found")


def test_realisation_decimal_accepts_strings(cast, ev, client_for):
    [real] = IndicatorRealisation.objects.filter(evaluation=ev.evaluation)
    response = put(client_for(cast.pegawai), url(ev.evaluation, "/self-assessment"), {
        "realisations": [{"indicator_id": real.indicator_id, "realisation": "0.5",
                          "note": "Setengah"}],
    })
    assert response.status_code == 200, response.content
    real.refresh_from_db()
    assert real.realisation == Decimal("0.50")
