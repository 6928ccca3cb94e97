"""The attendance API (kinerja/attendance/api_attendance.py): a person's days, the month
summary, the working calendar, holidays and discipline cases; refusals in the one error shape
(422 with the problems, 403 for writes by anyone but admin BKPSDM, 404 outside the scope);
list endpoints in the one page envelope with queries that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from kinerja.attendance import services
from kinerja.attendance.models import DisciplineCase, Holiday, Presensi, WorkSchedule
from kinerja.attendance.tests.test_services import STANDARD, import_presensi
from kinerja.attendance.tests.test_views_days import _more_presensi
from kinerja.testing import build_cast, login_verified

API = "/api/v1"


@pytest.fixture
def api_as():
    """api_as(account) -> a client of its own logged in as the account (client_for shares one
    client, so a second login would change who the first one is)."""

    def login(account: Any) -> Client:
        return login_verified(Client(), account)

    return login


def error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert set(body) >= {"code", "message"}
    if code is not None:
        assert body["code"] == code, body
    return body


def send(client: Any, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(path, body, content_type="application/json")


# --- Days and summary ------------------------------------------------------------------------


def test_my_days_of_a_month(tpp, api_as, tmp_path):
    cast = tpp.cast
    import_presensi(cast, tmp_path, [("pegawai", "2026-10-01", "08:05", "16:00"),
                                     ("pegawai", "2026-10-02", "07:20", "")])
    body = api_as(cast.pegawai).get(f"{API}/attendance/days?month=2026-10").json()
    assert body["pegawai"]["nip"] == cast.people["pegawai"].nip and body["month"] == "2026-10"
    assert len(body["days"]) == 31 and body["flexible"] is False
    first = body["days"][0]
    assert first == {
        "date": "2026-10-01", "weekday": 4, "working_day": True, "hours": ["07:30", "16:00"],
        "holiday": "", "check_in": "08:05:00", "check_out": "16:00:00", "status": "hadir",
        "late_minutes": 35, "early_minutes": 0, "late_code": "TL2", "early_code": None,
        "missing_in": False, "missing_out": False, "leave_kind": None,
    }
    assert body["days"][1]["missing_out"] is True and body["days"][1]["hours"][1] == "16:30"
    assert body["days"][2]["status"] == "libur" and body["days"][2]["hours"] is None
    counts = body["counts"]
    assert counts["working_days"] == 22 and counts["present"] == 22
    assert counts["late"]["TL2"] == 1 and counts["missing_out"] == 1


def test_someone_elses_days_by_scope(tpp, api_as):
    cast = tpp.cast
    path = f"{API}/attendance/days?month=2026-10&nip={cast.people['pegawai'].nip}"
    for who in ("pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan"):
        response = api_as(cast.accounts[who]).get(path)
        assert response.status_code == 200, who
        assert response.json()["counts"]["present"] == 22
    for who in ("pegawai2", "outsider", "staf_kasi"):
        error(api_as(cast.accounts[who]).get(path), 404, "not_found")
    other = build_cast("kab-lain")
    error(api_as(cast.admin_bkpsdm).get(
        f"{API}/attendance/days?nip={other.people['pegawai'].nip}"), 404)


def test_bad_months_are_422(tpp, api_as):
    client = api_as(tpp.cast.pegawai)
    body = error(client.get(f"{API}/attendance/days?month=10-2026"), 422, "invalid_month")
    assert body["details"] == {"month": "10-2026"}
    error(client.get(f"{API}/attendance/days?month=2026-13"), 422, "invalid_month")
    error(client.get(f"{API}/attendance/days?month=1899-01"), 422, "invalid_month")
    error(api_as(tpp.cast.admin_bkpsdm).get(f"{API}/attendance/summary?month=x"), 422,
          "invalid_month")


def test_the_summary(tpp, api_as):
    cast = tpp.cast
    body = api_as(cast.admin_bkpsdm).get(
        f"{API}/attendance/summary?month=2026-10&page_size=4").json()
    assert (body["count"], body["page"], body["page_size"], len(body["items"])) == (10, 1, 4, 4)
    row = body["items"][0]
    assert set(row) >= {"pegawai", "opd_id", "opd_name", "working_days", "present", "late",
                        "early", "missing_in", "missing_out", "tanpa_keterangan", "leave"}
    assert row["present"] == 22 and row["tanpa_keterangan"] == 0
    last = api_as(cast.admin_bkpsdm).get(
        f"{API}/attendance/summary?month=2026-10&page_size=4&page=3").json()
    assert len(last["items"]) == 2
    disdik = cast.opds["disdik"].pk
    body = api_as(cast.auditor).get(
        f"{API}/attendance/summary?month=2026-10&opd={disdik}").json()
    assert [r["pegawai"]["nip"] for r in body["items"]] == [cast.people["outsider"].nip]
    admin_opd = api_as(cast.admin_opd)
    assert admin_opd.get(f"{API}/attendance/summary?month=2026-10").json()["count"] == 8
    error(admin_opd.get(f"{API}/attendance/summary?opd={disdik}"), 404)
    error(admin_opd.get(f"{API}/attendance/summary?opd=999999"), 404)
    for who in ("pegawai", "atasan", "kadis", "outsider"):
        error(api_as(cast.accounts[who]).get(f"{API}/attendance/summary"), 403, "forbidden")


def test_list_queries_do_not_grow(tpp, api_as, django_assert_max_num_queries):
    cast = tpp.cast
    client = api_as(cast.admin_bkpsdm)
    path = f"{API}/attendance/summary?month=2026-10&page_size=200"
    client.get(path)
    with django_assert_max_num_queries(14) as few:
        assert len(client.get(path).json()["items"]) == 10
    _more_presensi(cast, 25)
    with django_assert_max_num_queries(14) as many:
        assert len(client.get(path).json()["items"]) == 35
    assert len(many.captured_queries) == len(few.captured_queries)
    days = f"{API}/attendance/days?month=2026-10"
    client.get(days)
    with django_assert_max_num_queries(10) as full:
        client.get(days)
    Presensi.objects.filter(pegawai=cast.people["admin_bkpsdm"]).delete()
    with django_assert_max_num_queries(10) as empty:
        client.get(days)
    assert len(full.captured_queries) == len(empty.captured_queries)
    for n in range(6):
        services.discipline_create(actor=cast.admin_bkpsdm, pegawai=cast.people["pegawai"],
                                   values={"sanction": "teguran_lisan",
                                           "decree_number": f"800/{n}",
                                           "decree_date": dt.date(2026, 1, 1),
                                           "start_month": dt.date(2026, 1, 1)})
    with django_assert_max_num_queries(10):
        assert client.get(f"{API}/discipline-cases").json()["count"] == 6


# --- Calendar --------------------------------------------------------------------------------


def test_calendar_read_by_everyone(cast, api_as):
    body = api_as(cast.pegawai).get(f"{API}/calendar/2026").json()
    assert body["year"] == 2026 and body["holidays"] == 25 and body["overrides"] == 0
    assert body["working_days"] == 240
    schedule = body["schedule"]
    assert schedule["hours"]["5"] == ["07:30", "16:30"] and schedule["opd"] is None
    assert schedule["ramadan_start"] == "2026-02-18"
    body = error(api_as(cast.pegawai).get(f"{API}/calendar/1990"), 422, "invalid_year")
    assert body["details"] == {"year": 1990}


def test_admin_puts_the_schedule(cast, api_as, tmp_path):
    services.calendar_year_ensure(cast.instansi.pk, 2026)
    import_presensi(cast, tmp_path, [("pegawai", "2026-10-02", "07:30", "16:00")])
    admin = api_as(cast.admin_bkpsdm)
    new = {"name": "Jam kerja 2026", "hours": STANDARD | {"5": ["07:30", "16:00"],
                                                          "6": ["07:30", "12:00"]},
           "ramadan_start": "2026-02-19", "ramadan_end": "2026-03-19",
           "ramadan_hours": {"1": ["08:00", "14:00"]}}
    response = send(admin, "put", f"{API}/calendar/2026", new)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["schedule"]["name"] == "Jam kerja 2026" and body["schedule"]["hours"]["6"]
    assert body["working_days"] > 240
    assert Presensi.objects.get(date=dt.date(2026, 10, 2)).early_minutes == 0
    bad = error(send(admin, "put", f"{API}/calendar/2026", {"hours": {"5": ["16:00", "07:30"]}}),
                422, "invalid_schedule")
    assert "start must be before the end" in bad["message"]
    error(send(admin, "put", f"{API}/calendar/2026", {"hours": {"9": ["07:30", "16:00"]}}),
          422, "invalid_schedule")
    error(send(admin, "put", f"{API}/calendar/2026", {"hours": {"1": ["7 pagi", "16:00"]}}),
          422, "invalid_schedule")
    error(send(admin, "put", f"{API}/calendar/2026", {"hours": "5 hari"}), 422,
          "invalid_request")
    error(send(admin, "put", f"{API}/calendar/2026", {"hours": {}}), 422, "invalid_schedule")
    for who in ("pegawai", "admin_opd", "pimpinan", "auditor"):
        error(send(api_as(cast.accounts[who]), "put", f"{API}/calendar/2026", new), 403)


def test_overrides(cast, api_as):
    admin = api_as(cast.admin_bkpsdm)
    unit = cast.units["rujukan"].pk
    shift = {"unit_id": unit, "name": "IGD", "hours": STANDARD, "flexible": True}
    response = send(admin, "post", f"{API}/calendar/2026/overrides", shift)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit"]["id"] == unit and body["flexible"] is True and body["year"] == 2026
    again = send(admin, "post", f"{API}/calendar/2026/overrides", shift | {"name": "IGD 24"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    school = send(admin, "post", f"{API}/calendar/2026/overrides",
                  {"opd_id": cast.opds["disdik"].pk, "hours": STANDARD})
    assert school.status_code == 201 and school.json()["name"] == "Dinas Pendidikan"
    listed = api_as(cast.pegawai).get(f"{API}/calendar/2026/overrides").json()
    assert listed["count"] == 2
    assert {o["name"] for o in listed["items"]} == {"IGD 24", "Dinas Pendidikan"}
    error(send(admin, "post", f"{API}/calendar/2026/overrides", {"hours": STANDARD}), 422,
          "invalid_place")
    error(send(admin, "post", f"{API}/calendar/2026/overrides",
               {"opd_id": cast.opds["disdik"].pk, "unit_id": unit, "hours": STANDARD}), 422,
          "invalid_place")
    other = build_cast("kab-lain")
    error(send(admin, "post", f"{API}/calendar/2026/overrides",
               {"opd_id": other.opds["dinkes"].pk, "hours": STANDARD}), 404)
    error(send(api_as(cast.pimpinan), "post", f"{API}/calendar/2026/overrides", shift), 403)
    assert admin.delete(f"{API}/calendar/overrides/{body['id']}").status_code == 204
    assert not WorkSchedule.objects.filter(pk=body["id"]).exists()
    own = services.calendar_year_ensure(cast.instansi.pk, 2026)
    error(admin.delete(f"{API}/calendar/overrides/{own.pk}"), 404)
    error(admin.delete(f"{API}/calendar/overrides/{body['id']}"), 404)


def test_holidays(cast, api_as, tmp_path):
    admin = api_as(cast.admin_bkpsdm)
    page = admin.get(f"{API}/holidays?year=2026&page_size=10").json()
    assert page["count"] == 25 and len(page["items"]) == 10
    assert page["items"][0] == {"id": page["items"][0]["id"], "date": "2026-01-01",
                                "name": "Tahun Baru 2026 Masehi", "kind": "nasional"}
    import_presensi(cast, tmp_path, [("pegawai", "2026-10-05", "08:00", "16:00")])
    response = send(admin, "post", f"{API}/holidays",
                    {"date": "2026-10-05", "name": "Hari Jadi", "kind": "daerah"})
    assert response.status_code == 201, response.content
    holiday = response.json()
    assert Presensi.objects.get(date=dt.date(2026, 10, 5)).working_day is False
    renamed = send(admin, "post", f"{API}/holidays",
                   {"date": "2026-10-05", "name": "Hari Jadi Kabupaten", "kind": "daerah"})
    assert renamed.status_code == 200 and renamed.json()["id"] == holiday["id"]
    body = error(send(admin, "post", f"{API}/holidays",
                      {"date": "2026-10-06", "name": "x", "kind": "libur"}), 422,
                 "invalid_request")
    assert body["details"][0]["loc"][-1] == "kind"
    error(send(admin, "post", f"{API}/holidays", {"date": "2026-10-06", "name": ""}), 422)
    error(send(admin, "post", f"{API}/holidays", {"date": "1990-10-06", "name": "x"}), 422,
          "invalid_year")
    error(send(api_as(cast.auditor), "post", f"{API}/holidays",
               {"date": "2026-10-06", "name": "x"}), 403)
    error(api_as(cast.pegawai).delete(f"{API}/holidays/{holiday['id']}"), 403)
    assert admin.delete(f"{API}/holidays/{holiday['id']}").status_code == 204
    assert not Holiday.objects.filter(pk=holiday["id"]).exists()
    assert Presensi.objects.get(date=dt.date(2026, 10, 5)).late_minutes == 30
    error(admin.delete(f"{API}/holidays/{holiday['id']}"), 404)
    empty = admin.get(f"{API}/holidays?year=2050").json()
    assert empty["count"] == 0


# --- Discipline ------------------------------------------------------------------------------

CASE = {"sanction": "potong_tunjangan_6", "decree_number": "800/5/BKPSDM",
        "decree_date": "2026-09-01", "start_month": "2026-10"}


def test_discipline_cases(cast, api_as):
    admin = api_as(cast.admin_bkpsdm)
    nip = cast.people["pegawai"].nip
    response = send(admin, "post", f"{API}/discipline-cases", CASE | {"nip": nip})
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["pegawai"]["nip"] == nip and case["level"] == "sedang" and case["months"] == 6
    assert (case["start_month"], case["end_month"]) == ("2026-10", "2027-03")
    assert case["tpp_cut_pct"] is None and case["cancelled"] is False
    other = send(admin, "post", f"{API}/discipline-cases",
                 CASE | {"nip": cast.people["pegawai2"].nip, "sanction": "teguran_lisan",
                         "level": "sedang", "months": 2, "tpp_cut_pct": "12.5",
                         "start_month": "2027-05"}).json()
    assert (other["level"], other["months"], other["tpp_cut_pct"]) == ("sedang", 2, "12.50")
    # Lists: readers all, everyone else their own.
    assert admin.get(f"{API}/discipline-cases").json()["count"] == 2
    mine = api_as(cast.pegawai).get(f"{API}/discipline-cases").json()
    assert [c["id"] for c in mine["items"]] == [case["id"]]
    assert api_as(cast.atasan).get(f"{API}/discipline-cases").json()["count"] == 0
    in_november = admin.get(f"{API}/discipline-cases?month=2026-11").json()
    assert [c["id"] for c in in_november["items"]] == [case["id"]]
    in_may = admin.get(f"{API}/discipline-cases?month=2027-05").json()
    assert [c["id"] for c in in_may["items"]] == [other["id"]]
    by_nip = admin.get(f"{API}/discipline-cases?nip={cast.people['pegawai2'].nip}").json()
    assert [c["id"] for c in by_nip["items"]] == [other["id"]]
    # Cancel.
    path = f"{API}/discipline-cases/{case['id']}/cancel"
    error(send(admin, "post", path, {"reason": ""}), 422, "invalid_request")
    error(send(api_as(cast.pimpinan), "post", path, {"reason": "x"}), 403)
    cancelled = send(admin, "post", path, {"reason": "SK dicabut"})
    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled"] is True and cancelled.json()["cancel_reason"] == (
        "SK dicabut")
    error(send(admin, "post", path, {"reason": "lagi"}), 409, "already_cancelled")
    assert admin.get(f"{API}/discipline-cases?cancelled=true").json()["count"] == 1
    assert admin.get(f"{API}/discipline-cases?month=2026-11").json()["count"] == 0


def test_discipline_refusals(cast, api_as):
    admin = api_as(cast.admin_bkpsdm)
    nip = cast.people["pegawai"].nip
    for broken in ({"sanction": "dipecat"}, {"start_month": "Oktober"}, {"months": 0},
                   {"tpp_cut_pct": "101"}, {"decree_date": "kemarin"}, {"decree_number": ""}):
        body = error(send(admin, "post", f"{API}/discipline-cases",
                          CASE | {"nip": nip} | broken), 422, "invalid_request")
        assert body["details"], broken
    error(send(admin, "post", f"{API}/discipline-cases", CASE | {"nip": "199001012015031999"}),
          404)
    other = build_cast("kab-lain")
    error(send(admin, "post", f"{API}/discipline-cases",
               CASE | {"nip": other.people["pegawai"].nip}), 404)
    for who in ("pegawai", "atasan", "admin_opd", "pimpinan", "auditor"):
        error(send(api_as(cast.accounts[who]), "post", f"{API}/discipline-cases",
                   CASE | {"nip": nip}), 403, "forbidden")
    assert not DisciplineCase.objects.exists()
    foreign = services.discipline_create(
        actor=other.admin_bkpsdm, pegawai=other.people["pegawai"],
        values={"sanction": "teguran_lisan", "decree_number": "1",
                "decree_date": dt.date(2026, 1, 1), "start_month": dt.date(2026, 1, 1)})
    error(send(admin, "post", f"{API}/discipline-cases/{foreign.pk}/cancel", {"reason": "x"}),
          404)


@pytest.mark.parametrize("path", ["/attendance/days", "/calendar/2026", "/holidays",
                                  "/discipline-cases"])
def test_anonymous_gets_401(client, path):
    error(client.get(f"{API}{path}"), 401)
