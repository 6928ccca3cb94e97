"""Reads of daily work, scoped to the acting account, with a bounded number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kinerja.activities import rules
from kinerja.activities.models import Activity, ActivityPolicy, ActivityStatus, Assignment
from kinerja.core.errors import NotFound
from kinerja.people.access import Action, pegawai_visible_to, scope_for, today_in
from kinerja.people.models import Account, Leave


def policy_for(instansi_id: int) -> rules.Policy:
    stored = ActivityPolicy.objects.filter(instansi_id=instansi_id).first()
    return policy_from(stored)


def policy_from(stored: ActivityPolicy | None) -> rules.Policy:
    if stored is None:
        return rules.Policy()
    return rules.Policy(
        max_daily_minutes=stored.max_daily_minutes,
        work_start=stored.work_start,
        work_end=stored.work_end,
        work_days=frozenset(int(d) for d in stored.work_days if d.isdigit()),
    )


def policy_row(instansi_id: int) -> ActivityPolicy:
    """The stored policy, or an unsaved one with the defaults."""
    return ActivityPolicy.objects.filter(instansi_id=instansi_id).first() or ActivityPolicy(
        instansi_id=instansi_id
    )


def activity_visible_to(account: Account, *, action: Action = "view") -> QuerySet[Activity]:
    """Logs of the people the account may see (own, subordinates, OPD, instansi)."""
    scope = scope_for(account)
    if scope.instansi_id is None:
        return Activity.objects.all() if scope.is_superuser else Activity.objects.none()
    return Activity.objects.filter(
        instansi_id=scope.instansi_id,
        pegawai__in=pegawai_visible_to(account, action=action),
    )


def get_activity_for(account: Account, pk: int) -> Activity:
    found = (
        activity_visible_to(account)
        .filter(pk=pk)
        .select_related("pegawai", "rhk", "assignment", "verified_by")
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("Activity not found."))
    return found


def own_activities(account: Account, *, start: dt.date, end: dt.date) -> QuerySet[Activity]:
    if account.pegawai_id is None:
        return Activity.objects.none()
    return (
        Activity.objects.filter(pegawai_id=account.pegawai_id, date__gte=start, date__lte=end)
        .select_related("rhk", "assignment")
        .prefetch_related("evidence")
        .order_by("-date", "start_time", "pk")
    )


def on_leave(pegawai_id: int, date: dt.date) -> bool:
    return Leave.objects.filter(
        pegawai_id=pegawai_id, start_date__lte=date, end_date__gte=date
    ).exists()


def verifiable_pegawai_ids(account: Account, on: dt.date | None = None) -> set[int]:
    """The people whose logs this account verifies: those it rates (pejabat penilai), and its
    indirect subordinates too when the instansi allows. Three queries (team_of)."""
    from kinerja.people.selectors import team_of

    if account.instansi_id is None:
        return set()
    policy = ActivityPolicy.objects.filter(instansi_id=account.instansi_id).first()
    indirect = bool(policy and policy.verify_indirect)
    members = team_of(account, on or today_in(account))
    return {m.pegawai.pk for m in members if m.direct or indirect}


def verification_queue(
    account: Account,
    *,
    pegawai_id: int | None = None,
    flagged_only: bool = False,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Activity]:
    """Submitted logs the account may verify, oldest submission first."""
    ids = verifiable_pegawai_ids(account)
    qs = (
        Activity.objects.filter(pegawai_id__in=ids, status=ActivityStatus.SUBMITTED)
        .select_related("pegawai", "rhk", "assignment")
        .prefetch_related("evidence")
        .order_by("submitted_at", "pk")
    )
    if pegawai_id:
        qs = qs.filter(pegawai_id=pegawai_id)
    if flagged_only:
        qs = qs.exclude(flags=[])
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


def assignment_visible_to(account: Account) -> QuerySet[Assignment]:
    """Assignments the account gave or received, and those of people it may see."""
    scope = scope_for(account)
    if scope.instansi_id is None:
        return Assignment.objects.none()
    visible = pegawai_visible_to(account)
    own = Q(assigner_id=scope.pegawai_id) | Q(assignee_id=scope.pegawai_id)
    return Assignment.objects.filter(instansi_id=scope.instansi_id).filter(
        own | Q(assignee__in=visible)
    )


def get_assignment_for(account: Account, pk: int) -> Assignment:
    found = (
        assignment_visible_to(account)
        .filter(pk=pk)
        .select_related("assigner", "assignee", "rhk")
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("Assignment not found."))
    return found
