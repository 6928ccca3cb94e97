"""faults: SIGKILL the monthly recompute and the TPP computation at several points of their
work at scale (default 10,000 employees; `--rows 100000`), on PostgreSQL, with real timing (no
slowed statement), then rerun each and compare every result row with an undisturbed run. See
bench/_faults.py for the drill; results in docs/reliability.md.

Each batch gets its own throwaway database on the server of DATABASE_URL (or
postgres://postgres@127.0.0.1:5432): kinerja_bench_faults_recompute, built as recompute_N does
(bench/_recompute.py), and kinerja_bench_faults_tpp, built as tpp_100k does (bench/_tpp.py);
each part runs in a process of its own (Django is set up once per process). Kill points:
- recompute: its run row reports phase `read`, phase `compute`, and inside the write
  transaction (pg_stat_activity: the backend has written and its transaction spans several
  statements);
- TPP: while it reads the month's presensi, and inside the write transaction.
A point the run passes too fast for 20 ms polling is reported as missed, not faked.

Prints per point what held (the killed run left the disturbed state untouched; the rerun was
allowed at once; the rerun's results equal the undisturbed run's), then the `bench:` line:
ours = the slowest rerun after a kill, baseline = the undisturbed run of the same command from
the same disturbed state (both as `kinerja` subprocesses, in ms).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import Benchmark, summary_line

NAME = "faults"
ROWS = 10_000
ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
PARTS = ("recompute", "tpp")


def run(rows: int | None) -> None:
    part = os.environ.get("KINERJA_FAULTS_PART")
    if part:
        _run_part(part, rows or ROWS)
        return
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"{NAME} needs PostgreSQL; DATABASE_URL is {url}")
    results: dict[str, dict[str, Any]] = {}
    for part in PARTS:
        with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
            env = dict(os.environ, KINERJA_FAULTS_PART=part, KINERJA_FAULTS_RESULT=out.name)
            args = [sys.executable, "-m", "bench", NAME] + (["--rows", str(rows)] if rows else [])
            done = subprocess.run(args, env=env, check=False)
            if done.returncode != 0:
                raise SystemExit(f"{NAME}: the {part} part failed (exit {done.returncode})")
            results[part] = json.loads(Path(out.name).read_text())
    held = all(r["held"] for r in results.values())
    caught = sum(r["caught"] for r in results.values())
    points = sum(r["points"] for r in results.values())
    print(f"{NAME}: employees {rows or ROWS}, {caught} of {points} kill points caught, "
          f"everything held: {'yes' if held else 'NO'}")
    ours = max(r["slowest_rerun_ms"] for r in results.values())
    baseline = max(r["undisturbed_ms"] for r in results.values())
    print(summary_line(NAME, ours, baseline, "ms"))
    if not held:
        raise SystemExit(1)


def _run_part(part: str, n: int) -> None:
    from bench.pohon_kinerja import setup_django

    base = os.environ.get("DATABASE_URL", "") or ADMIN_URL
    if base != ADMIN_URL:
        base = base.rsplit("/", 1)[0]
    import psycopg

    db_name = f"kinerja_bench_faults_{part}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {db_name}")
    os.environ["DATABASE_URL"] = f"{base}/{db_name}"
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"== {part}: {n} employees, database {db_name}; machine {os.cpu_count()} cpus, "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    started = time.perf_counter()
    if part == "recompute":
        from bench._recompute import build
    else:
        from bench._tpp import build
    made = build(n)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    instansi = made.pop("instansi")
    print(f"data: {', '.join(f'{k} {v}' for k, v in made.items())} "
          f"({time.perf_counter() - started:.1f} s)", flush=True)
    with tempfile.TemporaryDirectory() as data_dir:
        drill = _Drill(part, instansi.pk, Path(data_dir))
        result = drill.run()
    Path(os.environ["KINERJA_FAULTS_RESULT"]).write_text(json.dumps(result))


class _Drill:
    def __init__(self, part: str, instansi_id: int, data_dir: Path) -> None:
        from bench import _faults as faults

        self.f = faults
        self.part, self.inst = part, instansi_id
        self.env = faults.cli_env(data_dir)
        # The bench's process runs with DEBUG off and a throwaway key: so do the subprocesses.
        self.env["DEBUG"] = "false"
        if part == "recompute":
            from bench._recompute import MONTH, YEAR
            from kinerja.evaluations.batch import period_for_month

            spec = period_for_month(instansi_id, YEAR, MONTH)
            self.args = ["recompute", "--period", f"{YEAR}-{MONTH:02d}"]
            self.results: Callable[[], Any] = lambda: faults.evaluation_results(instansi_id, spec)
            self.disturb: Callable[[], Any] = lambda: faults.disturb_evaluations(instansi_id,
                                                                                  spec)
        else:
            from bench._tpp import MONTH, YEAR
            from kinerja.allowances.batch import Month

            month = Month(YEAR, MONTH)
            self.args = ["tpp", "compute", "--period", month.label]
            self.results = lambda: faults.tpp_results(instansi_id, month)
            self.disturb = lambda: faults.disturb_tpp(instansi_id, month)

    def points(self) -> list[tuple[str, Callable[[], str | None]]]:
        if self.part == "recompute":
            return [("phase read", self._phase("read")), ("phase compute", self._phase("compute")),
                    ("write transaction", self.f.probe_postgres_writing)]
        return [("reading presensi", self._reading("attendance_presensi")),
                ("write transaction", self.f.probe_postgres_writing)]

    def _phase(self, phase: str) -> Callable[[], str | None]:
        from kinerja.evaluations.models import RecomputeRun, RunStatus

        def probe() -> str | None:
            found = RecomputeRun.objects.filter(instansi_id=self.inst, status=RunStatus.RUNNING,
                                                phase=phase).values_list("pk", "done", "total"
                                                                         ).first()
            return f"run {found[0]} reports phase {phase} {found[1]}/{found[2]}" if found else None

        return probe

    def _reading(self, table: str) -> Callable[[], str | None]:
        from django.db import connection

        def probe() -> str | None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pid, left(query, 60) FROM pg_stat_activity WHERE "
                               "application_name = %s AND datname = current_database() AND "
                               "state = 'active' AND backend_xid IS NULL AND query LIKE %s",
                               [self.f.VICTIM, f"%{table}%"])
                row = cursor.fetchone()
            return f"backend {row[0]} reads, nothing written: {row[1]}" if row else None

        return probe

    def _cli_timed(self) -> tuple[str, float]:
        started = time.perf_counter()
        out = self.f.run_cli(self.args, self.env)
        return out, (time.perf_counter() - started) * 1000

    def run(self) -> dict[str, Any]:
        f = self.f
        out, settle_ms = self._cli_timed()
        print(f"settle: {out.strip().splitlines()[-1]} ({settle_ms:.0f} ms)", flush=True)
        settled = self.results()
        spoiled = self.disturb()
        disturbed = self.results()
        print(f"disturbed: {spoiled}; {f.fingerprint(disturbed)}", flush=True)
        out, undisturbed_ms = self._cli_timed()
        reference = self.results()
        assert reference == settled, f.first_difference(settled, reference)
        print(f"undisturbed run: {undisturbed_ms:.0f} ms; reference {f.fingerprint(reference)}",
              flush=True)
        held, caught, slowest = True, 0, 0.0
        for name, probe in self.points():
            self.disturb()
            assert self.results() == disturbed
            try:
                kill = f.kill_when(self.args, self.env, probe)
            except f.Missed:
                print(f"- {name}: missed (the run ended before the point was seen); it "
                      f"completed normally", flush=True)
                same = self.results() == reference
                held &= same
                continue
            caught += 1
            waited = f.wait_victim_gone()
            left_alone = self.results() == disturbed
            out, rerun_ms = self._cli_timed()
            same = self.results() == reference
            abandoned = "abandoned" in out if self.part == "recompute" else True
            slowest = max(slowest, rerun_ms)
            ok = left_alone and same and abandoned
            held &= ok
            print(f"- {name}: killed after {kill.seconds:.2f} s ({kill.evidence}); the backend "
                  f"ended {waited:.2f} s later; data left as before the run: "
                  f"{'yes' if left_alone else 'NO'}; rerun allowed at once"
                  + (", abandoned run closed" if self.part == "recompute" and abandoned else "")
                  + f"; rerun {rerun_ms:.0f} ms; results identical to the undisturbed run: "
                  f"{'yes' if same else 'NO: ' + f.first_difference(reference, self.results())}",
                  flush=True)
        return {"held": held, "caught": caught, "points": len(self.points()),
                "undisturbed_ms": undisturbed_ms, "slowest_rerun_ms": slowest or undisturbed_ms}


BENCHMARK = Benchmark(
    NAME, "SIGKILL the recompute and the TPP computation midway at 10k-100k employees, rerun, "
    "compare with an undisturbed run (PostgreSQL)", run
)

if __name__ == "__main__":
    run(None)
