"""Reads of import runs: only admin BKPSDM sees them, and only their instansi's; anything else
looks missing (404), so a run's existence never leaks."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kinerja.core.errors import NotFound
from kinerja.people.access import may_import, scope_for
from kinerja.people.models import Account, ImportRowError, ImportRun


def import_runs_visible_to(account: Account) -> QuerySet[ImportRun]:
    scope = scope_for(account)
    runs = ImportRun.objects.select_related("actor").order_by("-started_at", "-id")
    if scope.is_superuser and scope.instansi_id is None:
        return runs
    if not may_import(account):
        return runs.none()
    return runs.filter(instansi_id=account.instansi_id)


def get_import_run_for(account: Account, pk: int) -> ImportRun:
    run = import_runs_visible_to(account).filter(pk=pk).first()
    if run is None:
        raise NotFound("not_found", _("Import not found."))
    return run


def import_row_errors(run: ImportRun) -> QuerySet[ImportRowError]:
    return ImportRowError.objects.filter(run=run).order_by("line", "id")
