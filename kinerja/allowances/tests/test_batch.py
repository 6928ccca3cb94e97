"""The monthly TPP computation on the database (batch.compute_month) against hand-worked rupiah:
lateness and absence, joining, moving and acting mid-month, CPNS and suspended employees, leave,
discipline, holidays; idempotent and reproducible runs, the approval lock, a fixed number of
queries whatever the number of people, and a failure half-way leaving the old results.

October 2026 (testing.MONTH) has 22 working days: Thu 1, Fri 2, 5-9, 12-16, 19-23, 26-30. The
national preset pays the reference amount of the kelas (index 1): kelas 6 Rp5,764,000 (that is
22 x 262,000), kelas 7 Rp6,633,000 (22 x 301,500), kelas 9 Rp9,360,000, kelas 12 Rp16,000,000.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.activities.models import Activity, ActivityStatus
from kinerja.allowances import batch
from kinerja.allowances.batch import Month, compute_month
from kinerja.allowances.models import TppLine, TppMonth, TppMonthStatus
from kinerja.allowances.presets import template_params
from kinerja.allowances.services import month_approve, preset_version_create
from kinerja.allowances.testing import MONTH, write_presensi
from kinerja.attendance.models import Presensi
from kinerja.attendance.services import discipline_cancel, discipline_create, holiday_save
from kinerja.core.errors import ApplicationError
from kinerja.core.models import AuditRecord
from kinerja.people.models import Leave, Pegawai, PositionAssignment
from kinerja.testing import _person

D = Decimal
T = dt.time
OCT = MONTH.first


def day(n: int) -> dt.date:
    return dt.date(2026, 10, n)


def version(tpp: Any, **changes: Any) -> None:
    """A new version of the national preset from January 2026 with `changes`; `full=True`
    turns the kinerja factor off, so that the payable amount is the whole ceiling."""
    params = template_params("nasional")
    if changes.pop("full", True):
        params["parts"][0]["factor"] = "none"
    params.update(changes)
    preset_version_create(actor=tpp.admin_bkpsdm, preset=tpp.preset, params=params,
                          effective_from=dt.date(2026, 1, 1))


def rewrite(tpp: Any, key: str, times: dict[int, tuple[dt.time | None, dt.time | None] | None],
            month: Month = MONTH) -> None:
    """The person's presensi of the month again: on time except the days in `times`
    (None: no record)."""
    Presensi.objects.filter(pegawai=tpp.people[key], date__gte=month.first,
                            date__lte=month.last).delete()
    write_presensi(tpp.cast, month, [key], {(key, d): v for d, v in times.items()})


def run(tpp: Any, month: Month = MONTH) -> batch.ComputeResult:
    return compute_month(tpp.instansi.pk, month, actor=tpp.admin_bkpsdm)


def line_of(tpp: Any, key: str, month: Month = MONTH) -> TppLine:
    return TppLine.objects.get(month__period=month.first, pegawai=tpp.people[key])


def cuts(line: TppLine) -> dict[str, Decimal]:
    return {item["code"]: D(item["amount"]) for item in line.lines
            if item["kind"] in ("deduction", "cap")}


def figures(line: TppLine) -> tuple[Decimal, ...]:
    return (line.ceiling, line.payable, line.deductions, line.gross, line.bpjs_employee,
            line.bpjs_employer, line.pph21, line.net)


def test_two_tl1_days_and_one_tanpa_keterangan(tpp):
    # Oct 1 in at 07:40 (10 minutes late), Oct 2 at 08:00 (30 minutes: still TL1), no record
    # on Mon Oct 5
    rewrite(tpp, "pegawai", {1: (T(7, 40), T(16, 5)), 2: (T(8, 0), T(16, 35)), 5: None})
    result = run(tpp)
    assert (result.people, result.created, result.wrote) == (10, 10, True)
    line = line_of(tpp, "pegawai")
    # kelas 6: ceiling 5,764,000; kinerja 60% = 3,458,400 x 0% (no evaluation yet);
    # disiplin 40% = 2,305,600 payable. Cuts are a percent of the whole TPP:
    # TL1 2 x 0.5% = 57,640; tanpa keterangan 4% = 230,560; total 288,200.
    # gross 2,305,600 - 288,200 = 2,017,400; BPJS 1% 20,174 and 4% 80,696;
    # PPh 21 III/a 5% = 100,870 borne by the APBD; net 2,017,400 - 20,174 = 1,997,226
    assert figures(line) == (5_764_000, 2_305_600, 288_200, 2_017_400, 20_174, 80_696,
                             100_870, 1_997_226)
    assert cuts(line) == {"TL1": 57_640, "tanpa_keterangan": 230_560}
    assert (line.inputs["band_days"], line.inputs["absent_days"]) == ({"TL1": 2}, 1)
    assert (line.kelas, line.golongan, line.pph21_withheld) == (6, "III/a", False)
    assert line.jabatan_name == "Pengadministrasi Perkantoran"
    assert line.opd_id == tpp.opds["dinkes"].pk
    on_time = line_of(tpp, "pegawai2")
    assert (on_time.deductions, on_time.gross, on_time.net) == (0, 2_305_600, 2_282_544)
    month = TppMonth.objects.get(period=OCT)
    assert month.total_net == sum(TppLine.objects.filter(month=month).values_list(
        "net", flat=True))


def test_missing_check_in_and_out_count_tl4_and_psw4_and_early_leave_by_band(tpp):
    version(tpp)
    # Oct 6 no check-in, Oct 7 no check-out, Oct 8 out at 15:00 (60 minutes early: PSW2),
    # Fri Oct 9 out at 16:00 (the Friday ends 16:30: 30 minutes early, PSW1)
    rewrite(tpp, "pegawai", {6: (None, T(16, 10)), 7: (T(7, 10), None), 8: (T(7, 10), T(15, 0)),
                             9: (T(7, 10), T(16, 0))})
    run(tpp)
    line = line_of(tpp, "pegawai")
    # on the whole 5,764,000: TL4 2% = 115,280; PSW4 2% = 115,280; PSW2 1% = 57,640;
    # PSW1 0.5% = 28,820
    assert cuts(line) == {"TL4": 115_280, "PSW4": 115_280, "PSW2": 57_640, "PSW1": 28_820}
    assert line.gross == 5_764_000 - 317_020


def test_joining_mid_month_is_prorated_by_working_days(tpp):
    version(tpp)
    _person(tpp.cast, "baru", "Nina Baru", position="pengadministrasi", start=day(16))
    write_presensi(tpp.cast, MONTH, ["baru"],
                   {("baru", d): None for d in range(1, 16)})
    run(tpp)
    line = line_of(tpp, "baru")
    # from Fri Oct 16: 16, 19-23, 26-30 = 11 of 22 working days: 5,764,000 x 11 / 22
    assert (line.ceiling, line.deductions, line.gross) == (2_882_000, 0, 2_882_000)
    assert line.inputs["holdings"] == [[6, 11, False, False]]
    assert line.inputs["absent_days"] == 0  # the days before joining are not absences


def test_a_transfer_mid_month_pays_each_kelas_for_its_days(tpp):
    version(tpp)
    person = tpp.people["pegawai"]
    PositionAssignment.objects.filter(pegawai=person).update(end_date=day(20))
    PositionAssignment.objects.create(instansi=tpp.instansi, pegawai=person,
                                      jabatan=tpp.positions["pengelola"], start_date=day(21))
    run(tpp)
    line = line_of(tpp, "pegawai")
    # kelas 6 Oct 1-20: 1, 2, 5-9, 12-16, 19, 20 = 14 days: 262,000 x 14 = 3,668,000
    # kelas 7 Oct 21-31: 21-23, 26-30 = 8 days: 301,500 x 8 = 2,412,000
    assert line.ceiling == 3_668_000 + 2_412_000
    assert line.inputs["holdings"] == [[6, 14, False, False], [7, 8, False, False]]
    assert (line.kelas, line.jabatan_name) == (6, "Pengelola Layanan Rujukan")
    assert line.inputs["absent_days"] == 0


def test_plt_in_a_higher_kelas_pays_the_difference_for_the_acting_days(tpp):
    version(tpp)
    PositionAssignment.objects.create(instansi=tpp.instansi, pegawai=tpp.people["kasi"],
                                      jabatan=tpp.positions["kabid"], kind="plt",
                                      start_date=day(16))
    run(tpp)
    line = line_of(tpp, "kasi")
    # own kelas 9: 9,360,000; Plt kabid kelas 12 (16,000,000) for 11 of 22 days under
    # higher_of: + (16,000,000 - 9,360,000) x 11 / 22 = 3,320,000
    assert line.ceiling == 9_360_000 + 3_320_000
    plt = next(item for item in line.lines if item["code"] == "plt_kelas_12")
    assert (plt["amount"], plt["days"], plt["rule"]) == ("3320000", 11, "plt: higher_of")
    assert line.kelas == 9


def test_retired_mid_month_is_paid_up_to_the_end_of_the_position(tpp):
    version(tpp)
    retired = tpp.people["pegawai2"]
    Pegawai.objects.filter(pk=retired.pk).update(status="pensiun")
    PositionAssignment.objects.filter(pegawai=retired).update(end_date=day(15))
    # kasi retired too, but SIMPEG left the position open: nothing says until when
    Pegawai.objects.filter(pk=tpp.people["kasi"].pk).update(status="pensiun")
    result = run(tpp)
    line = line_of(tpp, "pegawai2")
    # Oct 1, 2, 5-9, 12-15 = 11 of 22 working days: 262,000 x 11
    assert (line.ceiling, line.inputs["absent_days"]) == (2_882_000, 0)
    assert not TppLine.objects.filter(pegawai=tpp.people["kasi"]).exists()
    assert result.people == 9


def test_cpns_are_paid_the_preset_percent(tpp):
    version(tpp, asn_type_pct={"CPNS": "80", "PNS": "100"})
    Pegawai.objects.filter(pk=tpp.people["pegawai2"].pk).update(asn_type="CPNS")
    run(tpp)
    line = line_of(tpp, "pegawai2")
    # 5,764,000 x 80% = 4,611,200
    assert (line.payable, line.gross) == (4_611_200, 4_611_200)
    assert line_of(tpp, "pegawai").payable == 5_764_000


def test_a_suspended_employee_is_paid_nothing(tpp):
    version(tpp)
    Pegawai.objects.filter(pk=tpp.people["pegawai2"].pk).update(
        status="diberhentikan_sementara")
    run(tpp)
    line = line_of(tpp, "pegawai2")
    assert (line.ceiling, line.payable, line.gross, line.bpjs_employee, line.net) == (
        0, 0, 0, 0, 0)
    status = next(item for item in line.lines if item["code"] == "status")
    assert (status["amount"], status["pct"]) == ("5764000", "0")


def test_leave_days_are_not_absent_and_sick_leave_follows_the_table(tpp):
    version(tpp)
    # cuti tahunan Oct 5-7 (no cut), sakit Oct 12-14 (3 days: 25%), no presensi on those days
    rewrite(tpp, "pegawai", {5: None, 6: None, 7: None, 12: None, 13: None, 14: None})
    Leave.objects.create(instansi=tpp.instansi, pegawai=tpp.people["pegawai"], kind="tahunan",
                         start_date=day(5), end_date=day(7))
    Leave.objects.create(instansi=tpp.instansi, pegawai=tpp.people["pegawai"], kind="sakit",
                         start_date=day(10), end_date=day(14))  # Sat 10 and Sun 11 not counted
    run(tpp)
    line = line_of(tpp, "pegawai")
    assert line.inputs["absent_days"] == 0
    assert line.inputs["leave_days"] == {"tahunan": 3, "sakit": 3}
    assert cuts(line) == {"leave_sakit": 1_441_000}  # 25% of 5,764,000


def test_a_scan_on_a_day_of_leave_neither_hides_an_absence_nor_costs_a_band(tpp):
    version(tpp)
    # dinas luar on Oct 8 with a scan at 09:00 (90 minutes late), and no record on Oct 9
    rewrite(tpp, "pegawai", {8: (T(9, 0), None), 9: None})
    Leave.objects.create(instansi=tpp.instansi, pegawai=tpp.people["pegawai"],
                         kind="dinas_luar", start_date=day(8), end_date=day(8))
    run(tpp)
    line = line_of(tpp, "pegawai")
    assert (line.inputs["absent_days"], line.inputs["band_days"]) == (1, {})
    assert (line.inputs["missing_out"], line.inputs["leave_days"]) == (0, {"dinas_luar": 1})
    assert cuts(line) == {"tanpa_keterangan": 230_560}  # Oct 9: 4% of 5,764,000


def test_cltn_days_are_unpaid(tpp):
    version(tpp)
    rewrite(tpp, "pegawai", {d: None for d in (19, 20, 21, 22, 23, 26, 27, 28, 29, 30)})
    Leave.objects.create(instansi=tpp.instansi, pegawai=tpp.people["pegawai"], kind="cltn",
                         start_date=day(19), end_date=dt.date(2027, 3, 31))
    run(tpp)
    # 10 of 22 working days unpaid: 262,000 x 10 = 2,620,000
    assert cuts(line_of(tpp, "pegawai")) == {"leave_cltn": 2_620_000}


def test_cuti_besar_in_its_second_month_cuts_75_percent(tpp):
    version(tpp)
    rewrite(tpp, "pegawai", {d: None for d in (1, 2, 5, 6, 7)})
    Leave.objects.create(instansi=tpp.instansi, pegawai=tpp.people["pegawai"], kind="besar",
                         start_date=dt.date(2026, 9, 7), end_date=day(7))
    run(tpp)
    line = line_of(tpp, "pegawai")
    assert line.inputs["leave_month"] == {"besar": 2}
    assert cuts(line) == {"leave_besar": 4_323_000}  # 75% of 5,764,000


def discipline(tpp: Any, sanction: str, start: dt.date, **extra: Any):
    return discipline_create(actor=tpp.admin_bkpsdm, pegawai=tpp.people["pegawai"], values={
        "sanction": sanction, "decree_number": "800/12/BKPSDM/2026",
        "decree_date": start - dt.timedelta(days=10), "start_month": start, **extra})


def test_a_discipline_case_cuts_25_percent_in_its_months_only(tpp):
    version(tpp)
    discipline(tpp, "potong_tunjangan_6", dt.date(2026, 5, 1))  # May to October
    run(tpp)
    # 25% of 5,764,000
    assert cuts(line_of(tpp, "pegawai")) == {"sanction_potong_tunjangan_6": 1_441_000}
    assert cuts(line_of(tpp, "pegawai2")) == {}
    november = Month(2026, 11)
    write_presensi(tpp.cast, november, ["pegawai"])
    run(tpp, november)
    assert "sanction_potong_tunjangan_6" not in cuts(line_of(tpp, "pegawai", november))


@pytest.mark.parametrize(("sanction", "months"), [
    ("potong_tunjangan_6", 6), ("potong_tunjangan_9", 9), ("potong_tunjangan_12", 12)])
def test_pp_94_2021_cuts_run_over_the_right_months(tpp, sanction, months):
    case = discipline(tpp, sanction, dt.date(2026, 5, 1))
    pid = tpp.people["pegawai"].pk
    active = []
    for n in range(-1, 15):
        year, month = divmod(4 + n, 12)
        found = batch.read_sanctions(tpp.instansi.pk, Month(2026 + year, month + 1))
        if found.get(pid):
            assert found[pid] == [(sanction, None)]
            active.append(f"{2026 + year}-{month + 1:02d}")
    first = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
             "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"]
    assert active == first[:months]
    discipline_cancel(actor=tpp.admin_bkpsdm, case=case, reason="Dibatalkan oleh PTUN")
    assert batch.read_sanctions(tpp.instansi.pk, MONTH) == {}


def test_a_case_with_its_own_cut(tpp):
    version(tpp)
    discipline(tpp, "pemberhentian_sementara", dt.date(2026, 10, 1), tpp_cut_pct="50")
    run(tpp)
    assert cuts(line_of(tpp, "pegawai")) == {"sanction_pemberhentian_sementara": 2_882_000}


def test_a_holiday_on_a_working_day_is_not_an_absence(tpp):
    version(tpp)
    Presensi.objects.filter(pegawai=tpp.people["pegawai"], date=day(12)).delete()
    holiday_save(actor=tpp.admin_bkpsdm, day=day(12), name="Hari Jadi Kabupaten",
                 kind="daerah")
    run(tpp)
    line = line_of(tpp, "pegawai")
    assert (line.inputs["working_days"], line.inputs["absent_days"]) == (21, 0)
    assert (line.ceiling, line.deductions) == (5_764_000, 0)
    # a record on the holiday (pegawai2 scanned on Oct 12) is not a present day either
    assert line_of(tpp, "pegawai2").inputs["absent_days"] == 0


def test_no_work_log_is_cut_as_absent_once(tpp):
    # Ogan Ilir (RULES.md 2.4 C): no daily report = absent, 3%; an absent day is cut once
    params = template_params("ogan_ilir_2023")
    params["parts"][0]["factor"] = "none"
    preset_version_create(actor=tpp.admin_bkpsdm, preset=tpp.preset, params=params,
                          effective_from=dt.date(2026, 1, 1))
    rewrite(tpp, "pegawai", {5: None, 6: None})
    logged = [d for d in range(1, 32) if dt.date(2026, 10, d).isoweekday() < 6
              and d not in (5, 6, 7, 8)]  # no log on Oct 5-8: absent 5, 6; present 7, 8
    Activity.objects.bulk_create([
        Activity(instansi=tpp.instansi, pegawai=tpp.people["pegawai"], date=day(d), minutes=60,
                 description="Mengarsip surat", output_unit="berkas", is_additional_task=True,
                 status=ActivityStatus.SUBMITTED) for d in logged])
    # a draft is not a report
    Activity.objects.create(instansi=tpp.instansi, pegawai=tpp.people["pegawai"], date=day(8),
                            minutes=60, description="Draf", output_unit="berkas",
                            is_additional_task=True, status=ActivityStatus.DRAFT)
    run(tpp)
    line = line_of(tpp, "pegawai")
    assert (line.inputs["absent_days"], line.inputs["no_log_days"]) == (2, 2)
    # 5,764,000: absent 2 x 3% = 345,840; present without a report 2 x 3% = 345,840
    assert cuts(line) == {"tanpa_keterangan": 345_840, "no_log": 345_840}


# --- Idempotent, reproducible, locked -------------------------------------------------------


def stored(month: TppMonth) -> dict[int, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in TppLine.objects.filter(month=month).values_list(
        "pegawai_id", "pk", "digest", "gross", "net", "lines")}


def test_a_second_run_writes_nothing(tpp):
    rewrite(tpp, "pegawai", {1: (T(7, 40), T(16, 5)), 5: None})
    first = run(tpp)
    before = stored(first.month)
    audits = AuditRecord.objects.count()
    again = run(tpp)
    assert (again.wrote, again.created, again.changed, again.removed) == (False, 0, 0, 0)
    assert AuditRecord.objects.count() == audits
    assert stored(again.month) == before
    assert again.month.results_digest == first.month.results_digest
    assert again.total_net == first.total_net


def test_a_month_left_computing_is_computed_again_without_an_audit_record(tpp):
    first = run(tpp)
    audits = AuditRecord.objects.count()
    TppMonth.objects.filter(pk=first.month.pk).update(status=TppMonthStatus.COMPUTING)
    again = run(tpp)
    assert (again.wrote, again.month.status) == (False, TppMonthStatus.COMPUTED)
    assert AuditRecord.objects.count() == audits


def test_a_changed_input_changes_one_line_and_is_audited(tpp):
    first = run(tpp)
    before = stored(first.month)
    rewrite(tpp, "pegawai2", {14: (T(9, 5), T(16, 40))})  # 95 minutes late: TL4
    again = run(tpp)
    assert (again.wrote, again.created, again.changed, again.removed) == (True, 0, 1, 0)
    after = stored(again.month)
    changed = [pid for pid in after if after[pid] != before[pid]]
    assert changed == [tpp.people["pegawai2"].pk]
    assert after[changed[0]][0] == before[changed[0]][0]  # the same row, updated
    assert before[changed[0]][2] - after[changed[0]][2] == 115_280  # TL4 2% of 5,764,000
    record = AuditRecord.objects.filter(action="tpp.compute").order_by("-pk").first()
    assert record.context["changed"] == 1


def test_recomputing_from_nothing_gives_the_same_rupiah(tpp):
    rewrite(tpp, "pegawai", {1: (T(7, 40), T(16, 5)), 2: (T(8, 45), T(15, 10)), 5: None})
    first = run(tpp)
    before = {pid: (v[1], v[2], v[3], v[4]) for pid, v in stored(first.month).items()}
    TppLine.objects.all().delete()
    again = run(tpp)
    assert again.created == 10
    assert {pid: (v[1], v[2], v[3], v[4]) for pid, v in stored(again.month).items()} == before
    assert again.month.results_digest == first.month.results_digest


def test_what_if_writes_nothing(tpp):
    run(tpp)
    before = stored(TppMonth.objects.get())
    params = template_params("nasional")
    params["parts"][0]["factor"] = "none"
    values = batch.what_if(tpp.instansi.pk, MONTH, params)
    gross_at = batch.LINE_FIELDS.index("gross")
    assert values[tpp.people["pegawai"].pk][gross_at] == 5_764_000
    assert stored(TppMonth.objects.get()) == before


def test_an_approved_month_refuses_to_be_computed_again(tpp):
    result = run(tpp)
    month_approve(actor=tpp.admin_bkpsdm, tpp_month=result.month)
    before = stored(result.month)
    rewrite(tpp, "pegawai", {5: None})
    with pytest.raises(ApplicationError) as caught:
        run(tpp)
    assert (caught.value.code, caught.value.status) == ("month_approved", 409)
    assert stored(result.month) == before


@pytest.mark.parametrize("step", ["insert_rows", "update_rows"])
def test_a_failure_half_way_leaves_the_old_results(tpp, monkeypatch, step):
    first = run(tpp)
    before = stored(first.month)
    month_before = TppMonth.objects.filter(pk=first.month.pk).values().get()
    audits = AuditRecord.objects.count()
    _person(tpp.cast, "baru", "Nina Baru", position="pengadministrasi", start=day(1))
    write_presensi(tpp.cast, MONTH, ["baru"])
    rewrite(tpp, "pegawai", {5: None})

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # the new line is inserted first, then the changed one updated: either may fail
    monkeypatch.setattr(batch, step, broken)
    with pytest.raises(RuntimeError):
        run(tpp)
    assert stored(first.month) == before
    assert not TppLine.objects.filter(pegawai=tpp.people["baru"]).exists()
    assert TppMonth.objects.filter(pk=first.month.pk).values().get() == month_before
    assert AuditRecord.objects.count() == audits
    monkeypatch.undo()
    fixed = run(tpp)
    assert (fixed.created, fixed.changed) == (1, 1)


# --- Queries ----------------------------------------------------------------------------------


def add_people(tpp: Any, count: int) -> None:
    """`count` synthetic pelaksana in the Dinas Kesehatan with a month of presensi, in bulk."""
    start = Pegawai.objects.count()
    people = Pegawai.objects.bulk_create([
        Pegawai(instansi=tpp.instansi, nip=f"19900101201501{(start + i) % 2 + 1}{i:03d}",
                name=f"Pegawai Sintetis {i}", gender="L", birth_date=dt.date(1990, 1, 1),
                golongan="II/c") for i in range(count)])
    PositionAssignment.objects.bulk_create([
        PositionAssignment(instansi=tpp.instansi, pegawai=p,
                           jabatan=tpp.positions["pengadministrasi"],
                           start_date=dt.date(2024, 1, 1))
        for p in people])
    days = [d for d in range(1, 32) if dt.date(2026, 10, d).isoweekday() < 6]
    Presensi.objects.bulk_create([
        Presensi(instansi=tpp.instansi, pegawai=p, date=day(d), check_in=T(7, 45),
                 check_out=T(16, 5), late_minutes=15 if d % 3 else 0)
        for p in people for d in days if d != 20])


def queries_of(tpp: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        run(tpp)
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_people(tpp, django_assert_max_num_queries):
    small = queries_of(tpp)  # 10 people, all new lines
    TppLine.objects.all().delete()
    add_people(tpp, 190)
    with django_assert_max_num_queries(small):
        result = run(tpp)
    assert (result.people, result.created) == (200, 200)
    line = TppLine.objects.filter(pegawai__name="Pegawai Sintetis 7").get()
    # kelas 6, 2,305,600 payable; TL1 on 14 days (7% = 403,480), absent Oct 20 (4% = 230,560)
    assert line.deductions == 403_480 + 230_560
    rewrite(tpp, "pegawai", {5: None})
    with django_assert_max_num_queries(small):
        changed = run(tpp)
    assert changed.changed == 1
