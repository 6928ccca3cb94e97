"""The idle-restart check of peak_10k (docs/performance.md, "PostgreSQL restart under load"):
do pooled connections left idle across a PostgreSQL restart fail requests afterwards?

    DATABASE_URL=postgres://postgres@127.0.0.1:5433/kinerja_peak BENCH_PG_CLUSTER=15/peak \\
        .venv/bin/python -m bench._peak_idle_restart /tmp/kinerja-peak-XXXX/world.json

Starts two `kinerja serve` (2 workers x 8 threads) on the database of a peak_10k run (its
world.json gives the Bearer tokens, valid until the next run): one with the product settings,
one with CONN_HEALTH_CHECKS forced off (what the settings were before the fix). Warms both
pools with bursts of 48 concurrent API reads, restarts the cluster (pg_ctlcluster restart;
the shared cluster only when no helper test database is active), waits 2 s, then sends two
more bursts to each and prints how many failed. Restarts PostgreSQL: use a private cluster.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.peak_10k import BIN, PG_CLUSTER, ROOT, _wait_quiet
from bench.rhk_write import _wait_for_port

SETTINGS = {8177: ("bench._peak_settings", "true"), 8178: ("bench._peak_settings", "false")}
BURST = 48


def _burst(world: dict[str, Any], port: int) -> list[int]:
    statuses: list[int] = []

    def one(i: int) -> None:
        person = world["employees"][i % len(world["employees"])]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", f"/api/v1/activities?month={world['month']}&page_size=5",
                         headers={"Authorization": f"Bearer {person['token']}"})
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
        except OSError:
            statuses.append(0)
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def main(argv: list[str]) -> int:
    world = json.loads(Path(argv[0]).read_text())
    base = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)}
    servers = {}
    try:
        for port, (module, checks) in SETTINGS.items():
            env = {**base, "DJANGO_SETTINGS_MODULE": module, "PEAK_HEALTH_CHECKS": checks,
                   "STATIC_ROOT": str(Path(tempfile.gettempdir()) / f"kinerja-peak-static-{port}")}
            log = open(Path(tempfile.gettempdir()) / f"kinerja-peak-idle-{port}.log", "wb")  # noqa: SIM115
            servers[port] = subprocess.Popen(
                [str(BIN / "kinerja"), "serve", "--port", str(port), "--workers", "2",
                 "--threads", "8"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        for port, proc in servers.items():
            _wait_for_port(port, proc, timeout=180)
        if not _wait_quiet(600):
            print("skipped: helper test databases stayed active")
            return 1
        for port in servers:
            for _ in range(3):
                warm = _burst(world, port)
            print(f"port {port} (CONN_HEALTH_CHECKS {SETTINGS[port][1]}): warmed, "
                  f"statuses {sorted(set(warm))}")
        started = time.time()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, "restart"],
                       check=True, timeout=120)
        print(f"restart of {'/'.join(PG_CLUSTER)} took {time.time() - started:.1f} s")
        time.sleep(2)
        for port in servers:
            for label in ("first", "second"):
                statuses = _burst(world, port)
                bad = [s for s in statuses if not 200 <= s < 300]
                print(f"port {port} (CONN_HEALTH_CHECKS {SETTINGS[port][1]}): {label} burst "
                      f"after an idle restart: {len(bad)} of {len(statuses)} failed "
                      f"{sorted(set(bad))}")
    finally:
        for proc in servers.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
