"""Reads of assignments for the pages and the API, scoped to the acting account, each a bounded
number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from kinerja.activities import rules
from kinerja.activities.models import Activity, Assignment, AssignmentComment
from kinerja.people.models import Account
from kinerja.people.selectors import team_of

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


def team_assignment_ids(account: Account, on: dt.date) -> list[int]:
    """The people below the account's positions (three queries, team_of)."""
    if account.pegawai_id is None:
        return []
    return [m.pegawai.pk for m in team_of(account, on)]


def assignments_of_team(
    account: Account, on: dt.date, *, status: str = "open"
) -> QuerySet[Assignment]:
    """Assignments of everyone below the account's positions, whoever gave them (the
    supervisor's view of the team's work)."""
    ids = team_assignment_ids(account, on)
    return _listed(
        Assignment.objects.filter(instansi_id=account.instansi_id, assignee_id__in=ids), status
    )


def comments_of(assignment: Assignment) -> QuerySet[AssignmentComment]:
    return AssignmentComment.objects.filter(assignment=assignment).select_related("author")


def activities_of(assignment: Assignment) -> QuerySet[Activity]:
    """The logs written against the assignment (by its assignee: the log service refuses any
    other), newest first."""
    return Activity.objects.filter(assignment=assignment).order_by("-date", "-start_time", "-pk")
