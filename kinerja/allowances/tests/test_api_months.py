"""The TPP months API: months, computing and approving, lines and their explanation per role,
totals per OPD, adjustments, the caller's own TPP; money as decimal strings equal to the stored
values; bounded queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kinerja.allowances import services
from kinerja.allowances.models import TppAdjustment, TppLine, TppMonth
from kinerja.allowances.testing import write_presensi
from kinerja.attendance.models import Presensi
from kinerja.core.models import AuditRecord
from kinerja.people.models import Pegawai, PositionAssignment
from kinerja.people.services import token_create

pytestmark = pytest.mark.django_db

API = "/api/v1"
PERIOD = "2026-10"
M = f"/tpp/months/{PERIOD}"
MONEY = ("ceiling", "payable", "deductions", "gross", "bpjs_employee", "bpjs_employer", "pph21",
         "net")
DINKES = ("kadis", "sekretaris", "atasan", "pegawai", "pegawai2", "kasi", "staf_kasi",
          "admin_opd")
EVERYONE = ("pegawai", "pegawai2", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan",
            "auditor", "outsider")


class Caller:
    """A cast member calling the API with a Bearer token of their own."""

    def __init__(self, account) -> None:
        _token, plain = token_create(account=account, name="uji")
        self.client = Client(enforce_csrf_checks=True)
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}

    def get(self, path, **params):
        return self.client.get(f"{API}{path}", params, **self.auth)

    def post(self, path, body=None):
        return self.client.post(f"{API}{path}", body if body is not None else {},
                                content_type="application/json", **self.auth)


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json()


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code, body
    assert body["message"]
    return body


def money(value: Decimal) -> str:
    return f"{value:.2f}"


@pytest.fixture
def callers(tpp):
    return {who: Caller(tpp.accounts[who]) for who in EVERYONE}


def late_pegawai(tpp) -> None:
    """The pegawai 45 minutes late on 5 October (TL2) and absent on 6 October."""
    Presensi.objects.filter(pegawai=tpp.people["pegawai"]).delete()
    write_presensi(tpp.cast, tpp.month, people=["pegawai"], times={
        ("pegawai", 5): (dt.time(8, 15), dt.time(16, 35)), ("pegawai", 6): None})


@pytest.fixture
def computed(tpp):
    late_pegawai(tpp)
    services.month_compute(actor=None, instansi_id=tpp.instansi.pk, month=tpp.month)
    return tpp


def nips(tpp, *keys: str) -> set[str]:
    return {tpp.people[k].nip for k in keys}


# --- Months -------------------------------------------------------------------------------------


def test_everyone_of_the_instansi_sees_the_month_with_its_totals(computed, callers):
    month = TppMonth.objects.get()
    for who in ("pegawai", "outsider", "pimpinan"):
        listed = ok(callers[who].get("/tpp/months"))
        assert listed["count"] == 1
        item = listed["items"][0]
        assert (item["period"], item["status"], item["people"]) == (PERIOD, "computed", 10)
        assert item["total_net"] == money(month.total_net)
        assert item["total_gross"] == money(month.total_gross)
    detail = ok(callers["pegawai"].get(M))
    assert detail["version"]["preset_key"] == "nasional"
    assert (detail["version"]["number"], detail["version"]["effective_from"]) == (1, "2020-01")
    assert detail["progress"] == {"done": 10, "total": 10}
    assert (detail["total_adjustments"], detail["total_paid"]) == (
        "0.00", money(month.total_net))


def test_a_month_never_computed_or_not_a_month_is_404(computed, callers):
    error(callers["admin_bkpsdm"].get("/tpp/months/2026-09"), 404, "not_found")
    error(callers["admin_bkpsdm"].get("/tpp/months/2026-13"), 404, "not_found")
    error(callers["admin_bkpsdm"].get("/tpp/months/oktober"), 404, "not_found")
    assert Client().get(f"{API}{M}").status_code == 401


def test_only_admin_bkpsdm_computes_and_a_second_run_changes_nothing(tpp, callers):
    for who in ("pegawai", "admin_opd", "pimpinan", "auditor"):
        error(callers[who].post(f"{M}/compute"), 403, "forbidden")
    assert not TppLine.objects.exists()
    first = ok(callers["admin_bkpsdm"].post(f"{M}/compute"))
    assert (first["status"], first["people"]) == ("computed", 10)
    assert first["total_net"] == money(TppMonth.objects.get().total_net)
    assert TppLine.objects.count() == 10
    lines = list(TppLine.objects.order_by("pk").values_list("pk", "digest"))
    again = ok(callers["admin_bkpsdm"].post(f"{M}/compute"))
    assert again["results_digest"] == first["results_digest"]
    assert again["total_net"] == first["total_net"] and again["status"] == "computed"
    assert list(TppLine.objects.order_by("pk").values_list("pk", "digest")) == lines
    error(callers["admin_bkpsdm"].post("/tpp/months/2026-13/compute"), 400, "invalid_period")


def test_a_second_compute_through_the_api_adds_no_audit_record(tpp, callers):
    """month_compute_start marks the month `computing` first; batch.compute_month then only
    marks it computed again when nothing changed (no audit record)."""
    ok(callers["admin_bkpsdm"].post(f"{M}/compute"))
    ok(callers["admin_bkpsdm"].post(f"{M}/compute"))
    assert AuditRecord.objects.filter(action="tpp.compute").count() == 1


def test_a_background_computation_answers_202_and_the_month_shows_progress(
        tpp, callers, settings, monkeypatch):
    """With background work on, the answer comes before the work: 202 and `computing`. The
    thread itself is not started here (a thread cannot see the test's transaction); the test
    runs the same work the thread runs, then polls."""
    settings.KINERJA_IMPORT_BACKGROUND = True
    started = []
    monkeypatch.setattr(services, "_start_thread",
                        lambda month_id, actor_id: started.append((month_id, actor_id)))
    body = ok(callers["admin_bkpsdm"].post(f"{M}/compute"), 202)
    assert (body["status"], body["progress"]["done"]) == ("computing", 0)
    error(callers["admin_bkpsdm"].post(f"{M}/compute"), 409, "already_running")
    month_id, actor_id = started[0]
    services._execute(month_id, tpp.accounts["admin_bkpsdm"])
    polled = ok(callers["pegawai"].get(M))
    assert (polled["status"], polled["progress"]) == ("computed", {"done": 10, "total": 10})


def test_approval_locks_the_month(computed, callers):
    for who in ("pegawai", "admin_opd", "pimpinan"):
        error(callers[who].post(f"{M}/approve"), 403, "forbidden")
    error(callers["admin_bkpsdm"].post("/tpp/months/2026-09/approve"), 404, "not_found")
    before = list(TppLine.objects.order_by("pk").values_list("digest", flat=True))
    body = ok(callers["admin_bkpsdm"].post(f"{M}/approve"))
    assert body["status"] == "approved" and body["approved_at"]
    error(callers["admin_bkpsdm"].post(f"{M}/approve"), 409, "not_computed")
    error(callers["admin_bkpsdm"].post(f"{M}/compute"), 409, "month_approved")
    assert list(TppLine.objects.order_by("pk").values_list("digest", flat=True)) == before


# --- Lines --------------------------------------------------------------------------------------


def listed_nips(caller, **params) -> set[str]:
    body = ok(caller.get(f"{M}/lines", page_size=200, **params))
    assert body["count"] == len(body["items"])
    return {item["nip"] for item in body["items"]}


def test_lines_are_scoped_by_role(computed, callers):
    everyone_with_a_line = set(TppLine.objects.values_list("pegawai__nip", flat=True))
    assert len(everyone_with_a_line) == 10
    for who in ("admin_bkpsdm", "pimpinan", "auditor"):
        assert listed_nips(callers[who]) == everyone_with_a_line
    assert listed_nips(callers["admin_opd"]) == nips(computed, *DINKES)
    for who in ("pegawai", "atasan", "kadis", "outsider"):
        assert listed_nips(callers[who]) == nips(computed, who)
    disdik = computed.opds["disdik"].pk
    assert listed_nips(callers["admin_bkpsdm"], opd_id=disdik) == nips(computed, "outsider")
    assert listed_nips(callers["admin_opd"], opd_id=disdik) == set()


def test_money_is_decimal_strings_equal_to_the_stored_lines(computed, callers):
    stored = {line.pegawai.nip: line for line in TppLine.objects.select_related("pegawai")}
    body = ok(callers["admin_bkpsdm"].get(f"{M}/lines", page_size=200))
    assert len(body["items"]) == 10
    for item in body["items"]:
        line = stored[item["nip"]]
        for name in MONEY:
            assert isinstance(item[name], str), (name, item[name])
            assert item[name] == money(getattr(line, name)), name
            assert Decimal(item[name]) == getattr(line, name)
        assert item["kelas"] == line.kelas
    pegawai = stored[computed.people["pegawai"].nip]
    assert pegawai.deductions > 0  # late once, absent once


def test_the_explanation_shows_every_line_with_its_rule_and_days(computed, callers):
    nip = computed.people["pegawai"].nip
    body = ok(callers["pegawai"].get(f"{M}/lines/{nip}"))
    line = TppLine.objects.get(pegawai=computed.people["pegawai"])
    assert body["line"]["net"] == money(line.net) and body["paid"] == money(line.net)
    for row in body["lines"]:
        assert set(row) == {"code", "kind", "label", "rule", "days", "pct", "base", "amount"}
        assert isinstance(row["amount"], str)
    by_code = {row["code"]: row for row in body["lines"]}
    assert by_code["TL2"]["days"] == 1 and Decimal(by_code["TL2"]["pct"]) == 1
    deductions = sum(Decimal(r["amount"]) for r in body["lines"] if r["kind"] == "deduction")
    assert deductions == line.deductions
    ceiling = [r for r in body["lines"] if r["kind"] == "ceiling"]
    assert sum(Decimal(r["amount"]) for r in ceiling) == line.ceiling
    assert body["inputs"]["working_days"] == 22
    assert body["inputs"]["band_days"] == {"TL2": 1}
    assert body["inputs"]["absent_days"] == 1
    assert body["version"]["preset_key"] == "nasional" and body["sources"]["bands"]


def test_who_reads_whose_explanation(computed, callers):
    pegawai = f"{M}/lines/{computed.people['pegawai'].nip}"
    outsider = f"{M}/lines/{computed.people['outsider'].nip}"
    for who in ("pegawai", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor"):
        ok(callers[who].get(pegawai))
    for who in ("pegawai2", "atasan", "kadis", "outsider"):
        error(callers[who].get(pegawai), 404, "not_found")
    error(callers["admin_opd"].get(outsider), 404, "not_found")
    ok(callers["outsider"].get(outsider))
    error(callers["admin_bkpsdm"].get(f"{M}/lines/199001012020011001"), 404, "not_found")
    error(callers["admin_bkpsdm"].get(
        f"/tpp/months/2026-09/lines/{computed.people['pegawai'].nip}"), 404, "not_found")


def test_opd_totals_for_the_readers_and_the_opd_admin(computed, callers):
    month = TppMonth.objects.get()
    body = ok(callers["admin_bkpsdm"].get(f"{M}/opd-totals"))
    assert [o["opd"]["code"] for o in body["opds"]] == ["BKPSDM", "DINKES", "DISDIK"]
    assert body["total"]["net"] == money(month.total_net)
    assert sum(Decimal(o["net"]) for o in body["opds"]) == month.total_net
    assert body["total"]["people"] == 10
    dinkes = TppLine.objects.filter(opd=computed.opds["dinkes"])
    own = ok(callers["admin_opd"].get(f"{M}/opd-totals"))
    assert [o["opd"]["code"] for o in own["opds"]] == ["DINKES"]
    assert own["opds"][0]["people"] == dinkes.count() == 8
    assert own["opds"][0]["net"] == money(sum(x.net for x in dinkes))
    ok(callers["auditor"].get(f"{M}/opd-totals"))
    for who in ("pegawai", "atasan", "kadis", "outsider"):
        error(callers[who].get(f"{M}/opd-totals"), 403, "forbidden")


def test_own_tpp(computed, callers):
    body = ok(callers["pegawai"].get("/tpp/me"))
    line = TppLine.objects.get(pegawai=computed.people["pegawai"])
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["period"], item["status"], item["net"], item["paid"]) == (
        PERIOD, "computed", money(line.net), money(line.net))
    assert ok(callers["pimpinan"].get("/tpp/me"))["count"] == 0  # no position, no TPP


# --- Adjustments --------------------------------------------------------------------------------


def test_adjustments_after_approval_only_by_admin_bkpsdm(computed, callers):
    nip = computed.people["pegawai"].nip
    body = {"nip": nip, "amount": "150000.50", "reason": "Koreksi presensi 6 Oktober (dinas luar)"}
    error(callers["admin_bkpsdm"].post(f"{M}/adjustments", body), 409, "not_approved")
    services.month_approve(actor=computed.accounts["admin_bkpsdm"],
                           tpp_month=TppMonth.objects.get())
    for who in ("pegawai", "admin_opd", "pimpinan", "auditor"):
        error(callers[who].post(f"{M}/adjustments", body), 403, "forbidden")
    made = ok(callers["admin_bkpsdm"].post(f"{M}/adjustments", body), 201)
    assert (made["nip"], made["amount"], made["period"]) == (nip, "150000.50", PERIOD)
    assert made["created_by"] == "Joko Admin BKPSDM"
    assert TppAdjustment.objects.get().amount == Decimal("150000.50")
    assert AuditRecord.objects.filter(action="tpp.adjust").count() == 1
    # Read by whoever reads the person's line.
    for who, count in (("pegawai", 1), ("pegawai2", 0), ("admin_opd", 1), ("admin_bkpsdm", 1),
                       ("outsider", 0), ("pimpinan", 1)):
        assert ok(callers[who].get(f"{M}/adjustments"))["count"] == count, who
    line = TppLine.objects.get(pegawai=computed.people["pegawai"])
    paid = money(line.net + Decimal("150000.50"))
    explained = ok(callers["pegawai"].get(f"{M}/lines/{nip}"))
    assert explained["paid"] == paid and explained["total_adjustments"] == "150000.50"
    assert explained["adjustments"][0]["reason"].startswith("Koreksi presensi")
    assert ok(callers["pegawai"].get("/tpp/me"))["items"][0]["paid"] == paid
    month = ok(callers["pegawai"].get(M))
    assert month["total_paid"] == money(TppMonth.objects.get().total_net + Decimal("150000.50"))
    # The approved result itself is unchanged.
    assert TppLine.objects.get(pk=line.pk).net == line.net


def test_adjustment_refusals(computed, callers):
    services.month_approve(actor=computed.accounts["admin_bkpsdm"],
                           tpp_month=TppMonth.objects.get())
    admin = callers["admin_bkpsdm"]
    nip = computed.people["pegawai"].nip
    reason = "Koreksi"
    error(admin.post(f"{M}/adjustments", {"nip": "199001012020011001", "amount": "1",
                                           "reason": reason}), 404, "not_found")
    error(admin.post(f"{M}/adjustments", {"nip": nip, "amount": "sejuta", "reason": reason}),
          400, "invalid_amount")
    error(admin.post(f"{M}/adjustments", {"nip": nip, "amount": "0", "reason": reason}),
          400, "invalid_amount")
    error(admin.post(f"{M}/adjustments", {"nip": nip, "amount": "1000", "reason": " "}),
          400, "reason_required")
    # Money is never a float: a JSON number is refused by the schema.
    error(admin.post(f"{M}/adjustments", {"nip": nip, "amount": 1000.1, "reason": reason}),
          422, "invalid_request")
    error(admin.post("/tpp/months/2026-09/adjustments",
                     {"nip": nip, "amount": "1", "reason": reason}), 404, "not_found")
    assert not TppAdjustment.objects.exists()


# --- Query counts -------------------------------------------------------------------------------


def more_people(tpp, n: int) -> None:
    """`n` more Dinkes staff with a line (copied from the pegawai's) and an adjustment each."""
    month = TppMonth.objects.get()
    template = TppLine.objects.get(pegawai=tpp.people["pegawai"])
    jabatan = tpp.positions["pengadministrasi"]
    start = Pegawai.objects.count()
    for i in range(start, start + n):
        person = Pegawai.objects.create(instansi=tpp.instansi, nip=f"19800101200501{i + 1:04d}",
                                        name=f"Staf {i}", gender="L",
                                        birth_date=dt.date(1980, 1, 1), golongan="II/c")
        PositionAssignment.objects.create(instansi=tpp.instansi, pegawai=person, jabatan=jabatan,
                                          kind="definitif", start_date=dt.date(2020, 1, 1))
        template.pk = None
        template.pegawai = person
        template.save()
        TppAdjustment.objects.create(month=month, pegawai=person, amount=Decimal(1000 + i),
                                     reason="Koreksi")


def count_queries(caller, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        ok(caller.get(path, **params))
    return len(queries)


@pytest.mark.parametrize("path", [f"{M}/lines", f"{M}/adjustments", f"{M}/opd-totals", M,
                                  "/tpp/months"])
def test_lists_run_a_fixed_number_of_queries(computed, callers, path,
                                             django_assert_max_num_queries):
    services.month_approve(actor=computed.accounts["admin_bkpsdm"],
                           tpp_month=TppMonth.objects.get())
    more_people(computed, 1)
    readers = ("admin_bkpsdm", "admin_opd")
    few = {who: count_queries(callers[who], path, page_size=200) for who in readers}
    more_people(computed, 15)
    for who in readers:
        with django_assert_max_num_queries(few[who]):
            ok(callers[who].get(path, page_size=200))


def test_explanation_and_own_tpp_run_a_fixed_number_of_queries(computed, callers,
                                                              django_assert_max_num_queries):
    services.month_approve(actor=computed.accounts["admin_bkpsdm"],
                           tpp_month=TppMonth.objects.get())
    nip = computed.people["pegawai"].nip
    TppAdjustment.objects.create(month=TppMonth.objects.get(), pegawai=computed.people["pegawai"],
                                 amount=Decimal(1), reason="Koreksi")
    explain = count_queries(callers["pegawai"], f"{M}/lines/{nip}")
    mine = count_queries(callers["pegawai"], "/tpp/me")
    for i in range(6):
        TppAdjustment.objects.create(month=TppMonth.objects.get(),
                                     pegawai=computed.people["pegawai"], amount=Decimal(i + 2),
                                     reason="Koreksi")
    with django_assert_max_num_queries(explain):
        body = ok(callers["pegawai"].get(f"{M}/lines/{nip}"))
    assert len(body["adjustments"]) == 7
    with django_assert_max_num_queries(mine):
        ok(callers["pegawai"].get("/tpp/me"))
