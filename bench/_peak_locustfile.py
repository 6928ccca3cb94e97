"""The locust users of bench/peak_10k.py (run by locust in its own process: locust patches the
standard library with gevent, so the bench's Django process never imports it).

Reads the world the bench wrote (PEAK_WORLD, a JSON file: tokens and session cookies of the
Pemda's people, the free days to log on, the supervisors and admins) and writes two files:
  PEAK_ACKED   one line `key id` per log write the server acknowledged (201 with its id);
  PEAK_EVENTS  one line per request `t name status ms` (t: seconds since the epoch at the
               start; status 0 for a connection error), for the bench's error windows.

Users (the weights are the end-of-month mix, see bench/peak_10k.py):
  Employee    logs work through the API (POST /api/v1/activities with an Idempotency-Key; a
              failed or unanswered write is sent again with the same key, as the phone app
              does) and submits half of them; reads their own logs (API) and pages
              (/kegiatan/, /kehadiran/, /tpp/saya/);
  Supervisor  reads the verification queue (API) and verifies its first page in one bulk call;
              opens /pemantauan/tim/ and /verifikasi/;
  Admin       opens the OPD monitoring dashboard (/pemantauan/opd/, an admin BKPSDM any OPD);
  Bare        the baseline: POST /bench/bare-activity (no auth, one insert), alone.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from typing import Any

from locust import FastHttpUser, between, constant, events, task

WORLD: dict[str, Any] = json.loads(open(os.environ["PEAK_WORLD"]).read())  # noqa: SIM115
WAIT = float(os.environ.get("PEAK_WAIT", "0"))  # think time between tasks, seconds (mean)
RETRIES = int(os.environ.get("PEAK_RETRIES", "30"))
SLOTS = 8  # one-hour logs from 07:30
LOGIN = "/masuk/"  # where a session that is not accepted is sent
_acked = open(os.environ["PEAK_ACKED"], "a", buffering=1)  # noqa: SIM115
_events = open(os.environ["PEAK_EVENTS"], "a", buffering=1 << 16)  # noqa: SIM115
_slot_counter = itertools.count()
_supervisor_counter = itertools.count()
_rand = random.Random(int(os.environ.get("PEAK_SEED", "7")))


@events.request.add_listener
def _log_request(request_type: str, name: str, response_time: float, response: Any = None,
                 exception: Any = None, start_time: float | None = None, **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    if exception is not None and not status:
        status = 0
    started = start_time if start_time is not None else time.time() - response_time / 1000
    _events.write(f"{started:.3f} {name.replace(' ', '_')} {status} {response_time:.1f}\n")


@events.quitting.add_listener
def _flush(**_: Any) -> None:
    _events.flush()
    _acked.flush()


def _wait() -> Any:
    return between(WAIT * 0.5, WAIT * 1.5) if WAIT else constant(0)


def _next_slot() -> tuple[dict[str, Any], str, int]:
    """(writer, day, slot) triples, each handed out once, slot outermost: every person-day gets
    its first log before any gets a second, so no two writes overlap."""
    writers, days = WORLD["employees"], WORLD["free_days"]
    n = next(_slot_counter)
    per_slot = len(writers) * len(days)
    slot, rest = divmod(n, per_slot)
    if slot >= SLOTS:
        raise RuntimeError("out of free slots")
    day, writer = divmod(rest, len(writers))
    return writers[writer], days[day], slot


def _ok(status: int) -> bool:
    return 200 <= status < 400


class _Base(FastHttpUser):
    abstract = True
    wait_time = _wait()
    # A request that hangs is a failure: bounded, so an outage cannot stall the run.
    network_timeout = float(os.environ.get("PEAK_TIMEOUT", "30"))
    connection_timeout = 5.0

    def _api(self, method: str, path: str, token: str, name: str, body: Any = None,
             key: str | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        data = json.dumps(body) if body is not None else None
        with self.client.request(method, path, data=data, headers=headers, name=name,
                                 catch_response=True) as response:
            status = response.status_code or 0
            if not _ok(status):
                response.failure(f"{status}: {(response.text or '')[:200]}")
                return status, None
            try:
                return status, response.json()
            except ValueError:
                return status, None

    def _page(self, path: str, cookie: str, name: str) -> int:
        """A page as the browser gets it: a redirect elsewhere than the log-in page (as /tpp/saya/
        to the latest explanation) is followed, as its own request type."""
        headers = {"Cookie": f"sessionid={cookie}"}
        with self.client.get(path, headers=headers, name=name, catch_response=True,
                             allow_redirects=False) as response:
            status = response.status_code or 0
            location = response.headers.get("Location", "") if 300 <= status < 400 else ""
            if not 200 <= status < 400 or location.startswith(LOGIN):
                response.failure(f"{status} {location}")
                return status
        if location:
            with self.client.get(location, headers=headers, name=f"{name} -> redirect",
                                 catch_response=True, allow_redirects=False) as response:
                status = response.status_code or 0
                if not 200 <= status < 300:
                    response.failure(f"{status}")
        return status


class Employee(_Base):
    weight = int(os.environ.get("PEAK_W_EMPLOYEE", "80"))

    @task(8)
    def log_work(self) -> None:
        writer, day, slot = _next_slot()
        key = str(uuid.uuid4())
        start = 7 * 60 + 30 + slot * 60
        body = {
            "date": day, "start_time": f"{start // 60:02d}:{start % 60:02d}",
            "end_time": f"{(start + 60) // 60:02d}:{(start + 60) % 60:02d}",
            "description": f"Mengolah data layanan dan menyusun rekap harian [peak:{key}]",
            "output_quantity": "2", "output_unit": "berkas", "rhk_id": writer["rhk"],
        }
        for attempt in range(RETRIES):
            status, answer = self._api("POST", "/api/v1/activities", writer["token"],
                                       "POST /api/v1/activities", body, key)
            if status == 201 and answer and answer.get("id"):
                _acked.write(f"{key} {answer['id']}\n")
                break
            if 400 <= status < 500:  # refused: sending it again cannot help
                return
            time.sleep(min(0.5 * (attempt + 1), 3.0))  # gevent-patched: yields
        else:
            return
        if _rand.random() < 0.5:
            self._api("POST", f"/api/v1/activities/{answer['id']}/submit", writer["token"],
                      "POST /api/v1/activities/{id}/submit", {})

    @task(3)
    def my_logs_api(self) -> None:
        person = _rand.choice(WORLD["employees"])
        self._api("GET", f"/api/v1/activities?month={WORLD['month']}", person["token"],
                  "GET /api/v1/activities?month")

    @task(3)
    def my_logs_page(self) -> None:
        self._page("/kegiatan/", _rand.choice(WORLD["employees"])["cookie"], "GET /kegiatan/")

    @task(2)
    def my_attendance_page(self) -> None:
        self._page("/kehadiran/", _rand.choice(WORLD["employees"])["cookie"], "GET /kehadiran/")

    @task(1)
    def my_tpp_page(self) -> None:
        self._page("/tpp/saya/", _rand.choice(WORLD["employees"])["cookie"], "GET /tpp/saya/")


class Supervisor(_Base):
    weight = int(os.environ.get("PEAK_W_SUPERVISOR", "15"))

    def _me(self) -> dict[str, Any]:
        people = WORLD["supervisors"]
        return people[next(_supervisor_counter) % len(people)]

    @task(4)
    def verify_page_of_queue(self) -> None:
        me = self._me()
        status, answer = self._api("GET", "/api/v1/verification-queue?page_size=20",
                                   me["token"], "GET /api/v1/verification-queue")
        ids = [item["id"] for item in (answer or {}).get("items", [])]
        if ids:
            self._api("POST", "/api/v1/activities/verify", me["token"],
                      "POST /api/v1/activities/verify", {"ids": ids})

    @task(1)
    def team_page(self) -> None:
        self._page("/pemantauan/tim/", self._me()["cookie"], "GET /pemantauan/tim/")

    @task(1)
    def queue_page(self) -> None:
        self._page("/verifikasi/", self._me()["cookie"], "GET /verifikasi/")


class Admin(_Base):
    weight = int(os.environ.get("PEAK_W_ADMIN", "5"))

    @task
    def opd_dashboard(self) -> None:
        admin = _rand.choice(WORLD["admins"])
        opd = admin.get("opd")
        path = f"/pemantauan/opd/{opd}/" if opd else "/pemantauan/opd/"
        self._page(path, admin["cookie"], "GET /pemantauan/opd/")


class Bare(_Base):
    """The baseline, run alone: the same users hammering one bare insert."""

    @task
    def bare_insert(self) -> None:
        writer, day, slot = _next_slot()
        start = 7 * 60 + 30 + slot * 60
        body = {
            "instansi_id": WORLD["instansi"], "pegawai_id": writer["pegawai"], "date": day,
            "start_time": f"{start // 60:02d}:{start % 60:02d}",
            "end_time": f"{(start + 60) // 60:02d}:{(start + 60) % 60:02d}",
            "description": "[bare] Mengolah data layanan", "output_quantity": "2",
            "output_unit": "berkas", "rhk_id": writer["rhk"],
        }
        with self.client.post("/bench/bare-activity", data=json.dumps(body),
                              headers={"Content-Type": "application/json"},
                              name="POST /bench/bare-activity", catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")
