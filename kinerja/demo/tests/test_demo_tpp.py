"""The demo's attendance and TPP (kinerja/demo/attendance.py): the calendar with one puskesmas on
a 6-day week, presensi of the daily work's window with lateness, early leave, missing
check-outs and unexcused absence, leave, one discipline case, the national preset active, the
first complete month's TPP approved and the next one computed and open; and `--reset` clears
it all.

One full load per test (about 8 s), so the checks of one load share a test."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from kinerja.activities.models import Activity
from kinerja.allowances.models import TppLine, TppMonth, TppMonthStatus, TppPreset
from kinerja.attendance import rules as att
from kinerja.attendance.models import DisciplineCase, Holiday, Presensi, WorkSchedule
from kinerja.attendance.services import remeasure_presensi
from kinerja.core.audit import audit_verify
from kinerja.core.models import AuditRecord
from kinerja.demo.attendance import window_of
from kinerja.demo.load import load_demo, reset_instansi
from kinerja.org.rules import HoldingKind
from kinerja.people.models import INACTIVE_STATUSES, Leave, Pegawai, PositionAssignment

TODAY = dt.date(2025, 6, 16)  # window 2025-03-16 .. 2025-06-16: April approved, May open


def _holders(instansi, first: dt.date, last: dt.date) -> set[int]:
    """Everyone holding a position (any kind) during the month with an active status, and
    whoever retired since for a position that closed in the month."""
    return set(
        PositionAssignment.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first), instansi=instansi,
            start_date__lte=last,
        ).filter(~Q(pegawai__status__in=[s.value for s in INACTIVE_STATUSES])
                 | Q(end_date__isnull=False))
        .values_list("pegawai_id", flat=True)
    )


def test_demo_presensi_leave_discipline_and_tpp(db):
    instansi = load_demo(today=TODAY).instansi
    window = window_of(TODAY)
    assert (window.first.label, window.second.label) == ("2025-04", "2025-05")

    # Calendar: the year's schedule and one UPT Puskesmas (with its subunit) on six days.
    schedules = WorkSchedule.objects.filter(instansi=instansi, year=2025)
    assert schedules.filter(opd__isnull=True, unit__isnull=True).count() == 1
    puskesmas = schedules.filter(unit__isnull=False)
    assert puskesmas.exists()
    assert all(s.unit.name.startswith(("UPT Puskesmas", "Subbagian")) and "6" in s.hours
               for s in puskesmas.select_related("unit"))
    saturdays = Presensi.objects.filter(instansi=instansi, date__week_day=7)
    assert saturdays.exists()
    units = set(puskesmas.values_list("unit_id", flat=True))
    for pid in saturdays.values_list("pegawai_id", flat=True).distinct():
        assert PositionAssignment.objects.filter(
            pegawai_id=pid, kind=HoldingKind.DEFINITIF, jabatan__unit_id__in=units).exists()
    assert not Presensi.objects.filter(instansi=instansi, date__week_day=1).exists()  # Sundays

    # Presensi: the daily work's window, measured against the calendar as the import would.
    rows = Presensi.objects.filter(instansi=instansi)
    assert rows.count() > 15_000
    span = rows.order_by("date").values_list("date", flat=True)
    assert window.start <= span.first() <= window.start + dt.timedelta(days=2)  # a Sunday
    assert span.last() == TODAY
    assert not rows.filter(date=TODAY, check_out__isnull=False).exists()  # 11:00 on `today`
    assert remeasure_presensi(instansi.pk, 2025) == 0
    past = rows.filter(date__lt=TODAY)
    late = Counter(att.band_of(m, att.DEFAULT_BANDS, att.LATE)
                   for m in past.values_list("late_minutes", flat=True))
    early = Counter(att.band_of(m, att.DEFAULT_BANDS, att.EARLY)
                    for m in past.values_list("early_minutes", flat=True))
    total = past.count()
    assert late[None] > 0.85 * total  # most are on time
    assert late["TL1"] > late["TL2"] > late["TL3"] + late["TL4"] > 0
    assert 0 < early["PSW1"] and sum(n for code, n in early.items() if code) < 0.1 * total
    missing_out = past.filter(check_out__isnull=True).count()
    assert 0 < missing_out < 0.02 * total
    assert past.filter(check_in__isnull=True, check_out__isnull=False).exists()

    # Leave: the kinds asked for; never a presensi on a day of leave, never a leave of this
    # module on a logged day (the daily work's leave may have one logged day, flagged).
    leaves = Leave.objects.filter(instansi=instansi)
    kinds = Counter(leaves.values_list("kind", flat=True))
    for kind in ("tahunan", "sakit", "dinas_luar", "cltn"):
        assert kinds[kind] >= 1, kind
    sakit_3 = leaves.get(kind="sakit", start_date__month=4, note__icontains="dokter")
    assert (sakit_3.end_date - sakit_3.start_date).days == 2
    on_leave = leaves.values_list("pegawai_id", "start_date", "end_date")
    for pid, a, b in on_leave:
        assert not rows.filter(pegawai_id=pid, date__gte=a, date__lte=b).exists(), (pid, a)
    cltn = leaves.get(kind="cltn")
    assert not Activity.objects.filter(pegawai_id=cltn.pegawai_id,
                                       date__gte=cltn.start_date).exists()

    # Unexcused absence: working days without a record and without leave.
    leave_days = defaultdict(set)
    for pid, a, b in on_leave:
        leave_days[pid].update(a + dt.timedelta(days=i) for i in range((b - a).days + 1))
    present = defaultdict(set)
    for pid, day in rows.values_list("pegawai_id", "date"):
        present[pid].add(day)
    weekdays = [d for d in (window.start + dt.timedelta(days=i)
                            for i in range((TODAY - window.start).days))
                if d.isoweekday() <= 5]
    absent = {(pid, d) for pid in present for d in weekdays
              if d not in present[pid] and d not in leave_days[pid]
              and d >= min(present[pid])}
    assert 5 <= len(absent) < 0.01 * total

    # Discipline: one case, potong tunjangan 6 months from the approved month, by admin BKPSDM.
    case = DisciplineCase.objects.get(instansi=instansi)
    assert case.sanction == "potong_tunjangan_6" and case.level == "sedang"
    assert case.start_month == window.first.first and case.months == 6
    assert case.created_by.grants.filter(role="admin_bkpsdm").exists()
    assert sum(1 for pid, d in absent if pid == case.pegawai_id) >= 5

    # The national preset, active from the window's first month.
    preset = TppPreset.objects.get(instansi=instansi)
    assert preset.is_active and preset.template == "nasional"
    assert preset.versions.get().effective_from == dt.date(2025, 3, 1)

    # TPP: April approved, May computed and open.
    months = {m.period: m for m in TppMonth.objects.filter(instansi=instansi)}
    april, may = months[window.first.first], months[window.second.first]
    assert len(months) == 2
    assert april.status == TppMonthStatus.APPROVED and april.approved_by is not None
    assert may.status == TppMonthStatus.COMPUTED and may.approved_at is None
    for month, (first, last) in ((april, att.month_bounds(2025, 4)),
                                 (may, att.month_bounds(2025, 5))):
        lines = TppLine.objects.filter(month=month)
        assert set(lines.values_list("pegawai_id", flat=True)) == _holders(instansi, first, last)
        sums = lines.aggregate(net=Sum("net"), gross=Sum("gross"))
        assert month.people == lines.count() > 250
        assert month.total_net == sums["net"] > 0 and month.total_gross == sums["gross"]
    # The retired Kabid (the Plt story) worked until his position closed, and is paid to then.
    retired = Pegawai.objects.get(instansi=instansi, status="pensiun")
    closed = PositionAssignment.objects.get(pegawai=retired).end_date
    days = list(rows.filter(pegawai=retired).values_list("date", flat=True))
    assert days and max(days) <= closed and (closed - max(days)).days <= 3
    if window.first.first <= closed <= att.month_bounds(2025, 4)[1]:
        paid = TppLine.objects.get(month=april, pegawai=retired)
        assert not any(x["code"] == "tanpa_keterangan" for x in paid.lines)

    line = TppLine.objects.get(month=april, pegawai_id=case.pegawai_id)
    sanction = next(x for x in line.lines if x["code"] == "sanction_potong_tunjangan_6")
    assert Decimal(sanction["amount"]) == Decimal(sanction["base"]) * Decimal("0.25") > 0
    assert any(x["code"] == "tanpa_keterangan" for x in line.lines)
    codes = Counter(x["code"] for x in TppLine.objects.get(
        month=april, pegawai_id=sakit_3.pegawai_id).lines)
    assert codes["leave_sakit"] == 1  # 3 days of sakit: 25% (Permentan 68/2012)
    april_codes = Counter(x["code"] for lines in TppLine.objects.filter(month=april)
                          .values_list("lines", flat=True) for x in lines)
    for code in ("TL1", "TL2", "PSW1", "tanpa_keterangan", "leave_cltn", "kinerja_factor"):
        assert april_codes[code] >= 1, code
    assert TppLine.objects.filter(month=april, deductions=0).exists()

    # Audited, and the chain still verifies.
    actions = Counter(AuditRecord.objects.filter(instansi=instansi)
                      .values_list("action", flat=True))
    for action in ("calendar.create", "calendar.schedule_save", "tpp.preset_install",
                   "presensi.import", "leave.create", "discipline.create", "tpp.compute",
                   "tpp.approve"):
        assert actions[action] >= 1, action
    assert audit_verify(instansi).ok

    # --reset clears it all (inside a transaction, as load_demo runs it).
    count = rows.count()
    with transaction.atomic():
        deleted = reset_instansi(instansi)
    assert deleted["tpp_months"] == 2 and deleted["presensi"] == count
    for model in (TppMonth, TppPreset, Presensi, DisciplineCase, WorkSchedule, Holiday):
        assert not model.objects.filter(instansi=instansi).exists(), model
    assert not TppLine.objects.filter(month__instansi=instansi).exists()
    assert not Pegawai.objects.filter(instansi=instansi).exists()


def test_without_daily_work_only_the_calendar_and_the_preset(db):
    instansi = load_demo(today=TODAY, daily_work=False).instansi
    assert WorkSchedule.objects.filter(instansi=instansi, unit__isnull=True).count() == 1
    assert WorkSchedule.objects.filter(instansi=instansi, unit__isnull=False).exists()
    assert TppPreset.objects.get(instansi=instansi).is_active
    for model in (Presensi, DisciplineCase, TppMonth):
        assert not model.objects.filter(instansi=instansi).exists(), model
    load_demo(today=TODAY, daily_work=False, reset=True, seed=2)
    assert TppPreset.objects.filter(instansi=instansi).count() == 1
