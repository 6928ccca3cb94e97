"""import_employees_100k: the SIMPEG employees import on PostgreSQL against a bare COPY.

Uses DATABASE_URL if set (it must be PostgreSQL), else recreates the throwaway database
kinerja_bench on postgres://postgres@127.0.0.1:5432. Migrates, builds a small org with enough
positions (bulk), writes a CSV of N valid employees, then measures in the same process:
  ours      the import (rows/s), through the same service the CLI, pages and API use,
            with its peak memory (ru_maxrss) and a second, idempotent run;
  baseline  COPY of the same CSV into a plain table with the same columns (rows/s).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

from bench import Benchmark, summary_line

NAME = "import_employees_100k"
DEFAULT_ROWS = 100_000
POSITIONS = 400
ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
BENCH_DB = "kinerja_bench"
GOLONGAN = ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b"]
HEADER = ["nip", "nama", "gelar_depan", "gelar_belakang", "jenis_asn", "golongan", "status",
          "jenis_kelamin", "tanggal_lahir", "email", "telepon", "jabatan_kode", "tmt_jabatan"]


def _prepare_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise SystemExit(f"{NAME} needs PostgreSQL; DATABASE_URL is {url}")
        return url
    import psycopg

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    url = f"{ADMIN_URL}/{BENCH_DB}"
    os.environ["DATABASE_URL"] = url
    return url


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")
    # A throwaway key: the benchmark signs nothing. DEBUG stays off (no query log in memory).
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DEBUG"] = "false"  # DEBUG would log every query and slow the run
    import django

    django.setup()


def nip_for(i: int) -> tuple[str, str]:
    """A valid, unique NIP for employee number i, and the gender it encodes."""
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=i % 12000)
    year = birth.year + 22 + (i % 7)
    month = 1 + (i % 12)
    gender = 1 + (i // 12000) % 2
    seq = 1 + i // 24000
    return f"{birth:%Y%m%d}{year}{month:02d}{gender}{seq:03d}", "L" if gender == 1 else "P"


def write_csv(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            nip, gender = nip_for(i)
            writer.writerow([
                nip, f"Pegawai Uji {i}", "", "S.Kom." if i % 3 == 0 else "", "PNS",
                GOLONGAN[i % len(GOLONGAN)], "aktif", gender, "",
                f"pegawai{i}@contoh.go.id" if i % 2 == 0 else "", f"0812{i:08d}",
                f"JAB-{i % POSITIONS:04d}", "2024-01-02",
            ])


def _build_org() -> object:
    from kinerja.core.models import Instansi
    from kinerja.org.models import Jabatan, JenisJabatan, Opd, UnitKerja

    instansi = Instansi.objects.create(code="kab-bench", name="Pemerintah Kabupaten Bench")
    opd = Opd.objects.create(instansi=instansi, code="BENCH", name="Dinas Bench")
    unit = UnitKerja.objects.create(instansi=instansi, opd=opd, code="BENCH", name="Dinas Bench")
    UnitKerja.objects.filter(pk=unit.pk).update(path=f"/{unit.pk}/")
    Jabatan.objects.bulk_create(
        Jabatan(instansi=instansi, opd=opd, unit=unit, code=f"JAB-{i:04d}",
                name=f"Jabatan {i}", jenis=JenisJabatan.PELAKSANA, kelas=6)
        for i in range(POSITIONS)
    )
    return instansi


def _maxrss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _baseline_copy(path: Path, rows: int) -> float:
    from django.db import connection

    columns = ", ".join(f"{c} text" for c in HEADER)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_baseline")
        cursor.execute(f"CREATE TABLE bench_copy_baseline ({columns})")
        start = time.perf_counter()
        with open(path, "rb") as handle, cursor.copy(
            "COPY bench_copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy:
            while block := handle.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM bench_copy_baseline")
        (count,) = cursor.fetchone()
        cursor.execute("DROP TABLE bench_copy_baseline")
    assert count == rows, (count, rows)
    print(f"baseline: COPY {count} rows into a plain table in {elapsed:.2f} s")
    return count / elapsed


class _Phases:
    """Wall time spent in the phases of the import (parse, reads, writes, audit, commit), by
    wrapping the functions the import calls; printed as details."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._undo: list[tuple[object, str, object]] = []

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def report(self, total: float) -> str:
        order = ["parse (Python, per row)", "read existing (2 SELECTs per chunk)",
                 "write employees + assignments (COPY, INSERT, UPDATE)",
                 "audit records (hash chain + COPY)", "commit (deferred FK checks, WAL)"]
        parts = [f"{label} {self.seconds.get(label, 0.0):.2f} s" for label in order]
        rest = total - sum(self.seconds.get(label, 0.0) for label in order)
        return "; ".join(parts) + f"; other {rest:.2f} s"


def _instrument() -> _Phases:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from kinerja.people.imports import employees, fastpath

    phases = _Phases()
    phases.wrap(employees.EmployeeImporter, "parse", "parse (Python, per row)")
    phases.wrap(employees, "_read_existing", "read existing (2 SELECTs per chunk)")
    phases.wrap(fastpath, "audit_record_many_copy", "audit records (hash chain + COPY)")
    phases.wrap(fastpath, "write_employees",
                "write employees + assignments (COPY, INSERT, UPDATE)")
    phases.wrap(BaseDatabaseWrapper, "commit", "commit (deferred FK checks, WAL)")
    return phases


def run(rows: int | None) -> None:
    rows = rows or DEFAULT_ROWS
    url = _prepare_database()
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kinerja.core.audit import audit_verify
    from kinerja.core.models import AuditRecord
    from kinerja.people.imports.services import import_file
    from kinerja.people.models import Pegawai

    call_command("migrate", verbosity=0)
    instansi = _build_org()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    print(f"database: PostgreSQL {pg_version} at {url.rsplit('@', 1)[-1]}")
    print(f"machine: {os.cpu_count()} cpus, {_mem_total_gb():.1f} GB RAM, Python "
          f"{sys.version.split()[0]}, chunk {settings.KINERJA_IMPORT_CHUNK} rows")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pegawai.csv"
        write_csv(path, rows)
        print(f"file: {rows} employees, {path.stat().st_size / 1e6:.1f} MB CSV")
        rss_before = _maxrss_mb()
        phases = _instrument()
        start, cpu_start = time.perf_counter(), time.process_time()
        first = import_file(actor=None, instansi=instansi, kind="employees", path=path)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rss_after = _maxrss_mb()
        phases.restore()
        assert first.status == "done" and first.created == rows, (first.status, first.message,
                                                                  first.created)
        ours = rows / elapsed
        audits = AuditRecord.objects.count()
        print(f"ours: first import {elapsed:.2f} s = {ours:.0f} rows/s "
              f"(created {first.created}, rejected {first.error_count}, "
              f"{audits} audit records)")
        # write_employees includes the audit call: subtract it to show the two apart.
        audit_s = phases.seconds.get("audit records (hash chain + COPY)", 0.0)
        write_label = "write employees + assignments (COPY, INSERT, UPDATE)"
        phases.seconds[write_label] = phases.seconds.get(write_label, 0.0) - audit_s
        print(f"phases of the first import: {phases.report(elapsed)}")
        print(f"CPU of this Python process during the first import: {cpu:.2f} s of "
              f"{elapsed:.2f} s wall (the rest is PostgreSQL's work or waiting for a CPU)")
        print(f"memory: ru_maxrss {rss_before:.0f} MB before the import, {rss_after:.0f} MB "
              f"after (peak growth {rss_after - rss_before:.0f} MB)")
        start = time.perf_counter()
        second = import_file(actor=None, instansi=instansi, kind="employees", path=path)
        elapsed2 = time.perf_counter() - start
        assert (second.created, second.updated, second.unchanged) == (0, 0, rows)
        assert AuditRecord.objects.count() == audits
        print(f"idempotent re-run: {elapsed2:.2f} s = {rows / elapsed2:.0f} rows/s "
              f"(unchanged {second.unchanged}, no new audit records)")
        assert Pegawai.objects.count() == rows
        start = time.perf_counter()
        verified = audit_verify(instansi)
        print(f"audit chain: {verified.checked} records verified "
              f"{'OK' if verified.ok else 'BROKEN'} in {time.perf_counter() - start:.2f} s")
        baseline = _baseline_copy(path, rows)
    print(summary_line(NAME, ours, baseline, "rows/s"))


def _mem_total_gb() -> float:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


BENCHMARK = Benchmark(NAME, "SIMPEG employees import (CSV, PostgreSQL) vs a bare COPY", run)
