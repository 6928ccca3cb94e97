"""The Perjanjian Kinerja Excel import: upsert by (OPD, year, sasaran, IKU), every bad row
reported with its line, good rows kept, idempotent, dry run, template, page and API."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kinerja.core.errors import Forbidden
from kinerja.core.models import AuditRecord
from kinerja.plans.goals.imports import COLUMNS, goals_import
from kinerja.plans.models import Iku, PerjanjianKinerja
from kinerja.plans.testing import open_year, this_year


def workbook(rows, header=COLUMNS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def good_rows(year):
    return [
        ("DINKES", year, "SS1", "Sehat", "IKU1", "Akreditasi", "persen", 90, 20, "45,5"),
        ("DINKES", year, "SS1", "Sehat", "IKU2", "Imunisasi", "persen", 95.5),
        ("DISDIK", year, "SS1", "Cerdas", "IKU1", "Lulus", "persen", 99),
    ]


@pytest.fixture
def year(cast):
    open_year(cast, this_year())
    return this_year()


def run(cast, who, rows, **kwargs):
    return goals_import(actor=cast.accounts[who], upload=workbook(rows), file_name="pk.xlsx",
                        **kwargs)


def test_good_rows_are_created_and_rerun_changes_nothing(cast, year):
    result = run(cast, "admin_bkpsdm", good_rows(year))
    assert (result.created, result.updated, result.unchanged, result.errors) == (3, 0, 0, [])
    iku = Iku.objects.get(code="IKU1", sasaran__perjanjian__opd=cast.opds["dinkes"])
    assert iku.annual_target == Decimal("90.00")
    assert (iku.realisation_q1, iku.realisation_q2) == (Decimal("20.00"), Decimal("45.50"))
    audits = AuditRecord.objects.count()
    again = run(cast, "admin_bkpsdm", good_rows(year))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditRecord.objects.count() == audits


def test_changed_target_is_an_update(cast, year):
    run(cast, "admin_bkpsdm", good_rows(year))
    rows = good_rows(year)
    rows[1] = ("DINKES", year, "SS1", "Sehat", "IKU2", "Imunisasi", "persen", 97)
    result = run(cast, "admin_bkpsdm", rows)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert AuditRecord.objects.filter(action="iku.update").count() == 1


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_kept(cast, year):
    rows = [
        ("DINKES", year, "SS1", "Sehat", "IKU1", "Akreditasi", "persen", 90),
        ("NOPE", year, "SS1", "Sehat", "IKU1", "Akreditasi", "persen", 90),
        ("DISDIK", year, "SS1", "Cerdas", "IKU1", "Lulus", "persen", 99),
        ("DINKES", year, "SS1", "Sehat", "IKU3", "Gizi", "persen", "sembilan"),
        ("DINKES", year, "SS1", "Sehat", "IKU4", "", "persen", 5),
        ("DINKES", year, "SS1", "Sehat", "IKU1", "Akreditasi", "persen", 90),
        ("DINKES", year + 9, "SS1", "Sehat", "IKU5", "x", "persen", 1),
    ]
    result = run(cast, "admin_opd", rows)
    found = [(e.line, e.column, e.code) for e in result.errors]
    assert found == [
        (3, "opd_kode", "unknown_opd"),
        (4, "opd_kode", "opd_scope"),
        (5, "target", "bad_number"),
        (6, "indikator", "required"),
        (7, "iku_kode", "duplicate"),
        (8, "tahun", "period_not_open"),
    ]
    assert result.created == 1
    assert Iku.objects.count() == 1


def test_dry_run_writes_nothing(cast, year):
    result = run(cast, "admin_bkpsdm", good_rows(year), dry_run=True)
    assert result.created == 3 and result.dry_run
    assert not PerjanjianKinerja.objects.exists()
    assert not AuditRecord.objects.exists()


def test_missing_column_fails_the_file(cast, year):
    from kinerja.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        goals_import(
            actor=cast.admin_bkpsdm,
            upload=workbook([("DINKES", year, "SS1", "x", "I")], header=COLUMNS[:5]),
            file_name="pk.xlsx",
        )
    assert exc.value.code == "missing_columns"


def test_pegawai_may_not_import(cast, year):
    with pytest.raises(Forbidden):
        run(cast, "pegawai", good_rows(year))


def test_template_reads_back_as_an_import(cast, year, client_for):
    response = client_for(cast.admin_opd).get("/sasaran/impor/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet["A2"].value == "DINKES"
    result = goals_import(actor=cast.admin_opd, upload=io.BytesIO(response.content),
                          file_name="t.xlsx", dry_run=True)
    assert result.errors == [] and result.created == 1


def test_import_page_shows_rejected_rows(cast, year, client_for):
    rows = good_rows(year)
    upload = SimpleUploadedFile("pk.xlsx", workbook(rows).getvalue())
    response = client_for(cast.kadis).post("/sasaran/impor/", {"file": upload})
    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert b"You may not change the goals of Dinas Pendidikan" in response.content


def test_import_api(cast, year, client_for):
    upload = SimpleUploadedFile("pk.xlsx", workbook(good_rows(year)).getvalue())
    response = client_for(cast.admin_bkpsdm).post(
        "/api/v1/goals/import", {"file": upload, "dry_run": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["created"] == 3 and body["errors"] == []
