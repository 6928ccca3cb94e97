"""Reads of evaluations, scoped to the acting account, with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kinerja.activities.models import Activity, ActivityStatus, Assignment, AssignmentStatus
from kinerja.core.errors import NotFound
from kinerja.core.models import AuditRecord
from kinerja.evaluations import rules
from kinerja.evaluations.batch import PeriodSpec, period_spec, score_method_of
from kinerja.evaluations.models import (
    Dialogue,
    Evaluation,
    EvaluationPolicy,
    FeedbackNote,
    IndicatorRealisation,
    Objection,
    ObjectionStatus,
    OrgPredikat,
    PerilakuRating,
    PeriodKind,
    RhkRating,
    ScoreMethod,
)
from kinerja.org.models import Opd
from kinerja.people.access import Action, pegawai_visible_to, scope_for, today_in
from kinerja.people.models import Account, Pegawai
from kinerja.people.selectors import AtasanView, atasan_of
from kinerja.plans.models import PerilakuExpectation, Rhk
from kinerja.plans.rules import BERAKHLAK
from kinerja.plans.selectors import is_penilai

EVALUATION_OBJECT = "evaluations.evaluation"


def policy_for(instansi_id: int) -> EvaluationPolicy:
    """The stored policy, or an unsaved one with the defaults."""
    return EvaluationPolicy.objects.filter(instansi_id=instansi_id).first() or EvaluationPolicy(
        instansi_id=instansi_id
    )


def score_methods(instansi_id: int) -> QuerySet[ScoreMethod]:
    return ScoreMethod.objects.filter(Q(instansi__isnull=True) | Q(instansi_id=instansi_id))


def evaluation_visible_to(account: Account, *, action: Action = "view") -> QuerySet[Evaluation]:
    """Evaluations of the people the account may see (own, subordinates, OPD, instansi)."""
    scope = scope_for(account)
    if scope.instansi_id is None:
        return Evaluation.objects.all() if scope.is_superuser else Evaluation.objects.none()
    return Evaluation.objects.filter(
        instansi_id=scope.instansi_id, pegawai__in=pegawai_visible_to(account, action=action)
    )


def get_evaluation_for(account: Account, pk: int) -> Evaluation:
    found = (
        evaluation_visible_to(account)
        .filter(pk=pk)
        .select_related("pegawai", "skp", "opd", "jabatan", "penilai")
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("Evaluation not found."))
    return found


def rating_date(evaluation: Evaluation, today: dt.date) -> dt.date:
    """The day whose org chart decides who rates: the period's last day, or today while the
    period runs."""
    return min(today, evaluation.end_date)


def rater_of(evaluation: Evaluation, today: dt.date) -> AtasanView | None:
    return atasan_of(evaluation.pegawai, rating_date(evaluation, today))


def is_rater(account: Account, evaluation: Evaluation, found: AtasanView | None) -> bool:
    """The pejabat penilai of the employee for the period (or admin BKPSDM where nobody in the
    system rates them, as for SKP approval)."""
    return is_penilai(account, evaluation.skp, found)


def sees_ratings(account: Account, evaluation: Evaluation) -> bool:
    """The supervisor's ratings (and the predikat, and the feedback given with them) are a draft
    until finalised: the evaluated employee sees them then. Everyone else who may see the
    evaluation sees them at once. The page, the API and the document all ask this."""
    owner = account.pegawai_id is not None and account.pegawai_id == evaluation.pegawai_id
    return not owner or evaluation.is_locked


def decider_of(evaluation: Evaluation, today: dt.date) -> Pegawai | None:
    """Who decides an objection: the supervisor's own supervisor (None: admin BKPSDM)."""
    if evaluation.penilai is None:
        return None
    found = atasan_of(evaluation.penilai, rating_date(evaluation, today))
    return found.pegawai if found else None


def own_evaluations(account: Account) -> QuerySet[Evaluation]:
    if account.pegawai_id is None:
        return Evaluation.objects.none()
    # Newest first; the annual evaluation (the whole year) after the year's last period.
    return Evaluation.objects.filter(pegawai_id=account.pegawai_id).select_related(
        "skp", "opd", "jabatan"
    ).order_by("-year", "-end_date", "-period_no", "pk")


@dataclass(frozen=True)
class TeamRow:
    pegawai: Pegawai
    direct: bool
    evaluation: Evaluation | None


def team_evaluations(account: Account, spec: PeriodSpec) -> list[TeamRow]:
    """The account's subordinates with their evaluation of a period: four queries."""
    from kinerja.people.selectors import team_of

    members = team_of(account, min(today_in(account), spec.end))
    found = Evaluation.objects.filter(
        pegawai_id__in=[m.pegawai.pk for m in members], year=spec.year,
        period_kind=spec.kind, period_no=spec.number,
    ).select_related("skp")
    by_person: dict[int, Evaluation] = {}
    for e in found:
        by_person.setdefault(e.pegawai_id, e)
    return [TeamRow(m.pegawai, m.direct, by_person.get(m.pegawai.pk)) for m in members]


def objections_to_decide(account: Account) -> QuerySet[Objection]:
    """Open objections the account decides: addressed to their person, or (admin BKPSDM) those
    with nobody above the supervisor."""
    scope = scope_for(account)
    if scope.instansi_id is None:
        return Objection.objects.none()
    mine = Q(decider_id=scope.pegawai_id) if scope.pegawai_id else Q(pk__in=[])
    if scope.writes_whole_instansi:
        mine |= Q(decider__isnull=True)
    return (
        Objection.objects.filter(mine, instansi_id=scope.instansi_id, status=ObjectionStatus.OPEN)
        .select_related("evaluation", "evaluation__pegawai", "evaluation__penilai")
        .order_by("filed_at")
    )


def get_objection_for(account: Account, pk: int) -> Objection:
    found = (
        Objection.objects.filter(
            pk=pk, evaluation__in=evaluation_visible_to(account)
        ).select_related("evaluation", "evaluation__pegawai", "evaluation__penilai", "decider")
        .first()
    )
    if found is None:
        # The decider may not otherwise see the employee (an indirect line): check them too.
        found = objections_to_decide(account).filter(pk=pk).select_related("decider").first()
    if found is None:
        raise NotFound("not_found", _("Objection not found."))
    return found


def evaluation_history(evaluation: Evaluation) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(
        instansi_id=evaluation.instansi_id, object_type=EVALUATION_OBJECT,
        object_id=str(evaluation.pk),
    ).order_by("seq")


# --- The explanation ("why I got this") ---------------------------------------------------


@dataclass
class IndicatorLine:
    realisation: IndicatorRealisation
    indicator_text: str
    aspek: str
    unit: str
    target_text: str


@dataclass
class RhkLine:
    rhk: Rhk
    indicators: list[IndicatorLine] = field(default_factory=list)
    rating: RhkRating | None = None
    logs: list[Activity] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    nilai: str | None = None


@dataclass
class PerilakuLine:
    value: str
    name: str
    expectation: str
    rating: PerilakuRating | None


@dataclass
class Breakdown:
    """Everything that produced an evaluation's score and predikat, for the page, the API and
    the document: RHKs with indicators and realisations and the logs behind them, ratings,
    the method and its lines, the matrix, calibration, objections, feedback and dialogues."""

    evaluation: Evaluation
    period: PeriodSpec
    rhk: list[RhkLine]
    perilaku: list[PerilakuLine]
    method: ScoreMethod | None
    suggested_hasil: str | None
    suggested_perilaku: str | None
    periodic: list[Evaluation]
    objections: list[Objection]
    feedback: list[FeedbackNote]
    dialogues: list[Dialogue]
    org_predikat: OrgPredikat | None
    log_limit_reached: bool = False


LOG_LIMIT = 200


def breakdown(evaluation: Evaluation) -> Breakdown:
    """The explanation of one evaluation in about a dozen queries whatever its size."""
    spec = period_spec(evaluation.year, evaluation.period_kind, evaluation.period_no)
    rhks = list(Rhk.objects.filter(skp_id=evaluation.skp_id).order_by("kind", "order", "pk"))
    lines = {r.pk: RhkLine(r) for r in rhks}
    for real in IndicatorRealisation.objects.filter(evaluation=evaluation).select_related(
        "indicator"
    ):
        ind = real.indicator
        if ind.target_kind == "kualitatif":
            target_text = ind.target_text
        elif ind.target_max is not None:
            target_text = f"{ind.target_min}-{ind.target_max}"
        else:
            target_text = f"{ind.target_min}"
        line = lines.get(real.rhk_id)
        if line is not None:
            line.indicators.append(IndicatorLine(real, ind.text, ind.aspek, ind.unit, target_text))
    for rating in RhkRating.objects.filter(evaluation=evaluation):
        if rating.rhk_id in lines:
            lines[rating.rhk_id].rating = rating
    nilai_by_rhk = {
        str(line.get("rhk")): line.get("nilai")
        for line in (evaluation.breakdown or {}).get("lines", [])
        if isinstance(line, dict) and "rhk" in line
    }
    for line in lines.values():
        line.nilai = nilai_by_rhk.get(str(line.rhk.pk))
    limit_reached = False
    if not evaluation.is_annual:
        parents: dict[int, int] = {r.parent_id: r.pk for r in rhks if r.parent_id}
        logs = list(
            Activity.objects.filter(
                pegawai_id=evaluation.pegawai_id, status=ActivityStatus.VERIFIED,
                date__gte=evaluation.start_date, date__lte=evaluation.end_date,
            ).filter(Q(rhk_id__in=list(lines)) | Q(assignment__rhk_id__in=list(parents)))
            .select_related("assignment").order_by("date", "start_time", "pk")[: LOG_LIMIT + 1]
        )
        limit_reached = len(logs) > LOG_LIMIT
        for log in logs[:LOG_LIMIT]:
            rhk_id = log.rhk_id
            if rhk_id is None and log.assignment is not None and log.assignment.rhk_id:
                rhk_id = parents.get(log.assignment.rhk_id)
            if rhk_id is not None and rhk_id in lines:
                lines[rhk_id].logs.append(log)
        for a in Assignment.objects.filter(
            assignee_id=evaluation.pegawai_id, rhk_id__in=list(parents),
            status=AssignmentStatus.DONE, closed_at__date__gte=evaluation.start_date,
            closed_at__date__lte=evaluation.end_date,
        ):
            if a.rhk_id is not None and a.rhk_id in parents:
                lines[parents[a.rhk_id]].assignments.append(a)
    expectations = {
        p.value: p.expectation for p in PerilakuExpectation.objects.filter(skp_id=evaluation.skp_id)
    }
    ratings = {p.value: p for p in PerilakuRating.objects.filter(evaluation=evaluation)}
    perilaku = [
        PerilakuLine(code, name, expectations.get(code, ""), ratings.get(code))
        for code, name in BERAKHLAK.items()
    ]
    method = ScoreMethod.objects.filter(
        Q(instansi__isnull=True) | Q(instansi_id=evaluation.instansi_id),
        key=evaluation.score_method,
    ).first() if evaluation.score_method else score_method_of(evaluation.instansi_id)
    periodic: list[Evaluation] = []
    if evaluation.is_annual:
        periodic = list(
            Evaluation.objects.filter(skp_id=evaluation.skp_id, year=evaluation.year)
            .exclude(period_kind=PeriodKind.ANNUAL).order_by("period_no")
        )
    feedback = list(
        FeedbackNote.objects.filter(
            pegawai_id=evaluation.pegawai_id, date__gte=evaluation.start_date,
            date__lte=evaluation.end_date,
        ).select_related("author", "rhk")
    )
    dialogues = list(
        Dialogue.objects.filter(
            pegawai_id=evaluation.pegawai_id, date__gte=evaluation.start_date,
            date__lte=evaluation.end_date,
        ).select_related("held_by")
    )
    org = OrgPredikat.objects.filter(
        opd_id=evaluation.opd_id, year=evaluation.year, period_kind=evaluation.period_kind,
        period_no=evaluation.period_no,
    ).first()
    return Breakdown(
        evaluation=evaluation,
        period=spec,
        rhk=list(lines.values()),
        perilaku=perilaku,
        method=method,
        suggested_hasil=rules.suggest_hasil_rating(
            (line.rhk.kind, line.rating.rating) for line in lines.values() if line.rating
        ),
        suggested_perilaku=rules.suggest_perilaku_rating(
            p.rating.rating for p in perilaku if p.rating
        ),
        periodic=periodic,
        objections=list(evaluation.objections.select_related("decider").order_by("filed_at")),
        feedback=feedback,
        dialogues=dialogues,
        org_predikat=org,
        log_limit_reached=limit_reached,
    )


# --- Feedback and dialogue -----------------------------------------------------------------


def feedback_visible_to(account: Account) -> QuerySet[FeedbackNote]:
    scope = scope_for(account)
    if scope.instansi_id is None:
        return FeedbackNote.objects.none()
    return FeedbackNote.objects.filter(
        Q(pegawai__in=pegawai_visible_to(account)) | Q(author_id=scope.pegawai_id),
        instansi_id=scope.instansi_id,
    ).select_related("pegawai", "author", "rhk")


def dialogues_visible_to(account: Account) -> QuerySet[Dialogue]:
    scope = scope_for(account)
    if scope.instansi_id is None:
        return Dialogue.objects.none()
    return Dialogue.objects.filter(
        Q(pegawai__in=pegawai_visible_to(account)) | Q(held_by_id=scope.pegawai_id),
        instansi_id=scope.instansi_id,
    ).select_related("pegawai", "held_by")


# --- Calibration ----------------------------------------------------------------------------


def may_calibrate(account: Account) -> bool:
    """Calibration is for admin BKPSDM and pimpinan (RULES.md 1.7: the predikat of units is set
    one level up); auditors read it."""
    from kinerja.core.roles import Role

    scope = scope_for(account)
    return scope.instansi_id is not None and (
        scope.has(Role.ADMIN_BKPSDM) or scope.has(Role.PIMPINAN)
    )


def may_read_calibration(account: Account) -> bool:
    scope = scope_for(account)
    return scope.instansi_id is not None and scope.reads_whole_instansi


@dataclass
class OpdDistribution:
    opd: Opd
    counts: dict[str, int]
    total: int
    rated: int
    org_predikat: str | None
    findings: list[rules.CurveFinding]

    @property
    def within_curve(self) -> bool:
        return rules.curve_is_met(self.findings)


def calibration_overview(instansi_id: int, spec: PeriodSpec) -> list[OpdDistribution]:
    """Per OPD the count of each predikat in a period against the curve of the OPD's
    organisation predikat (three queries)."""
    rows = (
        Evaluation.objects.filter(
            instansi_id=instansi_id, year=spec.year, period_kind=spec.kind,
            period_no=spec.number,
        )
        .values("opd_id", "predikat")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    totals: dict[int, int] = defaultdict(int)
    for r in rows:
        totals[r["opd_id"]] += r["n"]
        if r["predikat"]:
            counts[r["opd_id"]][r["predikat"]] = r["n"]
    orgs = dict(
        OrgPredikat.objects.filter(
            instansi_id=instansi_id, year=spec.year, period_kind=spec.kind,
            period_no=spec.number,
        ).values_list("opd_id", "predikat")
    )
    result = []
    for opd in Opd.objects.filter(instansi_id=instansi_id, is_active=True).order_by("name"):
        c = counts.get(opd.pk, {})
        org = orgs.get(opd.pk)
        result.append(OpdDistribution(
            opd, c, totals.get(opd.pk, 0), sum(c.values()), org,
            rules.curve_check(org, c) if org else [],
        ))
    return result


@dataclass
class RaterRow:
    penilai: Pegawai
    counts: dict[str, int]
    bias: rules.RaterBias


def rater_analytics(opd_id: int, spec: PeriodSpec) -> list[RaterRow]:
    """For each supervisor in an OPD: their predikat against everyone else's in the OPD
    (two queries)."""
    rows = list(
        Evaluation.objects.filter(
            opd_id=opd_id, year=spec.year, period_kind=spec.kind, period_no=spec.number,
            penilai__isnull=False,
        ).exclude(predikat="").values("penilai_id", "predikat").annotate(n=Count("pk")).order_by()
    )
    by_rater: dict[int, dict[str, int]] = defaultdict(dict)
    for r in rows:
        by_rater[r["penilai_id"]][r["predikat"]] = r["n"]
    people = Pegawai.objects.in_bulk(list(by_rater))
    result = []
    for rater_id, counts in by_rater.items():
        mine = [p for p, n in counts.items() for _ in range(n)]
        others = [
            p for other, c in by_rater.items() if other != rater_id
            for p, n in c.items() for _ in range(n)
        ]
        result.append(RaterRow(people[rater_id], counts, rules.rater_bias(mine, others)))
    result.sort(key=lambda r: r.penilai.name)
    return result


def org_predikat_of(opd_id: int, spec: PeriodSpec) -> OrgPredikat | None:
    return OrgPredikat.objects.filter(
        opd_id=opd_id, year=spec.year, period_kind=spec.kind, period_no=spec.number
    ).first()


def latest_periods(instansi_id: int, today: dt.date, frequency: str) -> list[PeriodSpec]:
    """Periods to pick from on the pages: this year's periods that have begun, newest first,
    and the annual evaluations of this year and last year."""
    from kinerja.core import rules as period_rules
    from kinerja.evaluations.batch import frequency_of

    specs: list[PeriodSpec] = []
    for year in (today.year, today.year - 1):
        # Each year has its own frequency (the current one as passed, saving a query).
        year_frequency = frequency if year == today.year else frequency_of(instansi_id, year)
        for p in reversed(period_rules.evaluation_periods(year, year_frequency)):
            if p.first_day <= today:
                specs.append(PeriodSpec(year, year_frequency, p.number, p.months))
    return [period_spec(today.year, PeriodKind.ANNUAL, 0),
            period_spec(today.year - 1, PeriodKind.ANNUAL, 0), *specs]


def summary_for(account: Account) -> dict[str, Any]:
    """Counts for the home card: own evaluations in self-assessment and finalised (awaiting
    acknowledgement), objections to decide."""
    own = own_evaluations(account)
    return {
        "own_draft": own.filter(status="draft").count(),
        "own_final": own.filter(status="ditetapkan").count(),
        "objections": objections_to_decide(account).count(),
    }
