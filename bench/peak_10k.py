"""peak_10k: an end-of-month peak of a Pemda of 10,000 employees, driven by locust from this
machine over loopback against the production server (`kinerja serve`: granian WSGI, 2 workers x
8 threads, DEBUG off) on PostgreSQL; optionally with PostgreSQL restarted in the middle.

Database: DATABASE_URL if set (PostgreSQL), else kinerja_peak on
postgres://postgres@127.0.0.1:5432 (created when missing). World: the demo Pemda
(`kinerja.demo.load_demo`, bulk writes) with 10,000 employees (`--rows N` changes it): OPDs,
units, positions with their supervisors, approved SKPs with RHK, three months of logs (44k of
them submitted and waiting), presensi, evaluations and TPP months, loaded with its `today`
FREE_DAYS days back so the last days up to today are free for new logs. The world is kept
between runs when it matches (BENCH_RESEED=1 loads it again: 15 minutes at load average 10,
about 3 minutes of it CPU); the logs the bench wrote are deleted at the start and after each
phase. Every active account gets a Bearer
token and a logged-in session (bulk inserts; the admin BKPSDM accounts a confirmed TOTP device
and a verified session, as after their code).

Phases (BENCH_USERS locust users, spawned at BENCH_SPAWN_RATE/s, BENCH_DURATION s each,
no think time unless BENCH_WAIT: the users are a closed loop measuring capacity):
  mixed     Employee 80 : Supervisor 15 : Admin 5 (bench/_peak_locustfile.py):
            employees POST /api/v1/activities with an Idempotency-Key (retried with the same key
            on 5xx or no answer), submit half of them, read their logs (API, /kegiatan/), their
            attendance (/kehadiran/) and TPP (/tpp/saya/); supervisors read the verification
            queue and verify its first page in one POST /api/v1/activities/verify, open
            /pemantauan/tim/ and /verifikasi/; admins open /pemantauan/opd/;
  bare      the same users POSTing /bench/bare-activity (bench/activity_create.py: a ninja
            endpoint, no auth, one insert) on the same server: the baseline;
  restart   (BENCH_RESTART_PG=1 or `python -m bench.peak_10k --restart-pg`) the mixed load
            again; after RESTART_AT s PostgreSQL is stopped, left down DOWN s and started
            (pg_ctlcluster), only when no helper test database (test_kh%) is active. The
            server is not touched: it must answer errors while the database is down and
            recover by itself.
After each load phase: lost = writes acknowledged (201 with an id, recorded by the users) not
in the database; duplicated = rows created more than once for one Idempotency-Key (the key is
in the description) or keys acknowledged with two ids.
Prints per request type p50/p95/p99 (locust CSV), then `bench: peak_10k ...` and last
`peak_10k: mixed=.. bare=.. ratio=.. p95=.. errors=N lost=N duplicated=N`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench import Benchmark, summary_line
from bench.pohon_kinerja import ADMIN_URL, setup_django
from bench.rhk_write import _wait_for_port

NAME = "peak_10k"
BENCH_DB = "kinerja_peak"
CODE = "peak"
EMPLOYEES = 10_000
FREE_DAYS = 5  # the demo's today is this many days back: the days after it are free
TOKEN_NAME = "peak-bench"
TAG = "[peak:"
BARE_TAG = "[bare]"
PORT = int(os.environ.get("BENCH_PORT", "8176"))
USERS = int(os.environ.get("BENCH_USERS", "40"))
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", "20"))
DURATION = int(os.environ.get("BENCH_DURATION", "60"))
WAIT = os.environ.get("BENCH_WAIT", "0")  # mean think time between a user's tasks, seconds
WORKERS, THREADS = 2, 8  # a 2-core box; threads = DB_POOL_MAX
RESTART_AT = 20.0  # seconds into the restart phase
DOWN = 5.0  # seconds PostgreSQL stays down
RESTART_DURATION = 70
# The cluster the restart phase restarts (pg_ctlcluster VERSION NAME): the shared one by default;
# BENCH_PG_CLUSTER=15/peak restarts a private cluster instead (with DATABASE_URL pointing at it),
# so other people's connections are not cut.
PG_CLUSTER = tuple(os.environ.get("BENCH_PG_CLUSTER", "15/main").split("/", 1))
SHARED_CLUSTER = PG_CLUSTER == ("15", "main")
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).resolve().parent / "_peak_locustfile.py"
MIXED = ("Employee", "Supervisor", "Admin")


# --- Database and world ---------------------------------------------------------------------


def _database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise SystemExit(f"{NAME} needs PostgreSQL; DATABASE_URL is {url}")
        return url
    import psycopg

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as conn:
        if os.environ.get("BENCH_RESEED"):
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not found:
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
    url = f"{ADMIN_URL}/{BENCH_DB}"
    os.environ["DATABASE_URL"] = url
    return url


def _today() -> dt.date:
    from kinerja.demo.load import DEFAULT_TIME_ZONE

    return dt.datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date()


def _seed(n: int) -> tuple[Any, bool]:
    """The demo Pemda of n employees, loaded again unless the stored one fits."""
    from kinerja.core.models import AuditRecord, Instansi
    from kinerja.demo.load import load_demo

    today = _today()
    instansi = Instansi.objects.filter(code=CODE).first()
    if instansi is not None:
        record = (AuditRecord.objects.filter(instansi=instansi, action="demo.load")
                  .order_by("-seq").first())
        context = record.context if record else {}
        loaded_for = dt.date.fromisoformat(context.get("today", "1970-01-01"))
        if context.get("employees") == n and 2 <= (today - loaded_for).days <= 12:
            print(f"world: the demo Pemda {CODE!r} of {n} employees loaded for {loaded_for} "
                  f"is reused (BENCH_RESEED=1 loads it again)")
            return instansi, False
    started = time.perf_counter()
    result = load_demo(code=CODE, employees=n, today=today - dt.timedelta(days=FREE_DAYS),
                       reset=True)
    print(f"world: demo Pemda of {n} employees loaded in {time.perf_counter() - started:.0f} s "
          f"(today {today - dt.timedelta(days=FREE_DAYS)}): "
          + ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    return result.instansi, True


def _cleanup(instansi_id: int) -> int:
    """Deletes the logs the bench wrote (earlier runs or phases)."""
    from django.db.models import Q

    from kinerja.activities.models import Activity
    from kinerja.core.models import IdempotencyRecord

    deleted, _ = Activity.objects.filter(
        Q(description__contains=TAG) | Q(description__startswith=BARE_TAG),
        instansi_id=instansi_id,
    ).delete()
    IdempotencyRecord.objects.all().delete()
    return deleted


def _free_days(instansi_id: int, today: dt.date) -> list[str]:
    """The days after the demo's last log up to today, in an open month."""
    from django.db.models import Max

    from kinerja.activities.models import Activity

    last = Activity.objects.filter(instansi_id=instansi_id).aggregate(m=Max("date"))["m"]
    start = (last or today - dt.timedelta(days=FREE_DAYS)) + dt.timedelta(days=1)
    days = []
    day = start
    while day <= today:
        days.append(day.isoformat())
        day += dt.timedelta(days=1)
    if not days:
        raise SystemExit(f"no free day after the last log ({last}); run with BENCH_RESEED=1")
    return days


def _sessions(accounts: list[Any], devices: dict[int, str]) -> dict[int, str]:
    """A logged-in session per account, written in bulk: {account id: session key}."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    Session.objects.all().delete()  # the bench's own database
    store = SessionStore()
    expire = timezone.now() + dt.timedelta(days=1)
    keys: dict[int, str] = {}
    rows = []
    for account in accounts:
        data = {
            "_auth_user_id": str(account.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": account.get_session_auth_hash(),
        }
        if account.pk in devices:
            data["otp_device_id"] = devices[account.pk]
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        keys[account.pk] = key
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


def _tokens(account_ids: list[int]) -> dict[int, str]:
    from kinerja.people.models import AccessToken
    from kinerja.people.services import TOKEN_PREFIX, hash_token

    AccessToken.objects.filter(name=TOKEN_NAME).delete()
    plain = {pk: TOKEN_PREFIX + secrets.token_urlsafe(32) for pk in account_ids}
    AccessToken.objects.bulk_create(
        [AccessToken(account_id=pk, name=TOKEN_NAME, prefix=p[:12], token_hash=hash_token(p))
         for pk, p in plain.items()],
        batch_size=2000,
    )
    return plain


def _world(instansi: Any, path: Path) -> dict[str, Any]:
    """Tokens, sessions, writers, supervisors and admins; written to `path` for locust."""
    import random

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kinerja.activities import selectors
    from kinerja.org.models import Jabatan
    from kinerja.people.models import Account, PositionAssignment, RoleGrant
    from kinerja.plans.models import Rhk, SkpStatus

    today = _today()
    days = _free_days(instansi.pk, today)
    first = dt.date.fromisoformat(days[0])
    accounts = list(Account.objects.filter(instansi=instansi, is_active=True).order_by("pk")
                    .only("pk", "password", "pegawai_id"))
    bkpsdm = set(RoleGrant.objects.filter(instansi=instansi, role="admin_bkpsdm")
                 .values_list("account_id", flat=True))
    TOTPDevice.objects.filter(name=TOKEN_NAME).delete()
    made = TOTPDevice.objects.bulk_create(
        [TOTPDevice(user_id=pk, name=TOKEN_NAME, confirmed=True) for pk in sorted(bkpsdm)])
    devices = {d.user_id: d.persistent_id for d in made}
    tokens = _tokens([a.pk for a in accounts])
    cookies = _sessions(accounts, devices)
    by_pegawai = {a.pegawai_id: a.pk for a in accounts if a.pegawai_id}

    rhk_of: dict[int, int] = {}
    for pk, person in Rhk.objects.filter(
        instansi=instansi, skp__status=SkpStatus.APPROVED, skp__start_date__lte=first,
        skp__end_date__gte=today,
    ).order_by("pk").values_list("pk", "skp__pegawai_id"):
        rhk_of.setdefault(person, pk)
    employees = [
        {"pegawai": person, "rhk": rhk, "token": tokens[by_pegawai[person]],
         "cookie": cookies[by_pegawai[person]]}
        for person, rhk in sorted(rhk_of.items()) if person in by_pegawai
    ]
    random.Random(10).shuffle(employees)

    # Supervisors: holders of a position with positions below it, whose queue is not empty.
    heads = set(Jabatan.objects.filter(instansi=instansi, supervisor__isnull=False)
                .values_list("supervisor_id", flat=True))
    holders = sorted(set(PositionAssignment.objects.filter(jabatan_id__in=heads)
                         .values_list("pegawai_id", flat=True)))
    random.Random(11).shuffle(holders)
    account_of = {a.pk: a for a in accounts}
    supervisors, checked, started = [], 0, time.perf_counter()
    for person in holders:
        if person not in by_pegawai or len(supervisors) >= 100:
            continue
        if time.perf_counter() - started > 30:
            break
        checked += 1
        account = account_of[by_pegawai[person]]
        if selectors.verification_queue(account).exists():
            supervisors.append({"token": tokens[account.pk], "cookie": cookies[account.pk]})
    admins = []
    opds = list(instansi_opds(instansi.pk))
    for account_id, role, opd in RoleGrant.objects.filter(
        instansi=instansi, role__in=("admin_opd", "admin_bkpsdm")
    ).values_list("account_id", "role", "opd_id"):
        if account_id not in cookies:
            continue
        if role == "admin_opd" and opd:
            admins.append({"cookie": cookies[account_id], "opd": opd, "role": role})
        elif role == "admin_bkpsdm":
            admins += [{"cookie": cookies[account_id], "opd": o, "role": role}
                       for o in random.Random(12).sample(opds, min(len(opds), 10))]
    world = {
        "instansi": instansi.pk, "month": today.strftime("%Y-%m"), "free_days": days,
        "employees": employees, "supervisors": supervisors, "admins": admins,
    }
    path.write_text(json.dumps(world))
    print(f"identities: {len(accounts)} accounts with a Bearer token and a session (bulk), "
          f"{len(employees)} writers (an approved SKP covering the free days), "
          f"{len(supervisors)} supervisors with a non-empty queue (of {checked} checked), "
          f"{len(admins)} admin dashboard targets ({len(devices)} admin BKPSDM with a TOTP "
          f"device); free days {days[0]}..{days[-1]} (today {today})")
    if not employees or not supervisors or not admins:
        raise SystemExit("the world lacks writers, supervisors or admins")
    return world


def instansi_opds(instansi_id: int) -> list[int]:
    from kinerja.org.models import Opd

    return list(Opd.objects.filter(instansi_id=instansi_id).values_list("pk", flat=True))


# --- Server -----------------------------------------------------------------------------------


def _server(log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "bench._peak_settings", "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "kinerja-peak-static"),
        "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING",
    }
    command = [str(BIN / "kinerja"), "serve", "--host", "127.0.0.1", "--port", str(PORT),
               "--workers", str(WORKERS), "--threads", str(THREADS)]
    handle = open(log, "ab")  # noqa: SIM115 (the server's lifetime)
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)
    _wait_for_port(PORT, proc, timeout=180)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _request(method: str, path: str, data: str | None, headers: dict[str, str]
             ) -> tuple[int, bytes, float, str]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    start = time.perf_counter()
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    content = response.read()
    ms = (time.perf_counter() - start) * 1000
    conn.close()
    location = response.getheader("Location", "") if 300 <= response.status < 400 else ""
    return response.status, content, ms, location


def _smoke(world: dict[str, Any]) -> None:
    """One request of each kind, before the load: all must succeed."""
    import uuid

    writer = world["employees"][-1]
    key = str(uuid.uuid4())
    body = json.dumps({
        "date": world["free_days"][-1], "start_time": "14:30", "end_time": "15:30",
        "description": f"Smoke {TAG}{key}]", "output_quantity": "1", "output_unit": "berkas",
        "rhk_id": writer["rhk"],
    })
    api = {"Authorization": f"Bearer {writer['token']}", "Content-Type": "application/json",
           "Idempotency-Key": key}
    checks: list[tuple[str, str, str | None, dict[str, str]]] = [
        ("POST", "/api/v1/activities", body, api),
        ("POST", "/api/v1/activities", body, api),  # the retry: replayed, nothing created
        ("GET", f"/api/v1/activities?month={world['month']}", None, api),
        ("GET", "/api/v1/verification-queue?page_size=20", None,
         {"Authorization": f"Bearer {world['supervisors'][0]['token']}"}),
    ]
    for path in ("/kegiatan/", "/kehadiran/", "/tpp/saya/"):
        checks.append(("GET", path, None, {"Cookie": f"sessionid={writer['cookie']}"}))
    for path in ("/pemantauan/tim/", "/verifikasi/"):
        checks.append(("GET", path, None,
                       {"Cookie": f"sessionid={world['supervisors'][0]['cookie']}"}))
    for admin in {a["role"]: a for a in world["admins"]}.values():
        checks.append(("GET", f"/pemantauan/opd/{admin['opd']}/", None,
                       {"Cookie": f"sessionid={admin['cookie']}"}))
    ids = []
    for method, path, data, headers in checks:
        status, content, ms, location = _request(method, path, data, headers)
        if location and not location.startswith("/masuk/"):  # a page sending elsewhere
            status, content, ms2, location = _request("GET", location, None, headers)
            ms += ms2
        if not 200 <= status < 300:
            raise SystemExit(f"smoke: {method} {path} answered {status} {location}: "
                             f"{content[:300]!r}")
        if path == "/api/v1/activities" and method == "POST":
            ids.append(json.loads(content)["id"])
        print(f"  smoke {method} {path} {status} {ms:.0f} ms ({len(content)} bytes)")
    assert len(set(ids)) == 1, f"the retry with the same Idempotency-Key created {ids}"


# --- Load -------------------------------------------------------------------------------------


def _locust(classes: tuple[str, ...], label: str, seconds: int, world_path: Path, work: Path
            ) -> tuple[subprocess.Popen[bytes], dict[str, Path]]:
    files = {"csv": work / label, "acked": work / f"{label}-acked.txt",
             "events": work / f"{label}-events.txt", "log": work / f"{label}-locust.log"}
    env = {**os.environ, "PEAK_WORLD": str(world_path), "PEAK_ACKED": str(files["acked"]),
           "PEAK_EVENTS": str(files["events"]), "PEAK_WAIT": WAIT, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(USERS),
               "-r", str(SPAWN_RATE), "--run-time", f"{seconds}s",
               "--host", f"http://127.0.0.1:{PORT}", "--csv", str(files["csv"]),
               "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING", *classes]
    handle = open(files["log"], "wb")  # noqa: SIM115
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)
    return proc, files


def _wait_locust(proc: subprocess.Popen[bytes], seconds: int) -> None:
    try:
        proc.wait(timeout=seconds + 90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _stats(files: dict[str, Path]) -> list[dict[str, str]]:
    path = Path(f"{files['csv']}_stats.csv")
    if not path.exists():
        tail = files["log"].read_text()[-3000:]
        raise SystemExit(f"locust wrote no statistics; its log:\n{tail}")
    with path.open() as handle:
        return list(csv.DictReader(handle))


def _print_table(label: str, rows: list[dict[str, str]]) -> None:
    print(f"{label}: per request type (locust CSV; ms)")
    print(f"  {'request':42} {'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} "
          f"{'p99':>6} {'max':>7}")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"]))):
        name = row["Name"] if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        if name.startswith(row["Type"] + " " + row["Type"]):
            name = row["Name"]
        print(f"  {name[:42]:42} {row['Request Count']:>7} {row['Failure Count']:>5} "
              f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6} "
              f"{float(row['Max Response Time']):7.0f}")


def _events(files: dict[str, Path]) -> list[tuple[float, str, int, float]]:
    found = []
    path = files["events"]
    if path.exists():
        for line in path.read_text().splitlines():
            t, name, status, ms = line.split(" ")
            found.append((float(t), name, int(status), float(ms)))
    return found


def _failures(files: dict[str, Path]) -> None:
    path = Path(f"{files['csv']}_failures.csv")
    if not path.exists():
        return
    with path.open() as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: -int(r["Occurrences"]))
    for row in rows[:8]:
        print(f"  failure x{row['Occurrences']}: {row['Method']} {row['Name']}: "
              f"{row['Error'][:160]}")


def _integrity(instansi_id: int, files: dict[str, Path]) -> tuple[int, int, int]:
    """(acknowledged, lost, duplicated) for the phase's writes."""
    from django.db import connection

    from kinerja.activities.models import Activity

    acked: dict[str, set[int]] = {}
    path = files["acked"]
    for line in path.read_text().splitlines() if path.exists() else []:
        key, pk = line.split()
        acked.setdefault(key, set()).add(int(pk))
    ids = {pk for pks in acked.values() for pk in pks}
    found = dict(Activity.objects.filter(pk__in=ids).values_list("pk", "description"))
    lost = sum(1 for key, pks in acked.items() for pk in pks
               if pk not in found or f"{TAG}{key}]" not in found[pk])
    twice = sum(len(pks) - 1 for pks in acked.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM '
            f'"{Activity._meta.db_table}" WHERE instansi_id = %s AND position(%s in description) '
            f'> 0 GROUP BY description HAVING count(*) > 1) d', [instansi_id, TAG])
        (duplicated,) = cursor.fetchone()
    return len(acked), lost, int(duplicated) + twice


def _phase(label: str, classes: tuple[str, ...], seconds: int, world_path: Path, work: Path,
           during: Any = None) -> tuple[list[dict[str, str]], dict[str, Path], Any]:
    load = os.getloadavg()[0]
    proc, files = _locust(classes, label, seconds, world_path, work)
    extra = during(proc) if during else None
    _wait_locust(proc, seconds)
    rows = _stats(files)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"{label}: {USERS} users, {seconds} s: {total['Request Count']} requests, "
          f"{float(total['Requests/s']):.1f} req/s, {total['Failure Count']} failures, p95 "
          f"{total['95%']} ms (load average {load:.2f} before, {os.getloadavg()[0]:.2f} after)")
    _print_table(label, rows)
    _failures(files)
    return rows, files, extra


# --- PostgreSQL restart -----------------------------------------------------------------------


def _helper_tests_active() -> list[str]:
    import psycopg

    try:
        with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True, connect_timeout=5) as c:
            rows = c.execute("SELECT DISTINCT datname FROM pg_stat_activity "
                             "WHERE datname LIKE 'test_kh%%'").fetchall()
    except psycopg.Error:
        return ["(cannot ask)"]
    return [r[0] for r in rows]


def _wait_quiet(limit: float) -> bool:
    """Waits (up to `limit` s) until no helper test database is active on the shared cluster."""
    if not SHARED_CLUSTER:
        return True
    deadline = time.monotonic() + limit
    while True:
        busy = _helper_tests_active()
        if not busy:
            return True
        if time.monotonic() > deadline:
            print(f"restart: helper test databases still active: {busy}")
            return False
        time.sleep(5)


def _pg(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, action],
                   check=True, timeout=120)


def _restart_during(proc: subprocess.Popen[bytes]) -> dict[str, float] | None:
    time.sleep(RESTART_AT)
    if not _wait_quiet(30):
        return None
    marks = {"stop": time.time()}
    _pg("stop")
    marks["stopped"] = time.time()
    time.sleep(DOWN)
    marks["start"] = time.time()
    _pg("start")
    marks["up"] = time.time()
    print(f"restart: PostgreSQL {'/'.join(PG_CLUSTER)} stopped at +{RESTART_AT:.0f} s (stop took "
          f"{marks['stopped'] - marks['stop']:.1f} s), down {marks['start'] - marks['stopped']:.1f}"
          f" s, start took {marks['up'] - marks['start']:.1f} s")
    return marks


def _restart_report(events: list[tuple[float, str, int, float]], marks: dict[str, float]
                    ) -> dict[str, Any]:
    stop, up = marks["stop"], marks["up"]
    ok = [e for e in events if 200 <= e[2] < 400]
    recovered = min((t + ms / 1000 for t, _, s, ms in ok if t >= up), default=None)
    window_end = recovered if recovered is not None else float("inf")

    def overlaps(e: tuple[float, str, int, float], a: float, b: float) -> bool:
        return e[0] <= b and e[0] + e[3] / 1000 >= a

    failed = [e for e in events if not 200 <= e[2] < 400]
    inside = [e for e in failed if overlaps(e, stop, window_end)]
    before = [e for e in failed if e[0] + e[3] / 1000 < stop]
    after = [e for e in failed if e[0] > window_end]
    during = [e for e in events if overlaps(e, stop, up)]
    slowest = max((e[3] for e in during), default=0.0)
    return {
        "outage_s": up - stop,
        "recovered_s": (recovered - up) if recovered is not None else None,
        "errors_window": len(inside), "errors_before": len(before), "errors_after": len(after),
        "statuses_window": dict(Counter(e[2] for e in inside)),
        "statuses_after": dict(Counter(e[2] for e in after)),
        "after_names": dict(Counter(e[1] for e in after)),
        "requests_during": len(during), "slowest_during_ms": slowest,
        "answered_during": sum(1 for e in during if e[2] != 0),
    }


# --- Run ----------------------------------------------------------------------------------------


def run(rows: int | None, restart_pg: bool | None = None, only_restart: bool = False) -> None:
    n = rows or EMPLOYEES
    restart_pg = restart_pg if restart_pg is not None else bool(os.environ.get("BENCH_RESTART_PG"))
    restart_pg = restart_pg or only_restart
    url = _database()
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="kinerja-peak-media-")
    setup_django()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    print(f"database: PostgreSQL {pg_version} at {url.rsplit('@', 1)[-1]}")
    print(f"machine: {os.cpu_count()} cpus, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    instansi, fresh = _seed(n)
    if fresh:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"cleanup: {_cleanup(instansi.pk)} logs of earlier bench runs deleted")
    work = Path(tempfile.mkdtemp(prefix="kinerja-peak-"))
    world_path = work / "world.json"
    world = _world(instansi, world_path)
    print(f"setup took {time.perf_counter() - started:.0f} s; files in {work}")
    connection.close()

    server_log = work / "server.log"
    print(f"server: kinerja serve (granian WSGI) {WORKERS} workers x {THREADS} threads, "
          f"DEBUG=false, psycopg pool DB_POOL_MAX {os.environ.get('DB_POOL_MAX', '8')} a worker, "
          f"port {PORT}; locust {USERS} users (FastHttpUser), spawn {SPAWN_RATE:g}/s, "
          f"think time {WAIT} s")
    server = _server(server_log)
    try:
        _smoke(world)
        if not only_restart:
            mixed_rows, mixed_files, _ = _phase("mixed", MIXED, DURATION, world_path, work)
            acked, lost, duplicated = _integrity(instansi.pk, mixed_files)
            mixed = next(r for r in mixed_rows if r["Name"] == "Aggregated")
            print(f"mixed: {acked} log writes acknowledged, lost {lost}, duplicated "
                  f"{duplicated}")
            _cleanup(instansi.pk)
            bare_rows, _, _ = _phase("bare", ("Bare",), DURATION, world_path, work)
            bare = next(r for r in bare_rows if r["Name"] == "Aggregated")
            _cleanup(instansi.pk)
        restart_line = ""
        if restart_pg:
            restart_line = _restart_phase(instansi.pk, world_path, work, connections)
    finally:
        _stop(server)
    log_text = server_log.read_text(errors="replace")
    print(f"server log: {len(log_text.splitlines())} lines, "
          f"{log_text.count('Traceback')} tracebacks ({server_log})")
    if only_restart:
        print(restart_line)
        return
    errors = int(mixed["Failure Count"])
    mixed_rate, bare_rate = float(mixed["Requests/s"]), float(bare["Requests/s"])
    ratio = mixed_rate / bare_rate if bare_rate else float("nan")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    if restart_line:
        print(restart_line)
    print(summary_line(NAME, mixed_rate, bare_rate, "requests/s"))
    print(f"peak_10k: mixed={mixed_rate:.1f} bare={bare_rate:.1f} ratio={ratio:.3f} "
          f"p95={mixed['95%']} errors={errors} lost={lost} duplicated={duplicated}")


def _restart_phase(instansi_id: int, world_path: Path, work: Path, connections: Any) -> str:
    if not _wait_quiet(300):
        return "peak_10k restart: skipped (helper test databases active)"
    connections.close_all()
    rows, files, marks = _phase("restart", MIXED, RESTART_DURATION, world_path, work,
                                during=_restart_during)
    if marks is None:
        return "peak_10k restart: skipped (helper test databases became active)"
    connections["default"].close_pool()  # this process's pool saw the restart too
    report = _restart_report(_events(files), marks)
    acked, lost, duplicated = _integrity(instansi_id, files)
    print(f"restart: outage {report['outage_s']:.1f} s; first success after start "
          f"{report['recovered_s']} s; {report['requests_during']} requests overlapped the "
          f"outage, {report['answered_during']} answered (status != 0), slowest "
          f"{report['slowest_during_ms']:.0f} ms; errors in the window "
          f"{report['errors_window']} {report['statuses_window']}, before "
          f"{report['errors_before']}, after recovery {report['errors_after']} "
          f"{report['statuses_after']} {report['after_names']}")
    print(f"restart: {acked} log writes acknowledged, lost {lost}, duplicated {duplicated}")
    _cleanup(instansi_id)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    recovered = report["recovered_s"]
    return (f"peak_10k restart: outage={report['outage_s']:.1f}s recovered="
            f"{'never' if recovered is None else f'{recovered:.1f}s'} "
            f"errors_window={report['errors_window']} errors_after={report['errors_after']} "
            f"errors_before={report['errors_before']} slowest={report['slowest_during_ms']:.0f}ms "
            f"req/s={float(total['Requests/s']):.1f} lost={lost} duplicated={duplicated}")


BENCHMARK = Benchmark(
    NAME, "End-of-month peak, 10,000 employees: locust mixed load vs a bare insert (granian, "
    "PostgreSQL); BENCH_RESTART_PG=1 adds a PostgreSQL restart under load", run,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peak_10k", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, help=f"employees (default {EMPLOYEES})")
    parser.add_argument("--restart-pg", action="store_true",
                        help="add the phase that restarts PostgreSQL under load")
    parser.add_argument("--only-restart", action="store_true",
                        help="the restart phase alone (no mixed and bare runs, no summary)")
    args = parser.parse_args(argv)
    run(args.rows, restart_pg=args.restart_pg or None, only_restart=args.only_restart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
