"""The calibration API: the distribution per OPD against the curve, the organisation predikat,
rater analytics, the evaluation policy, score methods and recompute runs; who may do what,
period validation, bounded queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kinerja.evaluations.batch import period_for_month
from kinerja.evaluations.models import Evaluation, OrgPredikat, RecomputeRun
from kinerja.evaluations.presets import DEFAULT_METHOD
from kinerja.org.models import Opd
from kinerja.people.services import token_create
from kinerja.plans.models import Skp

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

    def send(self, method, path, body):
        return getattr(self.client, method)(
            f"{API}{path}", body, content_type="application/json", **self.auth
        )


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
def callers(cast):
    return {who: Caller(cast.accounts[who]) for who in
            ("pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor",
             "outsider")}


def period(ev) -> dict:
    return {"year": ev.spec.year, "period_kind": ev.spec.kind, "period_no": ev.spec.number}


def opened(cast, ev, callers) -> list[Evaluation]:
    """Every approved SKP of the cast gets its evaluation of the period (a recompute run)."""
    ok(callers["admin_bkpsdm"].send("post", "/recompute-runs", period(ev)), 201)
    found = list(Evaluation.objects.filter(
        instansi=cast.instansi, year=ev.spec.year, period_kind=ev.spec.kind,
        period_no=ev.spec.number,
    ).order_by("pk"))
    assert len(found) >= 5, found  # kadis, sekretaris, atasan, pegawai, pegawai2
    return found


def more_evaluations(template: Evaluation, n: int) -> list[Evaluation]:
    """`n` more evaluations of the template's period and OPD, each on its own copy of the SKP
    (filed under an earlier year so the copies stay apart): to fill an OPD past SMALL_UNIT."""
    made = []
    for i in range(n):
        skp = Skp.objects.get(pk=template.skp_id)
        skp.pk = None
        skp.year -= i + 1
        skp.save()
        copy = Evaluation.objects.get(pk=template.pk)
        copy.pk = None
        copy.skp = skp
        copy.save()
        made.append(copy)
    return made


def set_predikat(evaluations, predikat: str, penilai=None) -> None:
    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).update(
        predikat=predikat, penilai=penilai
    )


# --- Calibration ------------------------------------------------------------------------------


def test_calibration_readers_and_refusals(cast, ev, callers):
    for who in ("admin_bkpsdm", "pimpinan", "auditor"):
        ok(callers[who].get("/calibration", **period(ev)))
    for who in ("pegawai", "atasan", "kadis", "admin_opd", "outsider"):
        error(callers[who].get("/calibration", **period(ev)), 403, "forbidden")
    assert Client().get(f"{API}/calibration").status_code == 401


def test_calibration_counts_and_curve(cast, ev, callers):
    evaluations = opened(cast, ev, callers)
    evaluations += more_evaluations(ev.evaluation, 10 - len(evaluations))
    # Ten in Dinkes, all Sangat Baik: an OPD that needs improvement allows one (10%).
    set_predikat(evaluations, "sangat_baik")
    dinkes = cast.opds["dinkes"]
    ok(callers["pimpinan"].send("put", "/calibration/org-predikat", {
        **period(ev), "opd_id": dinkes.pk, "predikat": "butuh_perbaikan", "note": "IKU 70%",
    }))
    body = ok(callers["auditor"].get("/calibration", **period(ev)))
    assert body["period"] == {**period(ev), "label": ev.spec.label,
                              "start": ev.spec.start.isoformat(), "end": ev.spec.end.isoformat()}
    [row] = [r for r in body["opds"] if r["opd"]["id"] == dinkes.pk]
    n = len(evaluations)
    assert row["counts"] == {"sangat_baik": n, "baik": 0, "butuh_perbaikan": 0, "kurang": 0,
                             "sangat_kurang": 0}
    assert row["total"] == row["rated"] == n
    assert row["org_predikat"] == "butuh_perbaikan"
    assert row["findings"] and {"code", "level", "predikat", "allowed", "actual"} <= set(
        row["findings"][0]
    )
    too_many = [f for f in row["findings"] if f["code"] == "too_many"]
    assert too_many == [{"code": "too_many", "level": "error", "predikat": ["sangat_baik"],
                         "allowed": 1, "actual": n}]
    assert row["within_curve"] is False
    assert {"id": dinkes.pk, "code": dinkes.code, "name": dinkes.name} in body["outside_curve"]
    # An OPD without an organisation predikat has no curve to break.
    others = [r for r in body["opds"] if r["opd"]["id"] != dinkes.pk]
    assert others and all(r["within_curve"] and r["org_predikat"] is None for r in others)


def test_calibration_defaults_to_the_current_period(cast, ev, callers):
    body = ok(callers["admin_bkpsdm"].get("/calibration"))
    today = ev.work.today
    current = period_for_month(cast.instansi.pk, today.year, today.month)
    assert (body["period"]["year"], body["period"]["period_kind"],
            body["period"]["period_no"]) == (current.year, current.kind, current.number)
    annual = ok(callers["admin_bkpsdm"].get("/calibration", period_kind="tahunan"))
    assert annual["period"]["period_no"] == 0 and annual["period"]["year"] == today.year


@pytest.mark.parametrize("params, status, code", [
    ({"year": 2026, "period_kind": "bulanan", "period_no": 13}, 400, "invalid_period"),
    ({"year": 2026, "period_kind": "bulanan", "period_no": 0}, 400, "invalid_period"),
    ({"year": 2026, "period_kind": "bulanan"}, 400, "invalid_period"),
    ({"year": 2026, "period_kind": "triwulan", "period_no": 5}, 400, "invalid_period"),
    ({"year": 2026, "period_kind": "tahunan", "period_no": 2}, 400, "invalid_period"),
    ({"year": 2026, "period_kind": "mingguan", "period_no": 1}, 422, "invalid_request"),
    ({"year": 1999, "period_kind": "tahunan", "period_no": 0}, 422, "invalid_request"),
    ({"year": "dua", "period_kind": "tahunan"}, 422, "invalid_request"),
])
def test_period_validation(cast, callers, params, status, code):
    error(callers["admin_bkpsdm"].get("/calibration", **params), status, code)


def test_calibration_queries_do_not_grow_with_opds_or_evaluations(cast, ev, callers):
    reader = callers["auditor"]
    Evaluation.objects.filter(pk=ev.evaluation.pk).update(predikat="baik")
    with CaptureQueriesContext(connection) as few:
        ok(reader.get("/calibration", **period(ev)))
    evaluations = opened(cast, ev, callers)
    set_predikat(evaluations[:2], "baik")
    set_predikat(evaluations[2:], "butuh_perbaikan")
    for i, e in enumerate(evaluations):
        opd = Opd.objects.create(instansi=cast.instansi, code=f"UJI{i}", name=f"Badan Uji {i}")
        Evaluation.objects.filter(pk=e.pk).update(opd=opd)
        OrgPredikat.objects.create(
            instansi=cast.instansi, opd=opd, year=ev.spec.year, period_kind=ev.spec.kind,
            period_no=ev.spec.number, predikat="istimewa",
        )
    with CaptureQueriesContext(connection) as many:
        body = ok(reader.get("/calibration", **period(ev)))
    assert len(body["opds"]) >= len(evaluations) + 2
    assert len(many) <= len(few), [q["sql"] for q in many.captured_queries]


# --- The organisation predikat -----------------------------------------------------------------


def test_org_predikat_set_by_bkpsdm_and_pimpinan_only(cast, ev, callers):
    dinkes = cast.opds["dinkes"]
    body = {**period(ev), "opd_id": dinkes.pk, "predikat": "istimewa", "note": " Target IKU "}
    answer = ok(callers["admin_bkpsdm"].send("put", "/calibration/org-predikat", body))
    assert answer["predikat"] == "istimewa" and answer["note"] == "Target IKU"
    assert answer["opd"]["id"] == dinkes.pk and answer["period"]["period_no"] == ev.spec.number
    answer = ok(callers["pimpinan"].send("put", "/calibration/org-predikat",
                                         {**body, "predikat": "baik"}))
    assert answer["predikat"] == "baik"
    for who in ("auditor", "kadis", "admin_opd", "pegawai"):
        error(callers[who].send("put", "/calibration/org-predikat", body), 403, "forbidden")
    [stored] = OrgPredikat.objects.filter(opd=dinkes)
    assert stored.predikat == "baik" and stored.set_by == cast.pimpinan.pk


def test_org_predikat_validation(cast, ev, callers):
    admin = callers["admin_bkpsdm"]
    body = {**period(ev), "opd_id": cast.opds["dinkes"].pk, "predikat": "baik"}
    error(admin.send("put", "/calibration/org-predikat", {**body, "predikat": "luar_biasa"}),
          422, "invalid_request")
    error(admin.send("put", "/calibration/org-predikat", {**body, "period_no": 14}),
          400, "invalid_period")
    error(admin.send("put", "/calibration/org-predikat", {**body, "opd_id": 0}),
          404, "not_found")
    assert not OrgPredikat.objects.exists()


# --- Rater analytics ---------------------------------------------------------------------------


def test_rater_analytics_flags_a_lenient_supervisor(cast, ev, callers):
    evaluations = opened(cast, ev, callers)
    atasan, kadis = cast.people["atasan"], cast.people["kadis"]
    set_predikat(evaluations[:3], "sangat_baik", penilai=atasan)
    set_predikat(evaluations[3:], "butuh_perbaikan", penilai=kadis)
    dinkes = cast.opds["dinkes"]
    body = ok(callers["pimpinan"].get(f"/calibration/raters/{dinkes.pk}", **period(ev)))
    assert body["opd"]["id"] == dinkes.pk
    rows = {r["penilai"]["id"]: r for r in body["raters"]}
    assert set(rows) == {atasan.pk, kadis.pk}
    lenient = rows[atasan.pk]
    assert lenient["penilai"]["name"] == atasan.name
    assert lenient["counts"]["sangat_baik"] == 3 and lenient["rated"] == 3
    assert float(lenient["rater_mean"]) == 5 and float(lenient["others_mean"]) == 3
    assert float(lenient["difference"]) == 2 and lenient["flag"] == "lenient"
    # Fewer than three rated: compared, never flagged.
    assert rows[kadis.pk]["flag"] is None and rows[kadis.pk]["rated"] == len(evaluations) - 3


def test_rater_analytics_access(cast, ev, callers):
    dinkes = cast.opds["dinkes"]
    for who in ("admin_bkpsdm", "pimpinan", "auditor"):
        assert ok(callers[who].get(f"/calibration/raters/{dinkes.pk}"))["raters"] == []
    for who in ("kadis", "admin_opd", "pegawai"):
        error(callers[who].get(f"/calibration/raters/{dinkes.pk}"), 403, "forbidden")
    error(callers["auditor"].get("/calibration/raters/0"), 404, "not_found")
    error(callers["auditor"].get(f"/calibration/raters/{dinkes.pk}", period_kind="triwulan",
                                 period_no=9), 400, "invalid_period")


# --- Policy and score methods ------------------------------------------------------------------


def test_policy_read_by_everyone_changed_by_bkpsdm(cast, callers):
    assert ok(callers["pegawai"].get("/evaluation-policy")) == {
        "objection_days": 14, "peer_feedback": False, "score_method": DEFAULT_METHOD,
    }
    methods = ok(callers["outsider"].get("/score-methods"))["items"]
    keys = [m["key"] for m in methods]
    assert DEFAULT_METHOD in keys and all(m["builtin"] for m in methods)
    assert {"key", "name", "kind", "params", "source"} <= set(methods[0])
    other = next(k for k in keys if k != DEFAULT_METHOD)
    change = {"objection_days": 21, "peer_feedback": True, "score_method": other}
    assert ok(callers["admin_bkpsdm"].send("put", "/evaluation-policy", change)) == change
    assert ok(callers["auditor"].get("/evaluation-policy")) == change
    for who in ("pimpinan", "auditor", "admin_opd", "kadis"):
        error(callers[who].send("put", "/evaluation-policy", change), 403, "forbidden")
    admin = callers["admin_bkpsdm"]
    error(admin.send("put", "/evaluation-policy", {**change, "objection_days": 0}),
          400, "invalid_days")
    error(admin.send("put", "/evaluation-policy", {**change, "score_method": "tidak-ada"}),
          400, "unknown_method")
    error(admin.send("put", "/evaluation-policy", {"objection_days": 5}), 422,
          "invalid_request")


# --- Recompute runs ----------------------------------------------------------------------------


def test_recompute_run_then_a_second_changes_nothing(cast, ev, callers):
    admin = callers["admin_bkpsdm"]
    first = ok(admin.send("post", "/recompute-runs", period(ev)), 201)
    assert first["status"] == "selesai" and first["phase"] == "done" and first["error"] == ""
    assert first["created"] >= 4  # the evaluations of the other approved SKPs
    assert first["total"] == first["done"] >= 5
    assert first["period"]["period_kind"] == ev.spec.kind and first["finished_at"]
    again = ok(admin.get(f"/recompute-runs/{first['id']}"))
    assert again == first
    second = ok(admin.send("post", "/recompute-runs", period(ev)), 201)
    assert second["id"] != first["id"] and second["status"] == "selesai"
    assert second["created"] == 0 and second["updated"] == 0
    assert second["unchanged"] == second["total"] == first["total"]


def test_recompute_runs_are_bkpsdm_only(cast, ev, callers):
    for who in ("pimpinan", "auditor", "admin_opd", "kadis", "pegawai"):
        error(callers[who].send("post", "/recompute-runs", period(ev)), 403, "forbidden")
    assert not RecomputeRun.objects.exists()
    run = ok(callers["admin_bkpsdm"].send("post", "/recompute-runs", period(ev)), 201)
    for who in ("pimpinan", "auditor", "admin_opd", "pegawai"):
        error(callers[who].get(f"/recompute-runs/{run['id']}"), 404, "not_found")
    error(callers["admin_bkpsdm"].get("/recompute-runs/0"), 404, "not_found")


def test_recompute_refuses_a_second_run_while_one_runs(cast, ev, callers):
    from kinerja.evaluations.batch import recompute_lock

    with recompute_lock(cast.instansi.pk):  # a live run holds the lock
        error(callers["admin_bkpsdm"].send("post", "/recompute-runs", period(ev)), 409,
              "already_running")


def test_recompute_period_validation(cast, callers):
    admin = callers["admin_bkpsdm"]
    error(admin.send("post", "/recompute-runs",
                     {"year": 2026, "period_kind": "triwulan", "period_no": 0}),
          400, "invalid_period")
    error(admin.send("post", "/recompute-runs", {"year": 2026, "period_kind": "harian"}),
          422, "invalid_request")
    assert not RecomputeRun.objects.exists()
