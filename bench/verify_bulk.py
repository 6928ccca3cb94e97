"""verify_bulk_1000: services.activity_verify_many on 1,000 submitted logs of one supervisor's
team against a bare SQL UPDATE of the same rows.

Uses DATABASE_URL if set (it must be PostgreSQL), else recreates the throwaway database
kinerja_bench_verify on postgres://postgres@127.0.0.1:5432. Migrates and builds the test cast
with approved SKPs for the atasan's two pelaksana (kinerja.activities.testing.work_cast). Each
round inserts ROWS fresh submitted logs (half each, spread over days) twice, then times, each
in its own transaction:
  ours      activity_verify_many(actor=atasan, ids): who the atasan may verify (team_of), the
            rows locked FOR UPDATE and filtered to submitted logs of those people, one UPDATE,
            one audit record per log (audit_record_many);
  baseline  UPDATE activities_activity SET status, verified_at, verified_by_id, return_reason,
            version = version + 1 WHERE id = ANY(ids): the same change, nothing else.
ROUNDS rounds (5, BENCH_ROUNDS), alternating; the summary gives the medians in ms (lower is
better, so the ratio ours / baseline is how many times slower ours is). --rows N changes 1,000.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import os
import pstats
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import Benchmark, summary_line
from bench.pohon_kinerja import prepare_database, setup_django

NAME = "verify_bulk_1000"
BENCH_DB = "kinerja_bench_verify"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def _fresh(world: dict[str, Any], rows: int, batch: int) -> list[int]:
    """`rows` submitted logs of the team, new ids each time."""
    from django.utils import timezone

    from kinerja.activities.models import Activity

    now = timezone.now()
    made = []
    people = world["people"]
    for i in range(rows):
        person, rhk = people[i % len(people)]
        made.append(
            Activity(
                instansi_id=world["instansi"], pegawai_id=person, rhk_id=rhk,
                date=world["today"] - dt.timedelta(days=i // (2 * len(people)) % 20),
                minutes=30, description=f"Kegiatan {batch}-{i}", output_quantity=Decimal(1),
                output_unit="berkas", status="diajukan", submitted_at=now,
            )
        )  # fmt: skip
    return [a.pk for a in Activity.objects.bulk_create(made, batch_size=1000)]


def run(rows: int | None) -> None:
    rows = rows or 1000
    url = prepare_database(BENCH_DB, NAME)
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kinerja.activities import services
    from kinerja.activities.models import Activity
    from kinerja.activities.testing import work_cast
    from kinerja.testing import build_cast

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    print(f"database: PostgreSQL {pg_version} at {url.rsplit('@', 1)[-1]}")
    print(f"machine: {os.cpu_count()} cpus, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")
    cast = build_cast("kab-bench-verify")
    work = work_cast(cast)
    atasan = cast.accounts["atasan"]
    world = {
        "instansi": cast.instansi.pk,
        "today": work.today,
        "people": [(cast.people[w].pk, work.rhk[w].pk) for w in ("pegawai", "pegawai2")],
    }
    ours_ms: list[float] = []
    bare_ms: list[float] = []
    sql = (
        f'UPDATE "{Activity._meta.db_table}" SET status = %s, verified_at = %s, '
        "verified_by_id = %s, return_reason = '', version = version + 1 WHERE id = ANY(%s)"
    )
    queries = 0
    for round_ in range(ROUNDS):
        ids = _fresh(world, rows, 2 * round_)
        bare_ids = _fresh(world, rows, 2 * round_ + 1)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = services.activity_verify_many(actor=atasan, ids=ids)
            ours_ms.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
        assert len(result["verified"]) == rows, (len(result["verified"]), result["refused"][:5])
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, ["diverifikasi", timezone.now(), atasan.pegawai_id, bare_ids])
            assert cursor.rowcount == rows
        bare_ms.append((time.perf_counter() - start) * 1000)
        print(f"round {round_ + 1}: ours {ours_ms[-1]:.1f} ms ({queries} queries), "
              f"bare UPDATE {bare_ms[-1]:.1f} ms")
    ids = _fresh(world, rows, 2 * ROUNDS)
    profile = cProfile.Profile()
    profile.enable()
    services.activity_verify_many(actor=atasan, ids=ids)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(8)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start_at = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    print("one more round under cProfile, functions by own time:")
    for ln in lines[start_at:]:
        print("  " + ln.replace(str(Path.cwd()) + "/", "")[:150])
    ours, bare = statistics.median(ours_ms), statistics.median(bare_ms)
    print(f"medians of {ROUNDS} rounds, {rows} logs each: ours {ours:.1f} ms "
          f"({ours / rows * 1000:.0f} us a log), bare UPDATE {bare:.1f} ms; "
          f"ours / bare = {ours / bare:.1f} (lower is better for both)")
    print(f"load average after the runs {os.getloadavg()[0]:.2f}")
    print(summary_line(NAME, ours, bare, "ms"))


BENCHMARK = Benchmark(
    NAME, "Bulk verification of 1,000 logs (service) vs a bare SQL UPDATE of the same rows", run
)
