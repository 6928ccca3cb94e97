"""Activities API: assignments (penugasan) and their comment threads.

Reads go through the scoped getters (kinerja.activities.selectors.get_assignment_for: an
assignment is seen by its assigner, its assignee and whoever sees the assignee; anything else
is 404). Writes call one service, which decides who may do it: the assignee accepts, starts,
submits and reports progress; the assigner marks done, reopens or cancels; both write in the
thread. Anyone else who sees the assignment hears 403 `forbidden`; a step the state does not
allow is 409 `invalid_transition`. Creating accepts an `Idempotency-Key` header
(kinerja.core.idempotency).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.activities import services
from kinerja.activities.models import Assignment, AssignmentComment
from kinerja.activities.schemas_assignments import (
    AssignmentBatchOut,
    AssignmentCreateIn,
    AssignmentFilter,
    AssignmentOut,
    CommentIn,
    CommentOut,
    ProgressIn,
    TransitionIn,
)
from kinerja.activities.selectors import get_assignment_for
from kinerja.activities.selectors_assignments import (
    assignments_given,
    assignments_of_team,
    assignments_received,
    comments_of,
)
from kinerja.core.errors import ApplicationError
from kinerja.core.idempotency import idempotent
from kinerja.people.access import pegawai_visible_to, request_account, today_in
from kinerja.people.models import Account
from kinerja.people.rules import normalise_nip
from kinerja.people.schemas import ERRORS, Pages
from kinerja.plans.models import Rhk

router = Router(tags=["activities"])


def _assignee_ids(account: Account, payload: AssignmentCreateIn) -> list[int]:
    """Ids as sent, plus the people the NIPs name among those the caller sees (any other NIP
    is a 400 `nip_not_found`, so nothing is learnt about others; whether each may be assigned
    is the service's call)."""
    ids = list(payload.assignee_ids)
    if payload.nips:
        nips = [normalise_nip(n) for n in payload.nips]
        found = dict(pegawai_visible_to(account).filter(nip__in=nips).values_list("nip", "pk"))
        unknown = [n for n in nips if n not in found]
        if unknown:
            raise ApplicationError(
                "nip_not_found", _("No employee has these NIPs."), details=unknown
            )
        ids.extend(found[n] for n in nips)
    return ids


def _rhk(account: Account, rhk_id: int | None) -> Rhk | None:
    if rhk_id is None:
        return None
    rhk = Rhk.objects.filter(pk=rhk_id, instansi_id=account.instansi_id).first()
    if rhk is None:
        raise ApplicationError("rhk_not_found", _("The RHK does not exist."))
    return rhk


def _answer(pk: int) -> Assignment:
    return Assignment.objects.select_related("assigner", "assignee", "rhk").get(pk=pk)


@router.get(
    "/assignments",
    response={200: list[AssignmentOut], **ERRORS},
    summary="Assignments received, given, or of the team",
)
@paginate(Pages)
def assignment_list(request: HttpRequest, filters: Query[AssignmentFilter]) -> QuerySet[Assignment]:
    account = request_account(request)
    if filters.role == "given":
        return assignments_given(account, status=filters.status)
    if filters.role == "team":
        return assignments_of_team(account, today_in(account), status=filters.status)
    return assignments_received(account, status=filters.status)


@router.post(
    "/assignments",
    response={201: AssignmentBatchOut, **ERRORS},
    summary="Give work to one or several subordinates",
)
@idempotent
def assignment_create(request: HttpRequest, payload: AssignmentCreateIn) -> Status[Any]:
    account = request_account(request)
    created = services.assignment_create(
        actor=account,
        assignee_ids=_assignee_ids(account, payload),
        title=payload.title,
        description=payload.description,
        rhk=_rhk(account, payload.rhk_id),
        due_date=payload.due_date,
        priority=payload.priority,
    )
    items = list(
        Assignment.objects.filter(pk__in=[a.pk for a in created])
        .select_related("assigner", "assignee", "rhk")
        .order_by("assignee__name", "pk")
    )
    return Status(201, {"batch": created[0].batch, "items": items})


@router.get(
    "/assignments/{assignment_id}",
    response={200: AssignmentOut, **ERRORS},
    summary="One assignment",
)
def assignment_detail(request: HttpRequest, assignment_id: int) -> Assignment:
    return get_assignment_for(request_account(request), assignment_id)


@router.post(
    "/assignments/{assignment_id}/transition",
    response={200: AssignmentOut, **ERRORS},
    summary="A workflow step: accept, start, submit (assignee); done, reopen, cancel (assigner)",
)
def assignment_transition(
    request: HttpRequest, assignment_id: int, payload: TransitionIn
) -> Assignment:
    account = request_account(request)
    assignment = get_assignment_for(account, assignment_id)
    services.assignment_transition(actor=account, assignment=assignment, action=payload.action)
    return _answer(assignment.pk)


@router.put(
    "/assignments/{assignment_id}/progress",
    response={200: AssignmentOut, **ERRORS},
    summary="Report progress (assignee, 0-100 %)",
)
def assignment_progress(request: HttpRequest, assignment_id: int, payload: ProgressIn) -> Any:
    account = request_account(request)
    assignment = get_assignment_for(account, assignment_id)
    services.assignment_progress(actor=account, assignment=assignment, percent=payload.percent)
    return _answer(assignment.pk)


@router.get(
    "/assignments/{assignment_id}/comments",
    response={200: list[CommentOut], **ERRORS},
    summary="The assignment's comment thread, oldest first",
)
@paginate(Pages)
def comment_list(request: HttpRequest, assignment_id: int) -> QuerySet[AssignmentComment]:
    return comments_of(get_assignment_for(request_account(request), assignment_id))


@router.post(
    "/assignments/{assignment_id}/comments",
    response={201: CommentOut, **ERRORS},
    summary="Write in the thread (assigner or assignee)",
)
@idempotent
def comment_create(request: HttpRequest, assignment_id: int, payload: CommentIn) -> Status[Any]:
    account = request_account(request)
    assignment = get_assignment_for(account, assignment_id)
    comment = services.assignment_comment_add(
        actor=account, assignment=assignment, text=payload.text
    )
    return Status(201, comments_of(assignment).get(pk=comment.pk))
