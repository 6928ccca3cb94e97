"""The TPP month pages (/tpp/, /tpp/hitung/, /tpp/<yyyy-mm>/ and its progress, approval and
adjustments): computing from the page, the progress while it runs, the failure message,
approval and the lock it brings, adjustments (plus, minus, a reason required), what each role
sees, and bounded queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.allowances import services
from kinerja.allowances.batch import Month
from kinerja.allowances.forms import parse_rupiah
from kinerja.allowances.models import TppAdjustment, TppLine, TppMonth, TppMonthStatus
from kinerja.allowances.testing import MONTH
from kinerja.allowances.tests.test_views_explanation import add_people
from kinerja.attendance.services import calendar_year_ensure
from kinerja.core.models import AuditRecord
from kinerja.testing import build_cast

PERIOD = "2026-10"
INDEX = "/tpp/"
COMPUTE = "/tpp/hitung/"
MONTH_PAGE = f"/tpp/{PERIOD}/"
PROGRESS = f"/tpp/{PERIOD}/progres/"
APPROVE = f"/tpp/{PERIOD}/setujui/"
ADJUST = f"/tpp/{PERIOD}/penyesuaian/"


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def computed(tpp):
    services.month_compute_start(actor=tpp.admin_bkpsdm, month=MONTH)
    return tpp


@pytest.fixture
def approved(computed):
    services.month_approve(actor=computed.admin_bkpsdm, tpp_month=TppMonth.objects.get())
    return computed


# --- Computing --------------------------------------------------------------------------------


def test_admin_computes_a_month_from_the_page(tpp, client_for):
    client = client_for(tpp.admin_bkpsdm)
    page = text(client.get(INDEX))
    assert 'action="/tpp/hitung/"' in page and 'type="month"' in page
    response = client.post(COMPUTE, {"bulan": PERIOD}, follow=True)
    assert response.redirect_chain == [(MONTH_PAGE, 302)]
    assert "TPP of Oktober 2026 computed for 10 people." in messages_of(response)
    tpp_month = TppMonth.objects.get(instansi=tpp.instansi)
    assert tpp_month.status == TppMonthStatus.COMPUTED
    assert tpp_month.computed_by == tpp.admin_bkpsdm
    assert TppLine.objects.filter(month=tpp_month).count() == 10
    page = text(response)
    assert "Computed" in page and "Joko Admin BKPSDM" in page
    assert f'href="/tpp/{PERIOD}/opd/{tpp.opds["dinkes"].pk}/"' in page
    assert f'href="/tpp/{PERIOD}/daftar/"' in page
    # Ten people on time: every one's net, summed (kinerja part unpaid without an evaluation).
    assert f"Rp{tpp_month.total_net:,.0f}".replace(",", ".") in page
    assert 'action="/tpp/2026-10/setujui/"' in page  # approve
    assert '<input type="hidden" name="bulan" value="2026-10">' in page  # recompute


def test_the_month_list_shows_status_preset_people_and_who(computed, client_for):
    page = text(client_for(computed.pimpinan).get(INDEX))
    tpp_month = TppMonth.objects.get()
    assert 'href="/tpp/2026-10/"' in page and "Oktober 2026" in page
    assert "Kerangka nasional (default) v1" in page
    assert "Rp" + f"{tpp_month.total_net:,.0f}".replace(",", ".") in page
    assert "Joko Admin BKPSDM" in page
    assert 'action="/tpp/hitung/"' not in page  # only admin BKPSDM computes
    assert 'href="/tpp/preset/"' in page and 'href="/tpp/simulasi/"' in page


@pytest.mark.parametrize("value", ["2026-13", "Oktober", ""])
def test_a_bad_month_is_refused(tpp, client_for, value):
    response = client_for(tpp.admin_bkpsdm).post(COMPUTE, {"bulan": value}, follow=True)
    assert response.redirect_chain == [(INDEX, 302)]
    assert messages_of(response) in (["Give the month as YYYY-MM, for example 2026-10."],
                                     ["Choose the month (YYYY-MM)."])
    assert not TppMonth.objects.exists()


@pytest.mark.parametrize("who", ["pegawai", "admin_opd", "pimpinan", "auditor"])
def test_only_admin_bkpsdm_computes(tpp, client_for, who):
    response = client_for(tpp.accounts[who]).post(COMPUTE, {"bulan": PERIOD})
    assert response.status_code == 403
    assert not TppMonth.objects.exists()


def test_a_failed_computation_shows_its_message(cast, client_for):
    calendar_year_ensure(cast.instansi.pk, 2026)  # and no preset at all
    client = client_for(cast.admin_bkpsdm)
    response = client.post(COMPUTE, {"bulan": PERIOD}, follow=True)
    reason = ("No TPP preset is in force for this month; choose one on the TPP settings page.")
    assert messages_of(response) == [
        f"The TPP of Oktober 2026 could not be computed: {reason}"]
    page = text(response)
    assert "The computation failed:" in page and reason in page
    assert TppMonth.objects.get().status == TppMonthStatus.FAILED
    assert 'action="/tpp/2026-10/setujui/"' not in page  # nothing to approve
    assert '<input type="hidden" name="bulan" value="2026-10">' in page  # try again


def test_the_progress_is_polled_while_computing(computed, client_for):
    TppMonth.objects.update(status=TppMonthStatus.COMPUTING, progress_done=3, progress_total=10)
    client = client_for(computed.admin_bkpsdm)
    page = text(client.get(MONTH_PAGE))
    assert 'hx-get="/tpp/2026-10/progres/"' in page and 'hx-trigger="every 2s"' in page
    assert "3 of 10 employees" in page
    assert '<input type="hidden" name="bulan"' not in page  # no recompute while running
    response = client.get(PROGRESS, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in text(response) and "HX-Refresh" not in response
    assert "<html" not in text(response)
    # Done: the poll stops and the page reloads to show the results.
    TppMonth.objects.update(status=TppMonthStatus.COMPUTED)
    response = client.get(PROGRESS, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "every 2s" not in text(response)
    # Failed: the message.
    TppMonth.objects.update(status=TppMonthStatus.FAILED, message="disk full")
    response = client.get(PROGRESS, HTTP_HX_REQUEST="true")
    assert "The computation failed:" in text(response) and "disk full" in text(response)


def test_recompute_replaces_the_results_before_approval(computed, client_for):
    from kinerja.attendance.models import Presensi

    Presensi.objects.filter(pegawai=computed.people["pegawai"], date=dt.date(2026, 10, 5)
                            ).update(check_in=dt.time(7, 45), late_minutes=15)
    response = client_for(computed.admin_bkpsdm).post(COMPUTE, {"bulan": PERIOD})
    assert response.status_code == 302
    line = TppLine.objects.get(pegawai=computed.people["pegawai"])
    # TL1 once: 0.5% of 5,764,000 = 28,820 off the on-time gross 2,305,600.
    assert (line.deductions, line.gross) == (Decimal(28820), Decimal(2276780))


# --- Approval ---------------------------------------------------------------------------------


def test_admin_approves_a_computed_month(computed, client_for):
    client = client_for(computed.admin_bkpsdm)
    page = text(client.get(MONTH_PAGE))
    assert "data-confirm=" in page and "Approve the TPP of Oktober 2026?" in page
    response = client.post(APPROVE, follow=True)
    assert response.redirect_chain == [(MONTH_PAGE, 302)]
    assert messages_of(response) == ["The TPP of Oktober 2026 is approved and locked."]
    tpp_month = TppMonth.objects.get()
    assert tpp_month.status == TppMonthStatus.APPROVED
    assert tpp_month.approved_by == computed.admin_bkpsdm
    assert AuditRecord.objects.filter(action="tpp.approve").count() == 1
    page = text(response)
    assert "locked: corrections are adjustments" in page
    assert 'action="/tpp/2026-10/setujui/"' not in page
    assert '<input type="hidden" name="bulan"' not in page  # no recompute button
    assert 'action="/tpp/2026-10/penyesuaian/"' in page  # the adjustment form


def test_recompute_is_refused_after_approval(approved, client_for):
    before = dict(TppLine.objects.values_list("pegawai_id", "digest"))
    from kinerja.attendance.models import Presensi

    Presensi.objects.filter(pegawai=approved.people["pegawai"]).update(late_minutes=45)
    response = client_for(approved.admin_bkpsdm).post(COMPUTE, {"bulan": PERIOD}, follow=True)
    assert response.redirect_chain == [(MONTH_PAGE, 302)]
    assert messages_of(response) == [
        "Oktober 2026: This month's TPP is approved and locked; corrections are adjustments."]
    assert dict(TppLine.objects.values_list("pegawai_id", "digest")) == before
    assert TppMonth.objects.get().status == TppMonthStatus.APPROVED


def test_only_a_computed_month_is_approved(cast, client_for):
    calendar_year_ensure(cast.instansi.pk, 2026)
    client = client_for(cast.admin_bkpsdm)
    client.post(COMPUTE, {"bulan": PERIOD}, follow=True)  # fails: no preset
    response = client.post(APPROVE, follow=True)
    assert messages_of(response) == ["Only a computed month can be approved."]
    assert TppMonth.objects.get().status == TppMonthStatus.FAILED


@pytest.mark.parametrize("who", ["pegawai", "admin_opd", "pimpinan", "auditor"])
def test_only_admin_bkpsdm_approves(computed, client_for, who):
    assert client_for(computed.accounts[who]).post(APPROVE).status_code == 403
    assert TppMonth.objects.get().status == TppMonthStatus.COMPUTED


# --- Adjustments ------------------------------------------------------------------------------


def test_positive_and_negative_adjustments(approved, client_for):
    client = client_for(approved.admin_bkpsdm)
    nip = approved.people["pegawai"].nip
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"  # as printed on the ID card
    response = client.post(ADJUST, {"nip": spaced, "amount": "Rp250.000",
                                    "reason": "Kekurangan bayar September"}, follow=True)
    assert response.redirect_chain == [(f"{MONTH_PAGE}#penyesuaian", 302)]
    assert messages_of(response) == ["Dewi Pelaksana: adjustment of Rp250.000 recorded."]
    client.post(ADJUST, {"nip": nip, "amount": "-75.500,50", "reason": "Kelebihan bayar"})
    amounts = sorted(TppAdjustment.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("-75500.50"), Decimal("250000.00")]
    page = text(client.get(MONTH_PAGE))
    assert "Kekurangan bayar September" in page and "Rp250.000" in page
    assert "Kelebihan bayar" in page and "-Rp75.500,50" in page
    # The Dinas Kesehatan's paid total moves by the sum; the approved net does not.
    assert AuditRecord.objects.filter(action="tpp.adjust").count() == 2
    assert TppLine.objects.get(pegawai=approved.people["pegawai"]).net == Decimal(2282544)
    explanation = text(client.get(reverse("tpp_explanation", args=[PERIOD, nip])))
    # on time: net 2,282,544; paid 2,282,544 + 250,000 - 75,500.50 = 2,457,043.50
    assert "Rp2.282.544" in explanation and "Rp2.457.043,50" in explanation


@pytest.mark.parametrize(("data", "field", "error"), [
    ({"amount": "50000", "reason": ""}, "reason", "Give the reason for the adjustment."),
    ({"amount": "50000", "reason": "   "}, "reason", "Give the reason for the adjustment."),
    ({"amount": "0", "reason": "x"}, "amount", "The amount must not be zero."),
    ({"amount": "lima puluh", "reason": "x"}, "amount", "The amount is not a number."),
    ({"amount": "", "reason": "x"}, "amount", "Give the amount."),
])
def test_an_adjustment_needs_a_reason_and_an_amount(approved, client_for, data, field, error):
    data = {"nip": approved.people["pegawai"].nip, **data}
    response = client_for(approved.admin_bkpsdm).post(ADJUST, data)
    assert response.status_code == 400
    assert response.context["adjust_form"].errors[field] == [error]
    assert error in text(response)
    assert not TppAdjustment.objects.exists()


def test_an_adjustment_needs_someone_in_the_month(approved, client_for):
    client = client_for(approved.admin_bkpsdm)
    response = client.post(ADJUST, {"nip": "199001012015011999", "amount": "1000",
                                    "reason": "x"})
    assert response.status_code == 400
    assert response.context["adjust_form"].errors["nip"] == ["No employee with this NIP."]
    response = client.post(ADJUST, {"nip": approved.people["pimpinan"].nip, "amount": "1000",
                                    "reason": "x"})  # no position, no TPP line
    assert "This employee has no TPP in this month." in text(response)
    other = build_cast("kab-lain")
    response = client.post(ADJUST, {"nip": other.people["pegawai"].nip, "amount": "1000",
                                    "reason": "x"})
    assert response.context["adjust_form"].errors["nip"] == ["No employee with this NIP."]
    assert not TppAdjustment.objects.exists()


def test_no_adjustment_before_approval(computed, client_for):
    client = client_for(computed.admin_bkpsdm)
    assert 'action="/tpp/2026-10/penyesuaian/"' not in text(client.get(MONTH_PAGE))
    response = client.post(ADJUST, {"nip": computed.people["pegawai"].nip, "amount": "1000",
                                    "reason": "x"}, follow=True)
    assert response.redirect_chain == [(MONTH_PAGE, 302)]
    assert messages_of(response) == ["Adjustments are for approved months; recompute a month "
                                     "that is not approved yet."]
    assert not TppAdjustment.objects.exists()


@pytest.mark.parametrize("who", ["pegawai", "admin_opd", "pimpinan", "auditor"])
def test_only_admin_bkpsdm_adjusts(approved, client_for, who):
    response = client_for(approved.accounts[who]).post(ADJUST, {
        "nip": approved.people["pegawai"].nip, "amount": "1000", "reason": "x"})
    assert response.status_code == 403
    assert not TppAdjustment.objects.exists()


@pytest.mark.parametrize(("raw", "value"), [
    ("250000", Decimal("250000")), ("Rp250.000", Decimal("250000")),
    ("-Rp50.000", Decimal("-50000")), ("Rp-50.000", Decimal("-50000")),
    ("+1.250.000,50", Decimal("1250000.50")), ("75000.5", Decimal("75000.5")),
    (" - 1 000 ", Decimal("-1000")), ("1.25", Decimal("1.25")),
    ("abc", None), ("1,2,3", None), ("1.2.3", None), ("", None), ("-", None), ("1e5", None),
])
def test_amounts_as_typed_in_indonesia(raw, value):
    assert parse_rupiah(raw) == value


# --- What each role sees ----------------------------------------------------------------------


def test_admin_opd_sees_their_opd_only(approved, client_for):
    tpp_month = TppMonth.objects.get()
    for who, reason in (("pegawai", "Koreksi Dinkes"), ("outsider", "Koreksi Disdik")):
        services.adjustment_create(actor=approved.admin_bkpsdm, tpp_month=tpp_month,
                                   pegawai=approved.people[who], amount="1000", reason=reason)
    client = client_for(approved.admin_opd)
    page = text(client.get(MONTH_PAGE))
    assert "Koreksi Dinkes" in page and "Koreksi Disdik" not in page
    dinkes, disdik = approved.opds["dinkes"], approved.opds["disdik"]
    assert f'href="/tpp/{PERIOD}/opd/{dinkes.pk}/"' in page
    assert f'/opd/{disdik.pk}/' not in page and "Dinas Pendidikan" not in page
    assert f'href="/tpp/{PERIOD}/daftar/"' not in page  # the instansi list is for readers
    assert "Total net" not in page  # the instansi's totals too
    assert 'action="/tpp/2026-10/setujui/"' not in page
    assert 'action="/tpp/2026-10/penyesuaian/"' not in page
    index = text(client.get(INDEX))
    assert f'href="/tpp/{PERIOD}/opd/{dinkes.pk}/"' in index
    assert 'action="/tpp/hitung/"' not in index


def test_readers_see_every_opd_but_do_not_act(approved, client_for):
    page = text(client_for(approved.auditor).get(MONTH_PAGE))
    for name in ("Dinas Kesehatan", "Dinas Pendidikan", "Badan Kepegawaian"):
        assert name in page
    assert f'href="/tpp/{PERIOD}/daftar/"' in page
    assert 'action="/tpp/2026-10/penyesuaian/"' not in page
    assert '<input type="hidden" name="bulan"' not in page


def test_an_employee_sees_their_own_months(approved, client_for):
    client = client_for(approved.pegawai)
    page = text(client.get(INDEX))
    nip = approved.people["pegawai"].nip
    assert f'href="/tpp/{PERIOD}/pegawai/{nip}/"' in page
    assert "Rp2.282.544" in page  # own net
    assert 'href="/tpp/2026-10/"' not in page and 'action="/tpp/hitung/"' not in page
    assert 'href="/tpp/preset/"' not in page
    # The month page sends them to their own explanation.
    response = client.get(MONTH_PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/tpp/{PERIOD}/pegawai/{nip}/"
    assert client.get(PROGRESS).status_code == 404


def test_someone_with_no_tpp_is_told_so(computed, client_for):
    from kinerja.people.models import Account, Pegawai

    person = Pegawai.objects.create(instansi=computed.instansi, nip="199501012020012001",
                                    name="Baru Masuk", gender="P",
                                    birth_date=dt.date(1995, 1, 1))
    account = Account.objects.create_user(person.nip, "x", instansi=computed.instansi,
                                          pegawai=person)
    client = client_for(account)
    assert "Your TPP has not been computed for any month yet." in text(client.get(INDEX))
    assert client.get(MONTH_PAGE).status_code == 404


def test_unknown_and_foreign_months_are_404(computed, client_for):
    client = client_for(computed.admin_bkpsdm)
    assert client.get("/tpp/2026-09/").status_code == 404
    assert client.get("/tpp/2026-13/").status_code == 404
    assert client.post("/tpp/2026-09/setujui/").status_code == 404
    other = build_cast("kab-lain")
    assert client_for(other.admin_bkpsdm).get(MONTH_PAGE).status_code == 404
    assert client_for(other.admin_bkpsdm).post(APPROVE).status_code == 404


def test_anonymous_goes_to_the_login(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


# --- Queries ----------------------------------------------------------------------------------


def _count(client, path, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(15) as counted:
        assert client.get(path).status_code == 200
    return len(counted.captured_queries)


def test_month_page_queries_do_not_grow(approved, client_for, django_assert_max_num_queries):
    client = client_for(approved.admin_bkpsdm)
    few = _count(client, MONTH_PAGE, django_assert_max_num_queries)
    TppMonth.objects.update(status="computed")
    add_people(approved, 20)
    services.month_compute_start(actor=approved.admin_bkpsdm, month=MONTH)
    services.month_approve(actor=approved.admin_bkpsdm, tpp_month=TppMonth.objects.get())
    for who in ("pegawai", "pegawai2", "outsider", "extra3"):
        services.adjustment_create(actor=approved.admin_bkpsdm, tpp_month=TppMonth.objects.get(),
                                   pegawai=approved.people[who], amount="1000", reason="uji")
    assert TppLine.objects.count() == 30
    many = _count(client, MONTH_PAGE, django_assert_max_num_queries)
    print(f"month page: {few} queries with 10 people, {many} with 30")
    assert many == few


def test_month_list_queries_do_not_grow(computed, client_for, django_assert_max_num_queries):
    client = client_for(computed.admin_bkpsdm)
    few = _count(client, INDEX, django_assert_max_num_queries)
    for month in (7, 8, 9):  # no presensi there: everyone absent, which is fine here
        services.month_compute(actor=computed.admin_bkpsdm, month=Month(2026, month))
    services.month_approve(actor=computed.admin_bkpsdm,
                           tpp_month=TppMonth.objects.get(period=dt.date(2026, 8, 1)))
    assert TppMonth.objects.count() == 4
    many = _count(client, INDEX, django_assert_max_num_queries)
    assert many == few


# --- Django admin -----------------------------------------------------------------------------


def test_the_django_admin_lists_tpp_read_only(approved, client_for):
    services.adjustment_create(actor=approved.admin_bkpsdm, tpp_month=TppMonth.objects.get(),
                               pegawai=approved.people["pegawai"], amount="1000", reason="uji")
    other = build_cast("kab-lain")
    from kinerja.allowances.testing import tpp_cast

    tpp_cast(other)
    services.month_compute(actor=None, instansi_id=other.instansi.pk, month=MONTH)
    account = approved.admin_bkpsdm
    account.is_staff = True
    account.save()
    client = client_for(account)
    for model, rows in [("tpppreset", 1), ("tpppresetversion", 1), ("tppmonth", 1),
                        ("tppline", 10), ("tppadjustment", 1)]:
        response = client.get(reverse(f"admin:allowances_{model}_changelist"))
        assert response.status_code == 200, model
        assert response.context["cl"].result_count == rows, model  # own instansi only
    line = TppLine.objects.filter(month__instansi=approved.instansi).first()
    response = client.get(reverse("admin:allowances_tppline_change", args=[line.pk]))
    assert response.status_code == 200
    assert b'type="submit"' not in response.content or b'name="_save"' not in response.content
    assert client.get(reverse("admin:allowances_tppadjustment_add")).status_code == 403
