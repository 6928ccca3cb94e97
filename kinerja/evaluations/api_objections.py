"""Evaluation API: objections (keberatan), mounted by kinerja/evaluations/api.py.

An objection is seen by whoever sees the evaluation, and by its decider (the supervisor of the
pejabat penilai, who may not otherwise see the employee); anything else is 404. Filing is
`POST /evaluations/{id}/objections` (api_evaluations). Only the decider (admin BKPSDM where
nobody is above the pejabat penilai) decides: anyone else who sees it hears 403.
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from kinerja.evaluations import selectors, services
from kinerja.evaluations.models import Objection, ObjectionStatus
from kinerja.evaluations.schemas import DecisionIn, ObjectionFilter, ObjectionOut
from kinerja.people.access import request_account
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["Evaluations"])

RELATED = ("evaluation", "evaluation__pegawai", "decider")


def objection_answer(account: Account, pk: int) -> Objection:
    """The objection as answered (scoped: 404 outside), with what it embeds."""
    return selectors.get_objection_for(account, pk)


@router.get(
    "/objections", response={200: list[ObjectionOut], **ERRORS},
    summary="Objections you decide (open) and those you filed, oldest first",
)
@paginate(Pages)
def objection_list(
    request: HttpRequest, filters: Query[ObjectionFilter]
) -> QuerySet[Objection]:
    account = request_account(request)
    to_decide = Q(pk__in=selectors.objections_to_decide(account).values("pk"))
    filed = Q(filed_by_id=account.pegawai_id) if account.pegawai_id else Q(pk__in=[])
    wanted = {"decide": to_decide, "filed": filed}.get(filters.role, to_decide | filed)
    return Objection.objects.filter(wanted).select_related(*RELATED).order_by("filed_at", "pk")


@router.get(
    "/objections/{objection_id}", response={200: ObjectionOut, **ERRORS},
    summary="One objection",
)
def objection_detail(request: HttpRequest, objection_id: int) -> Objection:
    return objection_answer(request_account(request), objection_id)


@router.post(
    "/objections/{objection_id}/decision", response={200: ObjectionOut, **ERRORS},
    summary="Decide an objection: dikabulkan (with the ratings that stand) or ditolak",
)
def objection_decision(
    request: HttpRequest, objection_id: int, payload: DecisionIn
) -> Objection:
    account = request_account(request)
    services.objection_decide(
        actor=account, objection=selectors.get_objection_for(account, objection_id),
        upheld=payload.outcome == ObjectionStatus.UPHELD.value, note=payload.note,
        hasil_rating=payload.hasil_rating, perilaku_rating=payload.perilaku_rating,
    )
    return objection_answer(account, objection_id)
