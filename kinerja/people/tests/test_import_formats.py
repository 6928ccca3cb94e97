"""The readers: CSV (BOM, semicolons), XLSX (a real workbook), JSON and JSON Lines give the same
import, with the line numbers a user sees."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from kinerja.people.imports.readers import SourceRow, read_rows
from kinerja.people.imports.services import import_file
from kinerja.people.imports.values import CellError, date_value
from kinerja.people.models import ImportRowError, Pegawai
from kinerja.people.tests.test_import_employees import HEADER, employee, nip, write_csv

ROWS = [
    employee(nip(1), "Ani", golongan="iii/b", jenis_kelamin="P", tmt_jabatan="02/01/2024"),
    employee("12345", "Salah"),
    employee(nip(2), "Budi", gelar_belakang="S.Kom.", email="budi@contoh.go.id",
             tmt_jabatan="2024-01-02"),
]
# Ani's NIP says male (gender digit 1), so the jenis_kelamin P in the file is refused.


def _outcome(run) -> tuple:
    people = sorted(Pegawai.objects.filter(name__in=["Ani", "Budi", "Salah"])
                    .values_list("nip", "name", "golongan", "gelar_belakang", "email"))
    errors = sorted(ImportRowError.objects.filter(run=run).values_list("line", "field", "code"))
    return (run.created, run.updated, run.unchanged, run.error_count, tuple(people),
            tuple(errors))


def write_xlsx(path: Path, rows: list[dict]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        values = [row.get(c, "") for c in HEADER]
        tmt = row.get("tmt_jabatan", "")
        if tmt == "2024-01-02":  # a real Excel date cell
            values[HEADER.index("tmt_jabatan")] = dt.datetime(2024, 1, 2)
        sheet.append(values)
    book.create_sheet("Lain").append(["ignored"])
    book.save(path)
    return path


def write_json(path: Path, rows: list[dict], *, lines: bool) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        if lines:
            for row in rows:
                handle.write(json.dumps(row) + "\n\n")
        else:
            json.dump(rows, handle, indent=2)
    return path


@pytest.mark.parametrize("fmt", ["csv", "csv-bom-semicolon", "xlsx", "json", "jsonl"])
def test_every_format_gives_the_same_import(cast, tmp_path, fmt):
    if fmt == "csv":
        path = write_csv(tmp_path / "p.csv", ROWS)
    elif fmt == "csv-bom-semicolon":
        path = write_csv(tmp_path / "p.csv", ROWS, delimiter=";", bom=True)
    elif fmt == "xlsx":
        path = write_xlsx(tmp_path / "p.xlsx", ROWS)
    else:
        path = write_json(tmp_path / f"p.{fmt}", ROWS, lines=fmt == "jsonl")
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=path)
    assert run.status == "done", run.message
    # A spreadsheet line (header = line 1) or a JSON record number (from 1).
    first = 1 if fmt in ("json", "jsonl") else 2
    assert _outcome(run) == (1, 0, 0, 2, ((nip(2), "Budi", "III/a", "S.Kom.",
                                           "budi@contoh.go.id"),),
                             ((first, "jenis_kelamin", "gender_mismatch"),
                              (first + 1, "nip", "nip_format")))


def test_csv_line_numbers_count_blank_lines_and_multiline_cells(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b'\xef\xbb\xbfNIP;Nama\r\n1;"Satu\r\nDua"\r\n\r\n2;Tiga\r\n')
    with open(path, "rb") as handle:
        rows = list(read_rows(handle, "csv"))
    assert rows == [SourceRow(2, {"nip": "1", "nama": "Satu\r\nDua"}),
                    SourceRow(5, {"nip": "2", "nama": "Tiga"})]


def test_json_records_are_numbered_from_one(tmp_path):
    path = write_json(tmp_path / "x.json", [{"NIP": "1"}, {"nip": "2"}], lines=False)
    with open(path, "rb") as handle:
        assert [r.line for r in read_rows(handle, "json")] == [1, 2]


def test_aliases_are_accepted_case_insensitively(cast, tmp_path):
    path = tmp_path / "alias.csv"
    path.write_text(f"NIP Baru,Nama Lengkap,Gol,Kode Jabatan,TMT\n{nip(9)},Dedi,II/c,KASI,"
                    "2024-03-01\n", encoding="utf-8")
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=path)
    assert (run.created, run.error_count) == (1, 0)
    dedi = Pegawai.objects.get(nip=nip(9))
    assert dedi.golongan == "II/c"
    assert dedi.assignments.get().jabatan.code == "KASI"


def test_missing_required_column_fails_the_run(cast, tmp_path):
    path = tmp_path / "no-nip.csv"
    path.write_text("nama\nAni\n", encoding="utf-8")
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=path)
    assert run.status == "failed"
    assert "no column nip" in run.message


def test_numeric_nip_from_excel_is_refused(cast, tmp_path):
    book = Workbook()
    book.active.append(["nip", "nama"])
    book.active.append([196608011988031001, "Angka"])
    book.save(tmp_path / "n.xlsx")
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=tmp_path / "n.xlsx")
    error = ImportRowError.objects.get(run=run)
    assert (error.line, error.field, error.code) == (2, "nip", "nip_number")


@pytest.mark.parametrize("raw, expected", [
    ("2024-01-31", dt.date(2024, 1, 31)),
    ("31-01-2024", dt.date(2024, 1, 31)),
    ("31/01/2024", dt.date(2024, 1, 31)),
    ("2024-01-31 00:00:00", dt.date(2024, 1, 31)),
    (45322, dt.date(2024, 1, 31)),
    ("45322", dt.date(2024, 1, 31)),
    (dt.datetime(2024, 1, 31, 8, 0), dt.date(2024, 1, 31)),
    ("", None),
])
def test_dates(raw, expected):
    assert date_value(raw, column="tmt") == expected


@pytest.mark.parametrize("raw, code", [("31-02-2024", "date_invalid"), ("Jan 2024", "date_format"),
                                       ("2024/13/01", "date_format")])
def test_bad_dates(raw, code):
    with pytest.raises(CellError) as info:
        date_value(raw, column="tmt")
    assert info.value.code == code
