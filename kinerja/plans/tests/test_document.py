"""The SKP as an official PDF document: what it contains, who may download it, how many queries.

Set KINERJA_DOC_ARTIFACTS=<dir> to keep the rendered PDFs for a look (test-artifacts/)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from kinerja.people.rules import format_nip
from kinerja.plans import services
from kinerja.plans.document import (
    number_text,
    render_skp_html,
    render_skp_pdf,
    skp_pdf_filename,
)
from kinerja.plans.models import Skp
from kinerja.plans.testing import add_rhk

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")
LONG_RHK = (
    "Tersusunnya laporan administrasi persuratan dinas yang tertib, lengkap dan tepat waktu "
    "sebagai dukungan terhadap pelayanan kesehatan rujukan kepada masyarakat"
)


def _full_skp(cast, plan) -> Skp:
    """The pegawai's draft SKP with two main RHKs (one with three indicators), an additional
    one, perilaku expectations from the atasan and the three kinds of lampiran."""
    skp = plan.skp["pegawai"]
    me = cast.pegawai
    first = services.rhk_save(actor=me, skp=skp, text="Surat masuk dan keluar tercatat",
                              parent=plan.rhk["atasan"], intervention="langsung")
    services.indicator_save(actor=me, rhk=first, aspek="kuantitas",
                            text="Jumlah surat yang tercatat dalam agenda", target_kind="angka",
                            target_min=Decimal(1200), unit="surat")
    services.indicator_save(actor=me, rhk=first, aspek="kualitas",
                            text="Surat tercatat tanpa kesalahan", target_kind="kualitatif",
                            target_text="Tanpa kesalahan pencatatan")
    services.indicator_save(actor=me, rhk=first, aspek="waktu",
                            text="Waktu penyelesaian pencatatan", target_kind="rentang",
                            target_min=Decimal(1), target_max=Decimal("2.5"), unit="hari")
    second = services.rhk_save(actor=me, skp=skp, text=LONG_RHK, parent=plan.rhk["atasan"],
                               intervention="tidak_langsung")
    services.indicator_save(actor=me, rhk=second, aspek="kuantitas",
                            text="Jumlah laporan administrasi persuratan", target_kind="angka",
                            target_min=Decimal(12), unit="laporan")
    extra = services.rhk_save(actor=me, skp=skp, kind="tambahan",
                              text="Panitia pengadaan barang dan jasa")
    services.indicator_save(actor=me, rhk=extra, aspek="kuantitas",
                            text="Jumlah paket pengadaan yang didukung", target_kind="angka",
                            target_min=Decimal(3), unit="paket")
    services.perilaku_update(actor=cast.atasan, skp=skp, expectations={
        "BO": "Menjawab surat masyarakat paling lama tiga hari kerja",
        "KL": "Berbagi agenda surat dengan seksi lain",
    })
    for kind, text in [
        ("dukungan_sumber_daya", "Aplikasi persuratan elektronik"),
        ("dukungan_sumber_daya", "Komputer dan pemindai dokumen"),
        ("skema_pertanggungjawaban", "Laporan bulanan kepada Kepala Subbagian Umum"),
        ("konsekuensi", "Teguran lisan bila agenda tidak mutakhir"),
    ]:
        services.lampiran_save(actor=me, skp=skp, kind=kind, text=text)
    return skp


def _keep(name: str, pdf: bytes) -> None:
    target = os.environ.get("KINERJA_DOC_ARTIFACTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(pdf)


def _text(pdf: bytes, tmp_path: Path) -> str | None:
    """The PDF's text through poppler's pdftotext, or None where poppler is not installed."""
    if PDFTOTEXT is None:
        return None
    path = tmp_path / "skp.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True,
                          check=True, timeout=60)
    return " ".join(done.stdout.decode("utf-8").split())


TODAY = dt.date(2026, 3, 10)


def test_pdf_holds_the_employee_the_rhk_and_the_penilai(cast, plan, tmp_path):
    skp = _full_skp(cast, plan)
    pdf = render_skp_pdf(skp, on=TODAY)
    _keep("skp-draft-non-jpt.pdf", pdf)
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-64:]
    text = _text(pdf, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert "SASARAN KINERJA PEGAWAI" in text
    assert "Dewi Pelaksana" in text
    assert format_nip(cast.people["pegawai"].nip) in text
    assert "Surat masuk dan keluar tercatat" in text
    assert "Citra Kasubag" in text  # the pejabat penilai resolved for a draft
    assert "1.200 surat" in text and "1 – 2,5 hari" in text
    assert "DRAF" in text
    assert "LAMPIRAN SASARAN KINERJA PEGAWAI" in text
    assert "Aplikasi persuratan elektronik" in text


def test_document_follows_the_official_form(cast, plan):
    skp = _full_skp(cast, plan)
    html = render_skp_html(skp, on=TODAY)
    for heading in ["SASARAN KINERJA PEGAWAI", "PENDEKATAN HASIL KERJA KUANTITATIF",
                    "PERIODE PENILAIAN: 1 JANUARI SD 31 DESEMBER TAHUN",
                    "PEGAWAI YANG DINILAI", "PEJABAT PENILAI KINERJA", "HASIL KERJA",
                    "A. UTAMA", "B. TAMBAHAN", "RENCANA HASIL KERJA PIMPINAN YANG DIINTERVENSI",
                    "PERILAKU KERJA", "EKSPEKTASI KHUSUS PIMPINAN",
                    "LAMPIRAN SASARAN KINERJA PEGAWAI", "DUKUNGAN SUMBER DAYA",
                    "SKEMA PERTANGGUNGJAWABAN", "KONSEKUENSI", "PEMERINTAH KABUPATEN UJI"]:
        assert heading in html, heading
    # All seven BerAKHLAK values with their three guides each, and the expectation written.
    assert html.count("<li>") >= 21 + 4
    assert "Memahami dan memenuhi kebutuhan masyarakat" in html
    assert "Menjawab surat masyarakat paling lama tiga hari kerja" in html
    # The leader's RHK the pegawai intervenes.
    assert plan.rhk["atasan"].text in html
    assert "PERSPEKTIF" not in html
    assert 'class="watermark"' in html


def test_approved_jpt_skp_shows_iku_perspektif_and_no_watermark(cast, plan, tmp_path):
    skp = plan.skp["kadis"]
    html = render_skp_html(skp, on=TODAY)
    assert "BAGI PEJABAT PIMPINAN TINGGI" in html
    assert "PERSPEKTIF" in html and "Penerima Layanan" in html
    assert plan.iku.indicator in html
    assert 'class="watermark"' not in html
    pdf = render_skp_pdf(skp, on=TODAY)
    _keep("skp-approved-jpt.pdf", pdf)
    assert pdf.startswith(b"%PDF-")


def test_approved_skp_is_signed_by_the_recorded_penilai(cast, plan, tmp_path):
    skp = plan.skp["atasan"]
    html = render_skp_html(skp, on=TODAY)
    assert "Budi Sekretaris" in html
    assert format_nip(cast.people["sekretaris"].nip) in html
    assert 'class="watermark"' not in html
    assert "Kabupaten Uji, " in html  # place and the approval date


def test_number_text_is_indonesian():
    assert [number_text(Decimal(v)) for v in ["12.00", "2.50", "1000", "1234567.25", "0"]] == [
        "12", "2,5", "1.000", "1.234.567,25", "0"]
    assert number_text(None) == ""


# --- The page and the API ------------------------------------------------------------------


def test_download_is_an_attachment_named_after_year_and_nip(cast, plan, client_for):
    skp = plan.skp["pegawai"]
    response = client_for(cast.pegawai).get(reverse("skp_pdf", args=[skp.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    expected = f"SKP-{plan.year}-{cast.people['pegawai'].nip}.pdf"
    assert skp_pdf_filename(skp) == expected
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm",
                                 "pimpinan", "auditor"])
def test_everyone_who_sees_the_skp_may_download_it(cast, plan, client_for, who):
    skp = plan.skp["pegawai"]
    response = client_for(cast.accounts[who]).get(reverse("skp_pdf", args=[skp.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["outsider", "pegawai2"])
def test_outsider_gets_404(cast, plan, client_for, who):
    skp = plan.skp["pegawai"]
    assert client_for(cast.accounts[who]).get(reverse("skp_pdf", args=[skp.pk])).status_code == 404
    api = client_for(cast.accounts[who]).get(f"/api/v1/skp/{skp.pk}/pdf")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_missing_skp_is_404(cast, client_for):
    assert client_for(cast.pegawai).get(reverse("skp_pdf", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_log_in(plan, client):
    response = client.get(reverse("skp_pdf", args=[plan.skp["pegawai"].pk]))
    assert response.status_code == 302
    assert client.get(f"/api/v1/skp/{plan.skp['pegawai'].pk}/pdf").status_code == 401


def test_api_answers_the_pdf(cast, plan, client_for):
    skp = plan.skp["atasan"]
    response = client_for(cast.atasan).get(f"/api/v1/skp/{skp.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert skp_pdf_filename(skp) in response["Content-Disposition"]


def test_query_count_does_not_grow_with_rhk(cast, plan, client_for,
                                            django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    skp = plan.skp["pegawai"]
    client = client_for(cast.pegawai)
    url = reverse("skp_pdf", args=[skp.pk])
    # One RHK with one indicator and one lampiran item: every prefetch has rows to fetch.
    add_rhk(cast, "pegawai", skp, "Satu", parent=plan.rhk["atasan"])
    services.lampiran_save(actor=cast.pegawai, skp=skp, kind="konsekuensi", text="Teguran")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _full_skp(cast, plan)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
    assert len(small) <= 25
