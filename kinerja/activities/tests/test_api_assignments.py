"""The assignments API: create for several people (by id or NIP, idempotent with a key), the
lists, transitions per role, progress, the comment thread, scope and the error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kinerja.activities import services
from kinerja.activities.models import Assignment, AssignmentComment
from kinerja.people.access import today_in
from kinerja.people.services import token_create

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Caller:
    """A cast member calling the API with a Bearer token of their own."""

    def __init__(self, account) -> None:
        _token, self.plain = token_create(account=account, name="uji")
        self.client = Client(enforce_csrf_checks=True)

    def __call__(self, method: str, path: str, body=None, **headers):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {self.plain}"
        send = getattr(self.client, method)
        if method == "get":
            return send(f"{API}{path}", **headers)
        return send(
            f"{API}{path}", "" if body is None else body, content_type="application/json", **headers
        )


@pytest.fixture
def call(cast):
    callers: dict[str, Caller] = {}

    def _call(who, method, path, body=None, **headers):
        if who not in callers:
            callers[who] = Caller(cast.accounts[who])
        return callers[who](method, path, body, **headers)

    return _call


def due(cast, days=5):
    return (today_in(cast.atasan) + dt.timedelta(days=days)).isoformat()


def give(cast, who="pegawai", by="atasan"):
    (a,) = services.assignment_create(
        actor=cast.accounts[by],
        assignee_ids=[cast.people[who].pk],
        title="Rekap",
        due_date=today_in(cast.accounts[by]) + dt.timedelta(days=3),
    )
    return a


def test_create_for_several_by_id_and_nip(cast, plan, call):
    body = {
        "assignee_ids": [cast.people["pegawai"].pk],
        "nips": [cast.people["pegawai2"].nip],
        "title": "Rekap absensi",
        "rhk_id": plan.rhk["atasan"].pk,
        "due_date": due(cast),
        "priority": "tinggi",
    }
    response = call("atasan", "post", "/assignments", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert len(data["items"]) == 2 and {i["batch"] for i in data["items"]} == {data["batch"]}
    item = data["items"][0]
    assert item["status"] == "ditugaskan" and item["overdue"] is False
    assert item["rhk"] == {"id": plan.rhk["atasan"].pk, "text": plan.rhk["atasan"].text}
    assert item["assigner"]["nip"] == cast.people["atasan"].nip


@pytest.mark.parametrize(
    "change,status,code",
    [
        ({"due_date": "2000-01-01"}, 400, "due_date_past"),
        ({"nips": ["199901012020011001"]}, 400, "nip_not_found"),
        ({"rhk_id": 999999}, 400, "rhk_not_found"),
        ({"assignee_ids": []}, 400, "assignee_required"),
        ({"priority": "darurat"}, 422, None),
    ],
)
def test_create_refusals_have_the_error_shape(cast, call, change, status, code):
    body = {"assignee_ids": [cast.people["pegawai"].pk], "title": "X", "due_date": due(cast)}
    body.update(change)
    response = call("atasan", "post", "/assignments", body)
    assert response.status_code == status
    assert set(response.json()["error"]) >= {"code", "message"}
    if code:
        assert response.json()["error"]["code"] == code


def test_create_for_a_non_subordinate_is_403(cast, call):
    body = {"nips": [cast.people["pegawai"].nip], "title": "X", "due_date": due(cast)}
    response = call("kasi", "post", "/assignments", body)
    # The kasi does not see the pegawai at all: the NIP names nobody it knows.
    assert response.json()["error"]["code"] == "nip_not_found"
    body = {"assignee_ids": [cast.people["pegawai"].pk], "title": "X", "due_date": due(cast)}
    response = call("kasi", "post", "/assignments", body)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_subordinate"


def test_create_with_an_idempotency_key_creates_once(cast, call):
    body = {"assignee_ids": [cast.people["pegawai"].pk], "title": "Sekali", "due_date": due(cast)}
    first = call("atasan", "post", "/assignments", body, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = call("atasan", "post", "/assignments", body, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Assignment.objects.filter(title="Sekali").count() == 1


def test_lists_received_given_team(cast, call):
    give(cast)
    give(cast, "staf_kasi", by="kasi")
    received = call("pegawai", "get", "/assignments").json()
    assert received["count"] == 1 and received["items"][0]["title"] == "Rekap"
    assert call("pegawai", "get", "/assignments?role=given").json()["count"] == 0
    assert call("atasan", "get", "/assignments?role=given").json()["count"] == 1
    assert call("kadis", "get", "/assignments?role=team").json()["count"] == 2
    assert call("atasan", "get", "/assignments?role=team").json()["count"] == 1
    assert call("pegawai", "get", "/assignments?status=closed").json()["count"] == 0


def test_list_queries_are_bounded(cast, call):
    give(cast)
    call("pegawai", "get", "/assignments")
    with CaptureQueriesContext(connection) as few:
        call("pegawai", "get", "/assignments")
    for _ in range(5):
        give(cast)
    with CaptureQueriesContext(connection) as many:
        assert call("pegawai", "get", "/assignments").json()["count"] == 6
    assert len(many) == len(few)


def test_transitions_per_role(cast, call):
    a = give(cast)
    path = f"/assignments/{a.pk}/transition"
    assert call("atasan", "post", path, {"action": "accept"}).status_code == 403
    assert call("kadis", "post", path, {"action": "cancel"}).status_code == 403
    assert call("outsider", "post", path, {"action": "accept"}).status_code == 404
    response = call("pegawai", "post", path, {"action": "accept"})
    assert response.status_code == 200 and response.json()["status"] == "diterima"
    assert call("pegawai", "post", path, {"action": "done"}).status_code == 403
    conflict = call("atasan", "post", path, {"action": "done"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "invalid_transition"
    assert call("pegawai", "post", path, {"action": "submit"}).json()["progress"] == 100
    assert call("atasan", "post", path, {"action": "done"}).json()["status"] == "selesai"
    assert call("pegawai", "post", path, {"action": "fly"}).status_code == 422


def test_progress_by_the_assignee(cast, call):
    a = give(cast)
    path = f"/assignments/{a.pk}/progress"
    response = call("pegawai", "put", path, {"percent": 30})
    assert response.json()["progress"] == 30 and response.json()["status"] == "dikerjakan"
    assert call("atasan", "put", path, {"percent": 40}).status_code == 403
    assert call("pegawai", "put", path, {"percent": 140}).status_code == 422


def test_overdue_is_derived(cast, call):
    a = give(cast)
    Assignment.objects.filter(pk=a.pk).update(due_date=dt.date(2000, 1, 1))
    assert call("pegawai", "get", f"/assignments/{a.pk}").json()["overdue"] is True


def test_comment_thread(cast, call):
    a = give(cast)
    path = f"/assignments/{a.pk}/comments"
    created = call("pegawai", "post", path, {"text": "Siap"})
    assert (
        created.status_code == 201 and created.json()["author"]["nip"] == cast.people["pegawai"].nip
    )
    assert call("atasan", "post", path, {"text": "Terima kasih"}).status_code == 201
    assert call("kadis", "post", path, {"text": "Saya juga"}).status_code == 403
    assert call("outsider", "get", path).status_code == 404
    thread = call("kadis", "get", path).json()
    assert [c["text"] for c in thread["items"]] == ["Siap", "Terima kasih"]
    assert AssignmentComment.objects.count() == 2


def test_another_instansi_does_not_exist(cast, call):
    from kinerja.testing import build_cast

    other = build_cast("kab-lain")
    a = give(other)
    assert call("atasan", "get", f"/assignments/{a.pk}").status_code == 404
    assert call("pegawai", "get", f"/assignments/{a.pk}/comments").status_code == 404
