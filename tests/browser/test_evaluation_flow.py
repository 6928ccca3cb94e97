"""A month's evaluation in a real browser on a phone: the employee starts it (the realisation
comes pre-filled from verified logs), self-assesses and submits; the supervisor (atasan) rates
the subordinate's month and finalises; the employee opens "why this result", sees the predikat
and the logs behind it, and files an objection; the supervisor's own supervisor (sekretaris)
decides the objection on /keberatan/<pk>/ and the predikat follows the ratings set there."""

from __future__ import annotations

import pytest

from kinerja.evaluations.models import Evaluation, EvaluationStatus, Objection, ObjectionStatus
from kinerja.evaluations.testing import verified_log
from kinerja.testing import PASSWORD
from tests.browser.conftest import PHONE, has_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser

REASON = "Surat yang saya tata secara manual di loket tidak tercatat sebagai kegiatan."
DECISION = "Bukti loket diperiksa: hasil kerja sesuai ekspektasi."


def test_evaluation_is_self_assessed_rated_explained_objected_and_decided_on_a_phone(
    live_server, cast, work, open_page, artifacts
):
    base = live_server.url
    rhk = work.rhk["pegawai"]  # "Surat tertata"
    verified_log(cast, work, start=(8, 0), end=(9, 30), output_unit="dokumen",
                 description="Menata dokumen surat masuk di loket")
    verified_log(cast, work, start=(10, 0), end=(11, 0), output_unit="dokumen",
                 description="Mengarsipkan dokumen disposisi")

    # --- The employee starts the month's evaluation, self-assesses and submits --------------
    employee = open_page(PHONE)
    log_in(employee, base, cast.pegawai.username, PASSWORD)
    employee.get_by_role("link", name="Evaluation", exact=True).click()
    employee.wait_for_url(f"{base}/penilaian/")
    employee.get_by_role("button", name="Start").click()
    employee.wait_for_url(f"{base}/penilaian/*/")
    evaluation = Evaluation.objects.get(pegawai=cast.people["pegawai"])
    ind = employee.locator(".ev-ind").first
    assert ind.get_by_text("(2 logs").is_visible()  # 10 dokumen counted from the two logs
    assert ind.locator("strong", has_text="10").is_visible()
    employee.get_by_label("My work results (hasil kerja)").select_option("di_atas")
    employee.get_by_label("My work behaviour (perilaku kerja)").select_option("sesuai")
    employee.get_by_label("Note to my supervisor").fill("Semua surat bulan ini tertata.")
    assert has_no_sideways_scroll(employee), "the self-assessment scrolls sideways"
    employee.screenshot(path=str(artifacts / "evaluation-self-phone.png"), full_page=True)
    employee.get_by_role("button", name="Save and submit").click()
    employee.get_by_text("Self-assessment submitted to your pejabat penilai.").wait_for()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SELF_SUBMITTED

    # --- The supervisor rates the month and finalises ---------------------------------------
    supervisor = open_page(PHONE)
    log_in(supervisor, base, cast.atasan.username, PASSWORD)
    supervisor.goto(f"{base}/penilaian/tim/")
    row = supervisor.locator(f"#p-{cast.people['pegawai'].pk}")
    row.get_by_role("link", name="Rate").click()
    supervisor.wait_for_url(f"{base}/penilaian/{evaluation.pk}/")
    assert supervisor.get_by_text("Semua surat bulan ini tertata.").is_visible()
    form = supervisor.locator("form#rate")
    form.get_by_label(f"Rating of “{rhk.text}”").select_option("di_bawah")
    form.get_by_label(f"Feedback on “{rhk.text}”").fill("Target bulan ini belum tercapai.")
    form.get_by_label("Rating of Berorientasi Pelayanan").select_option("sesuai")
    form.get_by_label("Rating of work results (hasil kerja)").select_option("di_bawah")
    form.get_by_label("Rating of work behaviour (perilaku kerja)").select_option("sesuai")
    assert has_no_sideways_scroll(supervisor), "the rating form scrolls sideways"
    supervisor.screenshot(path=str(artifacts / "evaluation-rate-phone.png"), full_page=True)
    form.get_by_role("button", name="Save and finalise").click()
    supervisor.get_by_text("Evaluation finalised.").wait_for()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.FINAL
    assert evaluation.predikat == "butuh_perbaikan"

    # --- The employee asks why, sees the predikat and the logs, and objects -----------------
    employee.goto(f"{base}/penilaian/{evaluation.pk}/")
    employee.get_by_role("link", name="Why this result?").click()
    employee.wait_for_url(f"{base}/penilaian/{evaluation.pk}/rincian/")
    summary = employee.locator("#summary")
    assert summary.get_by_text("Needs improvement").is_visible()
    assert employee.locator("td.is-cell").inner_text() == "Needs improvement"
    assert employee.get_by_text("Menata dokumen surat masuk di loket").is_visible()
    assert employee.get_by_text("Mengarsipkan dokumen disposisi").is_visible()
    assert employee.get_by_text("Target bulan ini belum tercapai.").is_visible()
    assert has_no_sideways_scroll(employee), "the explanation scrolls sideways"
    employee.screenshot(path=str(artifacts / "evaluation-why-phone.png"), full_page=True)
    employee.goto(f"{base}/penilaian/{evaluation.pk}/")
    employee.get_by_text("File an objection", exact=True).click()  # opens the <details>
    employee.get_by_label("What do you object to, and why?").fill(REASON)
    employee.get_by_role("button", name="File the objection").click()
    employee.get_by_text("Objection filed.").wait_for()
    objection = Objection.objects.get(evaluation=evaluation)
    assert objection.decider_id == cast.people["sekretaris"].pk

    # --- The supervisor's supervisor decides it ---------------------------------------------
    second = open_page(PHONE)
    log_in(second, base, cast.sekretaris.username, PASSWORD)
    second.goto(f"{base}/keberatan/{objection.pk}/")
    assert second.get_by_text(REASON).is_visible()
    decide = second.locator("form.objection-decide")
    decide.locator("input[name=outcome][value=dikabulkan]").check()
    decide.locator("select[name=hasil_rating]").select_option("sesuai")
    decide.locator("select[name=perilaku_rating]").select_option("sesuai")
    decide.locator("textarea[name=note]").fill(DECISION)
    assert has_no_sideways_scroll(second), "the objection page scrolls sideways"
    second.screenshot(path=str(artifacts / "evaluation-objection-decide-phone.png"),
                      full_page=True)
    decide.get_by_role("button", name="Decide").click()
    second.locator("#objection-status[data-status=dikabulkan]").wait_for()
    objection.refresh_from_db()
    evaluation.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    assert evaluation.status == EvaluationStatus.DECIDED and evaluation.predikat == "baik"

    # --- The employee sees the outcome in the explanation ------------------------------------
    employee.goto(f"{base}/penilaian/{evaluation.pk}/rincian/")
    assert employee.locator("#summary").get_by_text("Good", exact=True).is_visible()
    objections = employee.locator("#objections")
    assert objections.get_by_text(DECISION).is_visible()
    assert objections.get_by_text("Upheld").is_visible()
    employee.screenshot(path=str(artifacts / "evaluation-decided-phone.png"), full_page=True)
