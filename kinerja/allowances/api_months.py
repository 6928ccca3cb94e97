"""TPP API: the months of an instansi, their computation and approval, each person's line and
its explanation, totals per OPD and adjustments (mounted by kinerja/allowances/api.py).

Who reads what is decided by kinerja.allowances.selectors: everyone of the instansi sees the
months (status, preset version, totals, progress); admin BKPSDM, pimpinan and auditors read
every line, admin OPD the lines of their OPD, everyone their own line (anything else is 404).
Writes (compute, approve, adjust) call one service each, which answers 403 `forbidden` to
anyone but admin BKPSDM and 409 where the month's state does not allow it (an approved month
is locked: `month_approved`). `{period}` is YYYY-MM; a month that was never computed is 404.
"""

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kinerja.allowances import selectors, services
from kinerja.allowances.batch import Month
from kinerja.allowances.models import TppAdjustment, TppLine, TppMonth, TppMonthStatus
from kinerja.allowances.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    ExplanationOut,
    LineFilter,
    LineOut,
    MonthDetailOut,
    MonthOut,
    OpdTotalsOut,
    OwnLineOut,
)
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.org.models import Opd
from kinerja.people.access import request_account
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["tpp"])

M = "/tpp/months/{period}"
ZERO = Decimal("0.00")
EXPLANATION_KEYS = ("code", "kind", "label", "rule", "days", "pct", "base", "amount")


def _parsed(period: str) -> Month:
    """The month of a path; 400 `invalid_period` when it is not YYYY-MM."""
    try:
        return Month.parse(period)
    except ValueError:
        raise ApplicationError("invalid_period", _("The month must be YYYY-MM, e.g. 2026-10."),
                               details={"period": period}) from None


def _month(account: Account, period: str) -> TppMonth:
    """The month of the caller's instansi with its preset version; 404 when never computed."""
    return selectors.get_month_for(account, period)


def _detail(tpp_month: TppMonth) -> TppMonth:
    """The month with the sum of its adjustments (one query) for MonthDetailOut."""
    adjustments = (TppAdjustment.objects.filter(month=tpp_month)
                   .aggregate(total=Sum("amount"))["total"] or ZERO)
    tpp_month.total_adjustments = adjustments  # type: ignore[attr-defined]
    tpp_month.total_paid = tpp_month.total_net + adjustments  # type: ignore[attr-defined]
    return tpp_month


def _fresh(tpp_month: TppMonth) -> TppMonth:
    return TppMonth.objects.select_related("version__preset").get(pk=tpp_month.pk)


# --- Months -------------------------------------------------------------------------------------


@router.get("/tpp/months", response={200: list[MonthOut], **ERRORS},
            summary="The instansi's TPP months, newest first")
@paginate(Pages)
def month_list(request: HttpRequest) -> QuerySet[TppMonth]:
    return selectors.months_visible_to(request_account(request)).order_by("-period")


@router.get(M, response={200: MonthDetailOut, **ERRORS},
            summary="One month: status, preset version, totals, progress of a computation")
def month_detail(request: HttpRequest, period: str) -> TppMonth:
    return _detail(_month(request_account(request), period))


@router.post(f"{M}/compute", response={200: MonthDetailOut, 202: MonthDetailOut, **ERRORS},
             summary="Compute (or recompute) the month for the whole instansi (admin BKPSDM)")
def month_compute(request: HttpRequest, period: str) -> Status[Any]:
    account = request_account(request)
    tpp_month = services.month_compute_start(actor=account, month=_parsed(period))
    tpp_month = _fresh(tpp_month)
    # In the background the month is still `computing`: poll GET /tpp/months/{period}.
    status = 202 if tpp_month.status == TppMonthStatus.COMPUTING else 200
    return Status(status, _detail(tpp_month))


@router.post(f"{M}/approve", response={200: MonthDetailOut, **ERRORS},
             summary="Approve a computed month: locked from then on (admin BKPSDM)")
def month_approve(request: HttpRequest, period: str) -> TppMonth:
    account = request_account(request)
    tpp_month = services.month_approve(actor=account, tpp_month=_month(account, period))
    return _detail(_fresh(tpp_month))


# --- Lines --------------------------------------------------------------------------------------


@router.get(f"{M}/lines", response={200: list[LineOut], **ERRORS},
            summary="Each person's TPP of the month the caller may read (all, an OPD's, own)")
@paginate(Pages)
def line_list(request: HttpRequest, period: str,
              filters: Query[LineFilter]) -> QuerySet[TppLine]:
    account = request_account(request)
    lines = selectors.lines_visible_to(account, _month(account, period))
    if filters.opd_id is not None:
        lines = lines.filter(opd_id=filters.opd_id)
    return lines.select_related("pegawai", "opd").order_by("opd__name", "-kelas",
                                                           "pegawai__name", "pk")


def _explanation_lines(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored lines with every key present (rules.Line.as_dict leaves empty ones out)."""
    out = []
    for line in stored:
        row = {key: line.get(key) for key in EXPLANATION_KEYS}
        row["rule"] = row["rule"] or ""
        out.append(row)
    return out


@router.get(f"{M}/lines/{{nip}}", response={200: ExplanationOut, **ERRORS},
            summary="One person's TPP with every line explained, inputs and adjustments")
def line_explanation(request: HttpRequest, period: str, nip: str) -> dict[str, Any]:
    account = request_account(request)
    tpp_month = _month(account, period)
    pegawai_id = (selectors.lines_visible_to(account, tpp_month).filter(pegawai__nip=nip)
                  .values_list("pegawai_id", flat=True).first())
    if pegawai_id is None:
        raise NotFound("not_found", _("Not found."))
    found = selectors.explanation(account, tpp_month, pegawai_id)
    adjustments = sum((a.amount for a in found.adjustments), ZERO)
    for adjustment in found.adjustments:
        # The explanation loaded them for this month and person: no query per adjustment.
        adjustment.month = tpp_month
        adjustment.pegawai = found.line.pegawai
    return {
        "period": f"{tpp_month.period:%Y-%m}", "status": tpp_month.status,
        "line": found.line, "lines": _explanation_lines(found.line.lines),
        "inputs": found.line.inputs, "version": found.version, "sources": dict(found.sources),
        "adjustments": found.adjustments, "total_adjustments": adjustments,
        "paid": found.paid,
    }


@router.get(f"{M}/opd-totals", response={200: OpdTotalsOut, **ERRORS},
            summary="Totals per OPD (admin BKPSDM, pimpinan, auditor: all; admin OPD: theirs)")
def opd_totals(request: HttpRequest, period: str) -> dict[str, Any]:
    account = request_account(request)
    tpp_month = _month(account, period)
    readable = selectors.readable_opd_ids(account)
    if readable is not None and not readable:
        raise Forbidden("forbidden", _("Totals per OPD are read by admin BKPSDM, pimpinan, "
                                       "auditors and the OPD's admin."))
    rows = [t for t in selectors.opd_totals(account, tpp_month)
            if readable is None or t.opd_id in readable]
    refs = {o.pk: o for o in Opd.objects.filter(pk__in=[t.opd_id for t in rows])}
    amounts = ("ceiling", "gross", "deductions", "bpjs_employee", "pph21", "net", "adjustments",
               "paid")
    opds = [{"opd": refs.get(t.opd_id) if t.opd_id is not None else None, "people": t.people,
             **{name: getattr(t, name) for name in amounts}} for t in rows]
    total: dict[str, Any] = {"people": sum(t.people for t in rows)}
    for name in amounts:
        total[name] = sum((getattr(t, name) for t in rows), ZERO)
    return {"period": f"{tpp_month.period:%Y-%m}", "status": tpp_month.status, "opds": opds,
            "total": total}


@router.get("/tpp/me", response={200: list[OwnLineOut], **ERRORS},
            summary="The caller's own TPP, newest month first")
@paginate(Pages)
def own_tpp(request: HttpRequest) -> QuerySet[TppLine]:
    adjusted = (TppAdjustment.objects.filter(month_id=OuterRef("month_id"),
                                             pegawai_id=OuterRef("pegawai_id"))
                .order_by().values("pegawai_id").annotate(total=Sum("amount")).values("total"))
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
    return selectors.own_lines(request_account(request)).annotate(
        adjustment_sum=Coalesce(Subquery(adjusted, output_field=money),
                                Value(ZERO, output_field=money)))


# --- Adjustments --------------------------------------------------------------------------------


@router.post(f"{M}/adjustments", response={201: AdjustmentOut, **ERRORS},
             summary="A correction of an approved month for one person (admin BKPSDM)")
def adjustment_create(request: HttpRequest, period: str, payload: AdjustmentIn) -> Status[Any]:
    account = request_account(request)
    tpp_month = _month(account, period)
    services.manager_instansi(account)  # 403 before telling anyone whether the NIP exists
    adjustment = services.adjustment_create(
        actor=account, tpp_month=tpp_month,
        pegawai=services.pegawai_for_adjustment(account, payload.nip),
        amount=payload.amount, reason=payload.reason)
    found = TppAdjustment.objects.select_related("month", "pegawai", "created_by").get(
        pk=adjustment.pk)
    return Status(201, found)


@router.get(f"{M}/adjustments", response={200: list[AdjustmentOut], **ERRORS},
            summary="The month's adjustments of the people whose line the caller reads")
@paginate(Pages)
def adjustment_list(request: HttpRequest, period: str) -> QuerySet[TppAdjustment]:
    account = request_account(request)
    tpp_month = _month(account, period)
    people = selectors.lines_visible_to(account, tpp_month).values("pegawai_id")
    return (TppAdjustment.objects.filter(month=tpp_month, pegawai_id__in=people)
            .select_related("month", "pegawai", "created_by").order_by("created_at", "pk"))
