"""Continuous feedback notes and performance dialogue records."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.audit import audit_record
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.evaluations.models import Dialogue, FeedbackKind, FeedbackNote
from kinerja.evaluations.selectors import policy_for
from kinerja.people.access import today_in
from kinerja.people.models import Account, Pegawai
from kinerja.people.notifications import notify
from kinerja.people.selectors import atasan_of, team_of
from kinerja.plans.models import Rhk
from kinerja.plans.rules import BERAKHLAK

FEEDBACK_TITLE = _lazy("New feedback from %(name)s")
DIALOGUE_TITLE = _lazy("A performance dialogue of %(date)s was recorded")


def _in_line_above(actor: Account, pegawai: Pegawai, on: dt.date) -> bool:
    """The actor is above the employee in the supervisor line (direct or indirect)."""
    return any(m.pegawai.pk == pegawai.pk for m in team_of(actor, on))


def _peers(actor: Account, pegawai: Pegawai, on: dt.date) -> bool:
    """Colleagues rated by the same pejabat penilai."""
    if actor.pegawai_id is None or actor.pegawai_id == pegawai.pk:
        return False
    theirs = atasan_of(pegawai, on)
    mine = atasan_of(actor.pegawai, on) if actor.pegawai else None
    return theirs is not None and mine is not None and theirs.pegawai.pk == mine.pegawai.pk


@transaction.atomic
def feedback_note_add(
    *,
    actor: Account,
    pegawai: Pegawai,
    text: str,
    date: dt.date | None = None,
    rhk: Rhk | None = None,
    value: str = "",
) -> FeedbackNote:
    """Umpan balik berkelanjutan. The supervisors above the employee write about results and
    behaviour; colleagues under the same supervisor only about a BerAKHLAK value, and only
    where the instansi enables peer input."""
    today = today_in(actor)
    if actor.pegawai_id is None or actor.instansi_id != pegawai.instansi_id:
        raise Forbidden("forbidden", _("You may not give this employee feedback."))
    if _in_line_above(actor, pegawai, today):
        kind = FeedbackKind.SUPERVISOR
    elif policy_for(pegawai.instansi_id).peer_feedback and _peers(actor, pegawai, today):
        kind = FeedbackKind.PEER
    else:
        raise Forbidden("forbidden", _("You may not give this employee feedback."))
    date = date or today
    if date > today:
        raise ApplicationError("future_date", _("Feedback cannot be dated in the future."))
    if not text.strip():
        raise ApplicationError("text_required", _("Write the feedback."))
    if value and value not in BERAKHLAK:
        raise ApplicationError("unknown_value", _("Unknown BerAKHLAK value."))
    if rhk is not None and rhk.skp.pegawai_id != pegawai.pk:
        raise ApplicationError("unknown_rhk", _("That RHK is not the employee's."))
    if kind == FeedbackKind.PEER and (not value or rhk is not None):
        raise ApplicationError(
            "peer_perilaku_only", _("Colleagues give feedback on a work behaviour value only.")
        )
    note = FeedbackNote.objects.create(
        instansi_id=pegawai.instansi_id, pegawai=pegawai, author_id=actor.pegawai_id, kind=kind,
        date=date, rhk=rhk, value=value, text=text.strip(),
    )
    audit_record(actor=actor, instansi=pegawai.instansi_id, action="feedback.add", obj=note,
                 changes={"pegawai": pegawai.pk, "kind": kind, "rhk": rhk.pk if rhk else None,
                          "value": value, "text": note.text})
    notify(pegawai_ids=[pegawai.pk], kind="feedback", title=FEEDBACK_TITLE, body=note.text,
           params={"name": actor.pegawai.name if actor.pegawai else ""}, link="/umpan-balik/")
    return note


@transaction.atomic
def dialogue_record(
    *,
    actor: Account,
    pegawai: Pegawai,
    date: dt.date,
    topics: str,
    follow_ups: str = "",
) -> Dialogue:
    """Record a performance dialogue with a subordinate: date, topics, agreed follow-ups."""
    today = today_in(actor)
    if date > today:
        raise ApplicationError("future_date", _("A dialogue cannot be recorded in advance."))
    if not topics.strip():
        raise ApplicationError("topics_required", _("Write the topics discussed."))
    if actor.pegawai_id is None or not _in_line_above(actor, pegawai, today):
        raise Forbidden("forbidden", _("Only the employee's supervisors record dialogues."))
    dialogue = Dialogue.objects.create(
        instansi_id=pegawai.instansi_id, pegawai=pegawai, held_by_id=actor.pegawai_id, date=date,
        topics=topics.strip(), follow_ups=follow_ups.strip(),
    )
    audit_record(actor=actor, instansi=pegawai.instansi_id, action="dialogue.record",
                 obj=dialogue, changes={"pegawai": pegawai.pk, "date": date,
                                        "topics": dialogue.topics,
                                        "follow_ups": dialogue.follow_ups})
    notify(pegawai_ids=[pegawai.pk], kind="dialogue", title=DIALOGUE_TITLE,
           body=dialogue.follow_ups, params={"date": date.strftime("%d-%m-%Y")},
           link="/umpan-balik/")
    return dialogue
