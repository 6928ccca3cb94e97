"""The daftar nominatif TPP as an Excel file (openpyxl, write-only: rows stream to the file,
so a list of thousands of people does not hold a worksheet of cell objects in memory).

The same document as the PDF (allowances/document.py): heading, OPD, month, status, one row
per person, subtotals per OPD in the instansi's list, the totals and the signatures. Money is
written as numbers (not text) with the format '#,##0' ('#,##0.00' for a list with amounts in
sen), which Excel shows in the reader's own locale (1.234.567 on an Indonesian system).
Totals are written as computed values, not formulas, so any reader (and openpyxl, which caches
no formula results) sees the same figures as the page. The NIP is text: 18 digits would lose
their last digits as a number. The header row is frozen and repeats on every printed page;
the sheet prints A4 landscape, one page wide. For the instansi's list a second sheet
"Rekap per OPD" holds the totals of each OPD.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from kinerja.allowances.document import MONEY, DocRow, NominativeDocument

MONEY_FORMAT = "#,##0"
SEN_FORMAT = "#,##0.00"  # when the list has amounts with sen
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Columns: No, Nama, NIP, Golongan, Jabatan, Kelas, then the money.
HEADINGS = ("No", "Nama", "NIP", "Gol.", "Jabatan", "Kelas", *(label for _k, label in MONEY))
WIDTHS = (6, 32, 21, 7, 34, 7, *(16 for _m in MONEY))
FIRST_MONEY = 7  # column G
HEADER_ROW = 7

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_GREY = PatternFill("solid", fgColor="E6E6E6")
_LIGHT = PatternFill("solid", fgColor="F3F3F3")


class _Sheet:
    """A write-only sheet with the small vocabulary the list needs."""

    def __init__(self, ws: WriteOnlyWorksheet, places: int = 0) -> None:
        self.ws = ws
        self.row = 0
        self.money_format = SEN_FORMAT if places else MONEY_FORMAT

    def cell(self, value: Any, *, bold: bool = False, money: bool = False, text: bool = False,
             fill: PatternFill | None = None, box: bool = False, wrap: bool = False,
             center: bool = False, size: float | None = None,
             color: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        if cell.data_type == "f":
            # openpyxl takes a text starting with "=" for a formula; nothing here is one (totals
            # are values), so a name like "=HYPERLINK(...)" from an import stays text.
            cell.data_type = "s"
        if bold or size or color:
            cell.font = Font(bold=bold, size=size, color=color)
        if money:
            cell.number_format = self.money_format
        if text:
            cell.number_format = "@"
        if fill is not None:
            cell.fill = fill
        if box:
            cell.border = _BOX
        if wrap or center:
            cell.alignment = Alignment(wrap_text=wrap, vertical="top",
                                       horizontal="center" if center else None)
        return cell

    def append(self, cells: Iterable[Any]) -> None:
        self.ws.append(list(cells))
        self.row += 1


def _setup(ws: WriteOnlyWorksheet, widths: Iterable[float]) -> None:
    # Column widths and print settings go before the first row in a write-only sheet.
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _person(sheet: _Sheet, row: DocRow) -> list[WriteOnlyCell]:
    return [
        sheet.cell(row.no, box=True, center=True),
        sheet.cell(row.name, box=True, wrap=True),
        sheet.cell(row.nip, box=True, text=True),
        sheet.cell(row.golongan, box=True, center=True),
        sheet.cell(row.jabatan, box=True, wrap=True),
        sheet.cell(row.kelas, box=True, center=True),
        *(sheet.cell(value, box=True, money=True) for value in row.values),
    ]


def _sum_row(sheet: _Sheet, label: str, values: Iterable[Decimal], *,
             fill: PatternFill | None = None) -> list[WriteOnlyCell]:
    return [
        sheet.cell(None, box=True, fill=fill),
        sheet.cell(label, bold=True, box=True, fill=fill),
        *(sheet.cell(None, box=True, fill=fill) for _i in range(FIRST_MONEY - 3)),
        *(sheet.cell(value, bold=True, money=True, box=True, fill=fill) for value in values),
    ]


def _list_sheet(ws: WriteOnlyWorksheet, doc: NominativeDocument) -> None:
    _setup(ws, WIDTHS)
    # Freeze the heading and the column header; repeat the header on every printed page.
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet = _Sheet(ws, doc.places)
    sheet.append([sheet.cell(doc.title, bold=True, size=13)])
    sheet.append([sheet.cell(doc.instansi_title, bold=True, size=12)])
    sheet.append([sheet.cell("Perangkat Daerah"), sheet.cell(doc.opd_name, bold=True)])
    sheet.append([sheet.cell("Bulan"), sheet.cell(doc.month_label, bold=True)])
    sheet.append([sheet.cell("Status"), sheet.cell(doc.status_label, bold=True),
                  sheet.cell(doc.draft_note, bold=True, color="AA0000")])
    sheet.append([])
    sheet.append(sheet.cell(label, bold=True, fill=_GREY, box=True, wrap=True, center=True)
                 for label in HEADINGS)
    assert sheet.row == HEADER_ROW
    for group in doc.groups:
        if doc.by_opd:
            sheet.append([sheet.cell(None, fill=_LIGHT, box=True),
                          sheet.cell(group.name, bold=True, fill=_LIGHT, box=True)])
        for row in group.rows:
            sheet.append(_person(sheet, row))
        if doc.by_opd:
            sheet.append(_sum_row(sheet, f"Jumlah {group.name} ({group.people} orang)",
                                  group.totals))
    sheet.append(_sum_row(sheet, f"JUMLAH ({doc.people} orang)", doc.totals, fill=_GREY))
    sheet.append([])
    note = ("Jumlah dalam rupiah. Jumlah bersih = TPP bruto - BPJS 1% - PPh 21 yang dipotong; "
            "dibayarkan = jumlah bersih + penyesuaian. BPJS 4% dibayar Pemda, tidak dipotong.")
    if doc.pph21_borne:
        note += " PPh 21 ditanggung APBD, tidak dipotong dari TPP."
    sheet.append([None, sheet.cell(note, size=9)])
    sheet.append([])
    left_col, right_col = 1, FIRST_MONEY + 5  # the signatures: left and right of the table

    def pair(left: str, right: str, bold: bool = False) -> list[Any]:
        cells: list[Any] = [None] * right_col
        cells[left_col] = sheet.cell(left, bold=bold) if left else None
        cells[right_col - 1] = sheet.cell(right, bold=bold) if right else None
        return cells

    sheet.append(pair(doc.left.above, f"{doc.place}, {doc.printed_on_text}"))
    sheet.append(pair(doc.left.title, doc.right.title))
    for _blank in range(3):
        sheet.append([])
    sheet.append(pair("(......................................)",
                      "(......................................)"))
    sheet.append(pair("NIP ......................................",
                      "NIP ......................................"))


def _recap_sheet(ws: WriteOnlyWorksheet, doc: NominativeDocument) -> None:
    _setup(ws, (6, 44, 10, *(16 for _m in MONEY)))
    ws.freeze_panes = "C5"
    sheet = _Sheet(ws, doc.places)
    sheet.append([sheet.cell(f"REKAPITULASI {doc.title} PER PERANGKAT DAERAH", bold=True)])
    sheet.append([sheet.cell(doc.instansi_title, bold=True)])
    sheet.append([sheet.cell("Bulan"), sheet.cell(doc.month_label, bold=True),
                  sheet.cell(doc.draft_note, bold=True, color="AA0000")])
    sheet.append(sheet.cell(label, bold=True, fill=_GREY, box=True, wrap=True, center=True)
                 for label in ("No", "Perangkat Daerah", "Pegawai",
                               *(label for _k, label in MONEY)))
    for no, group in enumerate(doc.groups, start=1):
        sheet.append([sheet.cell(no, box=True, center=True), sheet.cell(group.name, box=True),
                      sheet.cell(group.people, box=True, center=True),
                      *(sheet.cell(v, box=True, money=True) for v in group.totals)])
    sheet.append([sheet.cell(None, box=True, fill=_GREY),
                  sheet.cell("JUMLAH", bold=True, box=True, fill=_GREY),
                  sheet.cell(doc.people, bold=True, box=True, center=True, fill=_GREY),
                  *(sheet.cell(v, bold=True, box=True, money=True, fill=_GREY)
                    for v in doc.totals)])


def render_nominative_xlsx(doc: NominativeDocument) -> bytes:
    """The list as .xlsx bytes."""
    book = Workbook(write_only=True)
    _list_sheet(book.create_sheet("Daftar Nominatif"), doc)
    if doc.by_opd:
        _recap_sheet(book.create_sheet("Rekap per OPD"), doc)
    book.properties.title = f"{doc.title} {doc.opd_name} {doc.month_label}"
    book.properties.creator = "Kinerja"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
