"""activity_create: POST /api/v1/activities through a granian server, under concurrent load,
against a bare django-ninja endpoint inserting the same row.

Uses DATABASE_URL if set (it must be PostgreSQL), else recreates the throwaway database
kinerja_bench_activity on postgres://postgres@127.0.0.1:5432. Migrates and loads the demo Pemda
(300 employees, `kinerja.demo`) with its `today` five weeks back, so its three months of logs
fill the table (about 34k rows) but leave the open month free; picks WRITERS people whose
approved SKP covers today, each with a personal access token and one of their RHKs. Then:
  - in process (django.test.Client): one POST, its queries listed and counted, and a short
    cProfile of repeated POSTs by layer;
  - starts granian (WSGI, the production server; 1 worker, 4 blocking threads, as rhk_write) on
    127.0.0.1:PORT with this module's `server_app` factory: the product URLs plus one
    bench-only route (this URLconf only), and measures with CLIENTS keep-alive client threads,
    for DURATION s each:
  ours      POST /api/v1/activities {date, start_time, end_time, description, output_quantity,
            output_unit, rhk_id} with the owner's Bearer token and an Idempotency-Key (what the
            phone sends): auth, idempotency record, open-month check, plausibility (the day's
            other logs, leave, policy), the RHK of an approved SKP, insert, audit record, the
            answer read back with its relations;
  baseline  POST /bench/bare-activity, a django-ninja endpoint on the same server and
            middleware: the same JSON body parsed by a ninja Schema, one Activity.objects.create
            in a transaction; no authentication, validation, permission check or audit.
Then ours again (drift check); the summary's ours is the mean of the two ours runs. Every
request logs an hour of its own (writer, day, slot) so no two overlap: each of the open
month's days holds at most 8 logs a person, as a busy day would.

Environment: BENCH_DURATION seconds per run (10), BENCH_PORT (8174), BENCH_CLIENTS (8),
BENCH_WRITERS (48). --rows is ignored.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import http.client
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import Benchmark, summary_line
from bench.pohon_kinerja import prepare_database, setup_django
from bench.rhk_write import LAYERS, THREADS, WORKERS, _wait_for_port

NAME = "activity_create"
BENCH_DB = "kinerja_bench_activity"
PORT = int(os.environ.get("BENCH_PORT", "8174"))
DURATION = float(os.environ.get("BENCH_DURATION", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WRITERS = int(os.environ.get("BENCH_WRITERS", "48"))
SLOTS = 8  # one-hour logs from 07:30: a full working day
BARE_PATH = "bench/bare-activity"


# --- The server side (imported by granian in its own process) ---------------------------------


def _bare_api() -> Any:
    """The baseline: a django-ninja endpoint (no auth) that inserts the row in a transaction."""
    from django.db import transaction
    from ninja import NinjaAPI, Schema

    from kinerja.activities.models import Activity

    class BareIn(Schema):
        instansi_id: int
        pegawai_id: int
        date: dt.date
        start_time: dt.time
        end_time: dt.time
        description: str
        output_quantity: Decimal
        output_unit: str
        rhk_id: int

    def bare(request: Any, payload: Any) -> Any:
        start, end = payload.start_time, payload.end_time
        with transaction.atomic():
            row = Activity.objects.create(
                **payload.dict(),
                minutes=(end.hour * 60 + end.minute) - (start.hour * 60 + start.minute),
            )
        return 201, {"id": row.pk}

    # The annotation as a class, not the text `from __future__` makes of it: ninja reads it.
    bare.__annotations__["payload"] = BareIn
    api = NinjaAPI(urls_namespace="bench_bare", docs_url=None, openapi_url=None)
    api.post("/bare-activity", response={201: dict})(bare)
    return api


def __getattr__(name: str) -> Any:
    # This module is the benchmark server's ROOT_URLCONF; its urlpatterns are built lazily
    # (after django.setup) and only there: the product URLs never see the bare route.
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/", _bare_api().urls), path("", include("kinerja.urls"))]
    raise AttributeError(name)


def server_app() -> Any:
    """granian --factory target: the product WSGI app with this module as its URLconf."""
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()


# --- The client side ------------------------------------------------------------------------


def _prepare() -> dict[str, Any]:
    from django.utils import timezone

    from kinerja.activities.models import Activity
    from kinerja.demo.load import load_demo
    from kinerja.people.models import Account
    from kinerja.people.services import token_create
    from kinerja.plans.models import Rhk, SkpStatus

    today = timezone.localdate()
    demo_today = max(today - dt.timedelta(days=35), dt.date(today.year, 1, 2))
    started = time.perf_counter()
    result = load_demo(code="bench-activity", today=demo_today, reset=True)
    instansi = result.instansi
    print(f"world: demo Pemda loaded in {time.perf_counter() - started:.1f} s (today "
          f"{demo_today}): {Activity.objects.filter(instansi=instansi).count()} logs already")
    rhks: dict[int, int] = {}
    for pk, person in Rhk.objects.filter(
        instansi=instansi, skp__status=SkpStatus.APPROVED, skp__start_date__lte=today,
        skp__end_date__gte=today,
    ).order_by("pk").values_list("pk", "skp__pegawai_id"):
        rhks.setdefault(person, pk)
    accounts = Account.objects.filter(pegawai_id__in=list(rhks), is_active=True).order_by("pk")
    writers = []
    for account in accounts[:WRITERS]:
        _, plain = token_create(account=account, name="bench")
        writers.append({"pegawai": account.pegawai_id, "rhk": rhks[account.pegawai_id],
                        "token": plain})
    first_open = today.replace(day=1)
    if today.day <= 5:  # the previous month is open until its deadline (day 5)
        first_open = (first_open - dt.timedelta(days=1)).replace(day=1)
    days = []
    day = first_open
    while day <= today:
        days.append(day)
        day += dt.timedelta(days=1)
    Activity.objects.filter(instansi=instansi, date__gte=first_open).delete()
    return {"instansi": instansi.pk, "writers": writers, "days": days}


class Slots:
    """Hands out (writer, day, slot) triples, each once: slot outermost, so every person-day
    gets its first log before any gets a second."""

    def __init__(self, world: dict[str, Any]) -> None:
        self.world = world
        self.n = 0
        self.lock = threading.Lock()

    def take(self) -> tuple[dict[str, Any], dt.date, int]:
        writers, days = self.world["writers"], self.world["days"]
        with self.lock:
            n = self.n
            self.n += 1
        per_slot = len(writers) * len(days)
        slot, rest = divmod(n, per_slot)
        if slot >= SLOTS:
            raise SystemExit("out of free slots: lower BENCH_DURATION or raise BENCH_WRITERS")
        day, writer = divmod(rest, len(writers))
        return writers[writer], days[day], slot


def _body(world: dict[str, Any], writer: dict[str, Any], day: dt.date, slot: int) -> dict[str, Any]:
    start = dt.time(7 + (slot * 60 + 30) // 60, 30)
    end = dt.time(start.hour + 1, 30)
    return {"date": day.isoformat(), "start_time": start.strftime("%H:%M"),
            "end_time": end.strftime("%H:%M"),
            "description": "Mengolah data layanan dan menyusun rekap harian",
            "output_quantity": "3", "output_unit": "berkas", "rhk_id": writer["rhk"]}


def _ours(world: dict[str, Any], slots: Slots) -> tuple[str, str, dict[str, str]]:
    writer, day, slot = slots.take()
    return ("/api/v1/activities", json.dumps(_body(world, writer, day, slot)),
            {"Authorization": f"Bearer {writer['token']}", "Content-Type": "application/json",
             "Idempotency-Key": str(uuid.uuid4())})


def _bare(world: dict[str, Any], slots: Slots) -> tuple[str, str, dict[str, str]]:
    writer, day, slot = slots.take()
    body = _body(world, writer, day, slot)
    body.update(instansi_id=world["instansi"], pegawai_id=writer["pegawai"])
    return "/bench/bare-activity", json.dumps(body), {"Content-Type": "application/json"}


def _in_process(world: dict[str, Any], slots: Slots) -> int:
    """One POST with its queries listed; returns the count. Then a short profile."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")

    def post() -> Any:
        path, body, headers = _ours(world, slots)
        return client.post(path, body, content_type="application/json", headers=headers)

    post()  # warm up
    timings: list[tuple[float, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - start, sql))

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
        start = time.perf_counter()
        response = post()
        total = time.perf_counter() - start
    assert response.status_code == 201, (response.status_code, response.content[:300])
    count = len(queries.captured_queries)
    print(f"ours, in process: {count} queries in one POST /api/v1/activities (BEGIN and COMMIT "
          f"included), {total * 1000:.1f} ms, {sum(t for t, _ in timings) * 1000:.1f} ms of it "
          f"waiting on the database (ms each, SQL abridged):")
    for t, sql in timings:
        print(f"  {t * 1000:6.2f}  {' '.join(sql.split())[:130]}")
    start = time.perf_counter()
    for _ in range(100):
        post()
    per_ours = (time.perf_counter() - start) / 100
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(200):
        post()
    profile.disable()
    print(f"ours, in process (django.test.Client, no server): {per_ours * 1000:.1f} ms per POST; "
          f"cProfile of 200 POSTs:")
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    layers: dict[str, float] = {}
    for (filename, _, function), (_, _, tottime, _, _) in stats.items():
        layer = next((name for key, name in LAYERS if key in filename or key == function),
                     "other (stdlib, builtins)")
        layers[layer] = layers.get(layer, 0.0) + tottime
    total_own = sum(layers.values())
    print("  own time by layer: " + ", ".join(
        f"{k} {v / total_own:.0%}" for k, v in sorted(layers.items(), key=lambda i: -i[1])))
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats("kinerja/", 18)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start_at = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    print("  project functions by cumulative time:")
    for ln in lines[start_at:]:
        print("  " + ln.replace(str(Path.cwd()) + "/", "")[:150])
    return count


def _load(world: dict[str, Any], slots: Slots, make: Any, seconds: float, label: str
          ) -> tuple[float, float]:
    """CLIENTS keep-alive connections POSTing for `seconds`: (requests/s, p99 ms)."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    errors: list[str] = []
    stop = threading.Event()

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        mine = latencies[index]
        while not stop.is_set():
            path, body, headers = make(world, slots)
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 201:
                errors.append(f"{response.status} {data[:300]!r}")
                stop.set()
                break
        conn.close()

    for _ in range(CLIENTS):  # warm up each connection and the server's pool
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        for _ in range(3):
            path, body, headers = make(world, slots)
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            assert response.status == 201, (label, response.status, data[:300])
        conn.close()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{label}: {errors[0]}")
    every = sorted(t for mine in latencies for t in mine)
    rate = len(every) / elapsed
    p50 = every[len(every) // 2] * 1000
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))] * 1000
    print(f"{label}: {len(every)} POSTs in {elapsed:.1f} s over {CLIENTS} keep-alive "
          f"connections = {rate:.0f} requests/s; latency p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    return rate, p99


def run(rows: int | None) -> None:
    del rows  # a fixed world: the demo Pemda
    url = prepare_database(BENCH_DB, NAME)
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # plain HTTP on 127.0.0.1
    # The demo's evidence files go to a throwaway directory, not the project's media.
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="kinerja-bench-media-")
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from kinerja.core.models import AuditRecord

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    print(f"database: PostgreSQL {pg_version} at {url.rsplit('@', 1)[-1]}")
    print(f"machine: {os.cpu_count()} cpus, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")
    world = _prepare()
    slots = Slots(world)
    print(f"writers: {len(world['writers'])} people, {len(world['days'])} open days, "
          f"{len(world['writers']) * len(world['days']) * SLOTS} free one-hour slots")
    queries = _in_process(world, slots)
    connection.close()

    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false",
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    granian = Path(sys.executable).parent / "granian"
    command = [str(granian), "--interface", "wsgi", "--factory", f"{__name__}:server_app",
               "--host", "127.0.0.1", "--port", str(PORT), "--workers", str(WORKERS),
               "--blocking-threads", str(THREADS), "--no-ws", "--no-access-log",
               "--log-level", "warning"]
    print(f"server: granian WSGI, {WORKERS} worker(s), {THREADS} blocking threads, port {PORT}, "
          f"psycopg pool (DB_POOL_MAX {os.environ.get('DB_POOL_MAX', '8')}); "
          f"{CLIENTS} client threads")
    proc = subprocess.Popen(command, env=env, cwd=env["PYTHONPATH"])
    try:
        _wait_for_port(PORT, proc)
        audits = AuditRecord.objects.count()
        ours, ours_p99 = _load(world, slots, _ours, DURATION, "ours: POST /api/v1/activities")
        audited = AuditRecord.objects.count() - audits
        base, base_p99 = _load(world, slots, _bare, DURATION, "baseline: POST /bench/bare-activity")
        ours2, ours2_p99 = _load(world, slots, _ours, DURATION, "ours again (drift check)")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"audit: {audited} records written by the first ours run (one per POST, with the "
          f"warm-up); {queries} queries per ours POST vs BEGIN, INSERT, COMMIT for the baseline")
    print(f"p99 latency: ours {ours_p99:.1f} / {ours2_p99:.1f} ms, baseline {base_p99:.1f} ms")
    print(f"load average after the runs {os.getloadavg()[0]:.2f}")
    print(f"ours runs: {ours:.0f} and {ours2:.0f} requests/s; summary uses the mean")
    print(summary_line(NAME, (ours + ours2) / 2, base, "requests/s"))


BENCHMARK = Benchmark(
    NAME, "POST an activity log through the API (granian, concurrent) vs a bare ninja insert", run
)
