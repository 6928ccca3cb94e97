"""Shared code of recompute_1k, recompute_10k and recompute_100k: the recompute of a month's
evaluations (kinerja.evaluations.batch.recompute) on PostgreSQL against a bare SQL aggregate over
the same logs.

Uses DATABASE_URL if set (it must be PostgreSQL), else drops and recreates the throwaway
database kinerja_bench_e on postgres://postgres@127.0.0.1:5432. Migrates, then writes with COPY
(set-based, ids chosen here): one instansi with a monthly evaluation year, N employees in teams
of ten (the first of each team supervises the other nine), each with an approved SKP of 2-3 RHK
(1-2 kuantitas indicators each, units "dokumen", "laporan", "kegiatan", twelve monthly targets),
the nine's first RHK serving the supervisor's first RHK; a month (March 2025) of logs: 20 working
days x 3 logs = 60 a person, 90% verified, the unit written in three spellings ("dokumen",
"Dokumen", "DOKUMEN "), every fourth day one log of each team member against an assignment
instead of an RHK; and two assignments per team member (one finished in the month, one open).
COPY runs with session_replication_role = replica (no per-row foreign key triggers; the ids
are consistent by construction). Then VACUUM ANALYZE, and in the same process:
  baseline  SELECT pegawai_id, rhk_id, lower(output_unit), sum(output_quantity), sum(minutes),
            count(*) FROM activities_activity WHERE status = 'diverifikasi' AND date in the
            month GROUP BY 1, 2, 3, fetched fully (median of five: three before, two after);
  first     recompute(instansi, March 2025): creates the N evaluations and their realisations;
  second    the same again: must find nothing changed and write nothing.
Prints the phases (from the progress callback), Python CPU, peak RSS, then
`recompute_N: ...` with seconds and both ratios, then the `bench:` line (ours = the first
recompute in ms). BENCH_PROFILE=1 adds a cProfile of both runs (evaluations deleted first).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import pstats
import resource
import statistics
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import summary_line
from bench.pohon_kinerja import prepare_database, setup_django

BENCH_DB = "kinerja_bench_e"
YEAR, MONTH = 2025, 3
TEAM = 10
UNITS = ("dokumen", "laporan", "kegiatan")
SPELLINGS = (str, str.title, lambda u: u.upper() + " ")
LOGS_A_DAY = 3
WORK_DAYS = 20
BLOCK = 1 << 20


# --- COPY ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


class Table:
    """COPY rows into a model's table: every concrete column, its default unless given."""

    def __init__(self, model: Any, now: dt.datetime) -> None:
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        defaults: list[str] = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults.append(_text(now))
            else:
                defaults.append(_text(f.get_default()))
        self.defaults = defaults
        self.count = 0

    def template(self, **values: Any) -> list[str]:
        row = list(self.defaults)
        for name, value in values.items():
            row[self.index[name]] = _text(value)
        return row

    def copy(self, rows: Iterable[Sequence[str]]) -> None:
        from django.db import connection

        table = self.model._meta.db_table
        columns = ", ".join(f'"{c}"' for c in self.columns)
        parts: list[str] = []
        size = 0
        with connection.cursor() as cursor:
            # A bench load: no per-row foreign key triggers (the ids are made consistent here).
            cursor.execute("SET session_replication_role = replica")
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    line = "\t".join(row) + "\n"
                    parts.append(line)
                    size += len(line)
                    self.count += 1
                    if size >= BLOCK:
                        copy.write("".join(parts))
                        parts, size = [], 0
                if parts:
                    copy.write("".join(parts))
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f"coalesce(max(id), 1)) FROM \"{table}\""
            )


def work_days(year: int, month: int, count: int) -> list[dt.date]:
    day, found = dt.date(year, month, 1), []
    while len(found) < count and day.month == month:
        if day.weekday() < 5:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


# --- The data set -------------------------------------------------------------------------------


def build(n: int) -> dict[str, Any]:
    """N employees with plans, a month of logs and assignments; returns what was written."""
    from django.utils import timezone

    from kinerja.activities.models import Activity, Assignment
    from kinerja.core.models import Instansi, PerformanceYear
    from kinerja.org.models import Jabatan, JenisJabatan, Opd, UnitKerja
    from kinerja.people.models import Pegawai
    from kinerja.plans.models import Indicator, MonthlyTarget, Rhk, Skp

    now = timezone.now()
    instansi = Instansi.objects.create(code="kab-bench-eval", name="Pemerintah Kabupaten Nilai")
    opd = Opd.objects.create(instansi=instansi, code="NILAI", name="Dinas Nilai")
    unit = UnitKerja.objects.create(instansi=instansi, opd=opd, code="NILAI", name="Dinas Nilai")
    PerformanceYear.objects.create(instansi=instansi, year=YEAR, evaluation_frequency="bulanan")
    boss_post = Jabatan.objects.create(instansi=instansi, opd=opd, unit=unit, code="PENGAWAS",
                                       name="Pengawas", jenis=JenisJabatan.PENGAWAS, kelas=8)
    staff_post = Jabatan.objects.create(instansi=instansi, opd=opd, unit=unit, code="PELAKSANA",
                                        name="Pelaksana", jenis=JenisJabatan.PELAKSANA, kelas=6,
                                        supervisor=boss_post)
    ids = {"instansi_id": instansi.pk}
    base = dict(ids)

    people = Table(Pegawai, now)
    people.copy(
        people.template(id=i + 1, nip=f"19800101{i:010d}", name=f"Pegawai {i:06d}",
                        gender="L" if i % 2 else "P", birth_date=dt.date(1980, 1, 1), **base)
        for i in range(n)
    )
    skps = Table(Skp, now)
    approved = timezone.make_aware(dt.datetime(YEAR, 1, 20, 9, 0))
    skps.copy(
        skps.template(
            id=i + 1, pegawai_id=i + 1, opd_id=opd.pk,
            jabatan_id=boss_post.pk if i % TEAM == 0 else staff_post.pk, year=YEAR,
            start_date=dt.date(YEAR, 1, 1), end_date=dt.date(YEAR, 12, 31), form="non_jpt",
            status="disetujui", submitted_at=approved, approved_at=approved, **base,
        )
        for i in range(n)
    )

    # Plans: RHK and indicator ids are computed, not read back.
    plan_of: list[list[tuple[int, list[tuple[int, str]]]]] = []  # person -> [(rhk, [(ind, unit)])]
    rhk_rows: list[list[str]] = []
    ind_rows: list[list[str]] = []
    rhk_t, ind_t = Table(Rhk, now), Table(Indicator, now)
    rhk_id = ind_id = 0
    for i in range(n):
        mine: list[tuple[int, list[tuple[int, str]]]] = []
        boss = i - i % TEAM
        for k in range(2 + i % 2):
            rhk_id += 1
            parent = plan_of[boss][0][0] if (i != boss and k == 0) else None
            rhk_rows.append(rhk_t.template(
                id=rhk_id, skp_id=i + 1, kind="utama" if k < 2 else "tambahan",
                text=f"RHK {k + 1} pegawai {i}", parent_id=parent, order=k + 1, **base))
            inds = []
            for j in range(1 + (i + k) % 2):
                ind_id += 1
                unit_name = UNITS[(k + j) % len(UNITS)]
                ind_rows.append(ind_t.template(
                    id=ind_id, rhk_id=rhk_id, aspek="kuantitas", text=f"Jumlah {unit_name}",
                    target_kind="angka", target_min=Decimal(240 + (i % 7) * 12),
                    unit=unit_name.title(), order=j + 1, **base))
                inds.append((ind_id, unit_name))
            mine.append((rhk_id, inds))
        plan_of.append(mine)
    rhk_t.copy(rhk_rows)
    ind_t.copy(ind_rows)
    del rhk_rows, ind_rows
    monthly = Table(MonthlyTarget, now)
    monthly.copy(
        monthly.template(id=(ind - 1) * 12 + m, indicator_id=ind, month=m,
                         target=Decimal(18 + (ind + m) % 5), action=f"Rencana {m}", **base)
        for ind in range(1, ind_id + 1) for m in range(1, 13)
    )

    # Assignments: each team member gets one finished in the month and one still open.
    assign_t = Table(Assignment, now)
    created = timezone.make_aware(dt.datetime(YEAR, MONTH, 1, 8, 0))
    closed = timezone.make_aware(dt.datetime(YEAR, MONTH, 20, 15, 0))
    done_of: dict[int, int] = {}

    def assignments() -> Iterator[list[str]]:
        pk = 0
        for i in range(n):
            boss = i - i % TEAM
            if i == boss:
                continue
            for finished in (True, False):
                pk += 1
                if finished:
                    done_of[i] = pk
                yield assign_t.template(
                    id=pk, batch=f"00000000-0000-4000-8000-{pk:012d}", assigner_id=boss + 1,
                    assignee_id=i + 1, rhk_id=plan_of[boss][0][0], title=f"Tugas {pk}",
                    due_date=dt.date(YEAR, MONTH, 25),
                    status="selesai" if finished else "dikerjakan", progress=100 if finished
                    else 40, created_at=created, updated_at=closed if finished else created,
                    closed_at=closed if finished else None, **base)

    assign_t.copy(assignments())

    # Logs.
    days = work_days(YEAR, MONTH, WORK_DAYS)
    log_t = Table(Activity, now)
    cols = log_t.index
    template = log_t.template(description="Mengerjakan keluaran", flags=[], **base)
    at = [timezone.make_aware(dt.datetime(d.year, d.month, d.day, 16, 0)).isoformat()
          for d in days]
    counts = {"logs": 0, "verified": 0}

    def logs() -> Iterator[list[str]]:
        pk = 0
        c_id, c_peg, c_date, c_min = cols["id"], cols["pegawai_id"], cols["date"], cols["minutes"]
        c_qty, c_unit, c_rhk = cols["output_quantity"], cols["output_unit"], cols["rhk_id"]
        c_asg, c_status = cols["assignment_id"], cols["status"]
        c_sub, c_ver, c_by = cols["submitted_at"], cols["verified_at"], cols["verified_by_id"]
        for i in range(n):
            mine = plan_of[i]
            boss = i - i % TEAM
            for d_no, day in enumerate(days):
                day_text = day.isoformat()
                for t in range(LOGS_A_DAY):
                    pk += 1
                    row = list(template)
                    rhk, inds = mine[(d_no + t) % len(mine)]
                    unit_name = inds[0][1]
                    row[c_id] = str(pk)
                    row[c_peg] = str(i + 1)
                    row[c_date] = day_text
                    row[c_min] = str(60 + 30 * ((d_no + t) % 4))
                    row[c_qty] = str(1 + (d_no + t) % 3)
                    if i != boss and t == 0 and d_no % 4 == 3:
                        row[c_asg] = str(done_of[i])
                        row[c_unit] = "dokumen"
                    else:
                        row[c_rhk] = str(rhk)
                        row[c_unit] = SPELLINGS[d_no % 3](unit_name)
                    status = "diajukan" if (d_no * LOGS_A_DAY + t + i) % 10 == 9 else (
                        "diverifikasi")
                    row[c_status] = status
                    row[c_sub] = at[d_no]
                    if status == "diverifikasi":
                        row[c_ver] = at[d_no]
                        row[c_by] = str(boss + 1)
                        counts["verified"] += 1
                    yield row
        counts["logs"] = pk

    log_t.copy(logs())
    return {
        "instansi": instansi, "people": people.count, "rhk": rhk_t.count,
        "indicators": ind_t.count, "monthly_targets": monthly.count,
        "assignments": assign_t.count, "logs": log_t.count, "verified": counts["verified"],
    }


# --- Measures -------------------------------------------------------------------------------------


def baseline_sql() -> tuple[str, list[Any]]:
    from kinerja.activities.models import Activity
    from kinerja.core.rules import month_last_day

    return (
        "SELECT pegawai_id, rhk_id, lower(output_unit), sum(output_quantity), sum(minutes), "
        f'count(*) FROM "{Activity._meta.db_table}" WHERE status = %s AND date >= %s '
        "AND date <= %s GROUP BY 1, 2, 3",
        ["diverifikasi", dt.date(YEAR, MONTH, 1), month_last_day(YEAR, MONTH)],
    )


def time_baseline() -> tuple[float, int]:
    from django.db import connection

    sql, params = baseline_sql()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return time.perf_counter() - start, len(rows)


class Phases:
    """Wall time per phase, from the recompute's progress callback."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last = ("start", self.start)
        self.seconds: dict[str, float] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        name, at = self.last
        if phase != name:
            self.seconds[name] = self.seconds.get(name, 0.0) + now - at
            self.last = (phase, now)

    def report(self) -> str:
        self("end", 0, 0)
        return ", ".join(f"{k} {v:.2f} s" for k, v in self.seconds.items() if k != "end")


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_recompute(instansi_id: int, spec: Any) -> tuple[Any, float, float, str]:
    from kinerja.evaluations.batch import recompute

    phases = Phases()
    start, cpu = time.perf_counter(), time.process_time()
    result = recompute(instansi_id, spec, progress=phases)
    return result, time.perf_counter() - start, time.process_time() - cpu, phases.report()


def _profile(instansi_id: int, spec: Any) -> None:
    from django.db import connection

    from kinerja.evaluations.batch import recompute
    from kinerja.evaluations.models import Evaluation, IndicatorRealisation

    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{IndicatorRealisation._meta.db_table}"')
        cursor.execute(f'DELETE FROM "{Evaluation._meta.db_table}"')
    for label in ("first", "second"):
        profile = cProfile.Profile()
        profile.enable()
        recompute(instansi_id, spec)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
        lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
        at = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
        print(f"cProfile of the {label} recompute, functions by own time:")
        for ln in lines[at:]:
            print("  " + ln.replace(str(Path.cwd()) + "/", "")[:160])


def run_benchmark(name: str, default_rows: int, rows: int | None) -> None:
    n = rows or default_rows
    url = prepare_database(BENCH_DB, name)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from kinerja.core.models import AuditRecord
    from kinerja.evaluations.batch import period_for_month
    from kinerja.evaluations.models import Evaluation, IndicatorRealisation

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    print(f"database: PostgreSQL {pg_version} at {url.rsplit('@', 1)[-1]}")
    print(f"machine: {os.cpu_count()} cpus, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    made = build(n)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    instansi = made.pop("instansi")
    print(f"data: {', '.join(f'{k} {v}' for k, v in made.items())} "
          f"(written with COPY + VACUUM ANALYZE in {time.perf_counter() - start:.1f} s)")
    spec = period_for_month(instansi.pk, YEAR, MONTH)

    bare = [time_baseline() for _ in range(3)]
    rss = _maxrss_mb()
    first, first_s, first_cpu, first_phases = _timed_recompute(instansi.pk, spec)
    rss_first = _maxrss_mb()
    assert first.created == n and first.evaluations == n, first
    reals = IndicatorRealisation.objects.filter(evaluation__instansi=instansi).count()
    assert reals == made["indicators"], (reals, made["indicators"])
    audits = AuditRecord.objects.count()
    second, second_s, second_cpu, second_phases = _timed_recompute(instansi.pk, spec)
    assert not second.changed and second.unchanged == n, second
    assert AuditRecord.objects.count() == audits
    bare += [time_baseline() for _ in range(2)]
    groups = bare[0][1]
    bare_s = statistics.median(b[0] for b in bare)
    with_logs = Evaluation.objects.filter(instansi=instansi, verified_minutes__gt=0).count()
    print(f"baseline: the bare aggregate returns {groups} groups; runs "
          + ", ".join(f"{b[0]:.3f}" for b in bare) + f" s; median {bare_s:.3f} s")
    print(f"first recompute: {first_s:.2f} s wall, {first_cpu:.2f} s Python CPU; created "
          f"{first.created}, realisations written {first.realisations_written}, evaluations "
          f"with verified minutes {with_logs}; phases: {first_phases}")
    print(f"second recompute: {second_s:.2f} s wall, {second_cpu:.2f} s Python CPU; unchanged "
          f"{second.unchanged}, written nothing; phases: {second_phases}")
    print(f"memory: ru_maxrss {rss:.0f} MB before, {rss_first:.0f} MB after the first "
          f"recompute, {_maxrss_mb():.0f} MB at the end")
    print(f"load average after the runs {os.getloadavg()[0]:.2f}")
    if os.environ.get("BENCH_PROFILE"):
        _profile(instansi.pk, spec)
    print(f"{name}: employees {n}, logs {made['logs']}, baseline {bare_s:.2f} s, first "
          f"{first_s:.2f} s (ratio {first_s / bare_s:.2f}), second {second_s:.2f} s "
          f"(ratio {second_s / bare_s:.2f})")
    print(summary_line(name, first_s * 1000, bare_s * 1000, "ms"))
