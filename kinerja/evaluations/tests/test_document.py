"""The evaluation as an official PDF document: what it contains, the DRAF watermark, who may
download it, how many queries.

Set KINERJA_DOC_ARTIFACTS=<dir> to keep the rendered PDFs for a look."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from kinerja.activities.testing import WorkCast
from kinerja.evaluations import rules, services
from kinerja.evaluations.batch import period_for_month, period_spec
from kinerja.evaluations.document import (
    curve_text,
    evaluation_pdf_filename,
    period_code,
    render_evaluation_html,
    render_evaluation_pdf,
)
from kinerja.evaluations.models import Evaluation, IndicatorRealisation, PeriodKind
from kinerja.evaluations.testing import finalised, self_assess, verified_log
from kinerja.people.access import today_in
from kinerja.people.rules import format_nip
from kinerja.plans import services as plan_services
from kinerja.plans.testing import approve, plan_cast

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")
FIRST_RHK = "Surat masuk dan keluar tercatat"
LONG_RHK = (
    "Tersusunnya laporan administrasi persuratan dinas yang tertib, lengkap dan tepat waktu "
    "sebagai dukungan terhadap pelayanan kesehatan rujukan kepada masyarakat"
)
EXTRA_RHK = "Panitia pengadaan barang dan jasa"
BERAKHLAK = ["Berorientasi Pelayanan", "Akuntabel", "Kompeten", "Harmonis", "Loyal",
             "Adaptif", "Kolaboratif"]


def _keep(name: str, pdf: bytes) -> None:
    target = os.environ.get("KINERJA_DOC_ARTIFACTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(pdf)


def _text(pdf: bytes, tmp_path: Path) -> str | None:
    """The PDF's text through poppler's pdftotext, or None where poppler is not installed."""
    if PDFTOTEXT is None:
        return None
    path = tmp_path / "evaluasi.pdf"
    path.write_bytes(pdf)
    # Reading order (no -layout): a cell's wrapped lines stay together.
    done = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True,
                          check=True, timeout=60)
    return " ".join(done.stdout.decode("utf-8").split())


def _full(cast) -> tuple[Evaluation, WorkCast]:
    """The pegawai's evaluation of this month on a full SKP: two main RHKs (one with three
    indicators of every target kind), an additional one, perilaku expectations, three verified
    logs of 5 surat each on the first RHK, supervisor feedback notes, and the OPD's organisation
    predikat set to Baik."""
    plan = plan_cast(cast)
    skp = plan.skp["pegawai"]
    me = cast.pegawai
    first = plan_services.rhk_save(actor=me, skp=skp, text=FIRST_RHK,
                                   parent=plan.rhk["atasan"], intervention="langsung")
    plan_services.indicator_save(actor=me, rhk=first, aspek="kuantitas",
                                 text="Jumlah surat yang tercatat dalam agenda",
                                 target_kind="angka", target_min=Decimal(1200), unit="surat")
    plan_services.indicator_save(actor=me, rhk=first, aspek="kualitas",
                                 text="Surat tercatat tanpa kesalahan", target_kind="kualitatif",
                                 target_text="Tanpa kesalahan pencatatan")
    plan_services.indicator_save(actor=me, rhk=first, aspek="waktu",
                                 text="Waktu penyelesaian pencatatan", target_kind="rentang",
                                 target_min=Decimal(1), target_max=Decimal("2.5"), unit="hari")
    second = plan_services.rhk_save(actor=me, skp=skp, text=LONG_RHK, parent=plan.rhk["atasan"],
                                    intervention="tidak_langsung")
    plan_services.indicator_save(actor=me, rhk=second, aspek="kuantitas",
                                 text="Jumlah laporan administrasi persuratan",
                                 target_kind="angka", target_min=Decimal(12), unit="laporan")
    extra = plan_services.rhk_save(actor=me, skp=skp, kind="tambahan", text=EXTRA_RHK)
    plan_services.indicator_save(actor=me, rhk=extra, aspek="kuantitas",
                                 text="Jumlah paket pengadaan yang didukung",
                                 target_kind="angka", target_min=Decimal(3), unit="paket")
    plan_services.perilaku_update(actor=cast.atasan, skp=skp, expectations={
        "BO": "Menjawab surat masyarakat paling lama tiga hari kerja",
    })
    approve(cast, "pegawai", skp, "atasan")
    work = WorkCast(plan, {"pegawai": first}, today_in(cast.pegawai))
    for hour in (8, 9, 10):
        verified_log(cast, work, start=(hour, 0), end=(hour, 45))
    spec = period_for_month(cast.instansi.pk, work.today.year, work.today.month)
    services.org_predikat_set(actor=cast.admin_bkpsdm, opd=cast.opds["dinkes"], spec=spec,
                              predikat="baik")
    services.feedback_note_add(actor=cast.atasan, pegawai=cast.people["pegawai"],
                               text="Agenda surat rapi dan mutakhir", rhk=first)
    services.feedback_note_add(actor=cast.atasan, pegawai=cast.people["pegawai"],
                               text="Sigap menjawab pertanyaan warga", value="BO")
    [evaluation] = services.evaluation_start(actor=me, pegawai=cast.people["pegawai"], spec=spec)
    return evaluation, work


def _rate_fully(cast, evaluation: Evaluation) -> Evaluation:
    rhk_ids = {r.rhk.text: r.rhk_id for r in evaluation.realisations.select_related("rhk")}
    return services.evaluation_rate(
        actor=cast.atasan, evaluation=evaluation, hasil_rating="di_atas",
        perilaku_rating="sesuai", rater_note="Pertahankan ketelitian.",
        rhk=[services.RhkRatingInput(rhk_ids[FIRST_RHK], "di_atas",
                                     "Seluruh surat tercatat sebelum tenggat")],
        perilaku=[services.PerilakuInput("AK", "sesuai", "Laporan tepat waktu")],
    )


def test_draft_pdf_holds_the_employee_the_rhk_the_values_and_the_watermark(cast, tmp_path):
    evaluation, _work = _full(cast)
    pdf = render_evaluation_pdf(evaluation, on=today_in(cast.pegawai))
    _keep("evaluasi-draft.pdf", pdf)
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-64:]
    text = _text(pdf, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert "EVALUASI KINERJA PEGAWAI" in text
    assert "Dewi Pelaksana" in text
    assert format_nip(cast.people["pegawai"].nip) in text
    assert FIRST_RHK in text and EXTRA_RHK in text
    for value in BERAKHLAK:
        assert value in text, value
    assert "DRAF" in text
    assert "Citra Kasubag" in text  # the pejabat penilai resolved before anyone rated
    assert "Budi Sekretaris" in text  # and their own supervisor
    # Pre-filled from three verified logs of 5 surat against the month's 100 (1,200 / 12).
    assert "15 surat" in text and "3 log kegiatan terverifikasi" in text
    assert "100 surat" in text
    assert "CAPAIAN KINERJA ORGANISASI" in text and "BAIK" in text
    assert "Sebagian besar (maksimal 70%) pegawai berpredikat Baik" in text
    assert "Agenda surat rapi dan mutakhir" in text
    assert "Sigap menjawab pertanyaan warga" in text
    assert "BELUM DINILAI" in text


def test_finalised_pdf_has_the_predikat_and_no_watermark(cast, tmp_path):
    evaluation, _work = _full(cast)
    self_assess(cast, evaluation)
    _rate_fully(cast, evaluation)
    evaluation = services.evaluation_finalise(actor=cast.atasan, evaluation=evaluation)
    assert evaluation.predikat == "baik"
    html = render_evaluation_html(evaluation, on=today_in(cast.pegawai))
    assert 'class="watermark' not in html
    pdf = render_evaluation_pdf(evaluation, on=today_in(cast.pegawai))
    _keep("evaluasi-final.pdf", pdf)
    text = _text(pdf, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert "DRAF" not in text
    assert "PREDIKAT KINERJA PEGAWAI BAIK" in text
    assert "RATING HASIL KERJA" in text and "DI ATAS EKSPEKTASI" in text
    assert "RATING PERILAKU KERJA" in text and "SESUAI EKSPEKTASI" in text
    assert "Seluruh surat tercatat sebelum tenggat" in text
    assert "Laporan tepat waktu" in text
    assert "Nilai kinerja" in text and "Capaian IKI" in text
    assert "Kabupaten Uji, " in text


def test_document_follows_the_official_form(cast, ev):
    html = render_evaluation_html(ev.evaluation, on=ev.work.today)
    for heading in [
        "EVALUASI KINERJA PEGAWAI", "PENDEKATAN HASIL KERJA KUANTITATIF",
        "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL", "PERIODE: ", "PERIODE PENILAIAN: ",
        "PEGAWAI YANG DINILAI", "PEJABAT PENILAI KINERJA", "ATASAN PEJABAT PENILAI KINERJA",
        "CAPAIAN KINERJA ORGANISASI", "POLA DISTRIBUSI", "HASIL KERJA", "A. UTAMA",
        "B. TAMBAHAN", "RENCANA HASIL KERJA PIMPINAN YANG DIINTERVENSI", "ASPEK",
        "INDIKATOR KINERJA INDIVIDU", "TARGET", "REALISASI BERDASARKAN BUKTI DUKUNG",
        "UMPAN BALIK BERKELANJUTAN BERDASARKAN BUKTI DUKUNG", "RATING HASIL KERJA",
        "PERILAKU KERJA (BERAKHLAK)", "EKSPEKTASI KHUSUS PIMPINAN", "RATING PERILAKU KERJA",
        "PREDIKAT KINERJA PEGAWAI", "PEMERINTAH KABUPATEN UJI",
    ]:
        assert heading in html, heading
    assert "PERSPEKTIF" not in html
    # Seven values with three guides each.
    assert html.count("<li>") >= 21
    assert "Memahami dan memenuhi kebutuhan masyarakat" in html
    assert ev.work.plan.rhk["atasan"].text in html
    assert "BELUM DITETAPKAN" in html  # no organisation predikat, no predikat yet


def test_finalised_statuses_carry_no_watermark_others_do(cast, ev):
    e = ev.evaluation
    assert 'class="watermark"' in render_evaluation_html(e, on=ev.work.today)
    e = finalised(cast, e)
    assert 'class="watermark' not in render_evaluation_html(e, on=ev.work.today)
    services.evaluation_acknowledge(actor=cast.pegawai, evaluation=e)
    e.refresh_from_db()
    assert 'class="watermark' not in render_evaluation_html(e, on=ev.work.today)


def test_an_objected_evaluation_says_so_and_a_decided_one_is_final(cast, ev):
    e = finalised(cast, ev.evaluation, hasil="di_atas", perilaku="di_bawah")
    objection = services.objection_file(actor=cast.pegawai, evaluation=e, reason="Tidak adil")
    e.refresh_from_db()
    html = render_evaluation_html(e, on=ev.work.today)
    assert ">KEBERATAN</div>" in html and "Dalam proses keberatan" in html
    services.objection_decide(actor=cast.sekretaris, objection=objection, upheld=True,
                              note="Dikoreksi", hasil_rating="di_atas", perilaku_rating="sesuai")
    e.refresh_from_db()
    html = render_evaluation_html(e, on=ev.work.today)
    assert 'class="watermark' not in html
    assert "dikabulkan" in html and "BAIK" in html


def test_the_employee_sees_the_draft_ratings_only_once_finalised(cast, client_for, tmp_path):
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    evaluation, _work = _full(cast)
    self_assess(cast, evaluation)
    _rate_fully(cast, evaluation)
    url = reverse("evaluation_document", args=[evaluation.pk])
    draft_rating = "Seluruh surat tercatat sebelum tenggat"
    own = _text(client_for(cast.pegawai).get(url).content, tmp_path)
    assert own is not None
    assert draft_rating not in own and "Pertahankan ketelitian" not in own
    assert "DI ATAS EKSPEKTASI" not in own and "BELUM DINILAI" in own
    assert "Sesuai Ekspektasi" in own  # the employee's own self-assessment
    assert "Agenda surat rapi dan mutakhir" in own  # continuous feedback, already theirs
    supervisor = _text(client_for(cast.atasan).get(url).content, tmp_path)
    assert supervisor is not None and draft_rating in supervisor
    api = _text(client_for(cast.pegawai).get(f"/api/v1/evaluations/{evaluation.pk}/pdf").content,
                tmp_path)
    assert api is not None and draft_rating not in api
    services.evaluation_finalise(actor=cast.atasan, evaluation=evaluation)
    final = _text(client_for(cast.pegawai).get(url).content, tmp_path)
    assert final is not None and draft_rating in final and "PREDIKAT KINERJA PEGAWAI BAIK" in final


def test_calibrated_predikat_names_the_matrix_one(cast, ev):
    e = finalised(cast, ev.evaluation)
    e = services.evaluation_calibrate(actor=cast.admin_bkpsdm, evaluation=e,
                                      predikat="butuh_perbaikan", reason="Kurva unit")
    html = render_evaluation_html(e, on=ev.work.today)
    assert "BUTUH PERBAIKAN" in html
    assert "kalibrasi" in html and "Kurva unit" in html


def test_jpt_form_has_the_jpt_audience_and_perspektif(cast, plan):
    from kinerja.evaluations.batch import ensure_evaluations, recompute

    spec = period_spec(plan.year, PeriodKind.ANNUAL, 0)
    skp = plan.skp["kadis"]
    ensure_evaluations(cast.instansi.pk, spec, [skp.pk])
    recompute(cast.instansi.pk, spec)
    evaluation = Evaluation.objects.get(skp=skp, period_kind=PeriodKind.ANNUAL)
    html = render_evaluation_html(evaluation, on=today_in(cast.kadis))
    assert "BAGI PEJABAT PIMPINAN TINGGI" in html
    assert "PERSPEKTIF" in html and "Penerima Layanan" in html
    assert f"PERIODE: AKHIR TAHUN {plan.year}" in html
    assert plan.iku.indicator in html
    pdf = render_evaluation_pdf(evaluation, on=today_in(cast.kadis))
    _keep("evaluasi-jpt-tahunan.pdf", pdf)
    assert pdf.startswith(b"%PDF-")


def test_curve_text_follows_the_rules_data():
    assert curve_text("istimewa")[0] == (
        "Sebagian besar (maksimal 70%) pegawai berpredikat Sangat Baik")
    baik = curve_text("baik")
    assert ("Wajib ada paling sedikit 1 pegawai berpredikat Butuh Perbaikan dan/atau "
            "Kurang/Misconduct") in baik
    assert baik[-1] == "Pegawai lainnya dapat berpredikat Sangat Baik dan/atau Sangat Kurang"
    kurang = curve_text("kurang")
    assert kurang[:3] == [
        "Paling sedikit 60% pegawai berpredikat Kurang/Misconduct",
        "Paling sedikit 10% pegawai berpredikat Butuh Perbaikan",
        "Paling banyak 10% pegawai berpredikat Sangat Baik",
    ]
    assert "Tidak boleh ada pegawai berpredikat Sangat Baik" in curve_text("sangat_kurang")
    assert all(curve_text(p) for p in rules.ORG_PREDIKAT)
    assert curve_text("unknown") == []


def test_period_codes():
    e = Evaluation(year=2026, period_kind=PeriodKind.MONTHLY, period_no=3)
    assert period_code(e) == "2026-03"
    e.period_kind, e.period_no = PeriodKind.QUARTERLY, 2
    assert period_code(e) == "2026-TW2"
    e.period_kind, e.period_no = PeriodKind.ANNUAL, 0
    assert period_code(e) == "2026-TAHUNAN"


# --- The page and the API ------------------------------------------------------------------


def test_download_is_an_attachment_named_after_period_and_nip(cast, ev, client_for):
    e = ev.evaluation
    response = client_for(cast.pegawai).get(reverse("evaluation_document", args=[e.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    nip = cast.people["pegawai"].nip
    expected = f"Evaluasi-{period_code(e)}-{nip}.pdf"
    assert evaluation_pdf_filename(e) == expected
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm",
                                 "pimpinan", "auditor"])
def test_everyone_who_sees_the_evaluation_may_download_it(cast, ev, client_for, who):
    url = reverse("evaluation_document", args=[ev.evaluation.pk])
    assert client_for(cast.accounts[who]).get(url).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "pegawai2"])
def test_others_get_404(cast, ev, client_for, who):
    pk = ev.evaluation.pk
    client = client_for(cast.accounts[who])
    assert client.get(reverse("evaluation_document", args=[pk])).status_code == 404
    api = client.get(f"/api/v1/evaluations/{pk}/pdf")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_missing_evaluation_is_404(cast, client_for):
    url = reverse("evaluation_document", args=[999999])
    assert client_for(cast.pegawai).get(url).status_code == 404


def test_anonymous_is_sent_to_log_in(ev, client):
    pk = ev.evaluation.pk
    assert client.get(reverse("evaluation_document", args=[pk])).status_code == 302
    assert client.get(f"/api/v1/evaluations/{pk}/pdf").status_code == 401


def test_api_answers_the_pdf(cast, ev, client_for):
    e = ev.evaluation
    response = client_for(cast.atasan).get(f"/api/v1/evaluations/{e.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert evaluation_pdf_filename(e) in response["Content-Disposition"]


def test_query_count_does_not_grow_with_rhk_logs_and_ratings(cast, client_for,
                                                             django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    evaluation, work = _full(cast)
    client = client_for(cast.atasan)
    url = reverse("evaluation_document", args=[evaluation.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for hour in (11, 13, 14, 15):
        verified_log(cast, work, start=(hour, 0), end=(hour, 45))
    self_assess(cast, evaluation)
    _rate_fully(cast, evaluation)
    services.feedback_note_add(actor=cast.atasan, pegawai=cast.people["pegawai"],
                               text="Catatan lagi", value="KO")
    assert IndicatorRealisation.objects.filter(evaluation=evaluation).count() == 5
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
    assert len(small) <= 40
