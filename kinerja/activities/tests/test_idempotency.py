"""Idempotency-Key on creating API requests (kinerja/core/idempotency.py): a retry answers the
first answer and creates nothing; another request under the same key is refused; refusals are
not stored; concurrent copies create one row (PostgreSQL, threads); old records are purged."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from kinerja.activities.models import Activity, Evidence
from kinerja.activities.testing import log
from kinerja.core.models import IdempotencyRecord
from kinerja.people.services import token_create

API = "/api/v1"


def _body(work, **extra):
    values = {"date": work.today.isoformat(), "start_time": "08:00", "end_time": "09:00",
              "description": "Rapat koordinasi", "output_unit": "notulen",
              "rhk_id": work.rhk["pegawai"].pk}
    values.update(extra)
    return values


def _post(client, token, path, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"{API}{path}", body, content_type="application/json", **headers)


@pytest.fixture
def token(cast, work):
    return token_create(account=cast.pegawai, name="ponsel")[1]


@pytest.mark.django_db
def test_without_the_header_every_request_creates(work, token, client):
    for start in ("08:00", "10:00"):
        response = _post(client, token, "/activities",
                         _body(work, start_time=start, end_time=start.replace(":00", ":30")))
        assert response.status_code == 201
    assert Activity.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_a_retry_answers_the_first_answer_and_creates_nothing(cast, work, token, client):
    first = _post(client, token, "/activities", _body(work), key="a1b2-c3")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = _post(client, token, "/activities", _body(work), key="a1b2-c3")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Activity.objects.count() == 1
    stored = IdempotencyRecord.objects.get()
    assert stored.account_id == cast.pegawai.pk and stored.status == 201
    assert stored.method == "POST" and stored.path == f"{API}/activities"


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(work, token, client):
    assert _post(client, token, "/activities", _body(work), key="k-1").status_code == 201
    other = _post(client, token, "/activities", _body(work, description="Lain"), key="k-1")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Activity.objects.count() == 1


@pytest.mark.django_db
def test_the_key_is_per_account(cast, work, token, client):
    other_token = token_create(account=cast.pegawai2, name="ponsel")[1]
    assert _post(client, token, "/activities", _body(work), key="same").status_code == 201
    theirs = _post(client, other_token, "/activities",
                   _body(work, rhk_id=work.rhk["pegawai2"].pk), key="same")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Activity.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "   ", "x" * 101, "tab\there", "kunci\u00e9"])
def test_a_malformed_key_is_refused(work, token, client, key):
    response = _post(client, token, "/activities", _body(work), key=key)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_a_refusal_is_not_stored_so_the_key_works_once_fixed(cast, work, token, client):
    from kinerja.core.models import PerformanceMonth

    months = PerformanceMonth.objects.filter(performance_year__instansi=cast.instansi,
                                             month=work.today.month)
    months.update(state="closed")
    refused = _post(client, token, "/activities", _body(work), key="retry-me")
    assert refused.status_code == 409
    assert not IdempotencyRecord.objects.exists()
    months.update(state="open")
    assert _post(client, token, "/activities", _body(work), key="retry-me").status_code == 201
    assert Activity.objects.count() == 1


@pytest.mark.django_db
def test_a_stored_record_wins_over_running_again(cast, work, token, client):
    """What the loser of a race sees once the winner committed: the unique constraint refuses
    its record, it answers the stored one and runs nothing."""
    first = _post(client, token, "/activities", _body(work), key="race")
    IdempotencyRecord.objects.filter(key="race").update(body={"id": 4242}, status=201)
    again = _post(client, token, "/activities", _body(work), key="race")
    assert again.json() == {"id": 4242} and again["Idempotent-Replayed"] == "true"
    assert Activity.objects.count() == 1 and first.status_code == 201


@pytest.mark.django_db
def test_the_record_lives_in_the_creating_transaction(work, token, client, monkeypatch):
    """If storing the answer fails, the log is rolled back too: never a row without its record."""
    original = IdempotencyRecord.save

    def failing_save(self, *args, **kwargs):
        if kwargs.get("update_fields"):
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(IdempotencyRecord, "save", failing_save)
    response = _post(client, token, "/activities", _body(work), key="atomic")
    assert response.status_code == 500
    assert not Activity.objects.exists() and not IdempotencyRecord.objects.exists()


def _png(colour=(10, 120, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (6, 6), colour).save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_multipart_upload_is_idempotent(cast, work, token, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = log(cast, "pegawai", work)
    url = f"{API}/activities/{activity.pk}/evidence"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": "foto-1"}

    def send(data):
        return client.post(url, {"file": SimpleUploadedFile("a.png", data)}, **headers)

    first = send(_png())
    again = send(_png())
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Evidence.objects.count() == 1
    other = send(_png((200, 0, 0)))
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_link_create_is_idempotent(cast, work, token, client):
    activity = log(cast, "pegawai", work)
    body = {"url": "https://contoh.go.id/notulen"}
    for _ in range(3):
        response = _post(client, token, f"/activities/{activity.pk}/links", body, key="tautan")
        assert response.status_code == 201
    assert Evidence.objects.count() == 1


@pytest.mark.django_db
def test_purge_command_deletes_old_records(cast, work, token, client):
    _post(client, token, "/activities", _body(work), key="lama")
    _post(client, token, "/activities", _body(work, start_time="10:00", end_time="11:00"),
          key="baru")
    IdempotencyRecord.objects.filter(key="lama").update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    out = io.StringIO()
    call_command("purge_idempotency", "--days", "7", stdout=out)
    assert "1 idempotency records" in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["baru"]


# --- Racing copies (PostgreSQL: two connections, the second waits on the unique index) -------


@pytest.mark.django_db(transaction=True)
def test_two_racing_copies_create_one_log(cast, work, token, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("two concurrent writers need PostgreSQL (SQLite serialises writers)")
    from kinerja.activities import services

    real_save = services.activity_save

    def slow_save(**kwargs):
        activity = real_save(**kwargs)
        time.sleep(0.5)  # hold the transaction open so the copy arrives meanwhile
        return activity

    monkeypatch.setattr(services, "activity_save", slow_save)
    barrier = threading.Barrier(2)
    answers: list = []

    def send():
        from django.db import connections

        try:
            barrier.wait()
            answers.append(_post(Client(), token, "/activities", _body(work), key="kembar"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in answers) == ["", "true"]
    assert Activity.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_copies_with_different_bodies_one_is_refused(cast, work, token, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("two concurrent writers need PostgreSQL (SQLite serialises writers)")
    from kinerja.activities import services

    real_save = services.activity_save

    def slow_save(**kwargs):
        activity = real_save(**kwargs)
        time.sleep(0.3)
        return activity

    monkeypatch.setattr(services, "activity_save", slow_save)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send(description):
        from django.db import connections

        try:
            barrier.wait()
            body = _body(work, description=description,
                         start_time="08:00" if description == "A" else "10:00",
                         end_time="09:00" if description == "A" else "11:00")
            statuses.append(_post(Client(), token, "/activities", body, key="satu").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(d,)) for d in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [201, 422]
    assert Activity.objects.count() == 1
