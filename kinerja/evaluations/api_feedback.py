"""Evaluation API: continuous feedback and performance dialogues (mounted by
kinerja/evaluations/api.py).

Reads are scoped (kinerja.evaluations.selectors): notes and dialogues about the people the
caller sees, and those the caller wrote or held. Writes call one service, which decides who may
write: the supervisors above the employee (direct or indirect) give feedback and record
dialogues; colleagues under the same supervisor give feedback on a BerAKHLAK value where the
instansi enables peer feedback. An employee the caller neither sees nor may give feedback to is
404, as if absent; one they see but may not write about is 403. Creating operations accept an
`Idempotency-Key` header (kinerja.core.idempotency).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.idempotency import idempotent
from kinerja.evaluations import selectors, services
from kinerja.evaluations.models import Dialogue, FeedbackNote
from kinerja.evaluations.schemas_calibration import (
    DateRangeFilter,
    DialogueIn,
    DialogueOut,
    FeedbackIn,
    FeedbackOut,
)
from kinerja.people.access import get_pegawai_for, pegawai_visible_to, request_account
from kinerja.people.models import Account, Pegawai
from kinerja.people.schemas import ERRORS, Pages
from kinerja.plans.models import Rhk

router = Router(tags=["Evaluations"])


def _filtered(qs: QuerySet[Any], filters: DateRangeFilter) -> QuerySet[Any]:
    if filters.pegawai_id is not None:
        qs = qs.filter(pegawai_id=filters.pegawai_id)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    return qs.order_by("-date", "-pk")


def _instansi_pegawai(account: Account, pk: int) -> Pegawai:
    """An employee of the caller's instansi (404 otherwise): whether the caller may write about
    them is the service's to say."""
    found = Pegawai.objects.filter(pk=pk, instansi_id=account.instansi_id or 0).first()
    if found is None:
        raise NotFound("not_found", _("Employee not found."))
    return found


# --- Feedback ---------------------------------------------------------------------------------


@router.get(
    "/feedback", response={200: list[FeedbackOut], **ERRORS},
    summary="Feedback notes: about you, the people you see, or written by you",
)
@paginate(Pages)
def feedback_list(
    request: HttpRequest, filters: Query[DateRangeFilter]
) -> QuerySet[FeedbackNote]:
    account = request_account(request)
    return _filtered(selectors.feedback_visible_to(account), filters)


@router.post(
    "/feedback", response={201: FeedbackOut, **ERRORS},
    summary="Give an employee feedback (supervisors; colleagues on a value where enabled)",
)
@idempotent
def feedback_create(request: HttpRequest, payload: FeedbackIn) -> Status[Any]:
    account = request_account(request)
    pegawai = _instansi_pegawai(account, payload.pegawai_id)
    rhk = None
    if payload.rhk_id is not None:
        rhk = Rhk.objects.filter(
            pk=payload.rhk_id, instansi_id=account.instansi_id or 0
        ).select_related("skp").first()
        if rhk is None:
            raise ApplicationError("rhk_not_found", _("The RHK does not exist."))
    try:
        note = services.feedback_note_add(
            actor=account, pegawai=pegawai, text=payload.text, date=payload.date, rhk=rhk,
            value=payload.value,
        )
    except Forbidden:
        # Someone the caller does not see (and is no peer of) is absent, not forbidden.
        if not pegawai_visible_to(account).filter(pk=pegawai.pk).exists():
            raise NotFound("not_found", _("Employee not found.")) from None
        raise
    note.author = account.pegawai  # type: ignore[assignment]
    return Status(201, note)


# --- Dialogues --------------------------------------------------------------------------------


@router.get(
    "/dialogues", response={200: list[DialogueOut], **ERRORS},
    summary="Performance dialogues: yours, those of the people you see, or held by you",
)
@paginate(Pages)
def dialogue_list(request: HttpRequest, filters: Query[DateRangeFilter]) -> QuerySet[Dialogue]:
    account = request_account(request)
    return _filtered(selectors.dialogues_visible_to(account), filters)


@router.post(
    "/dialogues", response={201: DialogueOut, **ERRORS},
    summary="Record a performance dialogue with a subordinate",
)
@idempotent
def dialogue_create(request: HttpRequest, payload: DialogueIn) -> Status[Any]:
    account = request_account(request)
    pegawai = get_pegawai_for(account, pk=payload.pegawai_id)
    dialogue = services.dialogue_record(
        actor=account, pegawai=pegawai, date=payload.date, topics=payload.topics,
        follow_ups=payload.follow_ups,
    )
    dialogue.held_by = account.pegawai  # type: ignore[assignment]
    return Status(201, dialogue)
