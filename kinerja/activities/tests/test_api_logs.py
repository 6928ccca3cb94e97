"""The activities API: logs (create, read, change, delete, submit), evidence (upload, link,
scoped download, removal), verification (queue, one, bulk, return), errors in the one shape,
bounded list queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client

from kinerja.activities import services
from kinerja.activities.models import Activity, ActivityStatus, Evidence
from kinerja.activities.testing import log
from kinerja.people.services import token_create

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Caller:
    """A cast member calling the API with a Bearer token of their own."""

    def __init__(self, account) -> None:
        _token, self.plain = token_create(account=account, name="uji")
        self.client = Client(enforce_csrf_checks=True)
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {self.plain}"}

    def get(self, path, **params):
        return self.client.get(f"{API}{path}", params, **self.auth)

    def send(self, method, path, body=None, **headers):
        return getattr(self.client, method)(
            f"{API}{path}", "" if body is None else body, content_type="application/json",
            **self.auth, **headers,
        )

    def post(self, path, body=None, **headers):
        return self.send("post", path, body, **headers)

    def put(self, path, body=None):
        return self.send("put", path, body)

    def delete(self, path):
        return self.client.delete(f"{API}{path}", **self.auth)

    def upload(self, path, name, data, **headers):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(f"{API}{path}", {"file": SimpleUploadedFile(name, data)},
                                **self.auth, **headers)


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json() if status != 204 else {}


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code, body
    assert body["message"]
    return body


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def callers(cast, work):
    return {who: Caller(cast.accounts[who]) for who in
            ("pegawai", "pegawai2", "atasan", "kadis", "outsider", "admin_bkpsdm")}


def body(work, **extra):
    values = {"date": work.today.isoformat(), "start_time": "08:00", "end_time": "09:30",
              "description": "Mencatat surat masuk", "output_quantity": "5",
              "output_unit": "surat", "rhk_id": work.rhk["pegawai"].pk}
    values.update(extra)
    return values


# --- Logs -----------------------------------------------------------------------------------


def test_create_read_update_submit_and_the_supervisor_verifies(cast, work, callers):
    me, boss = callers["pegawai"], callers["atasan"]
    created = ok(me.post("/activities", body(work)), 201)
    assert created["minutes"] == 90 and created["status"] == "draft"
    assert created["output_quantity"] == "5.00" and created["rhk"]["id"] == work.rhk["pegawai"].pk
    assert created["pegawai"]["nip"] == cast.people["pegawai"].nip
    pk = created["id"]
    assert ok(me.get(f"/activities/{pk}"))["version"] == 1
    changed = ok(me.put(f"/activities/{pk}", body(work, description="Surat 6", version=1)))
    assert changed["description"] == "Surat 6" and changed["version"] == 2
    error(me.put(f"/activities/{pk}", body(work, version=1)), 409, "stale")
    submitted = ok(me.post(f"/activities/{pk}/submit", {"version": 2}))
    assert submitted["status"] == "diajukan"
    queue = ok(boss.get("/verification-queue"))
    assert [item["id"] for item in queue["items"]] == [pk]
    verified = ok(boss.post(f"/activities/{pk}/verify"))
    assert verified["status"] == "diverifikasi"
    assert verified["verified_by"]["nip"] == cast.people["atasan"].nip


def test_return_with_reason_then_fix_and_resubmit(cast, work, callers):
    me, boss = callers["pegawai"], callers["atasan"]
    pk = ok(me.post("/activities", body(work)), 201)["id"]
    ok(me.post(f"/activities/{pk}/submit"))
    error(boss.post(f"/activities/{pk}/return", {"reason": "  "}), 400, "reason_required")
    returned = ok(boss.post(f"/activities/{pk}/return", {"reason": "Bukti kurang"}))
    assert returned["status"] == "dikembalikan" and returned["return_reason"] == "Bukti kurang"
    ok(me.put(f"/activities/{pk}", body(work, description="Dengan bukti")))
    assert ok(me.post(f"/activities/{pk}/submit"))["status"] == "diajukan"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"start_time": "10:00", "end_time": "09:00"}, "end_before_start"),
        ({"start_time": "08:30", "end_time": "09:00"}, "overlap"),
        ({"start_time": "09:30", "end_time": "19:00"}, "daily_total_exceeded"),
        ({"start_time": "11:00", "end_time": None}, "time_range_incomplete"),
        ({"description": "   "}, "description_required"),
        ({"rhk_id": None, "start_time": "13:00", "end_time": "14:00"}, "serves_nothing"),
    ],
)
def test_plausibility_refusals_are_400_with_their_code(work, callers, extra, code):
    me = callers["pegawai"]
    ok(me.post("/activities", body(work)), 201)  # 08:00-09:30
    refused = error(me.post("/activities", body(work, **extra)), 400, code)
    assert Activity.objects.count() == 1
    if code == "daily_total_exceeded":
        assert "10 hours" in refused["message"]


@pytest.mark.indonesian
def test_plausibility_message_in_bahasa_indonesia(work, callers):
    """Until the lead translates, the message may still be the English source; the code is
    what programs read."""
    me = callers["pegawai"]
    ok(me.post("/activities", body(work)), 201)
    refused = error(me.post("/activities", body(work, start_time="08:30", end_time="09:00")),
                    400, "overlap")
    assert refused["message"]


def test_future_date_is_refused(work, callers):
    tomorrow = (work.today + dt.timedelta(days=1)).isoformat()
    response = callers["pegawai"].post("/activities", body(work, date=tomorrow,
                                                            rhk_id=None, is_additional_task=True))
    error(response, 400, "future_date")


def test_someone_elses_rhk_or_a_foreign_one_is_refused(work, callers):
    me = callers["pegawai"]
    error(me.post("/activities", body(work, rhk_id=work.rhk["pegawai2"].pk)), 400,
          "rhk_not_approved")
    error(me.post("/activities", body(work, rhk_id=999999)), 400, "rhk_not_found")
    error(me.post("/activities", body(work, rhk_id=None, assignment_id=999999)), 400,
          "assignment_not_found")


def test_schema_errors_are_422(work, callers):
    error(callers["pegawai"].post("/activities", {"date": "kemarin"}), 422, "invalid_request")
    error(callers["pegawai"].get("/activities", month="2026-13"), 400, "invalid_month")


def test_only_the_owner_changes_a_log(cast, work, callers):
    pk = log(cast, "pegawai", work).pk
    for who in ("atasan", "kadis", "admin_bkpsdm"):
        error(callers[who].put(f"/activities/{pk}", body(work)), 403, "forbidden")
        error(callers[who].delete(f"/activities/{pk}"), 403, "forbidden")
        error(callers[who].post(f"/activities/{pk}/submit"), 403, "forbidden")
    error(callers["outsider"].get(f"/activities/{pk}"), 404, "not_found")
    error(callers["pegawai2"].put(f"/activities/{pk}", body(work)), 404, "not_found")


def test_delete_draft_and_stale_version(cast, work, callers):
    me = callers["pegawai"]
    activity = log(cast, "pegawai", work)
    error(me.delete(f"/activities/{activity.pk}?version=7"), 409, "stale")
    ok(me.delete(f"/activities/{activity.pk}?version=1"), 204)
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_submitted_log_cannot_be_changed(cast, work, callers):
    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    error(callers["pegawai"].put(f"/activities/{activity.pk}", body(work)), 409, "log_locked")
    error(callers["pegawai"].delete(f"/activities/{activity.pk}"), 409, "log_locked")


def test_locked_month_refuses_edits(cast, work, callers):
    from kinerja.core.models import PerformanceMonth

    activity = log(cast, "pegawai", work)
    PerformanceMonth.objects.filter(performance_year__instansi=cast.instansi,
                                    month=work.today.month).update(state="closed")
    error(callers["pegawai"].put(f"/activities/{activity.pk}", body(work)), 409, "period_closed")
    error(callers["pegawai"].post("/activities", body(work)), 409, "period_closed")


# --- Lists ----------------------------------------------------------------------------------


def test_list_is_own_by_default_and_nip_in_scope(cast, work, callers):
    mine = log(cast, "pegawai", work)
    log(cast, "pegawai2", work)
    assert [i["id"] for i in ok(callers["pegawai"].get("/activities"))["items"]] == [mine.pk]
    assert ok(callers["atasan"].get("/activities"))["count"] == 0
    seen = ok(callers["atasan"].get("/activities", nip=cast.people["pegawai"].nip))
    assert [i["id"] for i in seen["items"]] == [mine.pk]
    error(callers["pegawai"].get("/activities", nip=cast.people["pegawai2"].nip), 404,
          "not_found")
    error(callers["outsider"].get("/activities", nip=cast.people["pegawai"].nip), 404,
          "not_found")


def test_list_filters_month_dates_status(cast, work, callers):
    me = callers["pegawai"]
    first = log(cast, "pegawai", work)
    second = log(cast, "pegawai", work, start=(10, 0), end=(11, 0))
    services.activity_submit(actor=cast.pegawai, activity=second)
    month = work.today.strftime("%Y-%m")
    assert ok(me.get("/activities", month=month))["count"] == 2
    assert ok(me.get("/activities", month="2001-01"))["count"] == 0
    assert [i["id"] for i in ok(me.get("/activities", status="diajukan"))["items"]] == [second.pk]
    assert [i["id"] for i in ok(me.get("/activities", status="draft"))["items"]] == [first.pk]
    later = (work.today + dt.timedelta(days=1)).isoformat()
    assert ok(me.get("/activities", date_from=later))["count"] == 0
    assert ok(me.get("/activities", date_to=work.today.isoformat()))["count"] == 2
    error(me.get("/activities", status="nope"), 422, "invalid_request")


def _fill(cast, work, who, count):
    for i in range(count):
        activity = log(cast, who, work, start=(7 + i // 2, (i % 2) * 30),
                       end=(7 + i // 2, (i % 2) * 30 + 20))
        services.evidence_add_link(actor=cast.accounts[who], activity=activity,
                                   url=f"https://contoh.go.id/{i}")
        services.activity_submit(actor=cast.accounts[who], activity=activity)


def test_lists_run_a_bounded_number_of_queries(cast, work, callers,
                                               django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me, boss = callers["pegawai"], callers["atasan"]
    _fill(cast, work, "pegawai", 2)
    with CaptureQueriesContext(connection) as few_own:
        ok(me.get("/activities"))
    with CaptureQueriesContext(connection) as few_queue:
        ok(boss.get("/verification-queue"))
    _fill(cast, work, "pegawai2", 12)
    with django_assert_max_num_queries(len(few_queue)):
        assert ok(boss.get("/verification-queue"))["count"] == 14
    other = Caller(cast.pegawai2)
    with django_assert_max_num_queries(len(few_own)):
        assert ok(other.get("/activities"))["count"] == 12


def test_queue_filters(cast, work, callers):
    boss = callers["atasan"]
    a = log(cast, "pegawai", work)
    b = log(cast, "pegawai2", work)
    for item, who in ((a, "pegawai"), (b, "pegawai2")):
        services.activity_submit(actor=cast.accounts[who], activity=item)
    Activity.objects.filter(pk=a.pk).update(flags=[])
    Activity.objects.filter(pk=b.pk).update(flags=["outside_hours"])
    by_nip = ok(boss.get("/verification-queue", nip=cast.people["pegawai2"].nip))
    assert [i["id"] for i in by_nip["items"]] == [b.pk]
    flagged = ok(boss.get("/verification-queue", flagged="true"))
    assert [i["id"] for i in flagged["items"]] == [b.pk]
    assert flagged["items"][0]["flags"] == [{"code": "outside_hours",
                                              "label": "Outside working hours"}]
    assert ok(callers["pegawai"].get("/verification-queue"))["count"] == 0
    assert ok(callers["outsider"].get("/verification-queue"))["count"] == 0


# --- Verification ---------------------------------------------------------------------------


def test_a_supervisor_cannot_verify_a_non_subordinates_log(cast, work, callers):
    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    for who in ("pegawai", "pegawai2", "kadis", "admin_bkpsdm"):
        caller = callers[who]
        expected = 404 if who == "pegawai2" else 403
        code = "not_found" if expected == 404 else "forbidden"
        error(caller.post(f"/activities/{activity.pk}/verify"), expected, code)
        error(caller.post(f"/activities/{activity.pk}/return", {"reason": "x"}), expected, code)
    error(callers["outsider"].post(f"/activities/{activity.pk}/verify"), 404, "not_found")
    bulk = ok(callers["outsider"].post("/activities/verify", {"ids": [activity.pk]}))
    assert bulk == {"verified": [], "refused": [activity.pk]}
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


def test_bulk_verify(cast, work, callers):
    ids = []
    for hour in (8, 9, 10):
        item = log(cast, "pegawai", work, start=(hour, 0), end=(hour, 45))
        services.activity_submit(actor=cast.pegawai, activity=item)
        ids.append(item.pk)
    draft = log(cast, "pegawai2", work)
    answer = ok(callers["atasan"].post("/activities/verify", {"ids": [*ids, draft.pk, 999999]}))
    assert sorted(answer["verified"]) == sorted(ids)
    assert answer["refused"] == [draft.pk, 999999]
    error(callers["atasan"].post("/activities/verify", {"ids": list(range(1001))}), 422,
          "invalid_request")


def test_verify_twice_is_a_conflict(cast, work, callers):
    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    ok(callers["atasan"].post(f"/activities/{activity.pk}/verify"))
    error(callers["atasan"].post(f"/activities/{activity.pk}/verify"), 409,
          "invalid_transition")


# --- Evidence -------------------------------------------------------------------------------


def test_upload_detail_download_and_remove_evidence(cast, work, callers, settings):
    me = callers["pegawai"]
    activity = log(cast, "pegawai", work)
    uploaded = ok(me.upload(f"/activities/{activity.pk}/evidence", "C:\\fakepath\\foto.png",
                            png()), 201)
    assert uploaded["content_type"] == "image/png" and uploaded["original_name"] == "foto.png"
    assert len(uploaded["sha256"]) == 64
    assert uploaded["file_url"] == f"{API}/evidence/{uploaded['id']}/file"
    link = ok(me.post(f"/activities/{activity.pk}/links", {"url": "https://contoh.go.id/a"}),
              201)
    assert link["kind"] == "link" and link["file_url"] is None
    detail = ok(me.get(f"/activities/{activity.pk}"))
    assert [e["id"] for e in detail["evidence"]] == [uploaded["id"], link["id"]]
    for who in ("pegawai", "atasan", "kadis", "admin_bkpsdm"):
        response = callers[who].client.get(uploaded["file_url"], **callers[who].auth)
        assert response.status_code == 200, who
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    error(callers["outsider"].get(f"/evidence/{uploaded['id']}/file"), 404, "not_found")
    error(callers["pegawai2"].get(f"/evidence/{uploaded['id']}/file"), 404, "not_found")
    error(me.get(f"/evidence/{link['id']}/file"), 404, "not_found")
    stored = Evidence.objects.get(pk=uploaded["id"]).file
    path = stored.path
    error(callers["atasan"].delete(f"/evidence/{uploaded['id']}"), 403, "forbidden")
    error(callers["outsider"].delete(f"/evidence/{uploaded['id']}"), 404, "not_found")
    import os

    assert os.path.exists(path)


@pytest.mark.django_db(transaction=True)
def test_removal_deletes_the_stored_file(cast, work):
    import os

    me = Caller(cast.pegawai)
    activity = log(cast, "pegawai", work)
    uploaded = ok(me.upload(f"/activities/{activity.pk}/evidence", "foto.png", png()), 201)
    path = Evidence.objects.get(pk=uploaded["id"]).file.path
    assert os.path.exists(path)
    ok(me.delete(f"/evidence/{uploaded['id']}"), 204)
    assert not os.path.exists(path)
    assert not Evidence.objects.filter(pk=uploaded["id"]).exists()


def test_refused_evidence_answers_the_code(cast, work, callers):
    from kinerja.activities.models import ActivityPolicy

    me = callers["pegawai"]
    activity = log(cast, "pegawai", work)
    error(me.upload(f"/activities/{activity.pk}/evidence", "a.jpg", b"hello, not a photo"),
          400, "evidence_type")
    ActivityPolicy.objects.create(instansi=cast.instansi, evidence_max_mb=1)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    refused = error(me.upload(f"/activities/{activity.pk}/evidence", "big.pdf", big), 400,
                    "evidence_too_large")
    assert "1 MB" in refused["message"]
    error(me.post(f"/activities/{activity.pk}/links", {"url": "javascript:alert(1)"}), 400,
          "invalid_url")
    assert not activity.evidence.exists()


def test_openapi_lists_the_operations():
    from kinerja.api import api

    paths = api.get_openapi_schema()["paths"]
    for route in ("/activities", "/activities/{activity_id}", "/activities/{activity_id}/evidence",
                  "/evidence/{evidence_id}/file", "/verification-queue", "/activities/verify"):
        assert f"{API}{route}" in paths
