"""SIMPEG import through the pages and the API, end to end, and who may use them."""

from __future__ import annotations

import io

import pytest

from kinerja.people.imports.services import import_file
from kinerja.people.models import ImportRun, Pegawai
from kinerja.people.tests.test_import_employees import employee, nip, write_csv

pytestmark = pytest.mark.django_db


def _csv_bytes(tmp_path, rows) -> bytes:
    return write_csv(tmp_path / "upload.csv", rows).read_bytes()


def _upload(tmp_path, name="pegawai.csv"):
    data = _csv_bytes(tmp_path, [
        employee(nip(1), "Ani Baru"),
        employee("123", "NIP Pendek"),
        employee(nip(2, gender=2), "Budi Baru"),
    ])
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_admin_bkpsdm_uploads_on_the_page_and_sees_the_result(cast, client_for, tmp_path):
    client = client_for(cast.admin_bkpsdm)
    page = client.get("/impor/")
    assert page.status_code == 200
    assert b'name="dry_run"' in page.content
    response = client.post("/impor/", {"kind": "employees", "file": _upload(tmp_path)})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == f"/impor/{run.pk}/"
    assert (run.status, run.created, run.error_count) == ("done", 2, 1)
    assert run.actor == cast.admin_bkpsdm
    detail = client.get(f"/impor/{run.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "NIP must be exactly 18 digits" in text
    row = detail.context["errors"].object_list[0]
    assert (row.line, row.field) == (3, "nip")
    assert 'data-label="Line">3</td><td data-label="Column">nip</td>' in text
    assert "hx-trigger" not in text  # finished: no more polling
    listing = client.get("/impor/")
    assert "pegawai.csv" in listing.content.decode()
    assert Pegawai.objects.filter(name__endswith="Baru").count() == 2


def test_running_import_polls_its_status_with_htmx(cast, client_for):
    run = ImportRun.objects.create(instansi=cast.instansi, kind="employees", file_name="x.csv",
                                   file_sha256="0" * 64, file_format="csv",
                                   status=ImportRun.Status.RUNNING, processed_rows=4000)
    client = client_for(cast.admin_bkpsdm)
    page = client.get(f"/impor/{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    partial = client.get(f"/impor/{run.pk}/?part=status", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "4000 rows read so far" in body and "<html" not in body
    assert "HX-Refresh" not in partial
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.DONE)
    done = client.get(f"/impor/{run.pk}/?part=status", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in done.content.decode()


def test_dry_run_checkbox_writes_nothing(cast, client_for, tmp_path):
    client = client_for(cast.admin_bkpsdm)
    people = Pegawai.objects.count()
    client.post("/impor/", {"kind": "employees", "file": _upload(tmp_path), "dry_run": "on"})
    run = ImportRun.objects.get()
    assert run.dry_run and run.created == 2
    assert Pegawai.objects.count() == people


def test_a_file_of_unknown_type_is_refused_on_the_form(cast, client_for, tmp_path):
    client = client_for(cast.admin_bkpsdm)
    response = client.post("/impor/", {"kind": "employees",
                                       "file": _upload(tmp_path, name="pegawai.pdf")})
    assert response.status_code == 200
    assert "Cannot tell the format" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("who", ["pegawai", "admin_opd", "atasan", "pimpinan"])
def test_others_cannot_import_on_the_pages(cast, client_for, tmp_path, who):
    run = ImportRun.objects.create(instansi=cast.instansi, kind="units", file_name="u.csv",
                                   file_sha256="0" * 64, file_format="csv")
    client = client_for(getattr(cast, who))
    assert client.get("/impor/").status_code == 404
    assert client.get(f"/impor/{run.pk}/").status_code == 404
    response = client.post("/impor/", {"kind": "employees", "file": _upload(tmp_path)})
    assert response.status_code == 404  # same answer as GET: the page does not exist for them
    assert ImportRun.objects.count() == 1


# --- API -----------------------------------------------------------------------------------------

def test_api_import_end_to_end(cast, client_for, tmp_path):
    client = client_for(cast.admin_bkpsdm)
    response = client.post("/api/v1/imports", {"kind": "employees", "dry_run": "false",
                                               "file": _upload(tmp_path)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["created"], body["error_count"]) == ("done", 2, 1)
    assert body["actor"] == cast.admin_bkpsdm.username
    run_id = body["id"]
    listing = client.get("/api/v1/imports").json()
    assert [r["id"] for r in listing["items"]] == [run_id]
    assert client.get(f"/api/v1/imports/{run_id}").json()["total_rows"] == 3
    errors = client.get(f"/api/v1/imports/{run_id}/errors?page=1&page_size=10").json()
    assert (errors["count"], errors["page"], errors["page_size"]) == (1, 1, 10)
    assert errors["items"][0] == {"line": 3, "column": "nip", "code": "nip_format",
                                  "message": "NIP must be exactly 18 digits", "value": "123"}


def test_api_dry_run_and_bad_kind(cast, client_for, tmp_path):
    client = client_for(cast.admin_bkpsdm)
    people = Pegawai.objects.count()
    response = client.post("/api/v1/imports", {"kind": "employees", "dry_run": "true",
                                               "file": _upload(tmp_path)})
    assert response.json()["dry_run"] is True and Pegawai.objects.count() == people
    bad = client.post("/api/v1/imports", {"kind": "gaji", "file": _upload(tmp_path)})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("who", ["pegawai", "admin_opd", "auditor"])
def test_api_others_get_403_on_post_and_404_on_runs(cast, client_for, tmp_path, who):
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=write_csv(tmp_path / "a.csv", [employee(nip(3), "Cici")]))
    client = client_for(getattr(cast, who))
    response = client.post("/api/v1/imports", {"kind": "employees", "file": _upload(tmp_path)})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    for url in ("/api/v1/imports", f"/api/v1/imports/{run.pk}",
                f"/api/v1/imports/{run.pk}/errors"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert ImportRun.objects.count() == 1


def test_api_needs_authentication(client):
    assert client.get("/api/v1/imports").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_upload_runs_in_the_background_and_the_run_can_be_followed(client_for, tmp_path,
                                                                    settings):
    import time

    from kinerja.testing import build_cast

    cast = build_cast()
    settings.KINERJA_IMPORT_BACKGROUND = True
    client = client_for(cast.admin_bkpsdm)
    response = client.post("/api/v1/imports", {"kind": "employees", "file": _upload(tmp_path)})
    assert response.status_code == 201
    run_id = response.json()["id"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/imports/{run_id}").json()
        if body["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert (body["status"], body["created"], body["error_count"]) == ("done", 2, 1), body
    stored = ImportRun.objects.get(pk=run_id).stored_path
    # The upload is kept only while its run works on it (the run keeps its SHA-256).
    assert stored.startswith("imports/") and not (settings.MEDIA_ROOT / stored).exists()
