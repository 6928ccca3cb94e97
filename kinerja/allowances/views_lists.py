"""The daftar nominatif TPP as pages and downloads (allowances/document.py, excel.py):

- /tpp/<yyyy-mm>/daftar/ (.xlsx, .pdf): the whole instansi, with subtotals per OPD, for the
  instansi's readers (admin BKPSDM, pimpinan, auditor);
- /tpp/<yyyy-mm>/opd/<pk>/ (.xlsx, .pdf): one OPD, for the instansi's readers and the admin OPD
  of that OPD.

Everyone else, a month without TPP, an OPD of another instansi: 404 (the same answer as for
what does not exist). The page shows a long list a hundred people at a time (HTMX swaps the
table); the downloads are always the whole list. A month not approved yet says so on the page
and carries the BELUM DISETUJUI mark in the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kinerja.allowances import selectors
from kinerja.allowances.document import (
    MONEY,
    DocRow,
    Group,
    NominativeDocument,
    build_document,
    filename,
    render_nominative_pdf,
)
from kinerja.allowances.excel import XLSX_TYPE, render_nominative_xlsx
from kinerja.allowances.models import TppMonth
from kinerja.core.errors import ApplicationError, NotFound
from kinerja.core.models import Instansi
from kinerja.people.access import request_account, today_in
from kinerja.people.models import Account
from kinerja.web.views import render_page

PAGE_SIZE = 100


def _month(account: Account, period: str) -> TppMonth:
    try:
        return selectors.get_month_for(account, period)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _allowed(account: Account, opd_pk: int | None) -> None:
    """Instansi readers read every list; admin OPD the list of their own OPD; 404 otherwise."""
    readable = selectors.readable_opd_ids(account)
    if readable is None and account.instansi_id is not None:
        return
    if opd_pk is None or readable is None or opd_pk not in readable:
        raise Http404


def _document(request: HttpRequest, period: str,
              opd_pk: int | None) -> tuple[selectors.Nominative, NominativeDocument, Instansi]:
    account = request_account(request)
    _allowed(account, opd_pk)
    month = _month(account, period)
    try:
        nominative = selectors.nominative(account, month, opd_pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    # The account's own instansi is loaded already (for its time zone).
    instansi = account.instansi if account.instansi_id == month.instansi_id else None
    if instansi is None:
        instansi = Instansi.objects.get(pk=month.instansi_id)
    return nominative, build_document(nominative, instansi, on=today_in(account)), instansi


@dataclass(frozen=True)
class Entry:
    """One row of the page's table: an OPD heading, a person, or an OPD's subtotal."""

    kind: str  # "opd" | "row" | "sub"
    group: Group
    row: DocRow | None = None
    continued: bool = False


def _entries(doc: NominativeDocument, rows: list[tuple[DocRow, Group, bool, bool]]
             ) -> list[Entry]:
    out: list[Entry] = []
    current: Group | None = None
    for row, group, first, last in rows:
        if doc.by_opd and group is not current:
            out.append(Entry("opd", group, continued=not first))
            current = group
        out.append(Entry("row", group, row))
        if doc.by_opd and last:
            out.append(Entry("sub", group))
    return out


def _page(request: HttpRequest, period: str, opd_pk: int | None) -> HttpResponse:
    nominative, doc, _instansi = _document(request, period, opd_pk)
    flat = [(row, group, i == 0, i == len(group.rows) - 1)
            for group in doc.groups for i, row in enumerate(group.rows)]
    page = Paginator(flat, PAGE_SIZE).get_page(request.GET.get("page"))
    month = nominative.month
    context: dict[str, Any] = {
        "doc": doc,
        "month": month,
        "period": f"{month.period:%Y-%m}",
        "opd": nominative.opd,
        "page": page,
        "entries": _entries(doc, list(page.object_list)),
        "money": MONEY,
        "totals": dict(zip((key for key, _label in MONEY), doc.totals, strict=True)),
        "columns": 5 + len(MONEY),
        "reads_all": selectors.readable_opd_ids(request_account(request)) is None,
        "approved_on": (timezone.localtime(month.approved_at).date()
                        if month.approved_at else None),
    }
    return render_page(request, "allowances/nominative.html",
                       "allowances/_nominative_table.html", context)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Personal pay data: never kept by a shared proxy or browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx(request: HttpRequest, period: str, opd_pk: int | None) -> HttpResponse:
    nominative, doc, instansi = _document(request, period, opd_pk)
    return _download(render_nominative_xlsx(doc), XLSX_TYPE,
                     filename(nominative, instansi, "xlsx"))


def _pdf(request: HttpRequest, period: str, opd_pk: int | None) -> HttpResponse:
    nominative, doc, instansi = _document(request, period, opd_pk)
    # WeasyPrint needs ~25 ms of CPU per person: a list of thousands would hold a worker for
    # minutes. Past the limit the page says to take one PDF per OPD, or the Excel file.
    limit = getattr(settings, "KINERJA_TPP_PDF_MAX_ROWS", 2000)
    if len(nominative.rows) > limit:
        raise ApplicationError("too_many_rows", _(
            "This list has %(count)s people, too many for one PDF (at most %(limit)s). "
            "Download the PDF of each OPD, or the Excel file of the whole list.")
            % {"count": len(nominative.rows), "limit": limit}, status=413)
    return _download(render_nominative_pdf(doc), "application/pdf",
                     filename(nominative, instansi, "pdf"))


@login_required
@require_GET
def instansi_list(request: HttpRequest, period: str) -> HttpResponse:
    return _page(request, period, None)


@login_required
@require_GET
def instansi_xlsx(request: HttpRequest, period: str) -> HttpResponse:
    return _xlsx(request, period, None)


@login_required
@require_GET
def instansi_pdf(request: HttpRequest, period: str) -> HttpResponse:
    return _pdf(request, period, None)


@login_required
@require_GET
def opd_list(request: HttpRequest, period: str, opd_pk: int) -> HttpResponse:
    return _page(request, period, opd_pk)


@login_required
@require_GET
def opd_xlsx(request: HttpRequest, period: str, opd_pk: int) -> HttpResponse:
    return _xlsx(request, period, opd_pk)


@login_required
@require_GET
def opd_pdf(request: HttpRequest, period: str, opd_pk: int) -> HttpResponse:
    return _pdf(request, period, opd_pk)

