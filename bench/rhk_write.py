"""rhk_write: POST /api/v1/skp/{skp_id}/rhk through a granian server against a bare ORM insert.

Uses DATABASE_URL if set (it must be PostgreSQL), else recreates the throwaway database
kinerja_bench_rhk on postgres://postgres@127.0.0.1:5432. Migrates, builds the test cast and its
plan (kinerja.testing, kinerja.plans.testing: an approved cascade kadis > sekretaris > kasubag
in the Dinas Kesehatan), opens draft SKPs for the three pelaksana under the kasubag and gives
each a personal access token. Then:
  - in process (django.test.Client, Bearer token): one POST, its queries listed and counted,
    and a short cProfile of repeated POSTs (what dominates);
  - starts granian (WSGI, 1 worker, blocking threads) on 127.0.0.1:PORT with this module's
    `server_app` factory: the product URLs plus one bench-only route (never in the product
    URLs) and measures, with one keep-alive client thread per SKP writer, for DURATION s each:
  ours      POST /api/v1/skp/{id}/rhk {"text", "parent_id" = the kasubag's RHK, "intervention"}
            with the owner's Bearer token: auth, scope, SKP row lock, link checks, insert,
            version bump, audit record (requests/s);
  baseline  POST /bench/bare-rhk/{id} on the same server and middleware: one JSON body, one
            Rhk.objects.create() into the same table, no auth, scope, lock or audit (requests/s).
Then ours again (drift check); the summary's ours is the mean of the two ours runs.

Environment: BENCH_DURATION seconds per run (10), BENCH_PORT (8173), BENCH_WORKERS granian
processes (1), BENCH_PREPARE=1 for a what-if with psycopg prepared statements (not the project's
settings). --rows is ignored.
"""

from __future__ import annotations

import cProfile
import http.client
import io
import json
import os
import pstats
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from bench import Benchmark, summary_line
from bench.pohon_kinerja import prepare_database, setup_django

NAME = "rhk_write"
BENCH_DB = "kinerja_bench_rhk"
PORT = int(os.environ.get("BENCH_PORT", "8173"))
DURATION = float(os.environ.get("BENCH_DURATION", "10"))
THREADS = 4  # granian blocking threads; the pool holds up to DB_POOL_MAX (8) connections
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))  # granian worker processes
WRITERS = ("pegawai", "pegawai2", "admin_opd")  # pelaksana under the kasubag, one SKP each
BARE_PATH = "bench/bare-rhk/<int:skp_id>"


# --- The server side (imported by granian in its own process) ---------------------------------


def _bare_rhk_create(request: Any, skp_id: int) -> Any:
    """The baseline: parse the JSON, one ORM create(), answer JSON. Nothing else."""
    from django.http import HttpResponseNotAllowed, JsonResponse

    from kinerja.plans.models import Rhk

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = json.loads(request.body)
    rhk = Rhk.objects.create(instansi_id=data["instansi_id"], skp_id=skp_id, text=data["text"],
                             parent_id=data.get("parent_id"), intervention="langsung")
    return JsonResponse({"id": rhk.pk, "text": rhk.text}, status=201)


def __getattr__(name: str) -> Any:
    # This module is the benchmark server's ROOT_URLCONF; its urlpatterns are built lazily
    # (after django.setup) and only there: the product URLs never see the bare route.
    if name == "urlpatterns":
        from django.urls import include, path
        from django.views.decorators.csrf import csrf_exempt

        return [path(BARE_PATH, csrf_exempt(_bare_rhk_create)), path("", include("kinerja.urls"))]
    raise AttributeError(name)


def _maybe_prepare() -> str:
    """BENCH_PREPARE=1: a what-if, psycopg server-side binding with prepared statements (the
    plan of a repeated query is made once per connection), in the client and the server."""
    if os.environ.get("BENCH_PREPARE") != "1":
        return "client-side binding, no prepared statements (the project's settings)"
    from django.db import connections

    options = connections["default"].settings_dict.setdefault("OPTIONS", {})
    options["server_side_binding"] = True
    options["prepare_threshold"] = 2
    return "WHAT-IF BENCH_PREPARE=1: server-side binding, prepared statements from the 2nd run"


def server_app() -> Any:
    """granian --factory target: the product WSGI app with this module as its URLconf."""
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    _maybe_prepare()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()


# --- The client side ------------------------------------------------------------------------


def _prepare() -> dict[str, Any]:
    from kinerja.people.services import token_create
    from kinerja.plans import services
    from kinerja.plans.testing import plan_cast
    from kinerja.testing import build_cast

    cast = build_cast("kab-bench-rhk")
    plan = plan_cast(cast)
    parent = plan.rhk["atasan"]
    writers = []
    for who in WRITERS:
        account = cast.accounts[who]
        skp = plan.skp.get(who) or services.skp_create(actor=account,
                                                        pegawai=cast.people[who],
                                                        year=plan.year)
        _, plain = token_create(account=account, name="bench")
        writers.append({"who": who, "skp": skp.pk, "token": plain})
    return {"instansi": cast.instansi.pk, "parent": parent.pk, "writers": writers}


def _ours_request(world: dict[str, Any], writer: dict[str, Any], n: int
                  ) -> tuple[str, str, dict[str, str]]:
    body = json.dumps({"text": f"Laporan bulanan {n}", "parent_id": world["parent"],
                       "intervention": "langsung"})
    return (f"/api/v1/skp/{writer['skp']}/rhk", body,
            {"Authorization": f"Bearer {writer['token']}", "Content-Type": "application/json"})


def _bare_request(world: dict[str, Any], writer: dict[str, Any], n: int
                  ) -> tuple[str, str, dict[str, str]]:
    body = json.dumps({"text": f"Laporan bulanan {n}", "parent_id": world["parent"],
                       "instansi_id": world["instansi"]})
    return (f"/bench/bare-rhk/{writer['skp']}", body, {"Content-Type": "application/json"})


def _in_process(world: dict[str, Any]) -> int:
    """One POST with its queries listed; returns the count. Then a short profile."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    writer = world["writers"][0]
    path, body, headers = _ours_request(world, writer, 0)
    client.post(path, body, content_type="application/json", headers=headers)  # warm up
    timings: list[tuple[float, str, Any]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - start, sql, params))

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
        start = time.perf_counter()
        response = client.post(path, body, content_type="application/json", headers=headers)
        total = time.perf_counter() - start
    assert response.status_code == 201, (response.status_code, response.content[:300])
    count = len(queries.captured_queries)
    print(f"ours, in process: {count} queries in one POST /api/v1/skp/{{id}}/rhk (BEGIN and "
          f"COMMIT included), {total * 1000:.1f} ms, of which "
          f"{sum(t for t, _, _ in timings) * 1000:.1f} ms waiting on the database "
          f"(ms each, SQL abridged):")
    for t, sql, _ in timings:
        print(f"  {t * 1000:6.2f}  {' '.join(sql.split())[:130]}")
    _, slow_sql, slow_params = max(timings, key=lambda item: item[0])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slow_sql, slow_params)
        plan = [row[0] for row in cursor.fetchall()]
    timing = [line.strip() for line in plan if line.startswith(("Planning", "Execution"))]
    print(f"the slowest of them re-run under EXPLAIN ANALYZE: {'; '.join(timing)} "
          f"({' '.join(slow_sql.split())[:90]}...)")
    bpath, bbody, bheaders = _bare_request(world, writer, 0)
    start = time.perf_counter()
    for i in range(100):
        client.post(path, json.dumps({"text": f"x {i}", "parent_id": world["parent"],
                                      "intervention": "langsung"}),
                    content_type="application/json", headers=headers)
    per_ours = (time.perf_counter() - start) / 100
    profile = cProfile.Profile()
    profile.enable()
    for i in range(200):
        client.post(path, json.dumps({"text": f"p {i}", "parent_id": world["parent"],
                                      "intervention": "langsung"}),
                    content_type="application/json", headers=headers)
    profile.disable()
    print(f"ours, in process (django.test.Client, no server): {per_ours * 1000:.1f} ms per "
          f"POST; cProfile of 200 POSTs:")
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
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats("kinerja/", 16)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start_at = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    print("  project functions by cumulative time:")
    for ln in lines[start_at:]:
        print("  " + ln.replace(str(Path.cwd()) + "/", "")[:150])
    return count


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"granian exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"granian did not listen on {port}")


def _load(world: dict[str, Any], make: Any, seconds: float, label: str) -> float:
    """One keep-alive connection per writer, each POSTing to its own SKP for `seconds`."""
    counts = [0] * len(world["writers"])
    errors: list[str] = []
    stop = threading.Event()

    def worker(index: int) -> None:
        writer = world["writers"][index]
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        n = 0
        while not stop.is_set():
            path, body, headers = make(world, writer, n)
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 201:
                errors.append(f"{response.status} {data[:200]!r}")
                stop.set()
                break
            n += 1
            counts[index] = n
        conn.close()

    # Warm up each connection (and the server's pool) before the clock starts.
    for writer in world["writers"]:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for n in range(5):
            path, body, headers = make(world, writer, -1 - n)
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status == 201, (label, response.status)
        conn.close()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(counts))]
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
    rate = sum(counts) / elapsed
    print(f"{label}: {sum(counts)} POSTs in {elapsed:.1f} s over {len(counts)} keep-alive "
          f"connections = {rate:.0f} requests/s ({1000 / rate * len(counts):.1f} ms each)")
    return rate


def run(rows: int | None) -> None:
    del rows  # a fixed world: three writers on their own SKPs
    url = prepare_database(BENCH_DB, NAME)
    # Plain HTTP on 127.0.0.1, in process and in the server: no redirect to https.
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
    setup_django()
    binding = _maybe_prepare()
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
    print(f"database access: {binding}")
    world = _prepare()
    queries = _in_process(world)
    connection.close()

    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false",
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    granian = Path(sys.executable).parent / "granian"
    command = [str(granian), "--interface", "wsgi", "--factory", f"{__name__}:server_app",
               "--host", "127.0.0.1", "--port", str(PORT), "--workers", str(WORKERS),
               "--blocking-threads", str(THREADS), "--no-ws", "--no-access-log",
               "--log-level", "warning"]
    print(f"server: granian WSGI, {WORKERS} worker(s), {THREADS} blocking threads, port {PORT}, "
          f"psycopg pool (DB_POOL_MAX {os.environ.get('DB_POOL_MAX', '8')})")
    proc = subprocess.Popen(command, env=env, cwd=env["PYTHONPATH"])
    try:
        _wait_for_port(PORT, proc)
        audits = AuditRecord.objects.count()
        ours = _load(world, _ours_request, DURATION, "ours: POST /api/v1/skp/{id}/rhk")
        audited = AuditRecord.objects.count() - audits
        baseline = _load(world, _bare_request, DURATION, "baseline: POST /bench/bare-rhk/{id}")
        ours2 = _load(world, _ours_request, DURATION, "ours again (drift check)")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"audit: {audited} records written by the first ours run (one per POST); "
          f"{queries} queries per ours POST vs 1 INSERT for the baseline")
    print(f"ours runs: {ours:.0f} and {ours2:.0f} requests/s; summary uses the mean")
    print(summary_line(NAME, (ours + ours2) / 2, baseline, "requests/s"))


LAYERS = [
    ("psycopg", "psycopg (waiting on PostgreSQL, sending)"),
    ("django/db/models", "Django ORM (building SQL, model instances)"),
    ("django/db/backends", "Django DB backend"),
    ("ninja", "django-ninja"),
    ("pydantic", "pydantic"),
    ("axes", "django-axes"),
    ("django/", "Django (request, middleware, other)"),
    ("kinerja/", "kinerja"),
]


BENCHMARK = Benchmark(NAME, "POST an RHK through the API (granian) vs a bare ORM insert", run)
