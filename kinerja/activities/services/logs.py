"""Writing, submitting and verifying activity logs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.activities import rules
from kinerja.activities.models import Activity, ActivityStatus, Assignment
from kinerja.activities.selectors import (
    on_leave,
    policy_for,
    verifiable_pegawai_ids,
)
from kinerja.activities.services._common import (
    ACTIVITY_FIELDS,
    PLAUSIBILITY_MESSAGES,
    lock,
    person_lock_exists,
    record,
    require_log_open,
    require_not_locked,
    require_owner,
)
from kinerja.core.audit import AuditEntry, audit_record_many, diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.middleware import instansi_zone
from kinerja.people.access import today_in
from kinerja.people.models import Account
from kinerja.people.notifications import notify
from kinerja.plans.models import Rhk
from kinerja.plans.selectors import approved_rhk_of

# Texts of the notification, translated when the notification is written.
RETURNED_TITLE = _lazy("Your activity log of %(date)s was returned")
RETURNED_BODY = _lazy("Your supervisor returned it: %(reason)s. Fix it and submit it again.")


def _serves(
    actor: Account,
    *,
    date: dt.date,
    rhk: Rhk | None,
    assignment: Assignment | None,
    is_additional_task: bool,
) -> None:
    if rhk is None and assignment is None and not is_additional_task:
        raise ApplicationError(
            "serves_nothing",
            _("Choose the RHK or the assignment this work serves, or mark it an additional task."),
        )
    assert actor.pegawai_id is not None
    if rhk is not None and not approved_rhk_of(actor.pegawai_id, date).filter(pk=rhk.pk).exists():
        raise ApplicationError(
            "rhk_not_approved",
            _("The RHK must belong to your approved SKP covering this date."),
        )
    if assignment is not None and (
        assignment.assignee_id != actor.pegawai_id or assignment.status not in rules.OPEN_ASSIGNMENT
    ):
        raise ApplicationError(
            "assignment_not_open", _("The assignment must be yours and still open.")
        )
    if assignment is not None and date < timezone.localdate(
        assignment.created_at, timezone=instansi_zone(actor)
    ):
        # The evaluation counts an assignment from the day it was given: work logged on it
        # before that day would silently count for nothing.
        raise ApplicationError(
            "assignment_not_yet_given",
            _("The assignment was given on %(day)s: work on it cannot be dated earlier.")
            % {"day": timezone.localdate(assignment.created_at,
                                         timezone=instansi_zone(actor)).isoformat()},
        )


def _plausibility(
    actor: Account,
    *,
    activity: Activity | None,
    date: dt.date,
    start: dt.time | None,
    end: dt.time | None,
    minutes: int,
) -> tuple[str, ...]:
    assert actor.pegawai_id is not None and actor.instansi_id is not None
    others = Activity.objects.filter(pegawai_id=actor.pegawai_id, date=date)
    if activity is not None and activity.pk:
        others = others.exclude(pk=activity.pk)
    same_day = [
        rules.LogTime(date, o.start_time, o.end_time, o.minutes)
        for o in others.only("start_time", "end_time", "minutes")
    ]
    policy = policy_for(actor.instansi_id)
    result = rules.check_log(
        rules.LogTime(date, start, end, minutes),
        same_day=same_day,
        policy=policy,
        today=today_in(actor),
        on_leave=on_leave(actor.pegawai_id, date),
    )
    if result.errors:
        code = result.errors[0]
        message = str(PLAUSIBILITY_MESSAGES[code])
        if code == "daily_total_exceeded":
            message = message % {"hours": f"{policy.max_daily_minutes / 60:g}"}
        raise ApplicationError(code, message, details=list(result.errors))
    return result.flags


@transaction.atomic
def activity_save(
    *,
    actor: Account,
    activity: Activity | None = None,
    date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    minutes: int | None = None,
    description: str,
    output_quantity: Decimal = Decimal(1),
    output_unit: str,
    rhk: Rhk | None = None,
    assignment: Assignment | None = None,
    is_additional_task: bool = False,
    expected_version: int | None = None,
) -> Activity:
    """Log work (activity=None) or change a draft or returned log of one's own."""
    if actor.pegawai_id is None or actor.instansi_id is None:
        raise Forbidden("forbidden", _("Only an employee logs activities."))
    if activity is not None:
        activity = lock(activity, expected_version)
        require_owner(actor, activity)
        if not rules.log_editable(activity.status):
            raise Conflict("log_locked", _("A submitted or verified log cannot be changed."))
        require_log_open(actor.instansi_id, activity.date, today_in(actor), activity.pegawai_id)
    require_log_open(actor.instansi_id, date, today_in(actor), actor.pegawai_id)
    if not description.strip():
        raise ApplicationError("description_required", _("Describe what you did."))
    if not output_unit.strip() or output_quantity is None or output_quantity <= 0:
        raise ApplicationError(
            "output_required", _("Give the output: a quantity above zero and its unit.")
        )
    counted = rules.duration_of(start_time, end_time, minutes)
    flags = _plausibility(
        actor,
        activity=activity,
        date=date,
        start=start_time,
        end=end_time,
        minutes=counted or 0,
    )
    _serves(actor, date=date, rhk=rhk, assignment=assignment, is_additional_task=is_additional_task)
    before = snapshot(activity, ACTIVITY_FIELDS) if activity else None
    if activity is None:
        activity = Activity(instansi_id=actor.instansi_id, pegawai_id=actor.pegawai_id)
    kept = [f for f in (activity.flags or []) if f == "reused_evidence"]
    activity.date = date
    activity.start_time, activity.end_time = start_time, end_time
    activity.minutes = counted or 0
    activity.description = description.strip()
    activity.output_quantity = output_quantity
    activity.output_unit = output_unit.strip()
    activity.rhk, activity.assignment = rhk, assignment
    activity.is_additional_task = is_additional_task
    activity.flags = sorted(set(flags) | set(kept))
    if before is not None:
        activity.version += 1
    activity.save()
    record(
        actor,
        activity,
        "activity.create" if before is None else "activity.update",
        diff(before, snapshot(activity, ACTIVITY_FIELDS)),
    )
    return activity


@transaction.atomic
def activity_delete(
    *, actor: Account, activity: Activity, expected_version: int | None = None
) -> None:
    activity = lock(activity, expected_version)
    require_owner(actor, activity)
    if not rules.log_editable(activity.status):
        raise Conflict("log_locked", _("A submitted or verified log cannot be changed."))
    assert actor.instansi_id is not None
    require_log_open(actor.instansi_id, activity.date, today_in(actor), activity.pegawai_id)
    before = snapshot(activity, ACTIVITY_FIELDS)
    record(actor, activity, "activity.delete", diff(before, None))
    for item in activity.evidence.all():
        if item.file:
            item.file.delete(save=False)
    activity.delete()


@transaction.atomic
def activity_submit(
    *, actor: Account, activity: Activity, expected_version: int | None = None
) -> Activity:
    activity = lock(activity, expected_version)
    require_owner(actor, activity)
    assert actor.instansi_id is not None
    require_log_open(actor.instansi_id, activity.date, today_in(actor), activity.pegawai_id)
    target = rules.log_next(activity.status, "submit")
    if target is None:
        raise Conflict("invalid_transition", _("Only a draft or returned log can be submitted."))
    before = snapshot(activity, ACTIVITY_FIELDS)
    activity.status = target
    activity.submitted_at = timezone.now()
    activity.version += 1
    activity.save()
    record(actor, activity, "activity.submit", diff(before, snapshot(activity, ACTIVITY_FIELDS)))
    return activity


def _require_verifier(actor: Account, activity: Activity) -> None:
    if activity.pegawai_id not in verifiable_pegawai_ids(actor):
        raise Forbidden("forbidden", _("Only the employee's supervisor may verify this log."))
    require_not_locked(activity)


@transaction.atomic
def activity_verify(*, actor: Account, activity: Activity) -> Activity:
    activity = lock(activity)
    _require_verifier(actor, activity)
    target = rules.log_next(activity.status, "verify")
    if target is None:
        raise Conflict("invalid_transition", _("Only a submitted log can be verified."))
    before = snapshot(activity, ACTIVITY_FIELDS)
    activity.status = target
    activity.verified_at = timezone.now()
    activity.verified_by_id = actor.pegawai_id
    activity.return_reason = ""
    activity.version += 1
    activity.save()
    record(actor, activity, "activity.verify", diff(before, snapshot(activity, ACTIVITY_FIELDS)))
    return activity


@transaction.atomic
def activity_return(*, actor: Account, activity: Activity, reason: str) -> Activity:
    """Reject (kembalikan) a submitted log with the reason; the employee fixes and resubmits."""
    activity = lock(activity)
    _require_verifier(actor, activity)
    if not reason.strip():
        raise ApplicationError("reason_required", _("Say why the log is returned."))
    target = rules.log_next(activity.status, "return")
    if target is None:
        raise Conflict("invalid_transition", _("Only a submitted log can be returned."))
    before = snapshot(activity, ACTIVITY_FIELDS)
    activity.status = target
    activity.return_reason = reason.strip()
    activity.version += 1
    activity.save()
    record(
        actor,
        activity,
        "activity.return",
        diff(before, snapshot(activity, ACTIVITY_FIELDS)),
        {"reason": reason.strip()},
    )
    notify(
        pegawai_ids=[activity.pegawai_id],
        kind="activity_returned",
        title=RETURNED_TITLE,
        body=RETURNED_BODY,
        params={"date": activity.date.strftime("%d-%m-%Y"), "reason": reason.strip()},
        link=f"/kegiatan/{activity.pk}/",
    )
    return activity


@transaction.atomic
def activity_verify_many(*, actor: Account, ids: Iterable[int]) -> dict[str, Any]:
    """Verify many submitted logs at once, set-based: one UPDATE of the rows the actor may
    verify that are still submitted, one batch of audit records. Returns the verified ids and,
    for every other id asked for, why it was left alone."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    allowed_people = verifiable_pegawai_ids(actor)
    rows = list(
        Activity.objects.select_for_update()
        .filter(pk__in=wanted, pegawai_id__in=allowed_people, status=ActivityStatus.SUBMITTED)
        .exclude(person_lock_exists())
        .values_list("pk", "instansi_id", "date", "description")
    )
    ok = [pk for pk, *_rest in rows]
    now = timezone.now()
    if ok:
        Activity.objects.filter(pk__in=ok).update(
            status=ActivityStatus.VERIFIED,
            verified_at=now,
            verified_by_id=actor.pegawai_id,
            return_reason="",
            version=F("version") + 1,
        )
        audit_record_many(
            actor=actor,
            instansi=rows[0][1],
            entries=[
                AuditEntry(
                    "activity.verify",
                    "activities.activity",
                    str(pk),
                    f"{date} {text[:60]}",
                    {"status": ["diajukan", "diverifikasi"]},
                    {"bulk": True},
                )
                for pk, _instansi, date, text in rows
            ],
        )
    verified = set(ok)
    refused = [pk for pk in wanted if pk not in verified]
    return {"verified": ok, "refused": refused}
