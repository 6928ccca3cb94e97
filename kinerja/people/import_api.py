"""API for SIMPEG imports: upload a file, follow the run, page through the rejected rows.

Only admin BKPSDM may import (403 on POST for anyone else); runs are visible to admin BKPSDM of
the same instansi only (404 for anyone else, list included).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kinerja.core.errors import NotFound
from kinerja.people.access import may_import, scope_for
from kinerja.people.imports.selectors import (
    get_import_run_for,
    import_row_errors,
    import_runs_visible_to,
)
from kinerja.people.imports.services import import_upload
from kinerja.people.models import ImportKind, ImportRowError, ImportRun
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["impor"])


class ImportRunOut(Schema):
    id: int
    kind: str
    file_name: str
    file_format: str
    dry_run: bool
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    processed_rows: int
    total_rows: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    message: str
    actor: str | None

    @staticmethod
    def resolve_actor(obj: ImportRun) -> str | None:
        return obj.actor.username if obj.actor else None


class ImportRowErrorOut(Schema):
    line: int
    column: str
    code: str
    message: str
    value: str

    @staticmethod
    def resolve_column(obj: ImportRowError) -> str:
        return obj.field


def _require_reader(request: HttpRequest) -> None:
    scope = scope_for(request.user)  # type: ignore[arg-type]
    if not (may_import(request.user) or (scope.is_superuser and scope.instansi_id is None)):  # type: ignore[arg-type]
        raise NotFound("not_found", _("Not found."))


@router.post("/imports", response={201: ImportRunOut, **ERRORS},
             summary="Upload a SIMPEG file to import")
def import_create(
    request: HttpRequest,
    kind: Form[ImportKind],
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    format: Form[str] = "",
) -> Status:
    """Kinds: units, positions, employees, history (columns in docs/import-format.md). The
    run may still be running when this returns (large files): poll GET /imports/{id}."""
    run = import_upload(actor=request.user, kind=kind, upload=file,  # type: ignore[arg-type]
                        file_name=file.name or "upload", dry_run=dry_run,
                        file_format=format or None)
    return Status(201, run)


@router.get("/imports", response={200: list[ImportRunOut], **ERRORS}, summary="Past import runs")
@paginate(Pages)
def import_list(request: HttpRequest) -> object:
    _require_reader(request)
    return import_runs_visible_to(request.user)  # type: ignore[arg-type]


@router.get("/imports/{run_id}", response={200: ImportRunOut, **ERRORS},
            summary="One import run")
def import_detail(request: HttpRequest, run_id: int) -> ImportRun:
    return get_import_run_for(request.user, run_id)  # type: ignore[arg-type]


@router.get("/imports/{run_id}/errors", response={200: list[ImportRowErrorOut], **ERRORS},
            summary="Rejected rows of a run (line, column, reason)")
@paginate(Pages)
def import_errors(request: HttpRequest, run_id: int) -> object:
    run = get_import_run_for(request.user, run_id)  # type: ignore[arg-type]
    return import_row_errors(run)
