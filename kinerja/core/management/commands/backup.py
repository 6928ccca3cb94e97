"""`kinerja backup [--output DIR]`: one archive of the database and the media files (the
evidence of activity logs), safe while the application runs. See kinerja/core/backup.py for
what is in it and docs/reliability.md for the procedure (schedule, where to keep the archives,
the restore drill).

PostgreSQL needs `pg_dump` of the server's major version on the PATH; SQLite needs nothing (the
copy is made with SQLite's online backup API). Prints the archive's path last.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinerja.core.backup import BackupError, Database, backup


class Command(BaseCommand):
    help = ("Back up the database and the media files into one archive "
            "(default directory: KINERJA_DATA_DIR/backups).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", metavar="DIR",
                            help="directory for the archive (default: <data dir>/backups)")
        parser.add_argument("--name", help="file name of the archive (default: "
                            "kinerja-backup-<UTC time>.tar)")

    def handle(self, *args: Any, **options: Any) -> None:
        out_dir = Path(options["output"] or Path(settings.DATA_DIR) / "backups")
        try:
            archive = backup(db=Database.from_settings(settings.DATABASES["default"]),
                             media_root=Path(settings.MEDIA_ROOT), out_dir=out_dir,
                             say=self.stdout.write, name=options["name"])
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(str(archive))
