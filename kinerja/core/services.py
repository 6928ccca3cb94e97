"""Writes to the performance calendar: opening a year, its settings, closing and reopening
periods. Only admin BKPSDM (for their own instansi) may do any of it; every change is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record, diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import (
    EvaluationFrequency,
    PerformanceMonth,
    PerformanceYear,
    PeriodState,
    SkpSource,
)

YEAR_FIELDS = ("evaluation_frequency", "log_deadline_day", "skp_source", "state")


def _require_bkpsdm(actor: Any, instansi_id: int) -> None:
    # Imported here: deciding scope needs the org chart and people, apps below core.
    from kinerja.people.access import scope_for

    scope = scope_for(actor)
    if scope.instansi_id != instansi_id or not scope.writes_whole_instansi:
        raise Forbidden("forbidden", _("Only BKPSDM administrators manage performance periods."))


def _validate_settings(values: dict[str, Any]) -> None:
    day = values.get("log_deadline_day")
    if day is not None and not (isinstance(day, int) and 1 <= day <= 28):
        raise ApplicationError(
            "invalid_deadline", _("The logging deadline must be a day from 1 to 28.")
        )
    frequency = values.get("evaluation_frequency")
    if frequency is not None and frequency not in EvaluationFrequency.values:
        raise ApplicationError("invalid_frequency", _("Unknown evaluation frequency."))
    source = values.get("skp_source")
    if source is not None and source not in SkpSource.values:
        raise ApplicationError("invalid_source", _("Unknown SKP source."))


@transaction.atomic
def performance_year_open(
    *,
    actor: Any,
    instansi_id: int,
    year: int,
    evaluation_frequency: str = EvaluationFrequency.MONTHLY,
    log_deadline_day: int = 5,
    skp_source: str = SkpSource.KINERJA,
) -> PerformanceYear:
    """Open a performance year with its twelve months."""
    _require_bkpsdm(actor, instansi_id)
    if not 2000 <= year <= 2100:
        raise ApplicationError("invalid_year", _("The year must be between 2000 and 2100."))
    values = {
        "evaluation_frequency": evaluation_frequency,
        "log_deadline_day": log_deadline_day,
        "skp_source": skp_source,
    }
    _validate_settings(values)
    if PerformanceYear.objects.filter(instansi_id=instansi_id, year=year).exists():
        raise Conflict(
            "period_exists", _("Performance year %(year)s is already open.") % {"year": year}
        )
    created = PerformanceYear.objects.create(instansi_id=instansi_id, year=year, **values)
    PerformanceMonth.objects.bulk_create(
        PerformanceMonth(instansi_id=instansi_id, performance_year=created, month=m)
        for m in range(1, 13)
    )
    audit_record(
        actor=actor,
        instansi=instansi_id,
        action="period.year_open",
        obj=created,
        changes=diff(None, snapshot(created, YEAR_FIELDS)),
    )
    return created


@transaction.atomic
def performance_year_update(
    *, actor: Any, performance_year: PerformanceYear, **values: Any
) -> PerformanceYear:
    """Change a year's settings (frequency, logging deadline, SKP source)."""
    _require_bkpsdm(actor, performance_year.instansi_id)
    allowed = {k: v for k, v in values.items() if k in YEAR_FIELDS and k != "state"}
    _validate_settings(allowed)
    locked = PerformanceYear.objects.select_for_update().get(pk=performance_year.pk)
    before = snapshot(locked, YEAR_FIELDS)
    for key, value in allowed.items():
        setattr(locked, key, value)
    locked.save()
    changes = diff(before, snapshot(locked, YEAR_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            instansi=locked.instansi_id,
            action="period.year_update",
            obj=locked,
            changes=changes,
        )
    return locked


def _set_state(
    *, actor: Any, target: PerformanceYear | PerformanceMonth, state: str, reason: str, action: str
) -> None:
    _require_bkpsdm(actor, target.instansi_id)
    if state == PeriodState.OPEN and not reason.strip():
        raise ApplicationError("reason_required", _("Say why the period is reopened."))
    model = type(target)
    locked = model.objects.select_for_update().get(pk=target.pk)
    if locked.state == state:
        return
    before = locked.state
    locked.state = state
    locked.save(update_fields=["state"])
    target.state = state
    audit_record(
        actor=actor,
        instansi=locked.instansi_id,
        action=action,
        obj=locked,
        object_label=_label(locked),
        changes={"state": [before, state]},
        context={"reason": reason.strip()} if reason.strip() else {},
    )


def _label(period: PerformanceYear | PerformanceMonth) -> str:
    if isinstance(period, PerformanceYear):
        return str(period.year)
    return f"{period.month:02d}/{period.performance_year.year}"


@transaction.atomic
def period_close(*, actor: Any, period: PerformanceYear | PerformanceMonth) -> None:
    """Close a year (locks its plans) or a month (locks what was logged and planned for it)."""
    action = "period.year_close" if isinstance(period, PerformanceYear) else "period.month_close"
    _set_state(actor=actor, target=period, state=PeriodState.CLOSED, reason="", action=action)


@transaction.atomic
def period_reopen(*, actor: Any, period: PerformanceYear | PerformanceMonth, reason: str) -> None:
    """Reopen a closed period; the reason goes into the audit trail."""
    action = "period.year_reopen" if isinstance(period, PerformanceYear) else "period.month_reopen"
    _set_state(actor=actor, target=period, state=PeriodState.OPEN, reason=reason, action=action)
