"""Continuous feedback (umpan balik berkelanjutan) and performance dialogues (dialog kinerja):
/umpan-balik/ lists what the account received and what it gave, narrowed to one team member
with `?pegawai=`; a supervisor adds a note about a team member (optionally about one RHK of
their SKP or one BerAKHLAK value) at /umpan-balik/baru/ and records a dialogue at
/umpan-balik/dialog/. Where the instansi enables peer feedback, colleagues rated by the same
pejabat penilai may give a note on a BerAKHLAK value (the same /umpan-balik/baru/).

Views stay thin: reads through the scoped selectors, writes through services.feedback_note_add
and services.dialogue_record, which decide who may write about whom (a refusal is 403, a
person outside the instansi or unknown is refused the same way); a refusal on the input comes
back on the page with what was typed kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.http import valid_filters
from kinerja.evaluations import services
from kinerja.evaluations.forms_feedback import (
    KIND_PEER,
    DialogueForm,
    FeedbackNoteForm,
    MemberFilterForm,
)
from kinerja.evaluations.models import Dialogue, FeedbackKind, FeedbackNote
from kinerja.evaluations.selectors import dialogues_visible_to, feedback_visible_to, policy_for
from kinerja.people.access import request_account, today_in
from kinerja.people.models import Account, Pegawai
from kinerja.people.selectors import atasan_of, team_of
from kinerja.plans.models import Rhk, SkpStatus
from kinerja.plans.rules import BERAKHLAK

LIMIT = 50
# Where a refusal of the service belongs on the form (the others go on top of it).
NOTE_ERRORS = {
    "future_date": "date",
    "text_required": "text",
    "unknown_value": "value",
    "unknown_rhk": "rhk",
    "peer_perilaku_only": "value",
}
DIALOGUE_ERRORS = {"future_date": "date", "topics_required": "topics"}


@dataclass(frozen=True)
class NoteRow:
    note: FeedbackNote

    @property
    def value_name(self) -> str:
        return BERAKHLAK.get(self.note.value, self.note.value)

    @property
    def is_peer(self) -> bool:
        return bool(self.note.kind == FeedbackKind.PEER)


def _notes(qs: QuerySet[FeedbackNote]) -> list[NoteRow]:
    return [NoteRow(n) for n in qs.order_by("-date", "-pk")[:LIMIT]]


def _dialogues(qs: QuerySet[Dialogue]) -> list[Dialogue]:
    return list(qs.order_by("-date", "-pk")[:LIMIT])


def peers_of(account: Account, on: dt.date) -> list[Pegawai]:
    """Colleagues rated by the same pejabat penilai as the account's person (whom a peer note
    may be about where the instansi enables it): the rater's direct team but the person."""
    if account.pegawai is None:
        return []
    mine = atasan_of(account.pegawai, on)
    if mine is None:
        return []
    rater = Account.objects.filter(pegawai_id=mine.pegawai.pk).order_by("pk").first()
    if rater is None:
        return []
    return [
        m.pegawai for m in team_of(rater, on) if m.direct and m.pegawai.pk != account.pegawai_id
    ]


def team_rhk(pegawai_id: int, year: int) -> QuerySet[Rhk]:
    """The RHKs a note may be about: those of the person's approved SKPs of the year."""
    return Rhk.objects.filter(
        skp__pegawai_id=pegawai_id, skp__year=year, skp__status=SkpStatus.APPROVED
    ).order_by("kind", "order", "pk")


def _posted_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("pegawai", "").strip()
    return int(raw) if raw.isdigit() else None


def _person_for(account: Account, pk: int, message: str) -> Pegawai:
    """The person a note or a dialogue is about; anyone outside the instansi (or no one) is
    refused like someone the account may not write about, so an id reveals nothing."""
    found = (
        Pegawai.objects.filter(pk=pk, instansi_id=account.instansi_id).first()
        if account.instansi_id is not None
        else None
    )
    if found is None:
        raise Forbidden("forbidden", message)
    return found


def _page(
    request: HttpRequest,
    user: Account,
    *,
    note_form: FeedbackNoteForm | None = None,
    dialogue_form: DialogueForm | None = None,
) -> HttpResponse:
    """The feedback page; a form that came back with errors takes its place on it."""
    today = today_in(user)
    team = [m.pegawai for m in team_of(user, today)]
    filter_form = MemberFilterForm(
        request.GET if request.GET.get("pegawai") else None, people=team, auto_id="f_%s"
    )
    chosen_id = valid_filters(filter_form).get("pegawai")
    chosen = next((p for p in team if p.pk == chosen_id), None)
    peer_enabled = bool(
        user.pegawai_id and user.instansi_id and policy_for(user.instansi_id).peer_feedback
    )
    peers = peers_of(user, today) if peer_enabled else []
    posted_peer = note_form is not None and note_form.peer
    initial = {"date": today, "pegawai": chosen.pk if chosen else None}
    supervisor_form: FeedbackNoteForm | None = None
    peer_form: FeedbackNoteForm | None = None
    # A form that came back with errors is shown even to someone the page would not offer it.
    if note_form is not None and not posted_peer:
        supervisor_form = note_form
    elif team:
        supervisor_form = FeedbackNoteForm(
            initial=initial, people=team,
            rhk=team_rhk(chosen.pk, today.year) if chosen else None, auto_id="fb_%s",
        )
    if dialogue_form is None and team:
        dialogue_form = DialogueForm(initial=initial, people=team, auto_id="dl_%s")
    if posted_peer:
        peer_form = note_form
    elif peers:
        peer_form = FeedbackNoteForm(
            initial={"date": today}, people=peers, peer=True, auto_id="peer_%s"
        )
    for form, people in ((supervisor_form, team), (dialogue_form, team), (peer_form, peers)):
        if form is not None and form.is_bound:
            form.set_people(people)
    notes = feedback_visible_to(user)
    dialogues = dialogues_visible_to(user)
    context: dict[str, Any] = {
        "filter_form": filter_form,
        "team": team,
        "chosen": chosen,
        "note_form": supervisor_form,
        "dialogue_form": dialogue_form,
        "peer_form": peer_form,
        "peer_enabled": peer_enabled,
        "limit": LIMIT,
    }
    if chosen is not None:
        context["about_notes"] = _notes(notes.filter(pegawai_id=chosen.pk))
        context["about_dialogues"] = _dialogues(dialogues.filter(pegawai_id=chosen.pk))
    elif user.pegawai_id is not None:
        context["received_notes"] = _notes(notes.filter(pegawai_id=user.pegawai_id))
        context["received_dialogues"] = _dialogues(dialogues.filter(pegawai_id=user.pegawai_id))
        context["given_notes"] = _notes(notes.filter(author_id=user.pegawai_id))
        context["given_dialogues"] = (
            _dialogues(dialogues.filter(held_by_id=user.pegawai_id)) if team else []
        )
    return render(request, "evaluations/feedback_list.html", context)


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    return _page(request, request_account(request))


def _back(pegawai: Pegawai | None) -> HttpResponse:
    url = reverse("feedback_list")
    return redirect(f"{url}?pegawai={pegawai.pk}" if pegawai is not None else url)


@login_required
@require_POST
def feedback_add(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    peer = request.POST.get("jenis") == KIND_PEER
    posted = _posted_id(request)
    form = FeedbackNoteForm(
        request.POST,
        people=[],
        rhk=Rhk.objects.filter(skp__pegawai_id=posted).select_related("skp")
        if posted and not peer else Rhk.objects.none(),
        peer=peer,
        auto_id="peer_%s" if peer else "fb_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        pegawai = _person_for(user, data["pegawai"], _("You may not give this employee feedback."))
        try:
            note = services.feedback_note_add(
                actor=user, pegawai=pegawai, text=data["text"], date=data["date"],
                rhk=data.get("rhk"), value=data["value"],
            )
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            form.add_error(NOTE_ERRORS.get(exc.code), exc.message)
        else:
            messages.success(
                request, _("Feedback for %(name)s saved.") % {"name": pegawai.full_name}
            )
            return _back(pegawai if note.kind == FeedbackKind.SUPERVISOR else None)
    return _page(request, user, note_form=form)


@login_required
@require_POST
def dialogue_add(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    form = DialogueForm(request.POST, people=[], auto_id="dl_%s")
    if form.is_valid():
        data = form.cleaned_data
        pegawai = _person_for(
            user, data["pegawai"], _("Only the employee's supervisors record dialogues.")
        )
        try:
            services.dialogue_record(
                actor=user, pegawai=pegawai, date=data["date"], topics=data["topics"],
                follow_ups=data["follow_ups"],
            )
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            form.add_error(DIALOGUE_ERRORS.get(exc.code), exc.message)
        else:
            messages.success(
                request,
                _("The dialogue with %(name)s was recorded.") % {"name": pegawai.full_name},
            )
            return _back(pegawai)
    return _page(request, user, dialogue_form=form)
