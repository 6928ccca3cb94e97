"""Writes of the SIMPEG import: start a run, execute it, run it in the background.

CLI, pages and API all go through `import_run_start` (permission, run record, stored file) and
`import_run_execute` (the work). Only admin BKPSDM of the instansi may import
(`access.may_import`); a deployment superuser without an instansi may import into any instansi
from the command line.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import Instansi
from kinerja.people.access import may_import, scope_for
from kinerja.people.imports.base import Context, Importer
from kinerja.people.imports.employees import EmployeeImporter
from kinerja.people.imports.engine import execute
from kinerja.people.imports.history import HistoryImporter
from kinerja.people.imports.positions import PositionImporter
from kinerja.people.imports.readers import ReaderError, detect_format
from kinerja.people.imports.units import UnitImporter
from kinerja.people.models import Account, ImportKind, ImportRun

log = logging.getLogger(__name__)

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.UNITS: UnitImporter,
    ImportKind.POSITIONS: PositionImporter,
    ImportKind.EMPLOYEES: EmployeeImporter,
    ImportKind.HISTORY: HistoryImporter,
}

UPLOAD_DIR = "imports"


def import_check_permission(*, actor: Account | None, instansi: Instansi | None = None) -> None:
    """Admin BKPSDM of the instansi (or a deployment superuser without instansi, CLI only)."""
    if actor is None:
        return  # the system itself (CLI without --as)
    scope = scope_for(actor)
    if scope.is_superuser and scope.instansi_id is None:
        return
    if not may_import(actor) or (instansi is not None and instansi.pk != actor.instansi_id):
        raise Forbidden("forbidden", _("Only the BKPSDM administrator may import SIMPEG data."))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store_upload(source: IO[bytes] | Path, file_name: str) -> Path:
    """Copy an upload (or a file on disk) under MEDIA_ROOT/imports/ with a unique name, so a
    background run can read it after the request has ended."""
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in Path(file_name).name)
    target = folder / f"{uuid.uuid4().hex}-{safe[-120:]}"
    if isinstance(source, Path):
        shutil.copyfile(source, target)
    else:
        with open(target, "wb") as out:
            if hasattr(source, "chunks"):
                for block in source.chunks():
                    out.write(block)
            else:
                shutil.copyfileobj(source, out, 1 << 20)
    return target


def import_run_start(
    *,
    actor: Account | None,
    instansi: Instansi,
    kind: str,
    path: Path,
    file_name: str,
    file_format: str | None = None,
    dry_run: bool = False,
) -> ImportRun:
    """Check permission and the file's format, and record a pending run for the file at `path`."""
    import_check_permission(actor=actor, instansi=instansi)
    if kind not in IMPORTERS:
        raise ApplicationError(
            "import_kind", _("Unknown import kind %(kind)s (units, positions, employees, "
                             "history).") % {"kind": kind})
    try:
        fmt = detect_format(file_name, file_format)
    except ReaderError as exc:
        raise ApplicationError(exc.code, exc.message) from exc
    media = Path(settings.MEDIA_ROOT).resolve()
    stored = path.resolve()
    relative = str(stored.relative_to(media)) if stored.is_relative_to(media) else str(stored)
    return ImportRun.objects.create(
        instansi=instansi, kind=kind, file_name=Path(file_name).name[:255],
        file_sha256=_sha256(path), file_format=fmt, dry_run=dry_run,
        actor=actor, stored_path=relative,
    )


def run_file_path(run: ImportRun) -> Path:
    path = Path(run.stored_path)
    return path if path.is_absolute() else Path(settings.MEDIA_ROOT) / path


def import_run_execute(
    *, run: ImportRun, progress: Callable[[ImportRun], None] | None = None
) -> ImportRun:
    """Do the work of a pending run (in this thread). The permission was checked at start and
    is checked again here: the account may have lost its grant while the run waited."""
    actor = run.actor
    instansi = run.instansi
    # Claim the run: a second worker (or a retried request) finds it taken and leaves it.
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
        status=ImportRun.Status.RUNNING
    )
    if not claimed:
        run.refresh_from_db()
        return run
    try:
        import_check_permission(actor=actor, instansi=instansi)
    except Forbidden as exc:
        run.status, run.message = ImportRun.Status.FAILED, exc.message
        run.save(update_fields=["status", "message"])
        return run
    importer = IMPORTERS[run.kind]()
    ctx = Context(run=run, instansi=instansi, actor=actor, dry_run=run.dry_run)
    return execute(importer, ctx, run_file_path(run), run.file_format, progress)


def import_file(
    *,
    actor: Account | None,
    instansi: Instansi,
    kind: str,
    path: Path,
    file_format: str | None = None,
    dry_run: bool = False,
    progress: Callable[[ImportRun], None] | None = None,
) -> ImportRun:
    """Start and execute an import of a file on disk in this thread (CLI, tests, benchmarks)."""
    run = import_run_start(actor=actor, instansi=instansi, kind=kind, path=path,
                           file_name=path.name, file_format=file_format, dry_run=dry_run)
    return import_run_execute(run=run, progress=progress)


def import_upload(
    *,
    actor: Account,
    kind: str,
    upload: IO[bytes],
    file_name: str,
    dry_run: bool = False,
    file_format: str | None = None,
) -> ImportRun:
    """An upload from the page or the API: stored under MEDIA_ROOT/imports/, then run in the
    background (settings.KINERJA_IMPORT_BACKGROUND) or right away."""
    import_check_permission(actor=actor)
    instansi = actor.instansi
    if instansi is None:
        raise ApplicationError("no_instansi", _("Your account belongs to no instansi."))
    limit = settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ApplicationError(
            "file_too_large", _("The file is larger than %(mb)s MB.")
            % {"mb": settings.IMPORT_MAX_UPLOAD_MB}, status=413)
    try:
        detect_format(file_name, file_format)
    except ReaderError as exc:
        raise ApplicationError(exc.code, exc.message) from exc
    path = store_upload(upload, file_name)
    run = import_run_start(actor=actor, instansi=instansi, kind=kind, path=path,
                           file_name=file_name, file_format=file_format, dry_run=dry_run)
    if getattr(settings, "KINERJA_IMPORT_BACKGROUND", False):
        _start_thread(run.pk)
    else:
        try:
            import_run_execute(run=run)
        finally:
            discard_upload(run)
        run.refresh_from_db()
    return run


def discard_upload(run: ImportRun) -> None:
    """An uploaded file is kept only while its run works on it: the run keeps its SHA-256, its
    counts and the rejected rows, and personnel files do not pile up on the server."""
    path = run_file_path(run)
    media = Path(settings.MEDIA_ROOT).resolve()
    if path.resolve().is_relative_to(media / "imports"):
        path.unlink(missing_ok=True)


def _start_thread(run_id: int) -> None:
    """Run the import in a daemon thread of this web process (documented in
    docs/import-format.md): the request returns at once and the page polls the run. A restart
    of the process abandons a running import; the run then stays 'running' with its progress,
    and the file can be imported again (imports are idempotent)."""

    def work() -> None:
        close_old_connections()
        try:
            run = ImportRun.objects.select_related("instansi", "actor").get(pk=run_id)
            try:
                import_run_execute(run=run)
            finally:
                discard_upload(run)
        except Exception as exc:
            log.exception("background import %s failed", run_id)
            # Never leave the page polling a run that will not move.
            ImportRun.objects.filter(
                pk=run_id, status__in=[ImportRun.Status.PENDING, ImportRun.Status.RUNNING]
            ).update(
                status=ImportRun.Status.FAILED,
                message=_("The import stopped because of an internal error: %(error)s")
                % {"error": exc},
                finished_at=timezone.now(),
            )
        finally:
            connections.close_all()

    threading.Thread(target=work, name=f"import-{run_id}", daemon=True).start()
