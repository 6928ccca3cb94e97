"""`kinerja import {units,positions,employees,history} FILE [--dry-run] [--instansi CODE]
[--format csv|xlsx|json|jsonl] [--as NIP]`: import a SIMPEG export (docs/import-format.md).

Progress goes to stderr, the summary and the first rejected rows to stdout.
Exit code: 0 every row imported, 2 some rows rejected (the others are in), 1 the import failed
(unreadable file, missing column, no permission, unknown instansi).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinerja.core.errors import ApplicationError
from kinerja.core.models import Instansi
from kinerja.people.imports.readers import FORMATS
from kinerja.people.imports.services import IMPORTERS, import_file
from kinerja.people.models import Account, ImportRowError, ImportRun

SHOW_ERRORS = 20


class Command(BaseCommand):
    help = "Import SIMPEG data (units, positions, employees, history) from CSV, XLSX or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and report the counts; write nothing")
        parser.add_argument("--instansi", help="instansi code (default: KINERJA_INSTANSI, the "
                            "account's instansi, or the only one)")
        parser.add_argument("--format", choices=FORMATS, help="default: from the extension")
        parser.add_argument("--as", dest="as_nip", metavar="NIP",
                            help="the account (admin BKPSDM) the changes are recorded under; "
                            "default: the system")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = None
        if options["as_nip"]:
            actor = Account.objects.filter(username=options["as_nip"]).first()
            if actor is None:
                raise CommandError(f"no account with NIP {options['as_nip']}")
        instansi = self._instansi(options["instansi"], actor)
        stderr = sys.stderr

        def progress(run: ImportRun) -> None:
            stderr.write(
                f"\r{run.processed_rows} rows: {run.created} created, {run.updated} updated, "
                f"{run.unchanged} unchanged, {run.error_count} rejected"
            )
            stderr.flush()

        try:
            run = import_file(actor=actor, instansi=instansi, kind=options["kind"], path=path,
                              file_format=options["format"], dry_run=options["dry_run"],
                              progress=progress)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        stderr.write("\n")
        self._summary(run)
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(run.message or "the import failed")
        if run.error_count:
            sys.exit(2)

    def _instansi(self, code: str | None, actor: Account | None) -> Instansi:
        code = code or settings.KINERJA_DEFAULT_INSTANSI
        if code:
            instansi = Instansi.objects.filter(code=code).first()
            if instansi is None:
                raise CommandError(f"no instansi with code {code!r}")
            return instansi
        if actor is not None and actor.instansi_id:
            return actor.instansi  # type: ignore[return-value]
        all_instansi = list(Instansi.objects.all()[:2])
        if len(all_instansi) == 1:
            return all_instansi[0]
        raise CommandError("give --instansi CODE (there is not exactly one instansi)")

    def _summary(self, run: ImportRun) -> None:
        out = self.stdout
        mode = " (dry run: nothing was written)" if run.dry_run else ""
        out.write(
            f"import #{run.pk} {run.kind} {run.file_name}: {run.status}{mode}\n"
            f"rows: {run.total_rows}  created: {run.created}  updated: {run.updated}  "
            f"unchanged: {run.unchanged}  rejected: {run.error_count}"
        )
        if run.message and run.status != ImportRun.Status.FAILED:  # a failure is raised below
            out.write(run.message)
        errors = list(ImportRowError.objects.filter(run=run).order_by("line", "id")[:SHOW_ERRORS])
        if errors:
            out.write("line  column  reason")
            for e in errors:
                value = f" [{e.value}]" if e.value else ""
                out.write(f"{e.line}  {e.field or '-'}  {e.message}{value}")
            more = ImportRowError.objects.filter(run=run).count() - len(errors)
            if more > 0:
                out.write(f"... and {more} more (see /impor/{run.pk}/ or "
                          f"GET /api/v1/imports/{run.pk}/errors)")
