"""Reads of assignments for the pages and the API, scoped to the acting account, each a bounded
number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from kinerja.activities import rules
from kinerja.activities.models import Activity, Assignment, AssignmentComment
from kinerja.people.access import scope_for, subordinate_q
from kinerja.people.models import Account, Pegawai

# What "open" means in the lists: not yet done nor cancelled (a submitted assignment still
# waits for the assigner).
NOT_CLOSED = sorted(rules.OPEN_ASSIGNMENT | {rules.A_SUBMITTED})


def _listed(qs: QuerySet[Assignment], status: str) -> QuerySet[Assignment]:
    if status == "open":
        qs = qs.filter(status__in=NOT_CLOSED)
    elif status == "closed":
        qs = qs.exclude(status__in=NOT_CLOSED)
    elif status:
        qs = qs.filter(status=status)
    return qs.select_related("assigner", "assignee", "rhk").order_by("due_date", "pk")


def assignments_received(account: Account, *, status: str = "") -> QuerySet[Assignment]:
    """Work given to the account's person; `status` is "open", "closed" or one state."""
    return _listed(Assignment.objects.filter(assignee_id=account.pegawai_id or 0), status)


def assignments_given(account: Account, *, status: str = "") -> QuerySet[Assignment]:
    """Work the account's person gave."""
    return _listed(Assignment.objects.filter(assigner_id=account.pegawai_id or 0), status)


def assignments_of_team(
    account: Account, on: dt.date, *, status: str = "open"
) -> QuerySet[Assignment]:
    """Assignments of everyone whose position on `on` is below one the account's person holds
    or acts in, whoever gave them (the supervisor's view of the team's work). The team is a
    subquery, so a kepala dinas with thousands below costs the same queries."""
    scope = scope_for(account, on)
    below = subordinate_q(scope.held, on)
    if below is None or scope.pegawai_id is None or scope.instansi_id is None:
        return Assignment.objects.none()
    team = Pegawai.objects.filter(below, instansi_id=scope.instansi_id).exclude(pk=scope.pegawai_id)
    return _listed(Assignment.objects.filter(assignee__in=team), status)


def comments_of(assignment: Assignment) -> QuerySet[AssignmentComment]:
    return AssignmentComment.objects.filter(assignment=assignment).select_related("author")


def activities_of(assignment: Assignment) -> QuerySet[Activity]:
    """The logs written against the assignment (by its assignee: the log service refuses any
    other), newest first."""
    return Activity.objects.filter(assignment=assignment).order_by("-date", "-start_time", "-pk")
