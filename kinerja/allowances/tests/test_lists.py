"""The daftar nominatif TPP pages and their Excel files: who reads which list, what the page
and the file show (names, NIP, golongan, the money per column, subtotals, totals), that the
file's totals are the page's and the explanations', the draft notice, paging, query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kinerja.allowances import selectors, services, views_lists
from kinerja.allowances.document import MONEY_KEYS
from kinerja.allowances.excel import HEADER_ROW, HEADINGS, XLSX_TYPE
from kinerja.allowances.testing import MONTH
from kinerja.core.formats import number_id, rupiah
from kinerja.org.models import Jabatan, JenisJabatan
from kinerja.people.models import Pegawai, PositionAssignment
from kinerja.people.rules import format_nip
from kinerja.testing import START, Cast, make_nip

pytestmark = pytest.mark.django_db

PERIOD = MONTH.label  # 2026-10
LIST_URL = f"/tpp/{PERIOD}/daftar/"
DINKES_PEOPLE = ["kadis", "sekretaris", "atasan", "pegawai", "pegawai2", "kasi", "staf_kasi",
                 "admin_opd"]


def opd_url(cast: Cast, opd: str = "dinkes", suffix: str = "/") -> str:
    return f"/tpp/{PERIOD}/opd/{cast.opds[opd].pk}{suffix}"


def compute(cast: Cast) -> None:
    services.month_compute(actor=cast.accounts["admin_bkpsdm"], month=MONTH)


@pytest.fixture
def computed(tpp):
    compute(tpp.cast)
    return tpp.cast


def approve(cast: Cast):
    admin = cast.accounts["admin_bkpsdm"]
    return services.month_approve(actor=admin, tpp_month=selectors.get_month_for(admin, PERIOD))


def add_people(cast: Cast, count: int, *, opd: str = "dinkes", unit: str = "umum",
               prefix: str = "Pegawai Massal") -> list[Pegawai]:
    """`count` more people holding one pelaksana position of the OPD (bulk, a few queries)."""
    jabatan = Jabatan.objects.create(
        instansi=cast.instansi, opd=cast.opds[opd], unit=cast.units[unit],
        code=f"MASSAL-{opd}-{Jabatan.objects.count()}", name="Pengolah Data", kelas=7,
        jenis=JenisJabatan.PELAKSANA, supervisor=cast.positions["kasubag"]
        if opd == "dinkes" else None)
    jabatan.path = f"/{jabatan.pk}/"
    jabatan.save(update_fields=["path"])
    base = Pegawai.objects.count()
    people = Pegawai.objects.bulk_create([
        Pegawai(instansi=cast.instansi, name=f"{prefix} {base + i:04d}", gender="L",
                nip=make_nip(dt.date(1980, 1, 1) + dt.timedelta(days=base + i),
                             dt.date(2005, 1, 1), 1, (base + i) % 999 + 1),
                birth_date=dt.date(1980, 1, 1), golongan="II/c")
        for i in range(count)])
    PositionAssignment.objects.bulk_create([
        PositionAssignment(instansi=cast.instansi, pegawai=p, jabatan=jabatan,
                           kind="definitif", start_date=START)
        for p in people])
    return list(Pegawai.objects.filter(name__startswith=prefix))


def xlsx_rows(content: bytes, sheet: str = "Daftar Nominatif") -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    return list(book[sheet].iter_rows(values_only=True))


def person_rows(rows: list[tuple]) -> list[tuple]:
    """The rows of people: below the header, a number in column A and a NIP in column C."""
    return [r for r in rows[HEADER_ROW:] if isinstance(r[0], int) and r[2]]


def row_labelled(rows: list[tuple], start: str) -> tuple:
    return next(r for r in rows if isinstance(r[1], str) and r[1].startswith(start))


def as_money(values) -> list[Decimal]:
    return [Decimal(str(v)).quantize(Decimal("0.01")) for v in values]


# --- Who reads which list ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_bkpsdm", "pimpinan", "auditor"])
def test_instansi_readers_read_both_lists(computed, client_for, who):
    client = client_for(computed.accounts[who])
    assert client.get(LIST_URL).status_code == 200
    assert client.get(opd_url(computed, "disdik")).status_code == 200
    assert client.get(f"/tpp/{PERIOD}/daftar.xlsx").status_code == 200


def test_admin_opd_reads_only_their_own_opd(computed, client_for):
    client = client_for(computed.accounts["admin_opd"])
    page = client.get(opd_url(computed))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dewi Pelaksana" in text and "Hadi Disdik" not in text
    assert client.get(opd_url(computed, suffix=".xlsx")).status_code == 200
    for url in (opd_url(computed, "disdik"), opd_url(computed, "disdik", ".xlsx"),
                opd_url(computed, "disdik", ".pdf"), LIST_URL, f"/tpp/{PERIOD}/daftar.xlsx",
                f"/tpp/{PERIOD}/daftar.pdf"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["pegawai", "atasan", "kadis", "outsider"])
def test_others_hear_404_even_for_their_own_opd(computed, client_for, who):
    client = client_for(computed.accounts[who])
    for url in (LIST_URL, opd_url(computed), opd_url(computed, "disdik"),
                opd_url(computed, suffix=".xlsx"), f"/tpp/{PERIOD}/daftar.pdf"):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_log_in(computed, client):
    response = client.get(opd_url(computed, suffix=".xlsx"))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_a_month_without_tpp_an_unknown_opd_or_another_instansi_is_404(computed, client_for):
    from kinerja.testing import build_cast

    other = build_cast("kab-lain")
    client = client_for(computed.accounts["admin_bkpsdm"])
    assert client.get("/tpp/2026-09/daftar/").status_code == 404
    assert client.get("/tpp/bukan-bulan/daftar/").status_code == 404
    assert client.get("/tpp/2026-13/daftar.xlsx").status_code == 404
    assert client.get(f"/tpp/{PERIOD}/opd/999999/").status_code == 404
    assert client.get(f"/tpp/{PERIOD}/opd/{other.opds['dinkes'].pk}/").status_code == 404
    assert client.get(f"/tpp/{PERIOD}/opd/{other.opds['dinkes'].pk}.pdf").status_code == 404


# --- The page ------------------------------------------------------------------------------


def test_instansi_page_lists_everyone_with_subtotals_and_totals(computed, client_for):
    admin = computed.accounts["admin_bkpsdm"]
    nominative = selectors.nominative(admin, selectors.get_month_for(admin, PERIOD))
    response = client_for(admin).get(LIST_URL)
    text = response.content.decode()
    assert response.status_code == 200
    assert "TPP nominative list" in text and "Oktober 2026" in text
    for key in DINKES_PEOPLE + ["outsider", "admin_bkpsdm"]:
        person = computed.people[key]
        assert person.full_name in text
        assert format_nip(person.nip) in text
    kadis = nominative.rows[[r.line.pegawai_id for r in nominative.rows].index(
        computed.people["kadis"].pk)].line
    assert "Kepala Dinas Kesehatan" in text and kadis.golongan in text
    # Each money column of a row in Indonesian format: 22.295.000 and so on.
    for value in (kadis.ceiling, kadis.payable, kadis.gross, kadis.pph21, kadis.net):
        assert number_id(value) in text
    # Subtotals per OPD and the totals, in Indonesian format.
    assert "Subtotal Dinas Kesehatan" in text and "Subtotal Dinas Pendidikan" in text
    assert rupiah(nominative.totals["paid"]) in text
    assert number_id(nominative.totals["net"]) in text
    dinkes = sum((r.line.net for r in nominative.rows if r.line.opd_id == computed.opds[
        "dinkes"].pk), Decimal(0))
    assert rupiah(dinkes) in text  # the totals per OPD table
    assert f'href="{opd_url(computed)}"' in text
    assert f'href="/tpp/{PERIOD}/daftar.xlsx"' in text
    assert f'href="/tpp/{PERIOD}/daftar.pdf"' in text
    assert 'class="table-wrap"' in text  # wide on a phone: the table scrolls


def test_opd_page_lists_only_that_opd(computed, client_for):
    response = client_for(computed.accounts["pimpinan"]).get(opd_url(computed, "disdik"))
    text = response.content.decode()
    assert "Hadi Disdik" in text and "Dewi Pelaksana" not in text
    assert "Subtotal" not in text  # one OPD: the totals are the subtotal
    assert f'href="{opd_url(computed, "disdik", ".xlsx")}"' in text


def test_draft_notice_until_the_month_is_approved(computed, client_for):
    client = client_for(computed.accounts["admin_bkpsdm"])
    text = client.get(opd_url(computed)).content.decode()
    assert "NOT APPROVED YET" in text and "BELUM DISETUJUI" in text
    approve(computed)
    text = client.get(opd_url(computed)).content.decode()
    assert "NOT APPROVED YET" not in text
    assert "Approved" in text


def test_adjustments_are_shown_and_added_to_what_is_paid(computed, client_for):
    approve(computed)
    admin = computed.accounts["admin_bkpsdm"]
    month = selectors.get_month_for(admin, PERIOD)
    services.adjustment_create(actor=admin, tpp_month=month, pegawai=computed.people["pegawai"],
                               amount="125000", reason="Kekurangan bayar September")
    line = selectors.get_line_for(admin, month, computed.people["pegawai"].pk)
    text = client_for(computed.accounts["admin_opd"]).get(opd_url(computed)).content.decode()
    assert number_id(Decimal(125000)) in text
    assert number_id(line.net + 125000) in text


def test_long_list_is_paged_with_whole_list_totals(computed, client_for, monkeypatch):
    monkeypatch.setattr(views_lists, "PAGE_SIZE", 4)
    admin = computed.accounts["admin_bkpsdm"]
    nominative = selectors.nominative(admin, selectors.get_month_for(admin, PERIOD))
    client = client_for(admin)
    first = client.get(LIST_URL).content.decode()
    second = client.get(LIST_URL + "?page=2").content.decode()
    # The list is ordered by OPD name: BKPSDM (1), Dinas Kesehatan (8), Dinas Pendidikan (1).
    names = [r.line.pegawai.full_name for r in nominative.rows]
    assert names[0] in first and names[4] not in first
    assert names[4] in second and names[0] not in second
    assert "Page 2 of 3" in second
    # Dinas Kesehatan runs on from page 1: its heading says so and its subtotal waits for page 3.
    assert "(continued)" in second and "Subtotal Dinas Kesehatan" not in second
    assert "Subtotal Badan Kepegawaian" in first
    # The totals are the whole list's on every page.
    assert number_id(nominative.totals["paid"]) in second and "whole list" in second


def test_htmx_paging_answers_the_table_only(computed, client_for, monkeypatch):
    monkeypatch.setattr(views_lists, "PAGE_SIZE", 4)
    response = client_for(computed.accounts["admin_bkpsdm"]).get(
        LIST_URL + "?page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="nominative-table")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and 'class="nominative"' in text
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_page_queries_do_not_grow_with_people(computed, client_for):
    client = client_for(computed.accounts["admin_bkpsdm"])
    client.get(LIST_URL)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST_URL).status_code == 200
        assert client.get(opd_url(computed)).status_code == 200
    add_people(computed, 30)
    add_people(computed, 5, opd="disdik", unit="disdik", prefix="Guru Massal")
    compute(computed)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST_URL).status_code == 200
        assert client.get(opd_url(computed)).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_page_query_bound(computed, client_for, django_assert_max_num_queries):
    client = client_for(computed.accounts["admin_opd"])
    client.get(opd_url(computed))
    # Session, account, instansi, the scope (2), the month, lines, adjustments, the OPD, the
    # header's counts.
    with django_assert_max_num_queries(12):
        assert client.get(opd_url(computed)).status_code == 200


# --- Excel ---------------------------------------------------------------------------------


def test_opd_excel_is_a_real_workbook_with_numbers_and_nip_as_text(computed, client_for):
    response = client_for(computed.accounts["admin_opd"]).get(opd_url(computed, suffix=".xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    dinkes = computed.opds["dinkes"]
    assert f'filename="TPP-{PERIOD}-{dinkes.code}.xlsx"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Daftar Nominatif"]
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "DAFTAR NOMINATIF PEMBAYARAN TAMBAHAN PENGHASILAN PEGAWAI (TPP)"
    assert rows[1][0] == "PEMERINTAH KABUPATEN UJI"
    assert rows[2][1] == "Dinas Kesehatan" and rows[3][1] == "Oktober 2026"
    assert "BELUM DISETUJUI" in rows[4][2]
    assert rows[HEADER_ROW - 1][: len(HEADINGS)] == HEADINGS
    people = person_rows(rows)
    assert len(people) == len(DINKES_PEOPLE)
    by_nip = {r[2]: r for r in people}
    kadis = computed.people["kadis"]
    row = by_nip[kadis.nip]  # the 18 digits, as text
    assert isinstance(row[2], str) and len(row[2]) == 18
    assert row[1] == kadis.full_name and row[3] == "III/a"
    assert row[4] == "Kepala Dinas Kesehatan" and row[5] == 14
    admin = computed.accounts["admin_bkpsdm"]
    line = selectors.get_line_for(admin, selectors.get_month_for(admin, PERIOD), kadis.pk)
    assert as_money(row[6:16]) == [line.ceiling, line.payable, line.deductions, line.gross,
                                   line.pph21, line.bpjs_employee, line.bpjs_employer,
                                   line.net, Decimal("0.00"), line.net]
    # Numbers, not text, with a thousands format; the NIP cell is text-formatted.
    cells = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1)
                 if r[2].value == kadis.nip)
    assert all(isinstance(c.value, int | float) for c in cells[6:16])
    assert cells[6].number_format == "#,##0" and cells[2].number_format == "@"
    # The signature block.
    flat = [v for r in rows for v in r if isinstance(v, str)]
    assert "Mengetahui," in flat and "Kepala Dinas Kesehatan" in flat
    assert "Bendahara Pengeluaran" in flat


def test_excel_totals_equal_the_page_and_the_explanations(computed, client_for):
    approve(computed)
    admin = computed.accounts["admin_bkpsdm"]
    month = selectors.get_month_for(admin, PERIOD)
    services.adjustment_create(actor=admin, tpp_month=month, pegawai=computed.people["kasi"],
                               amount="-50000", reason="Kelebihan bayar")
    client = client_for(admin)
    rows = xlsx_rows(client.get(f"/tpp/{PERIOD}/daftar.xlsx").content)
    total = row_labelled(rows, "JUMLAH")
    assert total[1] == "JUMLAH (10 orang)"
    totals = dict(zip(MONEY_KEYS, as_money(total[6:16]), strict=True))
    # The page's totals, by the same selector...
    nominative = selectors.nominative(admin, month)
    assert totals == {k: nominative.totals[k] for k in MONEY_KEYS}
    page = client.get(LIST_URL).content.decode()
    assert rupiah(totals["paid"]) in page and number_id(totals["gross"]) in page
    # ...and every person's explanation.
    explained = [selectors.explanation(admin, month, r.line.pegawai_id)
                 for r in nominative.rows]
    assert totals["net"] == sum((e.line.net for e in explained), Decimal(0))
    assert totals["paid"] == sum((e.paid for e in explained), Decimal(0))
    assert totals["adjustments"] == Decimal("-50000.00")
    # The people's rows add up to the totals; the subtotals per OPD too.
    people = person_rows(rows)
    assert len(people) == 10
    for i, key in enumerate(MONEY_KEYS):
        assert sum(as_money(r[6 + i] for r in people)) == totals[key], key
    subtotals = [r for r in rows if isinstance(r[1], str) and r[1].startswith("Jumlah ")
                 and r[1].endswith("orang)")]
    assert [s[1] for s in subtotals] == [
        "Jumlah Badan Kepegawaian dan Pengembangan SDM (1 orang)",
        "Jumlah Dinas Kesehatan (8 orang)", "Jumlah Dinas Pendidikan (1 orang)"]
    assert sum(as_money(s[13] for s in subtotals)) == totals["net"]
    # Approved: no draft mark.
    assert not any("BELUM DISETUJUI" in str(v) for r in rows for v in r if v)


def test_excel_keeps_sen_and_shows_them(computed, client_for):
    approve(computed)
    admin = computed.accounts["admin_bkpsdm"]
    services.adjustment_create(actor=admin, tpp_month=selectors.get_month_for(admin, PERIOD),
                               pegawai=computed.people["kasi"], amount="-75500.50",
                               reason="Kelebihan bayar")
    client = client_for(admin)
    content = client.get(opd_url(computed, suffix=".xlsx")).content
    sheet = load_workbook(io.BytesIO(content))["Daftar Nominatif"]
    cells = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1)
                 if r[2].value == computed.people["kasi"].nip)
    adjustment = cells[6 + MONEY_KEYS.index("adjustments")]
    assert adjustment.value == -75500.5 and adjustment.number_format == "#,##0.00"
    text = client.get(opd_url(computed)).content.decode()
    assert "-75.500,50" in text


def test_instansi_excel_has_a_recap_per_opd(computed, client_for):
    content = client_for(computed.accounts["auditor"]).get(f"/tpp/{PERIOD}/daftar.xlsx").content
    recap = xlsx_rows(content, "Rekap per OPD")
    assert "REKAPITULASI" in recap[0][0]
    opds = [r for r in recap[4:] if isinstance(r[0], int)]
    assert [r[1] for r in opds] == ["Badan Kepegawaian dan Pengembangan SDM",
                                    "Dinas Kesehatan", "Dinas Pendidikan"]
    assert [r[2] for r in opds] == [1, 8, 1]
    total = row_labelled(recap, "JUMLAH")
    assert total[2] == 10
    assert as_money([total[3 + MONEY_KEYS.index("net")]]) == as_money(
        [sum(as_money(r[3 + MONEY_KEYS.index("net")] for r in opds))])


# --- A big OPD -----------------------------------------------------------------------------


def test_a_300_person_opd_renders_as_page_and_excel(computed, client_for):
    add_people(computed, 292)  # with the 8 of the cast: 300 in Dinas Kesehatan
    compute(computed)
    client = client_for(computed.accounts["admin_opd"])
    page = client.get(opd_url(computed))
    text = page.content.decode()
    assert page.status_code == 200
    assert "300 employees" in text and "Page 1 of 3" in text
    rows = xlsx_rows(client.get(opd_url(computed, suffix=".xlsx")).content)
    people = person_rows(rows)
    assert len(people) == 300
    assert [r[0] for r in people] == list(range(1, 301))
    total = row_labelled(rows, "JUMLAH")
    admin = computed.accounts["admin_bkpsdm"]
    month = selectors.get_month_for(admin, PERIOD)
    nominative = selectors.nominative(admin, month, computed.opds["dinkes"].pk)
    assert as_money([total[6 + MONEY_KEYS.index("paid")]]) == [nominative.totals["paid"]]
    assert rupiah(nominative.totals["paid"]) in text



def test_a_month_still_computing_shows_an_empty_list_with_the_notice(computed, client_for):
    from kinerja.allowances.models import TppMonth, TppMonthStatus

    TppMonth.objects.create(instansi=computed.instansi, period=dt.date(2026, 11, 1),
                            status=TppMonthStatus.COMPUTING)
    client = client_for(computed.accounts["admin_bkpsdm"])
    text = client.get("/tpp/2026-11/daftar/").content.decode()
    assert "Nobody is on this list for this month." in text
    assert "NOT APPROVED YET" in text and "November 2026" in text
    rows = xlsx_rows(client.get("/tpp/2026-11/daftar.xlsx").content)
    assert person_rows(rows) == []
    assert row_labelled(rows, "JUMLAH")[1] == "JUMLAH (0 orang)"
    assert client.get("/tpp/2026-11/daftar.pdf")["Content-Type"] == "application/pdf"


def test_a_pdf_of_more_people_than_the_limit_is_refused_with_a_way_out(tpp, client_for,
                                                                       settings):
    from kinerja.allowances.batch import compute_month

    compute_month(tpp.instansi.pk, tpp.month)
    settings.KINERJA_TPP_PDF_MAX_ROWS = 5
    client = client_for(tpp.accounts["admin_bkpsdm"])
    response = client.get("/tpp/2026-10/daftar.pdf")
    assert response.status_code == 413
    assert "too many for one PDF (at most 5)" in response.content.decode()
    assert "Download the PDF of each OPD" in response.content.decode()
    # One OPD's list under the limit still downloads.
    dinkes = tpp.opds["disdik"]
    ok = client.get(f"/tpp/2026-10/opd/{dinkes.pk}.pdf")
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf"
