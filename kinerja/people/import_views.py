"""Pages for SIMPEG imports (admin BKPSDM): upload form and past runs, and a run's result page
whose progress refreshes through HTMX polling while the import runs in the background.

One view, two renderings: the full page, or the status partial for an HTMX request.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.people.access import may_import
from kinerja.people.imports.selectors import (
    get_import_run_for,
    import_row_errors,
    import_runs_visible_to,
)
from kinerja.people.imports.services import import_upload
from kinerja.people.models import ImportKind, ImportRun

RUNS_PER_PAGE = 20
ERRORS_PER_PAGE = 50


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File (CSV, XLSX, JSON or JSON Lines)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.json,.jsonl,.ndjson"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show the counts, write nothing"), required=False
    )


def _require_importer(request: HttpRequest) -> None:
    if not may_import(request.user):  # type: ignore[arg-type]
        raise Http404


@login_required
def import_index(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _require_importer(request)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = import_upload(actor=request.user, kind=form.cleaned_data["kind"],  # type: ignore[arg-type]
                                    upload=upload, file_name=upload.name,
                                    dry_run=form.cleaned_data["dry_run"])
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("imports:detail", run_id=run.pk)
    else:
        _require_importer(request)
        form = ImportForm()
    runs = Paginator(import_runs_visible_to(request.user), RUNS_PER_PAGE)  # type: ignore[arg-type]
    page = runs.get_page(request.GET.get("page"))
    return render(request, "people/imports/index.html", {"form": form, "page": page})


@login_required
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = get_import_run_for(request.user, run_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404 from exc
    context = {"run": run, "running": run.status in (ImportRun.Status.PENDING,
                                                     ImportRun.Status.RUNNING)}
    if request.htmx and request.GET.get("part") == "status":  # type: ignore[attr-defined]
        response = render(request, "people/imports/_status.html", context)
        if not context["running"]:
            # Finished while the page was polling: reload it once to show the rejected rows.
            response["HX-Refresh"] = "true"
        return response
    errors = Paginator(import_row_errors(run), ERRORS_PER_PAGE)
    context["errors"] = errors.get_page(request.GET.get("page"))
    return render(request, "people/imports/detail.html", context)
