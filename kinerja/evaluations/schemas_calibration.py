"""API schemas for feedback and dialogues, calibration, the organisation predikat, rater
analytics, the evaluation policy, score methods and recompute runs (api_feedback.py,
api_calibration.py).

Field names are English; Indonesian domain terms stay (predikat, rhk, nip, penilai). Values are
the stored ones: predikat `sangat_baik`, `baik`, `butuh_perbaikan`, `kurang`, `sangat_kurang`;
organisation predikat `istimewa`, `baik`, `butuh_perbaikan`, `kurang`, `sangat_kurang`; period
kinds `bulanan` (number 1-12), `triwulan` (1-4), `tahunan` (0).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from kinerja.evaluations.batch import PeriodSpec, period_spec
from kinerja.evaluations.models import (
    FeedbackKind,
    OrgPredikatChoice,
    PeriodKind,
    RecomputeRun,
    RunStatus,
)
from kinerja.plans.rules import BERAKHLAK

FIRST_YEAR, LAST_YEAR = 2000, 2100


class PegawaiRef(Schema):
    id: int
    nip: str
    name: str
    full_name: str


class OpdRef(Schema):
    id: int
    code: str
    name: str


class PeriodQuery(Schema):
    """A period as query parameters. All left out: the current period (this month's, by the
    instansi's evaluation frequency of the year). `period_kind` left out: the instansi's
    frequency of `year`. `period_no`: the month 1-12, the quarter 1-4, 0 for the year."""

    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)
    period_kind: PeriodKind | None = None
    period_no: int | None = Field(None, description="1-12 (bulanan), 1-4 (triwulan), 0 (tahunan).")


class PeriodIn(Schema):
    year: int = Field(..., ge=FIRST_YEAR, le=LAST_YEAR)
    period_kind: PeriodKind
    period_no: int = Field(0, description="1-12 (bulanan), 1-4 (triwulan), 0 (tahunan).")


class CalibrationPeriodOut(Schema):
    year: int
    period_kind: str
    period_no: int
    label: str
    start: dt.date
    end: dt.date


def period_out(spec: PeriodSpec) -> dict[str, Any]:
    return {"year": spec.year, "period_kind": spec.kind, "period_no": spec.number,
            "label": spec.label, "start": spec.start, "end": spec.end}


# --- Feedback and dialogues -----------------------------------------------------------------


class DateRangeFilter(Schema):
    pegawai_id: int | None = Field(None, description="Only about this employee.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class FeedbackIn(Schema):
    """A feedback note. Supervisors above the employee write on results (optionally one
    `rhk_id` of the employee's SKP) and behaviour; colleagues under the same supervisor, where
    the instansi enables peer feedback, only on a BerAKHLAK `value`."""

    pegawai_id: int
    text: str = Field(..., max_length=4000)
    date: dt.date | None = Field(None, description="Today when left out; never in the future.")
    rhk_id: int | None = None
    value: str = Field(
        "", max_length=2, description="A BerAKHLAK value code: " + ", ".join(BERAKHLAK) + "."
    )


class RhkRef(Schema):
    id: int
    text: str


class FeedbackOut(Schema):
    id: int
    pegawai: PegawaiRef
    author: PegawaiRef
    kind: FeedbackKind = Field(..., description="`atasan` (a supervisor) or `rekan` (a peer).")
    date: dt.date
    rhk: RhkRef | None
    value: str
    value_name: str
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_value_name(obj: Any) -> str:
        return str(BERAKHLAK.get(obj.value, "")) if obj.value else ""


class DialogueIn(Schema):
    pegawai_id: int
    date: dt.date
    topics: str = Field(..., max_length=4000)
    follow_ups: str = Field("", max_length=4000)


class DialogueOut(Schema):
    id: int
    pegawai: PegawaiRef
    held_by: PegawaiRef
    date: dt.date
    topics: str
    follow_ups: str
    created_at: dt.datetime


# --- Calibration ----------------------------------------------------------------------------


class FindingOut(Schema):
    code: str = Field(..., description="too_many, too_few, missing, forbidden or not_most.")
    level: str = Field(..., description="`error` (outside the curve) or `warning`.")
    predikat: list[str]
    allowed: int = Field(..., description="The count the curve allows (max) or requires (min).")
    actual: int


class OpdDistributionOut(Schema):
    opd: OpdRef
    counts: dict[str, int] = Field(..., description="Every employee predikat with its count.")
    total: int = Field(..., description="Evaluations of the period in the OPD.")
    rated: int = Field(..., description="Those with a predikat.")
    org_predikat: str | None
    findings: list[FindingOut]
    within_curve: bool


class CalibrationOut(Schema):
    period: CalibrationPeriodOut
    opds: list[OpdDistributionOut]
    outside_curve: list[OpdRef] = Field(..., description="OPDs whose distribution breaks the "
                                         "curve of their organisation predikat.")


class OrgPredikatIn(PeriodIn):
    opd_id: int
    predikat: OrgPredikatChoice
    note: str = Field("", max_length=2000)


class CalibrationOrgPredikatOut(Schema):
    opd: OpdRef
    period: CalibrationPeriodOut
    predikat: str
    note: str
    updated_at: dt.datetime


class RaterOut(Schema):
    penilai: PegawaiRef
    counts: dict[str, int]
    rated: int
    rater_mean: Decimal
    others_mean: Decimal | None
    difference: Decimal | None
    flag: str | None = Field(..., description="`lenient`, `severe` or null.")


class RaterAnalyticsOut(Schema):
    opd: OpdRef
    period: CalibrationPeriodOut
    raters: list[RaterOut]


# --- Policy, score methods, recompute -------------------------------------------------------


class EvaluationPolicyIn(Schema):
    objection_days: int = Field(..., description="Days to object after finalising: 1-60.")
    peer_feedback: bool
    score_method: str = Field(..., max_length=60, description="The key of a score method.")


class EvaluationPolicyOut(Schema):
    objection_days: int
    peer_feedback: bool
    score_method: str = Field(..., description="The key of the method in use.")


class ScoreMethodOut(Schema):
    key: str
    name: str
    kind: str
    params: dict[str, Any]
    source: str
    builtin: bool

    @staticmethod
    def resolve_builtin(obj: Any) -> bool:
        return obj.instansi_id is None


class RecomputeRunOut(Schema):
    id: int
    period: CalibrationPeriodOut
    status: RunStatus = Field(..., description="berjalan, selesai or gagal.")
    phase: str
    done: int
    total: int
    created: int
    updated: int
    unchanged: int
    error: str
    started_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_period(obj: RecomputeRun) -> dict[str, Any]:
        return period_out(period_spec(obj.year, obj.period_kind, obj.period_no))
