"""A month's TPP in a real browser: admin BKPSDM (desktop) computes October 2026 with the form,
sees the totals per OPD, opens Dinas Kesehatan's nominative list, downloads its Excel file
(read back with openpyxl) and approves the month; the employee (phone) opens their TPP and
reads the explanation: the late check-ins by band with their days, the day absent without
notice, and the net. Every figure checked on a page or in the file is the one in the database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from kinerja.allowances.excel import FIRST_MONEY
from kinerja.allowances.models import TppLine, TppMonth, TppMonthStatus
from kinerja.allowances.testing import MONTH, write_presensi
from kinerja.attendance.models import Presensi
from kinerja.core.formats import number_id, rupiah
from kinerja.testing import PASSWORD
from tests.browser.conftest import DESKTOP, PHONE, has_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser

T = dt.time
# The pegawai's October 2026 (22 working days, 07:30-16:00, Friday to 16:30):
TIMES = {
    ("pegawai", 1): (T(7, 45), T(16, 35)),  # Thu: 15 minutes late, TL1
    ("pegawai", 2): (T(7, 50), T(16, 35)),  # Fri: 20 minutes late, TL1
    ("pegawai", 5): (T(8, 10), T(16, 35)),  # Mon: 40 minutes late, TL2
    ("pegawai", 7): None,  # Wed: no record, absent without notice (tanpa keterangan)
}
# National preset, kelas 6: ceiling 5.764.000; kinerja 60% unpaid without an evaluation;
# disiplin 40% = 2.305.600 payable. Deductions on the ceiling: TL1 0,5% x 2 = 57.640,
# TL2 1% = 57.640, tanpa keterangan 4% = 230.560; together 345.840.
# Gross 1.959.760; BPJS 1% 19.598 (half up); PPh 21 borne by the APBD; net 1.940.162.
NET = Decimal(1940162)
DEDUCTIONS = Decimal(345840)
# Money columns of the list (document.MONEY): ceiling, payable, deductions, gross, pph21,
# bpjs_employee, bpjs_employer, net, adjustments, paid.
MONEY_FIELDS = ("ceiling", "payable", "deductions", "gross", "pph21", "bpjs_employee",
                "bpjs_employer", "net")
NET_INDEX = 7


def test_admin_computes_lists_downloads_and_approves_and_the_employee_reads_why(
    live_server, tpp, open_page, artifacts, tmp_path
):
    base = live_server.url
    pegawai = tpp.people["pegawai"]
    dinkes = tpp.opds["dinkes"]
    Presensi.objects.filter(pegawai=pegawai, date__gte=MONTH.first,
                            date__lte=MONTH.last).delete()
    assert write_presensi(tpp.cast, MONTH, people=["pegawai"], times=TIMES) == 21

    # --- Admin BKPSDM computes the month ----------------------------------------------------
    admin = open_page(DESKTOP)
    log_in(admin, base, tpp.admin_bkpsdm.username, PASSWORD)
    admin.get_by_role("link", name="TPP", exact=True).click()
    admin.wait_for_url(f"{base}/tpp/")
    assert admin.get_by_text("No month has been computed yet.").is_visible()
    compute = admin.locator("#hitung")
    compute.locator("input[name=bulan]").fill("2026-10")
    compute.get_by_role("button", name="Compute").click()
    admin.wait_for_url(f"{base}/tpp/2026-10/")
    admin.get_by_text("TPP of Oktober 2026 computed for").wait_for()
    tpp_month = TppMonth.objects.get(instansi=tpp.instansi, period=MONTH.first)
    assert tpp_month.status == TppMonthStatus.COMPUTED
    assert admin.locator(".badge", has_text="Computed").first.is_visible()

    line = TppLine.objects.get(month=tpp_month, pegawai=pegawai)
    assert line.deductions == DEDUCTIONS and line.net == NET  # the hand-worked figures
    dinkes_lines = TppLine.objects.filter(month=tpp_month, opd=dinkes)
    sums = dinkes_lines.aggregate(**{name: Sum(name) for name in MONEY_FIELDS})
    people = dinkes_lines.count()
    assert people > 1

    # The totals per OPD: Dinas Kesehatan's row shows its people and its net in rupiah.
    opd_row = admin.locator("#opd tbody tr", has_text="Dinas Kesehatan")
    assert opd_row.locator("td[data-label=People]").inner_text() == number_id(people)
    assert opd_row.locator("td[data-label=Net]").inner_text() == rupiah(sums["net"])
    assert opd_row.locator("td[data-label=Deductions]").inner_text() == rupiah(
        sums["deductions"])
    admin.screenshot(path=str(artifacts / "tpp-month-computed-desktop.png"), full_page=True)

    # --- Dinas Kesehatan's nominative list ----------------------------------------------------
    opd_row.get_by_role("link", name="Dinas Kesehatan").click()
    admin.wait_for_url(f"{base}/tpp/2026-10/opd/{dinkes.pk}/")
    assert admin.get_by_text("NOT APPROVED YET").is_visible()
    assert admin.locator("#nominative-summary .total-net").inner_text() == rupiah(sums["net"])
    row = admin.locator(f"#p{pegawai.pk}")
    assert pegawai.full_name in row.inner_text()
    money_cells = row.locator("td.num")  # Kelas, then the money in the order of MONEY
    assert money_cells.nth(1 + NET_INDEX).inner_text() == number_id(line.net)  # 1.940.162
    assert money_cells.nth(1 + 2).inner_text() == number_id(line.deductions)
    total_cells = admin.locator("tr.nominative-total td.num")
    assert total_cells.nth(NET_INDEX).inner_text() == number_id(sums["net"])
    admin.screenshot(path=str(artifacts / "tpp-nominative-dinkes-desktop.png"), full_page=True)

    with admin.expect_download() as info:
        admin.get_by_role("link", name="Download Excel (.xlsx)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    xlsx = tmp_path / download.suggested_filename
    download.save_as(xlsx)
    sheet = load_workbook(xlsx, read_only=True)["Daftar Nominatif"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert any(r and r[0] == "Status" and str(r[2]).startswith("BELUM DISETUJUI")
               for r in rows)
    person = next(r for r in rows if len(r) > 2 and r[2] == pegawai.nip)
    assert person[1] == pegawai.full_name
    person_money = person[FIRST_MONEY - 1:FIRST_MONEY - 1 + len(MONEY_FIELDS)]
    assert [Decimal(str(v)) for v in person_money] == [getattr(line, f) for f in MONEY_FIELDS]
    total = next(r for r in rows if len(r) > 1 and str(r[1] or "").startswith("JUMLAH ("))
    assert total[1] == f"JUMLAH ({people} orang)"
    total_money = total[FIRST_MONEY - 1:FIRST_MONEY - 1 + len(MONEY_FIELDS)]
    assert [Decimal(str(v)) for v in total_money] == [sums[f] for f in MONEY_FIELDS]

    # --- Approval ------------------------------------------------------------------------------
    admin.get_by_role("link", name="← TPP Oktober 2026").click()
    admin.wait_for_url(f"{base}/tpp/2026-10/")
    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    admin.on("dialog", accept)
    admin.get_by_role("button", name="Approve and lock").click()
    admin.get_by_text("The TPP of Oktober 2026 is approved and locked.").wait_for()
    assert dialogs and dialogs[0].startswith("Approve the TPP of Oktober 2026?")
    assert admin.locator(".badge.ok", has_text="Approved").first.is_visible()
    assert admin.get_by_role("button", name="Approve and lock").count() == 0
    assert admin.get_by_role("button", name="Recompute").count() == 0
    tpp_month.refresh_from_db()
    assert tpp_month.status == TppMonthStatus.APPROVED
    assert tpp_month.approved_by_id == tpp.admin_bkpsdm.pk
    admin.screenshot(path=str(artifacts / "tpp-month-approved-desktop.png"), full_page=True)

    # --- The employee reads why, on a phone --------------------------------------------------
    employee = open_page(PHONE)
    log_in(employee, base, tpp.pegawai.username, PASSWORD)
    employee.get_by_role("link", name="TPP", exact=True).click()
    employee.wait_for_url(f"{base}/tpp/")
    mine = employee.locator("#tpp-saya")
    assert mine.get_by_text(rupiah(NET)).first.is_visible()
    assert has_no_sideways_scroll(employee), "/tpp/ scrolls sideways on a phone"
    employee.screenshot(path=str(artifacts / "tpp-mine-phone.png"), full_page=True)
    mine.get_by_role("link", name="Oktober 2026").click()
    employee.wait_for_url(f"{base}/tpp/2026-10/pegawai/{pegawai.nip}/")
    assert employee.get_by_role("heading", name="My TPP, Oktober 2026").is_visible()

    cuts = employee.locator("section#deductions")
    tl1 = cuts.locator("tr", has_text="Late check-in TL1")
    assert "1–30 minutes" in tl1.inner_text()
    assert "× 2 days" in tl1.inner_text()
    assert tl1.locator("td.num").inner_text() == "-Rp57.640"
    tl2 = cuts.locator("tr", has_text="Late check-in TL2")
    assert "× 1 day" in tl2.inner_text()
    assert tl2.locator("td.num").inner_text() == "-Rp57.640"
    absent = cuts.locator("tr", has_text="Absent without notice (tanpa keterangan)")
    assert "4% × 1 day" in absent.inner_text()
    assert absent.locator("td.num").inner_text() == "-Rp230.560"
    assert cuts.locator("tfoot td.num").inner_text() == rupiah(-line.deductions)

    net_row = employee.locator("section#bersih tr", has_text="Net")
    assert net_row.locator("td.num").inner_text() == rupiah(line.net)  # Rp1.940.162
    assert employee.locator("#ringkasan .stat strong").inner_text() == rupiah(line.net)
    counted = employee.locator("#masukan").inner_text()
    assert "TL1: 2 days, TL2: 1 day" in counted
    assert has_no_sideways_scroll(employee), "the TPP explanation scrolls sideways on a phone"
    employee.screenshot(path=str(artifacts / "tpp-explanation-phone.png"), full_page=True)

    # /tpp/saya/ lands on the same explanation.
    employee.goto(f"{base}/tpp/saya/")
    employee.wait_for_url(f"{base}/tpp/2026-10/pegawai/{pegawai.nip}/")
