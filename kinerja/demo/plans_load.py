"""Writing the demo's planning data (kinerja.demo.plans) set-based, after the people.

Same approach as kinerja.demo.load: primary keys of the rows others point at (years, Perjanjian
Kinerja, sasaran, IKU, SKP, RHK, indicators) are allocated up front, so every link is known
before insertion and each table is one `insert_rows` stream (COPY on PostgreSQL, executemany on
SQLite); monthly targets are expanded and written in chunks, never all held at once.

Audit: unlike the organisation and people (one `demo.load` record), plans have a history that
the SKP page shows (`plans.selectors.skp_history`), so each SKP gets the records the services
would have written for it: `skp.create`, then `skp.submit` and `skp.approve` or `skp.return` as
far as its state goes, against object `plans.skp`, sealed in bulk. They are written by the
system (no actor) and say so: context `generator: kinerja.demo` and `as`, the NIP of the person
whose step it stands for. Periods get `period.year_open` / `period.month_close` /
`period.year_close`, each Perjanjian Kinerja a `perjanjian.create`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from django.db import models

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
    from kinerja.demo.load import insert_rows

    return insert_rows(model, fields, rows)


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
        for s in plans.skps:
            object_id = str(skp_ids[s.idx])
            label = f"SKP {s.year} {nips[s.person]}"
            owner = nips[s.person]
            entries.append(
                AuditEntry(
                    "skp.create",
                    SKP_OBJECT,
                    object_id,
                    label,
                    {
                        "approach": [None, "kuantitatif"],
                        "end_date": [None, s.end.isoformat()],
                        "form": [None, s.form],
                        "return_note": [None, ""],
                        "start_date": [None, s.start.isoformat()],
                        "status": [None, DRAFT],
                    },
                    {
                        "jabatan": position_ids[s.position],
                        "rhk": s.rhk_count,
                        "generator": GENERATOR,
                        "as": owner,
                    },
                )
            )
            if s.status == DRAFT:
                continue
            penilai = person_ids[s.penilai] if s.penilai is not None else None
            entries.append(
                AuditEntry(
                    "skp.submit",
                    SKP_OBJECT,
                    object_id,
                    label,
                    {"penilai": [None, penilai], "status": [DRAFT, rules.SUBMITTED]},
                    {"generator": GENERATOR, "as": owner},
                )
            )
            rater = nips[s.penilai] if s.penilai is not None else "admin_bkpsdm"
            if s.status == APPROVED:
                entries.append(
                    AuditEntry(
                        "skp.approve",
                        SKP_OBJECT,
                        object_id,
                        label,
                        {"status": [rules.SUBMITTED, APPROVED]},
                        {"generator": GENERATOR, "as": rater},
                    )
                )
            elif s.status == RETURNED:
                entries.append(
                    AuditEntry(
                        "skp.return",
                        SKP_OBJECT,
                        object_id,
                        label,
                        {
                            "return_note": ["", s.return_note],
                            "status": [rules.SUBMITTED, RETURNED],
                        },
                        {"generator": GENERATOR, "as": rater, "note": s.return_note},
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
