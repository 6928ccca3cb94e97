"""Evaluation API: calibration, the organisation predikat, rater analytics, the evaluation
policy, score methods and recompute runs (mounted by kinerja/evaluations/api.py).

Calibration and rater analytics are read by the instansi-wide readers (admin BKPSDM, pimpinan,
auditor; anyone else 403); the organisation predikat is set by admin BKPSDM and pimpinan
(RULES.md 1.7: set one level up); the policy is read by everyone of the instansi and changed by
admin BKPSDM, who also recomputes a period. Periods are `year`, `period_kind` (bulanan,
triwulan, tahunan) and `period_no` (1-12, 1-4, 0); a wrong number is 400 `invalid_period`.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.evaluations import rules, selectors, services
from kinerja.evaluations.batch import PeriodSpec, frequency_of, period_for_month, period_spec
from kinerja.evaluations.models import EvaluationPolicy, PeriodKind, RecomputeRun, ScoreMethod
from kinerja.evaluations.presets import DEFAULT_METHOD
from kinerja.evaluations.schemas_calibration import (
    CalibrationOrgPredikatOut,
    CalibrationOut,
    EvaluationPolicyIn,
    EvaluationPolicyOut,
    OrgPredikatIn,
    PeriodIn,
    PeriodQuery,
    RaterAnalyticsOut,
    RecomputeRunOut,
    ScoreMethodOut,
    period_out,
)
from kinerja.org.models import Opd
from kinerja.people.access import request_account, scope_for, today_in
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["Evaluations"])

PERIOD_NUMBERS = {
    PeriodKind.MONTHLY: range(1, 13),
    PeriodKind.QUARTERLY: range(1, 5),
    PeriodKind.ANNUAL: range(0, 1),
}


# --- Periods ----------------------------------------------------------------------------------


def checked_spec(year: int, kind: str, number: int | None) -> PeriodSpec:
    """The period, or 400 `invalid_period` when the number does not fit the kind."""
    kind = PeriodKind(kind).value
    if number is None and kind == PeriodKind.ANNUAL:
        number = 0
    if number is None or number not in PERIOD_NUMBERS[PeriodKind(kind)]:
        raise ApplicationError(
            "invalid_period",
            _("The period number must be 1-12 for bulanan, 1-4 for triwulan and 0 for tahunan."),
            details={"period_kind": kind, "period_no": number},
        )
    return period_spec(year, kind, number)


def period_of(account: Account, query: PeriodQuery) -> PeriodSpec:
    """The period asked for; the current one when nothing is given."""
    instansi_id = _instansi(account)
    today = today_in(account)
    if query.year is None and query.period_kind is None and query.period_no is None:
        return period_for_month(instansi_id, today.year, today.month)
    year = query.year or today.year
    kind = query.period_kind or frequency_of(instansi_id, year)
    return checked_spec(year, kind, query.period_no)


def _instansi(account: Account) -> int:
    if account.instansi_id is None:
        raise NotFound("not_found", _("This account belongs to no instansi."))
    return account.instansi_id


def _opd(account: Account, opd_id: int) -> Opd:
    """An OPD of the caller's instansi (the structure is open to the instansi); 404 otherwise."""
    found = Opd.objects.filter(pk=opd_id, instansi_id=account.instansi_id or 0).first()
    if found is None:
        raise NotFound("not_found", _("OPD not found."))
    return found


def _require_reader(account: Account) -> None:
    if not selectors.may_read_calibration(account):
        raise Forbidden(
            "forbidden", _("Calibration is read by admin BKPSDM, pimpinan and auditors.")
        )


def _counts(found: dict[str, int]) -> dict[str, int]:
    return {p: found.get(p, 0) for p in rules.PREDIKAT}


def _opd_ref(opd: Opd) -> dict[str, Any]:
    return {"id": opd.pk, "code": opd.code, "name": opd.name}


# --- Calibration --------------------------------------------------------------------------------


@router.get(
    "/calibration", response={200: CalibrationOut, **ERRORS},
    summary="Predikat distribution per OPD against the curve of its organisation predikat",
)
def calibration_overview(request: HttpRequest, filters: Query[PeriodQuery]) -> dict[str, Any]:
    account = request_account(request)
    _require_reader(account)
    spec = period_of(account, filters)
    rows = selectors.calibration_overview(_instansi(account), spec)
    opds = [
        {
            "opd": _opd_ref(row.opd),
            "counts": _counts(row.counts),
            "total": row.total,
            "rated": row.rated,
            "org_predikat": row.org_predikat,
            "findings": [
                {"code": f.code, "level": f.level, "predikat": list(f.predikat),
                 "allowed": f.allowed, "actual": f.actual}
                for f in row.findings
            ],
            "within_curve": row.within_curve,
        }
        for row in rows
    ]
    return {
        "period": period_out(spec),
        "opds": opds,
        "outside_curve": [o["opd"] for o in opds if not o["within_curve"]],
    }


@router.put(
    "/calibration/org-predikat", response={200: CalibrationOrgPredikatOut, **ERRORS},
    summary="Set an OPD's organisation predikat for a period (admin BKPSDM, pimpinan)",
)
def org_predikat_set(request: HttpRequest, payload: OrgPredikatIn) -> dict[str, Any]:
    account = request_account(request)
    spec = checked_spec(payload.year, payload.period_kind, payload.period_no)
    opd = _opd(account, payload.opd_id)
    found = services.org_predikat_set(
        actor=account, opd=opd, spec=spec, predikat=str(payload.predikat.value), note=payload.note,
    )
    return {"opd": _opd_ref(opd), "period": period_out(spec), "predikat": found.predikat,
            "note": found.note, "updated_at": found.updated_at}


@router.get(
    "/calibration/raters/{opd_id}", response={200: RaterAnalyticsOut, **ERRORS},
    summary="Each supervisor's predikat in an OPD against the others': lenient or severe",
)
def rater_analytics(
    request: HttpRequest, opd_id: int, filters: Query[PeriodQuery]
) -> dict[str, Any]:
    account = request_account(request)
    _require_reader(account)
    opd = _opd(account, opd_id)
    spec = period_of(account, filters)
    raters = [
        {
            "penilai": row.penilai,
            "counts": _counts(row.counts),
            "rated": sum(row.counts.values()),
            "rater_mean": row.bias.rater_mean,
            "others_mean": row.bias.others_mean,
            "difference": row.bias.difference,
            "flag": row.bias.flag,
        }
        for row in selectors.rater_analytics(opd.pk, spec)
    ]
    return {"opd": _opd_ref(opd), "period": period_out(spec), "raters": raters}


# --- Policy and score methods -------------------------------------------------------------------


def _policy_out(policy: EvaluationPolicy) -> dict[str, Any]:
    method = policy.score_method if policy.score_method_id else None
    return {"objection_days": policy.objection_days, "peer_feedback": policy.peer_feedback,
            "score_method": method.key if method is not None else DEFAULT_METHOD}


@router.get(
    "/evaluation-policy", response={200: EvaluationPolicyOut, **ERRORS},
    summary="The instansi's evaluation settings",
)
def evaluation_policy(request: HttpRequest) -> dict[str, Any]:
    account = request_account(request)
    policy = selectors.policy_for(_instansi(account))
    return _policy_out(policy)


@router.put(
    "/evaluation-policy", response={200: EvaluationPolicyOut, **ERRORS},
    summary="Change the evaluation settings (admin BKPSDM)",
)
def evaluation_policy_update(request: HttpRequest, payload: EvaluationPolicyIn) -> dict[str, Any]:
    account = request_account(request)
    policy = services.evaluation_policy_update(
        actor=account, objection_days=payload.objection_days,
        peer_feedback=payload.peer_feedback, score_method_key=payload.score_method,
    )
    return _policy_out(policy)


@router.get(
    "/score-methods", response={200: list[ScoreMethodOut], **ERRORS},
    summary="Score methods the instansi may use: the built-in presets and its own",
)
@paginate(Pages)
def score_method_list(request: HttpRequest) -> QuerySet[ScoreMethod]:
    account = request_account(request)
    return selectors.score_methods(_instansi(account)).order_by("name", "pk")


# --- Recompute runs -----------------------------------------------------------------------------


@router.post(
    "/recompute-runs", response={201: RecomputeRunOut, **ERRORS},
    summary="Recompute a period's derived scores for the instansi (admin BKPSDM)",
)
def recompute_run_start(request: HttpRequest, payload: PeriodIn) -> Status[Any]:
    account = request_account(request)
    spec = checked_spec(payload.year, payload.period_kind, payload.period_no)
    run = services.recompute_run_start(actor=account, spec=spec)
    return Status(201, run)


@router.get(
    "/recompute-runs/{run_id}", response={200: RecomputeRunOut, **ERRORS},
    summary="A recompute run's progress and result (admin BKPSDM)",
)
def recompute_run_detail(request: HttpRequest, run_id: int) -> RecomputeRun:
    account = request_account(request)
    scope = scope_for(account)
    found = None
    if scope.instansi_id is not None and scope.writes_whole_instansi:
        found = RecomputeRun.objects.filter(pk=run_id, instansi_id=scope.instansi_id).first()
    if found is None:
        raise NotFound("not_found", _("Recompute run not found."))
    return found
