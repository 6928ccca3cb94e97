"""A named lock that a batch run holds while it works and that dies with its process.

The batch runs (the recompute, the TPP month) record themselves in a row ("running"). A process
killed with SIGKILL, or a web worker restarted under a background thread, never gets to mark
its row finished; guessing from the row's age ("started less than an hour ago") then refuses a
rerun for an hour after a crash, or lets two runs overlap when one is slow. So the row says what
ran, and this lock says whether it still runs: the operating system or the database server
drops the lock when the holder dies, however it dies.

- SQLite: `flock` on a file next to the database file (`locks/<db file>.<name>.lock`). The
  database is one file on one host, so every process that can write it can see the lock.
- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection of its own,
  outside Django's pool (a pooled connection goes back to the pool and would carry the lock
  to an unrelated request). The server releases it when that connection ends, which it does
  when the process dies. It works across hosts.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.db import connections

try:
    import fcntl
except ImportError:  # pragma: no cover - Kinerja runs on Linux; Windows has no flock
    fcntl = None  # type: ignore[assignment]


class RunLock:
    """An acquired lock; release() (or the end of the process) frees it."""

    def __init__(self, name: str, handle: Any, kind: str) -> None:
        self.name, self._handle, self._kind = name, handle, kind

    def release(self) -> None:
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        if self._kind == "file":
            os.close(handle)  # closing the descriptor drops the flock
        else:
            handle.close()  # ending the session drops the advisory lock

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _key(name: str) -> int:
    """A signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big",
                          signed=True)


def lock_path(name: str, alias: str = "default") -> Path:
    db = Path(connections[alias].settings_dict["NAME"])
    return db.parent / "locks" / f"{db.name}.{name}.lock"


def try_acquire(name: str, alias: str = "default") -> RunLock | None:
    """The lock `name`, or None when another run (this process or another) holds it."""
    wrapper = connections[alias]
    if wrapper.vendor == "postgresql":
        return _try_advisory(name, wrapper.settings_dict)
    if fcntl is None:  # pragma: no cover
        return RunLock(name, None, "file")
    path = lock_path(name, alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return RunLock(name, fd, "file")


def _try_advisory(name: str, settings_dict: dict[str, Any]) -> RunLock | None:
    import psycopg

    params = {"dbname": settings_dict["NAME"], "autocommit": True,
              "application_name": f"kinerja-lock {name}"[:63]}
    for key, param in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"),
                       ("PORT", "port")):
        if settings_dict.get(key):
            params[param] = settings_dict[key]
    conn = psycopg.connect(**params)
    try:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)]).fetchone()
    except Exception:
        conn.close()
        raise
    if not row or not row[0]:
        conn.close()
        return None
    return RunLock(name, conn, "advisory")


def is_held(name: str, alias: str = "default") -> bool:
    """Whether a live run holds the lock now (by taking it and letting it go at once)."""
    found = try_acquire(name, alias)
    if found is None:
        return True
    found.release()
    return False
