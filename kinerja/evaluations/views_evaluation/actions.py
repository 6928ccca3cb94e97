"""The evaluation page's forms: the employee saves and submits the self-assessment, acknowledges
or objects to a finalised evaluation; the pejabat penilai saves ratings and finalises; admin
BKPSDM reopens a finalised one.

A refusal (a missing note, a stale page, a missing rating) re-renders the evaluation page with
the message on the form that was used and what was typed kept; success redirects back to it
with a message (POST, redirect, GET). Someone who may not do this gets the 403 page, before the
form is even read, as the service would answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.evaluations import selectors, services
from kinerja.evaluations.forms import ActionForm, ObjectionForm, ReopenForm
from kinerja.evaluations.models import Evaluation
from kinerja.evaluations.views_evaluation.common import (
    evaluation_parts,
    rating_form_for,
    render_detail,
    require,
    self_form_for,
)
from kinerja.people.access import request_account, scope_for, today_in
from kinerja.people.models import Account


def _done(request: HttpRequest, evaluation: Evaluation, message: str,
          anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("evaluation_detail", args=[evaluation.pk])
                    + (f"#{anchor}" if anchor else ""))


def _act(request: HttpRequest, evaluation: Evaluation, *, name: str, form: forms.Form,
         act: Callable[[dict[str, Any]], Any], message: str, anchor: str = "") -> HttpResponse:
    """Validate, act, redirect; or the page again with the refusal on this form."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, evaluation, message, anchor)
    evaluation.refresh_from_db()
    return render_detail(request, evaluation, forms={name: form})


def _load(request: HttpRequest, pk: int) -> tuple[Account, Evaluation]:
    user = request_account(request)
    return user, selectors.get_evaluation_for(user, pk)


def _owner(user: Account, evaluation: Evaluation) -> bool:
    return user.pegawai_id is not None and user.pegawai_id == evaluation.pegawai_id


def _require_owner(user: Account, evaluation: Evaluation) -> None:
    require(_owner(user, evaluation),
            _("Only the employee may do this to their own evaluation."))


def _require_rater(user: Account, evaluation: Evaluation) -> None:
    found = selectors.rater_of(evaluation, today_in(user))
    require(selectors.is_rater(user, evaluation, found),
            _("Only the employee's pejabat penilai may rate this evaluation."))


def _save_self(user: Account, evaluation: Evaluation, form: Any) -> Evaluation:
    return services.evaluation_self_save(
        actor=user, evaluation=evaluation, realisations=form.realisation_inputs(),
        self_hasil_rating=form.cleaned_data.get("self_hasil_rating") or "",
        self_perilaku_rating=form.cleaned_data.get("self_perilaku_rating") or "",
        self_note=form.cleaned_data.get("self_note") or "",
        expected_version=form.version,
    )


def _save_rating(user: Account, evaluation: Evaluation, form: Any) -> Evaluation:
    return services.evaluation_rate(
        actor=user, evaluation=evaluation, rhk=form.rhk_inputs(),
        perilaku=form.perilaku_inputs(),
        hasil_rating=form.cleaned_data.get("hasil_rating") or "",
        perilaku_rating=form.cleaned_data.get("perilaku_rating") or "",
        rater_note=form.cleaned_data.get("rater_note") or "",
        expected_version=form.version,
    )


# --- The employee ------------------------------------------------------------------------------


@login_required
@require_POST
def evaluation_self_save(request: HttpRequest, pk: int) -> HttpResponse:
    user, evaluation = _load(request, pk)
    _require_owner(user, evaluation)
    form = self_form_for(evaluation, evaluation_parts(evaluation), request.POST)
    return _act(
        request, evaluation, name="self", form=form,
        act=lambda data: _save_self(user, evaluation, form),
        message=_("Self-assessment saved."), anchor="self",
    )


@login_required
@require_POST
def evaluation_self_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the self-assessment; from the self-assessment form ("Save and submit") what was
    typed is saved first, in the same step."""
    user, evaluation = _load(request, pk)
    _require_owner(user, evaluation)
    with_form = "self_hasil_rating" in request.POST

    @transaction.atomic  # both or neither: a refused submit keeps nothing of the save
    def act(data: dict[str, Any]) -> None:
        version = form.version
        if with_form:
            version = _save_self(user, evaluation, form).version
        services.evaluation_self_submit(
            actor=user, evaluation=evaluation, expected_version=version
        )

    form: Any = (
        self_form_for(evaluation, evaluation_parts(evaluation), request.POST)
        if with_form else ActionForm(request.POST)
    )
    return _act(
        request, evaluation, name="self" if with_form else "submit", form=form, act=act,
        message=_("Self-assessment submitted to your pejabat penilai."),
    )


@login_required
@require_POST
def evaluation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user, evaluation = _load(request, pk)
    _require_owner(user, evaluation)
    form = ActionForm(request.POST)

    def act(data: dict[str, Any]) -> None:
        services.evaluation_acknowledge(
            actor=user, evaluation=evaluation, expected_version=form.version
        )

    return _act(request, evaluation, name="acknowledge", form=form, act=act,
                message=_("Evaluation acknowledged."))


@login_required
@require_POST
def evaluation_object(request: HttpRequest, pk: int) -> HttpResponse:
    user, evaluation = _load(request, pk)
    _require_owner(user, evaluation)
    form = ObjectionForm(request.POST)

    def act(data: dict[str, Any]) -> None:
        services.objection_file(
            actor=user, evaluation=evaluation, reason=data["reason"],
            expected_version=form.version,
        )

    return _act(request, evaluation, name="object", form=form, act=act,
                message=_("Objection filed. The supervisor of your pejabat penilai decides it."),
                anchor="respond")


# --- The pejabat penilai -----------------------------------------------------------------------


@login_required
@require_POST
def evaluation_rate(request: HttpRequest, pk: int) -> HttpResponse:
    user, evaluation = _load(request, pk)
    _require_rater(user, evaluation)
    form = rating_form_for(evaluation, evaluation_parts(evaluation), request.POST)
    return _act(
        request, evaluation, name="rate", form=form,
        act=lambda data: _save_rating(user, evaluation, form),
        message=_("Ratings saved. Finalise when they are complete."), anchor="rate",
    )


@login_required
@require_POST
def evaluation_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """Finalise; from the rating form ("Save and finalise") the ratings are saved first."""
    user, evaluation = _load(request, pk)
    _require_rater(user, evaluation)
    with_form = "hasil_rating" in request.POST
    form: Any = (
        rating_form_for(evaluation, evaluation_parts(evaluation), request.POST)
        if with_form else ActionForm(request.POST)
    )

    @transaction.atomic  # both or neither: a refused finalise keeps nothing of the save
    def act(data: dict[str, Any]) -> None:
        version = form.version
        if with_form:
            version = _save_rating(user, evaluation, form).version
        services.evaluation_finalise(actor=user, evaluation=evaluation, expected_version=version)

    return _act(
        request, evaluation, name="rate" if with_form else "finalise", form=form, act=act,
        message=_("Evaluation finalised. The employee is told and may acknowledge or object."),
    )


# --- Admin BKPSDM ------------------------------------------------------------------------------


@login_required
@require_POST
def evaluation_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user, evaluation = _load(request, pk)
    scope = scope_for(user)
    require(scope.instansi_id == evaluation.instansi_id and scope.writes_whole_instansi,
            _("Only admin BKPSDM may reopen a finalised evaluation."))
    form = ReopenForm(request.POST)

    def act(data: dict[str, Any]) -> None:
        services.evaluation_reopen(
            actor=user, evaluation=evaluation, reason=data["reason"],
            expected_version=form.version,
        )

    return _act(request, evaluation, name="reopen", form=form, act=act,
                message=_("Evaluation reopened: the pejabat penilai rates it again."))
