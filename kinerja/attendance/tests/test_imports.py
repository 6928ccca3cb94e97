"""The e-presensi and leave imports through the people import engine, with real CSV and XLSX
files: good rows in, each bad row reported with its line and reason, a re-import changes
nothing, a correction is an audited update, the minutes are measured against the calendar of
the person's place on the day (a longer Friday, Ramadan hours, holidays, an OPD's own week),
Excel time cells and 'HH.MM' text; leave kinds with their aliases."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from kinerja.attendance.imports import time_value
from kinerja.attendance.models import Presensi
from kinerja.attendance.services import calendar_year_ensure, holiday_save, schedule_save
from kinerja.core.audit import audit_verify
from kinerja.core.models import AuditRecord
from kinerja.people.imports.services import import_file
from kinerja.people.imports.values import CellError
from kinerja.people.models import ImportRowError, ImportRun, Leave, PositionAssignment
from kinerja.testing import make_nip

T = dt.time
PRESENSI = ["nip", "tanggal", "jam_masuk", "jam_pulang"]
LEAVES = ["nip", "jenis", "tanggal_mulai", "tanggal_selesai", "keterangan"]
STRANGER = make_nip(dt.date(1991, 2, 3), dt.date(2016, 1, 1), 1, 777)


@pytest.fixture
def people(cast):
    calendar_year_ensure(cast.instansi.pk, 2026)
    return cast


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run_import(cast: Any, kind: str, path: Path, **extra: Any) -> ImportRun:
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind=kind, path=path,
                      **extra)
    assert run.status == ImportRun.Status.DONE, run.message
    return run


def errors(run: ImportRun) -> set[tuple[int, str, str]]:
    return {(e.line, e.field, e.code) for e in ImportRowError.objects.filter(run=run)}


def row_of(cast: Any, key: str, day: dt.date) -> Presensi:
    return Presensi.objects.get(pegawai=cast.people[key], date=day)


def test_good_rows_in_and_each_bad_row_reported_with_line_and_reason(people, tmp_path):
    nip = people.people["pegawai"].nip
    nip2 = people.people["pegawai2"].nip
    future = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    rows = [
        [nip, "2026-10-01", "07:45", "16:05"],  # line 2: 15 minutes late
        [nip, "02-10-2026", "07:20", "16:00"],  # line 3: Friday, out 30 minutes early
        ["1980.0517.2005", "2026-10-01", "07:30", "16:00"],  # line 4: not 18 digits
        [STRANGER, "2026-10-01", "07:30", "16:00"],  # line 5: unknown NIP
        [nip2, "31-02-2026", "07:30", "16:00"],  # line 6: not a real date
        [nip2, "kemarin", "07:30", "16:00"],  # line 7: not a date
        [nip2, future, "07:30", "16:00"],  # line 8: in the future
        [nip2, "2026-10-05", "25:10", "16:00"],  # line 9: not a time
        [nip2, "2026-10-06", "pagi", "16:00"],  # line 10: not a time
        [nip2, "2026-10-07", "16:00", "07:30"],  # line 11: out before in
        [nip, "2026-10-01", "07:30", "16:00"],  # line 12: the same day as line 2
        [nip2, "2026-10-08", "", "16:10"],  # line 13: no check-in (kept)
        ["", "2026-10-08", "07:30", "16:00"],  # line 14: no NIP
        [nip2, "", "07:30", "16:00"],  # line 15: no date
    ]
    run = run_import(people, "presensi", write_csv(tmp_path / "presensi.csv", PRESENSI, rows))
    assert errors(run) == {
        (4, "nip", "nip_format"), (5, "nip", "unknown_employee"),
        (6, "tanggal", "date_invalid"), (7, "tanggal", "date_format"),
        (8, "tanggal", "future_date"), (9, "jam_masuk", "time_format"),
        (10, "jam_masuk", "time_format"), (11, "jam_pulang", "out_before_in"),
        (12, "nip", "duplicate"), (14, "nip", "required"), (15, "tanggal", "required"),
    }
    messages = dict(ImportRowError.objects.filter(run=run).values_list("line", "message"))
    assert messages[4] == "NIP must be exactly 18 digits"
    assert messages[5] == f"NIP {STRANGER} is not in Kinerja; import the employees first"
    assert messages[8] == "tanggal is in the future"
    assert messages[9] == "jam_masuk must be a time like 07:45 or 07:45:30"
    assert messages[11] == "jam_pulang is not after jam_masuk"
    assert messages[12] == ("this row repeats the nip, tanggal of line 2; only the first one "
                            "is imported")
    assert (run.total_rows, run.created, run.error_count) == (14, 3, 11)
    first = row_of(people, "pegawai", dt.date(2026, 10, 1))
    assert (first.check_in, first.check_out, first.late_minutes, first.early_minutes) == (
        T(7, 45), T(16, 5), 15, 0)
    friday = row_of(people, "pegawai", dt.date(2026, 10, 2))
    assert (friday.late_minutes, friday.early_minutes, friday.working_day) == (0, 30, True)
    no_in = row_of(people, "pegawai2", dt.date(2026, 10, 8))
    assert (no_in.check_in, no_in.check_out, no_in.late_minutes) == (None, T(16, 10), 0)
    assert Presensi.objects.count() == 3
    assert first.import_run_id == run.pk
    assert audit_verify(people.instansi).ok


def test_a_re_import_changes_nothing(people, tmp_path):
    nip = people.people["pegawai"].nip
    path = write_csv(tmp_path / "presensi.csv", PRESENSI, [
        [nip, f"2026-10-{d:02d}", "07:25", "16:35"] for d in (1, 2, 5, 6, 7)])
    first = run_import(people, "presensi", path)
    rows = list(Presensi.objects.order_by("pk").values())
    audits = AuditRecord.objects.count()
    again = run_import(people, "presensi", path)
    assert (first.created, again.created, again.updated, again.unchanged) == (5, 0, 0, 5)
    assert list(Presensi.objects.order_by("pk").values()) == rows
    assert AuditRecord.objects.count() == audits


def test_a_correction_updates_the_row_and_is_audited(people, tmp_path):
    nip = people.people["pegawai"].nip
    run_import(people, "presensi", write_csv(tmp_path / "a.csv", PRESENSI, [
        [nip, "2026-10-01", "08:05", "16:05"], [nip, "2026-10-02", "07:25", "16:35"]]))
    row = row_of(people, "pegawai", dt.date(2026, 10, 1))
    assert row.late_minutes == 35
    # the machine was fixed: the real check-in was 07:25
    fixed = run_import(people, "presensi", write_csv(tmp_path / "b.csv", PRESENSI, [
        [nip, "2026-10-01", "07:25", "16:05"], [nip, "2026-10-02", "07:25", "16:35"]]))
    assert (fixed.created, fixed.updated, fixed.unchanged) == (0, 1, 1)
    again = row_of(people, "pegawai", dt.date(2026, 10, 1))
    assert (again.pk, again.check_in, again.late_minutes) == (row.pk, T(7, 25), 0)
    assert again.import_run_id == fixed.pk
    record = AuditRecord.objects.get(action="presensi.update")
    assert record.changes == {"check_in": ["08:05:00", "07:25:00"]}
    assert record.context == {"import_run": fixed.pk, "line": 2}
    assert record.object_id == str(row.pk)
    assert record.actor_id == people.admin_bkpsdm.pk
    assert Presensi.objects.count() == 2
    assert audit_verify(people.instansi).ok


def test_a_dry_run_writes_nothing(people, tmp_path):
    nip = people.people["pegawai"].nip
    path = write_csv(tmp_path / "p.csv", PRESENSI, [[nip, "2026-10-01", "07:45", "16:05"],
                                                    [STRANGER, "2026-10-01", "07:45", "16:05"]])
    dry = run_import(people, "presensi", path, dry_run=True)
    assert (dry.created, dry.error_count) == (1, 1)
    assert not Presensi.objects.exists()


def test_minutes_are_measured_against_the_calendar(people, tmp_path):
    nip = people.people["pegawai"].nip
    holiday_save(actor=people.admin_bkpsdm, day=dt.date(2026, 10, 12),
                 name="Hari Jadi Kabupaten", kind="daerah")
    rows = [
        [nip, "2026-10-01", "07:40", "16:00"],  # Thursday: 10 late, on time out
        [nip, "2026-10-02", "07:40", "16:00"],  # Friday ends 16:30: 10 late, 30 early
        [nip, "2026-10-03", "08:00", "12:00"],  # Saturday: not a working day
        [nip, "2026-10-12", "07:40", "16:00"],  # the regional holiday
        [nip, "2026-02-12", "08:10", "16:00"],  # Thursday before Ramadan: 40 late
        [nip, "2026-02-17", "08:10", "16:00"],  # Tahun Baru Imlek
        [nip, "2026-02-19", "08:10", "15:00"],  # Ramadan (08:00-15:00): 10 late
        [nip, "2026-02-20", "08:00", "15:00"],  # Ramadan Friday ends 15:30: 30 early
        [nip, "2026-03-20", "08:00", "15:00"],  # cuti bersama Idulfitri
    ]
    run_import(people, "presensi", write_csv(tmp_path / "p.csv", PRESENSI, rows))
    measured = {
        p.date.isoformat(): (p.late_minutes, p.early_minutes, p.working_day)
        for p in Presensi.objects.filter(pegawai=people.people["pegawai"])}
    assert measured == {
        "2026-10-01": (10, 0, True), "2026-10-02": (10, 30, True),
        "2026-10-03": (0, 0, False), "2026-10-12": (0, 0, False),
        "2026-02-12": (40, 0, True), "2026-02-17": (0, 0, False),
        "2026-02-19": (10, 0, True),
        "2026-02-20": (0, 30, True), "2026-03-20": (0, 0, False),
    }


def test_an_opd_with_its_own_week_and_a_transfer_mid_month(people, tmp_path):
    # Dinas Pendidikan works Monday to Saturday 07:00-13:00 (Friday 07:00-11:00)
    six = {str(d): ["07:00", "13:00"] for d in (1, 2, 3, 4, 6)} | {"5": ["07:00", "11:00"]}
    schedule_save(actor=people.admin_bkpsdm, year=2026, values={"hours": six},
                  opd=people.opds["disdik"])
    person = people.people["pegawai"]
    PositionAssignment.objects.filter(pegawai=person).update(end_date=dt.date(2026, 10, 15))
    PositionAssignment.objects.create(instansi=people.instansi, pegawai=person,
                                      jabatan=people.positions["kadis_disdik"],
                                      start_date=dt.date(2026, 10, 16))
    nip = person.nip
    rows = [
        [nip, "2026-10-15", "07:20", "16:00"],  # Thursday at the Dinas Kesehatan: on time
        [nip, "2026-10-16", "07:20", "11:00"],  # Friday at the Dinas Pendidikan: 20 late
        [nip, "2026-10-17", "07:00", "13:00"],  # Saturday: a working day there
        [nip, "2026-10-19", "07:05", "12:30"],  # Monday: 5 late, 30 early
    ]
    run_import(people, "presensi", write_csv(tmp_path / "p.csv", PRESENSI, rows))
    measured = {p.date.day: (p.late_minutes, p.early_minutes, p.working_day)
                for p in Presensi.objects.filter(pegawai=person)}
    assert measured == {15: (0, 0, True), 16: (20, 0, True), 17: (0, 0, True),
                        19: (5, 30, True)}


def test_excel_time_cells_fractions_and_hh_mm_text(people, tmp_path):
    nip = people.people["pegawai"].nip
    rows = [
        [nip, dt.date(2026, 10, 1), T(7, 45, 12), T(16, 5)],  # time cells
        [nip, dt.datetime(2026, 10, 2), dt.datetime(2026, 10, 2, 7, 31), "16.45"],
        [nip, "2026-10-05", 0.3229166667, 0.6770833333],  # fractions: 07:45 and 16:15
        [nip, "05-10-2026", "7.45", "16.10"],  # line 5: the same day again
        [nip, "2026-10-06", "7.45", "16.10"],  # HH.MM text
        [nip, "2026-10-07", "07:31:00", "2026-10-07 15:59:30"],
        [nip, "2026-10-08", "07.75", "16:00"],  # line 8: no minute 75
    ]
    run = run_import(people, "presensi", write_xlsx(tmp_path / "presensi.xlsx", PRESENSI,
                                                    rows))
    assert errors(run) == {(5, "nip", "duplicate"), (8, "jam_masuk", "time_format")}
    stored = {p.date.day: (p.check_in, p.check_out, p.late_minutes, p.early_minutes)
              for p in Presensi.objects.filter(pegawai=people.people["pegawai"])}
    assert stored == {
        1: (T(7, 45, 12), T(16, 5), 15, 0),
        2: (T(7, 31), T(16, 45), 1, 0),
        5: (T(7, 45), T(16, 15), 15, 0),
        6: (T(7, 45), T(16, 10), 15, 0),
        7: (T(7, 31), T(15, 59, 30), 1, 0),  # 30 seconds early is not a whole minute
    }


@pytest.mark.parametrize(("raw", "expected"), [
    ("07:45", T(7, 45)), ("7.45", T(7, 45)), ("07:45:30", T(7, 45, 30)),
    ("2026-10-01 07:45:12", T(7, 45, 12)), ("2026-10-01T16:05:00", T(16, 5)),
    (0.5, T(12, 0)), (0.99999999, T(23, 59, 59)), (0.0, T(0, 0)),
    (T(7, 45, 1, 500), T(7, 45, 1)), ("", None), ("-", None), (None, None),
])
def test_time_values(raw, expected):
    assert time_value(raw, column="jam_masuk") == expected


@pytest.mark.parametrize("raw", ["24:00", "07:60", "7", "pagi", "07:45:61", 1.5, 3])
def test_bad_time_values(raw):
    with pytest.raises(CellError) as caught:
        time_value(raw, column="jam_masuk")
    assert caught.value.code == "time_format"


def test_a_file_without_the_nip_column_fails_whole(people, tmp_path):
    path = write_csv(tmp_path / "p.csv", ["pegawai", "tanggal", "jam_masuk"],
                     [["x", "2026-10-01", "07:30"]])
    run = import_file(actor=people.admin_bkpsdm, instansi=people.instansi, kind="presensi",
                      path=path)
    assert run.status == ImportRun.Status.FAILED
    assert "The file has no column nip" in run.message
    assert not Presensi.objects.exists()


def test_column_aliases_of_e_presensi_exports(people, tmp_path):
    nip = people.people["pegawai"].nip
    path = write_csv(tmp_path / "p.csv", ["NIP Baru", "Tgl", "Scan Masuk", "Scan Pulang"],
                     [[nip, "01/10/2026", "07:31", "16:00"]])
    run = run_import(people, "presensi", path)
    assert run.created == 1
    assert row_of(people, "pegawai", dt.date(2026, 10, 1)).late_minutes == 1


# --- Leaves -----------------------------------------------------------------------------------

KINDS = [
    ("Cuti Tahunan", "tahunan"), ("CT", "tahunan"), ("cuti sakit", "sakit"),
    ("Cuti Besar", "besar"), ("Cuti Bersalin", "melahirkan"),
    ("Cuti Karena Alasan Penting", "alasan_penting"), ("CLTN", "cltn"),
    ("Cuti di Luar Tanggungan Negara", "cltn"), ("Dinas Luar", "dinas_luar"),
    ("DL", "dinas_luar"), ("Tugas Belajar", "tugas_belajar"), ("Izin", "izin"),
    ("ijin", "izin"), ("lainnya", "lainnya"),
]


def test_leave_kinds_with_their_aliases(people, tmp_path):
    nip = people.people["pegawai"].nip
    rows = [[nip, raw, f"2026-{i + 1:02d}-02", f"2026-{i + 1:02d}-03", raw]
            for i, (raw, _kind) in enumerate(KINDS[:12])]
    rows += [[people.people["pegawai2"].nip, raw, "2026-05-04", "2026-05-05", ""]
             for raw, _kind in KINDS[12:]]
    run = run_import(people, "leaves", write_csv(tmp_path / "cuti.csv", LEAVES, rows))
    assert (run.created, run.error_count) == (14, 0), errors(run)
    stored = sorted(Leave.objects.filter(pegawai=people.people["pegawai"]).values_list(
        "start_date", "kind", "note"))
    assert [(kind, note) for _d, kind, note in stored] == [
        (kind, raw) for raw, kind in KINDS[:12]]
    assert sorted(Leave.objects.filter(pegawai=people.people["pegawai2"]).values_list(
        "kind", flat=True)) == ["izin", "lainnya"]


def test_bad_leave_rows_are_reported(people, tmp_path):
    nip = people.people["pegawai"].nip
    rows = [
        [nip, "Cuti Tahunan", "2026-10-05", "2026-10-07", "ke Palembang"],  # line 2: good
        [nip, "Libur", "2026-10-08", "2026-10-08", ""],  # line 3: not a kind
        [nip, "Sakit", "2026-10-12", "2026-10-09", ""],  # line 4: end before start
        [STRANGER, "Izin", "2026-10-12", "2026-10-12", ""],  # line 5: unknown NIP
        [nip, "Izin", "12-13-2026", "2026-10-12", ""],  # line 6: no month 13
        [nip, "Izin", "2026-10-13", "", ""],  # line 7: no end
        [nip, "CT", "05-10-2026", "2026-10-09", ""],  # line 8: same kind and start as 2
        ["19800517", "Izin", "2026-10-14", "2026-10-14", ""],  # line 9: short NIP
    ]
    run = run_import(people, "leaves", write_csv(tmp_path / "cuti.csv", LEAVES, rows))
    assert errors(run) == {
        (3, "jenis", "choice"), (4, "tanggal_selesai", "end_before_start"),
        (5, "nip", "unknown_employee"), (6, "tanggal_mulai", "date_invalid"),
        (7, "tanggal_selesai", "required"), (8, "nip", "duplicate"), (9, "nip", "nip_format"),
    }
    message = ImportRowError.objects.get(run=run, line=4).message
    assert message == "tanggal_selesai is before tanggal_mulai"
    assert ImportRowError.objects.get(run=run, line=3).message.startswith(
        "jenis Libur is not one of: tahunan, sakit, besar")
    leave = Leave.objects.get()
    assert (leave.kind, leave.start_date, leave.end_date, leave.note) == (
        "tahunan", dt.date(2026, 10, 5), dt.date(2026, 10, 7), "ke Palembang")


def test_leave_re_import_and_correction(people, tmp_path):
    nip = people.people["pegawai"].nip
    path = write_xlsx(tmp_path / "cuti.xlsx", LEAVES, [
        [nip, "Cuti Sakit", dt.date(2026, 10, 5), dt.date(2026, 10, 7), "demam"],
        [nip, "Dinas Luar", dt.date(2026, 10, 20), dt.date(2026, 10, 21), "Jakarta"]])
    first = run_import(people, "leaves", path)
    audits = AuditRecord.objects.count()
    again = run_import(people, "leaves", path)
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert AuditRecord.objects.count() == audits
    # the sick leave was extended to Friday
    longer = write_csv(tmp_path / "cuti2.csv", LEAVES, [
        [nip, "sakit", "2026-10-05", "2026-10-09", "demam"]])
    fixed = run_import(people, "leaves", longer)
    assert (fixed.created, fixed.updated) == (0, 1)
    assert Leave.objects.get(kind="sakit").end_date == dt.date(2026, 10, 9)
    record = AuditRecord.objects.get(action="leave.update")
    assert record.changes == {"end_date": ["2026-10-07", "2026-10-09"]}
    assert record.context == {"import_run": fixed.pk, "line": 2}
    assert Leave.objects.count() == 2
    assert audit_verify(people.instansi).ok
