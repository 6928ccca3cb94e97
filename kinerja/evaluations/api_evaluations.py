"""Evaluation API: evaluations, their explanation and their workflow (mounted by
kinerja/evaluations/api.py).

Reads go through the scoped selectors (kinerja.evaluations.selectors: an evaluation is seen by
whoever sees its employee; anything else is 404). Writes call one service, which decides who
may do it (the employee self-assesses, submits and acknowledges; the pejabat penilai rates and
finalises; admin BKPSDM reopens; admin BKPSDM and pimpinan calibrate: anyone else who sees the
evaluation hears 403 `forbidden`), in which state (409 `invalid_status`) and whether the copy
written was current (409 `stale` when `version` is sent and the evaluation changed since).
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.core import rules as period_rules
from kinerja.core.errors import ApplicationError, NotFound
from kinerja.core.idempotency import idempotent
from kinerja.evaluations import selectors, services
from kinerja.evaluations.api_objections import objection_answer
from kinerja.evaluations.batch import PeriodSpec, frequency_of, period_spec
from kinerja.evaluations.models import Evaluation, IndicatorRealisation, PeriodKind
from kinerja.evaluations.schemas import (
    BreakdownOut,
    CalibrateIn,
    EvaluationDetailOut,
    EvaluationFilter,
    EvaluationOut,
    ObjectionIn,
    ObjectionOut,
    RatingBodyIn,
    ReasonIn,
    SelfAssessmentIn,
    StartIn,
    VersionIn,
    breakdown_payload,
)
from kinerja.people.access import get_pegawai_for, request_account
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["Evaluations"])

E = "/evaluations/{evaluation_id}"


def _listed(qs: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    return qs.select_related("pegawai", "penilai")


def _detail(account: Account, pk: int) -> Evaluation:
    """The evaluation as answered: scoped (404 outside), with its realisations and ratings."""
    found = (
        _listed(selectors.evaluation_visible_to(account).filter(pk=pk))
        .prefetch_related(
            Prefetch(
                "realisations",
                queryset=IndicatorRealisation.objects.select_related("indicator").order_by(
                    "rhk__kind", "rhk__order", "rhk_id", "indicator__order", "indicator_id"
                ),
            ),
            "rhk_ratings",
            "perilaku_ratings",
        )
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("Evaluation not found."))
    return found


def _spec(instansi_id: int, payload: StartIn) -> PeriodSpec:
    """The period asked for, as the instansi evaluates it (monthly or quarterly, and the year)."""
    kind, number = payload.period_kind, payload.period_no
    if kind == PeriodKind.ANNUAL:
        valid = number == 0
    else:
        valid = kind == frequency_of(instansi_id, payload.year) and any(
            p.number == number for p in period_rules.evaluation_periods(payload.year, kind)
        )
    if not valid:
        raise ApplicationError(
            "invalid_period",
            _("No such evaluation period: the instansi evaluates %(kind)s in %(year)s.")
            % {"kind": frequency_of(instansi_id, payload.year), "year": payload.year},
            details={"period_kind": kind, "period_no": number},
        )
    return period_spec(payload.year, kind, number)


@router.get(
    "/evaluations", response={200: list[EvaluationOut], **ERRORS},
    summary="Evaluations in your scope (your own, your team's, your OPD's or instansi's)",
)
@paginate(Pages)
def evaluation_list(
    request: HttpRequest, filters: Query[EvaluationFilter]
) -> QuerySet[Evaluation]:
    qs = selectors.evaluation_visible_to(request_account(request))
    for name in ("year", "period_kind", "period_no", "pegawai_id", "status"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    return _listed(qs).order_by("-year", "period_kind", "-period_no", "pegawai__name", "pk")


@router.post(
    "/evaluations/start", response={200: list[EvaluationOut], **ERRORS},
    summary="Open (or find) an employee's evaluation of a period, pre-filled from logs",
)
@idempotent
def evaluation_start(request: HttpRequest, payload: StartIn) -> list[Evaluation]:
    account = request_account(request)
    pegawai = get_pegawai_for(account, pk=payload.pegawai_id)
    spec = _spec(pegawai.instansi_id, payload)
    found = services.evaluation_start(actor=account, pegawai=pegawai, spec=spec)
    return list(_listed(Evaluation.objects.filter(pk__in=[e.pk for e in found])).order_by(
        "start_date", "pk"
    ))


@router.get(E, response={200: EvaluationDetailOut, **ERRORS}, summary="One evaluation")
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> Evaluation:
    return _detail(request_account(request), evaluation_id)


@router.get(
    f"{E}/breakdown", response={200: BreakdownOut, **ERRORS},
    summary="How the evaluation was reached: RHKs, logs, ratings, method, matrix...",
)
def evaluation_breakdown(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    account = request_account(request)
    evaluation = _listed(
        selectors.evaluation_visible_to(account).filter(pk=evaluation_id)
    ).first()
    if evaluation is None:
        raise NotFound("not_found", _("Evaluation not found."))
    return breakdown_payload(
        selectors.breakdown(evaluation), show_ratings=selectors.sees_ratings(account, evaluation)
    )


@router.put(
    f"{E}/self-assessment", response={200: EvaluationDetailOut, **ERRORS},
    summary="The employee's realisations and self-assessment (draft)",
)
def evaluation_self_assessment(
    request: HttpRequest, evaluation_id: int, payload: SelfAssessmentIn
) -> Evaluation:
    account = request_account(request)
    services.evaluation_self_save(
        actor=account, evaluation=selectors.get_evaluation_for(account, evaluation_id),
        realisations=[services.RealisationInput(**r.model_dump()) for r in payload.realisations],
        self_hasil_rating=payload.self_hasil_rating,
        self_perilaku_rating=payload.self_perilaku_rating, self_note=payload.self_note,
        expected_version=payload.version,
    )
    return _detail(account, evaluation_id)


@router.post(
    f"{E}/submit", response={200: EvaluationDetailOut, **ERRORS},
    summary="Submit the self-assessment to the pejabat penilai",
)
def evaluation_submit(
    request: HttpRequest, evaluation_id: int, payload: VersionIn | None = None
) -> Evaluation:
    account = request_account(request)
    services.evaluation_self_submit(
        actor=account, evaluation=selectors.get_evaluation_for(account, evaluation_id),
        expected_version=payload.version if payload else None,
    )
    return _detail(account, evaluation_id)


@router.put(
    f"{E}/rating", response={200: EvaluationDetailOut, **ERRORS},
    summary="The pejabat penilai's feedback and ratings (a draft until finalised)",
)
def evaluation_rating(
    request: HttpRequest, evaluation_id: int, payload: RatingBodyIn
) -> Evaluation:
    account = request_account(request)
    services.evaluation_rate(
        actor=account, evaluation=selectors.get_evaluation_for(account, evaluation_id),
        rhk=[services.RhkRatingInput(**r.model_dump()) for r in payload.rhk],
        perilaku=[services.PerilakuInput(**p.model_dump()) for p in payload.perilaku],
        hasil_rating=payload.hasil_rating, perilaku_rating=payload.perilaku_rating,
        rater_note=payload.rater_note, expected_version=payload.version,
    )
    return _detail(account, evaluation_id)


@router.post(
    f"{E}/finalise", response={200: EvaluationDetailOut, **ERRORS},
    summary="Finalise: the predikat stands, the employee's logs of the period lock",
)
def evaluation_finalise(
    request: HttpRequest, evaluation_id: int, payload: VersionIn | None = None
) -> Evaluation:
    account = request_account(request)
    services.evaluation_finalise(
        actor=account, evaluation=selectors.get_evaluation_for(account, evaluation_id),
        expected_version=payload.version if payload else None,
    )
    return _detail(account, evaluation_id)


@router.post(
    f"{E}/acknowledge", response={200: EvaluationDetailOut, **ERRORS},
    summary="The employee acknowledges a finalised evaluation",
)
def evaluation_acknowledge(request: HttpRequest, evaluation_id: int) -> Evaluation:
    account = request_account(request)
    services.evaluation_acknowledge(
        actor=account, evaluation=selectors.get_evaluation_for(account, evaluation_id)
    )
    return _detail(account, evaluation_id)


@router.post(
    f"{E}/reopen", response={200: EvaluationDetailOut, **ERRORS},
    summary="Admin BKPSDM reopens a finalised evaluation for a correction",
)
def evaluation_reopen(request: HttpRequest, evaluation_id: int, payload: ReasonIn) -> Evaluation:
    account = request_account(request)
    services.evaluation_reopen(
        actor=account, evaluation=selectors.get_evaluation_for(account, evaluation_id),
        reason=payload.reason,
    )
    return _detail(account, evaluation_id)


@router.post(
    f"{E}/calibrate", response={200: EvaluationDetailOut, **ERRORS},
    summary="Change the predikat in calibration (admin BKPSDM, pimpinan), with a reason",
)
def evaluation_calibrate(
    request: HttpRequest, evaluation_id: int, payload: CalibrateIn
) -> Evaluation:
    account = request_account(request)
    services.evaluation_calibrate(
        actor=account, evaluation=selectors.get_evaluation_for(account, evaluation_id),
        predikat=payload.predikat, reason=payload.reason, expected_version=payload.version,
    )
    return _detail(account, evaluation_id)


@router.post(
    f"{E}/objections", response={201: ObjectionOut, **ERRORS},
    summary="File an objection (keberatan) to your finalised evaluation",
)
@idempotent
def objection_file(request: HttpRequest, evaluation_id: int, payload: ObjectionIn) -> Status[Any]:
    account = request_account(request)
    objection = services.objection_file(
        actor=account, evaluation=selectors.get_evaluation_for(account, evaluation_id),
        reason=payload.reason,
    )
    return Status(201, objection_answer(account, objection.pk))
