"""The recompute: every derived figure of a period's evaluations (targets, pre-filled
realisations and their log counts, capaian, nilai, score, matrix predikat), set-based.

A fixed number of queries whatever the number of employees: the evaluations of the period (and
the SKPs still missing one), the indicators with the monthly targets of the period's months,
the existing realisations, the assignments open in the period, one GROUP BY over the period's
verified logs (a second, by date, only for people whose work the period splits); the rules run
in Python over plain tuples; the writes (new evaluations, new and changed realisations, changed
evaluations, the audit record) happen in one transaction at the end, so a crash leaves the old
results or the new ones, never a mix. On PostgreSQL new rows go in with COPY and changed rows
with one UPDATE ... FROM unnest(arrays) per 10,000; elsewhere the ORM's bulk operations. A
second run finds nothing changed and writes nothing. Finalised evaluations are locked and never
touched: a person's work of the days of a locked evaluation stays out of their other one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from kinerja.activities.models import Activity, ActivityStatus, Assignment, AssignmentStatus
from kinerja.core import rules as period_rules
from kinerja.core import runlock
from kinerja.core.audit import audit_record
from kinerja.core.bulk import (
    CHUNK,
    gc_paused,
    insert_rows,
    jsonable,
    stream_rows,
    update_rows,
)
from kinerja.core.models import PerformanceYear
from kinerja.evaluations import rules
from kinerja.evaluations.models import (
    Evaluation,
    EvaluationPolicy,
    EvaluationStatus,
    IndicatorRealisation,
    PeriodKind,
    RecomputeRun,
    RunStatus,
    ScoreMethod,
)
from kinerja.evaluations.presets import DEFAULT_METHOD
from kinerja.plans.models import Indicator, Skp, SkpStatus

LOCKED_STATUSES = [s for s in EvaluationStatus.values if s in rules.LOCKED]
ZERO = Decimal(0)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PeriodSpec:
    """An evaluation period: a month, a quarter, or the year (number 0)."""

    year: int
    kind: str
    number: int
    months: tuple[int, ...]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.months[0], 1)

    @property
    def end(self) -> dt.date:
        return period_rules.month_last_day(self.year, self.months[-1])

    @property
    def is_annual(self) -> bool:
        return self.kind == PeriodKind.ANNUAL

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.ANNUAL:
            return str(self.year)
        if self.kind == PeriodKind.QUARTERLY:
            return f"Triwulan {period_rules.ROMAN[self.number - 1]} {self.year}"
        return f"{self.number:02d}/{self.year}"


def period_spec(year: int, kind: str, number: int) -> PeriodSpec:
    """The period; ValueError for one that does not exist (month 13, quarter 5)."""
    if kind == PeriodKind.ANNUAL:
        return PeriodSpec(year, kind, 0, tuple(range(1, 13)))
    found = next((p for p in period_rules.evaluation_periods(year, kind) if p.number == number),
                 None)
    if found is None:
        raise ValueError(f"{kind} period {number} of {year} does not exist")
    return PeriodSpec(year, kind, number, found.months)


def frequency_of(instansi_id: int, year: int) -> str:
    found = (
        PerformanceYear.objects.filter(instansi_id=instansi_id, year=year)
        .values_list("evaluation_frequency", flat=True)
        .first()
    )
    return found or period_rules.MONTHLY


def period_for_month(instansi_id: int, year: int, month: int) -> PeriodSpec:
    """The periodic evaluation a month belongs to, by the instansi's frequency of the year."""
    frequency = frequency_of(instansi_id, year)
    found = period_rules.period_of_month(year, month, frequency)
    return PeriodSpec(year, frequency, found.number, found.months)


def score_method_of(instansi_id: int) -> ScoreMethod:
    policy = EvaluationPolicy.objects.filter(instansi_id=instansi_id).select_related(
        "score_method"
    ).first()
    if policy is not None and policy.score_method is not None:
        return policy.score_method
    found = ScoreMethod.objects.filter(instansi__isnull=True, key=DEFAULT_METHOD).first()
    if found is None:  # the data migration was not run (a bare test database)
        from kinerja.evaluations.presets import BUILTIN_METHODS

        preset = next(p for p in BUILTIN_METHODS if p["key"] == DEFAULT_METHOD)
        found = ScoreMethod.objects.create(instansi=None, **preset)
    return found


@dataclass
class RecomputeResult:
    period: PeriodSpec
    evaluations: int = 0
    created: int = 0
    updated: int = 0
    realisations_written: int = 0
    unchanged: int = 0
    skipped_locked: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.realisations_written)


# --- Evaluations to exist --------------------------------------------------------------------


def evaluable_skps(instansi_id: int, spec: PeriodSpec) -> QuerySet[Skp]:
    """SKPs evaluated in a period: approved (or approved and since closed by a mutation) and
    overlapping it."""
    return Skp.objects.filter(
        Q(status=SkpStatus.APPROVED) | Q(status=SkpStatus.CLOSED, approved_at__isnull=False),
        instansi_id=instansi_id,
        start_date__lte=spec.end,
        end_date__gte=spec.start,
    )


def ensure_evaluations(
    instansi_id: int, spec: PeriodSpec, skp_ids: Iterable[int] | None = None
) -> int:
    """Create the missing evaluations of a period (one per evaluable SKP). Idempotent: an
    existing one (or one created meanwhile, by the unique key) is left alone."""
    skps = evaluable_skps(instansi_id, spec).exclude(
        pk__in=Evaluation.objects.filter(
            instansi_id=instansi_id, year=spec.year, period_kind=spec.kind,
            period_no=spec.number,
        ).values("skp_id")
    )
    if skp_ids is not None:
        skps = skps.filter(pk__in=list(skp_ids))
    rows = skps.values_list("pk", "pegawai_id", "opd_id", "jabatan_id", "start_date", "end_date")
    new = [
        Evaluation(
            instansi_id=instansi_id, pegawai_id=pegawai_id, skp_id=skp_id, opd_id=opd_id,
            jabatan_id=jabatan_id, year=spec.year, period_kind=spec.kind, period_no=spec.number,
            start_date=max(start, spec.start), end_date=min(end, spec.end),
        )
        for skp_id, pegawai_id, opd_id, jabatan_id, start, end in rows.iterator(chunk_size=CHUNK)
    ]
    Evaluation.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
    return len(new)


# --- Reading -------------------------------------------------------------------------------------


class _Eval:
    """One evaluation of the period as the recompute sees it: an existing row (pk) or one to
    create (pk None), in scope (recomputed) or only there to route a person's logs by date (a
    locked one, or a sibling of the evaluations asked for)."""

    __slots__ = ("pk", "skp_id", "pegawai_id", "opd_id", "jabatan_id", "start", "end",
                 "in_scope", "hasil", "perilaku", "calibrated", "old", "minutes")

    def __init__(self, pk: int | None, skp_id: int, pegawai_id: int, start: dt.date,
                 end: dt.date, in_scope: bool) -> None:
        self.pk, self.skp_id, self.pegawai_id = pk, skp_id, pegawai_id
        self.opd_id = self.jabatan_id = 0
        self.start, self.end, self.in_scope = start, end, in_scope
        self.hasil = self.perilaku = ""
        self.calibrated = False
        self.old: tuple[Any, ...] | None = None
        self.minutes = 0


EVAL_FIELDS = ("score", "score_method", "breakdown", "verified_minutes", "matrix_predikat",
               "predikat")
REAL_FIELDS = ("rhk_id", "countable", "target", "target_max", "prefilled", "log_count",
               "log_minutes", "assignment_count", "capaian", "nilai")
# An indicator: pk, RHK, RHK kind, aspek, the period's target and range top, normal unit,
# countable
Ind = tuple[int, int, str, str, Decimal | None, Decimal | None, str, bool]


@dataclass
class _Plans:
    """The indicators of the period's SKPs, in the SKP's order, and how RHK connect."""

    of_skp: dict[int, list[Ind]] = field(default_factory=dict)
    countable_of_rhk: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    skp_of_rhk: dict[int, int] = field(default_factory=dict)
    # (SKP, the parent RHK it serves) -> the SKP's first RHK serving it
    serving: dict[tuple[int, int], int] = field(default_factory=dict)


def _read_plans(
    indicators: QuerySet[Indicator], spec: PeriodSpec, evals: dict[int, _Eval]
) -> _Plans:
    """The indicators of the evaluated SKPs with their targets for the period: one query,
    the monthly targets (rencana aksi) of the period's months joined in."""
    plans = _Plans()
    units: dict[str, str] = {}
    months = () if spec.is_annual else spec.months
    for month in months:
        indicators = indicators.annotate(**{
            f"month_{month}": FilteredRelation("monthly", condition=Q(monthly__month=month))
        })
    # period_target is pure: computed once per distinct (target, range top, monthly targets).
    targets: dict[tuple[Any, ...], tuple[Decimal | None, Decimal | None]] = {}
    for (pk, rhk_id, skp_id, kind, parent_id, aspek, target_kind, target_min, target_max,
         unit, *planned) in stream_rows(indicators.values_list(
            "pk", "rhk_id", "rhk__skp_id", "rhk__kind", "rhk__parent_id", "aspek", "target_kind",
            "target_min", "target_max", "unit", *(f"month_{m}__target" for m in months),
         ).order_by("rhk__skp_id", "rhk__kind", "rhk__order", "rhk_id", "order", "pk")):
        if skp_id not in evals:
            continue
        normal = units.get(unit)
        if normal is None:
            normal = units[unit] = rules.normal_unit(unit)
        countable = rules.is_countable(aspek, target_kind)
        # Quantities add up over the year; quality, time and cost targets are levels.
        cumulative = aspek == "kuantitas"
        key = (cumulative, target_min, target_max, *planned)
        target = targets.get(key)
        if target is None:
            target = targets[key] = rules.period_target(
                target_min=target_min, target_max=target_max,
                monthly=dict(zip(months, planned, strict=True)), months=spec.months,
                annual=spec.is_annual, cumulative=cumulative,
            )
        plans.of_skp.setdefault(skp_id, []).append(
            (pk, rhk_id, kind, aspek, target[0], target[1], normal, countable)
        )
        if rhk_id not in plans.skp_of_rhk:
            plans.skp_of_rhk[rhk_id] = skp_id
            if parent_id is not None:
                plans.serving.setdefault((skp_id, parent_id), rhk_id)
        if countable:
            plans.countable_of_rhk.setdefault(rhk_id, []).append((pk, normal))
    return plans


def _route(candidates: list[_Eval], day: dt.date | None) -> list[_Eval]:
    """A person's evaluations a piece of work of `day` may belong to (all without a day)."""
    if day is None or len(candidates) == 1 and candidates[0].start <= day <= candidates[0].end:
        return candidates
    return [e for e in candidates if e.start <= day <= e.end]


def _add_logs(
    groups: Iterable[tuple[Any, ...]], by_pegawai: dict[int, list[_Eval]], plans: _Plans,
    rhk_of_assignment: dict[int, int], acc: dict[int, list[Any]], *, skip: set[int],
    dated: bool,
) -> None:
    """Add verified log groups (person, RHK, assignment, unit[, date], quantity, minutes,
    count) to the evaluation each belongs to: the one whose SKP holds the log's RHK, or has the
    RHK serving the assignment's RHK, else the person's first (of that date)."""
    units: dict[str, str] = {}
    skp_of_rhk, serving, countable_of_rhk = plans.skp_of_rhk, plans.serving, plans.countable_of_rhk
    for row in groups:
        pegawai_id = row[0]
        if pegawai_id in skip:
            continue
        candidates = by_pegawai.get(pegawai_id)
        if not candidates:
            continue
        if dated:
            candidates = _route(candidates, row[4])
            if not candidates:
                continue
            quantity, minutes, count = row[5], row[6], row[7]
        else:
            quantity, minutes, count = row[4], row[5], row[6]
        rhk_id = row[1]
        via_rhk = rhk_of_assignment.get(row[2]) if rhk_id is None and row[2] else None
        target, counted = candidates[0], None
        if rhk_id is not None:
            skp_id = skp_of_rhk.get(rhk_id)
            for e in candidates:
                if e.skp_id == skp_id:
                    target, counted = e, rhk_id
                    break
        elif via_rhk is not None:
            for e in candidates:
                served = serving.get((e.skp_id, via_rhk))
                if served is not None:
                    target, counted = e, served
                    break
        if not target.in_scope:
            continue
        target.minutes += int(minutes or 0)
        if counted is None:
            continue
        matching = countable_of_rhk.get(counted)
        if not matching:
            continue
        unit = units.get(row[3] or "")
        if unit is None:
            unit = units[row[3] or ""] = rules.normal_unit(row[3] or "")
        for ind_id, ind_unit in matching:
            if ind_unit and ind_unit != unit:
                continue
            found = acc.get(ind_id)
            if found is None:
                acc[ind_id] = [quantity or ZERO, int(count), int(minutes or 0), 0]
            else:
                found[0] += quantity or ZERO
                found[1] += int(count)
                found[2] += int(minutes or 0)


def _assignments(
    instansi_id: int, spec: PeriodSpec, pegawai_ids: Sequence[int] | None
) -> tuple[dict[int, int], list[tuple[int, int, dt.date]]]:
    """Assignments serving an RHK that were open in the period (one query): the RHK of each,
    for the logs written on them, and those finished in the period (assignee, the RHK,
    the day)."""
    found = Assignment.objects.filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=_day_start(spec.start)),
        instansi_id=instansi_id, rhk__isnull=False,
        created_at__lt=_day_start(spec.end + dt.timedelta(days=1)),
    ).order_by()
    if pegawai_ids is not None:
        found = found.filter(assignee_id__in=list(pegawai_ids))
    rhk_of: dict[int, int] = {}
    finished: list[tuple[int, int, dt.date]] = []
    for pk, rhk_id, assignee_id, status, closed_at in stream_rows(found.values_list(
        "pk", "rhk_id", "assignee_id", "status", "closed_at"
    )):
        rhk_of[pk] = rhk_id
        if status == AssignmentStatus.DONE and closed_at is not None:
            day = timezone.localdate(closed_at)
            if spec.start <= day <= spec.end:
                finished.append((assignee_id, rhk_id, day))
    return rhk_of, finished


def _add_finished(
    finished: Iterable[tuple[int, int, dt.date]], by_pegawai: dict[int, list[_Eval]],
    plans: _Plans, acc: dict[int, list[Any]],
) -> None:
    """A finished assignment serving the supervisor's RHK counts once for the first countable
    indicator of the employee's RHK that serves it (a delivered output when no log measured
    the work: rules.prefill)."""
    for assignee_id, parent_rhk, day in finished:
        candidates = by_pegawai.get(assignee_id)
        if not candidates:
            continue
        for e in _route(candidates, day):
            served = plans.serving.get((e.skp_id, parent_rhk))
            if served is None:
                continue
            countable = plans.countable_of_rhk.get(served)
            if e.in_scope and countable:
                found = acc.get(countable[0][0])
                if found is None:
                    acc[countable[0][0]] = [ZERO, 0, 0, 1]
                else:
                    found[3] += 1
            break


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


# --- The recompute ------------------------------------------------------------------------------


@dataclass
class _Writes:
    new_evals: list[_Eval] = field(default_factory=list)
    new_eval_values: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # skp -> values
    # (evaluation pk or None for a new one, SKP, indicator, values)
    new_reals: list[tuple[int | None, int, int, tuple[Any, ...]]] = field(default_factory=list)
    changed_reals: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # pk
    changed_evals: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # pk
    stale: list[int] = field(default_factory=list)


def recompute(
    instansi_id: int,
    spec: PeriodSpec,
    *,
    evaluation_ids: Sequence[int] | None = None,
    create: bool = True,
    include_locked: bool = False,
    progress: Progress | None = None,
    actor: Any = None,
) -> RecomputeResult:
    """Recompute the derived figures of a period's evaluations (all of the instansi's, creating
    the missing ones when `create`, or only `evaluation_ids`). See the module docstring for
    the guarantees."""
    with gc_paused():
        return _recompute(instansi_id, spec, evaluation_ids=evaluation_ids, create=create,
                          include_locked=include_locked, progress=progress, actor=actor)


def _recompute(
    instansi_id: int,
    spec: PeriodSpec,
    *,
    evaluation_ids: Sequence[int] | None,
    create: bool,
    include_locked: bool,
    progress: Progress | None,
    actor: Any,
) -> RecomputeResult:
    report = progress or (lambda phase, done, total: None)
    result = RecomputeResult(spec)
    method = score_method_of(instansi_id)
    period = evaluations_of_period(instansi_id, spec)

    report("read", 0, 0)
    # Every evaluation of the period of the people concerned, locked ones too: a person's work
    # goes to the evaluation of its date, and a locked one keeps its own.
    chosen = set(evaluation_ids) if evaluation_ids is not None else None
    rows = period
    if chosen is not None:
        rows = period.filter(
            pegawai_id__in=period.filter(pk__in=list(chosen)).values("pegawai_id")
        )
    evals: dict[int, _Eval] = {}  # by SKP: one evaluation per SKP and period
    for (pk, skp_id, pegawai_id, start, end, status, hasil, perilaku, calibrated,
         *old) in stream_rows(rows.order_by().values_list(
            "pk", "skp_id", "pegawai_id", "start_date", "end_date", "status", "hasil_rating",
            "perilaku_rating", "calibrated", *EVAL_FIELDS)):
        locked = status in LOCKED_STATUSES
        if chosen is None:
            in_scope = not locked
            result.skipped_locked += locked
        else:
            in_scope = pk in chosen and (include_locked or not locked)
            result.skipped_locked += pk in chosen and locked and not include_locked
        e = _Eval(pk, skp_id, pegawai_id, start, end, in_scope)
        if isinstance(old[2], str):  # the breakdown as the driver gives JSON
            old[2] = json.loads(old[2])
        e.hasil, e.perilaku, e.calibrated, e.old = hasil, perilaku, calibrated, tuple(old)
        evals[skp_id] = e
    writes = _Writes()
    if create and chosen is None:
        # The SKPs still without an evaluation of the period (none on a second run).
        for skp_id, pegawai_id, opd_id, jabatan_id, start, end in stream_rows(evaluable_skps(
            instansi_id, spec
        ).exclude(pk__in=period.values("skp_id")).order_by().values_list(
            "pk", "pegawai_id", "opd_id", "jabatan_id", "start_date", "end_date"
        )):
            if skp_id in evals:
                continue
            e = _Eval(None, skp_id, pegawai_id, max(start, spec.start), min(end, spec.end), True)
            e.opd_id, e.jabatan_id = opd_id, jabatan_id
            evals[skp_id] = e
            writes.new_evals.append(e)
    scope = [e for e in evals.values() if e.in_scope]
    result.evaluations = len(scope)
    result.created = len(writes.new_evals)
    if not scope:
        return result
    by_pegawai: dict[int, list[_Eval]] = {}
    for e in evals.values():
        by_pegawai.setdefault(e.pegawai_id, []).append(e)
    # People whose work is split by date: two evaluations in the period (a mutation), or one
    # that does not cover it all.
    split: set[int] = set()
    for pegawai_id, mine in by_pegawai.items():
        if len(mine) > 1:
            mine.sort(key=lambda e: (e.start, e.skp_id))
            split.add(pegawai_id)
        elif mine[0].start != spec.start or mine[0].end != spec.end:
            split.add(pegawai_id)

    # The plans: for the whole instansi every SKP overlapping the period (a superset of the
    # evaluated ones, filtered in Python), else the SKPs of the people concerned.
    if chosen is None:
        skp_filter = {"rhk__skp__instansi_id": instansi_id,
                      "rhk__skp__start_date__lte": spec.end,
                      "rhk__skp__end_date__gte": spec.start}
    else:
        skp_filter = {"rhk__skp_id__in": rows.values("skp_id")}
    plans = _read_plans(Indicator.objects.filter(**skp_filter), spec, evals)
    # Existing realisations by evaluation, then indicator: (pk, realisation, derived values).
    existing: dict[int, dict[int, tuple[Any, ...]]] = {}
    reals = IndicatorRealisation.objects
    for pk, eval_id, ind_id, realisation, *values in stream_rows(reals.filter(
        evaluation__in=period.filter(pk__in=rows.values("pk")) if chosen is not None
        else period
    ).order_by().values_list("pk", "evaluation_id", "indicator_id", "realisation",
                             *REAL_FIELDS)):
        of_eval = existing.get(eval_id)
        if of_eval is None:
            of_eval = existing[eval_id] = {}
        of_eval[ind_id] = (pk, realisation, tuple(values))

    # What verified work adds, per indicator: [quantity, logs, minutes, assignments].
    acc: dict[int, list[Any]] = {}
    if spec.is_annual:
        _annual_inputs(instansi_id, spec, evals, chosen, rows, acc)
    else:
        report("logs", 0, 0)
        pegawai_ids = list(by_pegawai) if chosen is not None else None
        rhk_of_assignment, finished = _assignments(instansi_id, spec, pegawai_ids)
        _add_logs(_log_groups(instansi_id, spec, pegawai_ids, by_date=False), by_pegawai, plans,
                  rhk_of_assignment, acc, skip=split, dated=False)
        if split:
            _add_logs(_log_groups(instansi_id, spec, sorted(split), by_date=True), by_pegawai,
                      plans, rhk_of_assignment, acc, skip=set(), dated=True)
        _add_finished(finished, by_pegawai, plans, acc)

    report("compute", 0, len(scope))
    _compute(scope, spec, method, plans, existing, acc, writes, report)
    report("write", 0, len(writes.new_reals) + len(writes.changed_reals)
           + len(writes.changed_evals) + len(writes.new_evals))
    now = timezone.now()
    with transaction.atomic():
        result.created = _write(instansi_id, spec, period, writes, now)
        result.updated = len(writes.changed_evals)
        result.realisations_written = (
            len(writes.new_reals) + len(writes.changed_reals) + len(writes.stale)
        )
        result.unchanged = result.evaluations - result.updated - result.created
        if chosen is None and result.changed:
            audit_record(
                actor=actor, instansi=instansi_id, action="evaluation.recompute",
                object_type="evaluations.period",
                object_id=f"{spec.year}/{spec.kind}/{spec.number}",
                object_label=spec.label,
                changes={"created": result.created, "updated": result.updated,
                         "realisations": result.realisations_written},
                context={"method": method.key},
            )
    report("done", result.evaluations, result.evaluations)
    return result


def _log_groups(
    instansi_id: int, spec: PeriodSpec, pegawai_ids: Sequence[int] | None, by_date: bool
) -> Iterable[tuple[Any, ...]]:
    """Verified logs of the period in one GROUP BY: person, RHK, assignment, unit in lower
    case (and date, for the people whose work is split by date); output quantity, minutes,
    count."""
    logs = Activity.objects.filter(
        instansi_id=instansi_id, status=ActivityStatus.VERIFIED, date__gte=spec.start,
        date__lte=spec.end,
    )
    if pegawai_ids is not None:
        logs = logs.filter(pegawai_id__in=list(pegawai_ids))
    keys = ["pegawai_id", "rhk_id", "assignment_id", "unit"] + (["date"] if by_date else [])
    return stream_rows(
        logs.annotate(unit=Lower("output_unit"))
        .values(*keys)
        .annotate(quantity=Sum("output_quantity"), minutes=Sum("minutes"), logs=Count("*"))
        .order_by()
        .values_list(*keys, "quantity", "minutes", "logs")
    )


def _annual_inputs(
    instansi_id: int, spec: PeriodSpec, evals: dict[int, _Eval], chosen: set[int] | None,
    rows: QuerySet[Evaluation], acc: dict[int, list[Any]],
) -> None:
    """The annual evaluation sums the year's periodic ones: per indicator the effective
    realisations (the employee's figure where given, else the pre-filled one) and the counts;
    per SKP the verified minutes (two GROUP BYs)."""
    periodic = Evaluation.objects.filter(instansi_id=instansi_id, year=spec.year).exclude(
        period_kind=PeriodKind.ANNUAL
    )
    if chosen is not None:
        periodic = periodic.filter(skp_id__in=rows.values("skp_id"))
    for ind_id, quantity, logs, minutes, assignments in stream_rows(
        IndicatorRealisation.objects.filter(evaluation__in=periodic)
        .values("indicator_id")
        .annotate(quantity=Sum(Coalesce("realisation", "prefilled")), logs=Sum("log_count"),
                  minutes=Sum("log_minutes"), assignments=Sum("assignment_count"))
        .order_by()
        .values_list("indicator_id", "quantity", "logs", "minutes", "assignments")
    ):
        acc[ind_id] = [quantity, int(logs or 0), int(minutes or 0), int(assignments or 0)]
    for skp_id, total in stream_rows(periodic.values("skp_id").annotate(
        total=Sum("verified_minutes")
    ).order_by().values_list("skp_id", "total")):
        e = evals.get(skp_id)
        if e is not None and e.in_scope:
            e.minutes = int(total or 0)


def _compute(
    scope: list[_Eval], spec: PeriodSpec, method: ScoreMethod, plans: _Plans,
    existing: dict[int, dict[int, Any]],
    acc: dict[int, list[Any]], writes: _Writes, report: Progress,
) -> None:
    """The rules over the rows read: targets, pre-fill, capaian, nilai, the score and the
    matrix predikat; keeps what changed."""
    annual, n_months = spec.is_annual, len(spec.months)
    kind, params = method.kind, method.params
    nothing = [None, 0, 0, 0]
    no_reals: dict[int, Any] = {}
    for done, e in enumerate(scope, start=1):
        inputs: list[rules.IndicatorInput] = []
        values: list[tuple[int, list[Any], tuple[Any, ...] | None]] = []
        reals = existing.get(e.pk, no_reals) if e.pk is not None else no_reals
        matched = 0
        for (ind_id, rhk_id, rhk_kind, aspek, target, target_top, _unit,
             countable) in plans.of_skp.get(e.skp_id, ()):
            quantity, logs, minutes, assignments = acc.get(ind_id, nothing)
            if not countable:
                prefilled = None
            elif annual:
                prefilled = quantity if quantity is not None else ZERO
            else:
                prefilled = rules.prefill(quantity or ZERO, assignments)
            old = reals.get(ind_id)
            if old is not None:
                matched += 1
            effective = old[1] if old is not None and old[1] is not None else prefilled
            inputs.append(rules.IndicatorInput(ind_id, rhk_id, rhk_kind, aspek, target,
                                               target_top, effective, countable))
            values.append((ind_id, [rhk_id, countable, target, target_top, prefilled, logs,
                                    minutes, assignments, None, None], old))
        matrix = rules.predikat(e.hasil, e.perilaku) if e.hasil and e.perilaku else ""
        predikat = (e.old[5] if e.old is not None else "") if e.calibrated else matrix
        scored = rules.compute_score(kind, params, rules.ScoreInputs(
            tuple(inputs), e.minutes, n_months, predikat or None, e.perilaku or None,
        ))
        by_indicator = {s.indicator_id: s for s in scored.indicators}
        if len(reals) > matched:  # realisations of indicators no longer in the plan
            planned_ids = {ind_id for ind_id, _new, _old in values}
            writes.stale.extend(v[0] for k, v in reals.items() if k not in planned_ids)
        for ind_id, new, old in values:
            found = by_indicator.get(ind_id)
            if found is not None:
                new[8], new[9] = found.capaian, found.nilai
            row = tuple(new)
            if old is None:
                writes.new_reals.append((e.pk, e.skp_id, ind_id, row))
            elif row != old[2]:
                writes.changed_reals.append((old[0], row))
        breakdown = {
            "method": method.key, "method_name": method.name, "kind": method.kind,
            "formula": scored.formula, "lines": [_json_line(line) for line in scored.lines],
            "predikat_rule": "PermenPANRB 6/2022 matrix" if matrix else "",
        }
        new_values = (scored.score, method.key, breakdown, e.minutes, matrix, predikat)
        if e.pk is None:
            writes.new_eval_values[e.skp_id] = new_values
        elif new_values != e.old:
            writes.changed_evals.append((e.pk, new_values))
        if done % 10_000 == 0:
            report("compute", done, len(scope))


# --- Writing --------------------------------------------------------------------------------------


def _write(
    instansi_id: int, spec: PeriodSpec, period: QuerySet[Evaluation], writes: _Writes,
    now: dt.datetime,
) -> int:
    """Every write of the recompute, in the caller's transaction: new evaluations, new and
    changed realisations, stale ones deleted, changed evaluations; returns how many
    evaluations it created. On PostgreSQL new rows go in with COPY and changed ones with
    UPDATE ... FROM unnest(arrays), in chunks; elsewhere through the ORM's bulk operations.

    An evaluation someone opened meanwhile (evaluation_start, while this run was reading and
    computing) is skipped with its realisations: it was derived by its own recompute."""
    postgres = connection.vendor == "postgresql"
    pk_of_skp: dict[int, int] = {}
    if writes.new_evals:
        eval_names = ("instansi_id", "pegawai_id", "skp_id", "opd_id", "jabatan_id", "year",
                      "period_kind", "period_no", "start_date", "end_date", *EVAL_FIELDS,
                      "computed_at", "created_at", "updated_at")
        rows = [
            (instansi_id, e.pegawai_id, e.skp_id, e.opd_id, e.jabatan_id, spec.year, spec.kind,
             spec.number, e.start, e.end, *writes.new_eval_values[e.skp_id], now, now, now)
            for e in writes.new_evals
        ]
        insert_rows(Evaluation, eval_names, rows, postgres, skip_conflicts=True)
        # Ours are the ones computed at this run's `now` (created_at is auto_now_add: the ORM
        # path sets its own).
        pk_of_skp = dict(stream_rows(period.filter(computed_at=now).order_by().values_list(
            "skp_id", "pk")))
    if writes.new_reals:
        names = ("evaluation_id", "indicator_id", *REAL_FIELDS)
        insert_rows(IndicatorRealisation, names, (
            (eval_pk if eval_pk is not None else pk_of_skp[skp_id], ind_id, *values)
            for eval_pk, skp_id, ind_id, values in writes.new_reals
            if eval_pk is not None or skp_id in pk_of_skp
        ), postgres)
    if writes.changed_reals:
        update_rows(IndicatorRealisation, REAL_FIELDS, writes.changed_reals, postgres)
    for start in range(0, len(writes.stale), CHUNK):
        IndicatorRealisation.objects.filter(pk__in=writes.stale[start:start + CHUNK]).delete()
    if writes.changed_evals:
        update_rows(Evaluation, (*EVAL_FIELDS, "computed_at"),
                [(pk, (*values, now)) for pk, values in writes.changed_evals], postgres)
    return len(pk_of_skp)


def _json_line(line: dict[str, Any]) -> dict[str, Any]:
    """A line of a score's explanation as stored in JSON: _jsonable, faster for the usual flat
    dict of numbers."""
    return {
        k if type(k) is str else str(k):
        str(v) if type(v) is Decimal else v if type(v) in (int, str) else jsonable(v)
        for k, v in line.items()
    }


def recompute_lock(instansi_id: int) -> runlock.RunLock | None:
    """The lock a recompute of the instansi holds while it runs (kinerja.core.runlock), or None
    when a live run holds it."""
    return runlock.try_acquire(f"recompute-{instansi_id}")


ABANDONED = "abandoned: the process running it ended (killed or restarted) before it finished"


def close_abandoned_runs(instansi_id: int) -> int:
    """Mark failed the instansi's runs still 'running' whose process died (SIGKILL, a restart):
    call it holding recompute_lock, so no live run is among them. Their writes were one
    transaction that never committed, so nothing of theirs is in the data."""
    return RecomputeRun.objects.filter(instansi_id=instansi_id, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, error=ABANDONED, finished_at=timezone.now())


def evaluations_of_period(instansi_id: int, spec: PeriodSpec) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(
        instansi_id=instansi_id, year=spec.year, period_kind=spec.kind, period_no=spec.number
    )


__all__ = [
    "PeriodSpec",
    "RecomputeResult",
    "close_abandoned_runs",
    "ensure_evaluations",
    "evaluable_skps",
    "evaluations_of_period",
    "frequency_of",
    "period_for_month",
    "period_spec",
    "recompute",
    "recompute_lock",
    "score_method_of",
]
