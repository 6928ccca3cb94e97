"""The evaluation document as PDF (/penilaian/<pk>/dokumen.pdf): for anyone who may see the
evaluation (the employee, their supervisors, admin OPD, instansi readers); everyone else hears
404, as for a missing one. Until it is finalised the employee's copy leaves out the supervisor's
draft ratings, as the evaluation page does (document.sees_ratings)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kinerja.core.errors import NotFound
from kinerja.evaluations.document import (
    evaluation_pdf_filename,
    render_evaluation_pdf,
    sees_ratings,
)
from kinerja.evaluations.models import Evaluation
from kinerja.evaluations.selectors import get_evaluation_for
from kinerja.people.access import request_account, today_in


def pdf_response(evaluation: Evaluation, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{evaluation_pdf_filename(evaluation)}"'
    )
    # A personal document: never kept by a shared proxy or browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def evaluation_document(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    try:
        evaluation = get_evaluation_for(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return pdf_response(evaluation, render_evaluation_pdf(
        evaluation, on=today_in(user), show_ratings=sees_ratings(user, evaluation)
    ))
