"""The daftar nominatif TPP as PDF (allowances/document.py): what it prints (heading, OPD,
month, names, NIP, the money and the totals in Indonesian format, signatures), the BELUM
DISETUJUI mark, subtotals in the instansi's list, the download, and the pure helpers.

Set KINERJA_DOC_ARTIFACTS=<dir> to keep the rendered PDFs for a look."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from kinerja.allowances import selectors, services
from kinerja.allowances.document import (
    MONEY,
    build_document,
    filename,
    instansi_title,
    place_of,
    render_nominative_html,
    render_nominative_pdf,
)
from kinerja.allowances.tests.test_lists import (
    DINKES_PEOPLE,
    LIST_URL,
    PERIOD,
    add_people,
    approve,
    compute,
    opd_url,
)
from kinerja.core.formats import date_id, number_id
from kinerja.core.models import Instansi
from kinerja.people.access import today_in
from kinerja.people.rules import format_nip

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture
def computed(tpp):
    compute(tpp.cast)
    return tpp.cast


def _keep(name: str, pdf: bytes) -> None:
    target = os.environ.get("KINERJA_DOC_ARTIFACTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(pdf)


def _pdftotext(pdf: bytes, tmp_path: Path, name: str, *options: str) -> str:
    assert PDFTOTEXT is not None, "poppler-utils (pdftotext) is needed"
    assert pdf.startswith(b"%PDF")
    _keep(name, pdf)
    path = tmp_path / name
    path.write_bytes(pdf)
    done = subprocess.run([PDFTOTEXT, *options, str(path), "-"], capture_output=True,
                          check=True, timeout=120)
    return done.stdout.decode("utf-8")


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "daftar.pdf") -> str:
    """The PDF's text through poppler's pdftotext in reading order, whitespace collapsed."""
    return " ".join(_pdftotext(pdf, tmp_path, name).split())


def pdf_lines(pdf: bytes, tmp_path: Path, name: str = "daftar-layout.pdf") -> list[str]:
    """The PDF's lines as laid out on the page (pdftotext -layout): a table row is a line,
    its cells separated by single spaces."""
    return [" ".join(line.split()) for line in
            _pdftotext(pdf, tmp_path, name, "-layout").splitlines() if line.strip()]


def numbers(values) -> str:
    return " ".join(number_id(v) for v in values)


def line_starting(lines: list[str], start: str) -> str:
    return next(line for line in lines if line.startswith(start))


def pages_of(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([shutil.which("pdfinfo") or "pdfinfo", str(path)],
                          capture_output=True, check=True, timeout=60).stdout.decode()
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def document(cast, opd: str | None = "dinkes", who: str = "admin_bkpsdm"):
    account = cast.accounts[who]
    month = selectors.get_month_for(account, PERIOD)
    nominative = selectors.nominative(account, month,
                                      cast.opds[opd].pk if opd else None)
    instansi = Instansi.objects.get(pk=cast.instansi.pk)
    return nominative, build_document(nominative, instansi, on=today_in(account))


def test_opd_pdf_prints_the_official_list(computed, tmp_path):
    nominative, doc = document(computed)
    pdf = render_nominative_pdf(doc)
    text = pdf_text(pdf, tmp_path, "opd-draft.pdf")
    lines = pdf_lines(pdf, tmp_path)
    assert "DAFTAR NOMINATIF PEMBAYARAN TAMBAHAN PENGHASILAN PEGAWAI (TPP)" in text
    assert "PEMERINTAH KABUPATEN UJI" in text
    assert "Perangkat Daerah : DINAS KESEHATAN" in lines
    assert "Bulan : Oktober 2026" in lines
    for key in DINKES_PEOPLE:
        person = computed.people[key]
        assert person.full_name in text, key
        assert format_nip(person.nip) in text, key
    assert "Hadi Disdik" not in text
    for _key, label in MONEY:
        assert label in text
    # A row and the totals, every column in Indonesian format (PPh 21 borne by the APBD is
    # marked with *).
    kadis = next(r.line for r in nominative.rows if r.line.pegawai_id == computed.people[
        "kadis"].pk)
    assert line_starting(lines, "1 dr. Ahmad Kadis") == (
        "1 dr. Ahmad Kadis III/a Kepala Dinas Kesehatan 14 "
        f"{numbers([kadis.ceiling, kadis.payable, kadis.deductions, kadis.gross])} "
        f"{number_id(kadis.pph21)}* "
        f"{numbers([kadis.bpjs_employee, kadis.bpjs_employer, kadis.net, 0, kadis.net])}")
    assert "22.295.000" in text
    totals = [nominative.totals[key] for key, _label in MONEY]
    assert line_starting(lines, "JUMLAH") == f"JUMLAH (8 orang) {numbers(totals)}"
    # Not approved: the mark and the note.
    assert "BELUM DISETUJUI" in text
    # The signatures, with the place and the date of printing.
    assert "Mengetahui, Kepala Dinas Kesehatan" in text
    assert f"Kabupaten Uji, {date_id(doc.printed_on)} Bendahara Pengeluaran" in text
    assert "Halaman 1 dari 1" in text


def test_approved_pdf_has_no_draft_mark_and_shows_adjustments(computed, tmp_path):
    approve(computed)
    admin = computed.accounts["admin_bkpsdm"]
    services.adjustment_create(actor=admin, tpp_month=selectors.get_month_for(admin, PERIOD),
                               pegawai=computed.people["pegawai2"], amount="1234567",
                               reason="Rapel")
    nominative, doc = document(computed)
    pdf = render_nominative_pdf(doc)
    text = pdf_text(pdf, tmp_path, "opd-approved.pdf")
    lines = pdf_lines(pdf, tmp_path)
    assert "BELUM DISETUJUI" not in text
    assert line_starting(lines, "Status :").startswith("Status : Disetujui ")
    line = next(r.line for r in nominative.rows
                if r.line.pegawai_id == computed.people["pegawai2"].pk)
    row = next(x for x in lines if "Eko Pelaksana" in x)
    assert row.endswith(f"{number_id(line.net)} 1.234.567 {number_id(line.net + 1234567)}")
    assert line_starting(lines, "JUMLAH").endswith(
        f"{numbers([nominative.totals['net'], 1234567, nominative.totals['paid']])}")


def test_instansi_pdf_has_subtotals_per_opd(computed, tmp_path):
    nominative, doc = document(computed, opd=None, who="pimpinan")
    pdf = render_nominative_pdf(doc)
    text = pdf_text(pdf, tmp_path, "instansi.pdf")
    lines = pdf_lines(pdf, tmp_path)
    assert "SELURUH PERANGKAT DAERAH" in text
    dinkes = [r for r in nominative.rows if r.line.opd_id == computed.opds["dinkes"].pk]
    net = sum((r.line.net for r in dinkes), Decimal(0))
    assert line_starting(lines, "Jumlah Dinas Kesehatan (8 orang)").endswith(
        f"{number_id(net)} 0 {number_id(net)}")
    assert "Jumlah Dinas Pendidikan (1 orang)" in text
    totals = [nominative.totals[key] for key, _label in MONEY]
    assert line_starting(lines, "JUMLAH") == f"JUMLAH (10 orang) {numbers(totals)}"
    assert "Mengetahui, Sekretaris Daerah" in text


def test_pdf_download_by_admin_opd(computed, client_for, tmp_path):
    response = client_for(computed.accounts["admin_opd"]).get(opd_url(computed, suffix=".pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    code = computed.opds["dinkes"].code
    assert f'filename="TPP-{PERIOD}-{code}.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content, tmp_path)
    assert "Dewi Pelaksana" in text and "DINAS KESEHATAN" in text


def test_instansi_pdf_download(computed, client_for, tmp_path):
    response = client_for(computed.accounts["auditor"]).get(LIST_URL.replace("/daftar/",
                                                                             "/daftar.pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'filename="TPP-{PERIOD}-kab-uji.pdf"')
    assert "Hadi Disdik" in pdf_text(response.content, tmp_path)


def test_a_300_person_pdf_runs_over_pages_with_the_header_on_each(computed, tmp_path):
    add_people(computed, 292)
    compute(computed)
    nominative, doc = document(computed)
    pdf = render_nominative_pdf(doc)
    text = pdf_text(pdf, tmp_path, "opd-300.pdf")
    pages = pages_of(pdf, tmp_path)
    assert pages > 5
    assert f"Halaman {pages} dari {pages}" in text
    assert text.count("Jumlah Bersih") == pages  # the column header repeats on every page
    totals = [nominative.totals[key] for key, _label in MONEY]
    assert line_starting(pdf_lines(pdf, tmp_path), "JUMLAH") == (
        f"JUMLAH (300 orang) {numbers(totals)}")


def test_html_is_indonesian_whatever_the_language(computed):
    _nominative, doc = document(computed)
    html = render_nominative_html(doc)
    assert '<html lang="id">' in html
    assert "Oktober 2026" in html


def test_titles_places_and_file_names(computed):
    instansi = Instansi(code="kota-contoh", name="Kota Contoh")
    assert instansi_title(instansi) == "PEMERINTAH KOTA CONTOH"
    assert place_of(instansi) == "Kota Contoh"
    assert place_of(Instansi(name="Pemerintah Kabupaten Uji")) == "Kabupaten Uji"
    nominative, _doc = document(computed)
    assert filename(nominative, instansi, "pdf") == f"TPP-{PERIOD}-DINKES.pdf"
    everyone, _doc = document(computed, opd=None)
    assert filename(everyone, instansi, "xlsx") == f"TPP-{PERIOD}-kota-contoh.xlsx"


def test_an_amount_with_sen_prints_the_whole_list_with_sen(computed, tmp_path):
    approve(computed)
    admin = computed.accounts["admin_bkpsdm"]
    services.adjustment_create(actor=admin, tpp_month=selectors.get_month_for(admin, PERIOD),
                               pegawai=computed.people["kasi"], amount="-75500.50",
                               reason="Kelebihan bayar")
    nominative, doc = document(computed)
    assert doc.places == 2
    lines = pdf_lines(render_nominative_pdf(doc), tmp_path)
    line = next(r.line for r in nominative.rows
                if r.line.pegawai_id == computed.people["kasi"].pk)
    row = next(x for x in lines if "Fajar Kasi" in x)
    assert row.endswith(f"{number_id(line.net, 2)} -75.500,50 "
                        f"{number_id(line.net - Decimal('75500.50'), 2)}")
    assert line_starting(lines, "JUMLAH").endswith(
        f"-75.500,50 {number_id(nominative.totals['paid'], 2)}")
