"""Goals through the API and the pages: reading is open to the instansi, the forms appear for
those who may change the OPD's goals, and writes land where they should."""

from __future__ import annotations

from decimal import Decimal

from kinerja.plans.models import Iku, PerjanjianKinerja


def test_api_builds_a_perjanjian_by_opd_code(plan, cast, client_for):
    client = client_for(cast.admin_opd)
    PerjanjianKinerja.objects.filter(pk=plan.perjanjian.pk).update(signed_on=None)
    made = client.post("/api/v1/goals/perjanjian", {"opd_code": "DINKES", "year": plan.year,
                                                    "signed_on": f"{plan.year}-02-01"},
                       content_type="application/json")
    assert made.status_code == 200, made.content
    assert made.json()["id"] == plan.perjanjian.pk
    sasaran = client.post(f"/api/v1/goals/perjanjian/{plan.perjanjian.pk}/sasaran",
                          {"code": "SS2", "text": "Gizi"}, content_type="application/json")
    assert sasaran.status_code == 201
    iku = client.post(f"/api/v1/goals/sasaran/{sasaran.json()['id']}/iku",
                      {"code": "IKU2", "indicator": "Stunting", "unit": "persen",
                       "annual_target": "14.5"}, content_type="application/json")
    assert iku.status_code == 201
    real = client.put(f"/api/v1/goals/iku/{iku.json()['id']}/realisation",
                      {"quarter": 3, "value": "12"}, content_type="application/json")
    assert real.json()["realisation_q3"] == "12.00"
    detail = client_for(cast.pegawai).get(f"/api/v1/goals/perjanjian/{plan.perjanjian.pk}")
    assert [s["code"] for s in detail.json()["sasaran"]] == ["SS1", "SS2"]
    assert detail.json()["signed_on"] == f"{plan.year}-02-01"


def test_api_refuses_iku_delete_with_rhk_in_the_error_shape(plan, cast, client_for):
    response = client_for(cast.kadis).delete(f"/api/v1/goals/iku/{plan.iku.pk}")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "iku_has_rhk"


def test_tree_api_defaults_to_own_opd_and_shows_the_cascade(plan, cast, client_for):
    body = client_for(cast.pegawai).get("/api/v1/goals/tree").json()
    assert body["opd"]["code"] == "DINKES" and body["year"] == plan.year
    [root] = body["tree"]
    assert root["children"][0]["owner"]["name"] == cast.people["kadis"].name
    assert root["covered"] is False and body["coverage"] == 0.0
    other = client_for(cast.pegawai).get(
        f"/api/v1/goals/tree?opd_id={cast.opds['disdik'].pk}&year={plan.year}")
    assert other.json()["tree"] == []


def test_goals_page_shows_forms_only_to_writers(plan, cast, client_for):
    url = f"/sasaran/?opd={cast.opds['dinkes'].pk}&tahun={plan.year}"
    page = client_for(cast.pegawai).get(url)
    assert b"Persentase fasilitas kesehatan terakreditasi" in page.content
    assert b"Add an IKU" not in page.content
    client = client_for(cast.kadis)
    assert b"Add an IKU" in client.get(url).content
    response = client.post(f"/sasaran/iku/{plan.iku.pk}/realisasi/",
                           {"quarter": "2", "value": "33,5"})
    assert response.status_code == 302
    assert Iku.objects.get(pk=plan.iku.pk).realisation_q2 == Decimal("33.50")


def test_goals_page_htmx_renders_the_panel(plan, cast, client_for):
    response = client_for(cast.pimpinan).get(
        f"/sasaran/?opd={cast.opds['dinkes'].pk}&tahun={plan.year}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"IKU1" in response.content


def test_page_error_from_service_becomes_a_message(plan, cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    response = client.post(f"/sasaran/iku/{plan.iku.pk}/hapus/", follow=True)
    assert b"RHKs hang from IKU IKU1" in response.content


def test_tree_page_lists_orphans(plan, cast, client_for):
    from kinerja.plans.testing import add_rhk

    add_rhk(cast, "pegawai", plan.skp["pegawai"], "Arsip lepas")
    response = client_for(cast.auditor).get(
        f"/pohon-kinerja/?opd={cast.opds['dinkes'].pk}&tahun={plan.year}")
    assert b"Arsip lepas" in response.content
    assert b"Coverage counts only approved SKPs" in response.content
