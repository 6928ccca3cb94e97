"""The performance calendar: services (who may open, close and reopen; reasons; audit), what a
closed period locks (SKP content, monthly targets), the page and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import AuditRecord, PerformanceMonth, PerformanceYear, PeriodState
from kinerja.core.services import (
    performance_year_open,
    performance_year_update,
    period_close,
    period_reopen,
)
from kinerja.plans import services as plan_services
from kinerja.plans.services import MonthPlan
from kinerja.plans.testing import add_rhk, open_year
from kinerja.testing import build_cast

pytestmark = pytest.mark.django_db

NOT_BKPSDM = ["pegawai", "pegawai2", "atasan", "sekretaris", "kadis", "kasi", "staf_kasi",
              "admin_opd", "pimpinan", "auditor", "outsider"]


def _actions(cast, prefix="period."):
    return list(
        AuditRecord.objects.filter(instansi=cast.instansi, action__startswith=prefix)
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- Services: who may ---------------------------------------------------------------------


def test_admin_bkpsdm_opens_a_year_with_twelve_open_months(cast):
    year = performance_year_open(actor=cast.admin_bkpsdm, instansi_id=cast.instansi.pk,
                                 year=2030, evaluation_frequency="triwulan", log_deadline_day=10)
    assert (year.state, year.evaluation_frequency, year.log_deadline_day) == (
        "open", "triwulan", 10)
    assert list(year.months.values_list("month", "state")) == [
        (m, "open") for m in range(1, 13)]
    assert _actions(cast) == ["period.year_open"]


@pytest.mark.parametrize("who", NOT_BKPSDM)
def test_only_admin_bkpsdm_opens_closes_and_reopens(cast, who):
    actor = cast.accounts[who]
    year = open_year(cast, 2030)
    month = year.months.get(month=3)
    with pytest.raises(Forbidden):
        performance_year_open(actor=actor, instansi_id=cast.instansi.pk, year=2031)
    with pytest.raises(Forbidden):
        performance_year_update(actor=actor, performance_year=year, log_deadline_day=9)
    with pytest.raises(Forbidden):
        period_close(actor=actor, period=year)
    with pytest.raises(Forbidden):
        period_close(actor=actor, period=month)
    year.state = PeriodState.CLOSED
    year.save()
    with pytest.raises(Forbidden):
        period_reopen(actor=actor, period=year, reason="Koreksi")
    assert not PerformanceYear.objects.filter(instansi=cast.instansi, year=2031).exists()
    assert _actions(cast) == []


def test_admin_bkpsdm_of_another_instansi_is_refused(cast):
    other = build_cast("kab-lain")
    year = open_year(cast, 2030)
    with pytest.raises(Forbidden):
        performance_year_open(actor=other.admin_bkpsdm, instansi_id=cast.instansi.pk, year=2031)
    with pytest.raises(Forbidden):
        period_close(actor=other.admin_bkpsdm, period=year)


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopen_without_a_reason_is_refused(cast, reason):
    year = open_year(cast, 2030)
    period_close(actor=cast.admin_bkpsdm, period=year)
    with pytest.raises(ApplicationError) as refused:
        period_reopen(actor=cast.admin_bkpsdm, period=year, reason=reason)
    assert refused.value.code == "reason_required"
    year.refresh_from_db()
    assert year.state == PeriodState.CLOSED


def test_every_change_is_audited_with_the_reopen_reason(cast):
    admin = cast.admin_bkpsdm
    year = performance_year_open(actor=admin, instansi_id=cast.instansi.pk, year=2030)
    performance_year_update(actor=admin, performance_year=year, log_deadline_day=7)
    month = year.months.get(month=2)
    period_close(actor=admin, period=month)
    period_reopen(actor=admin, period=month, reason="Salah tutup")
    period_close(actor=admin, period=year)
    period_reopen(actor=admin, period=year, reason="Perbaikan nilai")
    assert _actions(cast) == [
        "period.year_open", "period.year_update", "period.month_close", "period.month_reopen",
        "period.year_close", "period.year_reopen",
    ]
    records = AuditRecord.objects.filter(instansi=cast.instansi)
    assert records.get(action="period.year_update").changes == {"log_deadline_day": [5, 7]}
    assert records.get(action="period.month_reopen").context == {"reason": "Salah tutup"}
    assert records.get(action="period.month_reopen").object_label == "02/2030"
    assert records.get(action="period.year_reopen").context == {"reason": "Perbaikan nilai"}


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"log_deadline_day": 29}, "invalid_deadline"),
        ({"log_deadline_day": 0}, "invalid_deadline"),
        ({"evaluation_frequency": "tahunan"}, "invalid_frequency"),
        ({"skp_source": "simpeg"}, "invalid_source"),
    ],
)
def test_bad_settings_are_refused(cast, values, code):
    with pytest.raises(ApplicationError) as refused:
        performance_year_open(actor=cast.admin_bkpsdm, instansi_id=cast.instansi.pk, year=2030,
                              **values)
    assert refused.value.code == code


def test_a_year_cannot_be_opened_twice(cast):
    open_year(cast, 2030)
    with pytest.raises(Conflict) as refused:
        performance_year_open(actor=cast.admin_bkpsdm, instansi_id=cast.instansi.pk, year=2030)
    assert refused.value.code == "period_exists"


# --- What a closed period locks ------------------------------------------------------------


def test_closed_year_refuses_skp_changes_until_reopened(cast, plan):
    year = PerformanceYear.objects.get(instansi=cast.instansi, year=plan.year)
    skp = plan.skp["pegawai"]
    period_close(actor=cast.admin_bkpsdm, period=year)
    with pytest.raises(Conflict) as refused:
        plan_services.rhk_save(actor=cast.pegawai, skp=skp, text="Surat keluar terkirim",
                               parent=plan.rhk["atasan"], intervention="langsung")
    assert refused.value.code == "period_closed"
    assert not skp.rhk.exists()
    period_reopen(actor=cast.admin_bkpsdm, period=year, reason="Perpanjangan penyusunan SKP")
    rhk = plan_services.rhk_save(actor=cast.pegawai, skp=skp, text="Surat keluar terkirim",
                                 parent=plan.rhk["atasan"], intervention="langsung")
    assert rhk.skp_id == skp.pk


def _indicator(cast, plan):
    rhk = add_rhk(cast, "pegawai", plan.skp["pegawai"], "Surat masuk tercatat",
                  parent=plan.rhk["atasan"], intervention="langsung")
    indicator = rhk.indicators.get()
    assert indicator.target_min == Decimal(12)
    plan_services.monthly_plan_save(
        actor=cast.pegawai, indicator=indicator,
        months=[MonthPlan(m, Decimal(1)) for m in range(1, 13)],
    )
    return indicator


def test_closed_month_refuses_its_monthly_target_open_month_accepts(cast, plan):
    indicator = _indicator(cast, plan)
    march = PerformanceMonth.objects.get(instansi=cast.instansi,
                                         performance_year__year=plan.year, month=3)
    period_close(actor=cast.admin_bkpsdm, period=march)
    with pytest.raises(Conflict) as refused:
        plan_services.monthly_plan_save(
            actor=cast.pegawai, indicator=indicator,
            months=[MonthPlan(3, Decimal(2)), MonthPlan(4, Decimal(0))],
        )
    assert refused.value.code == "period_closed"
    assert indicator.monthly.get(month=3).target == Decimal(1)
    # April and May are open: moving a unit between them is accepted.
    plan_services.monthly_plan_save(
        actor=cast.pegawai, indicator=indicator,
        months=[MonthPlan(4, Decimal(2)), MonthPlan(5, Decimal(0))],
    )
    assert indicator.monthly.get(month=4).target == Decimal(2)
    # Reopened, March is writable again.
    period_reopen(actor=cast.admin_bkpsdm, period=march, reason="Revisi rencana aksi")
    plan_services.monthly_plan_save(
        actor=cast.pegawai, indicator=indicator,
        months=[MonthPlan(3, Decimal(2)), MonthPlan(4, Decimal(1))],
    )
    assert indicator.monthly.get(month=3).target == Decimal(2)


# --- The page ------------------------------------------------------------------------------


def test_everyone_sees_years_settings_and_deadlines_without_controls(cast, client_for):
    open_year(cast, 2030, evaluation_frequency="triwulan", log_deadline_day=10)
    response = client_for(cast.pegawai).get(reverse("periods"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Year 2030" in html
    assert "Quarterly" in html
    assert "10 Jan 2031" in html  # December's deadline falls in January of the next year
    assert "Quarter IV" in html
    assert "Open a performance year" not in html
    assert "Close month" not in html


def test_admin_opens_a_year_from_the_page(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    page = client.get(reverse("periods"))
    assert "Open a performance year" in page.content.decode()
    response = client.post(reverse("periods"), {
        "year": "2030", "evaluation_frequency": "bulanan", "log_deadline_day": "5",
        "skp_source": "kinerja"}, follow=True)
    assert PerformanceYear.objects.filter(instansi=cast.instansi, year=2030).exists()
    assert "Performance year 2030 is open." in response.content.decode()


def test_page_refusals_are_shown_as_messages(cast, client_for):
    open_year(cast, 2030)
    client = client_for(cast.admin_bkpsdm)
    again = client.post(reverse("periods"), {
        "year": "2030", "evaluation_frequency": "bulanan", "log_deadline_day": "5",
        "skp_source": "kinerja"})
    assert again.status_code == 200
    assert "Performance year 2030 is already open." in again.content.decode()
    bad_day = client.post(reverse("periods"), {
        "year": "2032", "evaluation_frequency": "bulanan", "log_deadline_day": "29",
        "skp_source": "kinerja"})
    assert "less than or equal to 28" in bad_day.content.decode()
    client.post(reverse("period_close", args=[2030]))
    response = client.post(reverse("period_reopen", args=[2030]), {"reason": " "}, follow=True)
    assert "Say why the period is reopened." in response.content.decode()
    assert PerformanceYear.objects.get(instansi=cast.instansi, year=2030).state == "closed"


def test_admin_closes_and_reopens_a_month_and_the_reason_shows(cast, client_for):
    open_year(cast, 2030)
    client = client_for(cast.admin_bkpsdm)
    client.post(reverse("period_month_close", args=[2030, 4]))
    month = PerformanceMonth.objects.get(instansi=cast.instansi, performance_year__year=2030,
                                         month=4)
    assert month.state == "closed"
    response = client.post(reverse("period_month_reopen", args=[2030, 4]),
                           {"reason": "Presensi terlambat diimpor"}, follow=True)
    month.refresh_from_db()
    assert month.state == "open"
    html = response.content.decode()
    assert "04/2030 is open again." in html
    assert "Presensi terlambat diimpor" in html  # the recent changes, from the audit trail


def test_admin_changes_settings_from_the_page(cast, client_for):
    open_year(cast, 2030)
    client_for(cast.admin_bkpsdm).post(reverse("period_update", args=[2030]), {
        "evaluation_frequency": "triwulan", "log_deadline_day": "12", "skp_source": "bkn"})
    year = PerformanceYear.objects.get(instansi=cast.instansi, year=2030)
    assert (year.evaluation_frequency, year.log_deadline_day, year.skp_source) == (
        "triwulan", 12, "bkn")


def test_page_queries_do_not_grow_with_years(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.admin_bkpsdm)
    open_year(cast, 2030)
    period_close(actor=cast.admin_bkpsdm, period=PerformanceYear.objects.get(year=2030))
    client.get(reverse("periods"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("periods"))
    for year in range(2031, 2036):
        open_year(cast, year)
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse("periods"))
    assert response.content.decode().count('class="card period-year"') == 6


# --- The API -------------------------------------------------------------------------------


def test_api_lists_years_with_months_and_deadlines(cast, client_for):
    open_year(cast, 2030, evaluation_frequency="triwulan", log_deadline_day=10)
    body = client_for(cast.pegawai).get("/api/v1/periods").json()["items"]
    assert [y["year"] for y in body] == [2030]
    months = body[0]["months"]
    assert len(months) == 12
    assert months[11] == {"month": 12, "state": "open", "log_deadline": "2031-01-10",
                          "evaluation_period": 4}
    assert body[0]["evaluation_frequency"] == "triwulan"


def test_api_open_update_close_reopen(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    created = client.post("/api/v1/periods", {"year": 2030, "log_deadline_day": 8},
                          content_type="application/json")
    assert created.status_code == 201
    assert created.json()["log_deadline_day"] == 8
    patched = client.patch("/api/v1/periods/2030", {"evaluation_frequency": "triwulan"},
                           content_type="application/json")
    assert patched.json()["evaluation_frequency"] == "triwulan"
    assert patched.json()["log_deadline_day"] == 8
    closed = client.post("/api/v1/periods/2030/months/12/close")
    assert closed.json()["months"][11]["state"] == "closed"
    refused = client.post("/api/v1/periods/2030/months/12/reopen", {"reason": ""},
                          content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "reason_required"
    reopened = client.post("/api/v1/periods/2030/months/12/reopen", {"reason": "Koreksi"},
                           content_type="application/json")
    assert reopened.json()["months"][11]["state"] == "open"
    assert client.post("/api/v1/periods/2030/close").json()["state"] == "closed"
    assert client.post("/api/v1/periods/2030/reopen", {"reason": "Koreksi"},
                       content_type="application/json").json()["state"] == "open"


def test_api_errors_are_clear(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    bad = client.post("/api/v1/periods", {"year": 2030, "log_deadline_day": 29},
                      content_type="application/json")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_deadline")
    client.post("/api/v1/periods", {"year": 2030}, content_type="application/json")
    twice = client.post("/api/v1/periods", {"year": 2030}, content_type="application/json")
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "period_exists")
    missing = client.post("/api/v1/periods/2099/close")
    assert missing.status_code == 404
    no_month = client.post("/api/v1/periods/2030/months/13/close")
    assert no_month.status_code == 404
    forbidden = client_for(cast.pegawai).post("/api/v1/periods/2030/close")
    assert (forbidden.status_code, forbidden.json()["error"]["code"]) == (403, "forbidden")


def test_api_list_queries_do_not_grow_with_years(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.pegawai)
    open_year(cast, 2030)
    client.get("/api/v1/periods")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/periods")
    for year in range(2031, 2036):
        open_year(cast, year)
    with django_assert_max_num_queries(len(one)):
        assert client.get("/api/v1/periods").json()["count"] == 6


def test_deadline_on_the_page_matches_the_rule(cast, client_for):
    open_year(cast, 2030, log_deadline_day=28)
    html = client_for(cast.pegawai).get(reverse("periods")).content.decode()
    assert f"{dt.date(2030, 3, 28):%-d %b %Y}" in html
