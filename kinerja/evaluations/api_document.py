"""Evaluation API: the evaluation document as PDF, for anyone who may see the evaluation (404
otherwise). Mounted by kinerja/evaluations/api.py."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from kinerja.evaluations.document import render_evaluation_pdf, sees_ratings
from kinerja.evaluations.selectors import get_evaluation_for
from kinerja.evaluations.views_document import pdf_response
from kinerja.people.access import today_in
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS

router = Router(tags=["Evaluations"])


@router.get(
    "/evaluations/{evaluation_id}/pdf",
    response={200: None, **ERRORS},
    summary="The evaluation as the official PDF document (PermenPANRB 6/2022 form)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF (attachment named Evaluasi-<period>-<NIP>.pdf; the "
                "period is 2026-03 for a month, 2026-TW1 for a quarter, 2026-TAHUNAN for the "
                "year). Printed with a DRAF watermark until the evaluation is finalised.",
                "content": {"application/pdf": {"schema": {"type": "string",
                                                           "format": "binary"}}},
            }
        }
    },
)
def evaluation_pdf(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    account: Account = request.user  # type: ignore[assignment]
    evaluation = get_evaluation_for(account, evaluation_id)
    return pdf_response(evaluation, render_evaluation_pdf(
        evaluation, on=today_in(account), show_ratings=sees_ratings(account, evaluation)
    ))
