"""Every upload entry point against malformed and disguised files.

Entry points: activity evidence (the log page and POST /api/v1/activities/{id}/evidence), the
SIMPEG and presensi imports (/impor/ and POST /api/v1/imports), the Perjanjian Kinerja import
(/sasaran/impor/ and POST /api/v1/goals/import). Files: programs and web pages renamed .jpg or
.pdf, an SVG with a script, a truncated JPEG, a PNG named .pdf, a zip named .xlsx, a workbook
with a macro or an external link, a workbook whose shared strings inflate to hundreds of MB,
CSV with NUL bytes, invalid UTF-8 or formulas, an empty file, an oversized file; and random
bytes behind a valid magic number (hypothesis).

What must hold: a clear message on the page or a 4xx in the API's error shape, never a 500;
nothing kept on disk or in the database that is not what it claims to be (a refused evidence
file leaves no row and no file; an import's file is removed after its run); a text starting
with "=" that comes back in an exported workbook stays text, not a formula.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook
from PIL import Image

from kinerja.activities import rules as activity_rules
from kinerja.activities import services as activity_services
from kinerja.activities.models import ActivityPolicy, Evidence
from kinerja.activities.services.evidence import sniff
from kinerja.activities.testing import log
from kinerja.core.errors import ApplicationError
from kinerja.people.imports.readers import ReaderError, read_rows
from kinerja.people.models import ImportRun
from kinerja.people.services import token_create

# --- Files ------------------------------------------------------------------------------------


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 120, 0)).save(out, "PNG")
    return out.getvalue()


def zipped(entries: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_extra_parts(data: bytes, extra: dict[str, bytes | str]) -> bytes:
    """The workbook with more parts added to its zip (a macro project, an external link)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        for name, part in extra.items():
            archive.writestr(name, part)
    return out.getvalue()


def shared_strings_bomb() -> bytes:
    """A valid-looking workbook (under 1 MB) whose sharedStrings.xml inflates to ~150 MB."""
    base = zipfile.ZipFile(io.BytesIO(workbook([["opd_kode", "opd_nama"], ["A", "B"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in base.infolist():
            if item.filename != "xl/sharedStrings.xml":
                archive.writestr(item.filename, base.read(item.filename))
        chunk = b"<si><t>" + b"a" * 1000 + b"</t></si>"
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main">')
            for _ in range(150_000):
                part.write(chunk)
            part.write(b"</sst>")
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(1)</script></svg>")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (name, bytes) the evidence upload must refuse.
EVIDENCE_REFUSED = {
    "exe-as-jpg": ("foto.jpg", EXE),
    "elf-as-pdf": ("laporan.pdf", ELF),
    "html-as-jpg": ("foto.jpg", HTML),
    "svg-with-script-as-jpg": ("foto.jpg", SVG),
    "svg-with-script": ("gambar.svg", SVG),
    "html-behind-pdf-header": ("laporan.pdf", b"%PDF-1.4\n" + HTML),
    "truncated-pdf": ("laporan.pdf", PDF[:20]),
    "truncated-jpeg": ("foto.jpg", jpeg()[:300]),
    "zip-as-xlsx": ("data.xlsx", zipped({"readme.txt": "bukan workbook"})),
    "xlsx-with-macro-project": (
        "data.xlsx", with_extra_parts(workbook([["a"]]), {"xl/vbaProject.bin": b"\xd0\xcf" * 64}),
    ),
    "empty": ("kosong.jpg", b""),
    "random-bytes": ("acak.docx", bytes(range(256)) * 4),
}


# --- Evidence ---------------------------------------------------------------------------------


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def pegawai_api(cast) -> Client:
    _token, plain = token_create(account=cast.pegawai, name="fuzz")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


@pytest.mark.parametrize("case", sorted(EVIDENCE_REFUSED))
def test_evidence_api_refuses_disguised_files(cast, work, case):
    name, data = EVIDENCE_REFUSED[case]
    activity = log(cast, "pegawai", work)
    response = pegawai_api(cast).post(
        f"/api/v1/activities/{activity.pk}/evidence",
        {"file": SimpleUploadedFile(name, data, content_type="image/jpeg")},
    )
    assert response.status_code == 400, (case, response.status_code, response.content[:200])
    error = response.json()["error"]
    assert error["code"].startswith("evidence_") and error["message"], error
    assert not Evidence.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("case", ["exe-as-jpg", "svg-with-script-as-jpg", "truncated-jpeg",
                                  "zip-as-xlsx", "html-behind-pdf-header"])
def test_evidence_page_refuses_disguised_files_with_a_message(cast, work, client_for, case):
    name, data = EVIDENCE_REFUSED[case]
    activity = log(cast, "pegawai", work)
    client = client_for(cast.pegawai)
    response = client.post(
        f"/kegiatan/{activity.pk}/bukti/", {"uploads": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert name in page  # the refusal names the file
    assert "choose them again" in page
    assert not Evidence.objects.exists()
    assert stored_files() == []


@pytest.mark.indonesian
def test_evidence_refusal_is_explained_in_indonesian(cast, work, client_for):
    activity = log(cast, "pegawai", work)
    response = client_for(cast.pegawai).post(
        f"/kegiatan/{activity.pk}/bukti/", {"uploads": SimpleUploadedFile("foto.jpg", EXE)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "foto.jpg" in page and "tidak diterima" in page.lower(), page[-3000:]


def test_png_named_pdf_is_stored_as_the_png_it_is(cast, work):
    activity = log(cast, "pegawai", work)
    response = pegawai_api(cast).post(
        f"/api/v1/activities/{activity.pk}/evidence",
        {"file": SimpleUploadedFile("laporan.pdf", png())},
    )
    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/png" and evidence.file.name.endswith(".png")
    with evidence.file.open("rb") as handle:
        assert sniff(handle.read()) == "image/png"


def test_workbook_with_an_external_link_is_a_workbook(cast, work):
    """An external link is a reference Excel asks about when the file is opened; the stored
    file is the workbook it claims to be (and is downloaded, never shown inline)."""
    data = with_extra_parts(
        workbook([["a"]]),
        {"xl/externalLinks/externalLink1.xml": '<externalLink xmlns="http://schemas.'
         'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="'
         'http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></externalLink>'},
    )
    activity = log(cast, "pegawai", work)
    response = pegawai_api(cast).post(
        f"/api/v1/activities/{activity.pk}/evidence", {"file": SimpleUploadedFile("a.xlsx", data)}
    )
    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.file.name.endswith(".xlsx")
    download = pegawai_api(cast).get(f"/api/v1/evidence/{evidence.pk}/file")
    assert "attachment" in download["Content-Disposition"]
    assert "sandbox" in download["Content-Security-Policy"]


def test_oversized_evidence_is_refused_before_it_is_read(cast, work):
    ActivityPolicy.objects.create(instansi=cast.instansi, evidence_max_mb=1)
    activity = log(cast, "pegawai", work)
    big = PDF[:9] + b"%" + b"0" * (1024 * 1024) + b"\n" + PDF[9:]
    response = pegawai_api(cast).post(
        f"/api/v1/activities/{activity.pk}/evidence", {"file": SimpleUploadedFile("b.pdf", big)}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "evidence_too_large"
    assert stored_files() == []


MAGIC = {
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "png": b"\x89PNG\r\n\x1a\n",
    "webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    "pdf": b"%PDF-1.7\n",
    "zip": b"PK\x03\x04",
    "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "heic": b"\x00\x00\x00\x18ftypheic",
    "gif": b"GIF89a",
}


@pytest.mark.django_db
@hypothesis_settings(max_examples=80, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])
@given(magic=st.sampled_from(sorted(MAGIC)), tail=st.binary(max_size=4096),
       end=st.sampled_from([b"", b"\n%%EOF\n"]))
def test_random_bytes_behind_a_magic_number_never_crash_nor_lie(cast, work, magic, tail, end):
    """Whatever follows a valid magic number: refused with a known code, or stored as a file
    whose bytes really are of the type recorded."""
    activity = log(cast, "pegawai", work) if not hasattr(work, "_fuzz_log") else work._fuzz_log
    work._fuzz_log = activity
    data = MAGIC[magic] + tail + end
    with transaction.atomic():
        try:
            evidence = activity_services.evidence_add_file(
                actor=cast.pegawai, activity=activity, name=f"acak.{magic}", data=data
            )
        except ApplicationError as refused:
            assert refused.code.startswith("evidence_"), refused.code
        else:
            with evidence.file.open("rb") as handle:
                stored = handle.read()
            assert sniff(stored) == evidence.content_type
            assert evidence.content_type in activity_rules.EVIDENCE_TYPES
            if evidence.content_type == "application/pdf":
                assert stored.startswith(b"%PDF") and b"%%EOF" in stored[-1024:]
            evidence.file.delete(save=False)
        transaction.set_rollback(True)


# --- SIMPEG and presensi imports ---------------------------------------------------------------

UNITS_HEADER = b"opd_kode,opd_nama,unit_kode,unit_nama,induk_kode\n"
IMPORT_FILES = {
    "exe-as-csv": ("units.csv", EXE),
    "elf-as-xlsx": ("units.xlsx", ELF),
    "zip-as-xlsx": ("units.xlsx", zipped({"readme.txt": "bukan workbook"})),
    "html-as-json": ("units.json", HTML),
    "csv-with-nul": ("units.csv", UNITS_HEADER + b"DINKES,Dinas\x00Kesehatan,DK\x00,Unit,\n"),
    "csv-invalid-utf8": ("units.csv", UNITS_HEADER + b"DINKES,Dinas \xff\xfe Kes,DK,Unit,\n"),
    "csv-formulas": ("units.csv", UNITS_HEADER
                     + b'DINKES,"=HYPERLINK(""http://x.test"",""klik"")",DK1,+cmd|x,\n'),
    "empty": ("units.csv", b""),
    "xlsx-shared-strings-bomb": ("units.xlsx", shared_strings_bomb()),
    "xlsx-with-macro": ("units.xlsm", with_extra_parts(
        workbook([["opd_kode", "opd_nama", "unit_kode", "unit_nama", "induk_kode"],
                  ["DINKES", "Dinas Kesehatan", "DK2", "Unit Dua", None]]),
        {"xl/vbaProject.bin": b"\xd0\xcf" * 64})),
    "unknown-extension": ("units.exe", EXE),
}


# A formula-looking name is text like any other (stored as typed, escaped on pages, kept text in
# exported workbooks); a workbook's macro project is never run by openpyxl.
IMPORT_ACCEPTED = {"csv-formulas", "xlsx-with-macro"}


def admin_api(cast) -> Client:
    _token, plain = token_create(account=cast.admin_bkpsdm, name="fuzz")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


@pytest.mark.parametrize("kind", ["units", "presensi"])
@pytest.mark.parametrize("case", sorted(IMPORT_FILES))
def test_simpeg_import_api_answers_every_malformed_file(cast, case, kind):
    name, data = IMPORT_FILES[case]
    response = admin_api(cast).post(
        "/api/v1/imports", {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )
    body = response.json()
    if case == "unknown-extension":
        assert response.status_code == 400 and body["error"]["code"] == "format"
        assert not ImportRun.objects.exists()
    else:
        # The run is recorded (its SHA-256, counts, outcome) and says what was wrong.
        assert response.status_code == 201, (case, response.status_code, response.content[:300])
        # A well-formed file of units is done as units; as presensi its columns are wrong.
        expected = "done" if case in IMPORT_ACCEPTED and kind == "units" else "failed"
        assert body["status"] == expected, (case, body)
        if expected == "failed":
            assert body["message"] and "internal error" not in body["message"], body
    # The uploaded file is not kept once its run is over.
    assert not [p for p in stored_files() if "imports" in p.parts], case


def test_import_of_a_shared_strings_bomb_fails_with_a_message(cast):
    response = admin_api(cast).post(
        "/api/v1/imports",
        {"kind": "units", "file": SimpleUploadedFile("units.xlsx", shared_strings_bomb())},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    assert "unpacks to more data" in response.json()["message"]


def test_formula_looking_text_is_imported_as_text(cast):
    from kinerja.org.models import UnitKerja

    name, data = IMPORT_FILES["csv-formulas"]
    response = admin_api(cast).post(
        "/api/v1/imports", {"kind": "units", "file": SimpleUploadedFile(name, data)}
    )
    assert response.json()["status"] == "done"
    assert UnitKerja.objects.filter(code="DK1", name="+cmd|x").exists()


def test_oversized_import_is_refused(cast, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    data = UNITS_HEADER + b"DINKES,Dinas Kesehatan,DK,Unit,\n" * 40_000
    response = admin_api(cast).post(
        "/api/v1/imports", {"kind": "units", "file": SimpleUploadedFile("units.csv", data)}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert not ImportRun.objects.exists()


@hypothesis_settings(max_examples=150, deadline=None)
@given(fmt=st.sampled_from(["csv", "xlsx", "json", "jsonl"]),
       head=st.sampled_from([b"", b"PK\x03\x04", b"[", b"{", b"\xef\xbb\xbf", UNITS_HEADER]),
       tail=st.binary(max_size=2048))
def test_readers_raise_only_their_own_error(fmt, head, tail):
    """Any bytes in any format: rows, or a ReaderError with a message (the run then fails
    with it); never another exception."""
    try:
        for _row in read_rows(io.BytesIO(head + tail), fmt):
            pass
    except ReaderError as error:
        assert error.message


# --- Perjanjian Kinerja import -----------------------------------------------------------------

GOALS_FILES = {
    "exe-as-xlsx": ("pk.xlsx", EXE),
    "zip-as-xlsx": ("pk.xlsx", zipped({"readme.txt": "bukan workbook"})),
    "pdf": ("pk.pdf", PDF),
    "csv-with-nul": ("pk.csv", b"opd_kode,tahun\nDINKES\x00,2026\n"),
    "csv-invalid-utf8": ("pk.csv", b"opd_kode,tahun\n\xff\xfe,2026\n"),
    "empty": ("pk.xlsx", b""),
    "xlsx-shared-strings-bomb": ("pk.xlsx", shared_strings_bomb()),
}


@pytest.mark.parametrize("case", sorted(GOALS_FILES))
def test_goals_import_api_answers_every_malformed_file(cast, case):
    name, data = GOALS_FILES[case]
    response = admin_api(cast).post(
        "/api/v1/goals/import", {"file": SimpleUploadedFile(name, data)}
    )
    assert 400 <= response.status_code < 500, (case, response.status_code, response.content[:300])
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("case", ["exe-as-xlsx", "csv-invalid-utf8", "empty"])
def test_goals_import_page_explains_a_malformed_file(cast, client_for, case):
    name, data = GOALS_FILES[case]
    client = client_for(cast.accounts["admin_opd"])
    response = client.post("/sasaran/impor/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist' in page or "has-error" in page, page[-2000:]


def test_oversized_goals_import_is_refused(cast):
    from kinerja.plans.goals.imports import MAX_UPLOAD_BYTES

    data = b"opd_kode,tahun\n" + b"DINKES,2026\n" * (MAX_UPLOAD_BYTES // 12 + 10)
    response = admin_api(cast).post(
        "/api/v1/goals/import", {"file": SimpleUploadedFile("pk.csv", data)}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"


# --- Formula injection in exported workbooks ----------------------------------------------------


def test_nominative_workbook_keeps_formula_like_text_as_text():
    from openpyxl import load_workbook

    from kinerja.allowances.excel import _Sheet

    book = Workbook(write_only=True)
    sheet = _Sheet(book.create_sheet("x"))
    sheet.append([sheet.cell('=HYPERLINK("http://x.test","klik")'), sheet.cell("+cmd|x"),
                  sheet.cell(12)])
    out = io.BytesIO()
    book.save(out)
    cells = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert cells[0].data_type == "s" and cells[0].value.startswith("=HYPERLINK")
    assert cells[1].data_type == "s"
    assert cells[2].data_type == "n"


def test_goals_template_keeps_formula_like_text_as_text():
    from openpyxl import load_workbook

    from kinerja.plans.goals.imports import EXAMPLE, template_workbook

    row = list(EXAMPLE)
    row[0] = "=1+1"
    data = template_workbook([tuple(row)])
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.data_type == "s" and cell.value == "=1+1"
