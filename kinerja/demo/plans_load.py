"""Writing the demo's planning data (kinerja.demo.plans) set-based, after the people.

Same approach as kinerja.demo.load: primary keys of the rows others point at (years, Perjanjian
Kinerja, sasaran, IKU, SKP, RHK, indicators) are allocated up front, so every link is known
before insertion and each table is one `insert_rows` stream (COPY on PostgreSQL, executemany on
SQLite); monthly targets are expanded and written in chunks, never all held at once.

Audit: unlike the organisation and people (one `demo.load` record), plans have a history that
the SKP page shows (`plans.selectors.skp_history`), so each SKP gets one record against object
`plans.skp`, named after the step that brought it to its state (`skp.create` for a draft,
`skp.submit`, `skp.approve`, `skp.return`), with its fields and the steps it went through
(`context.steps`), sealed in bulk (COPY on PostgreSQL). They are written by the system (no
actor) and say so: context `generator: kinerja.demo` and `as`, the NIP of the person whose step
it stands for. Periods get `period.year_open` and `period.year_close` (its twelve months closed
with it), each Perjanjian Kinerja a `perjanjian.create`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models
from django.utils import timezone

from kinerja.core.audit import AuditEntry, audit_record_many_copy
from kinerja.core.models import Instansi, PerformanceMonth, PerformanceYear
from kinerja.demo.plan import DemoPlan
from kinerja.demo.plans import APPROVED, DRAFT, RETURNED, PlansPlan, iter_monthly
from kinerja.plans import rules
from kinerja.plans.models import (
    Iku,
    Indicator,
    Lampiran,
    MonthlyTarget,
    PerilakuExpectation,
    PerjanjianKinerja,
    Rhk,
    SasaranStrategis,
    Skp,
)
from kinerja.plans.selectors import SKP_OBJECT

CHUNK = 50_000
GENERATOR = "kinerja.demo"


def reset_plans(instansi: Instansi) -> dict[str, int]:
    """Delete the instansi's plans and performance periods, leaves first (called by
    `reset_instansi` before people and organisation go)."""
    from kinerja.demo.load import _delete

    deleted: dict[str, int] = {}
    deleted["monthly_targets"] = _delete(MonthlyTarget, instansi=instansi)
    deleted["indicators"] = _delete(Indicator, instansi=instansi)
    Rhk.objects.filter(instansi=instansi, parent__isnull=False).update(parent=None)
    deleted["rhk"] = _delete(Rhk, instansi=instansi)
    deleted["lampiran"] = _delete(Lampiran, instansi=instansi)
    deleted["perilaku"] = _delete(PerilakuExpectation, instansi=instansi)
    Skp.objects.filter(instansi=instansi, copied_from__isnull=False).update(copied_from=None)
    deleted["skp"] = _delete(Skp, instansi=instansi)
    deleted["iku"] = _delete(Iku, instansi=instansi)
    deleted["sasaran"] = _delete(SasaranStrategis, instansi=instansi)
    deleted["perjanjian"] = _delete(PerjanjianKinerja, instansi=instansi)
    deleted["performance_months"] = _delete(PerformanceMonth, instansi=instansi)
    deleted["performance_years"] = _delete(PerformanceYear, instansi=instansi)
    return deleted


def _insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """`load.insert_rows` (COPY) on PostgreSQL. On SQLite the same INSERT ... executemany, but
    without `get_db_prep_save` on every value: the sqlite3 adapters Django registers already
    take Decimal and date values as they are, so only aware datetimes need converting (to naive
    UTC). That per-value call was three quarters of the time at 10k employees."""
    from kinerja.demo.load import BATCH, insert_rows

    if connection.vendor == "postgresql":
        return insert_rows(model, fields, rows)
    meta = model._meta
    now = timezone.now()
    position = {name: i for i, name in enumerate(fields)}
    unknown = set(fields) - {f.attname for f in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    columns: list[str] = []
    plan: list[tuple[int | None, Any, bool]] = []  # (index in row, constant, is a datetime)
    for f in meta.concrete_fields:
        if f.attname in position:
            plan.append((position[f.attname], None, isinstance(f, models.DateTimeField)))
        elif f.primary_key:
            continue
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            plan.append((None, f.get_db_prep_save(now, connection), False))
        else:
            plan.append((None, f.get_db_prep_save(f.get_default(), connection), False))
        columns.append(f'"{f.column}"')
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f'INSERT INTO "{meta.db_table}" ({", ".join(columns)}) '
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cur:
        for start in range(0, len(rows), BATCH):
            cur.executemany(
                sql,
                [
                    [
                        const if i is None else adapt(row[i]) if is_dt else row[i]
                        for i, const, is_dt in plan
                    ]
                    for row in rows[start : start + BATCH]
                ],
            )
    return len(rows)


def _copy_text(model: type[models.Model], columns: Sequence[str], lines: Iterator[str]) -> int:
    """PostgreSQL only: COPY lines already in COPY's text format (tab-separated, every column
    given), in blocks. For the two largest tables (monthly targets, perilaku) this skips the
    per-value adaptation of `copy.write_row`, half their time at 100k employees."""
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'COPY "{table}" ({names}) FROM STDIN'
    count = 0
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        while block := list(islice(lines, CHUNK)):
            copy.write("\n".join(block) + "\n")
            count += len(block)
    return count


def _text(value: str) -> str:
    """A text value in COPY's text format."""
    if any(c in value for c in "\\\t\n\r"):
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def write_plans(
    plans: PlansPlan,
    demo: DemoPlan,
    instansi: Instansi,
    *,
    opd_ids: Sequence[int],
    position_ids: Sequence[int],
    person_ids: Sequence[int],
    timings: dict[str, float],
) -> dict[str, int]:
    from kinerja.demo.load import _timed, allocate_ids

    inst = instansi.pk
    nips = [p.nip for p in demo.people]
    entries: list[AuditEntry] = []

    # --- performance years and months ---------------------------------------------------------
    year_ids = allocate_ids(PerformanceYear, len(plans.years))
    years = [
        PerformanceYear(
            id=year_ids[i],
            instansi_id=inst,
            year=y.year,
            evaluation_frequency="bulanan",
            log_deadline_day=5,
            skp_source="kinerja",
            state=y.state,
        )
        for i, y in enumerate(plans.years)
    ]
    PerformanceYear.objects.bulk_create(years)
    PerformanceMonth.objects.bulk_create(
        PerformanceMonth(instansi_id=inst, performance_year=y, month=m, state=y.state)
        for y in years
        for m in range(1, 13)
    )
    for y in years:
        entries.append(
            AuditEntry(
                "period.year_open",
                "core.performanceyear",
                str(y.pk),
                str(y.year),
                {
                    "evaluation_frequency": [None, y.evaluation_frequency],
                    "log_deadline_day": [None, y.log_deadline_day],
                    "skp_source": [None, y.skp_source],
                    "state": [None, "open"],
                },
                {"generator": GENERATOR},
            )
        )
    for y in years:
        if y.state == "closed":
            entries.append(
                AuditEntry(
                    "period.year_close",
                    "core.performanceyear",
                    str(y.pk),
                    str(y.year),
                    {"state": ["open", "closed"]},
                    {"generator": GENERATOR, "months_closed": 12},
                )
            )

    # --- Perjanjian Kinerja, sasaran, IKU -----------------------------------------------------
    pk_ids = allocate_ids(PerjanjianKinerja, len(plans.perjanjian))
    sasaran_ids = allocate_ids(SasaranStrategis, len(plans.sasaran))
    iku_ids = allocate_ids(Iku, len(plans.iku))
    _timed(
        timings,
        "plans_goals",
        lambda: (
            _insert(
                PerjanjianKinerja,
                ("id", "instansi_id", "opd_id", "year", "signed_on"),
                [
                    (pk_ids[p.idx], inst, opd_ids[p.opd], p.year, p.signed_on)
                    for p in plans.perjanjian
                ],
            ),
            _insert(
                SasaranStrategis,
                ("id", "instansi_id", "perjanjian_id", "code", "text", "order"),
                [
                    (sasaran_ids[s.idx], inst, pk_ids[s.perjanjian], s.code, s.text, s.order)
                    for s in plans.sasaran
                ],
            ),
            _insert(
                Iku,
                (
                    "id",
                    "instansi_id",
                    "sasaran_id",
                    "code",
                    "indicator",
                    "unit",
                    "annual_target",
                    "realisation_q1",
                    "realisation_q2",
                    "realisation_q3",
                    "realisation_q4",
                    "order",
                ),
                [
                    (
                        iku_ids[i.idx],
                        inst,
                        sasaran_ids[i.sasaran],
                        i.code,
                        i.indicator,
                        i.unit,
                        i.target,
                        *i.realisation,
                        i.order,
                    )
                    for i in plans.iku
                ],
            ),
        ),
    )
    sasaran_count: dict[int, int] = {}
    iku_count: dict[int, int] = {}
    for s in plans.sasaran:
        sasaran_count[s.perjanjian] = sasaran_count.get(s.perjanjian, 0) + 1
    for i in plans.iku:
        pk_idx = plans.sasaran[i.sasaran].perjanjian
        iku_count[pk_idx] = iku_count.get(pk_idx, 0) + 1
    for p in plans.perjanjian:
        entries.append(
            AuditEntry(
                "perjanjian.create",
                "plans.perjanjiankinerja",
                str(pk_ids[p.idx]),
                f"PK {demo.opds[p.opd].short} {p.year}",
                {"opd": [None, opd_ids[p.opd]], "year": [None, p.year]},
                {
                    "generator": GENERATOR,
                    "sasaran": sasaran_count.get(p.idx, 0),
                    "iku": iku_count.get(p.idx, 0),
                },
            )
        )

    # --- SKP and their parts ------------------------------------------------------------------
    skp_ids = allocate_ids(Skp, len(plans.skps))
    rhk_ids = allocate_ids(Rhk, len(plans.rhk))
    indicator_ids = allocate_ids(Indicator, len(plans.indicators))

    def skp_rows() -> list[tuple[Any, ...]]:
        return [
            (
                skp_ids[s.idx],
                inst,
                person_ids[s.person],
                position_ids[s.position],
                opd_ids[s.opd],
                s.year,
                s.start,
                s.end,
                s.form,
                "kuantitatif",
                s.status,
                "kinerja",
                person_ids[s.penilai] if s.penilai is not None else None,
                position_ids[s.penilai_position] if s.penilai_position is not None else None,
                s.return_note,
                s.submitted_at,
                s.approved_at,
                s.version,
            )
            for s in plans.skps
        ]

    skp_fields = (
        "id",
        "instansi_id",
        "pegawai_id",
        "jabatan_id",
        "opd_id",
        "year",
        "start_date",
        "end_date",
        "form",
        "approach",
        "status",
        "source",
        "penilai_id",
        "penilai_jabatan_id",
        "return_note",
        "submitted_at",
        "approved_at",
        "version",
    )
    _timed(timings, "plans_skp", lambda: _insert(Skp, skp_fields, skp_rows()))
    _timed(
        timings,
        "plans_rhk",
        lambda: _insert(
            Rhk,
            (
                "id",
                "instansi_id",
                "skp_id",
                "kind",
                "text",
                "perspektif",
                "parent_id",
                "intervention",
                "iku_id",
                "order",
            ),
            [
                (
                    rhk_ids[r.idx],
                    inst,
                    skp_ids[r.skp],
                    r.kind,
                    r.text,
                    r.perspektif,
                    rhk_ids[r.parent] if r.parent is not None else None,
                    r.intervention,
                    iku_ids[r.iku] if r.iku is not None else None,
                    r.order,
                )
                for r in plans.rhk
            ],
        ),
    )
    _timed(
        timings,
        "plans_indicators",
        lambda: _insert(
            Indicator,
            (
                "id",
                "instansi_id",
                "rhk_id",
                "aspek",
                "text",
                "target_kind",
                "target_min",
                "target_max",
                "target_text",
                "unit",
                "order",
            ),
            [
                (
                    indicator_ids[i.idx],
                    inst,
                    rhk_ids[i.rhk],
                    i.aspek,
                    i.text,
                    i.target_kind,
                    i.target_min,
                    i.target_max,
                    i.target_text,
                    i.unit,
                    i.order,
                )
                for i in plans.indicators
            ],
        ),
    )

    def monthly() -> int:
        if connection.vendor == "postgresql":
            return _copy_text(
                MonthlyTarget,
                ("instansi_id", "indicator_id", "month", "target", "action"),
                (
                    f"{inst}\t{indicator_ids[i]}\t{month}\t{target}\t"
                    for i, month, target in iter_monthly(plans)
                ),
            )
        written = 0
        stream = iter_monthly(plans)
        while chunk := [
            (inst, indicator_ids[i], month, target) for i, month, target in islice(stream, CHUNK)
        ]:
            written += _insert(
                MonthlyTarget, ("instansi_id", "indicator_id", "month", "target"), chunk
            )
        return written

    monthly_count = _timed(timings, "plans_monthly", monthly)

    def perilaku() -> int:
        expectations = plans.expectations
        if connection.vendor == "postgresql":
            return _copy_text(
                PerilakuExpectation,
                ("instansi_id", "skp_id", "value", "expectation"),
                (
                    f"{inst}\t{skp_ids[s.idx]}\t{value}\t"
                    f"{_text(expectations.get(s.idx, {}).get(value, ''))}"
                    for s in plans.skps
                    for value in rules.BERAKHLAK
                ),
            )
        rows = [
            (inst, skp_ids[s.idx], value, expectations.get(s.idx, {}).get(value, ""))
            for s in plans.skps
            for value in rules.BERAKHLAK
        ]
        return _insert(PerilakuExpectation, ("instansi_id", "skp_id", "value", "expectation"), rows)

    perilaku_count = _timed(timings, "plans_perilaku", perilaku)
    _timed(
        timings,
        "plans_lampiran",
        lambda: _insert(
            Lampiran,
            ("instansi_id", "skp_id", "kind", "text", "order"),
            [
                (inst, skp_ids[item.skp], item.kind, item.text, item.order)
                for item in plans.lampiran
            ],
        ),
    )

    def skp_entries() -> None:
        """One record per SKP: the step that brought it to its state (create, submit, approve
        or return), with every field from nothing to where it stands, and the steps it went
        through. Three records per SKP would triple the trail for no extra information."""
        for s in plans.skps:
            owner = nips[s.person]
            changes: dict[str, Any] = {
                "approach": [None, "kuantitatif"],
                "end_date": [None, s.end.isoformat()],
                "form": [None, s.form],
                "return_note": [None, s.return_note],
                "start_date": [None, s.start.isoformat()],
                "status": [None, s.status],
            }
            context: dict[str, Any] = {
                "generator": GENERATOR,
                "jabatan": position_ids[s.position],
                "rhk": s.rhk_count,
                "as": owner,
            }
            if s.status == DRAFT:
                action, context["steps"] = "skp.create", ["create"]
            else:
                changes["penilai"] = [
                    None,
                    person_ids[s.penilai] if s.penilai is not None else None,
                ]
                rater = nips[s.penilai] if s.penilai is not None else "admin_bkpsdm"
                if s.status == APPROVED:
                    action, context["steps"] = "skp.approve", ["create", "submit", "approve"]
                    context["as"] = rater
                elif s.status == RETURNED:
                    action, context["steps"] = "skp.return", ["create", "submit", "return"]
                    context["as"], context["note"] = rater, s.return_note
                else:
                    action, context["steps"] = "skp.submit", ["create", "submit"]
            entries.append(
                AuditEntry(
                    action,
                    SKP_OBJECT,
                    str(skp_ids[s.idx]),
                    f"SKP {s.year} {owner}",
                    changes,
                    context,
                )
            )

    _timed(timings, "plans_audit_entries", skp_entries)
    _timed(
        timings,
        "plans_audit",
        lambda: audit_record_many_copy(actor=None, instansi=inst, entries=entries),
    )
    return {
        "performance_years": len(years),
        "perjanjian": len(plans.perjanjian),
        "iku": len(plans.iku),
        "skp": len(plans.skps),
        "rhk": len(plans.rhk),
        "indicators": len(plans.indicators),
        "monthly_targets": monthly_count,
        "perilaku": perilaku_count,
        "lampiran": len(plans.lampiran),
        "plan_audit_records": len(entries),
    }
