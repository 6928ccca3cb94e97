"""Plans API: the SKP document as PDF, for anyone who may see the SKP (404 otherwise)."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from kinerja.people.access import today_in
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS
from kinerja.plans.document import render_skp_pdf
from kinerja.plans.selectors import get_skp_for
from kinerja.plans.views_document import pdf_response

router = Router(tags=["plans"])


@router.get(
    "/skp/{skp_id}/pdf",
    response={200: None, **ERRORS},
    summary="The SKP as the official PDF document (PermenPANRB 6/2022 form)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF (attachment named SKP-<year>-<NIP>.pdf).",
                "content": {"application/pdf": {"schema": {"type": "string",
                                                           "format": "binary"}}},
            }
        }
    },
)
def skp_pdf(request: HttpRequest, skp_id: int) -> HttpResponse:
    account: Account = request.user  # type: ignore[assignment]
    skp = get_skp_for(account, skp_id)
    return pdf_response(skp, render_skp_pdf(skp, on=today_in(account)))
