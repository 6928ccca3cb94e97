"""A whole month of a small OPD in a real browser, across roles, every step by clicking.

The month played (`_month_to_play`) is the current one once it has a few working days behind
today in the instansi's zone (attendance counts up to yesterday); early in a month it is the
previous one, which stays open for logging because the year is opened with the logging
deadline on day 28 of the next month. In the Dinas Kesehatan:

1. admin BKPSDM opens the performance year on /periode/ (desktop);
2. two employees (phones) open their SKP, write an RHK serving their supervisor's RHK with an
   indicator and submit; the supervisor (desktop) approves both from /tim/skp/;
3. the supervisor gives one of them an assignment on /penugasan/;
4. on their phones the employees log activities with a photo as evidence, one of them against
   the assignment;
5. the supervisor verifies three logs on /verifikasi/ and returns one with a reason, which the
   employee reads;
6. the month is evaluated: each employee starts the evaluation and submits the self-assessment,
   the supervisor rates and finalises (one "Good", one "Needs improvement");
7. admin BKPSDM imports the month's presensi from a CSV file as e-presensi exports it (/impor/);
8. admin BKPSDM computes the month's TPP on /tpp/ and approves it;
9. the OPD's daftar nominatif downloads as .xlsx; each person's money and the grand total in
   the file are the figures the person's explanation page (/tpp/<yyyy-mm>/pegawai/<nip>/),
   opened from the list, shows.

Seeded in code, as SIMPEG and BKPSDM would have them before the month: the organisation and its
people (kinerja.testing.build_cast), the year's working calendar and the national TPP preset, and
after the year is opened the plan above the supervisor (the OPD's Perjanjian Kinerja and the
approved SKPs of the kadis, the sekretaris and the supervisor).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kinerja.activities.models import Activity, ActivityStatus, Assignment
from kinerja.allowances.excel import FIRST_MONEY
from kinerja.allowances.models import TppLine, TppMonth, TppMonthStatus
from kinerja.allowances.services import preset_install
from kinerja.attendance import rules as attendance_rules
from kinerja.attendance.calendars import Calendars
from kinerja.attendance.models import Presensi
from kinerja.attendance.services import calendar_year_ensure
from kinerja.core.formats import date_id, month_id, rupiah
from kinerja.core.models import PerformanceYear
from kinerja.evaluations.models import Evaluation, EvaluationStatus
from kinerja.people.access import today_in
from kinerja.plans import services as plan_services
from kinerja.plans.models import Iku, PerjanjianKinerja, Rhk, SasaranStrategis, Skp, SkpStatus
from kinerja.plans.testing import add_rhk, approve
from kinerja.testing import PASSWORD, Cast
from tests.browser.conftest import DESKTOP, PHONE, has_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser

DINKES = ("kadis", "sekretaris", "atasan", "pegawai", "pegawai2", "kasi", "staf_kasi",
          "admin_opd")  # everyone with a position in the Dinas Kesehatan
RETURN_REASON = "Foto tidak menunjukkan arsip yang ditata; lampirkan foto rak arsip."
# Money columns of the list (allowances.document.MONEY) and what the explanation page calls them.
MONEY = ("ceiling", "payable", "deductions", "gross", "pph21", "bpjs_employee", "bpjs_employer",
         "net", "adjustments", "paid")
ON_THE_PAGE = {"ceiling": "Ceiling", "payable": "Payable before deductions",
               "deductions": "Deductions", "gross": "Gross", "net": "Net"}


# --- Seeding: what exists before the month --------------------------------------------------


def _seed_plan_above_the_team(cast: Cast, year: int) -> Rhk:
    """The OPD's Perjanjian Kinerja and the approved SKPs down kadis > sekretaris > supervisor
    (kinerja.plans.testing); returns the supervisor's RHK the employees' RHKs serve."""
    perjanjian = PerjanjianKinerja.objects.create(
        instansi=cast.instansi, opd=cast.opds["dinkes"], year=year,
        signed_on=dt.date(year, 1, 15))
    sasaran = SasaranStrategis.objects.create(
        instansi=cast.instansi, perjanjian=perjanjian, code="SS1",
        text="Meningkatnya tata kelola pelayanan kesehatan")
    iku = Iku.objects.create(
        instansi=cast.instansi, sasaran=sasaran, code="IKU1",
        indicator="Indeks kepuasan layanan administrasi", unit="indeks",
        annual_target=Decimal(85))
    chain = [("kadis", None, "Layanan administrasi kesehatan yang tertib"),
             ("sekretaris", "kadis", "Tata usaha dinas yang tertib"),
             ("atasan", "sekretaris", "Administrasi umum dan kearsipan tertata")]
    rhk: dict[str, Rhk] = {}
    for who, boss, text in chain:
        skp = plan_services.skp_create(actor=cast.accounts[who], pegawai=cast.people[who],
                                       year=year)
        links: dict[str, Any] = ({"iku": iku, "perspektif": "penerima_layanan"} if boss is None
                                 else {"parent": rhk[boss], "intervention": "langsung"})
        rhk[who] = add_rhk(cast, who, skp, text, **links)
        approve(cast, who, skp, boss or "admin_bkpsdm")
    return rhk["atasan"]


@dataclass(frozen=True)
class Month:
    first: dt.date
    days: list[dt.date]  # the working days attendance counts: up to yesterday or the month's end
    current: bool

    @property
    def period(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:  # as the TPP pages and files write it: "November 2026"
        return month_id(self.first)

    @property
    def late(self) -> dt.date:  # the pegawai checks in 15 minutes late (TL1)
        return self.days[0]

    @property
    def absent(self) -> dt.date:  # no record of pegawai2: absent without notice
        return self.days[1]


def _month_to_play(cast: Cast, today: dt.date) -> Month | None:
    """This month once three working days are behind today, else the previous month of the
    same year (None in early January: the SKP an employee opens on /skp/ is this year's)."""
    calendars = Calendars(cast.instansi.pk)

    def working(first: dt.date, last: dt.date) -> list[dt.date]:
        place = calendars.year(first.year).for_place(cast.opds["dinkes"].pk,
                                                      cast.units["umum"].pk)
        return attendance_rules.working_days(place, first, last)

    first = today.replace(day=1)
    behind = working(first, today - dt.timedelta(days=1)) if today > first else []
    if len(behind) >= 3:
        return Month(first, behind, current=True)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    if previous.year != today.year:
        return None
    return Month(previous, working(previous, first - dt.timedelta(days=1)), current=False)


def _presensi_csv(cast: Cast, path: Path, month: Month) -> int:
    """The month's e-presensi export as Indonesian Excel saves it: semicolons, DD/MM/YYYY. On
    time every working day, except the pegawai's late morning and pegawai2's day absent."""
    lines = ["NIP;Tanggal Presensi;Scan Masuk;Scan Pulang"]
    for who in DINKES:
        nip = cast.people[who].nip
        for day in month.days:
            if (who, day) == ("pegawai2", month.absent):
                continue
            check_in = "07:45" if (who, day) == ("pegawai", month.late) else "07:25"
            lines.append(f"{nip};{day:%d/%m/%Y};{check_in};16:35")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def _picture(path: Path, kind: str, colour: tuple[int, int, int]) -> str:
    """A small real photo (JPEG or PNG) with stripes, as a phone camera would upload."""
    from PIL import Image

    image = Image.new("RGB", (480, 360), "white")
    for x in range(0, 480, 30):
        image.paste(colour, (x, 0, x + 15, 360))
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 80} if kind == "JPEG" else {}))
    path.write_bytes(out.getvalue())
    return str(path)


# --- Steps in the browser -------------------------------------------------------------------


def _shot(page: Any, artifacts: Path, number: int, step: str) -> None:
    page.screenshot(path=str(artifacts / f"month-{number:02d}-{step}.png"), full_page=True)


def _accept_dialogs(page: Any) -> Any:
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _write_and_submit_skp(page: Any, base: str, year: int, *, rhk: str, serves: Rhk,
                          indicator: str, target: int, unit: str) -> None:
    """The employee opens their SKP for the year, writes one RHK serving the supervisor's RHK
    with one numeric indicator, and submits it."""
    page.goto(f"{base}/skp/")
    page.get_by_role("button", name=f"Open my SKP for {year}").click()
    page.get_by_text(f"Your SKP for {year} is open. Add your RHK.").wait_for()
    page.get_by_role("link", name="Add an RHK").click()
    form = page.locator("#slot-rhk form")
    form.get_by_label("Rencana Hasil Kerja (RHK)").fill(rhk)
    form.get_by_label("Serves").select_option(f"rhk:{serves.pk}")
    form.get_by_label("Intervention").select_option("langsung")
    form.get_by_role("button", name="Save").click()
    card = page.locator("article.rhk", has_text=rhk)
    card.wait_for()
    card.get_by_role("link", name="Add an indicator").click()
    form = card.locator("form.skp-form")
    form.get_by_label("Indicator (IKI)").fill(indicator)
    form.get_by_label("Number").check()
    form.get_by_label("Target", exact=True).fill(str(target))
    form.get_by_label("Unit").fill(unit)
    form.get_by_role("button", name="Save").click()
    page.locator(".indicators .target", has_text=f"{target} {unit}").wait_for()
    page.locator("#workflow").get_by_role("button", name="Submit").click()
    page.get_by_text("SKP submitted to your pejabat penilai.").wait_for()


def _approve_from_team_page(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/tim/skp/")
    person = page.locator("li.person", has_text=name)
    assert person.locator(".badge").inner_text().strip(), name
    person.get_by_role("link", name="Review the SKP").click()
    page.wait_for_url(f"{base}/skp/*/")
    page.locator("#workflow").get_by_role("button", name="Approve").click()  # confirm: accepted
    page.get_by_text("SKP approved.").wait_for()


def _log_activity(page: Any, base: str, *, day: dt.date, start: str, end: str, what: str,
                  output: int, unit: str, serves: str, photo: str,
                  from_assignment: Assignment | None = None) -> None:
    """Log one piece of work with a photo and submit it; from an assignment's page the form
    comes with the assignment chosen."""
    if from_assignment is None:
        page.goto(f"{base}/kegiatan/")
        page.get_by_role("link", name="Log an activity").first.click()
        page.wait_for_url(f"{base}/kegiatan/baru/*")
    else:
        page.goto(f"{base}/penugasan/{from_assignment.pk}/")
        page.get_by_role("link", name="Log an activity for this assignment").click()
        page.wait_for_url(f"{base}/kegiatan/baru/?tugas={from_assignment.pk}")
    form = page.locator("form.log-form")
    form.get_by_label("Date").fill(day.isoformat())
    form.get_by_label("Start").fill(start)
    form.get_by_label("End").fill(end)
    form.get_by_label("What did you do?").fill(what)
    form.get_by_label("Output").fill(str(output))
    form.get_by_label("Unit").fill(unit)
    assert form.get_by_label("This work serves").input_value() == (
        serves if from_assignment else "")
    form.get_by_label("This work serves").select_option(serves)
    form.locator("#id_uploads").set_input_files(photo)
    form.get_by_role("button", name="Save and submit").click()
    page.get_by_text("Activity saved and submitted to your supervisor.").wait_for()


def _pick_period(page: Any, month: Month) -> None:
    """On an evaluation page, choose the month played in the period picker (it shows the
    current period first)."""
    if month.current:
        return
    key = f"{month.first.year}-bulanan-{month.first.month}"
    page.get_by_label("Period").select_option(key)  # submits itself
    page.wait_for_url(f"**periode={key}")


def _self_assess(page: Any, base: str, month: Month, note: str) -> None:
    page.goto(f"{base}/penilaian/")
    _pick_period(page, month)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{base}/penilaian/*/")
    page.get_by_label("My work results (hasil kerja)").select_option("sesuai")
    page.get_by_label("My work behaviour (perilaku kerja)").select_option("sesuai")
    page.get_by_label("Note to my supervisor").fill(note)
    page.get_by_role("button", name="Save and submit").click()
    page.get_by_text("Self-assessment submitted to your pejabat penilai.").wait_for()


def _rate_and_finalise(page: Any, base: str, month: Month, pegawai_pk: int, rhk: str,
                       hasil: str) -> None:
    page.goto(f"{base}/penilaian/tim/")
    _pick_period(page, month)
    page.locator(f"#p-{pegawai_pk}").get_by_role("link", name="Rate").click()
    form = page.locator("form#rate")
    form.get_by_label(f"Rating of “{rhk}”").select_option(hasil)
    form.get_by_label("Rating of Berorientasi Pelayanan").select_option("sesuai")
    form.get_by_label("Rating of work results (hasil kerja)").select_option(hasil)
    form.get_by_label("Rating of work behaviour (perilaku kerja)").select_option("sesuai")
    form.get_by_role("button", name="Save and finalise").click()
    page.get_by_text("Evaluation finalised.").wait_for()


def _money(text: str) -> Decimal:
    """Rp1.234.567 / -Rp28.820 as shown on a page -> Decimal."""
    digits = re.sub(r"[^0-9,-]", "", text).replace(",", ".")
    return Decimal(digits)


def _explanation_figures(page: Any, base: str, period: str, pegawai: Any,
                         screenshot: Path | None = None) -> dict[str, Decimal]:
    """From the nominative list, open one person's explanation page and read the money it
    shows (the summary's figures and the amount paid), then come back to the list."""
    listed = page.url
    page.locator(f"#p{pegawai.pk}").get_by_role("link", name=pegawai.full_name).click()
    page.wait_for_url(f"{base}/tpp/{period}/pegawai/{pegawai.nip}/")
    summary = page.locator("#ringkasan")
    shown = {field: _money(summary.locator(f"dt:text-is('{label}') + dd").inner_text())
             for field, label in ON_THE_PAGE.items()}
    shown["paid"] = _money(summary.locator(".stat strong").inner_text())
    if screenshot:
        page.screenshot(path=str(screenshot), full_page=True)
    page.go_back()
    page.wait_for_url(listed)
    return shown


# --- The month ------------------------------------------------------------------------------


def test_a_month_of_a_small_opd_from_the_period_to_the_nominative_list(
    live_server, cast, open_page, artifacts, tmp_path
):
    base = live_server.url
    today = today_in(cast.admin_bkpsdm)  # the instansi's date (WITA by default), as the pages
    people = cast.people
    calendar_year_ensure(cast.instansi.pk, today.year)
    month = _month_to_play(cast, today)
    if month is None:
        pytest.skip("early January: the SKP opened on /skp/ would be for the new year, the "
                    "month played for the old one")
    year, period, label = month.first.year, month.period, month.label
    preset_install(actor=None, instansi_id=cast.instansi.pk, template="nasional",
                   activate=True, effective_from=dt.date(2020, 1, 1))

    # The live server's first request imports every view; on a busy machine that alone can
    # take most of a navigation's time limit, so it happens here, before the first click.
    assert urllib.request.urlopen(f"{base}/masuk/", timeout=120).status == 200

    # --- 1. Admin BKPSDM opens the performance year ------------------------------------------
    admin = _accept_dialogs(open_page(DESKTOP))
    log_in(admin, base, cast.admin_bkpsdm.username, PASSWORD)
    admin.goto(f"{base}/periode/")
    assert admin.get_by_text("No performance year has been opened yet.").is_visible()
    opening = admin.locator("#open-year")
    assert opening.get_by_label("Year").input_value() == str(year)
    opening.get_by_label("Evaluation frequency").select_option("bulanan")
    if not month.current:  # the previous month's logs stay open until day 28 of this one
        opening.get_by_label("Logging deadline (day of the next month)").fill("28")
    opening.get_by_role("button", name="Open year").click()
    admin.get_by_text(f"Performance year {year} is open.").wait_for()
    played = admin.locator(f"#year-{year} tbody tr").filter(
        has=admin.get_by_text(f"{month.first:%B}", exact=True))  # "May", not "5 May 2026"
    assert "logging now" in played.inner_text()
    assert PerformanceYear.objects.get(instansi=cast.instansi, year=year).state == "open"
    _shot(admin, artifacts, 1, "period-opened")
    supervisor_rhk = _seed_plan_above_the_team(cast, year)

    # --- 2. SKPs: the employees write and submit, the supervisor approves ----------------------
    dewi = _accept_dialogs(open_page(PHONE))
    log_in(dewi, base, cast.pegawai.username, PASSWORD)
    _write_and_submit_skp(dewi, base, year, rhk="Surat masuk tercatat dan terdistribusi",
                          serves=supervisor_rhk, indicator="Jumlah surat masuk tercatat",
                          target=240, unit="surat")
    assert has_no_sideways_scroll(dewi), "the SKP page scrolls sideways on a phone"
    _shot(dewi, artifacts, 2, "skp-submitted-phone")
    eko = _accept_dialogs(open_page(PHONE))
    log_in(eko, base, cast.pegawai2.username, PASSWORD)
    _write_and_submit_skp(eko, base, year, rhk="Arsip dinas tertata dan mudah ditemukan",
                          serves=supervisor_rhk, indicator="Jumlah berkas arsip ditata",
                          target=120, unit="berkas")

    boss = _accept_dialogs(open_page(DESKTOP))
    log_in(boss, base, cast.atasan.username, PASSWORD)
    boss.goto(f"{base}/tim/skp/")
    waiting = boss.get_by_role("link", name="Review the SKP")
    assert waiting.count() == 2
    _approve_from_team_page(boss, base, "Dewi Pelaksana")
    _approve_from_team_page(boss, base, "Eko Pelaksana")
    boss.goto(f"{base}/tim/skp/")
    _shot(boss, artifacts, 3, "skp-approved")
    skp = {who: Skp.objects.get(pegawai=people[who], year=year) for who in ("pegawai", "pegawai2")}
    assert {s.status for s in skp.values()} == {SkpStatus.APPROVED}
    rhk = {who: s.rhk.get() for who, s in skp.items()}

    # --- 3. The supervisor gives an assignment -----------------------------------------------
    boss.goto(f"{base}/penugasan/")
    boss.get_by_role("link", name="Give an assignment").click()
    boss.wait_for_url(f"{base}/penugasan/baru/")
    form = boss.locator("form.asg-form")
    form.get_by_label("Eko Pelaksana").check()
    form.get_by_label("Title").fill("Menata arsip surat keputusan tahun 2025")
    form.get_by_label("Description").fill("Seluruh SK tahun 2025 dipindahkan ke rak arsip baru.")
    form.get_by_label("Serves your RHK").select_option(label=supervisor_rhk.text)
    form.get_by_role("button", name="Give the assignment").click()
    boss.get_by_text("Assignment given.").wait_for()
    assignment = Assignment.objects.get(assignee=people["pegawai2"])
    _shot(boss, artifacts, 4, "assignment-given")

    # --- 4. The employees log their work with photos, on phones ------------------------------
    first_day, second_day = month.days[-2:]  # the last two working days counted
    _log_activity(dewi, base, day=first_day, start="08:00", end="10:00",
                  what="Mengagendakan surat masuk dan mendistribusikannya ke bidang",
                  output=14, unit="surat", serves=f"rhk:{rhk['pegawai'].pk}",
                  photo=_picture(tmp_path / "agenda-surat.jpg", "JPEG", (11, 92, 173)))
    _log_activity(dewi, base, day=second_day, start="08:00", end="09:30",
                  what="Mencatat surat masuk di buku agenda",
                  output=6, unit="surat", serves=f"rhk:{rhk['pegawai'].pk}",
                  photo=_picture(tmp_path / "buku-agenda.png", "PNG", (200, 120, 20)))
    assert has_no_sideways_scroll(dewi), "the activity list scrolls sideways on a phone"
    _shot(dewi, artifacts, 5, "activities-logged-phone")
    eko.goto(f"{base}/penugasan/")  # received, open
    eko.get_by_role("link", name=assignment.title).click()
    eko.wait_for_url(f"{base}/penugasan/{assignment.pk}/")
    eko.get_by_role("button", name="Accept").click()
    eko.locator(".badge", has_text="Accepted").first.wait_for()
    # The work on the assignment is done the day it is given (in the next month when the month
    # played is the previous one: then it does not count for that month's evaluation).
    _log_activity(eko, base, day=today, start="13:00", end="15:00",
                  what="Memindahkan SK tahun 2025 ke rak arsip baru",
                  output=40, unit="berkas", serves=f"tugas:{assignment.pk}",
                  photo=_picture(tmp_path / "rak-arsip.jpg", "JPEG", (30, 140, 60)),
                  from_assignment=assignment)
    _log_activity(eko, base, day=second_day, start="08:00", end="09:00",
                  what="Menata berkas arsip kepegawaian",
                  output=25, unit="berkas", serves=f"rhk:{rhk['pegawai2'].pk}",
                  photo=_picture(tmp_path / "berkas.png", "PNG", (150, 30, 30)))
    logs = {a.description: a for a in Activity.objects.filter(
        pegawai__in=[people["pegawai"], people["pegawai2"]])}
    assert len(logs) == 4
    assert {a.status for a in logs.values()} == {ActivityStatus.SUBMITTED}
    assert all(a.evidence.get().content_type in ("image/jpeg", "image/png")
               for a in logs.values())
    assert logs["Memindahkan SK tahun 2025 ke rak arsip baru"].assignment_id == assignment.pk

    # --- 5. The supervisor verifies three logs and returns one -------------------------------
    boss.goto(f"{base}/verifikasi/")
    returned = logs["Menata berkas arsip kepegawaian"]
    for log in logs.values():
        row = boss.locator(f"#log-{log.pk}")
        if log is returned:
            row.get_by_text("Return", exact=True).click()
            row.get_by_label("Why is it returned? The employee reads this.").fill(RETURN_REASON)
            row.get_by_role("button", name="Return to the employee").click()
        else:
            row.get_by_role("button", name="Verify").click()
        boss.locator(f"#log-{log.pk} .vq-result").wait_for()
    _shot(boss, artifacts, 6, "logs-verified-one-returned")
    statuses = {a.description: a.status for a in Activity.objects.filter(pk__in=[
        a.pk for a in logs.values()])}
    assert sorted(statuses.values()) == sorted([ActivityStatus.VERIFIED] * 3
                                               + [ActivityStatus.RETURNED])
    eko.goto(f"{base}/kegiatan/?bulan={period}")
    assert eko.locator(f"#hari-{second_day:%Y-%m-%d}").get_by_text(RETURN_REASON).is_visible()

    # --- 6. The month is evaluated -----------------------------------------------------------
    _self_assess(dewi, base, month, "Semua surat masuk bulan ini tercatat.")
    realised = dewi.locator(".ev-ind").first  # from her two verified logs: 14 + 6 surat
    assert realised.get_by_text("(2 logs").is_visible()
    assert realised.locator("strong", has_text="20").is_visible()
    _shot(dewi, artifacts, 7, "self-assessment-phone")
    _self_assess(eko, base, month, "Arsip SK 2025 sudah dipindahkan.")
    if month.current:  # the assignment's log counts, the returned one does not
        realised = eko.locator(".ev-ind").first
        assert realised.get_by_text("(1 log").is_visible()
        assert realised.locator("strong", has_text="40").is_visible()
    _rate_and_finalise(boss, base, month, people["pegawai"].pk, rhk["pegawai"].text, "sesuai")
    _rate_and_finalise(boss, base, month, people["pegawai2"].pk, rhk["pegawai2"].text, "di_bawah")
    boss.goto(f"{base}/penilaian/tim/")
    _pick_period(boss, month)
    _shot(boss, artifacts, 8, "evaluations-finalised")
    predikat = dict(Evaluation.objects.filter(year=year, period_no=month.first.month).values_list(
        "pegawai__nip", "predikat"))
    assert predikat == {people["pegawai"].nip: "baik",
                        people["pegawai2"].nip: "butuh_perbaikan"}
    assert set(Evaluation.objects.values_list("status", flat=True)) == {EvaluationStatus.FINAL}

    # --- 7. Admin BKPSDM imports the month's presensi ----------------------------------------
    csv = tmp_path / f"presensi-{period}.csv"
    rows = _presensi_csv(cast, csv, month)
    admin.goto(f"{base}/impor/")
    admin.get_by_label("What to import").select_option("presensi")
    admin.get_by_label("File (CSV, XLSX, JSON or JSON Lines)").set_input_files(str(csv))
    admin.get_by_role("button", name="Import").click()
    admin.wait_for_url(f"{base}/impor/*/")
    status = admin.locator("#run-status")
    assert status.locator("dt:text-is('Created') + dd").inner_text() == str(rows)
    assert status.locator("dt:text-is('Rejected rows') + dd").inner_text() == "0"
    _shot(admin, artifacts, 9, "presensi-imported")
    assert Presensi.objects.filter(date__gte=month.first).count() == rows

    # --- 8. Admin BKPSDM computes and approves the month's TPP --------------------------------
    admin.goto(f"{base}/tpp/")
    compute = admin.locator("#hitung")
    compute.locator("input[name=bulan]").fill(period)
    compute.get_by_role("button", name="Compute").click()
    admin.wait_for_url(f"{base}/tpp/{period}/")
    admin.get_by_text(f"TPP of {label} computed for").wait_for()
    _shot(admin, artifacts, 10, "tpp-computed")
    admin.get_by_role("button", name="Approve and lock").click()  # confirm: accepted
    admin.get_by_text(f"The TPP of {label} is approved and locked.").wait_for()
    tpp_month = TppMonth.objects.get(instansi=cast.instansi, period=month.first)
    assert tpp_month.status == TppMonthStatus.APPROVED
    _shot(admin, artifacts, 11, "tpp-approved")

    # --- 9. The OPD's daftar nominatif as .xlsx, against each explanation page ----------------
    admin.locator("#opd tbody tr", has_text="Dinas Kesehatan").get_by_role(
        "link", name="Dinas Kesehatan").click()
    admin.wait_for_url(f"{base}/tpp/{period}/opd/{cast.opds['dinkes'].pk}/")
    _shot(admin, artifacts, 12, "nominative-dinkes")
    with admin.expect_download() as info:
        admin.get_by_role("link", name="Download Excel (.xlsx)").click()
    xlsx = tmp_path / info.value.suggested_filename
    assert xlsx.suffix == ".xlsx"
    info.value.save_as(xlsx)
    sheet = load_workbook(xlsx, read_only=True)["Daftar Nominatif"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    [status_row] = [r for r in table if r and r[0] == "Status"]
    assert status_row[1] == f"Disetujui {date_id(today)}"  # approved today: no draft mark
    assert not status_row[2]
    nips = {people[who].nip: who for who in DINKES}
    in_file = {r[2]: [Decimal(str(v)) for v in r[FIRST_MONEY - 1:FIRST_MONEY - 1 + len(MONEY)]]
               for r in table if len(r) > 2 and r[2] in nips}
    assert set(in_file) == set(nips), "everyone of the Dinas Kesehatan is on the list"
    [total] = [r for r in table if len(r) > 1 and str(r[1] or "").startswith("JUMLAH (")]
    assert total[1] == f"JUMLAH ({len(DINKES)} orang)"

    on_pages: dict[str, dict[str, Decimal]] = {}
    for nip, who in nips.items():
        shot = artifacts / "month-13-explanation-admin.png" if who == "pegawai2" else None
        on_pages[nip] = _explanation_figures(admin, base, period, people[who], shot)
        in_row = dict(zip(MONEY, in_file[nip], strict=True))
        for field, value in on_pages[nip].items():
            assert in_row[field] == value, (nips[nip], field, in_row[field], value)
    file_total = dict(zip(MONEY, [Decimal(str(v)) for v in
                                  total[FIRST_MONEY - 1:FIRST_MONEY - 1 + len(MONEY)]],
                          strict=True))
    for field in (*ON_THE_PAGE, "paid"):
        assert file_total[field] == sum(p[field] for p in on_pages.values()), field

    # What the people notice: the Good predikat pays the whole kinerja part, the late morning
    # costs 0,5% of the ceiling; Needs improvement pays 75% of it, the day absent costs 4%.
    dewi_page, eko_page = on_pages[people["pegawai"].nip], on_pages[people["pegawai2"].nip]
    ceiling = Decimal(5764000)  # kelas 6 in the national preset
    assert dewi_page["ceiling"] == eko_page["ceiling"] == ceiling
    assert dewi_page["payable"] == ceiling
    assert dewi_page["deductions"] == ceiling * Decimal("0.005")
    assert eko_page["payable"] == ceiling * Decimal("0.4") + ceiling * Decimal("0.6") * Decimal(
        "0.75")
    assert eko_page["deductions"] == ceiling * Decimal("0.04")
    line = TppLine.objects.get(month=tpp_month, pegawai=people["pegawai"])
    assert dewi_page["net"] == line.net

    # The employee on her phone reads the same figure as hers.
    dewi.goto(f"{base}/tpp/")
    dewi.locator("#tpp-saya").get_by_role("link", name=label).click()
    dewi.wait_for_url(f"{base}/tpp/{period}/pegawai/{people['pegawai'].nip}/")
    assert dewi.locator("#ringkasan .stat strong").inner_text() == rupiah(dewi_page["paid"])
    assert "TL1: 1 day" in dewi.locator("#masukan").inner_text()
    assert has_no_sideways_scroll(dewi), "the TPP explanation scrolls sideways on a phone"
    _shot(dewi, artifacts, 14, "my-tpp-phone")
