"""Reads of attendance shaped for the pages and the API, each with a bounded number of queries,
and who may read whose attendance:

- everyone reads their own month;
- an atasan reads the months of their subordinates (direct and indirect), admin OPD those of
  their OPD, the instansi's readers (admin BKPSDM, pimpinan, auditor) everyone's
  (people.access.pegawai_visible_to: the same scope as the employee pages);
- the month summary per person is for admin OPD (their OPDs) and the instansi's readers;
- the working calendar is read by everyone of the instansi and changed by admin BKPSDM;
- discipline cases: the instansi's readers read all of them, everyone else their own.

A day's status comes from attendance.rules.day_status with the calendar of the person's place
(calendars.Calendars) and the lateness bands given (DEFAULT_BANDS unless the caller passes the
active TPP preset's: attendance may not import allowances).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.attendance import rules
from kinerja.attendance.calendars import Calendars
from kinerja.attendance.imports import PlaceHistory
from kinerja.attendance.models import DisciplineCase, Holiday, Presensi, WorkSchedule
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.org.models import Opd
from kinerja.people.access import (
    current_definitive,
    get_pegawai_for,
    pegawai_visible_to,
    scope_for,
)
from kinerja.people.models import INACTIVE_STATUSES, Account, Leave, LeaveKind, Pegawai

# The years whose calendar can be opened: a few back (corrections of past TPP) and the next.
YEARS_BACK = 10
YEARS_AHEAD = 1


# --- Who may read and change what ---------------------------------------------------------------


def may_manage(account: Account) -> bool:
    """Admin BKPSDM of an instansi: edits the calendar and discipline cases."""
    scope = scope_for(account)
    return scope.instansi_id is not None and scope.writes_whole_instansi


def reads_all(account: Account) -> bool:
    """The instansi's readers: admin BKPSDM, pimpinan, auditor."""
    scope = scope_for(account)
    return scope.instansi_id is not None and scope.reads_whole_instansi


def may_read_summary(account: Account) -> bool:
    scope = scope_for(account)
    return scope.instansi_id is not None and (scope.reads_whole_instansi
                                              or bool(scope.admin_opd_ids))


def require_instansi(account: Account) -> int:
    """The account's instansi (the calendar is per instansi); 403 for an account without."""
    if account.instansi_id is None:
        raise Forbidden("forbidden", _("Your account belongs to no instansi."))
    return account.instansi_id


def require_manager(account: Account) -> int:
    """Checked before any object is looked up, so a refusal says nothing about what exists."""
    if not may_manage(account):
        raise Forbidden("forbidden", _("Only admin BKPSDM manages attendance."))
    assert account.instansi_id is not None
    return account.instansi_id


def people_visible_to(account: Account) -> QuerySet[Pegawai]:
    """Whose attendance the account reads (own, subordinates, OPD, instansi)."""
    return pegawai_visible_to(account, action="view")


def get_person_for(account: Account, nip: str) -> Pegawai:
    """The person whose attendance the account asks for; NotFound outside the scope."""
    return get_pegawai_for(account, nip=nip)


def summary_opds(account: Account) -> QuerySet[Opd]:
    """The OPDs whose month summary the account reads: every OPD of the instansi for the
    instansi's readers, their own for admin OPD, none for anyone else."""
    scope = scope_for(account)
    if scope.instansi_id is None:
        return Opd.objects.none()
    opds = Opd.objects.filter(instansi_id=scope.instansi_id).order_by("name", "pk")
    if scope.reads_whole_instansi:
        return opds
    return opds.filter(pk__in=list(scope.admin_opd_ids))


# --- Months --------------------------------------------------------------------------------------


def parse_month(text: str | None, today: dt.date) -> dt.date:
    """'2026-10' -> date(2026, 10, 1); empty -> this month. ApplicationError 422 otherwise."""
    value = (text or "").strip()
    if not value:
        return today.replace(day=1)
    try:
        year_text, month_text = value.split("-")
        if len(year_text) != 4:
            raise ValueError(value)
        first = dt.date(int(year_text), int(month_text), 1)
    except ValueError:
        raise ApplicationError(
            "invalid_month", _("“%(value)s” is not a month; use the form YYYY-MM.")
            % {"value": value}, status=422, details={"month": value}) from None
    if not 2000 <= first.year <= 2100:
        raise ApplicationError(
            "invalid_month", _("The month must be in a year between 2000 and 2100."),
            status=422, details={"month": value})
    return first


def shift_month(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def check_year(year: int, today: dt.date) -> int:
    """A calendar year that may be opened (and so created with the national holidays)."""
    if not today.year - YEARS_BACK <= year <= today.year + YEARS_AHEAD:
        raise ApplicationError(
            "invalid_year",
            _("Choose a year from %(first)s to %(last)s.")
            % {"first": today.year - YEARS_BACK, "last": today.year + YEARS_AHEAD},
            status=422, details={"year": year})
    return year


# --- One person's month -------------------------------------------------------------------------

PENDING = "belum"  # a day still to come, or today without a record yet


@dataclass(frozen=True)
class Day:
    """One day of a person's month as the page and the API show it."""

    date: dt.date
    hours: rules.Hours | None
    holiday: str
    holiday_kind: str
    check_in: dt.time | None
    check_out: dt.time | None
    status: rules.DayStatus
    leave_kind: str | None
    pending: bool
    flexible: bool

    @property
    def weekday(self) -> int:
        return self.date.isoweekday()

    @property
    def working(self) -> bool:
        return self.hours is not None

    @property
    def state(self) -> str:
        """The day's status, or `belum` for a day whose presensi cannot be there yet."""
        return PENDING if self.pending else self.status.status

    @property
    def codes(self) -> list[str]:
        """TL1..TL4, PSW1..PSW4, and the missing check-in/out of a present day."""
        s = self.status
        out = [code for code in (s.late_code, s.early_code) if code]
        if s.missing_in:
            out.append("no_in")
        if s.missing_out:
            out.append("no_out")
        return out

    @property
    def badge(self) -> str:
        if self.pending or self.state == rules.LIBUR:
            return ""
        if self.state == rules.TANPA_KETERANGAN:
            return "bad"
        if self.state == rules.HADIR:
            return "warn" if self.codes else "ok"
        return ""


@dataclass
class MonthCounts:
    """The month's counts over working days up to today (`pending` days are not counted)."""

    working_days: int = 0  # in the whole month
    counted_days: int = 0  # up to today
    present: int = 0
    late: dict[str, int] = field(default_factory=dict)  # TL1..TL4 -> days
    early: dict[str, int] = field(default_factory=dict)  # PSW1..PSW4 -> days
    missing_in: int = 0
    missing_out: int = 0
    tanpa_keterangan: int = 0
    leave: dict[str, int] = field(default_factory=dict)  # leave kind -> working days
    late_minutes: int = 0
    early_minutes: int = 0

    @property
    def leave_days(self) -> int:
        return sum(self.leave.values())


@dataclass
class PersonMonth:
    pegawai: Pegawai
    first: dt.date
    last: dt.date
    days: list[Day]
    counts: MonthCounts
    flexible: bool
    bands: Sequence[rules.Band]

    @property
    def month(self) -> str:
        return f"{self.first:%Y-%m}"


def empty_counts(bands: Sequence[rules.Band]) -> MonthCounts:
    return MonthCounts(
        late={b.code: 0 for b in bands if b.applies_to == rules.LATE},
        early={b.code: 0 for b in bands if b.applies_to == rules.EARLY},
    )


def leave_on(leaves: Iterable[tuple[str, dt.date, dt.date]], day: dt.date) -> str | None:
    """The kind of the first leave (oldest start) covering the day."""
    for kind, start, end in leaves:
        if start <= day <= end:
            return kind
    return None


def person_month(pegawai: Pegawai, year: int, month: int, *, today: dt.date | None = None,
                 bands: Sequence[rules.Band] = rules.DEFAULT_BANDS) -> PersonMonth:
    """Every day of the month with its hours, holiday, check-in/out, status and leave, and the
    month's counts. Five queries whatever the month holds: the person's places, the year's
    holidays and schedules, the month's presensi, the leaves touching the month.

    Each day is judged by the calendar of the person's place on that day (the definitive
    position in force, imports.PlaceHistory), as the presensi import measures it; `flexible`
    is the place's at the end of the month (today for the current month)."""
    today = today or timezone.localdate()
    first, last = rules.month_bounds(year, month)
    on = max(first, min(last, today))
    places = PlaceHistory()
    places.load({pegawai.pk})
    calendars = Calendars(pegawai.instansi_id)
    year_cal = calendars.year(year)
    records = {
        day: (check_in, check_out)
        for day, check_in, check_out in Presensi.objects.filter(
            pegawai_id=pegawai.pk, date__gte=first, date__lte=last
        ).values_list("date", "check_in", "check_out")
    }
    leaves = list(Leave.objects.filter(
        pegawai_id=pegawai.pk, start_date__lte=last, end_date__gte=first
    ).order_by("start_date", "pk").values_list("kind", "start_date", "end_date"))
    counts = empty_counts(bands)
    days: list[Day] = []
    day = first
    while day <= last:
        # The place of each day, as the import measured it (a transfer mid-month).
        cal = year_cal.for_place(*places.on(pegawai.pk, day))
        hours = rules.hours_on(cal, day)
        check_in, check_out = records.get(day, (None, None))
        kind = leave_on(leaves, day)
        status = rules.day_status(hours, check_in, check_out, leave_kind=kind,
                                  flexible=cal.flexible, bands=bands)
        pending = day > today or (day == today and day not in records and kind is None)
        holiday_name, holiday_kind = year_cal.holidays.get(day, ("", ""))
        days.append(Day(day, hours, holiday_name, holiday_kind, check_in, check_out, status,
                        kind, pending, cal.flexible))
        if hours is not None:
            counts.working_days += 1
            if not pending:
                _count(counts, status)
        day += dt.timedelta(days=1)
    flexible = year_cal.for_place(*places.on(pegawai.pk, on)).flexible
    return PersonMonth(pegawai, first, last, days, counts, flexible, bands)


def _count(counts: MonthCounts, status: rules.DayStatus) -> None:
    counts.counted_days += 1
    if status.status == rules.HADIR:
        counts.present += 1
        if status.late_code:
            counts.late[status.late_code] = counts.late.get(status.late_code, 0) + 1
        if status.early_code:
            counts.early[status.early_code] = counts.early.get(status.early_code, 0) + 1
        counts.missing_in += status.missing_in
        counts.missing_out += status.missing_out
        counts.late_minutes += status.late_minutes
        counts.early_minutes += status.early_minutes
    elif status.status == rules.TANPA_KETERANGAN:
        counts.tanpa_keterangan += 1
    elif status.status == rules.CUTI and status.leave_kind:
        counts.leave[status.leave_kind] = counts.leave.get(status.leave_kind, 0) + 1


def leave_label(kind: str) -> str:
    return str(LeaveKind(kind).label) if kind in LeaveKind.values else kind


# --- The month summary of an OPD or the instansi -----------------------------------------------


@dataclass
class SummaryRow:
    pegawai: Pegawai
    opd_id: int | None
    opd_name: str
    unit_id: int | None
    working_days: int
    counted_days: int
    present: int
    late: dict[str, int]
    early: dict[str, int]
    missing_in: int
    missing_out: int
    tanpa_keterangan: int
    leave: dict[str, int]
    late_minutes: int
    early_minutes: int

    @property
    def leave_days(self) -> int:
        return sum(self.leave.values())


class MonthSummary:
    """The people of an OPD (or of the instansi) with their month's counts, as a lazy sequence
    a Paginator or the API's Pages slice: `count()` is one COUNT, a slice is one query for the
    people, one for their leaves, one GROUP BY over their presensi, one for their positions
    (the place of each day) (plus the year's calendar, two queries, once).

    Counts come from the stored measurements (Presensi.late_minutes, early_minutes,
    working_day), as the TPP computation reads them: per person the present days, missing
    check-in/out and the days in each band, leaving out days covered by leave (leave wins, as
    on the person's month); tanpa keterangan is the working days up to today less the present
    days less the working days on leave."""

    def __init__(self, people: QuerySet[Pegawai], *, instansi_id: int, first: dt.date,
                 last: dt.date, today: dt.date,
                 bands: Sequence[rules.Band] = rules.DEFAULT_BANDS) -> None:
        self.people = people
        self.instansi_id = instansi_id
        self.first, self.last = first, last
        self.until = min(last, today)
        self.bands = tuple(bands)
        self._count: int | None = None
        self._calendars: Calendars | None = None

    @property
    def month(self) -> str:
        return f"{self.first:%Y-%m}"

    def count(self) -> int:
        if self._count is None:
            self._count = self.people.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[SummaryRow]:
        return iter(self[0:self.count()])

    @overload
    def __getitem__(self, index: int) -> SummaryRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[SummaryRow]: ...

    def __getitem__(self, index: int | slice) -> SummaryRow | list[SummaryRow]:
        if isinstance(index, int):
            rows = self.rows(list(self.people[index:index + 1]))
            if not rows:
                raise IndexError(index)
            return rows[0]
        return self.rows(list(self.people[index]))

    def _aggregates(self, leave_spans: Q | None) -> dict[str, Any]:
        """Per person: present days, missing check-in/out, minutes, days in each band; days
        on leave left out (leave covers the day, as in person_month)."""

        def counted(condition: Q) -> Q:
            return condition & ~leave_spans if leave_spans is not None else condition

        present = Q(check_in__isnull=False) | Q(check_out__isnull=False)
        aggregates: dict[str, Any] = {
            "present": Count("id", filter=counted(present)),
            "missing_in": Count("id", filter=counted(Q(check_in__isnull=True,
                                                       check_out__isnull=False))),
            "missing_out": Count("id", filter=counted(Q(check_out__isnull=True,
                                                        check_in__isnull=False))),
            "late_total": Sum("late_minutes", filter=counted(Q(late_minutes__gt=0))),
            "early_total": Sum("early_minutes", filter=counted(Q(early_minutes__gt=0))),
        }
        for i, band in enumerate(self.bands):
            column = "late_minutes" if band.applies_to == rules.LATE else "early_minutes"
            condition = Q(**{f"{column}__gte": band.low})
            if band.high is not None:
                condition &= Q(**{f"{column}__lte": band.high})
            aggregates[f"b{i}"] = Count("id", filter=counted(condition))
        return aggregates

    def rows(self, people: list[Pegawai]) -> list[SummaryRow]:
        if not people:
            return []
        ids = [p.pk for p in people]
        leaves: dict[int, list[tuple[str, dt.date, dt.date]]] = defaultdict(list)
        leave_spans: Q | None = None
        for pid, kind, start, end in Leave.objects.filter(
            pegawai_id__in=ids, start_date__lte=self.last, end_date__gte=self.first
        ).order_by("start_date", "pk").values_list("pegawai_id", "kind", "start_date",
                                                   "end_date"):
            leaves[pid].append((kind, start, end))
            span = Q(pegawai_id=pid, date__gte=start, date__lte=end)
            leave_spans = span if leave_spans is None else leave_spans | span
        aggregates = self._aggregates(leave_spans)
        names = list(aggregates)
        presence: dict[int, dict[str, int]] = {}
        if self.first <= self.until:
            for pid, *values in (
                Presensi.objects.filter(pegawai_id__in=ids, date__gte=self.first,
                                        date__lte=self.until, working_day=True)
                .order_by().values("pegawai_id").annotate(**aggregates)
                .values_list("pegawai_id", *names)
            ):
                presence[pid] = {k: int(v or 0) for k, v in zip(names, values, strict=True)}
        if self._calendars is None:
            self._calendars = Calendars(self.instansi_id)
        year_cal = self._calendars.year(self.first.year)
        # Each day at the person's place on that day (as the import measured it); the working
        # days of each calendar (a handful of places) worked out once.
        places = PlaceHistory()
        places.load(set(ids))
        month = [self.first + dt.timedelta(days=n)
                 for n in range((self.last - self.first).days + 1)]
        working: dict[int, set[dt.date]] = {}
        out = []
        for p in people:
            opd_id = getattr(p, "place_opd_id", None)
            unit_id = getattr(p, "place_unit_id", None)
            month_days = []
            for day in month:
                cal = year_cal.for_place(*places.on(p.pk, day))
                if id(cal) not in working:
                    working[id(cal)] = set(rules.working_days(cal, self.first, self.last))
                if day in working[id(cal)]:
                    month_days.append(day)
            counted = [d for d in month_days if d <= self.until]
            on_leave: dict[str, int] = {}
            for day in counted:
                leave = leave_on(leaves.get(p.pk, ()), day)
                if leave:
                    on_leave[leave] = on_leave.get(leave, 0) + 1
            c = presence.get(p.pk, {})
            late = {b.code: c.get(f"b{i}", 0) for i, b in enumerate(self.bands)
                    if b.applies_to == rules.LATE}
            early = {b.code: c.get(f"b{i}", 0) for i, b in enumerate(self.bands)
                     if b.applies_to == rules.EARLY}
            present = c.get("present", 0)
            out.append(SummaryRow(
                pegawai=p, opd_id=opd_id, opd_name=getattr(p, "place_opd_name", None) or "",
                unit_id=unit_id, working_days=len(month_days), counted_days=len(counted),
                present=present, late=late, early=early, missing_in=c.get("missing_in", 0),
                missing_out=c.get("missing_out", 0),
                tanpa_keterangan=max(0, len(counted) - present - sum(on_leave.values())),
                leave=on_leave, late_minutes=c.get("late_total", 0),
                early_minutes=c.get("early_total", 0),
            ))
        return out


def month_summary(account: Account, first: dt.date, *, opd: Opd | None = None,
                  today: dt.date | None = None,
                  bands: Sequence[rules.Band] = rules.DEFAULT_BANDS) -> MonthSummary:
    """Everyone holding a definitive position in the OPD (or, without one, in any OPD the
    account reads) at the end of the month (today for the current month), by name. Forbidden
    for accounts that read no summary; NotFound for an OPD outside the scope."""
    if not may_read_summary(account):
        raise Forbidden("forbidden", _("Only admin OPD and the instansi's readers see the "
                                       "attendance summary."))
    instansi_id = account.instansi_id
    assert instansi_id is not None
    today = today or timezone.localdate()
    first, last = rules.month_bounds(first.year, first.month)
    on = max(first, min(last, today))
    opds = summary_opds(account)
    if opd is not None:
        if not opds.filter(pk=opd.pk).exists():
            raise NotFound("not_found", _("OPD not found."))
        opd_ids: list[int] | None = [opd.pk]
    else:
        opd_ids = None if reads_all(account) else list(opds.values_list("pk", flat=True))
    place = current_definitive(on).filter(pegawai_id=OuterRef("pk"))
    if opd_ids is not None:
        place = place.filter(jabatan__opd_id__in=opd_ids)
    people = (
        Pegawai.objects.filter(Exists(place), instansi_id=instansi_id)
        .exclude(status__in=[s.value for s in INACTIVE_STATUSES])
        .annotate(
            place_opd_id=Subquery(place.values("jabatan__opd_id")[:1]),
            place_unit_id=Subquery(place.values("jabatan__unit_id")[:1]),
            place_opd_name=Subquery(place.values("jabatan__opd__name")[:1]),
        )
        .order_by("name", "nip")
    )
    return MonthSummary(people, instansi_id=instansi_id, first=first, last=last, today=today,
                        bands=bands)


# --- The working calendar ------------------------------------------------------------------------


def schedules_of(instansi_id: int, year: int) -> QuerySet[WorkSchedule]:
    """The instansi's schedule of the year first, then the overrides (OPD, then unit)."""
    return (WorkSchedule.objects.filter(instansi_id=instansi_id, year=year)
            .select_related("opd", "unit", "unit__opd")
            .order_by("unit_id", "opd_id", "pk"))


def instansi_schedule(instansi_id: int, year: int) -> WorkSchedule | None:
    return WorkSchedule.objects.filter(instansi_id=instansi_id, year=year, opd__isnull=True,
                                       unit__isnull=True).first()


def overrides_of(instansi_id: int, year: int) -> QuerySet[WorkSchedule]:
    return (WorkSchedule.objects.filter(Q(opd__isnull=False) | Q(unit__isnull=False),
                                        instansi_id=instansi_id, year=year)
            .select_related("opd", "unit", "unit__opd")
            .order_by("opd__name", "unit__name", "pk"))


def get_schedule_for(account: Account, pk: int) -> WorkSchedule:
    """A schedule of the account's instansi (everyone of the instansi reads the calendar)."""
    found = (WorkSchedule.objects.filter(pk=pk, instansi_id=account.instansi_id)
             .select_related("opd", "unit", "unit__opd").first()
             if account.instansi_id is not None else None)
    if found is None:
        raise NotFound("not_found", _("Schedule not found."))
    return found


def holidays_of(instansi_id: int, year: int) -> QuerySet[Holiday]:
    return Holiday.objects.filter(instansi_id=instansi_id, date__year=year).order_by("date")


def get_holiday_for(account: Account, pk: int) -> Holiday:
    found = (Holiday.objects.filter(pk=pk, instansi_id=account.instansi_id).first()
             if account.instansi_id is not None else None)
    if found is None:
        raise NotFound("not_found", _("Holiday not found."))
    return found


@dataclass(frozen=True)
class WeekdayHours:
    weekday: int
    hours: rules.Hours | None
    ramadan: rules.Hours | None


def week_of(schedule: WorkSchedule) -> list[WeekdayHours]:
    """Monday to Sunday with the hours and the Ramadan hours of each (None: day off)."""
    hours = rules.parse_hours(schedule.hours)
    ramadan = rules.parse_hours(schedule.ramadan_hours) if schedule.ramadan_hours else {}
    return [WeekdayHours(d, hours.get(d), ramadan.get(d)) for d in range(1, 8)]


# --- Discipline cases ----------------------------------------------------------------------------


def discipline_cases_visible_to(account: Account) -> QuerySet[DisciplineCase]:
    """Every case of the instansi for its readers; one's own for everyone else."""
    scope = scope_for(account)
    if scope.instansi_id is None:
        return DisciplineCase.objects.none()
    cases = DisciplineCase.objects.filter(instansi_id=scope.instansi_id)
    if not scope.reads_whole_instansi:
        if scope.pegawai_id is None:
            return cases.none()
        cases = cases.filter(pegawai_id=scope.pegawai_id)
    return cases.select_related("pegawai", "created_by").order_by("-start_month", "-pk")


def get_discipline_case_for(account: Account, pk: int) -> DisciplineCase:
    found = discipline_cases_visible_to(account).filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("Discipline case not found."))
    return found


def in_force(cases: QuerySet[DisciplineCase], first: dt.date) -> QuerySet[DisciplineCase]:
    """The cases (not cancelled) that affect the month starting `first`: from `start_month`
    for `months` months, compared as month numbers (year * 12 + month) in SQL."""
    return cases.annotate(
        last_index=ExtractYear("start_month") * 12 + ExtractMonth("start_month")
        + F("months") - 1,
    ).filter(cancelled_at__isnull=True, start_month__lte=first,
             last_index__gte=first.year * 12 + first.month)


def affects(case: DisciplineCase, first: dt.date) -> bool:
    elapsed = (first.year - case.start_month.year) * 12 + first.month - case.start_month.month
    return case.cancelled_at is None and 0 <= elapsed < case.months


def end_month(case: DisciplineCase) -> dt.date:
    """The last month the case affects."""
    return shift_month(case.start_month, case.months - 1)


def own_cases(pegawai_id: int) -> list[DisciplineCase]:
    """A person's cases, newest first, cancelled ones included (they show why)."""
    return list(DisciplineCase.objects.filter(pegawai_id=pegawai_id)
                .order_by("-start_month", "-pk"))
