"""The SKP's workflow buttons: the owner submits (ajukan) and opens a revision of an approved
SKP; the pejabat penilai approves (setujui) or returns it with a note (kembalikan).

The buttons live on the SKP page; a refusal (an incomplete SKP, a missing note, a stale page)
re-renders that page with the message on the form that was used and what was typed kept. A
wrong role is refused by the service (the 403 page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.people.access import request_account
from kinerja.plans import services
from kinerja.plans.forms import ActionForm, ReturnForm, ReviseForm
from kinerja.plans.models import Skp
from kinerja.plans.views_skp.common import done, load_skp, render_skp


def _act(
    request: HttpRequest,
    pk: int,
    *,
    name: str,
    form_class: type[forms.Form],
    act: Callable[[Skp, dict[str, Any]], Skp],
    message: str,
) -> HttpResponse:
    skp = load_skp(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(skp, form.cleaned_data)
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return done(request, skp, message, "workflow")
    return render_skp(request, skp, forms={name: form})


@login_required
@require_POST
def skp_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    return _act(
        request,
        pk,
        name="submit",
        form_class=ActionForm,
        act=lambda skp, data: services.skp_submit(
            actor=user, skp=skp, expected_version=data.get("expected_version")
        ),
        message=_("SKP submitted to your pejabat penilai."),
    )


@login_required
@require_POST
def skp_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    return _act(
        request,
        pk,
        name="approve",
        form_class=ActionForm,
        act=lambda skp, data: services.skp_approve(
            actor=user, skp=skp, expected_version=data.get("expected_version")
        ),
        message=_("SKP approved."),
    )


@login_required
@require_POST
def skp_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    return _act(
        request,
        pk,
        name="return",
        form_class=ReturnForm,
        act=lambda skp, data: services.skp_return(
            actor=user, skp=skp, note=data["note"], expected_version=data.get("expected_version")
        ),
        message=_("SKP returned to the employee with your note."),
    )


@login_required
@require_POST
def skp_revise(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    return _act(
        request,
        pk,
        name="revise",
        form_class=ReviseForm,
        act=lambda skp, data: services.skp_revise(
            actor=user,
            skp=skp,
            reason=data.get("reason") or "",
            expected_version=data.get("expected_version"),
        ),
        message=_("Revision opened: change the SKP, then submit it again."),
    )
