"""Shared code of tpp_100k: the monthly TPP computation (kinerja.allowances.batch.compute_month)
on PostgreSQL against the bare SQL aggregate of the same presensi rows.

Uses DATABASE_URL if set (it must be PostgreSQL), else drops and recreates the throwaway
database kinerja_bench_tpp on postgres://postgres@127.0.0.1:5432. Migrates, then builds (the
calendar and the preset through the services; the rest with COPY, ids chosen here, foreign-key
triggers off for the load only, as bench/_recompute.py does):
- one instansi evaluating monthly, with the 2026 calendar (calendar_year_ensure) and the
  national preset active (preset_install);
- 50 OPDs with one unit and 15 positions each (kelas 1-15: pelaksana to JPT pratama, the kelas
  15 post heading the OPD and supervising the others);
- N employees (85% PNS, 5% CPNS, 10% PPPK; golongan by kelas), each with a definitive position
  from 2020 (kelas spread over 1-15, more in the low and middle kelas); 1% moved to another OPD
  on 15 October (two definitive spans in the month), 0.5% joined on 15 October, 1% Plt of a
  higher post for the whole month;
- an approved SKP and a final October evaluation for 95% (predikat: 10% sangat baik, 80% baik,
  6% butuh perbaikan, 3% kurang, 1% sangat kurang), so the preset's predikat factor has work;
- October 2026 (22 working days, no holiday) of presensi: one row per person and working day
  (about 2.2 million at 100k), minutes late and early measured as the import would: 86% on
  time, TL1 8%, TL2 3%, TL3 1%, TL4 1%; early leave PSW1 2%, PSW2-4 0.5% each; 0.5% without a
  check-out, 0.2% without a check-in; 0.5% of the days no row (tanpa keterangan);
- leave: 2% sakit 3 days, 1% cuti tahunan 2 days, 0.5% dinas luar 3 days, 0.1% CLTN from the
  12th working day (no presensi on those days); 0.1% with potong_tunjangan_6 since September.
Then VACUUM ANALYZE, and in the same process:
  baseline  SELECT pegawai_id, count(*) FILTER (...) x 11 (present, missing check-in, missing
            check-out, the preset's 8 bands) FROM attendance_presensi WHERE instansi, October,
            working_day GROUP BY pegawai_id, fetched fully (median of five: three before the
            computations, two after);
  first     compute_month(instansi, 2026-10): N lines written;
  second    the same again: must change nothing, write nothing, add no audit record.
Then each read of batch.read_inputs and the Python compute timed on their own (what the run is
made of). Prints the data, the runs, Python CPU, peak RSS, then `tpp_N: ...` and the `bench:`
line (ours = the first computation in ms). BENCH_PROFILE=1 adds a cProfile of a computation
(the month's lines deleted first, so it is a first run).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import os
import pstats
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import summary_line
from bench._recompute import Table
from bench.pohon_kinerja import prepare_database, setup_django

BENCH_DB = "kinerja_bench_tpp"
YEAR, MONTH = 2026, 10
TODAY = dt.date(2026, 11, 5)
OPDS = 50
KELAS_WEIGHTS = (3, 5, 7, 9, 10, 10, 10, 9, 8, 7, 6, 5, 4, 4, 3)  # kelas 1..15
GOLONGAN = {1: "II/a", 2: "II/a", 3: "II/b", 4: "II/c", 5: "II/d", 6: "III/a", 7: "III/a",
            8: "III/b", 9: "III/c", 10: "III/d", 11: "IV/a", 12: "IV/b", 13: "IV/c",
            14: "IV/c", 15: "IV/d"}
PREDIKAT = ((10, "sangat_baik"), (80, "baik"), (6, "butuh_perbaikan"), (3, "kurang"),
            (1, "sangat_kurang"))


def _jenis(kelas: int) -> str:
    if kelas >= 13:
        return "jpt_pratama"
    if kelas >= 10:
        return "administrator"
    if kelas >= 8:
        return "pengawas"
    return "pelaksana"


class Rand:
    """A small deterministic generator (splitmix-like on a counter): the same data set on every
    run and machine, faster than random.Random for millions of draws."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def __call__(self) -> float:
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.state >> 11) / float(1 << 53)


def work_days() -> list[dt.date]:
    first = dt.date(YEAR, MONTH, 1)
    days = [first + dt.timedelta(days=i) for i in range(31)]
    return [d for d in days if d.month == MONTH and d.isoweekday() <= 5]


def _kelas_of(rand: Rand) -> int:
    roll = rand() * sum(KELAS_WEIGHTS)
    for kelas, weight in enumerate(KELAS_WEIGHTS, start=1):
        roll -= weight
        if roll < 0:
            return kelas
    return 15


def _predikat(rand: Rand) -> str:
    roll = rand() * 100
    for weight, name in PREDIKAT:
        roll -= weight
        if roll < 0:
            return name
    return "baik"


# --- The data set -------------------------------------------------------------------------------


def build(n: int) -> dict[str, Any]:
    """N employees with positions, evaluations, a month of presensi, leave and sanctions."""
    from django.utils import timezone

    from kinerja.allowances.services import preset_install
    from kinerja.attendance import rules as att
    from kinerja.attendance.models import DisciplineCase, Presensi
    from kinerja.attendance.services import calendar_year_ensure
    from kinerja.core.models import Instansi, PerformanceYear
    from kinerja.evaluations.models import Evaluation
    from kinerja.org.models import Jabatan, Opd, UnitKerja
    from kinerja.people.models import Leave, Pegawai, PositionAssignment
    from kinerja.plans.models import Skp

    now = timezone.now()
    rand = Rand(20261001)
    instansi = Instansi.objects.create(code="kab-bench-tpp",
                                       name="Pemerintah Kabupaten Tunjangan")
    inst = instansi.pk
    PerformanceYear.objects.create(instansi=instansi, year=YEAR, evaluation_frequency="bulanan")
    calendar_year_ensure(inst, YEAR)
    preset_install(actor=None, instansi_id=inst, template="nasional", activate=True,
                   effective_from=dt.date(2020, 1, 1))
    base = {"instansi_id": inst}

    opds = [Opd(instansi=instansi, code=f"OPD{i:02d}", name=f"Dinas {i:02d}") for i in range(OPDS)]
    Opd.objects.bulk_create(opds)
    units = [UnitKerja(instansi=instansi, opd=o, code=o.code, name=o.name) for o in opds]
    UnitKerja.objects.bulk_create(units)
    heads = [Jabatan(instansi=instansi, opd=o, unit=u, code=f"{o.code}-K15",
                     name=f"Kepala {o.name}", jenis="jpt_pratama", kelas=15)
             for o, u in zip(opds, units, strict=True)]
    Jabatan.objects.bulk_create(heads)
    others = [Jabatan(instansi=instansi, opd=o, unit=u, code=f"{o.code}-K{k:02d}",
                      name=f"Jabatan kelas {k} {o.name}", jenis=_jenis(k), kelas=k,
                      supervisor=h)
              for o, u, h in zip(opds, units, heads, strict=True) for k in range(1, 15)]
    Jabatan.objects.bulk_create(others)
    post: dict[tuple[int, int], int] = {(i, 15): h.pk for i, h in enumerate(heads)}
    for j, p in enumerate(others):
        post[(j // 14, j % 14 + 1)] = p.pk
    opd_ids = [o.pk for o in opds]

    # People and their positions.
    kelas_of, opd_of = [], []
    people = Table(Pegawai, now)

    def pegawai_rows() -> Iterator[list[str]]:
        for i in range(n):
            kelas = _kelas_of(rand)
            kelas_of.append(kelas)
            opd_of.append(i % OPDS)
            roll = rand()
            asn = "PNS" if roll < 0.85 else "CPNS" if roll < 0.90 else "PPPK"
            yield people.template(
                id=i + 1, nip=f"19800101{i:010d}", name=f"Pegawai {i:06d}",
                gender="L" if i % 2 else "P", birth_date=dt.date(1980, 1, 1), asn_type=asn,
                golongan="IX" if asn == "PPPK" else GOLONGAN[kelas], **base)

    people.copy(pegawai_rows())
    mid = dt.date(YEAR, MONTH, 15)
    held = Table(PositionAssignment, now)
    joined_from: dict[int, dt.date] = {}  # no presensi before their first day
    moved = joined = acting = 0

    def assignment_rows() -> Iterator[list[str]]:
        nonlocal moved, joined, acting
        pk = 0
        for i in range(n):
            kelas, opd = kelas_of[i], opd_of[i]
            roll = rand()
            start = dt.date(2020, 1, 1)
            if roll < 0.005:
                start, joined = mid, joined + 1
                joined_from[i] = mid
            elif roll < 0.015:  # moved on the 15th: the old post ends the day before
                moved += 1
                pk += 1
                yield held.template(id=pk, pegawai_id=i + 1, jabatan_id=post[(opd, kelas)],
                                    kind="definitif", start_date=start,
                                    end_date=mid - dt.timedelta(days=1), **base)
                opd, start = (opd + 1) % OPDS, mid
            pk += 1
            yield held.template(id=pk, pegawai_id=i + 1, jabatan_id=post[(opd, kelas)],
                                kind="definitif", start_date=start, **base)
            if 0.015 <= roll < 0.025 and kelas < 15:  # Plt of the post one kelas higher
                acting += 1
                pk += 1
                yield held.template(id=pk, pegawai_id=i + 1,
                                    jabatan_id=post[(opd, kelas + 1)], kind="plt",
                                    start_date=dt.date(YEAR, MONTH - 1, 1), **base)

    held.copy(assignment_rows())

    # SKP and a final October evaluation for 95%.
    first, last = att.month_bounds(YEAR, MONTH)
    evaluated = [i for i in range(n) if rand() < 0.95]
    skps = Table(Skp, now)
    approved = timezone.make_aware(dt.datetime(YEAR, 1, 20, 9, 0))
    skps.copy(
        skps.template(id=k + 1, pegawai_id=i + 1, opd_id=opd_ids[opd_of[i]],
                      jabatan_id=post[(opd_of[i], kelas_of[i])], year=YEAR,
                      start_date=dt.date(YEAR, 1, 1), end_date=dt.date(YEAR, 12, 31),
                      form="non_jpt", status="disetujui", submitted_at=approved,
                      approved_at=approved, **base)
        for k, i in enumerate(evaluated)
    )
    evals = Table(Evaluation, now)
    final = timezone.make_aware(dt.datetime(YEAR, MONTH + 1, 3, 10, 0))
    evals.copy(
        evals.template(id=k + 1, pegawai_id=i + 1, skp_id=k + 1, opd_id=opd_ids[opd_of[i]],
                       jabatan_id=post[(opd_of[i], kelas_of[i])], year=YEAR,
                       period_kind="bulanan", period_no=MONTH, start_date=first, end_date=last,
                       status="ditetapkan", hasil_rating="sesuai", perilaku_rating="sesuai",
                       matrix_predikat=p, predikat=p, score=Decimal(100), finalised_at=final,
                       rated_at=final, **base)
        for k, i in enumerate(evaluated) for p in (_predikat(rand),)
    )

    # Leave and sanctions.
    days = work_days()
    leave_t = Table(Leave, now)
    leave_days: dict[int, set[dt.date]] = {}
    leave_rows: list[list[str]] = []
    sanctioned: list[int] = []
    for i in range(n):
        roll = rand()
        span: list[dt.date] = []
        kind = ""
        if roll < 0.02:
            kind, span = "sakit", days[4:7]
        elif roll < 0.03:
            kind, span = "tahunan", days[9:11]
        elif roll < 0.035:
            kind, span = "dinas_luar", days[14:17]
        elif roll < 0.036:
            kind, span = "cltn", days[11:]
        if kind:
            end = span[-1] if kind != "cltn" else dt.date(YEAR + 1, 6, 30)
            leave_rows.append(leave_t.template(id=len(leave_rows) + 1, pegawai_id=i + 1,
                                               kind=kind, start_date=span[0], end_date=end,
                                               note=kind, **base))
            leave_days[i] = set(span)
        if 0.5 <= roll < 0.501:
            sanctioned.append(i)
    leave_t.copy(leave_rows)
    cases = Table(DisciplineCase, now)
    cases.copy(
        cases.template(id=k + 1, pegawai_id=i + 1, level="sedang", sanction="potong_tunjangan_6",
                       decree_number=f"800/{k + 1}/BKPSDM", decree_date=dt.date(YEAR, 8, 28),
                       start_month=dt.date(YEAR, 9, 1), months=6, created_at=now, **base)
        for k, i in enumerate(sanctioned)
    )

    # Presensi: one line per person and working day, measured as the import would.
    presensi = Table(Presensi, now)
    cols = presensi.columns
    ends = {d: att.standard_hours(5)[d.isoweekday()] for d in days}
    counts = {"presensi": 0, "absent": 0, "late": 0, "early": 0, "missing_out": 0,
              "missing_in": 0}
    day_text = {d: d.isoformat() for d in days}

    def minute_text(t: dt.time, minutes: int, second: int) -> tuple[str, dt.time]:
        total = t.hour * 60 + t.minute + minutes
        value = dt.time(total // 60, total % 60, second)
        return value.isoformat(), value

    def presensi_lines() -> Iterator[list[str]]:
        pk = 0
        inst_text = str(inst)
        for i in range(n):
            skip = leave_days.get(i, ())
            who = str(i + 1)
            since = joined_from.get(i)
            for d in days:
                if d in skip or (since is not None and d < since):
                    continue
                if rand() < 0.005:
                    counts["absent"] += 1
                    continue
                hours = ends[d]
                roll = rand()
                if roll < 0.86:
                    late = 0
                    ci_text, ci = minute_text(hours.start, -1 - int(rand() * 30),
                                              int(rand() * 60))
                else:
                    late = (1 + int(rand() * 30) if roll < 0.94 else
                            31 + int(rand() * 30) if roll < 0.97 else
                            61 + int(rand() * 30) if roll < 0.98 else 91 + int(rand() * 60))
                    ci_text, ci = minute_text(hours.start, late, int(rand() * 60))
                    counts["late"] += 1
                roll = rand()
                early = 0
                if roll < 0.005:
                    co_text = "\\N"
                    counts["missing_out"] += 1
                elif roll < 0.025:
                    early = 1 + int(rand() * 30)
                elif roll < 0.03:
                    early = 31 + int(rand() * 30)
                elif roll < 0.035:
                    early = 61 + int(rand() * 30)
                elif roll < 0.04:
                    early = 91 + int(rand() * 90)
                if early:
                    co_text, _co = minute_text(hours.end, -early, 0)
                    counts["early"] += 1
                elif roll >= 0.005:  # on time
                    co_text, _co = minute_text(hours.end, int(rand() * 40), int(rand() * 60))
                if co_text != "\\N" and rand() < 0.002:
                    ci_text, late = "\\N", 0
                    counts["missing_in"] += 1
                pk += 1
                row = {"id": str(pk), "instansi_id": inst_text, "pegawai_id": who,
                       "date": day_text[d], "check_in": ci_text, "check_out": co_text,
                       "late_minutes": str(late), "early_minutes": str(early),
                       "working_day": "t", "import_run_id": "\\N"}
                yield [row[c] for c in cols]
        counts["presensi"] = pk

    presensi.copy(presensi_lines())
    return {
        "instansi": instansi, "people": people.count, "positions": len(heads) + len(others),
        "assignments": held.count, "moved": moved, "joined": joined, "plt": acting,
        "evaluations": evals.count, "leaves": leave_t.count, "sanctions": cases.count,
        **counts,
    }


# --- Measures -------------------------------------------------------------------------------------


def baseline_sql(instansi_id: int) -> tuple[str, list[Any]]:
    """The bare aggregate of batch.read_presensi: the same rows, the same conditions (the
    preset's bands), one GROUP BY."""
    from kinerja.allowances import rules
    from kinerja.allowances.batch import Month, version_for
    from kinerja.attendance import rules as att
    from kinerja.attendance.models import Presensi

    month = Month(YEAR, MONTH)
    preset = rules.parse_preset(version_for(instansi_id, month).params)
    counts = [
        "count(*) FILTER (WHERE check_in IS NOT NULL OR check_out IS NOT NULL)",
        "count(*) FILTER (WHERE check_in IS NULL AND check_out IS NOT NULL)",
        "count(*) FILTER (WHERE check_out IS NULL AND check_in IS NOT NULL)",
    ]
    for band in preset.bands:
        column = "late_minutes" if band.applies_to == att.LATE else "early_minutes"
        condition = f"{column} >= {int(band.low)}"
        if band.high is not None:
            condition += f" AND {column} <= {int(band.high)}"
        counts.append(f"count(*) FILTER (WHERE {condition})")
    sql = (f"SELECT pegawai_id, {', '.join(counts)} FROM \"{Presensi._meta.db_table}\" "
           "WHERE instansi_id = %s AND date >= %s AND date <= %s AND working_day "
           "GROUP BY pegawai_id")
    return sql, [instansi_id, month.first, month.last]


def time_baseline(instansi_id: int) -> tuple[float, int]:
    from django.db import connection

    sql, params = baseline_sql(instansi_id)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return time.perf_counter() - start, len(rows)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_compute(instansi_id: int) -> tuple[Any, float, float]:
    from kinerja.allowances.batch import Month, compute_month

    start, cpu = time.perf_counter(), time.process_time()
    result = compute_month(instansi_id, Month(YEAR, MONTH), today=TODAY)
    return result, time.perf_counter() - start, time.process_time() - cpu


def parts(instansi_id: int) -> str:
    """Each read of batch.read_inputs and the Python compute on their own (no write)."""
    from kinerja.allowances import batch, rules
    from kinerja.attendance.calendars import Calendars
    from kinerja.core.bulk import gc_paused

    month = batch.Month(YEAR, MONTH)
    preset = rules.parse_preset(batch.version_for(instansi_id, month).params)
    out: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        start = time.perf_counter()
        value = fn()
        out[name] = time.perf_counter() - start
        return value

    with gc_paused():
        calendars = Calendars(instansi_id)
        until = min(month.last, TODAY)
        people = timed("people", lambda: batch.read_people(instansi_id, month, calendars, until))
        timed("month_days", lambda: {pid: batch.month_working_days(calendars, month, p)
                                     for pid, p in people.items()})
        timed("presensi", lambda: batch.read_presensi(instansi_id, month, preset, until))
        timed("leaves", lambda: batch.read_leaves(instansi_id, month, until))
        timed("sanctions", lambda: batch.read_sanctions(instansi_id, month))
        timed("evaluations", lambda: batch.read_evaluations(instansi_id, month))
        inputs = timed("read_inputs (all reads)",
                       lambda: batch.read_inputs(instansi_id, month, preset, TODAY))
        values = timed("compute_all (Python)", lambda: batch.compute_all(inputs, month))
        timed("results_digest", lambda: batch.results_digest(values))
    return ", ".join(f"{k} {v:.2f} s" for k, v in out.items())


def _profile(instansi_id: int) -> None:
    from kinerja.allowances.batch import Month, compute_month
    from kinerja.allowances.models import TppLine

    TppLine.objects.filter(month__instansi_id=instansi_id).delete()
    profile = cProfile.Profile()
    profile.enable()
    compute_month(instansi_id, Month(YEAR, MONTH), today=TODAY)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    at = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    print("cProfile of a first computation, functions by own time:")
    for ln in lines[at:]:
        print("  " + ln.replace(str(Path.cwd()) + "/", "")[:170])
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    at = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    print("cProfile of the same run, by cumulative time:")
    for ln in lines[at:]:
        print("  " + ln.replace(str(Path.cwd()) + "/", "")[:170])


def run_benchmark(name: str, default_rows: int, rows: int | None) -> None:
    n = rows or default_rows
    url = prepare_database(BENCH_DB, name)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from kinerja.allowances.models import TppLine
    from kinerja.core.models import AuditRecord

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
    inst = instansi.pk
    print(f"data: {', '.join(f'{k} {v}' for k, v in made.items())} "
          f"(written with COPY + VACUUM ANALYZE in {time.perf_counter() - start:.1f} s)")

    bare = [time_baseline(inst) for _ in range(3)]
    rss = _maxrss_mb()
    first, first_s, first_cpu = _timed_compute(inst)
    rss_first = _maxrss_mb()
    lines = TppLine.objects.filter(month=first.month).count()
    assert first.created == lines == first.people, (first, lines)
    audits = AuditRecord.objects.count()
    second, second_s, second_cpu = _timed_compute(inst)
    assert not second.wrote and second.created == second.changed == second.removed == 0, second
    assert AuditRecord.objects.count() == audits
    assert second.total_net == first.total_net
    bare += [time_baseline(inst) for _ in range(2)]
    groups = bare[0][1]
    bare_s = statistics.median(b[0] for b in bare)
    print(f"baseline: the bare aggregate returns {groups} groups; runs "
          + ", ".join(f"{b[0]:.3f}" for b in bare) + f" s; median {bare_s:.3f} s")
    print(f"first computation: {first_s:.2f} s wall, {first_cpu:.2f} s Python CPU; "
          f"{first.people} people, {first.created} lines written, total net "
          f"Rp{first.total_net:,.0f}")
    print(f"second computation: {second_s:.2f} s wall, {second_cpu:.2f} s Python CPU; "
          f"changed {second.changed}, written nothing")
    print(f"memory: ru_maxrss {rss:.0f} MB before, {rss_first:.0f} MB after the first "
          f"computation, {_maxrss_mb():.0f} MB after the second")
    print(f"parts, measured on their own after the runs: {parts(inst)}")
    print(f"load average after the runs {os.getloadavg()[0]:.2f}")
    if os.environ.get("BENCH_PROFILE"):
        _profile(inst)
    print(f"{name}: employees {n}, presensi {made['presensi']}, baseline {bare_s:.2f} s, "
          f"first {first_s:.2f} s (ratio {first_s / bare_s:.2f}), second {second_s:.2f} s "
          f"(ratio {second_s / bare_s:.2f})")
    print(summary_line(name, first_s * 1000, bare_s * 1000, "ms"))
