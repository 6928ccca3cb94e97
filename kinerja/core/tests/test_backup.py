"""The restore drill, on SQLite and on PostgreSQL: real data (the cast, approved SKPs, activity
logs with an evidence file, an audit trail), `kinerja backup`, `kinerja restore` into an empty
scratch database and media directory, then the same rows in every table, the same evidence
bytes and an intact audit chain (`kinerja audit verify` run against the restored database).
Also: a non-empty target is refused without --force, and a damaged archive restores nothing.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kinerja.core.backup import Database, database_is_empty, database_state, read_manifest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scratch(transactional_db, tmp_path):
    """An empty database to restore into: a new SQLite file, or `<test database>_restore` on
    the same PostgreSQL server (dropped afterwards)."""
    from django.db import connection

    source = Database.from_settings(connection.settings_dict)
    if source.engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'kinerja.sqlite3'}"
        return
    name = f"{source.name}_restore"
    with source.pg_connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = source.url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with source.pg_connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def data(cast, settings):
    """Committed (transactional) data: the work cast, two logs, one with a PDF as evidence."""
    from kinerja.activities import services
    from kinerja.activities.testing import log, work_cast

    work = work_cast(cast)
    first = log(cast, "pegawai", work)
    log(cast, "pegawai2", work, start=(10, 0), end=(11, 30))
    evidence = services.evidence_add_file(actor=cast.pegawai, activity=first, name="nota.pdf",
                                          data=PDF)
    return evidence


def kinerja(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DEBUG="true", DATABASE_URL=url)
    env.pop("KINERJA_TESTING", None)
    return subprocess.run([sys.executable, "-m", "kinerja.cli", *args], env=env,
                          capture_output=True, text=True, check=False, timeout=300)


def test_restore_drill_gives_the_same_rows_files_and_audit_chain(data, scratch, tmp_path,
                                                                  settings):
    from django.db import connection

    from kinerja.core.models import AuditRecord

    source = Database.from_settings(connection.settings_dict)
    assert AuditRecord.objects.count() >= 5
    before_counts, before_migrations = database_state(source)
    evidence_path = Path(data.file.path)
    evidence_bytes = evidence_path.read_bytes()
    assert evidence_bytes == PDF

    call_command("backup", "--output", str(tmp_path / "backups"), "--name", "drill.tar")
    archive = tmp_path / "backups" / "drill.tar"
    manifest = read_manifest(archive)
    assert manifest.counts == before_counts
    assert manifest.migrations == before_migrations
    member = f"media/{evidence_path.relative_to(settings.MEDIA_ROOT).as_posix()}"
    assert member in manifest.data["files"]

    media = tmp_path / "restored-media"
    call_command("restore", str(archive), "--database-url", scratch, "--media-root", str(media))

    target = Database.from_url(scratch)
    after_counts, after_migrations = database_state(target)
    assert after_counts == before_counts
    assert sum(after_counts.values()) > 200
    assert after_migrations == before_migrations
    restored = media / evidence_path.relative_to(settings.MEDIA_ROOT)
    assert restored.read_bytes() == evidence_bytes
    verified = kinerja("audit", "verify", "--skip-checks", url=scratch)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "chain intact" in verified.stdout and "TAMPERED" not in verified.stdout
    assert f"{AuditRecord.objects.count()} records" in verified.stdout

    # The target is not empty any more: refused, then replaced with --force.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), "--database-url", scratch,
                     "--media-root", str(media))
    call_command("restore", str(archive), "--database-url", scratch, "--media-root",
                 str(media), "--force")
    assert database_state(target)[0] == before_counts


def test_a_damaged_archive_restores_nothing(data, scratch, tmp_path):
    call_command("backup", "--output", str(tmp_path), "--name", "good.tar")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(tmp_path / "good.tar") as src, tarfile.open(damaged, "w") as dst:
        for info in src.getmembers():
            content = src.extractfile(info).read()
            if info.name.startswith("media/"):
                content = content[:-1] + bytes([content[-1] ^ 1])  # one bit flipped
            dst.addfile(info, io.BytesIO(content))
    media = tmp_path / "restored-media"
    with pytest.raises(CommandError, match="damaged.*checksum mismatch"):
        call_command("restore", str(damaged), "--database-url", scratch,
                     "--media-root", str(media))
    assert database_is_empty(Database.from_url(scratch))
    assert not media.exists() or not any(media.rglob("*"))


WRITER = """
import os, sys, time
from pathlib import Path
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")
import django
django.setup()
from django.db import transaction
from kinerja.core.audit import audit_record
instansi, stop = int(sys.argv[1]), Path(sys.argv[2])
n = 0
while not stop.exists() or n < 20:
    with transaction.atomic():
        audit_record(actor=None, instansi=instansi, action="drill.write", object_type="drill",
                     object_id=str(n), changes={"n": [None, n]})
    n += 1
    if n == 20:
        print("writing", flush=True)
print(n, flush=True)
"""


def test_a_backup_taken_while_the_audit_trail_grows_is_one_consistent_snapshot(
        data, scratch, tmp_path):
    """Another process appends audit records (each its own transaction, the hash chain
    growing) during the whole backup. The restore's own check (the rows of every table equal
    the manifest's, counted in the dump's snapshot) passes, the restored trail holds some but
    not all of the records written meanwhile, and its chain verifies: no torn copy."""
    from kinerja.core.models import AuditRecord

    instansi = data.instansi_id
    before = AuditRecord.objects.count()
    stop = tmp_path / "stop"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("KINERJA_TESTING", None)
    from django.db import connection

    env.update(DEBUG="true", DATABASE_URL=Database.from_settings(connection.settings_dict).url)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(instansi), str(stop)], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        started = AuditRecord.objects.count()
        call_command("backup", "--output", str(tmp_path), "--name", "live.tar")
        ended = AuditRecord.objects.count()
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=120)[0].strip().splitlines()[-1])
    assert ended > started  # the writer went on during the backup
    call_command("restore", str(tmp_path / "live.tar"), "--database-url", scratch,
                 "--media-root", str(tmp_path / "media-restored"))
    restored = database_state(Database.from_url(scratch))[0]["core_auditrecord"]
    assert before + 20 <= started <= restored <= ended < before + written + 1
    verified = kinerja("audit", "verify", "--skip-checks", url=scratch)
    assert verified.returncode == 0 and "chain intact" in verified.stdout, verified.stdout
    assert f"{restored} records" in verified.stdout
