"""API schemas for evaluations and objections (shared: the calibration and feedback API imports
the references from here).

Field names are English; Indonesian domain terms stay (predikat, rhk, perilaku, opd, skp).
Ratings are `di_atas`, `sesuai`, `di_bawah` (empty: not rated); predikat `sangat_baik`, `baik`,
`butuh_perbaikan`, `kurang`, `sangat_kurang`; statuses the stored values (`draft`, `diajukan`,
`ditetapkan`, `diterima`, `keberatan`, `diputus`). Decimals (realisations, capaian, scores) are
answered as strings with two places ("12.50") and read as numbers or strings.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from kinerja.evaluations.batch import period_spec
from kinerja.evaluations.models import (
    Evaluation,
    EvaluationStatus,
    ObjectionStatus,
    PeriodKind,
    Predikat,
)
from kinerja.evaluations.selectors import Breakdown, sees_ratings
from kinerja.people.access import request_account
from kinerja.people.schemas import EmployeeRef

# A rating as sent: one of the three, or empty (not rated, or cleared).
RatingIn = Literal["di_atas", "sesuai", "di_bawah", ""]
MAX_TEXT = 4000


# --- References ---------------------------------------------------------------------------


class PeriodOut(Schema):
    year: int
    kind: PeriodKind = Field(..., description="bulanan, triwulan or tahunan.")
    number: int = Field(..., description="Month 1-12, quarter 1-4, 0 for the year.")
    label: str = Field(..., description="05/2026, Triwulan II 2026, 2026.")
    start_date: dt.date = Field(..., description="Within the SKP's own dates.")
    end_date: dt.date


def ratings_hidden(obj: Any, context: Any) -> bool:
    """Whether the caller is the employee looking at the supervisor's draft ratings, which stay
    hidden until finalised (selectors.sees_ratings; as on the page and in the document)."""
    request = (context or {}).get("request")
    if request is None or not isinstance(obj, Evaluation):
        return False
    return not sees_ratings(request_account(request), obj)


def period_of(evaluation: Evaluation) -> dict[str, Any]:
    spec = period_spec(evaluation.year, evaluation.period_kind, evaluation.period_no)
    return {
        "year": evaluation.year, "kind": evaluation.period_kind, "number": evaluation.period_no,
        "label": spec.label, "start_date": evaluation.start_date,
        "end_date": evaluation.end_date,
    }


class EvaluationRef(Schema):
    """An evaluation as embedded in another answer (an objection, a calibration row)."""

    id: int
    pegawai_id: int
    pegawai: EmployeeRef
    period: PeriodOut
    status: EvaluationStatus
    predikat: str

    @staticmethod
    def resolve_period(obj: Evaluation) -> dict[str, Any]:
        return period_of(obj)


# --- Evaluations --------------------------------------------------------------------------


class EvaluationOut(Schema):
    """An evaluation as listed: who, which period, where it stands and its result."""

    id: int
    pegawai_id: int
    pegawai: EmployeeRef
    skp_id: int
    opd_id: int
    jabatan_id: int
    period: PeriodOut
    status: EvaluationStatus
    self_hasil_rating: str
    self_perilaku_rating: str
    self_submitted_at: dt.datetime | None
    penilai_id: int | None
    penilai: EmployeeRef | None = Field(..., description="The pejabat penilai who rated.")
    hasil_rating: str
    perilaku_rating: str
    rated_at: dt.datetime | None
    matrix_predikat: str = Field(..., description="What the matrix gives for the ratings.")
    predikat: str = Field(
        ..., description="The predikat that counts: the matrix's, or set in calibration or by "
        "an objection decision."
    )
    calibrated: bool
    score: Decimal | None = Field(..., description="By the instansi's score method.")
    score_method: str
    verified_minutes: int
    finalised_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    objection_deadline: dt.date | None
    version: int = Field(..., description="Send it back on writes; 409 `stale` when changed.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_period(obj: Evaluation) -> dict[str, Any]:
        return period_of(obj)

    # The employee sees the supervisor's ratings and the predikat once finalised.
    @staticmethod
    def resolve_hasil_rating(obj: Evaluation, context: Any) -> str:
        return "" if ratings_hidden(obj, context) else obj.hasil_rating

    @staticmethod
    def resolve_perilaku_rating(obj: Evaluation, context: Any) -> str:
        return "" if ratings_hidden(obj, context) else obj.perilaku_rating

    @staticmethod
    def resolve_matrix_predikat(obj: Evaluation, context: Any) -> str:
        return "" if ratings_hidden(obj, context) else obj.matrix_predikat

    @staticmethod
    def resolve_predikat(obj: Evaluation, context: Any) -> str:
        return "" if ratings_hidden(obj, context) else obj.predikat


class _RealisationFields(Schema):
    indicator_id: int
    rhk_id: int
    text: str
    countable: bool = Field(..., description="Counted from verified logs (kuantitas, number).")
    target: Decimal | None = Field(..., description="The target for the period.")
    target_max: Decimal | None
    prefilled: Decimal | None = Field(
        ..., description="From verified logs and finished assignments of the period."
    )
    log_count: int
    log_minutes: int
    assignment_count: int
    realisation: Decimal | None = Field(..., description="The employee's own figure, if given.")
    realisation_text: str
    note: str
    capaian: Decimal | None
    nilai: Decimal | None


class RealisationOut(_RealisationFields):
    @staticmethod
    def resolve_text(obj: Any) -> str:
        return str(obj.indicator.text)


class RhkRatingOut(Schema):
    rhk_id: int
    rating: str
    feedback: str


class PerilakuRatingOut(Schema):
    value: str = Field(..., description="BerAKHLAK code: BO, AK, KO, HA, LO, AD, KL.")
    rating: str
    feedback: str


class EvaluationDetailOut(EvaluationOut):
    self_note: str
    rater_note: str
    calibration_reason: str
    reopen_reason: str
    realisations: list[RealisationOut]
    rhk_ratings: list[RhkRatingOut]
    perilaku_ratings: list[PerilakuRatingOut]

    @staticmethod
    def resolve_realisations(obj: Evaluation) -> list[Any]:
        return list(obj.realisations.all())

    @staticmethod
    def resolve_rhk_ratings(obj: Evaluation, context: Any) -> list[Any]:
        return [] if ratings_hidden(obj, context) else list(obj.rhk_ratings.all())

    @staticmethod
    def resolve_perilaku_ratings(obj: Evaluation, context: Any) -> list[Any]:
        return [] if ratings_hidden(obj, context) else list(obj.perilaku_ratings.all())

    @staticmethod
    def resolve_rater_note(obj: Evaluation, context: Any) -> str:
        return "" if ratings_hidden(obj, context) else obj.rater_note


class EvaluationFilter(Schema):
    year: int | None = None
    period_kind: PeriodKind | None = None
    period_no: int | None = Field(None, ge=0, le=12)
    pegawai_id: int | None = Field(None, description="Someone in your scope.")
    status: EvaluationStatus | None = None


class StartIn(Schema):
    pegawai_id: int
    year: int = Field(..., ge=2000, le=2100)
    period_kind: PeriodKind
    period_no: int = Field(..., ge=0, le=12, description="Month 1-12, quarter 1-4, 0: the year.")


class RealisationIn(Schema):
    indicator_id: int
    realisation: Decimal | None = Field(None, max_digits=18, decimal_places=2)
    realisation_text: str = Field("", max_length=MAX_TEXT)
    note: str = Field(
        "", max_length=MAX_TEXT,
        description="Required when a counted realisation differs from the pre-filled one.",
    )


class VersionIn(Schema):
    version: int | None = Field(
        None, description="The version you last read; 409 `stale` when it changed. Leave it "
        "out to write regardless."
    )


class SelfAssessmentIn(VersionIn):
    realisations: list[RealisationIn] = Field(default_factory=list, max_length=500)
    self_hasil_rating: RatingIn = ""
    self_perilaku_rating: RatingIn = ""
    self_note: str = Field("", max_length=MAX_TEXT)


class RhkRatingIn(Schema):
    rhk_id: int
    rating: RatingIn = ""
    feedback: str = Field("", max_length=MAX_TEXT)


class PerilakuRatingIn(Schema):
    value: str = Field(..., max_length=2, description="BO, AK, KO, HA, LO, AD, KL.")
    rating: RatingIn = ""
    feedback: str = Field("", max_length=MAX_TEXT)


class RatingBodyIn(VersionIn):
    rhk: list[RhkRatingIn] = Field(default_factory=list, max_length=200)
    perilaku: list[PerilakuRatingIn] = Field(default_factory=list, max_length=7)
    hasil_rating: RatingIn = ""
    perilaku_rating: RatingIn = ""
    rater_note: str = Field("", max_length=MAX_TEXT)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=MAX_TEXT)


class CalibrateIn(VersionIn):
    predikat: Predikat
    reason: str = Field(..., max_length=MAX_TEXT)


# --- Objections ---------------------------------------------------------------------------


class ObjectionBrief(Schema):
    id: int
    evaluation_id: int
    filed_by_id: int
    reason: str
    filed_at: dt.datetime
    decider_id: int | None = Field(
        ..., description="Who decides: the supervisor of the pejabat penilai; null: admin "
        "BKPSDM (nobody above)."
    )
    status: ObjectionStatus
    original_predikat: str
    decided_predikat: str
    decision_note: str
    decided_at: dt.datetime | None


class ObjectionOut(ObjectionBrief):
    evaluation: EvaluationRef
    decider: EmployeeRef | None


class ObjectionIn(Schema):
    reason: str = Field(..., max_length=MAX_TEXT)


class DecisionIn(Schema):
    outcome: Literal["dikabulkan", "ditolak"] = Field(
        ..., description="dikabulkan (upheld: give the ratings that stand) or ditolak."
    )
    note: str = Field(..., max_length=MAX_TEXT)
    hasil_rating: RatingIn = ""
    perilaku_rating: RatingIn = ""


class ObjectionFilter(Schema):
    role: Literal["decide", "filed", ""] = Field(
        "", description="decide: open objections you decide; filed: your own; empty: both."
    )


# --- The explanation ----------------------------------------------------------------------


class LogLineOut(Schema):
    id: int
    date: dt.date
    description: str
    quantity: Decimal
    unit: str
    minutes: int


class AssignmentLineOut(Schema):
    id: int
    title: str
    closed_at: dt.datetime | None


class IndicatorLineOut(_RealisationFields):
    aspek: str
    unit: str
    target_text: str = Field(..., description="The SKP's annual target as written.")


class RhkLineOut(Schema):
    id: int
    kind: str
    text: str
    nilai: str | None = Field(..., description="The RHK's value by the score method.")
    rating: str
    feedback: str
    indicators: list[IndicatorLineOut]
    logs: list[LogLineOut] = Field(..., description="Verified logs of the period behind it.")
    assignments: list[AssignmentLineOut] = Field(
        ..., description="Finished assignments of the period under it."
    )


class PerilakuLineOut(Schema):
    value: str
    name: str
    expectation: str
    rating: str
    feedback: str


class MethodOut(Schema):
    key: str
    name: str
    kind: str
    formula: str
    lines: list[dict[str, Any]]


class MatrixOut(Schema):
    hasil_rating: str
    perilaku_rating: str
    predikat: str = Field(..., description="The matrix's cell (matrix_predikat).")
    rule: str


class SuggestionsOut(Schema):
    hasil_rating: str | None = Field(..., description="From the RHK ratings given so far.")
    perilaku_rating: str | None = Field(..., description="From the BerAKHLAK ratings.")


class PeriodicOut(Schema):
    id: int
    period: PeriodOut
    status: EvaluationStatus
    predikat: str
    score: Decimal | None

    @staticmethod
    def resolve_period(obj: Evaluation) -> dict[str, Any]:
        return period_of(obj)


class FeedbackLineOut(Schema):
    id: int
    date: dt.date
    kind: str
    author: EmployeeRef
    rhk_id: int | None
    value: str
    text: str


class DialogueLineOut(Schema):
    id: int
    date: dt.date
    held_by: EmployeeRef
    topics: str
    follow_ups: str


class OrgPredikatOut(Schema):
    predikat: str
    note: str


class BreakdownOut(Schema):
    evaluation: EvaluationOut
    rhk: list[RhkLineOut]
    perilaku: list[PerilakuLineOut]
    method: MethodOut | None
    matrix: MatrixOut
    suggestions: SuggestionsOut
    periodic: list[PeriodicOut] = Field(..., description="Annual only: the year's periods.")
    objections: list[ObjectionBrief]
    feedback: list[FeedbackLineOut]
    dialogues: list[DialogueLineOut]
    org_predikat: OrgPredikatOut | None = Field(
        ..., description="The OPD's capaian kinerja organisasi of the period."
    )
    log_limit_reached: bool = Field(..., description="Only the first 200 logs are listed.")


def _indicator_line(line: Any) -> dict[str, Any]:
    real = line.realisation
    return {
        "indicator_id": real.indicator_id, "rhk_id": real.rhk_id, "text": line.indicator_text,
        "countable": real.countable, "target": real.target, "target_max": real.target_max,
        "prefilled": real.prefilled, "log_count": real.log_count,
        "log_minutes": real.log_minutes, "assignment_count": real.assignment_count,
        "realisation": real.realisation, "realisation_text": real.realisation_text,
        "note": real.note, "capaian": real.capaian, "nilai": real.nilai, "aspek": line.aspek,
        "unit": line.unit, "target_text": line.target_text,
    }


def breakdown_payload(found: Breakdown, *, show_ratings: bool = True) -> dict[str, Any]:
    """The selector's explanation in the answer's shape; without `show_ratings` (the employee
    before finalising) the supervisor's draft ratings, feedback and predikat are left out."""
    if not show_ratings:
        found = _without_ratings(found)
    e = found.evaluation
    stored = e.breakdown or {}
    method = None
    if found.method is not None:
        method = {
            "key": found.method.key, "name": found.method.name, "kind": found.method.kind,
            "formula": str(stored.get("formula", "")),
            "lines": [line for line in stored.get("lines", []) if isinstance(line, dict)],
        }
    return {
        "evaluation": e,
        "rhk": [
            {
                "id": line.rhk.pk, "kind": line.rhk.kind, "text": line.rhk.text,
                "nilai": None if line.nilai is None else str(line.nilai),
                "rating": line.rating.rating if line.rating else "",
                "feedback": line.rating.feedback if line.rating else "",
                "indicators": [_indicator_line(i) for i in line.indicators],
                "logs": [
                    {"id": log.pk, "date": log.date, "description": log.description,
                     "quantity": log.output_quantity, "unit": log.output_unit,
                     "minutes": log.minutes}
                    for log in line.logs
                ],
                "assignments": line.assignments,
            }
            for line in found.rhk
        ],
        "perilaku": [
            {"value": p.value, "name": str(p.name), "expectation": p.expectation,
             "rating": p.rating.rating if p.rating else "",
             "feedback": p.rating.feedback if p.rating else ""}
            for p in found.perilaku
        ],
        "method": method,
        "matrix": {
            "hasil_rating": e.hasil_rating, "perilaku_rating": e.perilaku_rating,
            "predikat": e.matrix_predikat, "rule": str(stored.get("predikat_rule", "")),
        },
        "suggestions": {
            "hasil_rating": found.suggested_hasil, "perilaku_rating": found.suggested_perilaku,
        },
        "periodic": found.periodic,
        "objections": found.objections,
        "feedback": found.feedback,
        "dialogues": found.dialogues,
        "org_predikat": found.org_predikat,
        "log_limit_reached": found.log_limit_reached,
    }



def _without_ratings(found: Breakdown) -> Breakdown:
    hidden = copy.copy(found)
    evaluation = copy.copy(found.evaluation)
    for name in ("hasil_rating", "perilaku_rating", "matrix_predikat", "predikat", "rater_note"):
        setattr(evaluation, name, "")
    hidden.evaluation = evaluation
    hidden.rhk = [_unrated(line) for line in found.rhk]
    hidden.perilaku = [_unrated(line) for line in found.perilaku]
    hidden.suggested_hasil = hidden.suggested_perilaku = None
    return hidden


def _unrated(line: Any) -> Any:
    bare = copy.copy(line)
    bare.rating = None
    return bare
