"""Each employee's TPP explanation (/tpp/<yyyy-mm>/pegawai/<nip>/, /tpp/saya/): the rupiah of
every line as the national preset gives them, worked by hand below; the cap; the performance
factor and why; adjustments and the amount paid; what was counted and the rules used; who may
read it; bounded queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.allowances import services
from kinerja.allowances.batch import Month
from kinerja.allowances.models import TppLine, TppMonth
from kinerja.allowances.testing import MONTH, write_presensi
from kinerja.attendance.models import Presensi
from kinerja.attendance.services import calendar_year_ensure
from kinerja.evaluations.batch import period_for_month
from kinerja.evaluations.models import Evaluation
from kinerja.org.models import Jabatan
from kinerja.people.models import Account, Pegawai, PositionAssignment
from kinerja.plans.models import Skp
from kinerja.testing import Cast, build_cast, make_nip

PERIOD = "2026-10"
T = dt.time
ON_TIME = (T(7, 25), T(16, 35))

# The pegawai's October 2026 (22 working days; 07:30-16:00, Friday to 16:30):
LATE = {
    ("pegawai", 1): (T(7, 45), T(16, 35)),  # Thu: 15 minutes late, TL1
    ("pegawai", 2): (T(7, 50), T(16, 35)),  # Fri: 20 minutes late, TL1
    ("pegawai", 5): (T(8, 45), T(16, 35)),  # Mon: 75 minutes late, TL3
    ("pegawai", 6): (T(7, 25), T(15, 30)),  # Tue: left 30 minutes early, PSW1
    ("pegawai", 7): None,  # Wed: no record, tanpa keterangan
    ("pegawai", 8): (T(7, 25), None),  # Thu: no check-out, counted as PSW4
}
# National preset (kinerja/allowances/presets.py NATIONAL), kelas 6, index 1:
# ceiling            = 5,764,000 (22 of 22 days)
# kinerja 60%        = 3,458,400; predikat factor without an evaluation 0% -> -3,458,400
# disiplin 40%       = 2,305,600 -> payable 2,305,600
# deductions on the ceiling (deduction_base total):
#   TL1 0.5% x 2     = 1%   = 57,640
#   TL3 1.5% x 1            = 86,460
#   PSW1 0.5% x 1           = 28,820
#   PSW4 2% x 1 (no check-out) = 115,280
#   tanpa keterangan 4% x 1 = 230,560      total 518,760 (cap 100% of payable: not reached)
# gross              = 2,305,600 - 518,760 = 1,786,840
# BPJS employee 1%   = 17,868.40 -> 17,868; Pemda 4% = 71,473.60 -> 71,474 (half up, Rp1)
# PPh 21 III/a 5%    = 89,342 borne by the APBD (not withheld)
# net                = 1,786,840 - 17,868 = 1,768,972
CEILING = Decimal(5764000)
PAYABLE = Decimal(2305600)
DEDUCTIONS = Decimal(518760)
GROSS = Decimal(1786840)
BPJS = Decimal(17868)
BPJS_PEMDA = Decimal(71474)
PPH = Decimal(89342)
NET = Decimal(1768972)


def setup_month(cast: Cast, times=None, template: str = "nasional") -> None:
    calendar_year_ensure(cast.instansi.pk, 2026)
    services.preset_install(actor=None, instansi_id=cast.instansi.pk, template=template,
                            activate=True, effective_from=dt.date(2020, 1, 1))
    write_presensi(cast, MONTH, times=times)


def compute(cast: Cast) -> TppMonth:
    return services.month_compute_start(actor=cast.admin_bkpsdm, month=MONTH)


def url(cast: Cast, who: str = "pegawai", period: str = PERIOD) -> str:
    return reverse("tpp_explanation", args=[period, cast.people[who].nip])


@pytest.fixture
def late(cast):
    setup_month(cast, LATE)
    compute(cast)
    return cast


def text(response) -> str:
    return response.content.decode()


# --- The rupiah -------------------------------------------------------------------------------


def test_the_stored_line_matches_the_hand_computation(late):
    line = TppLine.objects.get(pegawai=late.people["pegawai"])
    assert (line.ceiling, line.payable, line.deductions, line.gross) == (
        CEILING, PAYABLE, DEDUCTIONS, GROSS)
    assert (line.bpjs_employee, line.bpjs_employer, line.pph21, line.pph21_withheld) == (
        BPJS, BPJS_PEMDA, PPH, False)
    assert line.net == NET


def test_the_page_shows_every_line_with_its_rupiah(late, client_for):
    response = client_for(late.pegawai).get(url(late))
    assert response.status_code == 200
    page = text(response)
    expected = [
        "Kelas jabatan 6", "22 days of 22 working days held; full month Rp5.764.000",
        "Rp5.764.000",  # the ceiling
        "Part Kinerja", "60% of the ceiling Rp5.764.000", "Rp3.458.400",
        "Part Disiplin", "40% of the ceiling Rp5.764.000", "Rp2.305.600",
        "Performance factor of Kinerja: 0%",
        "no final evaluation for the month: the preset pays 0%", "-Rp3.458.400",
        "Late check-in TL1 (1–30 minutes)", "0,5% × 2 days = 1% of Rp5.764.000", "-Rp57.640",
        "Late check-in TL3 (61–90 minutes)", "1,5% × 1 day = 1,5% of Rp5.764.000", "-Rp86.460",
        "Left early PSW1 (1–30 minutes)", "-Rp28.820",
        "Left early PSW4 (91 minutes or more; including 1 day without a check-out)",
        "2% × 1 day = 2% of Rp5.764.000", "-Rp115.280",
        "Absent without notice (tanpa keterangan)", "4% × 1 day = 4% of Rp5.764.000",
        "-Rp230.560",
        "Total deductions", "-Rp518.760",
        "BPJS Kesehatan, the employee&#x27;s share", "1% of Rp1.786.840", "-Rp17.868",
        "BPJS Kesehatan, the Pemda&#x27;s share", "Rp71.474",
        "PPh 21, borne by the APBD", "5% of the gross Rp1.786.840 (golongan III/a)",
        "Rp89.342",
        "Gross (payable minus deductions)", "Rp1.786.840",
        "Rp1.768.972",  # net = paid (no adjustment)
    ]
    missing = [e for e in expected if e not in page]
    assert not missing, missing
    assert "Cap:" not in page
    assert "PPh 21, withheld" not in page


def test_the_page_shows_what_was_counted_and_the_rules(late, client_for):
    page = text(client_for(late.pegawai).get(url(late)))
    for expected in [
        "Working days in the month</dt><dd>22",
        "kelas 6 for 22 days",
        "TL1: 2 days, TL3: 1 day, PSW1: 1 day",
        "Days without a check-out</dt><dd>1",
        "Absent without notice (tanpa keterangan)</dt><dd>1",
        "Kerangka nasional (default)", "version 1, in force from 1 Januari 2020",
        "PP 12/2019 Pasal 58; Kepmendagri 900-4700/2020",  # the legal reference
        "Permentan 68/2012 (RULES.md 2.4 preset A, P)",  # sources of the bands
        "Permentan 68/2012: 4% per day absent (P)",
        "SE Mendagri 900/471/SJ",
    ]:
        assert expected in page, expected
    # Parameters this month did not use are behind "other parameters", not among the rules used.
    used, _sep, other = page.partition("Notes on the other parameters")
    assert "PP 94/2021 Pasal 11" in other and "PP 94/2021 Pasal 11" not in used


def test_pph21_withheld_comes_off_the_net(cast, client_for):
    import copy

    from kinerja.allowances.models import TppPreset

    setup_month(cast, LATE)
    preset = TppPreset.objects.get(instansi=cast.instansi, is_active=True)
    params = copy.deepcopy(preset.versions.get().params)
    params["pph21"]["mode"] = "withheld"
    services.preset_version_create(actor=cast.admin_bkpsdm, preset=preset, params=params,
                                   effective_from=dt.date(2026, 10, 1), note="PPh dipotong")
    compute(cast)
    # net = gross 1,786,840 - BPJS 17,868 - PPh 21 89,342
    assert TppLine.objects.get(pegawai=cast.people["pegawai"]).net == Decimal(1679630)
    page = text(client_for(cast.pegawai).get(url(cast)))
    assert "PPh 21, withheld" in page and "-Rp89.342" in page
    assert "gross minus the employee's BPJS share and the PPh 21 withheld" in page
    assert "Rp1.679.630" in page
    assert "version 2, in force from 1 Oktober 2026" in page


def test_an_employee_on_time_all_month_has_no_deductions(late, client_for):
    page = text(client_for(late.pegawai2).get(url(late, "pegawai2")))
    assert "No deductions this month." in page
    # kelas 6 on time: payable 2,305,600 is the gross; BPJS 23,056; net 2,282,544.
    assert "Rp2.282.544" in page


def test_the_cap_is_shown_when_deductions_exceed_the_payable(cast, client_for):
    absent = {("pegawai", day): None for day in (1, 2, 5, 6, 7, 8, 9, 12, 13, 14, 15)}
    setup_month(cast, absent)
    compute(cast)
    line = TppLine.objects.get(pegawai=cast.people["pegawai"])
    # 11 days x 4% = 44% of 5,764,000 = 2,536,160 > payable 2,305,600: capped at the payable.
    assert (line.deductions, line.gross, line.net) == (PAYABLE, 0, 0)
    page = text(client_for(cast.pegawai).get(url(cast)))
    assert "4% × 11 days = 44% of Rp5.764.000" in page and "-Rp2.536.160" in page
    assert "Cap: deductions stop at 100% of the payable Rp2.305.600" in page
    assert "+Rp230.560" in page  # the part above the cap, given back
    assert "TKPKN monthly cap 100%" in page  # the source of max_cut_pct


def test_cuts_off_one_part_stop_at_that_part(cast, client_for):
    from kinerja.people.models import Leave

    nothing = {("pegawai", d): None for d in range(1, 32)}
    setup_month(cast, nothing, template="kepahiang_2025")
    Leave.objects.create(instansi=cast.instansi, pegawai=cast.people["pegawai"], kind="besar",
                         start_date=dt.date(2026, 8, 20), end_date=dt.date(2026, 10, 16))
    compute(cast)
    # Kepahiang: the cuts come off the 40% disiplin part (2,305,600). Cuti besar in its third
    # month (12 working days of October): 90% = 2,075,040; the other 10 days absent: 4% x 10 =
    # 922,240. Together 2,997,280, more than the part: 691,680 is not deducted.
    line = TppLine.objects.get(pegawai=cast.people["pegawai"])
    assert (line.deductions, line.gross) == (PAYABLE, 0)
    page = text(client_for(cast.pegawai).get(url(cast)))
    for expected in [
        "Each deduction is a percent of the Disiplin part",
        "Long leave", "12 days of leave: 90% of Rp2.305.600", "-Rp2.075.040",
        "4% × 10 days = 40% of Rp2.305.600", "-Rp922.240",
        "Cap: the cuts off the Disiplin part stop at what is paid of it (Rp2.305.600)",
        "+Rp691.680", "Long leave: 12 days (month 3 of the leave)",
        "attendance cuts come off the 40% disiplin part",  # the source of deduction_base
    ]:
        assert expected in page, expected


def test_a_move_mid_month_prorates_each_position(cast, client_for):
    setup_month(cast)
    first = PositionAssignment.objects.get(pegawai=cast.people["pegawai2"])
    first.end_date = dt.date(2026, 10, 15)
    first.save()
    PositionAssignment.objects.create(instansi=cast.instansi, pegawai=cast.people["pegawai2"],
                                      jabatan=cast.positions["pengelola"], kind="definitif",
                                      start_date=dt.date(2026, 10, 16))
    compute(cast)
    # 11 working days in each half: kelas 6 5,764,000 x 11/22 + kelas 7 6,633,000 x 11/22.
    line = TppLine.objects.get(pegawai=cast.people["pegawai2"])
    assert line.ceiling == Decimal(2882000 + 3316500)
    page = text(client_for(cast.pegawai2).get(url(cast, "pegawai2")))
    assert "11 days of 22 working days held; full month Rp5.764.000" in page
    assert "11 days of 22 working days held; full month Rp6.633.000" in page
    assert "Rp2.882.000" in page and "Rp3.316.500" in page and "Rp6.198.500" in page
    assert "kelas 6 for 11 days; kelas 7 for 11 days" in page


def test_an_acting_position_adds_the_difference(cast, client_for):
    setup_month(cast)
    PositionAssignment.objects.create(instansi=cast.instansi, pegawai=cast.people["kasi"],
                                      jabatan=cast.positions["kabid"], kind="plt",
                                      start_date=dt.date(2026, 9, 1))
    compute(cast)
    # Plt kabid (kelas 12, 16,000,000) over the own kelas 9 (9,360,000): the higher of the two,
    # so 6,640,000 more for the whole month.
    assert TppLine.objects.get(pegawai=cast.people["kasi"]).ceiling == Decimal(16000000)
    page = text(client_for(cast.accounts["kasi"]).get(url(cast, "kasi")))
    assert "Acting (Plt/Plh) position, kelas 12" in page
    assert "22 days of 22 working days; full rate Rp16.000.000" in page
    assert "Rp6.640.000" in page and "plt: higher_of" in page
    assert "kelas 12 for 22 days (acting, Plt/Plh)" in page
    assert "the higher of the own and the acting position" in page.partition(
        "Notes on the other parameters")[0]  # the plt source is among the rules used


def test_a_final_predikat_sets_the_performance_factor(cast, client_for):
    setup_month(cast)
    pegawai = cast.people["pegawai"]
    spec = period_for_month(cast.instansi.pk, 2026, 10)
    jabatan = cast.positions["pengadministrasi"]
    skp = Skp.objects.create(
        instansi=cast.instansi, pegawai=pegawai, jabatan=jabatan, opd=jabatan.opd, year=2026,
        start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31), form="non_jpt",
        status="disetujui")
    Evaluation.objects.create(
        instansi=cast.instansi, pegawai=pegawai, skp=skp, opd=jabatan.opd, jabatan=jabatan,
        year=spec.year, period_kind=spec.kind, period_no=spec.number, start_date=spec.start,
        end_date=spec.end, status="ditetapkan", hasil_rating="dibawah",
        perilaku_rating="sesuai", matrix_predikat="butuh_perbaikan",
        predikat="butuh_perbaikan")
    compute(cast)
    page = text(client_for(cast.pegawai).get(url(cast)))
    # kinerja 3,458,400 x 75% = 2,593,800 paid; 864,600 off.
    assert "Performance factor of Kinerja: 75%" in page
    assert "predikat Needs improvement: the preset pays 75%" in page
    assert "-Rp864.600" in page
    assert "Predikat</dt><dd>Needs improvement" in page
    assert TppLine.objects.get(pegawai=pegawai).payable == Decimal(2593800 + 2305600)


def test_leave_and_a_sanction_are_explained(cast, client_for):
    from kinerja.attendance.models import DisciplineCase
    from kinerja.people.models import Leave

    sick = {("pegawai", d): None for d in (12, 13, 14)}
    setup_month(cast, sick)
    Leave.objects.create(instansi=cast.instansi, pegawai=cast.people["pegawai"], kind="sakit",
                         start_date=dt.date(2026, 10, 12), end_date=dt.date(2026, 10, 14))
    DisciplineCase.objects.create(
        instansi=cast.instansi, pegawai=cast.people["pegawai"], level="sedang",
        sanction="potong_tunjangan_6", decree_number="800/1/2026",
        decree_date=dt.date(2026, 9, 20), start_month=dt.date(2026, 10, 1), months=6)
    compute(cast)
    page = text(client_for(cast.pegawai).get(url(cast)))
    # Sick 3 days: 25% of the ceiling (Permentan table 3-14 days) = 1,441,000; the sanction
    # 25% of the ceiling = 1,441,000; together 2,882,000 > payable: capped.
    assert "Sick leave" in page and "3 days of leave: 25% of Rp5.764.000" in page
    assert "Discipline sanction: Allowance cut of 25 percent for 6 months" in page
    assert page.count("-Rp1.441.000") == 2
    assert "Sick leave: 3 days" in page  # what was counted
    assert "Allowance cut of 25 percent for 6 months" in page
    assert "Cap: deductions stop at 100%" in page


# --- Adjustments and the amount paid ----------------------------------------------------------


def test_adjustments_show_on_the_explanation_and_change_the_amount_paid(late, client_for):
    tpp_month = TppMonth.objects.get(instansi=late.instansi)
    services.month_approve(actor=late.admin_bkpsdm, tpp_month=tpp_month)
    admin = client_for(late.admin_bkpsdm)
    adjust = reverse("tpp_adjust", args=[PERIOD])
    nip = late.people["pegawai"].nip
    response = admin.post(adjust, {"nip": nip, "amount": "250.000",
                                   "reason": "Kekurangan bayar: presensi 7 Oktober dikoreksi"})
    assert response.status_code == 302
    response = admin.post(adjust, {"nip": nip, "amount": "-Rp50.000",
                                   "reason": "Kelebihan bayar BPJS"})
    assert response.status_code == 302
    page = text(client_for(late.pegawai).get(url(late)))
    assert "Adjustment: Kekurangan bayar: presensi 7 Oktober dikoreksi" in page
    assert "+Rp250.000" in page
    assert "Adjustment: Kelebihan bayar BPJS" in page and "-Rp50.000" in page
    # paid = net 1,768,972 + 250,000 - 50,000
    assert "Rp1.968.972" in page
    # the approved line itself is unchanged
    assert TppLine.objects.get(pegawai=late.people["pegawai"]).net == NET


# --- Who reads it -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "whose", "status"), [
    ("pegawai", "pegawai", 200),
    ("pegawai", "pegawai2", 404),
    ("atasan", "pegawai", 404),  # the supervisor is not a TPP reader
    ("kadis", "pegawai", 404),
    ("admin_opd", "pegawai", 200),  # admin of the Dinas Kesehatan
    ("admin_opd", "outsider", 404),  # Dinas Pendidikan
    ("admin_bkpsdm", "outsider", 200),
    ("pimpinan", "pegawai", 200),
    ("auditor", "outsider", 200),
    ("outsider", "pegawai", 404),
])
def test_who_reads_an_explanation(late, client_for, who, whose, status):
    assert client_for(late.accounts[who]).get(url(late, whose)).status_code == status


def test_another_instansi_and_unknown_months_are_404(late, client_for, db):
    other = build_cast("kab-lain")
    client = client_for(late.admin_bkpsdm)
    assert client.get(url(late, period="2026-09")).status_code == 404
    assert client.get(url(late, period="2026-13")).status_code == 404
    assert client.get(reverse("tpp_explanation", args=[PERIOD, other.people["pegawai"].nip])
                      ).status_code == 404
    assert client_for(other.admin_bkpsdm).get(url(late)).status_code == 404


def test_someone_without_a_line_is_404(late, client_for):
    assert client_for(late.admin_bkpsdm).get(url(late, "pimpinan")).status_code == 404


def test_my_tpp_goes_to_the_latest_own_explanation(late, client_for):
    response = client_for(late.pegawai).get(reverse("tpp_mine"))
    assert response.status_code == 302 and response["Location"] == url(late)


def test_my_tpp_says_when_there_is_none(late, client_for):
    response = client_for(late.pimpinan).get(reverse("tpp_mine"))
    assert response.status_code == 200
    assert "Your TPP has not been computed for any month yet." in text(response)


def test_the_page_reads_well_in_indonesian_formats(late, client_for):
    page = text(client_for(late.pegawai).get(url(late)))
    assert "Oktober 2026" in page
    assert "5764000" not in page and "5,764,000" not in page


# --- Queries ----------------------------------------------------------------------------------


def add_people(cast: Cast, n: int, offset: int = 0) -> None:
    """n more employees in the Dinas Kesehatan (kelas 6), with on-time presensi."""
    jabatan = Jabatan.objects.get(pk=cast.positions["pengadministrasi"].pk)
    for i in range(offset, offset + n):
        birth = dt.date(1990, 1, 1) + dt.timedelta(days=i)
        person = Pegawai.objects.create(
            instansi=cast.instansi, nip=make_nip(birth, dt.date(2015, 1, 1), 1, i % 999 + 1),
            name=f"Tambahan {i:03d}", gender="L", birth_date=birth, golongan="II/c")
        PositionAssignment.objects.create(instansi=cast.instansi, pegawai=person,
                                          jabatan=jabatan, kind="definitif",
                                          start_date=dt.date(2020, 1, 1))
        key = f"extra{i}"
        cast.people[key] = person
        cast.accounts[key] = Account.objects.create_user(person.nip, "x", instansi=cast.instansi,
                                                         pegawai=person)
        write_presensi(cast, MONTH, people=[key])


def _count(client, path, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(15) as counted:
        assert client.get(path).status_code == 200
    return len(counted.captured_queries)


def test_explanation_queries_do_not_grow(late, client_for, django_assert_max_num_queries):
    client = client_for(late.admin_bkpsdm)
    services.month_approve(actor=late.admin_bkpsdm, tpp_month=TppMonth.objects.get())
    few = _count(client, url(late), django_assert_max_num_queries)
    TppMonth.objects.update(status="computed")
    add_people(late, 15)
    compute(late)
    services.month_approve(actor=late.admin_bkpsdm, tpp_month=TppMonth.objects.get())
    for amount in ("1000", "-2000", "3000"):
        services.adjustment_create(actor=late.admin_bkpsdm, tpp_month=TppMonth.objects.get(),
                                   pegawai=late.people["pegawai"], amount=amount, reason="uji")
    many = _count(client, url(late), django_assert_max_num_queries)
    print(f"explanation: {few} queries, {many} with 15 more people and 3 adjustments")
    assert many == few
    assert Presensi.objects.count() > 200


def test_months_in_paths_are_checked(late, client_for):
    assert Month.parse(PERIOD) == MONTH
    client = client_for(late.pegawai)
    assert client.get(f"/tpp/2026-1/pegawai/{late.people['pegawai'].nip}/").status_code == 404
