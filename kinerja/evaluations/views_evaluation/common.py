"""What the evaluation pages share: the period picker, who the user is to an evaluation (which
sections and buttons to show), the evaluation page's context and its rendering.

The permissions here only decide what to show. Every write goes through
kinerja.evaluations.services, which checks again and refuses (Forbidden: the 403 page) whatever
the page offered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core import rules as period_rules
from kinerja.core.errors import Forbidden
from kinerja.evaluations import rules, selectors, services
from kinerja.evaluations.batch import PeriodSpec, frequency_of, period_spec
from kinerja.evaluations.forms import (
    ActionForm,
    ObjectionForm,
    RatingForm,
    ReopenForm,
    SelfAssessmentForm,
)
from kinerja.evaluations.models import (
    Evaluation,
    IndicatorRealisation,
    ObjectionStatus,
    PerilakuRating,
    PeriodKind,
    Predikat,
    Rating,
    RhkRating,
)
from kinerja.people.access import request_account, scope_for, today_in
from kinerja.people.models import Account
from kinerja.plans.models import PerilakuExpectation, Rhk
from kinerja.plans.rules import BERAKHLAK

# What each audit action of an evaluation means to the people reading its history.
HISTORY_LABELS = {
    "evaluation.start": _lazy("Opened the evaluation"),
    "evaluation.self_save": _lazy("Saved the self-assessment"),
    "evaluation.self_submit": _lazy("Submitted the self-assessment"),
    "evaluation.rate": _lazy("Saved the ratings"),
    "evaluation.finalise": _lazy("Finalised the evaluation"),
    "evaluation.acknowledge": _lazy("Acknowledged the evaluation"),
    "evaluation.object": _lazy("Filed an objection"),
    "evaluation.objection_decide": _lazy("Decided the objection"),
    "evaluation.reopen": _lazy("Reopened the evaluation"),
    "evaluation.calibrate": _lazy("Changed the predikat in calibration"),
}

# The predikat matrix as drawn in PermenPANRB 6/2022: hasil kerja down, perilaku across.
MATRIX_HASIL = (Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH)
MATRIX_PERILAKU = (Rating.DI_BAWAH, Rating.SESUAI, Rating.DI_ATAS)
# Short headers for the matrix on a phone ("… expectation" is said once, in the caption).
MATRIX_SHORT = {
    Rating.DI_ATAS: _lazy("Above"),
    Rating.SESUAI: _lazy("Meets"),
    Rating.DI_BAWAH: _lazy("Below"),
}


def optional_url(name: str, *args: Any) -> str:
    """A page another area provides, or "" while it is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def document_url(evaluation: Evaluation) -> str:
    return (
        optional_url("evaluation_document", evaluation.pk)
        or f"/penilaian/{evaluation.pk}/dokumen.pdf"
    )


# --- Periods ------------------------------------------------------------------------------------


def period_key(spec: PeriodSpec) -> str:
    """How a period is written in the query string: 2026-bulanan-11, 2026-tahunan-0."""
    return f"{spec.year}-{spec.kind}-{spec.number}"


def parse_period(raw: str) -> PeriodSpec | None:
    parts = raw.strip().split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    year, kind, number = int(parts[0]), parts[1], int(parts[2])
    if not 2000 <= year <= 2100 or kind not in PeriodKind.values:
        return None
    if (kind == PeriodKind.ANNUAL) != (number == 0):
        return None
    try:
        return period_spec(year, kind, number)
    except ValueError:  # no such month or quarter
        return None


def period_label(spec: PeriodSpec) -> str:
    if spec.kind == PeriodKind.MONTHLY:
        return date_format(dt.date(spec.year, spec.number, 1), "F Y")
    if spec.kind == PeriodKind.ANNUAL:
        return str(_lazy("Year %(year)s") % {"year": spec.year})
    return spec.label


@dataclass(frozen=True)
class PeriodChoice:
    key: str
    label: str
    spec: PeriodSpec


@dataclass(frozen=True)
class Periods:
    chosen: PeriodSpec
    options: list[PeriodChoice]

    @property
    def key(self) -> str:
        return period_key(self.chosen)

    @property
    def label(self) -> str:
        return period_label(self.chosen)


def chosen_period(request: HttpRequest, account: Account) -> Periods:
    """The period asked for in `?periode=`, else the current one; and the periods to pick
    from (this year's that have begun and the annual ones; the chosen one always among them)."""
    today = today_in(account)
    instansi_id = account.instansi_id or 0
    frequency = frequency_of(instansi_id, today.year)
    found = period_rules.period_of_month(today.year, today.month, frequency)
    current = PeriodSpec(today.year, frequency, found.number, found.months)
    chosen = parse_period(request.GET.get("periode", "")) or current
    specs = selectors.latest_periods(instansi_id, today, frequency)
    # Periodic first (newest first), then the annual ones.
    specs = [s for s in specs if not s.is_annual] + [s for s in specs if s.is_annual]
    if chosen not in specs:
        specs.insert(0, chosen)
    return Periods(chosen, [PeriodChoice(period_key(s), period_label(s), s) for s in specs])


# --- Who the user is to an evaluation ----------------------------------------------------------


@dataclass(frozen=True)
class EvaluationRole:
    """What the user may do to this evaluation, as far as the page offers it."""

    is_owner: bool
    is_rater: bool
    can_self: bool
    can_rate: bool
    can_respond: bool
    can_object: bool
    can_reopen: bool
    # The supervisor's ratings are a draft until finalised: the employee sees them then.
    sees_ratings: bool

    @property
    def any_action(self) -> bool:
        return self.can_self or self.can_rate or self.can_respond or self.can_reopen


def role_of(account: Account, evaluation: Evaluation, today: dt.date) -> EvaluationRole:
    status = evaluation.status
    owner = account.pegawai_id is not None and account.pegawai_id == evaluation.pegawai_id
    # Who rates matters only while ratings may change (a few queries for the org chart).
    rater = rules.may("rate", status) and selectors.is_rater(
        account, evaluation, selectors.rater_of(evaluation, today)
    )
    scope = scope_for(account)
    deadline = evaluation.objection_deadline
    return EvaluationRole(
        is_owner=owner,
        is_rater=rater,
        can_self=owner and rules.may("self_save", status),
        can_rate=rater and rules.may("rate", status),
        can_respond=owner and rules.may("acknowledge", status),
        can_object=owner and rules.may("object", status)
        and (deadline is None or today <= deadline),
        can_reopen=scope.instansi_id == evaluation.instansi_id
        and scope.writes_whole_instansi
        and rules.may("reopen", status),
        sees_ratings=selectors.sees_ratings(account, evaluation),
    )


def require(allowed: bool, message: str) -> None:
    """A page that offers a form the user may not use answers as the service would."""
    if not allowed:
        raise Forbidden("forbidden", message)


# --- The evaluation page -----------------------------------------------------------------------


@dataclass
class IndicatorRow:
    real: IndicatorRealisation
    target_text: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def qualitative(self) -> bool:
        return self.real.indicator.target_kind == "kualitatif"

    @property
    def changed(self) -> bool:
        r = self.real
        return r.realisation is not None and r.realisation != r.prefilled


@dataclass
class RhkRow:
    rhk: Rhk
    indicators: list[IndicatorRow] = field(default_factory=list)
    rating: RhkRating | None = None
    rating_field: Any = None
    feedback_field: Any = None


@dataclass
class ValueRow:
    code: str
    name: str
    expectation: str
    rating: PerilakuRating | None
    rating_field: Any = None
    feedback_field: Any = None


def number(value: Any) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def target_text(real: IndicatorRealisation) -> str:
    ind = real.indicator
    if ind.target_kind == "kualitatif":
        return ind.target_text
    if real.target is None:
        return ""
    if real.target_max is not None and real.target_max != real.target:
        return f"{number(real.target)}–{number(real.target_max)}"
    return number(real.target)


@dataclass
class EvaluationParts:
    """The evaluation's RHKs with their realisations and ratings, and the BerAKHLAK values
    with the SKP's expectations and the ratings: five queries whatever the size."""

    rhk: list[RhkRow]
    values: list[ValueRow]
    realisations: list[IndicatorRealisation]


def evaluation_parts(evaluation: Evaluation) -> EvaluationParts:
    rhks = list(Rhk.objects.filter(skp_id=evaluation.skp_id).order_by("kind", "order", "pk"))
    rows = {r.pk: RhkRow(r) for r in rhks}
    reals = list(
        IndicatorRealisation.objects.filter(evaluation=evaluation).select_related("indicator")
    )
    for real in reals:
        row = rows.get(real.rhk_id)
        if row is not None:
            row.indicators.append(IndicatorRow(real, target_text(real)))
    for rating in RhkRating.objects.filter(evaluation=evaluation):
        if rating.rhk_id in rows:
            rows[rating.rhk_id].rating = rating
    expectations = dict(
        PerilakuExpectation.objects.filter(skp_id=evaluation.skp_id).values_list(
            "value", "expectation"
        )
    )
    ratings = {p.value: p for p in PerilakuRating.objects.filter(evaluation=evaluation)}
    values = [
        ValueRow(code, name, expectations.get(code, ""), ratings.get(code))
        for code, name in BERAKHLAK.items()
    ]
    return EvaluationParts(list(rows.values()), values, reals)


def self_form_for(evaluation: Evaluation, parts: EvaluationParts,
                  data: Any = None) -> SelfAssessmentForm:
    return SelfAssessmentForm(
        data,
        realisations=parts.realisations,
        initial={
            "expected_version": evaluation.version,
            "self_hasil_rating": evaluation.self_hasil_rating,
            "self_perilaku_rating": evaluation.self_perilaku_rating,
            "self_note": evaluation.self_note,
        },
    )


def rating_form_for(evaluation: Evaluation, parts: EvaluationParts,
                    data: Any = None) -> RatingForm:
    initial: dict[str, Any] = {
        "expected_version": evaluation.version,
        "hasil_rating": evaluation.hasil_rating,
        "perilaku_rating": evaluation.perilaku_rating,
        "rater_note": evaluation.rater_note,
    }
    for row in parts.rhk:
        if row.rating is not None:
            initial[f"rhk_{row.rhk.pk}_rating"] = row.rating.rating
            initial[f"rhk_{row.rhk.pk}_feedback"] = row.rating.feedback
    for value in parts.values:
        if value.rating is not None:
            initial[f"v_{value.code}_rating"] = value.rating.rating
            initial[f"v_{value.code}_feedback"] = value.rating.feedback
    return RatingForm(
        data, rhks=[r.rhk for r in parts.rhk], values=[v.code for v in parts.values],
        initial=initial,
    )


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    actor: str
    label: str
    note: str


def history_rows(evaluation: Evaluation) -> list[HistoryRow]:
    rows = []
    for record in selectors.evaluation_history(evaluation):
        context = record.context if isinstance(record.context, dict) else {}
        note = str(context.get("reason") or context.get("note") or "")
        rows.append(HistoryRow(
            record.at, record.actor_label or "—",
            str(HISTORY_LABELS.get(record.action, record.action)), note,
        ))
    rows.reverse()  # newest first
    return rows


def rating_label(code: str | None) -> str:
    return str(Rating(code).label) if code in Rating.values else ""


def predikat_label(code: str | None) -> str:
    return str(Predikat(code).label) if code in Predikat.values else ""


def spec_of(evaluation: Evaluation) -> PeriodSpec:
    return period_spec(evaluation.year, evaluation.period_kind, evaluation.period_no)


def detail_context(request: HttpRequest, evaluation: Evaluation, *,
                   forms: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the evaluation page shows, in a bounded number of queries."""
    user = request_account(request)
    today = today_in(user)
    role = role_of(user, evaluation, today)
    parts = evaluation_parts(evaluation)
    forms = forms or {}
    version = {"expected_version": evaluation.version}
    self_form = None
    if role.can_self:
        self_form = forms.get("self") or self_form_for(evaluation, parts)
        for rhk_row in parts.rhk:
            for ind in rhk_row.indicators:
                ind.fields = self_form.fields_of(ind.real.indicator_id)
    rating_form = None
    suggested_hasil = rules.suggest_hasil_rating(
        (r.rhk.kind, r.rating.rating) for r in parts.rhk if r.rating
    )
    suggested_perilaku = rules.suggest_perilaku_rating(
        v.rating.rating for v in parts.values if v.rating
    )
    leader_hasil = None
    if role.can_rate:
        rating_form = forms.get("rate") or rating_form_for(evaluation, parts)
        for rhk_row in parts.rhk:
            rhk_row.rating_field, rhk_row.feedback_field = rating_form.rhk_fields(rhk_row.rhk.pk)
        for value in parts.values:
            value.rating_field, value.feedback_field = rating_form.value_fields(value.code)
        leader_hasil = services.leader_hasil_rating(evaluation)
    open_objection = None
    if evaluation.status == "keberatan":
        open_objection = evaluation.objections.filter(status=ObjectionStatus.OPEN).first()
    return {
        "e": evaluation,
        "role": role,
        "today": today,
        "period_label": period_label(spec_of(evaluation)),
        "period_key": period_key(spec_of(evaluation)),
        "rhk_rows": parts.rhk,
        "value_rows": parts.values,
        "countable": any(i.real.countable for r in parts.rhk for i in r.indicators),
        "self_form": self_form,
        "rating_form": rating_form,
        "suggested_hasil": rating_label(suggested_hasil),
        "suggested_perilaku": rating_label(suggested_perilaku),
        "leader_hasil": rating_label(leader_hasil),
        "submit_form": forms.get("submit") or ActionForm(initial=version),
        "finalise_form": forms.get("finalise") or ActionForm(initial=version),
        "acknowledge_form": forms.get("acknowledge") or ActionForm(initial=version),
        "object_form": forms.get("object") or ObjectionForm(initial=version),
        "reopen_form": forms.get("reopen") or ReopenForm(initial=version),
        "self_deadline": services.self_deadline(evaluation) if role.can_rate else None,
        "open_objection": open_objection,
        "history": history_rows(evaluation),
        "breakdown_url": reverse("evaluation_breakdown", args=[evaluation.pk]),
        "document_url": document_url(evaluation),
        "objection_url": optional_url("objection_detail", open_objection.pk)
        if open_objection else "",
    }


def render_detail(request: HttpRequest, evaluation: Evaluation, *,
                  forms: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    context = detail_context(request, evaluation, forms=forms)
    return render(request, "evaluations/evaluation_detail.html", context, status=status)
