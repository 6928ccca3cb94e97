"""The objections API (kinerja/evaluations/api_objections.py and the filing operation in
api_evaluations.py): filing by the employee, the lists of the decider and the filer, deciding
by the supervisor of the pejabat penilai only, refusals in the one error shape, bounded
queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.evaluations import services
from kinerja.evaluations.models import Objection
from kinerja.evaluations.testing import finalised

API = "/api/v1"


def post(client: Any, path: str, body: dict[str, Any] | None = None, **headers: Any) -> Any:
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert set(body) >= {"code", "message"}
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture
def final(cast, ev):
    """The pegawai's evaluation finalised by `atasan` (sesuai/di_bawah: kurang)."""
    return finalised(cast, ev.evaluation, "sesuai", "di_bawah")


@pytest.fixture
def objection(cast, final):
    return services.objection_file(actor=cast.pegawai, evaluation=final, reason="Tidak adil")


def file_path(evaluation: Any) -> str:
    return f"{API}/evaluations/{evaluation.pk}/objections"


def test_file_an_objection(cast, final, client_for):
    response = post(client_for(cast.pegawai), file_path(final), {"reason": "Belum ada dialog"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "diajukan" and body["reason"] == "Belum ada dialog"
    assert body["original_predikat"] == "kurang" and body["decided_predikat"] == ""
    assert body["decider_id"] == cast.people["sekretaris"].pk
    assert body["decider"]["nip"] == cast.people["sekretaris"].nip
    assert body["evaluation"]["id"] == final.pk and body["evaluation"]["status"] == "keberatan"
    assert body["evaluation"]["pegawai"]["nip"] == cast.people["pegawai"].nip
    # One open objection at a time.
    error(post(client_for(cast.pegawai), file_path(final), {"reason": "Lagi"}), 409,
          "invalid_status")


def test_filing_refusals(cast, ev, client_for):
    path = file_path(ev.evaluation)
    client = client_for(cast.pegawai)
    error(post(client, path, {"reason": "Terlalu cepat"}), 409, "invalid_status")  # not final
    finalised(cast, ev.evaluation)
    error(post(client, path, {"reason": " "}), 400, "reason_required")
    error(post(client, path, {}), 422, "invalid_request")
    error(post(client, path, {"reason": "x" * 5000}), 422, "invalid_request")
    for who in ("atasan", "kadis", "admin_bkpsdm"):
        error(post(client_for(cast.accounts[who]), path, {"reason": "x"}), 403, "forbidden")
    error(post(client_for(cast.pegawai2), path, {"reason": "x"}), 404, "not_found")
    assert not Objection.objects.exists()


def test_filing_accepts_an_idempotency_key(cast, final, client_for):
    client = client_for(cast.pegawai)
    key = {"Idempotency-Key": "keberatan-1"}
    first = post(client, file_path(final), {"reason": "Tidak adil"}, **key)
    again = post(client, file_path(final), {"reason": "Tidak adil"}, **key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert Objection.objects.count() == 1


def test_lists_of_the_decider_and_the_filer(cast, objection, client_for):
    mine = client_for(cast.pegawai).get(f"{API}/objections").json()
    assert [o["id"] for o in mine["items"]] == [objection.pk] and mine["count"] == 1
    assert client_for(cast.pegawai).get(
        f"{API}/objections", {"role": "decide"}
    ).json()["count"] == 0
    decider = client_for(cast.sekretaris)
    assert [o["id"] for o in decider.get(f"{API}/objections").json()["items"]] == [objection.pk]
    assert decider.get(f"{API}/objections", {"role": "decide"}).json()["count"] == 1
    assert decider.get(f"{API}/objections", {"role": "filed"}).json()["count"] == 0
    # The pejabat penilai and the others neither decide nor filed it.
    for who in ("atasan", "kadis", "admin_bkpsdm", "outsider"):
        assert client_for(cast.accounts[who]).get(f"{API}/objections").json()["count"] == 0, who
    error(client_for(cast.pegawai).get(f"{API}/objections", {"role": "all"}), 422,
          "invalid_request")


def test_bkpsdm_decides_where_nobody_is_above(cast, objection, client_for):
    Objection.objects.filter(pk=objection.pk).update(decider=None)
    listed = client_for(cast.accounts["admin_bkpsdm"]).get(f"{API}/objections").json()
    assert [o["id"] for o in listed["items"]] == [objection.pk]
    assert listed["items"][0]["decider"] is None


def test_detail_is_scoped(cast, objection, client_for):
    path = f"{API}/objections/{objection.pk}"
    for who in ("pegawai", "atasan", "sekretaris", "kadis", "admin_opd", "admin_bkpsdm",
                "pimpinan", "auditor"):
        response = client_for(cast.accounts[who]).get(path)
        assert response.status_code == 200, who
    assert response.json()["evaluation"]["predikat"] == "kurang"
    for who in ("pegawai2", "outsider"):
        error(client_for(cast.accounts[who]).get(path), 404, "not_found")
    error(client_for(cast.pegawai).get(f"{API}/objections/999999"), 404, "not_found")


def test_uphold_sets_the_ratings_that_stand(cast, objection, client_for):
    path = f"{API}/objections/{objection.pk}/decision"
    response = post(client_for(cast.sekretaris), path, {
        "outcome": "dikabulkan", "note": "Perilaku dinilai ulang", "hasil_rating": "sesuai",
        "perilaku_rating": "sesuai",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "dikabulkan" and body["decided_predikat"] == "baik"
    assert body["decision_note"] == "Perilaku dinilai ulang" and body["decided_at"]
    assert body["evaluation"]["status"] == "diputus"
    assert body["evaluation"]["predikat"] == "baik"
    error(post(client_for(cast.sekretaris), path, {"outcome": "ditolak", "note": "Lagi"}), 409,
          "invalid_status")


def test_reject_keeps_the_predikat(cast, objection, client_for):
    response = post(client_for(cast.sekretaris), f"{API}/objections/{objection.pk}/decision",
                    {"outcome": "ditolak", "note": "Sudah sesuai bukti"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ditolak" and body["decided_predikat"] == "kurang"
    assert body["evaluation"]["status"] == "diputus"


def test_decision_refusals(cast, objection, client_for):
    path = f"{API}/objections/{objection.pk}/decision"
    body = {"outcome": "ditolak", "note": "Tidak"}
    # Only the supervisor of the pejabat penilai decides: not the employee, not the penilai,
    # not the line further up, not the admins.
    for who in ("pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan",
                "auditor"):
        error(post(client_for(cast.accounts[who]), path, body), 403, "forbidden")
    for who in ("pegawai2", "outsider"):
        error(post(client_for(cast.accounts[who]), path, body), 404, "not_found")
    client = client_for(cast.sekretaris)
    error(post(client, path, {"outcome": "dikabulkan", "note": "Ya"}), 400, "rating_required")
    error(post(client, path, {"outcome": "ditolak", "note": " "}), 400, "note_required")
    error(post(client, path, {"outcome": "diterima", "note": "x"}), 422, "invalid_request")
    error(post(client, path, {"outcome": "dikabulkan", "note": "x", "hasil_rating": "baik"}),
          422, "invalid_request")
    objection.refresh_from_db()
    assert objection.status == "diajukan"


def test_list_queries_do_not_grow_with_rows(cast, ev, client_for):
    client = client_for(cast.sekretaris)
    first = finalised(cast, ev.evaluation)
    services.objection_file(actor=cast.pegawai, evaluation=first, reason="Satu")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{API}/objections").json()["count"] == 1
    [second] = services.evaluation_start(
        actor=cast.pegawai2, pegawai=cast.people["pegawai2"], spec=ev.spec
    )
    services.evaluation_self_save(actor=cast.pegawai2, evaluation=second,
                                  self_hasil_rating="sesuai", self_perilaku_rating="sesuai")
    services.evaluation_self_submit(actor=cast.pegawai2, evaluation=second)
    services.evaluation_rate(actor=cast.atasan, evaluation=second, hasil_rating="sesuai",
                             perilaku_rating="sesuai")
    services.evaluation_finalise(actor=cast.atasan, evaluation=second)
    services.objection_file(actor=cast.pegawai2, evaluation=second, reason="Dua")
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{API}/objections").json()["count"] == 2
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 8


def test_detail_queries_are_bounded(cast, objection, client_for, django_assert_max_num_queries):
    client = client_for(cast.sekretaris)
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}/objections/{objection.pk}").status_code == 200
