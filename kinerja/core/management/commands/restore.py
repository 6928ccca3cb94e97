"""`kinerja restore ARCHIVE [--force] [--database-url URL] [--media-root DIR]`: restore a
`kinerja backup` archive into an empty database and media directory (the configured ones, or
the ones given: a scratch database for a restore drill). Refuses a non-empty target unless
`--force`, which replaces everything in it. Verifies the archive's checksums before writing and
the row counts of every table after; then, when the target is the configured database, checks
the audit trail's hash chain (`kinerja audit verify`). See docs/reliability.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinerja.core.backup import BackupError, Database, restore


class Command(BaseCommand):
    help = "Restore a `kinerja backup` archive into an empty database and media directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar written by `kinerja backup`")
        parser.add_argument("--force", action="store_true",
                            help="replace the data of a non-empty database and media directory")
        parser.add_argument("--database-url", metavar="URL",
                            help="restore into this database (default: the configured one)")
        parser.add_argument("--media-root", metavar="DIR",
                            help="restore the media here (default: MEDIA_ROOT)")

    def handle(self, *args: Any, **options: Any) -> None:
        configured = Database.from_settings(settings.DATABASES["default"])
        db = Database.from_url(options["database_url"]) if options["database_url"] \
            else configured
        media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
        try:
            result = restore(archive=Path(options["archive"]), db=db, media_root=media_root,
                             force=options["force"], say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        if result.pending_migrations:
            self.stdout.write(f"{len(result.pending_migrations)} migration(s) of this version "
                              "are not applied yet: run `kinerja migrate` next")
        if db == configured and not result.pending_migrations:
            from django.core.management import call_command

            call_command("audit", "verify", stdout=self.stdout, stderr=self.stderr)
        else:
            self.stdout.write("check the audit trail: DATABASE_URL=<the restored database> "
                              "kinerja audit verify")
        self.stdout.write(f"restored {result.tables} tables, {result.rows} rows, "
                          f"{result.media_files} media files")
