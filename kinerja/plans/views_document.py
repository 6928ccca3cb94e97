"""The SKP document as PDF (/skp/<pk>/dokumen.pdf): for anyone who may see the SKP (the owner,
their supervisors, admin OPD, instansi readers); everyone else hears 404, as for a missing one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kinerja.core.errors import NotFound
from kinerja.people.access import request_account, today_in
from kinerja.plans.document import render_skp_pdf, skp_pdf_filename
from kinerja.plans.models import Skp
from kinerja.plans.selectors import get_skp_for


def pdf_response(skp: Skp, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{skp_pdf_filename(skp)}"'
    # A personal document: never kept by a shared proxy or browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def skp_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    try:
        skp = get_skp_for(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return pdf_response(skp, render_skp_pdf(skp, on=today_in(user)))
