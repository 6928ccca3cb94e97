"""Assignments (penugasan): a supervisor gives work to subordinates, they accept, work on it,
report their progress and submit it; the supervisor marks it done, reopens or cancels it. Both
sides talk in the assignment's comment thread. Reminders (due soon, overdue) are sent once each
by `assignment_remind` (the `kinerja remind_assignments` command, run daily by cron).

Who may assign to whom: a supervisor assigns to anyone below the positions they hold or act in
today, direct subordinates (whom they rate) and indirect ones alike. Work is handed down the
line in practice (a kepala dinas asks a staff member of a section for data), and the assigner
stays the one who accepts or reopens it; rating and log verification stay with the pejabat
penilai, which an assignment does not change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.activities import rules
from kinerja.activities.models import Assignment, AssignmentComment, AssignmentStatus, Priority
from kinerja.core.audit import AuditEntry, audit_record, audit_record_many, diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import Instansi
from kinerja.people.access import today_in
from kinerja.people.models import Account, Notification
from kinerja.people.notifications import notify
from kinerja.people.selectors import TeamMember, team_of
from kinerja.plans.models import Rhk
from kinerja.plans.selectors import approved_rhk_of

ASSIGNMENT_FIELDS = (
    "title",
    "description",
    "rhk",
    "due_date",
    "priority",
    "status",
    "progress",
    "closed_at",
)
TITLE_MAX = 200
COMMENT_MAX = 4000
DUE_SOON_DAYS = 2

ACTION_LABELS = {
    "accept": _lazy("Accept"),
    "start": _lazy("Start working"),
    "submit": _lazy("Report as finished"),
    "done": _lazy("Mark as done"),
    "reopen": _lazy("Reopen"),
    "cancel": _lazy("Cancel the assignment"),
}

# Texts of the notifications, translated when the notification is written.
NEW_TITLE = _lazy("New assignment: %(title)s")
NEW_BODY = _lazy("%(assigner)s gave you an assignment due %(due)s.")
SUBMITTED_TITLE = _lazy("Assignment reported finished: %(title)s")
SUBMITTED_BODY = _lazy("%(assignee)s reported the assignment finished. Mark it done or reopen it.")
CLOSED_TITLES = {
    "done": _lazy("Assignment done: %(title)s"),
    "reopen": _lazy("Assignment reopened: %(title)s"),
    "cancel": _lazy("Assignment cancelled: %(title)s"),
}
COMMENT_TITLE = _lazy("New comment on the assignment: %(title)s")
DUE_SOON_TITLE = _lazy("Assignment due soon: %(title)s")
DUE_SOON_BODY = _lazy("The assignment is due %(due)s.")
OVERDUE_TITLE = _lazy("Assignment overdue: %(title)s")
OVERDUE_BODY = _lazy("The assignment was due %(due)s and is not finished yet.")


def assignment_url(pk: int) -> str:
    return f"/penugasan/{pk}/"


def _due(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def assignable_members(account: Account, on: dt.date) -> list[TeamMember]:
    """The people the account may give work to on a date: everyone below the positions it holds
    or acts in, direct and indirect (three queries, team_of)."""
    if account.pegawai_id is None or account.instansi_id is None:
        return []
    return team_of(account, on)


def assigner_rhk(account: Account, on: dt.date) -> QuerySet[Rhk]:
    """The RHKs an assignment of this account may serve: those of its approved SKP today."""
    if account.pegawai_id is None:
        return Rhk.objects.none()
    return approved_rhk_of(account.pegawai_id, on)


def role_of(account: Account, assignment: Assignment) -> str:
    """The account's part in the assignment: assignee, assigner, or "" (it only sees it)."""
    if account.pegawai_id is None:
        return ""
    if account.pegawai_id == assignment.assignee_id:
        return "assignee"
    if account.pegawai_id == assignment.assigner_id:
        return "assigner"
    return ""


def allowed_actions(account: Account, assignment: Assignment) -> list[str]:
    """The workflow actions this account may take on the assignment now."""
    role = role_of(account, assignment)
    if not role:
        return []
    return [
        action
        for action in rules.ASSIGNMENT_TRANSITIONS
        if rules.assignment_next(assignment.status, action, role=role) is not None
    ]


def _lock(assignment: Assignment) -> Assignment:
    assignment.refresh_from_db(from_queryset=Assignment.objects.select_for_update())
    return assignment


def _record(
    actor: Any, assignment: Assignment, action: str, changes: Any, context: Any = None
) -> None:
    audit_record(
        actor=actor,
        instansi=assignment.instansi_id,
        action=action,
        obj=assignment,
        object_label=assignment.title[:200],
        changes=changes,
        context=context,
    )


@transaction.atomic
def assignment_create(
    *,
    actor: Account,
    assignee_ids: Iterable[int],
    title: str,
    description: str = "",
    rhk: Rhk | None = None,
    due_date: dt.date,
    priority: str = Priority.NORMAL,
) -> list[Assignment]:
    """Give work to one or several subordinates (direct or indirect, see the module docstring):
    one row per assignee, all sharing a new `batch`. The RHK, when given, must be one of the
    assigner's approved RHKs today; the due date may be today but not earlier. Each assignee is
    notified."""
    if actor.pegawai_id is None or actor.instansi_id is None:
        raise Forbidden("forbidden", _("Only an employee with subordinates gives assignments."))
    today = today_in(actor)
    title = title.strip()
    if not title:
        raise ApplicationError("title_required", _("Give the assignment a title."))
    if len(title) > TITLE_MAX:
        raise ApplicationError(
            "title_too_long", _("The title may be at most %(max)s characters.") % {"max": TITLE_MAX}
        )
    if priority not in Priority.values:
        raise ApplicationError("priority_invalid", _("Choose a priority: low, normal or high."))
    if due_date < today:
        raise ApplicationError("due_date_past", _("The due date cannot be in the past."))
    wanted = list(dict.fromkeys(int(i) for i in assignee_ids))
    if not wanted:
        raise ApplicationError("assignee_required", _("Choose at least one subordinate."))
    members = {m.pegawai.pk: m for m in assignable_members(actor, today)}
    outside = [pk for pk in wanted if pk not in members]
    if outside:
        raise Forbidden(
            "not_subordinate",
            _("You can give assignments only to your subordinates."),
            details=outside,
        )
    if rhk is not None and not assigner_rhk(actor, today).filter(pk=rhk.pk).exists():
        raise ApplicationError(
            "rhk_not_approved", _("The RHK must be one of your own approved SKP's RHKs.")
        )
    batch = uuid.uuid4()
    rows = [
        Assignment(
            instansi_id=actor.instansi_id,
            batch=batch,
            assigner_id=actor.pegawai_id,
            assignee_id=pk,
            rhk=rhk,
            title=title,
            description=description.strip(),
            due_date=due_date,
            priority=priority,
        )
        for pk in wanted
    ]
    # One INSERT; PostgreSQL and SQLite (3.35+) both hand the new keys back.
    created = Assignment.objects.bulk_create(rows)
    audit_record_many(
        actor=actor,
        instansi=actor.instansi_id,
        entries=[
            AuditEntry(
                "assignment.create",
                Assignment._meta.label_lower,
                str(a.pk),
                a.title,
                diff(None, snapshot(a, ASSIGNMENT_FIELDS)),
                {"batch": str(batch), "assignee_id": a.assignee_id},
            )
            for a in created
        ],
    )
    assigner = members_name(actor)
    for a in created:
        notify(
            pegawai_ids=[a.assignee_id],
            kind="assignment_new",
            title=NEW_TITLE,
            body=NEW_BODY,
            params={"title": a.title, "assigner": assigner, "due": _due(a.due_date)},
            link=assignment_url(a.pk),
        )
    return created


def members_name(account: Account) -> str:
    pegawai = account.pegawai
    return pegawai.full_name if pegawai is not None else str(account)


@transaction.atomic
def assignment_transition(*, actor: Account, assignment: Assignment, action: str) -> Assignment:
    """One workflow step (rules.ASSIGNMENT_TRANSITIONS): the assignee accepts, starts and
    submits; the assigner marks done, reopens or cancels. Someone else who can see the
    assignment (a higher supervisor, an admin) is refused (403); a step the state does not
    allow is a 409."""
    if action not in rules.ASSIGNMENT_TRANSITIONS:
        raise ApplicationError(
            "unknown_action",
            _("Unknown action. Use one of: %(actions)s.")
            % {"actions": ", ".join(rules.ASSIGNMENT_TRANSITIONS)},
        )
    assignment = _lock(assignment)
    role = role_of(actor, assignment)
    who = rules.ASSIGNMENT_TRANSITIONS[action][0]
    if role != who:
        if who == "assignee":
            raise Forbidden("forbidden", _("Only the assignee may do this."))
        raise Forbidden("forbidden", _("Only the one who gave the assignment may do this."))
    target = rules.assignment_next(assignment.status, action, role=role)
    if target is None:
        raise Conflict(
            "invalid_transition",
            _("This cannot be done to an assignment that is %(status)s.")
            % {"status": AssignmentStatus(assignment.status).label.lower()},
        )
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.status = target
    if target in (rules.A_SUBMITTED, rules.DONE):
        assignment.progress = 100
    assignment.closed_at = timezone.now() if target in (rules.DONE, rules.CANCELLED) else None
    assignment.save()
    _record(
        actor,
        assignment,
        f"assignment.{action}",
        diff(before, snapshot(assignment, ASSIGNMENT_FIELDS)),
    )
    params = {"title": assignment.title, "assignee": str(assignment.assignee)}
    if action == "submit":
        notify(
            pegawai_ids=[assignment.assigner_id],
            kind="assignment_submitted",
            title=SUBMITTED_TITLE,
            body=SUBMITTED_BODY,
            params=params,
            link=assignment_url(assignment.pk),
        )
    elif action in CLOSED_TITLES:
        notify(
            pegawai_ids=[assignment.assignee_id],
            kind=f"assignment_{action}",
            title=CLOSED_TITLES[action],
            params=params,
            link=assignment_url(assignment.pk),
        )
    return assignment


@transaction.atomic
def assignment_progress(*, actor: Account, assignment: Assignment, percent: int) -> Assignment:
    """The assignee reports progress (0-100 %) on an open assignment; above zero, an assigned or
    accepted one is now being worked on (in progress). Submitting stays a separate step."""
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
        raise ApplicationError("progress_invalid", _("Progress is a whole number from 0 to 100."))
    assignment = _lock(assignment)
    if role_of(actor, assignment) != "assignee":
        raise Forbidden("forbidden", _("Only the assignee reports progress."))
    if assignment.status not in rules.OPEN_ASSIGNMENT:
        raise Conflict(
            "assignment_not_open",
            _("Progress can be reported only while the assignment is open."),
        )
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.progress = percent
    if percent > 0 and assignment.status in (rules.ASSIGNED, rules.ACCEPTED):
        assignment.status = rules.IN_PROGRESS
    changes = diff(before, snapshot(assignment, ASSIGNMENT_FIELDS))
    if not changes:
        return assignment
    assignment.save()
    _record(actor, assignment, "assignment.progress", changes)
    return assignment


@transaction.atomic
def assignment_comment_add(
    *, actor: Account, assignment: Assignment, text: str
) -> AssignmentComment:
    """A message in the assignment's thread, by the assigner or the assignee; the other side
    is notified."""
    role = role_of(actor, assignment)
    if not role:
        raise Forbidden("forbidden", _("Only the assigner and the assignee write in this thread."))
    text = text.strip()
    if not text:
        raise ApplicationError("comment_required", _("Write a comment first."))
    if len(text) > COMMENT_MAX:
        raise ApplicationError(
            "comment_too_long",
            _("A comment may be at most %(max)s characters.") % {"max": COMMENT_MAX},
        )
    assert actor.pegawai_id is not None
    comment = AssignmentComment.objects.create(
        instansi_id=assignment.instansi_id,
        assignment=assignment,
        author_id=actor.pegawai_id,
        text=text,
    )
    _record(actor, assignment, "assignment.comment", {}, {"comment_id": comment.pk, "text": text})
    other = assignment.assigner_id if role == "assignee" else assignment.assignee_id
    notify(
        pegawai_ids=[other],
        kind="assignment_comment",
        title=COMMENT_TITLE,
        body=text[:500],
        params={"title": assignment.title},
        link=assignment_url(assignment.pk) + "#komentar",
    )
    return comment


# --- Reminders ------------------------------------------------------------------------------


def _needs(recipient: str, kind: str) -> Q:
    """The `recipient` (assignee_id or assigner_id) has an active account without the `kind`
    reminder of this assignment yet (notify's dedupe key "assignment:<pk>:<kind>")."""
    has_account = Account.objects.filter(pegawai_id=OuterRef(recipient), is_active=True)
    reminded = Notification.objects.filter(
        account__pegawai_id=OuterRef(recipient),
        dedupe_key=Concat(
            Value("assignment:"),
            Cast(OuterRef("pk"), CharField()),
            Value(f":{kind}"),
            output_field=CharField(),
        ),
    )
    return Q(Exists(has_account)) & ~Q(Exists(reminded))


def assignment_remind(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send the "due soon" (due within DUE_SOON_DAYS, to the assignee) and "overdue" (to the
    assignee and the assigner) reminders that have not been sent yet, each instansi on its own
    date. Selection is set-based: one query per kind and instansi finds the open assignments
    without the reminder (notify's dedupe key "assignment:<pk>:<kind>"), so a second run the
    same day finds none and sends nothing. Returns how many notifications were written."""
    now = now or timezone.now()
    sent = {"due_soon": 0, "overdue": 0}
    for instansi in Instansi.objects.order_by("pk"):
        today = timezone.localdate(now, timezone=ZoneInfo(instansi.time_zone))
        open_here = Assignment.objects.filter(
            instansi=instansi, status__in=list(rules.OPEN_ASSIGNMENT)
        )
        soon = open_here.filter(
            _needs("assignee_id", "due_soon"),
            due_date__gte=today,
            due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )
        for a in soon.only("pk", "title", "due_date", "assignee_id", "status"):
            if not rules.due_soon(
                status=a.status, due_date=a.due_date, today=today, days=DUE_SOON_DAYS
            ):
                continue
            with transaction.atomic():
                rows = notify(
                    pegawai_ids=[a.assignee_id],
                    kind="assignment_due_soon",
                    title=DUE_SOON_TITLE,
                    body=DUE_SOON_BODY,
                    params={"title": a.title, "due": _due(a.due_date)},
                    link=assignment_url(a.pk),
                    dedupe_key=f"assignment:{a.pk}:due_soon",
                )
            sent["due_soon"] += len(rows)
        late = open_here.filter(
            _needs("assignee_id", "overdue") | _needs("assigner_id", "overdue"),
            due_date__lt=today,
        )
        for a in late.only("pk", "title", "due_date", "assignee_id", "assigner_id", "status"):
            with transaction.atomic():
                rows = notify(
                    pegawai_ids=[a.assignee_id, a.assigner_id],
                    kind="assignment_overdue",
                    title=OVERDUE_TITLE,
                    body=OVERDUE_BODY,
                    params={"title": a.title, "due": _due(a.due_date)},
                    link=assignment_url(a.pk),
                    dedupe_key=f"assignment:{a.pk}:overdue",
                )
            sent["overdue"] += len(rows)
    return sent
