"""Reads for the monitoring pages (issue 4, "Monitoring"): the supervisor's view of the team
(pending verifications, overdue assignments, who has not logged this week) and the admin's
logging compliance per unit of an OPD for a month, with the logs left waiting for verification
longer than the instansi allows.

Set-based: each function runs a fixed number of aggregate queries whatever the size of the team
or the OPD (asserted in tests/test_monitoring.py), and combines the rows in Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Count, Exists, Q, QuerySet, Sum
from django.utils import timezone

from kinerja.activities import rules
from kinerja.activities.models import Activity, ActivityPolicy, ActivityStatus, Assignment
from kinerja.activities.selectors import policy_row
from kinerja.core.roles import Role
from kinerja.org.models import Opd, UnitKerja
from kinerja.org.rules import resolve_atasan
from kinerja.people.access import current_definitive, opd_visible_to, scope_for, today_in
from kinerja.people.models import INACTIVE_STATUSES, Account, Leave, Pegawai, PositionAssignment
from kinerja.people.selectors import TeamMember, holdings_for_positions, team_of

# --- The supervisor's team --------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    """Monday of the week of `day`."""
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class MemberStatus:
    member: TeamMember
    verifies: bool  # the account verifies this person's logs
    pending: int  # submitted logs waiting for verification
    logged_this_week: int
    on_leave_this_week: bool


@dataclass
class TeamMonitor:
    today: dt.date
    week_start: dt.date
    members: list[MemberStatus] = field(default_factory=list)
    overdue: list[Assignment] = field(default_factory=list)

    @property
    def pending_for_me(self) -> int:
        return sum(m.pending for m in self.members if m.verifies)

    @property
    def with_pending(self) -> list[MemberStatus]:
        return [m for m in self.members if m.pending]

    @property
    def not_logged(self) -> list[MemberStatus]:
        return [m for m in self.members if not m.logged_this_week]


def _counts(rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    return {pk: n for pk, n in rows}


class Member(Protocol):
    """A member of the team as team_of or plans' team_skp_status give it."""

    @property
    def pegawai(self) -> Pegawai: ...

    @property
    def direct(self) -> bool: ...


def verifies(member: Member, *, indirect_allowed: bool) -> bool:
    """The rule of selectors.verifiable_pegawai_ids for one member of team_of."""
    return member.direct or indirect_allowed


def pending_count(account: Account, members: Iterable[Member]) -> int:
    """Submitted logs waiting for this account, given the team it already read, so the home
    page does not read the team twice: one query (the instansi's verify_indirect is a subquery
    of the count)."""
    if account.instansi_id is None:
        return 0
    members = list(members)
    direct = [m.pegawai.pk for m in members if m.direct]
    indirect = [m.pegawai.pk for m in members if not m.direct]
    if not members:
        return 0
    whose = Q(pegawai_id__in=direct)
    if indirect:
        allowed = ActivityPolicy.objects.filter(
            instansi_id=account.instansi_id, verify_indirect=True
        )
        whose |= Q(pegawai_id__in=indirect) & Q(Exists(allowed))
    return Activity.objects.filter(whose, status=ActivityStatus.SUBMITTED).count()


def team_monitor(account: Account, on: dt.date | None = None) -> TeamMonitor:
    """The team below the account (team_of) with, per person, the logs waiting for verification
    and the logs of this week (Monday to today), whether they were on leave this week, and the
    team's overdue assignments. A fixed number of queries (nine from a fresh account)
    whatever the team size."""
    today = on or today_in(account)
    monday = week_start(today)
    result = TeamMonitor(today=today, week_start=monday)
    members = team_of(account, today)
    if not members or account.instansi_id is None:
        return result
    ids = [m.pegawai.pk for m in members]
    indirect = policy_row(account.instansi_id).verify_indirect
    pending = _counts(
        Activity.objects.filter(pegawai_id__in=ids, status=ActivityStatus.SUBMITTED)
        .values("pegawai_id")
        .annotate(n=Count("pk"))
        .values_list("pegawai_id", "n")
    )
    this_week = _counts(
        Activity.objects.filter(pegawai_id__in=ids, date__gte=monday, date__lte=today)
        .values("pegawai_id")
        .annotate(n=Count("pk"))
        .values_list("pegawai_id", "n")
    )
    away = set(
        Leave.objects.filter(
            pegawai_id__in=ids, start_date__lte=today, end_date__gte=monday
        ).values_list("pegawai_id", flat=True)
    )
    result.members = [
        MemberStatus(
            member=m,
            verifies=verifies(m, indirect_allowed=indirect),
            pending=pending.get(m.pegawai.pk, 0),
            logged_this_week=this_week.get(m.pegawai.pk, 0),
            on_leave_this_week=m.pegawai.pk in away,
        )
        for m in members
    ]
    result.overdue = list(
        Assignment.objects.filter(
            assignee_id__in=ids, status__in=rules.OPEN_ASSIGNMENT, due_date__lt=today
        )
        .select_related("assignee")
        .order_by("due_date", "pk")
    )
    return result


# --- Logging compliance of an OPD ---------------------------------------------------------------

# The list of late logs is for chasing, not an archive: past this many the page says how many
# more there are.
LATE_LIST_LIMIT = 200


def monitorable_opds(account: Account) -> QuerySet[Opd]:
    """The OPDs whose compliance the account may watch: admin BKPSDM and pimpinan any OPD of the
    instansi, an admin OPD their own OPDs; nobody else (the auditor reads records, this page is
    for chasing people)."""
    scope = scope_for(account)
    opds = opd_visible_to(account).filter(is_active=True).order_by("name", "pk")
    if scope.is_superuser or scope.has(Role.ADMIN_BKPSDM) or scope.has(Role.PIMPINAN):
        return opds
    return opds.filter(pk__in=list(scope.admin_opd_ids))


def may_monitor_opds(account: Account) -> bool:
    """Whether monitorable_opds can hold anything, from the grants alone (no query)."""
    scope = scope_for(account)
    return bool(
        scope.is_superuser
        or scope.admin_opd_ids
        or scope.has(Role.ADMIN_BKPSDM)
        or scope.has(Role.PIMPINAN)
    )


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


@dataclass
class UnitCompliance:
    unit: UnitKerja | None  # None: positions of the OPD placed in no unit
    employees: int = 0
    logged: int = 0
    verified_minutes: int = 0
    waiting_late: int = 0

    @property
    def percent(self) -> int | None:
        if not self.employees:
            return None
        return round(100 * self.logged / self.employees)

    @property
    def verified_hours(self) -> str:
        return f"{self.verified_minutes / 60:.1f}"


@dataclass(frozen=True)
class LateLog:
    activity: Activity
    supervisor: Pegawai | None  # the pejabat penilai today; None at the top of the line
    days_waiting: int


@dataclass
class OpdCompliance:
    opd: Opd
    month_start: dt.date
    month_end: dt.date
    on: dt.date  # whose unit it is: the last day of the month, or today for the current month
    wait_days: int
    units: list[UnitCompliance] = field(default_factory=list)
    late: list[LateLog] = field(default_factory=list)
    late_total: int = 0

    @property
    def total(self) -> UnitCompliance:
        whole = UnitCompliance(None)
        for u in self.units:
            whole.employees += u.employees
            whole.logged += u.logged
            whole.verified_minutes += u.verified_minutes
            whole.waiting_late += u.waiting_late
        return whole


def _people_of_opd(opd: Opd, on: dt.date) -> QuerySet[PositionAssignment]:
    return (
        current_definitive(on)
        .filter(jabatan__opd=opd)
        .exclude(pegawai__status__in=INACTIVE_STATUSES)
    )


def opd_compliance(
    opd: Opd, *, year: int, month: int, today: dt.date, now: dt.datetime | None = None
) -> OpdCompliance:
    """Per unit of the OPD for a month: the employees whose definitive position is in the unit
    on the last day of the month (today while the month runs), how many of them logged at least
    once that month, and the minutes verified; then the logs of the OPD's people (today) that
    have waited for verification longer than the instansi's limit (ActivityPolicy.
    verification_wait_days), whatever their month, each with the supervisor to chase.

    A fixed number of queries (about nine) whatever the number of units, people and logs."""
    start, end = month_bounds(year, month)
    on = min(end, today)
    now = now or timezone.now()
    wait_days = policy_row(opd.instansi_id).verification_wait_days
    report = OpdCompliance(opd, start, end, on, wait_days)
    units = list(UnitKerja.objects.filter(opd=opd, is_active=True).order_by("path", "name"))
    rows: dict[int | None, UnitCompliance] = {u.pk: UnitCompliance(u) for u in units}
    loose = UnitCompliance(None)

    def row_of(unit_id: int | None) -> UnitCompliance:
        return rows.get(unit_id, loose)

    placed = dict(_people_of_opd(opd, on).values_list("pegawai_id", "jabatan__unit_id"))
    month_logs = (
        Activity.objects.filter(
            instansi_id=opd.instansi_id,
            pegawai_id__in=_people_of_opd(opd, on).values("pegawai_id"),
            date__gte=start,
            date__lte=end,
        )
        .values("pegawai_id")
        .annotate(verified=Sum("minutes", filter=Q(status=ActivityStatus.VERIFIED)))
        .values_list("pegawai_id", "verified")
    )
    logged = dict(month_logs)
    for pegawai_id, unit_id in placed.items():
        row = row_of(unit_id)
        row.employees += 1
        if pegawai_id in logged:
            row.logged += 1
            row.verified_minutes += logged[pegawai_id] or 0
    # Late logs belong to people of the OPD today: they are chased now, whatever the month shown.
    cutoff = now - dt.timedelta(days=wait_days)
    late = Activity.objects.filter(
        instansi_id=opd.instansi_id,
        status=ActivityStatus.SUBMITTED,
        submitted_at__lt=cutoff,
        pegawai_id__in=_people_of_opd(opd, today).values("pegawai_id"),
    )
    late_by_person = Counter(
        dict(late.values("pegawai_id").annotate(n=Count("pk")).values_list("pegawai_id", "n"))
    )
    report.late_total = sum(late_by_person.values())
    if late_by_person:
        now_placed = (
            dict(
                _people_of_opd(opd, today)
                .filter(pegawai_id__in=list(late_by_person))
                .values_list("pegawai_id", "jabatan__unit_id")
            )
            if on != today
            else placed
        )
        for pegawai_id, n in late_by_person.items():
            row_of(now_placed.get(pegawai_id)).waiting_late += n
        report.late = _late_logs(opd, late, today=today, now=now)
    report.units = [rows[u.pk] for u in units] + ([loose] if loose.employees else [])
    return report


def _late_logs(
    opd: Opd, late: QuerySet[Activity], *, today: dt.date, now: dt.datetime
) -> list[LateLog]:
    """The oldest late logs with the pejabat penilai of each author: the positions above the
    authors are read once (holdings_for_positions) and resolved without a query each."""
    logs = list(late.select_related("pegawai").order_by("submitted_at", "pk")[:LATE_LIST_LIMIT])
    chains: dict[int, list[int]] = {}
    for pegawai_id, path in (
        _people_of_opd(opd, today)
        .filter(pegawai_id__in={a.pegawai_id for a in logs})
        .values_list("pegawai_id", "jabatan__path")
    ):
        ids = [int(part) for part in path.strip("/").split("/") if part]
        chains[pegawai_id] = list(reversed(ids[:-1]))
    holdings = holdings_for_positions({p for chain in chains.values() for p in chain}, today)
    rater: dict[int, int] = {}
    for pegawai_id, chain in chains.items():
        found = resolve_atasan(
            person_id=pegawai_id, supervisor_chain=chain, holdings_by_position=holdings, on=today
        )
        if found is not None:
            rater[pegawai_id] = found.person_id
    names = Pegawai.objects.in_bulk(set(rater.values())) if rater else {}
    by_author: dict[int, Pegawai | None] = defaultdict(lambda: None)
    for pegawai_id, rater_id in rater.items():
        by_author[pegawai_id] = names.get(rater_id)
    return [
        LateLog(a, by_author[a.pegawai_id], (now - a.submitted_at).days if a.submitted_at else 0)
        for a in logs
    ]
