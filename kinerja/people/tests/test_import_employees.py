"""Employees import: bad rows reported with line and column, good rows kept, idempotent re-run,
dry run, mutation closing the old assignment."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from kinerja.core.audit import audit_verify
from kinerja.core.models import AuditRecord
from kinerja.org.rules import HoldingKind
from kinerja.people.imports.services import import_file
from kinerja.people.models import ImportRowError, ImportRun, Pegawai, PositionAssignment
from kinerja.testing import make_nip

HEADER = ["nip", "nama", "gelar_depan", "gelar_belakang", "jenis_asn", "golongan", "status",
          "jenis_kelamin", "tanggal_lahir", "email", "telepon", "jabatan_kode", "tmt_jabatan"]


def nip(day: int, gender: int = 1, seq: int = 1) -> str:
    return make_nip(dt.date(1980, 5, day), dt.date(2005, 3, 1), gender, seq)


def employee(nip_: str, name: str, **extra: str) -> dict[str, str]:
    row = {"nip": nip_, "nama": name, "jenis_asn": "PNS", "golongan": "III/a", "status": "aktif",
           "jabatan_kode": "PENGADMINISTRASI", "tmt_jabatan": "2024-01-02"}
    row.update(extra)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], *, delimiter: str = ",",
              bom: bool = False) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


BAD_ROWS = [
    # (row, column, code)
    (employee("19800517200503100", "Panjang Salah"), "nip", "nip_format"),
    (employee("198002302005031001", "Lahir Salah"), "nip", "nip_birth_date"),
    (employee("198005172005033001", "Kelamin Tiga"), "nip", "nip_gender"),
    (employee(nip(4), "Golongan Aneh", golongan="V/a"), "golongan", "golongan"),
    (employee(nip(5), "Jabatan Hilang", jabatan_kode="TIDAK-ADA"), "jabatan_kode",
     "unknown_position"),
    (employee(nip(1), "Kembar"), "nip", "duplicate"),
    (employee(nip(7), "Tanggal Salah", tmt_jabatan="31-02-2024"), "tmt_jabatan", "date_invalid"),
]


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    rows = [employee(nip(1), "Ani Baik", jenis_kelamin="L", tanggal_lahir="01/05/1980")]
    for bad, _column, _code in BAD_ROWS:
        rows.append(bad)
        rows.append(employee(nip(10 + len(rows)), f"Baik {len(rows)}"))
    return write_csv(tmp_path / "pegawai.csv", rows)


def test_bad_rows_are_reported_with_line_and_column_and_good_rows_kept(cast, bad_file):
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=bad_file)
    assert run.status == ImportRun.Status.DONE, run.message
    errors = {(e.line, e.field, e.code) for e in ImportRowError.objects.filter(run=run)}
    # line 2 is the first good row; each bad row is followed by a good one
    expected = {(3 + 2 * i, column, code) for i, (_r, column, code) in enumerate(BAD_ROWS)}
    assert errors == expected
    assert run.error_count == len(BAD_ROWS)
    assert run.created == 1 + len(BAD_ROWS)
    assert run.total_rows == 1 + 2 * len(BAD_ROWS)
    assert Pegawai.objects.filter(name__startswith="Baik").count() == len(BAD_ROWS)
    ani = Pegawai.objects.get(nip=nip(1))
    assert (ani.gender, ani.birth_date) == ("L", dt.date(1980, 5, 1))
    assert ani.assignments.get().jabatan == cast.positions["pengadministrasi"]
    message = ImportRowError.objects.get(run=run, code="nip_format").message
    assert message == "NIP must be exactly 18 digits"
    unknown = ImportRowError.objects.get(run=run, code="unknown_position").message
    assert unknown == "position code TIDAK-ADA does not exist"
    assert audit_verify(cast.instansi).ok


def test_rerun_changes_nothing_and_writes_no_audit_records(cast, bad_file):
    first = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                        path=bad_file)
    audit_count = AuditRecord.objects.count()
    again = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                        path=bad_file)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created
    assert again.error_count == first.error_count
    assert AuditRecord.objects.count() == audit_count


def test_dry_run_reports_the_counts_and_writes_nothing(cast, bad_file):
    from kinerja.core.models import AuditChainHead

    def state() -> tuple[int, ...]:
        return (Pegawai.objects.count(), PositionAssignment.objects.count(),
                AuditRecord.objects.count(), AuditChainHead.objects.count())

    before = state()
    dry = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=bad_file, dry_run=True)
    assert state() == before
    assert dry.dry_run and dry.status == ImportRun.Status.DONE
    real = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                       path=bad_file)
    counts = ("total_rows", "created", "updated", "unchanged", "error_count")
    assert [getattr(dry, c) for c in counts] == [getattr(real, c) for c in counts]


def test_mutation_closes_the_previous_definitive_assignment(cast, tmp_path):
    person = cast.people["pegawai"]
    path = write_csv(tmp_path / "mutasi.csv", [
        employee(person.nip, person.name, golongan="III/b", jabatan_kode="PENGELOLA",
                 tmt_jabatan="01-07-2025", status="", jenis_asn="PNS")])
    before = AuditRecord.objects.count()
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=path)
    assert (run.created, run.updated, run.error_count) == (0, 1, 0)
    rows = list(PositionAssignment.objects.filter(pegawai=person, kind=HoldingKind.DEFINITIF)
                .order_by("start_date"))
    assert [(a.jabatan.code, a.start_date, a.end_date) for a in rows] == [
        ("PENGADMINISTRASI", dt.date(2020, 1, 1), dt.date(2025, 6, 30)),
        ("PENGELOLA", dt.date(2025, 7, 1), None),
    ]
    actions = list(AuditRecord.objects.filter(pk__gt=0).order_by("seq")
                   .values_list("action", "changes")[before:])
    assert [a for a, _c in actions] == ["pegawai.update", "assignment.close", "assignment.create"]
    assert actions[0][1] == {"golongan": ["III/a", "III/b"]}
    assert AuditRecord.objects.filter(action="pegawai.update").get().actor_id == (
        cast.admin_bkpsdm.pk)
    again = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                        path=path)
    assert (again.updated, again.unchanged) == (0, 1)


def _queries_for(cast, tmp_path, count: int, name: str, gender: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [employee(nip(1 + i % 28, gender=gender, seq=1 + i // 28 + (name == "kecil")),
                     f"Pegawai {name} {i}")
            for i in range(count)]
    path = write_csv(tmp_path / f"{name}.csv", rows)
    with CaptureQueriesContext(connection) as ctx:
        run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                          path=path)
    assert run.created == count
    return len(ctx.captured_queries)


def test_a_chunk_costs_the_same_number_of_queries_whatever_its_size(cast, tmp_path, settings):
    settings.KINERJA_IMPORT_CHUNK = 1000
    _queries_for(cast, tmp_path, 1, "pemanasan", gender=1)  # creates the audit chain head
    from django.db import connection

    small = _queries_for(cast, tmp_path, 5, "kecil", gender=1)
    big = _queries_for(cast, tmp_path, 120, "besar", gender=2)
    if connection.vendor == "postgresql":
        assert big == small  # COPY and set-based statements
    else:
        # bulk_create splits at SQLite's 999 parameters: a few batches, never a query per row.
        assert big - small <= 6


def test_more_row_rules(cast, tmp_path):
    from kinerja.core.models import Instansi

    other = Instansi.objects.create(code="kota-lain", name="Kota Lain")
    Pegawai.objects.create(instansi=other, nip=nip(20), name="Orang Lain", gender="L",
                           birth_date=dt.date(1980, 5, 20))
    pppk = "199009132025242014"
    rows = [
        employee("19800521 200503 1 001", "Spasi", golongan="iii-b"),  # 2: NIP with spaces
        employee(pppk, "Pppk", jenis_asn="PPPK", golongan="IX", jenis_kelamin="P"),  # 3
        employee(nip(22), "Surel", email="bukan-surel"),  # 4
        employee(nip(23), "Status", status="liburan"),  # 5
        employee(nip(20), "Instansi Lain"),  # 6
        employee(cast.people["pegawai"].nip, "Dewi", jabatan_kode="KASI",
                 tmt_jabatan="2019-12-31"),  # 7: before the TMT of the current position
        employee(nip(24), "Tanpa TMT", tmt_jabatan=""),  # 8
        employee(nip(25), "PNS golongan PPPK", golongan="IX"),  # 9
    ]
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="employees",
                      path=write_csv(tmp_path / "lagi.csv", rows))
    errors = {(e.line, e.field, e.code) for e in ImportRowError.objects.filter(run=run)}
    assert errors == {(4, "email", "email"), (5, "status", "choice"),
                      (6, "nip", "other_instansi"), (7, "tmt_jabatan", "tmt_before_current"),
                      (8, "tmt_jabatan", "required"), (9, "golongan", "golongan")}
    assert Pegawai.objects.get(nip="198005212005031001").golongan == "III/b"
    p = Pegawai.objects.get(nip=pppk)
    assert (p.asn_type, p.golongan, p.gender) == ("PPPK", "IX", "P")
    assert run.created == 2 and run.error_count == 6
