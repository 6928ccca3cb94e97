"""The feedback and dialogue API: who writes about whom (the line above; colleagues on a value
where enabled), who reads what, validation, filters, Idempotency-Key, bounded list queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kinerja.evaluations import services
from kinerja.evaluations.models import Dialogue, EvaluationPolicy, FeedbackNote
from kinerja.people.services import token_create

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Caller:
    """A cast member calling the API with a Bearer token of their own."""

    def __init__(self, account) -> None:
        _token, plain = token_create(account=account, name="uji")
        self.client = Client(enforce_csrf_checks=True)
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}

    def get(self, path, **params):
        return self.client.get(f"{API}{path}", params, **self.auth)

    def post(self, path, body, **headers):
        return self.client.post(f"{API}{path}", body, content_type="application/json",
                                **self.auth, **headers)


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json()


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code, body
    assert body["message"]
    return body


@pytest.fixture
def callers(cast, work):
    return {who: Caller(cast.accounts[who]) for who in
            ("pegawai", "pegawai2", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "auditor",
             "outsider")}


def ids(body) -> list[int]:
    return [item["id"] for item in body["items"]]


# --- Feedback ---------------------------------------------------------------------------------


def test_supervisors_give_feedback_and_the_right_people_read_it(cast, work, callers):
    dewi = cast.people["pegawai"]
    body = ok(callers["atasan"].post("/feedback", {
        "pegawai_id": dewi.pk, "text": " Laporan rapi ", "rhk_id": work.rhk["pegawai"].pk,
    }), 201)
    assert body["kind"] == "atasan" and body["text"] == "Laporan rapi"
    assert body["pegawai"]["id"] == dewi.pk and body["pegawai"]["nip"] == dewi.nip
    assert body["author"]["id"] == cast.people["atasan"].pk
    assert body["rhk"] == {"id": work.rhk["pegawai"].pk, "text": work.rhk["pegawai"].text}
    assert body["date"] == work.today.isoformat() and body["value"] == ""
    # The indirect supervisor too, on a work behaviour value.
    by_kadis = ok(callers["kadis"].post("/feedback", {
        "pegawai_id": dewi.pk, "text": "Sigap melayani", "value": "BO",
    }), 201)
    assert by_kadis["value"] == "BO" and by_kadis["value_name"] == "Berorientasi Pelayanan"
    both = {body["id"], by_kadis["id"]}
    for who in ("pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "auditor"):
        assert set(ids(ok(callers[who].get("/feedback")))) == both, who
    for who in ("pegawai2", "outsider"):
        assert ok(callers[who].get("/feedback"))["count"] == 0, who


def test_who_may_not_give_feedback(cast, work, callers):
    dewi = cast.people["pegawai"]
    note = {"pegawai_id": dewi.pk, "text": "Catatan"}
    # Seen but not supervised by them: 403.
    for who in ("pegawai", "admin_opd", "admin_bkpsdm", "auditor"):
        error(callers[who].post("/feedback", note), 403, "forbidden")
    # Not seen at all (another OPD, a colleague without peer feedback): as if absent.
    for who in ("outsider", "pegawai2"):
        error(callers[who].post("/feedback", note), 404, "not_found")
    error(callers["atasan"].post("/feedback", {**note, "pegawai_id": 0}), 404, "not_found")
    assert not FeedbackNote.objects.exists()


def test_peer_feedback_where_enabled_is_on_a_value_only(cast, work, callers):
    EvaluationPolicy.objects.create(instansi=cast.instansi, peer_feedback=True)
    peer = callers["pegawai2"]
    dewi = cast.people["pegawai"]
    error(peer.post("/feedback", {"pegawai_id": dewi.pk, "text": "Bagus"}), 400,
          "peer_perilaku_only")
    error(peer.post("/feedback", {"pegawai_id": dewi.pk, "text": "Bagus", "value": "KL",
                                  "rhk_id": work.rhk["pegawai"].pk}), 400, "peer_perilaku_only")
    body = ok(peer.post("/feedback", {"pegawai_id": dewi.pk, "text": "Kompak", "value": "KL"}),
              201)
    assert body["kind"] == "rekan" and body["author"]["id"] == cast.people["pegawai2"].pk
    # The author reads what they wrote; the employee reads it too.
    assert ids(ok(peer.get("/feedback"))) == [body["id"]]
    assert ids(ok(callers["pegawai"].get("/feedback"))) == [body["id"]]
    # Someone not under the same supervisor is still not a peer.
    error(callers["outsider"].post("/feedback", {"pegawai_id": dewi.pk, "text": "x",
                                                 "value": "KL"}), 404, "not_found")


@pytest.mark.parametrize("change, status, code", [
    ({"text": "  "}, 400, "text_required"),
    ({"value": "XX"}, 400, "unknown_value"),
    ({"date": "2999-01-01"}, 400, "future_date"),
    ({"rhk_id": 0}, 400, "rhk_not_found"),
    ({"date": "kemarin"}, 422, "invalid_request"),
    ({"pegawai_id": None}, 422, "invalid_request"),
])
def test_feedback_validation(cast, work, callers, change, status, code):
    body = {"pegawai_id": cast.people["pegawai"].pk, "text": "Catatan", **change}
    error(callers["atasan"].post("/feedback", body), status, code)


def test_feedback_on_someone_elses_rhk_is_refused(cast, work, callers):
    error(callers["atasan"].post("/feedback", {
        "pegawai_id": cast.people["pegawai"].pk, "text": "x", "rhk_id": work.rhk["pegawai2"].pk,
    }), 400, "unknown_rhk")


def test_feedback_filters(cast, work, callers):
    boss = callers["atasan"]
    dewi, other = cast.people["pegawai"], cast.people["pegawai2"]
    earlier = work.today - dt.timedelta(days=3)
    a = ok(boss.post("/feedback", {"pegawai_id": dewi.pk, "text": "a",
                                   "date": earlier.isoformat()}), 201)
    b = ok(boss.post("/feedback", {"pegawai_id": dewi.pk, "text": "b"}), 201)
    c = ok(boss.post("/feedback", {"pegawai_id": other.pk, "text": "c"}), 201)
    assert ids(ok(boss.get("/feedback"))) == [c["id"], b["id"], a["id"]]
    assert ids(ok(boss.get("/feedback", pegawai_id=dewi.pk))) == [b["id"], a["id"]]
    assert ids(ok(boss.get("/feedback", date_to=earlier.isoformat()))) == [a["id"]]
    assert ids(ok(boss.get("/feedback", date_from=work.today.isoformat(),
                           pegawai_id=other.pk))) == [c["id"]]
    error(boss.get("/feedback", date_from="bukan-tanggal"), 422, "invalid_request")


def test_feedback_create_is_idempotent(cast, work, callers):
    note = {"pegawai_id": cast.people["pegawai"].pk, "text": "Sekali saja"}
    first = callers["atasan"].post("/feedback", note, HTTP_IDEMPOTENCY_KEY="fb-1")
    again = callers["atasan"].post("/feedback", note, HTTP_IDEMPOTENCY_KEY="fb-1")
    assert ok(first, 201) == ok(again, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert FeedbackNote.objects.count() == 1


def test_feedback_list_queries_do_not_grow(cast, work, callers):
    boss = callers["atasan"]
    dewi, other = cast.people["pegawai"], cast.people["pegawai2"]

    def add(pegawai, n):
        for i in range(n):
            services.feedback_note_add(actor=cast.atasan, pegawai=pegawai, text=f"catatan {i}",
                                       rhk=work.rhk[
                                           "pegawai" if pegawai == dewi else "pegawai2"
                                       ])

    add(dewi, 1)
    with CaptureQueriesContext(connection) as few:
        assert ok(boss.get("/feedback"))["count"] == 1
    add(dewi, 5)
    add(other, 5)
    with CaptureQueriesContext(connection) as many:
        assert ok(boss.get("/feedback"))["count"] == 11
    assert len(many) <= len(few), [q["sql"] for q in many.captured_queries]


# --- Dialogues --------------------------------------------------------------------------------


def test_dialogues_recorded_by_the_line_above(cast, work, callers):
    dewi = cast.people["pegawai"]
    record = {"pegawai_id": dewi.pk, "date": work.today.isoformat(),
              "topics": " Capaian bulan ini ", "follow_ups": "Ikut pelatihan arsip"}
    body = ok(callers["atasan"].post("/dialogues", record), 201)
    assert body["topics"] == "Capaian bulan ini" and body["follow_ups"] == "Ikut pelatihan arsip"
    assert body["held_by"]["id"] == cast.people["atasan"].pk
    assert body["pegawai"]["id"] == dewi.pk
    ok(callers["kadis"].post("/dialogues", record), 201)
    for who in ("pegawai", "admin_opd", "admin_bkpsdm", "auditor"):
        error(callers[who].post("/dialogues", record), 403, "forbidden")
    for who in ("outsider", "pegawai2"):
        error(callers[who].post("/dialogues", record), 404, "not_found")
    assert Dialogue.objects.count() == 2
    for who in ("pegawai", "atasan", "kadis", "admin_opd", "auditor"):
        assert ok(callers[who].get("/dialogues"))["count"] == 2, who
    for who in ("pegawai2", "outsider"):
        assert ok(callers[who].get("/dialogues"))["count"] == 0, who
    assert ok(callers["atasan"].get("/dialogues", pegawai_id=cast.people["pegawai2"].pk)) \
        ["count"] == 0


def test_dialogue_validation(cast, work, callers):
    boss = callers["atasan"]
    record = {"pegawai_id": cast.people["pegawai"].pk, "date": work.today.isoformat(),
              "topics": "Capaian"}
    tomorrow = (work.today + dt.timedelta(days=1)).isoformat()
    error(boss.post("/dialogues", {**record, "date": tomorrow}), 400, "future_date")
    error(boss.post("/dialogues", {**record, "topics": " "}), 400, "topics_required")
    error(boss.post("/dialogues", {k: v for k, v in record.items() if k != "date"}), 422,
          "invalid_request")
    assert not Dialogue.objects.exists()


def test_dialogue_list_queries_do_not_grow(cast, work, callers):
    boss = callers["kadis"]

    def add(who, n):
        for i in range(n):
            services.dialogue_record(actor=cast.atasan, pegawai=cast.people[who],
                                     date=work.today, topics=f"topik {i}")

    add("pegawai", 1)
    with CaptureQueriesContext(connection) as few:
        assert ok(boss.get("/dialogues"))["count"] == 1
    add("pegawai", 4)
    add("pegawai2", 4)
    with CaptureQueriesContext(connection) as many:
        assert ok(boss.get("/dialogues"))["count"] == 9
    assert len(many) <= len(few), [q["sql"] for q in many.captured_queries]
