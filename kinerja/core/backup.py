"""Backup and restore of a whole deployment: the database and the media files (the evidence of
activity logs), as one tar archive with a manifest. `kinerja backup` and `kinerja restore` call
this; docs/reliability.md is the operator's procedure.

The archive (`kinerja-backup-<UTC time>.tar`, plain tar: the dump and the photos are compressed
already) holds:
- `manifest.json`: format, Kinerja version, when, the database engine, the applied migrations,
  the rows of every table, and the size and SHA-256 of every other member;
- `database.pgdump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: a
  copy made with SQLite's online backup API, never a file copy: with WAL on, the database is the
  main file plus the -wal file, and a copy of the two taken while a writer commits can be torn);
- `media/...`: every file under MEDIA_ROOT.

Consistency: the database part is one snapshot. On PostgreSQL a REPEATABLE READ transaction
exports its snapshot, the row counts are taken in it and pg_dump runs with `--snapshot`, so the
manifest's counts describe exactly the dump. On SQLite the backup API copies the database as of
one moment, and the counts are read from that copy. The media are copied after the database:
a file that a row in the dump refers to was written before that row committed, so it is there
(a file uploaded after the snapshot may come along too, unreferenced and harmless).

Restore goes into an empty database and an empty media directory (a new server, a scratch
database for a drill) and refuses a non-empty one unless forced. Every checksum is verified
before anything is written, and after the restore the row counts of every table and the
migrations are compared with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url

FORMAT = "kinerja-backup/1"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
MANIFEST = "manifest.json"
MEDIA = "media"
Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """Where a database is: the engine ('postgresql' or 'sqlite') and how to reach it."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls.from_settings(dj_database_url.parse(url))

    @classmethod
    def from_settings(cls, d: Mapping[str, Any]) -> Database:
        engine = str(d["ENGINE"]).rsplit(".", 1)[-1]
        if engine not in ("postgresql", "sqlite3"):
            raise BackupError(f"unsupported database engine {d['ENGINE']}")
        return cls("sqlite" if engine == "sqlite3" else "postgresql", str(d["NAME"]),
                   str(d.get("USER") or ""), str(d.get("PASSWORD") or ""),
                   str(d.get("HOST") or ""), str(d.get("PORT") or ""))

    @property
    def url(self) -> str:
        """As DATABASE_URL would say it (password included)."""
        if self.engine == "sqlite":
            return f"sqlite:///{self.name}"
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        return (f"postgres://{auth}{'@' if auth else ''}{self.host or 'localhost'}:"
                f"{self.port or 5432}/{self.name}")

    @property
    def label(self) -> str:
        if self.engine == "sqlite":
            return f"SQLite {self.name}"
        return f"PostgreSQL {self.name} on {self.host or 'localhost'}:{self.port or 5432}"

    # --- PostgreSQL -----------------------------------------------------------------------

    def pg_args(self) -> list[str]:
        args = ["--dbname", self.name]
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return args

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def pg_connect(self, dbname: str | None = None) -> Any:
        import psycopg

        params: dict[str, Any] = {"dbname": dbname or self.name, "autocommit": True}
        for key, value in (("user", self.user), ("password", self.password),
                           ("host", self.host), ("port", self.port)):
            if value:
                params[key] = value
        return psycopg.connect(**params)


@dataclass
class Manifest:
    data: dict[str, Any]

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.data["tables"])

    @property
    def migrations(self) -> list[str]:
        return list(self.data["migrations"])


@dataclass
class RestoreResult:
    manifest: Manifest
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    media_bytes: int = 0
    pending_migrations: list[str] = field(default_factory=list)


def app_version() -> str:
    try:
        return metadata.version("kinerja")
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed (a bare checkout)
        return "unknown"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


# --- Table counts and migrations --------------------------------------------------------------


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                   "ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _pg_state(cursor: Any) -> tuple[dict[str, int], list[str]]:
    counts: dict[str, int] = {}
    for table in _pg_tables(cursor):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[str] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app || '.' || name FROM django_migrations ORDER BY app, name")
        migrations = [row[0] for row in cursor.fetchall()]
    return counts, migrations


def _sqlite_tables(con: sqlite3.Connection) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def _sqlite_state(path: Path) -> tuple[dict[str, int], list[str]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = {t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                  for t in _sqlite_tables(con)}
        migrations: list[str] = []
        if "django_migrations" in counts:
            migrations = [row[0] for row in con.execute(
                "SELECT app || '.' || name FROM django_migrations ORDER BY app, name")]
    finally:
        con.close()
    return counts, migrations


def database_state(db: Database) -> tuple[dict[str, int], list[str]]:
    """The rows of every table and the applied migrations of a database, as it is now."""
    if db.engine == "sqlite":
        if not Path(db.name).exists():
            return {}, []
        return _sqlite_state(Path(db.name))
    with db.pg_connect() as conn, conn.cursor() as cursor:
        return _pg_state(cursor)


# --- Backup --------------------------------------------------------------------------------------


def _dump_postgres(db: Database, out: Path) -> tuple[dict[str, int], list[str]]:
    """pg_dump of one exported snapshot, and the counts of that same snapshot."""
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client, "
                          "the same major version as the server)")
    conn = db.pg_connect()
    try:
        conn.autocommit = False
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, migrations = _pg_state(cursor)
            done = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", "--file", str(out), *db.pg_args()],
                env=db.pg_env(), capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        conn.rollback()
    finally:
        conn.close()
    return counts, migrations


def _copy_sqlite(source: Path, out: Path) -> tuple[dict[str, int], list[str]]:
    """SQLite's online backup API: a consistent copy while the application keeps running (a
    writer that commits meanwhile waits on busy_timeout; one step, so no restart)."""
    if not source.exists():
        raise BackupError(f"no SQLite database at {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(out)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()
    # The copy is a plain database file (journal mode is kept in the header: set it back to
    # DELETE so the archive is one self-contained file).
    con = sqlite3.connect(out)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
        integrity = con.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        con.close()
    if integrity != "ok":
        raise BackupError(f"the SQLite copy fails its integrity check: {integrity}")
    return _sqlite_state(out)


def backup(*, db: Database, media_root: Path, out_dir: Path, say: Say = print,
           name: str | None = None) -> Path:
    """Write one archive of the database and the media into out_dir; returns its path."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / (name or f"kinerja-backup-{stamp}.tar")
    if archive.exists():
        raise BackupError(f"{archive} exists already")
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".kinerja-backup-") as work:
        work_dir = Path(work)
        if db.engine == "postgresql":
            member = PG_DUMP
            counts, migrations = _dump_postgres(db, work_dir / member)
        else:
            member = SQLITE_COPY
            counts, migrations = _copy_sqlite(Path(db.name), work_dir / member)
        say(f"database: {db.label}: {len(counts)} tables, {sum(counts.values())} rows")
        files: dict[str, dict[str, Any]] = {
            member: {"size": (work_dir / member).stat().st_size,
                     "sha256": sha256_of(work_dir / member)}}
        media = [(path, f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
                 for path in _media_files(media_root)]
        media_bytes = 0
        for path, arcname in media:
            size = path.stat().st_size
            media_bytes += size
            files[arcname] = {"size": size, "sha256": sha256_of(path)}
        say(f"media: {media_root}: {len(media)} files, {media_bytes} bytes")
        manifest = {
            "format": FORMAT, "kinerja_version": app_version(),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": db.engine, "database": db.name if db.engine == "postgresql"
            else Path(db.name).name,
            "migrations": migrations, "tables": counts, "files": files,
        }
        (work_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(work_dir / MANIFEST, arcname=MANIFEST)
            tar.add(work_dir / member, arcname=member)
            for path, arcname in media:
                tar.add(path, arcname=arcname, recursive=False)
        # Only a complete archive gets the final name: a backup killed midway leaves a
        # `.partial`, never a truncated archive that looks whole.
        partial.replace(archive)
    say(f"archive: {archive} ({archive.stat().st_size} bytes)")
    return archive


# --- Restore -------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive) as tar:
            found = tar.extractfile(MANIFEST)
            if found is None:
                raise KeyError(MANIFEST)
            data = json.loads(found.read())
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(f"{archive} is not a Kinerja backup ({exc})") from exc
    if data.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format {data.get('format')!r}")
    return Manifest(data)


@contextmanager
def _unpacked(archive: Path, manifest: Manifest, near: Path) -> Iterator[Path]:
    """The archive unpacked into a temporary directory, every checksum verified."""
    near.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=near, prefix=".kinerja-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(archive) as tar:
            tar.extractall(work_dir, filter="data")
        problems = []
        for arcname, info in manifest.data["files"].items():
            path = work_dir / arcname
            if not path.is_file():
                problems.append(f"{arcname}: missing")
            elif path.stat().st_size != info["size"] or sha256_of(path) != info["sha256"]:
                problems.append(f"{arcname}: checksum mismatch")
        if problems:
            raise BackupError("the archive is damaged, nothing was restored: "
                              + "; ".join(problems[:10]))
        yield work_dir


def database_is_empty(db: Database) -> bool:
    if db.engine == "sqlite":
        path = Path(db.name)
        if not path.exists() or path.stat().st_size == 0:
            return True
        con = sqlite3.connect(path)
        try:
            return not _sqlite_tables(con)
        finally:
            con.close()
    with db.pg_connect() as conn, conn.cursor() as cursor:
        return not _pg_tables(cursor)


def media_is_empty(root: Path) -> bool:
    return next(_media_files(root), None) is None


def _restore_postgres(db: Database, dump: Path, force: bool) -> None:
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (Debian: apt-get install "
                          "postgresql-client, the same major version as the server)")
    if force:
        with db.pg_connect() as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", *db.pg_args(), str(dump)],
        env=db.pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored: one transaction): "
                          f"{done.stderr.strip()}")


def _restore_sqlite(db: Database, copy: Path) -> None:
    """The backup API again, into the target: it replaces the target's pages whatever its
    journal mode, then WAL is switched back on as the application expects."""
    target = Path(db.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=60)
    try:
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def _restore_media(source: Path, root: Path, force: bool) -> tuple[int, int]:
    if force and root.exists():
        for child in root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    root.mkdir(parents=True, exist_ok=True)
    count = size = 0
    if source.is_dir():
        for path in _media_files(source):
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
            size += path.stat().st_size
    return count, size


def known_migrations() -> set[str]:
    """The migrations of the installed code (app label.name)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def restore(*, archive: Path, db: Database, media_root: Path, force: bool = False,
            say: Say = print) -> RestoreResult:
    """Restore an archive into `db` and `media_root`, both empty unless `force` (which replaces
    what is there). Verifies the checksums first and the row counts after."""
    manifest = read_manifest(archive)
    data = manifest.data
    engine = data["engine"]
    if engine != db.engine:
        raise BackupError(f"the archive holds a {engine} database; the target is {db.label} "
                          "(move between engines with dumpdata/loaddata, not with restore)")
    unknown = sorted(set(manifest.migrations) - known_migrations())
    if unknown:
        raise BackupError("the backup was made by a newer Kinerja (migrations unknown here: "
                          f"{', '.join(unknown[:5])}); install version "
                          f"{data['kinerja_version']} or later, then restore")
    if not force:
        if not database_is_empty(db):
            raise BackupError(f"{db.label} is not empty; restore into an empty database, or "
                              "pass --force to replace everything in it")
        if not media_is_empty(media_root):
            raise BackupError(f"the media directory {media_root} is not empty; restore into an "
                              "empty one, or pass --force to replace its files")
    say(f"archive: {archive}: made {data['created_at']} by Kinerja {data['kinerja_version']}"
        f" from {engine} {data['database']}")
    with _unpacked(archive, manifest, media_root.parent) as work:
        say("checksums: every member verified")
        if engine == "postgresql":
            _restore_postgres(db, work / PG_DUMP, force)
        else:
            _restore_sqlite(db, work / SQLITE_COPY)
        count, size = _restore_media(work / MEDIA, media_root, force)
    counts, migrations = database_state(db)
    expected = manifest.counts
    wrong = [f"{t}: {expected.get(t)} expected, {counts.get(t)} found"
             for t in sorted(set(expected) | set(counts)) if expected.get(t) != counts.get(t)]
    if wrong:
        raise BackupError("the restored database does not match the manifest: "
                          + "; ".join(wrong[:10]))
    if migrations != manifest.migrations:
        raise BackupError("the restored migrations do not match the manifest")
    result = RestoreResult(manifest, len(counts), sum(counts.values()), count, size,
                           sorted(known_migrations() - set(migrations)))
    say(f"database: {db.label}: {result.tables} tables, {result.rows} rows, as in the manifest")
    say(f"media: {media_root}: {count} files, {size} bytes")
    return result
