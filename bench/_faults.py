"""Fault drills: SIGKILL a batch run (the recompute, the TPP month) in the middle of its work,
run it again, and compare every result row with an undisturbed run's.

Shared by tests/faults/test_sigkill.py (the demo Pemda, a couple hundred people, on SQLite and
PostgreSQL, in CI) and bench/faults.py (10k-100k people on PostgreSQL). The drill of one batch:

1. run it once undisturbed (the data's own starting point becomes the batch's own results);
2. disturb the derived results the same way each time (disturb_*: rows deleted, values
   spoiled; never an input such as a rating or an employee's own realisation), snapshot;
3. run it undisturbed: the reference snapshot;
4. disturb again (the same content as in 2), start the `kinerja` command as a subprocess
   against the same database, SIGKILL it once it is provably inside its write transaction
   (see `probe_*`), and check that the data is exactly the disturbed state of 2: the killed
   run left nothing behind;
5. run the command again: it must be allowed (the run row the killed process left
   'running' does not block it) and give exactly the reference.

"In the middle" is shown, not hoped for: on PostgreSQL pg_stat_activity shows the victim's
backend holding a transaction id (it has written rows) while it works on a later statement;
on SQLite the victim holds the database's write lock after its progress row said it had
reached the write phase. With a few hundred people the write transaction lasts milliseconds,
too short to hit by polling, so the drill can slow one late statement of it down from the
database side (slow_statement: a trigger that sleeps, as a slow disk would; installed by the
drill, never part of the product, dropped before the rerun). At 10k-100k people the bench uses
real timing instead: the writes take seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

VICTIM = "kinerja-fault-victim"  # application_name of the subprocess's database sessions


# --- Running the command ---------------------------------------------------------------------


def database_url() -> str:
    """DATABASE_URL of the database this process uses now (the test database under pytest)."""
    from django.db import connection

    d = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{d['NAME']}"
    auth = quote(d.get("USER") or "", safe="")
    if d.get("PASSWORD"):
        auth += ":" + quote(d["PASSWORD"], safe="")
    host = d.get("HOST") or "127.0.0.1"
    port = d.get("PORT") or 5432
    return f"postgres://{auth}{'@' if auth else ''}{host}:{port}/{d['NAME']}"


def cli_env(data_dir: Path) -> dict[str, str]:
    """The environment of a `kinerja` subprocess on this process's database."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTEST") and k not in ("KINERJA_TESTING",)}
    env.update(DEBUG="true", DATABASE_URL=database_url(), PGAPPNAME=VICTIM,
               KINERJA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="kinerja.settings")
    return env


def cli(*args: str) -> list[str]:
    # System checks skipped (before any sub-action): they read no data and take seconds.
    return [sys.executable, "-m", "kinerja.cli", args[0], "--skip-checks", *args[1:]]


def run_cli(args: list[str], env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(cli(*args), env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise AssertionError(f"kinerja {' '.join(args)} exited {done.returncode}:\n"
                             f"{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


class Missed(AssertionError):
    """The run ended before the point to kill it came (too fast to catch by polling)."""


@dataclass
class Kill:
    seconds: float  # from the start of the command to the SIGKILL
    evidence: str  # what showed the run was in the middle


def kill_when(args: list[str], env: dict[str, str], probe: Callable[[], str | None], *,
              timeout: float = 300, interval: float = 0.02) -> Kill:
    """Start `kinerja ARGS`, poll `probe` until it tells why the run is in the middle, SIGKILL
    the process then and wait for it. Fails if the run ends first."""
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cli(*args), env=env, stdout=out, stderr=subprocess.STDOUT)
        started = time.perf_counter()
        try:
            while True:
                if proc.poll() is not None:
                    out.seek(0)
                    raise Missed(f"kinerja {' '.join(args)} ended (exit "
                                         f"{proc.returncode}) before it could be killed "
                                         f"midway:\n{out.read()}")
                evidence = probe()
                if evidence:
                    seconds = time.perf_counter() - started
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(30)
                    assert proc.returncode == -signal.SIGKILL, proc.returncode
                    return Kill(seconds, evidence)
                if time.perf_counter() - started > timeout:
                    raise AssertionError(f"kinerja {' '.join(args)} never reached the point "
                                         f"to kill it in {timeout:.0f} s")
                time.sleep(interval)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)


# --- Probes: is the victim inside its write transaction? --------------------------------------


def probe_postgres_writing() -> str | None:
    """The victim's backend is inside its write transaction: it holds a transaction id (given
    at its first write or row lock) in a transaction of several statements."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            # A transaction id: it has written. Begun before its current statement (or idle
            # between two): a transaction of several statements, not a one-line autocommit
            # progress update.
            "SELECT pid, state, coalesce(wait_event, '-'), left(query, 70) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database() AND "
            "backend_xid IS NOT NULL AND "
            "(state = 'idle in transaction' OR xact_start < query_start)", [VICTIM])
        row = cursor.fetchone()
    if row is None:
        return None
    return (f"backend {row[0]} ({row[1]}, wait {row[2]}) holds a transaction id (it has "
            f"written or locked rows) in a transaction of several statements; last: {row[3]}")


def sqlite_writer_busy() -> bool:
    """Another connection holds the SQLite database's write lock (BEGIN IMMEDIATE refused at
    once). Takes the lock for a moment when free; a writer meanwhile waits on busy_timeout."""
    from django.db import connection

    con = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()
    return False


def wait_victim_gone(timeout: float = 120) -> float:
    """PostgreSQL: wait until the killed process's backend has ended (it notices the closed
    socket when its statement ends, then rolls back); returns the seconds waited."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    started = time.perf_counter()
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                           "AND datname = current_database()", [VICTIM])
            (left,) = cursor.fetchone()
        if not left:
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            raise AssertionError(f"the killed run's backend still runs after {timeout} s")
        time.sleep(0.05)


@contextmanager
def slow_statement(table: str, event: str, seconds: float) -> Iterator[None]:
    """A slow disk under one table: every `event` (INSERT/UPDATE) statement on it (PostgreSQL)
    or row (SQLite) takes about `seconds` more. A trigger of the drill's own, dropped on exit."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION kinerja_fault_pause() RETURNS trigger LANGUAGE "
                f"plpgsql AS $$ BEGIN PERFORM pg_sleep({float(seconds)}); RETURN NULL; END $$")
            cursor.execute(f'CREATE TRIGGER kinerja_fault_pause AFTER {event} ON "{table}" '
                           "FOR EACH STATEMENT EXECUTE FUNCTION kinerja_fault_pause()")
        else:
            # No sleep in SQLite's SQL: burn CPU (about 0.17 s a million rows here).
            rows = int(seconds * 6_000_000)
            cursor.execute(
                f'CREATE TRIGGER kinerja_fault_pause AFTER {event} ON "{table}" BEGIN '
                "SELECT count(*) FROM (SELECT 1 FROM sqlite_master a, sqlite_master b, "
                f"sqlite_master c LIMIT {rows}); END")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS kinerja_fault_pause ON "{table}"')
                cursor.execute("DROP FUNCTION IF EXISTS kinerja_fault_pause()")
            else:
                cursor.execute("DROP TRIGGER IF EXISTS kinerja_fault_pause")


# --- The recompute -------------------------------------------------------------------------------


def evaluation_results(instansi_id: int, spec: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every result row of a period's recompute, by natural key (SKP, indicator), without ids
    and timestamps: the evaluations' derived fields and their realisations."""
    from kinerja.evaluations.batch import EVAL_FIELDS, REAL_FIELDS, evaluations_of_period
    from kinerja.evaluations.models import IndicatorRealisation

    period = evaluations_of_period(instansi_id, spec)
    evaluations = []
    for row in period.order_by("skp_id").values_list(
            "skp_id", "pegawai_id", "opd_id", "jabatan_id", "start_date", "end_date", "status",
            *EVAL_FIELDS).iterator(chunk_size=5000):
        row = list(row)
        breakdown = row[7 + EVAL_FIELDS.index("breakdown")]
        if isinstance(breakdown, str):
            breakdown = json.loads(breakdown)
        row[7 + EVAL_FIELDS.index("breakdown")] = json.dumps(breakdown, sort_keys=True)
        evaluations.append(tuple(row))
    realisations = list(IndicatorRealisation.objects.filter(evaluation__in=period).order_by(
        "evaluation__skp_id", "indicator_id").values_list(
        "evaluation__skp_id", "indicator_id", "realisation", *REAL_FIELDS).iterator(
        chunk_size=5000))
    return {"evaluations": evaluations, "realisations": realisations}


def disturb_evaluations(instansi_id: int, spec: Any) -> dict[str, int]:
    """Spoil a period's derived results, the same content every time: delete the evaluations
    of even SKP ids that hold nothing a person entered (draft, no rating, no realisation of
    their own, no objection), delete the realisations without an employee's figure of SKP ids
    divisible by 3, and blank the score, breakdown and matrix predikat where the SKP id is
    divisible by 5. Locked (final) evaluations are never touched, as the recompute never
    touches them."""
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Mod

    from kinerja.evaluations.batch import LOCKED_STATUSES, evaluations_of_period
    from kinerja.evaluations.models import (
        Evaluation,
        EvaluationStatus,
        IndicatorRealisation,
        Objection,
        PerilakuRating,
        RhkRating,
    )

    period = evaluations_of_period(instansi_id, spec).exclude(status__in=LOCKED_STATUSES)
    own = IndicatorRealisation.objects.filter(evaluation=OuterRef("pk"),
                                              realisation__isnull=False)
    pure = period.filter(status=EvaluationStatus.DRAFT, hasil_rating="", perilaku_rating="",
                         self_hasil_rating="", self_perilaku_rating="").exclude(
        Exists(own)).exclude(Exists(Objection.objects.filter(evaluation=OuterRef("pk")))
                             ).exclude(Exists(RhkRating.objects.filter(evaluation=OuterRef("pk")))
                                       ).exclude(Exists(PerilakuRating.objects.filter(
                                           evaluation=OuterRef("pk"))))
    drop = list(pure.annotate(m=Mod("skp_id", 2)).filter(m=0).values_list("pk", flat=True))
    deleted_evaluations = 0
    for start in range(0, len(drop), 5000):
        IndicatorRealisation.objects.filter(evaluation_id__in=drop[start:start + 5000]).delete()
        deleted_evaluations += Evaluation.objects.filter(pk__in=drop[start:start + 5000]
                                                         ).delete()[1].get(
            "evaluations.Evaluation", 0)
    reals, _ = IndicatorRealisation.objects.filter(
        evaluation__in=period.annotate(m=Mod("skp_id", 3)).filter(m=0),
        realisation__isnull=True).delete()
    spoiled = period.annotate(m=Mod("skp_id", 5)).filter(m=0).update(
        score=None, breakdown={}, matrix_predikat="", verified_minutes=0)
    return {"evaluations deleted": deleted_evaluations, "realisations deleted": reals,
            "evaluations spoiled": spoiled}


def recompute_runs(instansi_id: int) -> list[tuple[int, str, str, str]]:
    from kinerja.evaluations.models import RecomputeRun

    return list(RecomputeRun.objects.filter(instansi_id=instansi_id).order_by("pk").values_list(
        "pk", "status", "phase", "error"))


def probe_recompute(instansi_id: int) -> Callable[[], str | None]:
    """Inside the recompute's write transaction: PostgreSQL shows it; on SQLite the run row
    says `write` (the phase reported just before the transaction opens) and the write lock
    is held."""
    from django.db import connection

    from kinerja.evaluations.models import RecomputeRun, RunStatus

    def probe() -> str | None:
        if connection.vendor == "postgresql":
            return probe_postgres_writing()
        run = RecomputeRun.objects.filter(instansi_id=instansi_id, status=RunStatus.RUNNING
                                          ).order_by("-pk").values_list("pk", "phase").first()
        if run is None or run[1] != "write" or not sqlite_writer_busy():
            return None
        return f"run {run[0]} is in phase 'write' and holds the database's write lock"

    return probe


# --- The TPP month -------------------------------------------------------------------------------


def tpp_results(instansi_id: int, month: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every result row of a TPP month: its lines (all fields, digest included) by person, and
    the month's totals, digest, preset version and status."""
    from kinerja.allowances.batch import LINE_FIELDS
    from kinerja.allowances.models import TppLine, TppMonth

    lines = []
    for row in TppLine.objects.filter(month__instansi_id=instansi_id, month__period=month.first
                                      ).order_by("pegawai_id").values_list(
            "pegawai_id", *LINE_FIELDS).iterator(chunk_size=5000):
        lines.append(tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v
                           for v in row))
    months = list(TppMonth.objects.filter(instansi_id=instansi_id, period=month.first).values_list(
        "status", "version_id", "people", "total_gross", "total_net", "results_digest"))
    return {"lines": lines, "month": months}


def disturb_tpp(instansi_id: int, month: Any) -> dict[str, int]:
    """Spoil a computed month, the same content every time: delete the lines of even pegawai
    ids, zero the net and change the digest of those divisible by 3, blank the month's totals
    and digest."""
    from django.db.models.functions import Mod

    from kinerja.allowances.models import TppLine, TppMonth

    lines = TppLine.objects.filter(month__instansi_id=instansi_id, month__period=month.first)
    deleted, _ = lines.annotate(m=Mod("pegawai_id", 2)).filter(m=0).delete()
    spoiled = lines.annotate(m=Mod("pegawai_id", 3)).filter(m=0).update(net=0, digest="spoiled")
    TppMonth.objects.filter(instansi_id=instansi_id, period=month.first).update(
        people=0, total_net=0, total_gross=0, results_digest="")
    return {"lines deleted": deleted, "lines spoiled": spoiled}


def probe_tpp() -> Callable[[], str | None]:
    """Inside the TPP write transaction: PostgreSQL shows it; on SQLite the write lock is held
    (the command writes nothing before its transaction once the month exists)."""
    from django.db import connection

    def probe() -> str | None:
        if connection.vendor == "postgresql":
            return probe_postgres_writing()
        if sqlite_writer_busy():
            return "the command holds the database's write lock (its one write transaction)"
        return None

    return probe


class Clock:
    """Seconds each step of a drill took, for the printed report."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.steps: list[tuple[str, float]] = []

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.steps.append((name, now - self.last))
        self.last = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.steps)


# --- Reporting -------------------------------------------------------------------------------


def fingerprint(results: dict[str, list[tuple[Any, ...]]]) -> str:
    """A short digest of a snapshot and its row counts, for the printed report."""
    h = hashlib.sha256()
    for key in sorted(results):
        for row in results[key]:
            h.update(repr(row).encode())
    counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(results.items()))
    return f"{counts}, sha256 {h.hexdigest()[:16]}"


def first_difference(expected: dict[str, list[Any]], found: dict[str, list[Any]]) -> str:
    for key in sorted(expected):
        a, b = expected[key], found.get(key, [])
        if len(a) != len(b):
            return f"{key}: {len(a)} rows expected, {len(b)} found"
        for x, y in zip(a, b, strict=True):
            if x != y:
                return f"{key}: expected {x!r}, found {y!r}"
    return "identical"
