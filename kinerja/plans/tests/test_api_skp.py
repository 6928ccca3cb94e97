"""The SKP API: the whole workflow with Bearer tokens and with the session, refused links,
optimistic locking, scope, bounded list queries, the OpenAPI document."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kinerja.people.services import token_create
from kinerja.plans import services
from kinerja.plans.models import Rhk, Skp, SkpStatus
from kinerja.plans.testing import add_rhk, open_year

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Caller:
    """A cast member calling the API with a Bearer token of their own."""

    def __init__(self, account) -> None:
        _token, self.plain = token_create(account=account, name="uji")
        self.client = Client(enforce_csrf_checks=True)

    def _call(self, method: str, path: str, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.plain}"}
        send = getattr(self.client, method)
        if method == "get":
            return send(f"{API}{path}", **headers)
        # No body is an empty body, as curl -X POST sends it (not an empty multipart form).
        return send(f"{API}{path}", "" if body is None else body,
                    content_type="application/json", **headers)

    def get(self, path, body=None):
        return self._call("get", path, body)

    def post(self, path, body=None):
        return self._call("post", path, body)

    def put(self, path, body=None):
        return self._call("put", path, body)

    def patch(self, path, body=None):
        return self._call("patch", path, body)

    def delete(self, path):
        return self._call("delete", path)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json() if status != 204 else {}


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code, body
    assert body["message"]
    return body


@pytest.fixture
def callers(cast):
    return {who: Caller(cast.accounts[who]) for who in ("pegawai", "atasan", "outsider",
                                                           "pegawai2", "admin_bkpsdm")}


def _rhk_body(plan, **extra) -> dict:
    return {"text": "Surat masuk tercatat", "parent_id": plan.rhk["atasan"].pk,
            "intervention": "langsung", **extra}


INDICATOR = {"aspek": "kuantitas", "text": "Jumlah surat tercatat", "target_kind": "angka",
             "target_min": 12, "unit": "dokumen"}


# --- The workflow -------------------------------------------------------------------------


def test_whole_workflow_through_the_api_with_bearer_tokens(cast, plan, callers):
    me, boss = callers["pegawai"], callers["atasan"]
    skp_id = plan.skp["pegawai"].pk
    problems = ok(me.get(f"/skp/{skp_id}/problems"))
    assert not problems["submittable"]
    assert [p["code"] for p in problems["problems"]] == ["no_rhk_utama"]

    choices = ok(me.get(f"/skp/{skp_id}/link-choices"))
    assert [r["id"] for r in choices["rhk"]] == [plan.rhk["atasan"].pk]
    assert choices["supervisor"]["nip"] == cast.people["atasan"].nip
    assert not choices["is_opd_head"] and choices["iku"] == []

    rhk = ok(me.post(f"/skp/{skp_id}/rhk", _rhk_body(plan)), 201)
    assert rhk["parent"]["id"] == plan.rhk["atasan"].pk
    assert rhk["parent"]["owner"]["nip"] == cast.people["atasan"].nip
    indicator = ok(me.post(f"/rhk/{rhk['id']}/indicators",
                           {**INDICATOR, "version": rhk["skp_version"]}), 201)
    assert indicator["target_min"] == "12.00"
    monthly = ok(me.put(f"/indicators/{indicator['id']}/monthly", {"months": [
        {"month": m, "target": "1", "action": f"Catat surat bulan {m}"} for m in range(1, 13)
    ]}))
    assert [m["target"] for m in monthly["months"]] == ["1.00"] * 12
    lampiran = ok(me.post(f"/skp/{skp_id}/lampiran",
                          {"kind": "dukungan_sumber_daya", "text": "Aplikasi persuratan"}), 201)
    perilaku = ok(boss.put(f"/skp/{skp_id}/perilaku", {"expectations": {"BO": "Ramah"}}))
    assert perilaku["perilaku"][0] == {
        "value": "BO", "name": "Berorientasi Pelayanan", "expectation": "Ramah",
        "guides": perilaku["perilaku"][0]["guides"],
    }
    assert len(perilaku["perilaku"][0]["guides"]) == 3
    assert ok(me.get(f"/skp/{skp_id}/problems"))["submittable"]

    version = ok(me.get(f"/skp/{skp_id}"))["version"]
    submitted = ok(me.post(f"/skp/{skp_id}/submit", {"version": version}))
    assert submitted["status"] == SkpStatus.SUBMITTED
    returned = ok(boss.post(f"/skp/{skp_id}/return", {"note": "Target terlalu rendah"}))
    assert (returned["status"], returned["return_note"]) == ("dikembalikan",
                                                              "Target terlalu rendah")
    ok(me.put(f"/indicators/{indicator['id']}", {**INDICATOR, "target_min": "24.5"}))
    ok(me.post(f"/skp/{skp_id}/submit"))
    approved = ok(boss.post(f"/skp/{skp_id}/approve", {}))
    assert approved["status"] == "disetujui"

    detail = ok(me.get(f"/skp/{skp_id}"))
    assert detail["penilai"]["nip"] == cast.people["atasan"].nip
    assert detail["rhk"][0]["indicators"][0]["target_min"] == "24.50"
    assert len(detail["rhk"][0]["indicators"][0]["monthly"]) == 12
    assert detail["lampiran"][0]["id"] == lampiran["id"]
    assert [p["value"] for p in detail["perilaku"]] == ["BO", "AK", "KO", "HA", "LO", "AD", "KL"]

    error(me.put(f"/lampiran/{lampiran['id']}", {"kind": "konsekuensi", "text": "x"}), 409,
          "skp_approved")
    revised = ok(me.post(f"/skp/{skp_id}/revise", {"reason": "Tugas baru"}))
    assert revised["status"] == "draft"
    ok(me.delete(f"/lampiran/{lampiran['id']}"), 204)

    history = ok(me.get(f"/skp/{skp_id}/history"))
    actions = [r["action"] for r in history["items"]]
    assert actions[:2] == ["skp.create", "rhk.create"]
    assert [a for a in actions if a.startswith("skp.")] == [
        "skp.create", "skp.submit", "skp.return", "skp.submit", "skp.approve", "skp.revise"]
    assert actions[-1] == "lampiran.delete"
    note = next(r for r in history["items"] if r["action"] == "skp.return")
    assert note["context"] == {"note": "Target terlalu rendah"}
    assert note["actor_id"] == cast.atasan.pk


def test_workflow_through_the_session_needs_the_csrf_token(cast, plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.pegawai, backend="django.contrib.auth.backends.ModelBackend")
    skp_id = plan.skp["pegawai"].pk
    error(client.post(f"{API}/skp/{skp_id}/rhk", _rhk_body(plan),
                      content_type="application/json"), 403, "csrf_failed")
    client.get(f"{API}/docs")
    csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    rhk = ok(client.post(f"{API}/skp/{skp_id}/rhk", _rhk_body(plan),
                         content_type="application/json", **csrf), 201)
    ok(client.post(f"{API}/rhk/{rhk['id']}/indicators", INDICATOR,
                   content_type="application/json", **csrf), 201)
    assert ok(client.post(f"{API}/skp/{skp_id}/submit",
                          content_type="application/json", **csrf))["status"] == "diajukan"
    client.force_login(cast.atasan, backend="django.contrib.auth.backends.ModelBackend")
    client.get(f"{API}/docs")
    csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    assert ok(client.post(f"{API}/skp/{skp_id}/approve",
                          content_type="application/json", **csrf))["status"] == "disetujui"


def test_employee_opens_own_skp_once(cast, plan, callers):
    created = ok(callers["pegawai2"].post("/skp", {"year": plan.year}), 201)
    assert created["pegawai"]["nip"] == cast.people["pegawai2"].nip
    assert created["status"] == "draft" and created["form"] == "non_jpt"
    assert len(created["perilaku"]) == 7
    error(callers["pegawai2"].post("/skp", {"year": plan.year}), 409, "skp_exists")
    error(callers["pegawai2"].post("/skp", {"year": plan.year + 5}), 409, "period_not_open")


def test_incomplete_submission_lists_the_problems(plan, callers):
    body = error(callers["pegawai"].post(f"/skp/{plan.skp['pegawai'].pk}/submit"), 400,
                 "skp_incomplete")
    assert body["details"][0]["code"] == "no_rhk_utama"


def test_only_the_pejabat_penilai_approves(cast, plan, callers):
    skp = plan.skp["pegawai"]
    add_rhk(cast, "pegawai", skp, "Surat", parent=plan.rhk["atasan"], intervention="langsung")
    ok(callers["pegawai"].post(f"/skp/{skp.pk}/submit"))
    error(callers["pegawai"].post(f"/skp/{skp.pk}/approve"), 403, "forbidden")
    error(callers["admin_bkpsdm"].post(f"/skp/{skp.pk}/approve"), 403, "forbidden")
    error(callers["atasan"].post(f"/skp/{skp.pk}/return", {"note": " "}), 400, "note_required")
    error(callers["atasan"].post(f"/skp/{skp.pk}/return", {}), 422, "invalid_request")


def test_supervisor_sees_but_cannot_edit_the_content(plan, callers):
    skp_id = plan.skp["pegawai"].pk
    ok(callers["atasan"].get(f"/skp/{skp_id}"))
    error(callers["atasan"].post(f"/skp/{skp_id}/rhk", _rhk_body(plan)), 403, "forbidden")
    error(callers["atasan"].patch(f"/skp/{skp_id}", {"approach": "kualitatif"}), 403,
          "forbidden")


# --- Links --------------------------------------------------------------------------------


def test_an_rhk_may_not_serve_an_rhk_above_the_supervisor(plan, callers):
    body = _rhk_body(plan, parent_id=plan.rhk["sekretaris"].pk)
    error(callers["pegawai"].post(f"/skp/{plan.skp['pegawai'].pk}/rhk", body), 400,
          "link_not_supervisor")


def test_an_rhk_may_not_serve_an_unapproved_rhk(cast, plan, callers):
    services.skp_revise(actor=cast.atasan, skp=plan.skp["atasan"])
    error(callers["pegawai"].post(f"/skp/{plan.skp['pegawai'].pk}/rhk", _rhk_body(plan)), 400,
          "link_not_approved")


def test_an_rhk_may_not_serve_an_rhk_of_another_year(cast, plan, callers):
    open_year(cast, plan.year - 1)
    last_year = services.skp_create(actor=cast.pegawai, pegawai=cast.people["pegawai"],
                                    year=plan.year - 1)
    error(callers["pegawai"].post(f"/skp/{last_year.pk}/rhk", _rhk_body(plan)), 400,
          "link_other_year")


def test_an_unknown_parent_or_iku_is_a_400(plan, callers):
    skp_id = plan.skp["pegawai"].pk
    error(callers["pegawai"].post(f"/skp/{skp_id}/rhk", _rhk_body(plan, parent_id=10**9)), 400,
          "parent_not_found")
    error(callers["pegawai"].post(f"/skp/{skp_id}/rhk", {"text": "x", "iku_id": plan.iku.pk}),
          400, "link_iku_not_head")


# --- Locking, validation, scope -----------------------------------------------------------


def test_a_stale_version_is_409(plan, callers):
    me = callers["pegawai"]
    skp_id = plan.skp["pegawai"].pk
    old = ok(me.get(f"/skp/{skp_id}"))["version"]
    changed = ok(me.patch(f"/skp/{skp_id}", {"approach": "kualitatif", "version": old}))
    assert changed["approach"] == "kualitatif" and changed["version"] == old + 1
    error(me.patch(f"/skp/{skp_id}", {"approach": "kuantitatif", "version": old}), 409, "stale")
    error(me.post(f"/skp/{skp_id}/rhk", _rhk_body(plan, version=old)), 409, "stale")
    error(me.post(f"/skp/{skp_id}/submit", {"version": old}), 409, "stale")
    assert Skp.objects.get(pk=skp_id).approach == "kualitatif"


def test_the_schema_refuses_bad_values_with_422(cast, plan, callers):
    rhk = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Surat", parent=plan.rhk["atasan"],
                  intervention="langsung")
    me = callers["pegawai"]
    error(me.post(f"/rhk/{rhk.pk}/indicators", {**INDICATOR, "aspek": "x"}), 422,
          "invalid_request")
    error(me.post(f"/rhk/{rhk.pk}/indicators", {**INDICATOR, "target_min": "1.234"}), 422,
          "invalid_request")
    error(me.patch(f"/skp/{plan.skp['pegawai'].pk}", {"approach": "x"}), 422, "invalid_request")
    error(me.post(f"/rhk/{rhk.pk}/indicators", {**INDICATOR, "unit": ""}), 400,
          "target_number_required")


@pytest.mark.parametrize("who", ["outsider", "pegawai2"])
def test_outsiders_get_404_for_every_part(cast, plan, callers, who):
    skp = plan.skp["pegawai"]
    rhk = add_rhk(cast, "pegawai", skp, "Surat", parent=plan.rhk["atasan"],
                  intervention="langsung")
    indicator = rhk.indicators.get()
    lampiran = services.lampiran_save(actor=cast.pegawai, skp=skp, kind="konsekuensi", text="x")
    them = callers[who]
    for response in (
        them.get(f"/skp/{skp.pk}"), them.get(f"/skp/{skp.pk}/history"),
        them.get(f"/skp/{skp.pk}/problems"), them.post(f"/skp/{skp.pk}/submit"),
        them.put(f"/rhk/{rhk.pk}", {"text": "x"}), them.delete(f"/indicators/{indicator.pk}"),
        them.put(f"/lampiran/{lampiran.pk}", {"kind": "konsekuensi", "text": "y"}),
        them.put(f"/indicators/{indicator.pk}/monthly", {"months": []}),
    ):
        error(response, 404, "not_found")
    assert ok(them.get(f"/skp?nip={cast.people['pegawai'].nip}"))["count"] == 0


def test_list_filters_by_year_status_and_nip(cast, plan, callers):
    admin = callers["admin_bkpsdm"]
    assert ok(admin.get("/skp"))["count"] == 4
    assert ok(admin.get("/skp?status=disetujui"))["count"] == 3
    assert ok(admin.get(f"/skp?year={plan.year - 1}"))["count"] == 0
    only = ok(admin.get(f"/skp?nip={cast.people['pegawai'].nip}"))
    assert [s["id"] for s in only["items"]] == [plan.skp["pegawai"].pk]
    assert ok(callers["pegawai"].get("/skp"))["count"] == 1
    error(admin.get("/skp?status=lain"), 422, "invalid_request")


def test_list_queries_do_not_grow_with_the_skps(cast, plan, callers):
    admin = callers["admin_bkpsdm"]

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            ok(admin.get(path))
        return len(captured)

    ok(admin.get("/skp"))  # the first call stamps the token's last use
    one = queries(f"/skp?nip={cast.people['pegawai'].nip}")
    for who in ("pegawai2", "kasi", "staf_kasi", "admin_opd", "outsider"):
        services.skp_create(actor=cast.accounts[who], pegawai=cast.people[who], year=plan.year)
    assert queries("/skp") == one


def test_list_runs_a_bounded_number_of_queries(cast, plan, callers,
                                               django_assert_max_num_queries):
    admin = callers["admin_bkpsdm"]
    ok(admin.get("/skp"))  # warm the token's last-used stamp
    with django_assert_max_num_queries(12):
        assert ok(admin.get("/skp"))["count"] == 4


def test_detail_queries_do_not_grow_with_the_rhk(cast, plan, callers,
                                                django_assert_max_num_queries):
    skp = plan.skp["pegawai"]
    me = callers["pegawai"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ok(me.get(f"/skp/{skp.pk}"))
        return len(captured)

    add_rhk(cast, "pegawai", skp, "Surat 0", parent=plan.rhk["atasan"], intervention="langsung")
    ok(me.get(f"/skp/{skp.pk}"))  # the first call stamps the token's last use
    one = queries()
    for n in range(1, 4):
        rhk = add_rhk(cast, "pegawai", skp, f"Surat {n}", parent=plan.rhk["atasan"],
                      intervention="langsung")
        services.lampiran_save(actor=cast.pegawai, skp=skp, kind="konsekuensi", text=f"K {n}")
        services.monthly_plan_save(actor=cast.pegawai, indicator=rhk.indicators.get(), months=[
            services.MonthPlan(m, Decimal(1)) for m in range(1, 13)])
    assert queries() == one
    with django_assert_max_num_queries(16):
        assert len(ok(me.get(f"/skp/{skp.pk}"))["rhk"]) == 4


# --- Team: monthly plan, copy, hand down, team status ---------------------------------------


def test_monthly_plan_must_add_up(cast, plan, callers):
    rhk = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Surat", parent=plan.rhk["atasan"],
                  intervention="langsung")
    indicator = rhk.indicators.get()
    error(callers["pegawai"].put(f"/indicators/{indicator.pk}/monthly",
                                 {"months": [{"month": 1, "target": 5}]}), 400,
          "monthly_sum_mismatch")
    error(callers["pegawai"].put(f"/indicators/{indicator.pk}/monthly",
                                 {"months": [{"month": 13, "target": 5}]}), 422,
          "invalid_request")


def test_copy_starts_this_year_from_last_year(cast, plan, callers):
    open_year(cast, plan.year - 1)
    old = services.skp_create(actor=cast.pegawai2, pegawai=cast.people["pegawai2"],
                              year=plan.year - 1)
    add_rhk(cast, "pegawai2", old, "Arsip tertata", kind="tambahan")
    copied = ok(callers["pegawai2"].post(f"/skp/{old.pk}/copy", {"year": plan.year}), 201)
    assert copied["year"] == plan.year and copied["copied_from_id"] == old.pk
    assert [r["text"] for r in copied["rhk"]] == ["Arsip tertata"]
    error(callers["pegawai"].post(f"/skp/{old.pk}/copy", {"year": plan.year}), 404, "not_found")
    error(callers["admin_bkpsdm"].post(f"/skp/{old.pk}/copy", {"year": plan.year}), 403,
          "forbidden")


def test_hand_down_reports_per_person(cast, plan, callers):
    rhk = plan.rhk["atasan"]
    answer = ok(callers["atasan"].post(f"/rhk/{rhk.pk}/hand-down", {
        "nips": [cast.people["pegawai"].nip, "199901012020011999"],
        "pegawai_ids": [cast.people["pegawai2"].pk, cast.people["outsider"].pk],
        "text": "Dukungan persuratan",
    }))
    codes = {(r["nip"], r["code"]) for r in answer["results"]}
    assert codes == {
        (cast.people["pegawai"].nip, "created"), (cast.people["pegawai2"].nip, "created"),
        (None, "not_direct_subordinate"), ("199901012020011999", "not_direct_subordinate"),
    }
    assert answer["created"] == 2
    made = Rhk.objects.filter(parent=rhk, skp__pegawai=cast.people["pegawai"]).get()
    assert made.text == "Dukungan persuratan"
    error(callers["pegawai"].post(f"/rhk/{rhk.pk}/hand-down", {"pegawai_ids": []}), 404,
          "not_found")


def test_team_lists_subordinates_with_their_skp(cast, plan, callers):
    team = ok(callers["atasan"].get(f"/team/skp?year={plan.year}"))
    by_nip = {m["nip"]: m["skp"] for m in team["items"]}
    assert by_nip[cast.people["pegawai"].nip]["status"] == "draft"
    assert by_nip[cast.people["pegawai2"].nip] is None
    assert ok(callers["pegawai"].get("/team/skp"))["count"] == 0


# --- OpenAPI ----------------------------------------------------------------------------------


def test_openapi_document_carries_the_plans_operations(cast, callers):
    document = ok(Client().get(f"{API}/openapi.json"))
    paths = document["paths"]
    for route in ("/skp", "/skp/{skp_id}", "/skp/{skp_id}/submit", "/rhk/{rhk_id}",
                  "/indicators/{indicator_id}/monthly", "/rhk/{rhk_id}/hand-down",
                  "/team/skp", "/lampiran/{lampiran_id}", "/skp/{skp_id}/link-choices"):
        assert f"{API}{route}" in paths, route
    assert "SkpDetailOut" in document["components"]["schemas"]


def test_decimal_targets_accept_numbers_and_strings(cast, plan, callers):
    rhk = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Surat", parent=plan.rhk["atasan"],
                  intervention="langsung")
    made = ok(callers["pegawai"].post(f"/rhk/{rhk.pk}/indicators", {
        **INDICATOR, "target_kind": "rentang", "target_min": 80, "target_max": "95.5",
        "unit": "persen"}), 201)
    assert (made["target_min"], made["target_max"]) == ("80.00", "95.50")
    assert rhk.indicators.get(pk=made["id"]).target_max == Decimal("95.5")
