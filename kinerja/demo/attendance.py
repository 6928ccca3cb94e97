"""The demo Pemda's attendance and TPP (kinerja.attendance, kinerja.allowances), written last:
the national preset's kinerja part follows the predikat of the evaluations written before.

What it looks like:
- The working calendar of every year the daily work's window touches
  (`attendance.services.calendar_year_ensure`: the standard 5-day week, Ramadan hours and the
  national holidays where holidays.py knows the year), and one override: the first UPT
  Puskesmas (and its subunits) on the 6-day week of the outpatient service, saved by admin
  BKPSDM through `schedule_save`.
- The national TPP preset installed and active from the first month of the window.
- Presensi of everyone with a definitive position, on every working day of their place from
  the window's first day to `today` (someone retired since: until their position closed; on
  `today` the check-in only, the demo's "now" is 11:00), the window of the activity logs.
  Most people come 1-35 minutes early and leave on time; each day about 5% come late (a
  habitually late 8% about 22%), mostly TL1, some TL2, a few TL3/TL4; about 2.5% leave early
  (PSW1-PSW4); a few check-outs and fewer check-ins are missing; a few working days have no
  record at all (tanpa keterangan), only on days the person logged no work. Nobody has a
  record on a day of leave.
- Leave beside the daily work's (`people.Leave`): in the first complete month sakit 3 days
  (Permentan: 25% cut) and cuti tahunan 4 days; in the next month cuti tahunan 2 days, dinas
  luar 3 days, sakit 2 days; one CLTN from the middle of the first complete month for a year;
  tugas belajar for people with that status and cuti besar for people on cuti, where they log no
  work. Leave only falls on days the person logged no work (the daily work's flags stay what
  `activities.rules.check_log` says).
- One discipline case: an employee absent without leave on several days before the first
  complete month gets `potong_tunjangan_6` (25% for 6 months from that month), entered by the
  log-in table's admin BKPSDM through `discipline_create`.
- TPP: the first complete month computed (`allowances.batch.compute_month`) and approved by
  admin BKPSDM (`month_approve`); the next month computed and left open.

With `daily_work=False` (large synthetic sets) only the calendar, the override and the preset
are written: no presensi, leave, discipline or TPP month (without logs there are no
evaluations, so the TPP would say little, and 100k x 66 days of presensi is not what such a
load is for).

Set-based: a fixed number of reads (people, definitive holdings, the logged days, the daily
work's leave, the calendars), the presensi in one insert stream (COPY on PostgreSQL), the leave
with one bulk_create; the services run once each (calendar per year, override per unit and year,
preset, discipline case, approval), the TPP computation is itself set-based.

Audit: the services write their own records (calendar.create, calendar.schedule_save,
tpp.preset_install, tpp.preset_activate, discipline.create, tpp.compute, tpp.approve); the
presensi get one `presensi.import` record per month with the count and the leave one
`leave.create` each, with `context.generator = kinerja.demo`, as the imports would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from kinerja.activities.models import Activity
from kinerja.allowances.batch import Month, compute_month
from kinerja.allowances.models import (
    TppAdjustment,
    TppLine,
    TppMonth,
    TppPreset,
    TppPresetVersion,
)
from kinerja.allowances.services import month_approve, preset_install
from kinerja.attendance import rules as att
from kinerja.attendance.calendars import Calendars
from kinerja.attendance.models import DisciplineCase, Holiday, Presensi, WorkSchedule
from kinerja.attendance.services import calendar_year_ensure, discipline_create, schedule_save
from kinerja.core.audit import AuditEntry, audit_record_many
from kinerja.core.models import Instansi
from kinerja.demo.activities import WINDOW_MONTHS, months_back
from kinerja.demo.plans_load import GENERATOR, _insert
from kinerja.org.models import UnitKerja
from kinerja.org.rules import HoldingKind
from kinerja.people.models import (
    INACTIVE_STATUSES,
    Account,
    Leave,
    Pegawai,
    PositionAssignment,
)

TEMPLATE = "nasional"
PUSKESMAS_PREFIX = "UPT Puskesmas"
PUSKESMAS_SCHEDULE = "Puskesmas: pelayanan 6 hari kerja"
# Per working day: (share of the people, chance to come late, chance to leave early).
HABITS = ((0.08, 0.22, 0.06), (0.92, 0.045, 0.025))
# Minutes late / early by band (Permentan 68/2012 bands): (weight, low, high).
LATE_SPREAD = ((80, 1, 30), (13, 31, 60), (4, 61, 90), (3, 91, 150))
EARLY_SPREAD = ((75, 1, 30), (15, 31, 60), (6, 61, 90), (4, 91, 180))
MISSING_OUT = 0.004
MISSING_IN = 0.002
ABSENT = 0.003  # a working day without a record, on days without a work log
SANCTION = "potong_tunjangan_6"
SANCTION_NOTE = (
    "Tidak masuk kerja tanpa alasan yang sah secara kumulatif 11 hari kerja dalam satu tahun "
    "(PP 94/2021 Pasal 11): pemotongan tunjangan kinerja 25% selama 6 bulan."
)


@dataclass
class Holding:
    start: dt.date
    end: dt.date | None
    opd: int
    unit: int | None


@dataclass
class LeaveRow:
    pegawai: int
    kind: str
    start: dt.date
    end: dt.date
    note: str


@dataclass
class Window:
    start: dt.date
    today: dt.date
    first: Month  # the first complete month: approved
    second: Month  # the next: computed, open

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.today.year + 1))


@dataclass
class Plan:
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    leaves: list[LeaveRow] = field(default_factory=list)
    absent: dict[int, set[dt.date]] = field(default_factory=dict)
    disciplined: int | None = None
    counts: Counter[str] = field(default_factory=Counter)


def window_of(today: dt.date) -> Window:
    """The daily work's window (kinerja.demo.activities) and its first two complete months."""
    start = months_back(today, WINDOW_MONTHS)
    first = start if start.day == 1 else att.month_bounds(start.year, start.month)[1] + (
        dt.timedelta(days=1))
    second = att.month_bounds(first.year, first.month)[1] + dt.timedelta(days=1)
    return Window(start, today, Month(first.year, first.month), Month(second.year, second.month))


def _pick(rng: random.Random, spread: Iterable[tuple[int, int, int]]) -> int:
    table = list(spread)
    roll = rng.random() * sum(w for w, _lo, _hi in table)
    for weight, low, high in table:
        roll -= weight
        if roll < 0:
            return rng.randint(low, high)
    return table[-1][1]


def _shift(t: dt.time, minutes: int, second: int = 0) -> dt.time:
    total = max(0, min(t.hour * 60 + t.minute + minutes, 23 * 60 + 59))
    return dt.time(total // 60, total % 60, second)


def _text(t: dt.time | None) -> str | None:
    return None if t is None else t.isoformat()


# --- Writing -------------------------------------------------------------------------------------


def write_attendance(
    instansi: Instansi,
    *,
    today: dt.date,
    seed: int,
    logins: dict[str, list[str]],
    timings: dict[str, float],
    daily_work: bool = True,
) -> dict[str, int]:
    """Calendar, override and preset; with the daily work also presensi, leave, the discipline
    case and two TPP months (see the module docstring). Runs inside the demo's transaction."""
    from kinerja.demo.load import _timed

    inst = instansi.pk
    window = window_of(today)
    counts: Counter[str] = Counter()
    admin_nips = logins.get("admin_bkpsdm") or []
    admin = Account.objects.filter(username=admin_nips[0]).first() if admin_nips else None

    def calendar() -> None:
        for year in window.years:
            calendar_year_ensure(inst, year)
        counts["holidays"] = Holiday.objects.filter(
            instansi_id=inst, date__year__in=window.years).count()
        if admin is None:
            return
        # The first UPT Puskesmas and its subunits: outpatient service Monday to Saturday.
        first = (UnitKerja.objects.filter(instansi_id=inst, name__startswith=PUSKESMAS_PREFIX)
                 .order_by("code", "pk").first())
        if first is None:
            return
        units = list(UnitKerja.objects.filter(instansi_id=inst, path__startswith=first.path)
                     .order_by("path"))
        for year in window.years:
            for unit in units:
                schedule_save(actor=admin, year=year, unit=unit, values={
                    "name": f"{PUSKESMAS_SCHEDULE} ({unit.name})",
                    "hours": att.hours_text(att.standard_hours(6)),
                })
        counts["work_schedules"] = WorkSchedule.objects.filter(instansi_id=inst).count()

    _timed(timings, "attendance_calendar", calendar)
    _timed(timings, "tpp_preset", lambda: preset_install(
        actor=None, instansi_id=inst, template=TEMPLATE, activate=True,
        effective_from=window.start.replace(day=1)))
    counts["tpp_presets"] = 1
    if not daily_work or admin is None:
        return dict(counts)

    plan = _timed(timings, "attendance_plan",
                  lambda: plan_attendance(inst, window, seed=seed, logins=logins))
    counts.update(plan.counts)
    _timed(timings, "attendance_presensi", lambda: _insert(
        Presensi,
        ("instansi_id", "pegawai_id", "date", "check_in", "check_out", "late_minutes",
         "early_minutes", "working_day"),
        plan.rows,
    ))
    leaves = [Leave(instansi_id=inst, pegawai_id=lv.pegawai, kind=lv.kind, start_date=lv.start,
                    end_date=lv.end, note=lv.note) for lv in plan.leaves]
    _timed(timings, "attendance_leaves", lambda: Leave.objects.bulk_create(leaves))
    counts["attendance_leaves"] = len(leaves)

    by_month: Counter[str] = Counter(row[2].strftime("%Y-%m") for row in plan.rows)
    entries = [
        AuditEntry("presensi.import", Presensi._meta.label_lower, "", f"Presensi {month}",
                   {"created": [None, n]}, {"generator": GENERATOR, "as": admin.username})
        for month, n in sorted(by_month.items())
    ] + [
        AuditEntry("leave.create", Leave._meta.label_lower, str(lv.pk), str(lv),
                   {"kind": [None, lv.kind], "start_date": [None, lv.start_date.isoformat()],
                    "end_date": [None, lv.end_date.isoformat()]},
                   {"generator": GENERATOR, "as": admin.username})
        for lv in leaves
    ]
    audit_record_many(actor=None, instansi=inst, entries=entries)
    counts["attendance_audit_records"] = len(entries)

    if plan.disciplined is not None:
        person = Pegawai.objects.get(pk=plan.disciplined)
        first_day = window.first.first
        decree = first_day - dt.timedelta(days=1)
        while decree.isoweekday() > 5:
            decree -= dt.timedelta(days=1)
        values = {
            "sanction": SANCTION,
            "decree_number": f"800.1.6.4/{17 + seed % 50:03d}/BKPSDM/{decree.year}",
            "decree_date": decree,
            "start_month": first_day,
            "note": SANCTION_NOTE,
        }
        _timed(timings, "discipline",
               lambda: discipline_create(actor=admin, pegawai=person, values=values))
        counts["discipline_cases"] = 1

    def tpp() -> None:
        first = compute_month(inst, window.first, actor=admin, today=today)
        month_approve(actor=admin, tpp_month=first.month)
        second = compute_month(inst, window.second, actor=admin, today=today)
        counts["tpp_lines"] = first.people + second.people
        counts["tpp_months"] = 2

    _timed(timings, "tpp_months", tpp)
    return dict(counts)


def plan_attendance(inst: int, window: Window, *, seed: int,
                    logins: dict[str, list[str]]) -> Plan:
    """Who is present, late, early, absent or on leave on which day: read in a fixed number of
    queries, then decided in Python with one seeded random stream."""
    rng = random.Random(seed * 7919 + 104729)
    r = rng.random
    start, today = window.start, window.today
    people = {pk: (nip, status) for pk, nip, status in Pegawai.objects.filter(
        instansi_id=inst).values_list("pk", "nip", "status")}
    holdings: dict[int, list[Holding]] = defaultdict(list)
    for pid, h_start, h_end, opd, unit in PositionAssignment.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start), instansi_id=inst,
            kind=HoldingKind.DEFINITIF, start_date__lte=today,
    ).order_by("pegawai_id", "start_date", "pk").values_list(
            "pegawai_id", "start_date", "end_date", "jabatan__opd_id", "jabatan__unit_id"):
        holdings[pid].append(Holding(h_start, h_end, opd, unit))
    logged: dict[int, set[dt.date]] = defaultdict(set)
    for pid, day in Activity.objects.filter(
            instansi_id=inst, date__gte=start, date__lte=today).order_by().values_list(
            "pegawai_id", "date").distinct():
        logged[pid].add(day)
    on_leave: dict[int, set[dt.date]] = defaultdict(set)

    def mark(pid: int, a: dt.date, b: dt.date) -> None:
        day = max(a, start)
        while day <= min(b, today):
            on_leave[pid].add(day)
            day += dt.timedelta(days=1)

    for pid, a, b in Leave.objects.filter(instansi_id=inst, end_date__gte=start,
                                          start_date__lte=today).values_list(
            "pegawai_id", "start_date", "end_date"):
        mark(pid, a, b)
    calendars = Calendars(inst)
    hours_cache: dict[tuple[int, dt.date], att.Hours | None] = {}

    def hours(h: Holding, day: dt.date) -> att.Hours | None:
        cal = calendars.year(day.year).for_place(h.opd, h.unit)
        key = (id(cal), day)
        if key not in hours_cache:
            hours_cache[key] = att.hours_on(cal, day)
        return hours_cache[key]

    def place(pid: int, day: dt.date) -> Holding | None:
        found = None
        for h in holdings.get(pid, ()):
            if h.start <= day and (h.end is None or day <= h.end):
                found = h  # the newest TMT in force wins
        return found

    plan = Plan()
    featured = {nip for nips in logins.values() for nip in nips}
    # Someone retired (or gone) since worked until their position closed (the TPP pays them up
    # to then); an open position of such a person says nothing, as in allowances.batch.
    for pid, (_nip, status) in people.items():
        if status in INACTIVE_STATUSES and pid in holdings:
            holdings[pid] = [h for h in holdings[pid] if h.end is not None]
    present = sorted(pid for pid in people if holdings.get(pid))
    active = [pid for pid in present if people[pid][1] not in INACTIVE_STATUSES]
    days = [start + dt.timedelta(days=i) for i in range((today - start).days + 1)]
    default = calendars.year(start.year).default

    def month_days(month: Month) -> list[dt.date]:
        return [d for d in days if d.year == month.year and d.month == month.month
                and att.hours_on(calendars.year(d.year).default, d) is not None]

    # Free of logs and leave on the given days, not in the log-in table: the candidates for the
    # new leave and the discipline case, in a seeded order.
    candidates = [pid for pid in active if people[pid][0] not in featured]
    rng.shuffle(candidates)
    used: set[int] = set()

    def free(pid: int, a: dt.date, b: dt.date) -> bool:
        return not any(a <= d <= b for d in logged.get(pid, ())) and not any(
            a <= d <= b for d in on_leave.get(pid, ()))

    def take(a: dt.date, b: dt.date, *, status: str | None = None) -> int | None:
        for pid in candidates:
            if pid in used or (status is not None and people[pid][1] != status):
                continue
            if free(pid, a, max(min(b, today), a)):
                used.add(pid)
                return pid
        return None

    def add_leave(pid: int | None, kind: str, a: dt.date, b: dt.date, note: str) -> None:
        if pid is None:
            return
        plan.leaves.append(LeaveRow(pid, kind, a, b, note))
        mark(pid, a, b)

    # Long leave first: whoever has that status and logs nothing in the window.
    year_end = dt.date(start.year + 1, start.month, 1) - dt.timedelta(days=1)
    for pid in candidates:
        status = people[pid][1]
        if status in ("tugas_belajar", "cuti") and pid not in used and free(pid, start, today):
            used.add(pid)
            if status == "tugas_belajar":
                add_leave(pid, "tugas_belajar", start.replace(day=1), year_end,
                          "Tugas belajar program magister (SK Bupati)")
            else:  # three months, still running on `today`
                begin = months_back(today, 2).replace(day=1)
                add_leave(pid, "besar", begin, months_back(begin, -3) - dt.timedelta(days=1),
                          "Cuti besar")
    first_days, second_days = month_days(window.first), month_days(window.second)
    if len(first_days) >= 16 and len(second_days) >= 16:
        cltn_start = first_days[len(first_days) // 2]
        cltn_end = dt.date(cltn_start.year + 1, cltn_start.month, 1) - dt.timedelta(days=1)
        add_leave(take(cltn_start, today, status="cuti") or take(cltn_start, today), "cltn",
                  cltn_start, cltn_end, "Cuti di luar tanggungan negara (alasan keluarga)")
        for kind, span, note in (
            ("sakit", first_days[4:7], "Sakit, dengan surat keterangan dokter"),
            ("tahunan", first_days[11:15], "Cuti tahunan"),
            ("tahunan", second_days[2:4], "Cuti tahunan"),
            ("dinas_luar", second_days[7:10], "Dinas luar: rapat koordinasi di ibu kota "
                                               "provinsi"),
            ("sakit", second_days[14:16], "Sakit"),
        ):
            add_leave(take(span[0], span[-1]), kind, span[0], span[-1], note)
    plan.counts["attendance_leave_days"] = sum(len(v) for v in on_leave.values())

    # The discipline case: absent without leave on up to four working days before the first
    # complete month and two in it (PP 94/2021 counts a year; the earlier days are before the
    # window).
    before = [d for d in days if d < window.first.first and d.isoweekday() <= 5
              and att.hours_on(default, d) is not None]
    disciplined = take(start, today)
    if disciplined is not None:
        plan.disciplined = disciplined
        plan.absent[disciplined] = set(before[-4:]) | set(first_days[2:3] + first_days[9:10])

    # The days, person by person.
    habits = [(share, late, early) for share, late, early in HABITS]
    for pid in present:
        roll, late_p, early_p = r(), habits[-1][1], habits[-1][2]
        if roll < habits[0][0]:
            late_p, early_p = habits[0][1], habits[0][2]
        absent = plan.absent.setdefault(pid, set())
        leave = on_leave.get(pid, set())
        mine = logged.get(pid, set())
        for day in days:
            h = place(pid, day)
            if h is None:
                continue
            hrs = hours(h, day)
            if hrs is None or day in leave:
                continue
            if day in absent or (day not in mine and day != today and r() < ABSENT):
                absent.add(day)
                continue
            if r() < late_p:
                check_in: dt.time | None = _shift(hrs.start, _pick(rng, LATE_SPREAD),
                                                  int(r() * 60))
            else:
                check_in = _shift(hrs.start, -1 - int(r() * 35), int(r() * 60))
            if day == today:
                check_out: dt.time | None = None  # 11:00: still at work
            elif r() < MISSING_OUT:
                check_out = None
            elif r() < early_p:
                check_out = _shift(hrs.end, -_pick(rng, EARLY_SPREAD))
            else:
                check_out = _shift(hrs.end, int(r() * 45), int(r() * 60))
            if check_out is not None and r() < MISSING_IN:
                check_in = None
            late = att.minutes_late(check_in, hrs)
            early = att.minutes_early(check_out, hrs)
            plan.rows.append((inst, pid, day, _text(check_in), _text(check_out), late, early,
                              True))
            if late:
                plan.counts["presensi_late"] += 1
            if early:
                plan.counts["presensi_early"] += 1
    plan.counts["presensi"] = len(plan.rows)
    plan.counts["presensi_absent"] = sum(len(v) for v in plan.absent.values())
    return plan


# --- Reset -------------------------------------------------------------------------------------


def reset_attendance(instansi: Instansi) -> dict[str, int]:
    """Delete the instansi's TPP months and presets, presensi, discipline cases and calendar
    (called by `reset_instansi` first: TPP lines PROTECT people and OPDs). Leave goes with the
    daily work (`reset_activities`)."""
    from kinerja.demo.load import _delete

    deleted: dict[str, int] = {}
    deleted["tpp_adjustments"] = _delete(TppAdjustment, month__instansi=instansi)
    deleted["tpp_lines"] = _delete(TppLine, month__instansi=instansi)
    deleted["tpp_months"] = _delete(TppMonth, instansi=instansi)
    deleted["tpp_preset_versions"] = _delete(TppPresetVersion, preset__instansi=instansi)
    deleted["tpp_presets"] = _delete(TppPreset, instansi=instansi)
    deleted["presensi"] = _delete(Presensi, instansi=instansi)
    deleted["discipline_cases"] = _delete(DisciplineCase, instansi=instansi)
    deleted["work_schedules"] = _delete(WorkSchedule, instansi=instansi)
    deleted["holidays"] = _delete(Holiday, instansi=instansi)
    return deleted
