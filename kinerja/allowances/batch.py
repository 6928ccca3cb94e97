"""The monthly TPP computation, set-based: a fixed number of queries whatever the number of
employees, the rules (allowances.rules) in Python over plain values, the writes in one
transaction at the end.

Reads: the position assignments in force during the month (with the person and the kelas), the
calendars (two queries a year), one GROUP BY over the month's presensi outside leave days (a
count per lateness band of the preset and, where the preset cuts days without a work log, the
present days without one), the leaves and discipline cases touching the month, and what the
preset's performance factor needs (the period's evaluations, or one SUM over verified logs).
Writes: new TppLines with COPY (on PostgreSQL), changed ones with UPDATE ... FROM unnest, gone
ones deleted, the month's totals and one audit record. A second run on the same inputs writes
no line and adds no audit record (a month left `computing` by the page is only marked
computed again); an approved month is never touched. The same inputs and preset version give
the same rupiah.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.activities.models import Activity, ActivityStatus
from kinerja.allowances import rules
from kinerja.allowances.models import TppLine, TppMonth, TppMonthStatus, TppPresetVersion
from kinerja.attendance import rules as att
from kinerja.attendance.calendars import Calendars
from kinerja.attendance.models import DisciplineCase, Presensi
from kinerja.attendance.services import calendar_year_ensure
from kinerja.core.audit import audit_record
from kinerja.core.bulk import gc_paused, insert_rows, stream_rows, update_rows
from kinerja.core.errors import ApplicationError
from kinerja.evaluations import rules as eval_rules
from kinerja.evaluations.batch import period_for_month
from kinerja.evaluations.models import Evaluation
from kinerja.org.rules import HoldingKind
from kinerja.people.models import INACTIVE_STATUSES, Leave, PositionAssignment

Progress = Callable[[int, int], None]
LINE_FIELDS = ("opd_id", "jabatan_name", "kelas", "golongan", "ceiling", "payable",
               "deductions", "gross", "bpjs_employee", "bpjs_employer", "pph21",
               "pph21_withheld", "net", "factor_pct", "lines", "inputs", "digest")
FINAL_EVALUATIONS = tuple(eval_rules.LOCKED)
STRUCTURAL_HEADS = ("jpt_utama", "jpt_madya", "jpt_pratama", "administrator")


def approved_message() -> str:
    return _("This month's TPP is approved and locked; corrections are adjustments.")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return att.month_bounds(self.year, self.month)[1]

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-10' -> Month; ValueError with a message otherwise."""
        try:
            year, month = (int(p) for p in str(text).strip().split("-"))
            dt.date(year, month, 1)
        except (TypeError, ValueError):
            raise ValueError(f"'{text}' is not a month (YYYY-MM)") from None
        return cls(year, month)


@dataclass
class PersonRow:
    """What is known of a person's month before the rules run."""

    pegawai_id: int
    asn_type: str
    status: str
    golongan: str
    opd_id: int | None = None
    unit_id: int | None = None
    jabatan_name: str = ""
    holdings: list[rules.Holding] = field(default_factory=list)
    working: list[dt.date] = field(default_factory=list)  # the working days of their service


@dataclass
class ComputeResult:
    month: TppMonth
    people: int
    created: int
    changed: int
    removed: int
    total_net: Decimal
    wrote: bool


def version_for(instansi_id: int, month: Month) -> TppPresetVersion:
    """The version of the instansi's active preset in force in the month."""
    version = (TppPresetVersion.objects.filter(
        preset__instansi_id=instansi_id, preset__is_active=True, effective_from__lte=month.first)
        .select_related("preset").order_by("-effective_from", "-number").first())
    if version is None:
        raise ApplicationError("no_preset", _("No TPP preset is in force for this month; "
                                             "choose one on the TPP settings page."), status=409)
    return version


# --- Reading --------------------------------------------------------------------------------------


def _is_budget_holder(jenis: str, supervisor_opd: int | None, opd_id: int) -> bool:
    """The head of an OPD (Pengguna Anggaran): a structural position whose supervisor is
    outside the OPD (or none)."""
    return jenis in STRUCTURAL_HEADS and supervisor_opd != opd_id


def read_people(instansi_id: int, month: Month, calendars: Calendars,
                until: dt.date) -> dict[int, PersonRow]:
    """Everyone holding a position during the month, with the working days of each holding in
    the month (the ceiling of a month computed before it ends is the whole month's), and the
    working days up to `until` on which attendance is counted, from one query. Someone who has
    retired, left or died since is paid up to the end of their closed positions (the month
    they retired is computed after their status changed); an open position of such a person
    is not paid, as
    nothing says until when they served."""
    first, last = month.first, month.last
    inactive = [s.value for s in INACTIVE_STATUSES]
    rows = PositionAssignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first), instansi_id=instansi_id,
        start_date__lte=last,
    ).filter(~Q(pegawai__status__in=inactive) | Q(end_date__isnull=False)).order_by(
        "pegawai_id", "start_date", "pk").values_list(
        "pegawai_id", "kind", "start_date", "end_date", "jabatan__kelas", "jabatan__opd_id",
        "jabatan__unit_id", "jabatan__name", "jabatan__jenis", "jabatan__supervisor__opd_id",
        "pegawai__asn_type", "pegawai__status", "pegawai__golongan")
    by_person: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    people: dict[int, PersonRow] = {}
    for row in stream_rows(rows):
        pid = row[0]
        by_person[pid].append(row)
        if pid not in people:
            people[pid] = PersonRow(pid, row[10], row[11], row[12] or "")
    year_cal = calendars.year(month.year)
    for pid, holdings in by_person.items():
        person = people[pid]
        definitive = [h for h in holdings if h[1] == HoldingKind.DEFINITIF]
        # Definitive posts in TMT order: each ends where the next begins (SIMPEG may leave an
        # older one open).
        spans: list[tuple[dt.date, dt.date, tuple[Any, ...], bool]] = []
        for i, h in enumerate(definitive):
            start = max(h[2], first)
            end = min(h[3] or last, last)
            if i + 1 < len(definitive):
                end = min(end, definitive[i + 1][2] - dt.timedelta(days=1))
            if start <= end:
                spans.append((start, end, h, False))
        for h in holdings:
            if h[1] != HoldingKind.DEFINITIF:
                start, end = max(h[2], first), min(h[3] or last, last)
                if start <= end:
                    spans.append((start, end, h, True))
        working: set[dt.date] = set()
        for start, end, h, acting in spans:
            cal = year_cal.for_place(h[5], h[6])
            days = calendars.working_days(cal, start, end)
            if not acting:
                working.update(d for d in days if d <= until)
            if h[4] is not None:
                person.holdings.append(rules.Holding(
                    h[4], len(days), acting, _is_budget_holder(h[8], h[9], h[5])))
        main = next((s for s in reversed(spans) if not s[3]), None)
        if main is not None:
            person.opd_id, person.unit_id, person.jabatan_name = main[2][5], main[2][6], main[2][7]
        elif spans:
            person.opd_id, person.unit_id, person.jabatan_name = (spans[-1][2][5],
                                                                  spans[-1][2][6],
                                                                  spans[-1][2][7])
        person.working = sorted(working)
    return people


def month_working_days(calendars: Calendars, month: Month, person: PersonRow) -> int:
    """The working days of the whole month at the person's place (the proration base)."""
    cal = calendars.year(month.year).for_place(person.opd_id, person.unit_id)
    return len(calendars.working_days(cal, month.first, month.last))


def read_presensi(instansi_id: int, month: Month, preset: rules.Preset,
                  until: dt.date) -> dict[int, dict[str, int]]:
    """One GROUP BY: per person, present days, missing check-in/out, days per preset band and,
    where the preset cuts days without a work log, the present days without one. A day on
    leave is left out (leave covers the day, as in attendance.rules.day_status): a scan on a
    day of dinas luar neither hides an absence elsewhere nor costs a lateness band."""
    present = Q(check_in__isnull=False) | Q(check_out__isnull=False)
    aggregates: dict[str, Any] = {
        "present": Count("id", filter=present),
        "missing_in": Count("id", filter=Q(check_in__isnull=True, check_out__isnull=False)),
        "missing_out": Count("id", filter=Q(check_out__isnull=True, check_in__isnull=False)),
    }
    for i, band in enumerate(preset.bands):
        column = "late_minutes" if band.applies_to == att.LATE else "early_minutes"
        condition = Q(**{f"{column}__gte": band.low})
        if band.high is not None:
            condition &= Q(**{f"{column}__lte": band.high})
        aggregates[f"b{i}"] = Count("id", filter=condition)
    if preset.no_log_pct:
        logged = Activity.objects.filter(pegawai_id=OuterRef("pegawai_id"),
                                         date=OuterRef("date")).exclude(
            status=ActivityStatus.DRAFT)
        aggregates["present_no_log"] = Count("id", filter=present & ~Exists(logged))
    on_leave = Leave.objects.filter(pegawai_id=OuterRef("pegawai_id"),
                                    start_date__lte=OuterRef("date"),
                                    end_date__gte=OuterRef("date"))
    rows = (Presensi.objects.filter(instansi_id=instansi_id, date__gte=month.first,
                                    date__lte=min(month.last, until), working_day=True)
            .filter(~Exists(on_leave))
            .order_by().values("pegawai_id").annotate(**aggregates)
            .values_list("pegawai_id", *aggregates))
    names = list(aggregates)
    out = {}
    for pid, *counts in stream_rows(rows):
        out[pid] = dict(zip(names, counts, strict=True))
    return out


def read_leaves(instansi_id: int, month: Month,
                until: dt.date) -> dict[int, list[tuple[str, dt.date, dt.date]]]:
    out: dict[int, list[tuple[str, dt.date, dt.date]]] = defaultdict(list)
    for pid, kind, start, end in Leave.objects.filter(
            instansi_id=instansi_id, start_date__lte=min(month.last, until),
            end_date__gte=month.first).values_list("pegawai_id", "kind", "start_date",
                                                   "end_date"):
        out[pid].append((kind, start, end))
    return out


def read_sanctions(instansi_id: int, month: Month) -> dict[int, list[tuple[str, Decimal | None]]]:
    out: dict[int, list[tuple[str, Decimal | None]]] = defaultdict(list)
    for pid, sanction, start, months, cut in DisciplineCase.objects.filter(
            instansi_id=instansi_id, cancelled_at__isnull=True, start_month__lte=month.first
    ).values_list("pegawai_id", "sanction", "start_month", "months", "tpp_cut_pct"):
        elapsed = (month.year - start.year) * 12 + month.month - start.month
        if 0 <= elapsed < months:
            out[pid].append((sanction, cut))
    return out


def read_evaluations(instansi_id: int, month: Month) -> dict[int, tuple[str, Decimal | None]]:
    """The final predikat and score of each person's evaluation of the period holding the
    month (the latest one where a person has two)."""
    spec = period_for_month(instansi_id, month.year, month.month)
    out: dict[int, tuple[str, Decimal | None]] = {}
    for pid, predikat, score in Evaluation.objects.filter(
            instansi_id=instansi_id, year=spec.year, period_kind=spec.kind,
            period_no=spec.number, status__in=FINAL_EVALUATIONS).order_by(
            "pegawai_id", "end_date").values_list("pegawai_id", "predikat", "score"):
        out[pid] = (predikat, score)
    return out


def read_minutes(instansi_id: int, month: Month) -> dict[int, int]:
    rows = (Activity.objects.filter(pegawai__instansi_id=instansi_id, date__gte=month.first,
                                    date__lte=month.last, status=ActivityStatus.VERIFIED)
            .order_by().values("pegawai_id").annotate(total=Sum("minutes"))
            .values_list("pegawai_id", "total"))
    return dict(stream_rows(rows))


# --- Computing ------------------------------------------------------------------------------------


def person_month(preset: rules.Preset, month: Month, person: PersonRow, working_days: int,
                 presence: Mapping[str, int] | None,
                 leaves: Iterable[tuple[str, dt.date, dt.date]],
                 sanctions: Iterable[tuple[str, Decimal | None]],
                 evaluation: tuple[str, Decimal | None] | None,
                 minutes: int | None) -> rules.PersonMonth:
    """The rules' input for one person from the rows read."""
    working = set(person.working)
    leave_days: dict[str, int] = defaultdict(int)
    leave_month: dict[str, int] = {}
    on_leave: set[dt.date] = set()
    for kind, start, end in leaves:
        days = [d for d in person.working if start <= d <= end]
        if days:
            leave_days[kind] += len(days)
            on_leave.update(days)
            leave_month[kind] = max(leave_month.get(kind, 1),
                                    (month.year - start.year) * 12 + month.month - start.month + 1)
    counts = presence or {}
    band_days = {band.code: counts.get(f"b{i}", 0) for i, band in enumerate(preset.bands)
                 if counts.get(f"b{i}")}
    present = counts.get("present", 0)  # days on leave are not in the counts
    absent = max(0, len(working) - present - len(on_leave))
    # Days without a work log count as absent (Ogan Ilir): the absent days are cut already,
    # so only the present days without a log are cut for it.
    no_log = counts.get("present_no_log", 0) if preset.no_log_pct else 0
    predikat, score = evaluation if evaluation else (None, None)
    return rules.PersonMonth(
        pegawai_id=person.pegawai_id, asn_type=person.asn_type, status=person.status,
        golongan=person.golongan, working_days=working_days, holdings=tuple(person.holdings),
        band_days=band_days, missing_in=counts.get("missing_in", 0),
        missing_out=counts.get("missing_out", 0), absent_days=absent, no_log_days=no_log,
        leave_days=dict(leave_days), leave_month=leave_month, sanctions=tuple(sanctions),
        predikat=predikat or None, score=score, verified_minutes=minutes,
    )


def _inputs_json(pm: rules.PersonMonth) -> dict[str, Any]:
    return {
        "working_days": pm.working_days,
        "holdings": [[h.kelas, h.days, h.acting, h.budget_holder] for h in pm.holdings],
        "band_days": dict(pm.band_days), "missing_in": pm.missing_in,
        "missing_out": pm.missing_out, "absent_days": pm.absent_days,
        "no_log_days": pm.no_log_days, "leave_days": dict(pm.leave_days),
        "leave_month": dict(pm.leave_month),
        "sanctions": [[s, None if c is None else str(c)] for s, c in pm.sanctions],
        "predikat": pm.predikat, "score": None if pm.score is None else str(pm.score),
        "verified_minutes": pm.verified_minutes, "asn_type": pm.asn_type, "status": pm.status,
    }


def line_values(person: PersonRow, result: rules.TppResult,
                inputs: dict[str, Any]) -> tuple[Any, ...]:
    """The stored fields (LINE_FIELDS order) of one person's result, digest last."""
    lines = [line.as_dict() for line in result.lines]
    values = (person.opd_id, person.jabatan_name[:250], result.kelas, person.golongan[:8],
              result.ceiling, result.payable, result.deductions, result.gross,
              result.bpjs_employee, result.bpjs_employer, result.pph21, result.pph21_withheld,
              result.net, result.factor_pct, lines, inputs)
    digest = hashlib.blake2b(json.dumps([str(v) if isinstance(v, Decimal) else v
                                         for v in values], sort_keys=True, default=str)
                             .encode(), digest_size=16).hexdigest()
    return (*values, digest)


@dataclass
class MonthInputs:
    preset: rules.Preset
    people: dict[int, PersonRow]
    month_days: dict[int, int]
    presence: dict[int, dict[str, int]]
    leaves: dict[int, list[tuple[str, dt.date, dt.date]]]
    sanctions: dict[int, list[tuple[str, Decimal | None]]]
    evaluations: dict[int, tuple[str, Decimal | None]]
    minutes: dict[int, int] | None


def read_inputs(instansi_id: int, month: Month, preset: rules.Preset,
                today: dt.date) -> MonthInputs:
    # The year's schedule and national holidays exist before its working days are counted.
    calendar_year_ensure(instansi_id, month.year)
    calendars = Calendars(instansi_id)
    # Attendance is counted up to yesterday: today's check-out (or today's scan at all) may
    # still come, and must not be cut as PSW4 or tanpa keterangan.
    until = min(month.last, today - dt.timedelta(days=1))
    people = read_people(instansi_id, month, calendars, until)
    factors = {p.factor for p in preset.parts}
    return MonthInputs(
        preset=preset, people=people,
        month_days={pid: month_working_days(calendars, month, p) for pid, p in people.items()},
        presence=read_presensi(instansi_id, month, preset, until),
        leaves=read_leaves(instansi_id, month, until),
        sanctions=read_sanctions(instansi_id, month),
        evaluations=(read_evaluations(instansi_id, month)
                     if factors & {"predikat", "score"} else {}),
        minutes=read_minutes(instansi_id, month) if "minutes" in factors else None,
    )


def compute_all(inputs: MonthInputs, month: Month,
                progress: Progress | None = None) -> dict[int, tuple[Any, ...]]:
    """pegawai -> stored values (LINE_FIELDS order) for everyone in the inputs."""
    out = {}
    total = len(inputs.people)
    for done, (pid, person) in enumerate(sorted(inputs.people.items()), start=1):
        pm = person_month(
            inputs.preset, month, person, inputs.month_days[pid], inputs.presence.get(pid),
            inputs.leaves.get(pid, ()), inputs.sanctions.get(pid, ()),
            inputs.evaluations.get(pid),
            None if inputs.minutes is None else inputs.minutes.get(pid, 0),
        )
        result = rules.compute(inputs.preset, pm)
        out[pid] = line_values(person, result, _inputs_json(pm))
        if progress is not None and done % 5000 == 0:
            progress(done, total)
    return out


def results_digest(values: Mapping[int, tuple[Any, ...]]) -> str:
    h = hashlib.sha256()
    for pid in sorted(values):
        h.update(f"{pid}:{values[pid][-1]};".encode())
    return h.hexdigest()


# --- The run --------------------------------------------------------------------------------------


def compute_month(instansi_id: int, month: Month, *, actor: Any = None,
                  progress: Progress | None = None, today: dt.date | None = None,
                  version: TppPresetVersion | None = None) -> ComputeResult:
    """Compute (or recompute) the instansi's TPP of the month. See the module docstring."""
    with gc_paused():
        return _compute_month(instansi_id, month, actor=actor, progress=progress,
                              today=today or timezone.localdate(), version=version)


def _compute_month(instansi_id: int, month: Month, *, actor: Any, progress: Progress | None,
                   today: dt.date, version: TppPresetVersion | None) -> ComputeResult:
    tpp_month, _created = TppMonth.objects.get_or_create(instansi_id=instansi_id,
                                                         period=month.first)
    if tpp_month.is_approved:
        raise ApplicationError("month_approved", approved_message(), status=409)
    version = version or version_for(instansi_id, month)
    preset = rules.parse_preset(version.params)
    inputs = read_inputs(instansi_id, month, preset, today)
    values = compute_all(inputs, month, progress)
    existing = {pid: (pk, digest) for pk, pid, digest in stream_rows(
        TppLine.objects.filter(month=tpp_month).order_by().values_list("pk", "pegawai_id",
                                                                        "digest"))}
    new = [(tpp_month.pk, pid, *v) for pid, v in values.items() if pid not in existing]
    changed = [(existing[pid][0], v) for pid, v in values.items()
               if pid in existing and existing[pid][1] != v[-1]]
    gone = [pk for pid, (pk, _d) in existing.items() if pid not in values]
    net_at = LINE_FIELDS.index("net")
    gross_at = LINE_FIELDS.index("gross")
    total_net = sum((v[net_at] for v in values.values()), Decimal(0))
    total_gross = sum((v[gross_at] for v in values.values()), Decimal(0))
    digest = results_digest(values)
    wrote = bool(new or changed or gone) or tpp_month.version_id != version.pk \
        or tpp_month.results_digest != digest
    now = timezone.now()
    with transaction.atomic():
        locked = TppMonth.objects.select_for_update().get(pk=tpp_month.pk)
        if locked.is_approved:
            raise ApplicationError("month_approved", approved_message(), status=409)
        postgres = connection.vendor == "postgresql"
        if new:
            insert_rows(TppLine, ("month_id", "pegawai_id", *LINE_FIELDS), new, postgres)
        if changed:
            update_rows(TppLine, LINE_FIELDS, changed, postgres)
        if gone:
            TppLine.objects.filter(pk__in=gone).delete()
        if wrote:
            TppMonth.objects.filter(pk=tpp_month.pk).update(
                status=TppMonthStatus.COMPUTED, version=version, people=len(values),
                total_net=total_net, total_gross=total_gross, results_digest=digest,
                computed_at=now, computed_by=actor if getattr(actor, "pk", None) else None,
                progress_done=len(values), progress_total=len(values), message="")
            audit_record(
                actor=actor, instansi=instansi_id, action="tpp.compute",
                object_type="allowances.tppmonth", object_id=str(tpp_month.pk),
                object_label=f"TPP {month.label}",
                changes={"people": [locked.people, len(values)],
                         "total_net": [str(locked.total_net), str(total_net)],
                         "results_digest": [locked.results_digest, digest]},
                context={"created": len(new), "changed": len(changed), "removed": len(gone),
                         "preset_version": version.pk},
            )
        elif locked.status != TppMonthStatus.COMPUTED:
            # Started from the page (status `computing`) or failed before, and the results
            # are the same: the month is computed again, nothing to audit.
            TppMonth.objects.filter(pk=tpp_month.pk).update(
                status=TppMonthStatus.COMPUTED, progress_done=len(values),
                progress_total=len(values), message="")
    tpp_month.refresh_from_db()
    return ComputeResult(tpp_month, len(values), len(new), len(changed), len(gone), total_net,
                         wrote)


def what_if(instansi_id: int, month: Month, params: Mapping[str, Any],
            today: dt.date | None = None) -> dict[int, tuple[Any, ...]]:
    """The month computed with other preset parameters, in memory: nothing is written."""
    preset = rules.parse_preset(params)
    inputs = read_inputs(instansi_id, month, preset, today or timezone.localdate())
    return compute_all(inputs, month)
