"""API for the performance calendar: years with their settings and months.

Everyone of the instansi reads it; only admin BKPSDM opens years, changes settings and closes or
reopens periods (kinerja.core.services checks and audits; everyone else hears 403). Another
instansi's years do not exist (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kinerja.core.services import (
    performance_year_open,
    performance_year_update,
    period_close,
    period_reopen,
)
from kinerja.people.models import Account
from kinerja.people.schemas import ERRORS, Pages
from kinerja.web.periods import YearRow, calendar_for, get_month_for, get_year_for, year_row

router = Router(tags=["periods"])


class PeriodMonthOut(Schema):
    month: int
    state: str = Field(..., description="open or closed.")
    log_deadline: dt.date = Field(..., description="Last day the month's activities may be logged.")
    evaluation_period: int = Field(
        ..., description="The periodic evaluation (month or quarter number) of the month."
    )


class PeriodYearOut(Schema):
    year: int
    state: str = Field(..., description="open or closed.")
    evaluation_frequency: str = Field(..., description="bulanan or triwulan.")
    log_deadline_day: int = Field(..., description="Day (1-28) of the next month.")
    skp_source: str = Field(..., description="kinerja (written here) or bkn (mirrored).")
    months: list[PeriodMonthOut]


class PeriodYearIn(Schema):
    year: int = Field(..., description="2000-2100.")
    evaluation_frequency: str = Field("bulanan", description="bulanan or triwulan.")
    log_deadline_day: int = Field(5, description="Day (1-28) of the next month.")
    skp_source: str = Field("kinerja", description="kinerja or bkn.")


class PeriodYearPatch(Schema):
    evaluation_frequency: str | None = None
    log_deadline_day: int | None = None
    skp_source: str | None = None


class ReopenIn(Schema):
    reason: str = Field(..., description="Why the period is reopened (kept in the audit trail).")


def _out(row: YearRow) -> dict[str, Any]:
    y = row.year
    return {
        "year": y.year,
        "state": y.state,
        "evaluation_frequency": y.evaluation_frequency,
        "log_deadline_day": y.log_deadline_day,
        "skp_source": y.skp_source,
        "months": [
            {
                "month": m.month.month,
                "state": m.month.state,
                "log_deadline": m.log_deadline,
                "evaluation_period": m.evaluation_period,
            }
            for m in row.months
        ],
    }


def _year_out(account: Account, year: int) -> dict[str, Any]:
    found = get_year_for(account, year)
    return _out(year_row(found))


@router.get("/periods", response={200: list[PeriodYearOut], **ERRORS},
            summary="Performance years of the caller's instansi, newest first, with their months")
@paginate(Pages)
def periods_list(request: HttpRequest) -> list[dict[str, Any]]:
    account: Account = request.user  # type: ignore[assignment]
    return [_out(row) for row in calendar_for(account)]


@router.post("/periods", response={201: PeriodYearOut, **ERRORS},
             summary="Open a performance year (admin BKPSDM)")
def periods_open(request: HttpRequest, payload: PeriodYearIn) -> Status[dict[str, Any]]:
    account: Account = request.user  # type: ignore[assignment]
    created = performance_year_open(
        actor=account, instansi_id=account.instansi_id,  # type: ignore[arg-type]
        **payload.model_dump(),
    )
    return Status(201, _year_out(account, created.year))


@router.patch("/periods/{year}", response={200: PeriodYearOut, **ERRORS},
              summary="Change a year's settings (admin BKPSDM)")
def periods_update(request: HttpRequest, year: int, payload: PeriodYearPatch) -> dict[str, Any]:
    account: Account = request.user  # type: ignore[assignment]
    found = get_year_for(account, year)
    values = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    performance_year_update(actor=account, performance_year=found, **values)
    return _year_out(account, year)


@router.post("/periods/{year}/close", response={200: PeriodYearOut, **ERRORS},
             summary="Close a year: its SKPs can no longer change (admin BKPSDM)")
def periods_close(request: HttpRequest, year: int) -> dict[str, Any]:
    account: Account = request.user  # type: ignore[assignment]
    period_close(actor=account, period=get_year_for(account, year))
    return _year_out(account, year)


@router.post("/periods/{year}/reopen", response={200: PeriodYearOut, **ERRORS},
             summary="Reopen a closed year, with a reason (admin BKPSDM)")
def periods_reopen(request: HttpRequest, year: int, payload: ReopenIn) -> dict[str, Any]:
    account: Account = request.user  # type: ignore[assignment]
    period_reopen(actor=account, period=get_year_for(account, year), reason=payload.reason)
    return _year_out(account, year)


@router.post("/periods/{year}/months/{month}/close", response={200: PeriodYearOut, **ERRORS},
             summary="Close a month: what was logged and planned for it is locked (admin BKPSDM)")
def periods_month_close(request: HttpRequest, year: int, month: int) -> dict[str, Any]:
    account: Account = request.user  # type: ignore[assignment]
    period_close(actor=account, period=get_month_for(account, year, month))
    return _year_out(account, year)


@router.post("/periods/{year}/months/{month}/reopen", response={200: PeriodYearOut, **ERRORS},
             summary="Reopen a closed month, with a reason (admin BKPSDM)")
def periods_month_reopen(
    request: HttpRequest, year: int, month: int, payload: ReopenIn
) -> dict[str, Any]:
    account: Account = request.user  # type: ignore[assignment]
    period_reopen(actor=account, period=get_month_for(account, year, month),
                  reason=payload.reason)
    return _year_out(account, year)
