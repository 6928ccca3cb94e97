"""The evaluation of one employee for one period: start, self-assessment, the supervisor's
ratings, finalising, acknowledging, reopening and calibration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core import rules as period_rules
from kinerja.core.audit import diff, snapshot
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import PersonPeriodLock
from kinerja.evaluations import rules
from kinerja.evaluations.batch import (
    PeriodSpec,
    ensure_evaluations,
    evaluable_skps,
    frequency_of,
    recompute,
)
from kinerja.evaluations.models import (
    Evaluation,
    EvaluationStatus,
    PerilakuRating,
    RhkRating,
)
from kinerja.evaluations.selectors import (
    is_rater,
    may_calibrate,
    org_predikat_of,
    policy_for,
    rater_of,
)
from kinerja.evaluations.services._common import EVALUATION_FIELDS, lock, record, require_status
from kinerja.people.access import scope_for, today_in
from kinerja.people.models import Account, Pegawai
from kinerja.people.notifications import notify
from kinerja.plans.rules import BERAKHLAK
from kinerja.plans.selectors import is_opd_head

FINALISED_TITLE = _lazy("Your evaluation of %(period)s was finalised: %(predikat)s")
FINALISED_BODY = _lazy(
    "Open it to see how it was reached. You may acknowledge it or file an objection until "
    "%(deadline)s."
)
REOPENED_TITLE = _lazy("Your evaluation of %(period)s was reopened")
CALIBRATED_TITLE = _lazy("The predikat of your evaluation of %(period)s was changed in calibration")
RATING_MESSAGES = {
    "hasil_rating_missing": _lazy("Rate the work results (hasil kerja)."),
    "perilaku_rating_missing": _lazy("Rate the work behaviour (perilaku kerja)."),
    "self_assessment_pending": _lazy(
        "The employee has not submitted the self-assessment yet; it comes first until the "
        "period's logging deadline (%(deadline)s)."
    ),
}


def _spec_of(evaluation: Evaluation) -> PeriodSpec:
    from kinerja.evaluations.batch import period_spec

    return period_spec(evaluation.year, evaluation.period_kind, evaluation.period_no)


def _label(evaluation: Evaluation) -> str:
    return _spec_of(evaluation).label


def _refresh(evaluation: Evaluation, *, force: bool = False) -> Evaluation:
    recompute(
        evaluation.instansi_id, _spec_of(evaluation), evaluation_ids=[evaluation.pk],
        create=False, include_locked=force,
    )
    evaluation.refresh_from_db()
    return evaluation


def require_rater(actor: Account, evaluation: Evaluation) -> None:
    found = rater_of(evaluation, today_in(actor))
    if not is_rater(actor, evaluation, found):
        raise Forbidden(
            "forbidden", _("Only the employee's pejabat penilai may rate this evaluation.")
        )


def require_owner(actor: Account, evaluation: Evaluation) -> None:
    if actor.pegawai_id is None or actor.pegawai_id != evaluation.pegawai_id:
        raise Forbidden("forbidden", _("Only the employee may do this to their own evaluation."))


# --- Start -------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_start(*, actor: Account, pegawai: Pegawai, spec: PeriodSpec) -> list[Evaluation]:
    """Open the employee's evaluation(s) of a period (one per approved SKP covering it) with
    their realisations pre-filled. The employee, their pejabat penilai or admin BKPSDM may."""
    scope = scope_for(actor)
    if scope.instansi_id != pegawai.instansi_id:
        raise Forbidden("forbidden", _("You may not evaluate this employee."))
    allowed = actor.pegawai_id == pegawai.pk or scope.writes_whole_instansi
    if not allowed:
        from kinerja.people.selectors import atasan_of

        rater = atasan_of(pegawai, min(today_in(actor), spec.end))
        allowed = rater is not None and rater.pegawai.pk == actor.pegawai_id
    if not allowed:
        raise Forbidden("forbidden", _("You may not evaluate this employee."))
    if spec.start > today_in(actor):
        raise ApplicationError("period_not_started", _("This period has not started yet."))
    if not spec.is_annual and spec.kind != frequency_of(pegawai.instansi_id, spec.year):
        raise ApplicationError(
            "invalid_period",
            _("The instansi evaluates %(year)s by another period (monthly or quarterly).")
            % {"year": spec.year},
        )
    skp_ids = list(
        evaluable_skps(pegawai.instansi_id, spec).filter(pegawai=pegawai).values_list(
            "pk", flat=True
        )
    )
    if not skp_ids:
        raise ApplicationError(
            "no_approved_skp",
            _("There is no approved SKP covering this period: the SKP comes first."),
        )
    existed = set(
        Evaluation.objects.filter(
            skp_id__in=skp_ids, period_kind=spec.kind, period_no=spec.number
        ).values_list("pk", flat=True)
    )
    ensure_evaluations(pegawai.instansi_id, spec, skp_ids)
    found = list(
        Evaluation.objects.filter(
            skp_id__in=skp_ids, period_kind=spec.kind, period_no=spec.number
        ).order_by("start_date")
    )
    recompute(pegawai.instansi_id, spec, evaluation_ids=[e.pk for e in found], create=False)
    for e in found:
        e.refresh_from_db()
        if e.pk not in existed:
            record(actor, e, "evaluation.start", {"status": [None, e.status]},
                   {"period": spec.label, "skp": e.skp_id})
    return found


# --- Self-assessment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RealisationInput:
    indicator_id: int
    realisation: Decimal | None = None
    realisation_text: str = ""
    note: str = ""


@transaction.atomic
def evaluation_self_save(
    *,
    actor: Account,
    evaluation: Evaluation,
    realisations: Iterable[RealisationInput] = (),
    self_hasil_rating: str = "",
    self_perilaku_rating: str = "",
    self_note: str = "",
    expected_version: int | None = None,
) -> Evaluation:
    """The employee's realisations and self-assessment. A realisation that differs from the
    one pre-filled from verified logs needs a note saying why."""
    require_owner(actor, evaluation)
    lock(evaluation, expected_version)
    require_status(evaluation, "self_save")
    for value in (self_hasil_rating, self_perilaku_rating):
        if value and value not in rules.RATINGS:
            raise ApplicationError("invalid_rating", _("Unknown rating."))
    rows = {r.indicator_id: r for r in evaluation.realisations.all()}
    changes: dict[str, Any] = {}
    for item in realisations:
        real = rows.get(item.indicator_id)
        if real is None:
            raise ApplicationError(
                "unknown_indicator", _("That indicator is not part of this evaluation.")
            )
        if item.realisation is not None and item.realisation < 0:
            raise ApplicationError("negative", _("A realisation cannot be negative."))
        differs = item.realisation is not None and item.realisation != real.prefilled
        if differs and real.countable and not item.note.strip():
            raise ApplicationError(
                "note_required",
                _("Say why the realisation differs from the %(prefilled)s counted from your "
                  "verified logs.") % {"prefilled": real.prefilled},
            )
        old = (real.realisation, real.realisation_text, real.note)
        real.realisation = item.realisation
        real.realisation_text = item.realisation_text.strip()
        real.note = item.note.strip()
        new = (real.realisation, real.realisation_text, real.note)
        if old != new:
            real.save(update_fields=["realisation", "realisation_text", "note"])
            changes[f"indicator:{real.indicator_id}"] = [list(old), list(new)]
    before = snapshot(evaluation, EVALUATION_FIELDS)
    evaluation.self_hasil_rating = self_hasil_rating
    evaluation.self_perilaku_rating = self_perilaku_rating
    evaluation.self_note = self_note.strip()
    evaluation.version = F("version") + 1
    evaluation.save(update_fields=["self_hasil_rating", "self_perilaku_rating", "self_note",
                                   "version", "updated_at"])
    _refresh(evaluation)
    changes.update(diff(before, snapshot(evaluation, EVALUATION_FIELDS)))
    if changes:
        record(actor, evaluation, "evaluation.self_save", changes)
    return evaluation


@transaction.atomic
def evaluation_self_submit(
    *, actor: Account, evaluation: Evaluation, expected_version: int | None = None
) -> Evaluation:
    require_owner(actor, evaluation)
    lock(evaluation, expected_version)
    require_status(evaluation, "self_submit")
    if not (evaluation.self_hasil_rating and evaluation.self_perilaku_rating):
        raise ApplicationError(
            "self_rating_missing",
            _("Rate your own work results and behaviour before submitting."),
        )
    evaluation.status = EvaluationStatus.SELF_SUBMITTED
    evaluation.self_submitted_at = timezone.now()
    evaluation.version = F("version") + 1
    evaluation.save(update_fields=["status", "self_submitted_at", "version", "updated_at"])
    evaluation.refresh_from_db()
    record(actor, evaluation, "evaluation.self_submit",
           {"status": [EvaluationStatus.DRAFT, evaluation.status]})
    found = rater_of(evaluation, today_in(actor))
    if found is not None:
        notify(
            pegawai_ids=[found.pegawai.pk], kind="evaluation_self_submitted",
            title=_lazy("%(name)s submitted the self-assessment of %(period)s"),
            params={"name": evaluation.pegawai.name, "period": _label(evaluation)},
            link=f"/penilaian/{evaluation.pk}/",
        )
    return evaluation


# --- The supervisor's ratings --------------------------------------------------------------


@dataclass(frozen=True)
class RhkRatingInput:
    rhk_id: int
    rating: str = ""
    feedback: str = ""


@dataclass(frozen=True)
class PerilakuInput:
    value: str
    rating: str = ""
    feedback: str = ""


def leader_hasil_rating(evaluation: Evaluation) -> str | None:
    """For the head of an OPD, the OPD's organisation predikat of the period (when set) is the
    rating of hasil kerja (SE MenPANRB 3/2023 step 3)."""
    if not is_opd_head(evaluation.jabatan):
        return None
    org = org_predikat_of(evaluation.opd_id, _spec_of(evaluation))
    return rules.hasil_from_org_predikat(org.predikat) if org else None


@transaction.atomic
def evaluation_rate(
    *,
    actor: Account,
    evaluation: Evaluation,
    rhk: Iterable[RhkRatingInput] = (),
    perilaku: Iterable[PerilakuInput] = (),
    hasil_rating: str = "",
    perilaku_rating: str = "",
    rater_note: str = "",
    expected_version: int | None = None,
) -> Evaluation:
    """The pejabat penilai's feedback and ratings per RHK and per BerAKHLAK value, and the
    ratings of hasil and perilaku kerja (saved as a draft until finalised)."""
    require_rater(actor, evaluation)
    lock(evaluation, expected_version)
    require_status(evaluation, "rate")
    for value in (hasil_rating, perilaku_rating):
        if value and value not in rules.RATINGS:
            raise ApplicationError("invalid_rating", _("Unknown rating."))
    leader = leader_hasil_rating(evaluation)
    if leader is not None:
        if hasil_rating and hasil_rating != leader:
            raise ApplicationError(
                "hasil_from_org",
                _("For the head of the OPD the organisation's predikat sets the rating of "
                  "work results."),
            )
        hasil_rating = leader
    rhk_ids = set(evaluation.skp.rhk.values_list("pk", flat=True))
    changes: dict[str, Any] = {}
    for item in rhk:
        if item.rhk_id not in rhk_ids:
            raise ApplicationError("unknown_rhk", _("That RHK is not part of this SKP."))
        if item.rating and item.rating not in rules.RATINGS:
            raise ApplicationError("invalid_rating", _("Unknown rating."))
        row, _created = RhkRating.objects.get_or_create(evaluation=evaluation, rhk_id=item.rhk_id)
        before = (row.rating, row.feedback)
        row.rating, row.feedback = item.rating, item.feedback.strip()
        if before != (row.rating, row.feedback):
            row.save()
            changes[f"rhk:{item.rhk_id}"] = [list(before), [row.rating, row.feedback]]
    for p in perilaku:
        if p.value not in BERAKHLAK:
            raise ApplicationError("unknown_value", _("Unknown BerAKHLAK value."))
        if p.rating and p.rating not in rules.RATINGS:
            raise ApplicationError("invalid_rating", _("Unknown rating."))
        prow, _created = PerilakuRating.objects.get_or_create(evaluation=evaluation, value=p.value)
        before = (prow.rating, prow.feedback)
        prow.rating, prow.feedback = p.rating, p.feedback.strip()
        if before != (prow.rating, prow.feedback):
            prow.save()
            changes[f"perilaku:{p.value}"] = [list(before), [prow.rating, prow.feedback]]
    before_fields = snapshot(evaluation, EVALUATION_FIELDS)
    evaluation.hasil_rating = hasil_rating
    evaluation.perilaku_rating = perilaku_rating
    evaluation.rater_note = rater_note.strip()
    evaluation.penilai_id = actor.pegawai_id
    evaluation.rated_at = timezone.now()
    evaluation.version = F("version") + 1
    evaluation.save(update_fields=["hasil_rating", "perilaku_rating", "rater_note", "penilai",
                                   "rated_at", "version", "updated_at"])
    _refresh(evaluation)
    changes.update(diff(before_fields, snapshot(evaluation, EVALUATION_FIELDS)))
    if changes:
        record(actor, evaluation, "evaluation.rate", changes)
    return evaluation


def self_deadline(evaluation: Evaluation) -> dt.date:
    """Until when the self-assessment comes first: the logging deadline of the period's last
    month."""
    from kinerja.core.models import PerformanceYear

    day = (
        PerformanceYear.objects.filter(instansi_id=evaluation.instansi_id, year=evaluation.year)
        .values_list("log_deadline_day", flat=True)
        .first()
    ) or 5
    return period_rules.log_deadline(evaluation.end_date.year, evaluation.end_date.month, day)


@transaction.atomic
def evaluation_finalise(
    *, actor: Account, evaluation: Evaluation, expected_version: int | None = None
) -> Evaluation:
    """The pejabat penilai finalises: the predikat stands, the employee is told and may
    acknowledge or object within the instansi's days; the employee's logs of the period lock."""
    require_rater(actor, evaluation)
    lock(evaluation, expected_version)
    require_status(evaluation, "finalise")
    today = today_in(actor)
    deadline = self_deadline(evaluation)
    problems = rules.finalise_problems(
        hasil=evaluation.hasil_rating, perilaku=evaluation.perilaku_rating,
        status=evaluation.status, self_deadline_passed=today > deadline,
    )
    if problems:
        message = " ".join(
            str(RATING_MESSAGES[p]) % {"deadline": deadline.strftime("%d-%m-%Y")}
            if p == "self_assessment_pending" else str(RATING_MESSAGES[p])
            for p in problems
        )
        raise ApplicationError(problems[0], message, details=problems)
    _refresh(evaluation)
    before = snapshot(evaluation, EVALUATION_FIELDS)
    policy = policy_for(evaluation.instansi_id)
    evaluation.status = EvaluationStatus.FINAL
    evaluation.finalised_at = timezone.now()
    evaluation.finalised_by = actor.pk
    evaluation.penilai_id = actor.pegawai_id or evaluation.penilai_id
    evaluation.objection_deadline = rules.objection_deadline(today, policy.objection_days)
    evaluation.version = F("version") + 1
    evaluation.save()
    evaluation.refresh_from_db()
    PersonPeriodLock.objects.get_or_create(
        source=f"evaluation:{evaluation.pk}",
        defaults={"instansi_id": evaluation.instansi_id, "pegawai_id": evaluation.pegawai_id,
                  "start_date": evaluation.start_date, "end_date": evaluation.end_date},
    )
    record(actor, evaluation, "evaluation.finalise",
           diff(before, snapshot(evaluation, EVALUATION_FIELDS)))
    notify(
        pegawai_ids=[evaluation.pegawai_id], kind="evaluation_finalised",
        title=FINALISED_TITLE, body=FINALISED_BODY,
        params={"period": _label(evaluation),
                "predikat": rules.PREDIKAT_LABEL.get(evaluation.predikat, "-"),
                "deadline": evaluation.objection_deadline.strftime("%d-%m-%Y")},
        link=f"/penilaian/{evaluation.pk}/",
    )
    return evaluation


@transaction.atomic
def evaluation_acknowledge(
    *, actor: Account, evaluation: Evaluation, expected_version: int | None = None
) -> Evaluation:
    require_owner(actor, evaluation)
    lock(evaluation, expected_version)
    require_status(evaluation, "acknowledge")
    evaluation.status = EvaluationStatus.ACKNOWLEDGED
    evaluation.acknowledged_at = timezone.now()
    evaluation.version = F("version") + 1
    evaluation.save(update_fields=["status", "acknowledged_at", "version", "updated_at"])
    evaluation.refresh_from_db()
    record(actor, evaluation, "evaluation.acknowledge",
           {"status": [EvaluationStatus.FINAL, evaluation.status]})
    return evaluation


@transaction.atomic
def evaluation_reopen(
    *, actor: Account, evaluation: Evaluation, reason: str, expected_version: int | None = None
) -> Evaluation:
    """A correction after finalising: admin BKPSDM reopens with a reason (audited); the
    period's logs of the employee unlock and the supervisor rates again."""
    scope = scope_for(actor)
    if not (scope.instansi_id == evaluation.instansi_id and scope.writes_whole_instansi):
        raise Forbidden("forbidden", _("Only admin BKPSDM may reopen a finalised evaluation."))
    if not reason.strip():
        raise ApplicationError("reason_required", _("Give the reason for reopening."))
    lock(evaluation, expected_version)
    require_status(evaluation, "reopen")
    before = snapshot(evaluation, EVALUATION_FIELDS)
    evaluation.status = (
        EvaluationStatus.SELF_SUBMITTED if evaluation.self_submitted_at else EvaluationStatus.DRAFT
    )
    evaluation.reopen_reason = reason.strip()
    evaluation.finalised_at = None
    evaluation.objection_deadline = None
    evaluation.version = F("version") + 1
    evaluation.save()
    evaluation.refresh_from_db()
    PersonPeriodLock.objects.filter(source=f"evaluation:{evaluation.pk}").delete()
    record(actor, evaluation, "evaluation.reopen",
           diff(before, snapshot(evaluation, EVALUATION_FIELDS)), {"reason": reason.strip()})
    notify(
        pegawai_ids=[p for p in (evaluation.pegawai_id, evaluation.penilai_id) if p],
        kind="evaluation_reopened", title=REOPENED_TITLE, body=reason.strip(),
        params={"period": _label(evaluation)}, link=f"/penilaian/{evaluation.pk}/",
    )
    return evaluation


# --- Calibration ---------------------------------------------------------------------------


@transaction.atomic
def evaluation_calibrate(
    *, actor: Account, evaluation: Evaluation, predikat: str, reason: str,
    expected_version: int | None = None,
) -> Evaluation:
    """Change a predikat in calibration (admin BKPSDM or pimpinan), with a reason; audited and
    the employee is told. Choosing the matrix's own predikat again clears the calibration."""
    if not may_calibrate(actor) or scope_for(actor).instansi_id != evaluation.instansi_id:
        raise Forbidden("forbidden", _("Only admin BKPSDM and pimpinan calibrate predikat."))
    if predikat not in rules.PREDIKAT:
        raise ApplicationError("invalid_predikat", _("Unknown predikat."))
    if not reason.strip():
        raise ApplicationError("reason_required", _("Give the reason for the change."))
    lock(evaluation, expected_version)
    require_status(evaluation, "calibrate")
    before = snapshot(evaluation, EVALUATION_FIELDS)
    evaluation.predikat = predikat
    evaluation.calibrated = predikat != evaluation.matrix_predikat
    evaluation.calibration_reason = reason.strip()
    evaluation.version = F("version") + 1
    evaluation.save(update_fields=["predikat", "calibrated", "calibration_reason", "version",
                                   "updated_at"])
    _refresh(evaluation, force=True)
    record(actor, evaluation, "evaluation.calibrate",
           diff(before, snapshot(evaluation, EVALUATION_FIELDS)), {"reason": reason.strip()})
    notify(
        pegawai_ids=[evaluation.pegawai_id], kind="evaluation_calibrated",
        title=CALIBRATED_TITLE, body=reason.strip(), params={"period": _label(evaluation)},
        link=f"/penilaian/{evaluation.pk}/",
    )
    return evaluation


def realisation_inputs(data: Mapping[str, Any]) -> list[RealisationInput]:
    """Parse realisations from a mapping {indicator_id: {realisation, realisation_text, note}}."""
    result = []
    for key, value in data.items():
        raw = value.get("realisation")
        result.append(RealisationInput(
            int(key), Decimal(str(raw)) if raw not in (None, "") else None,
            str(value.get("realisation_text") or ""), str(value.get("note") or ""),
        ))
    return result

