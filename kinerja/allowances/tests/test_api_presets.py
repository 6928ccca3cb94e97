"""The TPP presets API: presets and versions read by the instansi, written by admin BKPSDM;
every problem of a bad version listed (422); no version into an approved month (409); the
templates; the what-if (differences per OPD and per person, nothing written)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.allowances import services
from kinerja.allowances.models import TppLine, TppMonth, TppPreset, TppPresetVersion
from kinerja.allowances.presets import TEMPLATES, template_params
from kinerja.allowances.tests.test_api_months import (
    EVERYONE,
    PERIOD,
    Caller,
    error,
    late_pegawai,
    money,
    ok,
)
from kinerja.core.models import AuditRecord
from kinerja.testing import build_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def callers(tpp):
    return {who: Caller(tpp.accounts[who]) for who in EVERYONE}


@pytest.fixture
def computed(tpp):
    late_pegawai(tpp)
    services.month_compute(actor=None, instansi_id=tpp.instansi.pk, month=tpp.month)
    return tpp


def fifty_fifty() -> dict:
    """The national template with kinerja and disiplin at 50% each (no one has an evaluation,
    so the kinerja part pays nothing and everyone's net rises)."""
    params = template_params("nasional")
    params["parts"][0]["pct"] = "50"
    params["parts"][1]["pct"] = "50"
    return params


# --- Reading ------------------------------------------------------------------------------------


def test_everyone_of_the_instansi_reads_the_presets(tpp, callers):
    for who in ("pegawai", "outsider", "auditor"):
        body = ok(callers[who].get("/tpp/presets"))
        assert body["count"] == 1
        item = body["items"][0]
        assert (item["key"], item["is_active"], item["latest_version"]) == ("nasional", True, 1)
    detail = ok(callers["pegawai"].get(f"/tpp/presets/{tpp.preset.pk}"))
    assert [(v["number"], v["effective_from"]) for v in detail["versions"]] == [(1, "2020-01")]
    version = ok(callers["pegawai"].get(f"/tpp/presets/{tpp.preset.pk}/versions/1"))
    assert version["params"] == template_params("nasional")
    error(callers["pegawai"].get(f"/tpp/presets/{tpp.preset.pk}/versions/2"), 404, "not_found")


def test_another_instansis_preset_does_not_exist(tpp, callers):
    foreign = build_cast("kab-lain")
    other = services.preset_install(actor=None, instansi_id=foreign.instansi.pk,
                                    template="ogan_ilir_2023")
    for who in ("pegawai", "admin_bkpsdm"):
        error(callers[who].get(f"/tpp/presets/{other.pk}"), 404, "not_found")
        error(callers[who].get(f"/tpp/presets/{other.pk}/versions/1"), 404, "not_found")
    error(callers["admin_bkpsdm"].post(f"/tpp/presets/{other.pk}/activate"), 404, "not_found")
    error(callers["admin_bkpsdm"].post(f"/tpp/presets/{other.pk}/versions", {
        "params": template_params("nasional"), "effective_from": "2027-01"}), 404, "not_found")
    assert not TppPreset.objects.get(pk=other.pk).is_active


def test_the_templates(tpp, callers):
    body = ok(callers["pegawai"].get("/tpp/templates"))
    assert [t["key"] for t in body["items"]] == list(TEMPLATES)
    assert body["count"] == 5
    lubuklinggau = next(t for t in body["items"] if t["key"] == "lubuklinggau_2022")
    assert lubuklinggau["params"]["base"]["index"] == "0.59112978"
    assert "Lubuklinggau" in lubuklinggau["legal_reference"]


# --- Writing ------------------------------------------------------------------------------------


def test_admin_bkpsdm_installs_and_activates_a_template(tpp, callers):
    body = {"template": "kepahiang_2025", "activate": False, "effective_from": "2026-01"}
    for who in ("pegawai", "admin_opd", "pimpinan", "auditor"):
        error(callers[who].post("/tpp/presets", body), 403, "forbidden")
    made = ok(callers["admin_bkpsdm"].post("/tpp/presets", body), 201)
    assert (made["key"], made["template"], made["is_active"]) == (
        "kepahiang_2025", "kepahiang_2025", False)
    assert made["versions"][0]["effective_from"] == "2026-01"
    assert made["versions"][0]["created_by"] == "Joko Admin BKPSDM"
    for who in ("pegawai", "pimpinan"):
        error(callers[who].post(f"/tpp/presets/{made['id']}/activate"), 403, "forbidden")
    active = ok(callers["admin_bkpsdm"].post(f"/tpp/presets/{made['id']}/activate"))
    assert active["is_active"] is True
    listed = ok(callers["pegawai"].get("/tpp/presets"))["items"]
    assert [(p["key"], p["is_active"]) for p in listed] == [
        ("kepahiang_2025", True), ("nasional", False)]
    assert AuditRecord.objects.filter(action="tpp.preset_activate").count() == 2  # tpp + this
    error(callers["admin_bkpsdm"].post("/tpp/presets", {"template": "jakarta"}), 400,
          "unknown_template")
    error(callers["admin_bkpsdm"].post("/tpp/presets", {"template": "nasional",
                                                         "effective_from": "2026-13"}),
          422, "invalid_request")


def test_a_new_version_from_a_month_on(tpp, callers):
    params = template_params("nasional")
    params["absence_pct_per_day"] = "5"
    body = {"params": params, "effective_from": "2026-12", "note": "Perbup 2026 perubahan"}
    for who in ("pegawai", "admin_opd", "pimpinan"):
        error(callers[who].post(f"/tpp/presets/{tpp.preset.pk}/versions", body), 403,
              "forbidden")
    made = ok(callers["admin_bkpsdm"].post(f"/tpp/presets/{tpp.preset.pk}/versions", body), 201)
    assert (made["number"], made["effective_from"], made["note"]) == (
        2, "2026-12", "Perbup 2026 perubahan")
    assert made["params"]["absence_pct_per_day"] == "5"
    stored = TppPresetVersion.objects.get(preset=tpp.preset, number=2)
    assert stored.params == params and str(stored.effective_from) == "2026-12-01"
    detail = ok(callers["pegawai"].get(f"/tpp/presets/{tpp.preset.pk}"))
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert detail["latest_version"] == 2


def test_a_bad_version_lists_every_problem(tpp, callers):
    params = template_params("nasional")
    params["parts"][0]["pct"] = "70"  # 70 + 40
    params["absence_pct_per_day"] = "banyak"
    params["bands"][1]["code"] = "TL1"  # twice
    answer = error(callers["admin_bkpsdm"].post(f"/tpp/presets/{tpp.preset.pk}/versions", {
        "params": params, "effective_from": "2026-12"}), 422, "invalid_preset")
    problems = answer["details"]["problems"]
    assert len(problems) >= 3, problems
    assert any(p.startswith("parts: the percentages add up to 110") for p in problems)
    assert any("absence_pct_per_day" in p and "not a number" in p for p in problems)
    assert any("'TL1' is used twice" in p for p in problems)
    assert TppPresetVersion.objects.filter(preset=tpp.preset).count() == 1
    error(callers["admin_bkpsdm"].post(f"/tpp/presets/{tpp.preset.pk}/versions", {
        "params": params, "effective_from": "Desember"}), 422, "invalid_request")


def test_no_version_into_an_approved_month(computed, callers):
    admin = callers["admin_bkpsdm"]
    ok(admin.post(f"/tpp/months/{PERIOD}/approve"))
    approved = list(TppLine.objects.order_by("pk").values_list("pegawai_id", "net", "digest"))
    changed = fifty_fifty()
    for month in ("2026-10", "2026-01"):
        error(admin.post(f"/tpp/presets/{computed.preset.pk}/versions",
                         {"params": changed, "effective_from": month}), 409, "month_approved")
    ok(admin.post(f"/tpp/presets/{computed.preset.pk}/versions",
                  {"params": changed, "effective_from": "2026-11"}), 201)
    # The approved month keeps its rupiah: it cannot be recomputed, and its lines are as they were.
    error(admin.post(f"/tpp/months/{PERIOD}/compute"), 409, "month_approved")
    assert list(TppLine.objects.order_by("pk").values_list("pegawai_id", "net", "digest")) == (
        approved)
    assert ok(admin.get(f"/tpp/months/{PERIOD}"))["version"]["number"] == 1


# --- What-if ------------------------------------------------------------------------------------


def snapshot() -> tuple:
    return (list(TppLine.objects.order_by("pk").values_list("pk", "net", "digest")),
            list(TppMonth.objects.values_list("status", "results_digest", "total_net",
                                              "computed_at")),
            AuditRecord.objects.count(), TppPresetVersion.objects.count(),
            TppPreset.objects.count())


def test_what_if_shows_the_difference_and_writes_nothing(computed, callers):
    before = snapshot()
    stored = {line.pegawai_id: line for line in TppLine.objects.all()}
    body = ok(callers["admin_bkpsdm"].post("/tpp/what-if", {"period": PERIOD,
                                                            "params": fifty_fifty()}))
    assert snapshot() == before
    assert body["period"] == PERIOD and body["version"]["number"] == 1
    assert len(body["people"]) == 10 and body["people_changed"] == 10
    for person in body["people"]:
        line = stored[person["pegawai_id"]]
        assert person["before"] == money(line.net)
        assert Decimal(person["after"]) > line.net  # the disiplin part grows from 40% to 50%
        assert Decimal(person["diff"]) == Decimal(person["after"]) - Decimal(person["before"])
        assert person["nip"] and person["name"]
    assert body["total_before"] == money(sum(x.net for x in stored.values()))
    assert Decimal(body["total_diff"]) == sum(Decimal(p["diff"]) for p in body["people"])
    by_opd = {o["name"]: o for o in body["by_opd"]}
    dinkes = [p for p in body["people"] if p["opd_id"] == computed.opds["dinkes"].pk]
    assert by_opd["Dinas Kesehatan"]["people"] == len(dinkes) == 8
    assert Decimal(by_opd["Dinas Kesehatan"]["diff"]) == sum(Decimal(p["diff"]) for p in dinkes)
    # The same parameters as the month's own: no difference.
    same = ok(callers["pimpinan"].post("/tpp/what-if", {
        "period": PERIOD, "preset_id": computed.preset.pk, "only_changed": True}))
    assert (same["people_changed"], same["total_diff"], same["people"]) == (0, "0.00", [])
    assert snapshot() == before


def test_what_if_with_another_preset_and_its_refusals(computed, callers):
    other = services.preset_install(actor=None, instansi_id=computed.instansi.pk,
                                    template="ogan_ilir_2023")
    before = snapshot()
    body = ok(callers["auditor"].post("/tpp/what-if", {"period": PERIOD, "preset_id": other.pk,
                                                       "version": 1}))
    assert body["people_changed"] > 0
    assert snapshot() == before
    admin = callers["admin_bkpsdm"]
    for who in ("pegawai", "admin_opd", "atasan", "kadis", "outsider"):
        error(callers[who].post("/tpp/what-if", {"period": PERIOD, "preset_id": other.pk}),
              403, "forbidden")
    error(admin.post("/tpp/what-if", {"period": "2026-09", "params": fifty_fifty()}), 404,
          "not_found")
    error(admin.post("/tpp/what-if", {"period": PERIOD, "preset_id": other.pk, "version": 7}),
          404, "not_found")
    error(admin.post("/tpp/what-if", {"period": PERIOD}), 400, "params_or_preset")
    error(admin.post("/tpp/what-if", {"period": PERIOD, "params": fifty_fifty(),
                                      "preset_id": other.pk}), 400, "params_or_preset")
    bad = fifty_fifty()
    bad["parts"][0]["pct"] = "90"
    answer = error(admin.post("/tpp/what-if", {"period": PERIOD, "params": bad}), 422,
                   "invalid_preset")
    assert any("add up to 140" in p for p in answer["details"]["problems"])
    assert snapshot() == before


# --- Query counts -------------------------------------------------------------------------------


def test_preset_reads_run_a_fixed_number_of_queries(tpp, callers, django_assert_max_num_queries):
    services.preset_install(actor=None, instansi_id=tpp.instansi.pk, template="ogan_ilir_2023")
    params = template_params("nasional")
    services.preset_version_create(actor=tpp.accounts["admin_bkpsdm"], preset=tpp.preset,
                                   params=params, effective_from=dt.date(2026, 12, 1))
    paths = ("/tpp/presets", f"/tpp/presets/{tpp.preset.pk}",
             f"/tpp/presets/{tpp.preset.pk}/versions/1")
    few = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            ok(callers["admin_bkpsdm"].get(path))
        few[path] = len(queries)
    for template in ("kepahiang_2025", "deli_serdang", "lubuklinggau_2022"):
        services.preset_install(actor=None, instansi_id=tpp.instansi.pk, template=template)
    for month in (1, 2, 3):
        services.preset_version_create(actor=tpp.accounts["admin_bkpsdm"], preset=tpp.preset,
                                       params=params, effective_from=dt.date(2027, month, 1))
    for path in paths:
        with django_assert_max_num_queries(few[path]):
            ok(callers["admin_bkpsdm"].get(path))
