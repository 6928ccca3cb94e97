"""Objection (keberatan) pages: the list of objections the account decides and of those it filed
(/keberatan/), and one objection with the evaluation it disputes and, for the one who decides
it, the decision form (/keberatan/<pk>/).

Views stay thin: reads through the scoped selectors (an objection outside the account's scope
does not exist here: 404), the decision through services.objection_decide. Someone who may see
the objection but does not decide it is refused (403) before the form is even read; a refusal
of the service on the input or the state comes back on the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.evaluations import services
from kinerja.evaluations.batch import period_spec
from kinerja.evaluations.forms_objections import DecideForm
from kinerja.evaluations.models import Evaluation, Objection, ObjectionStatus
from kinerja.evaluations.selectors import get_objection_for, objections_to_decide
from kinerja.people.access import request_account
from kinerja.people.models import Account

FILED_LIMIT = 50
DECIDED_LIMIT = 20
# Where a refusal of the service belongs on the form (the others go on top of it).
FORM_ERRORS = {
    "note_required": "note",
    "rating_required": "hasil_rating",
}
BADGES = {
    ObjectionStatus.OPEN: "warn",
    ObjectionStatus.UPHELD: "ok",
    ObjectionStatus.REJECTED: "bad",
}


def breakdown_url(evaluation_pk: int) -> str:
    """The explanation of an evaluation ("why I got this"), built by the evaluation pages."""
    return reverse("evaluation_breakdown", args=[evaluation_pk])


def period_label(evaluation: Evaluation) -> str:
    return period_spec(evaluation.year, evaluation.period_kind, evaluation.period_no).label


@dataclass(frozen=True)
class ObjectionRow:
    objection: Objection
    period: str

    @property
    def badge(self) -> str:
        return BADGES.get(ObjectionStatus(self.objection.status), "")


def _rows(objections: QuerySet[Objection] | list[Objection]) -> list[ObjectionRow]:
    return [ObjectionRow(o, period_label(o.evaluation)) for o in objections]


def objections_filed_by(account: Account) -> QuerySet[Objection]:
    """The objections to the account's own evaluations, newest first."""
    if account.pegawai_id is None or account.instansi_id is None:
        return Objection.objects.none()
    return (
        Objection.objects.filter(
            instansi_id=account.instansi_id, evaluation__pegawai_id=account.pegawai_id
        )
        .select_related("evaluation", "evaluation__penilai", "decider")
        .order_by("-filed_at", "-pk")
    )


def objections_decided_by(account: Account) -> QuerySet[Objection]:
    """The objections the account decided, newest decision first."""
    if account.instansi_id is None:
        return Objection.objects.none()
    return (
        Objection.objects.filter(instansi_id=account.instansi_id, decided_by=account.pk)
        .exclude(status=ObjectionStatus.OPEN)
        .select_related("evaluation", "evaluation__pegawai")
        .order_by("-decided_at", "-pk")
    )


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    context = {
        "to_decide": _rows(list(objections_to_decide(user))),
        "filed": _rows(list(objections_filed_by(user)[:FILED_LIMIT])),
        "decided": _rows(list(objections_decided_by(user)[:DECIDED_LIMIT])),
        "decided_limit": DECIDED_LIMIT,
    }
    return render(request, "evaluations/objection_list.html", context)


def _detail_context(user: Account, objection: Objection, form: DecideForm | None) -> dict[str, Any]:
    evaluation = objection.evaluation
    may_decide = services.may_decide(user, objection)
    open_ = objection.status == ObjectionStatus.OPEN
    if form is None and may_decide and open_:
        form = DecideForm(
            initial={
                "hasil_rating": evaluation.hasil_rating,
                "perilaku_rating": evaluation.perilaku_rating,
            }
        )
    return {
        "o": objection,
        "e": evaluation,
        "row": ObjectionRow(objection, period_label(evaluation)),
        "breakdown_url": breakdown_url(evaluation.pk),
        "evaluation_url": reverse("evaluation_detail", args=[evaluation.pk]),
        "may_decide": may_decide and open_,
        "own": user.pegawai_id is not None and user.pegawai_id == evaluation.pegawai_id,
        "form": form if may_decide and open_ else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    objection = get_objection_for(user, pk)
    form: DecideForm | None = None
    if request.method == "POST":
        if not services.may_decide(user, objection):
            raise Forbidden(
                "forbidden",
                _("Only the supervisor of the pejabat penilai decides this objection."),
            )
        form = DecideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.objection_decide(
                    actor=user,
                    objection=objection,
                    upheld=form.upheld,
                    note=data["note"],
                    hasil_rating=data["hasil_rating"],
                    perilaku_rating=data["perilaku_rating"],
                )
            except (Forbidden, NotFound):
                raise
            except ApplicationError as exc:
                if exc.code == "invalid_status":
                    messages.error(request, exc.message)
                    return redirect("objection_detail", pk=objection.pk)
                form.add_error(FORM_ERRORS.get(exc.code), exc.message)
            else:
                messages.success(
                    request,
                    _("The objection of %(name)s was decided.")
                    % {"name": objection.evaluation.pegawai.full_name},
                )
                return redirect("objection_detail", pk=objection.pk)
    return render(
        request, "evaluations/objection_detail.html", _detail_context(user, objection, form)
    )
