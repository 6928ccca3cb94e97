"""The monthly plan (rencana aksi) of an indicator."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.errors import ApplicationError, Conflict
from kinerja.core.selectors import require_month_open, require_year_open
from kinerja.people.models import Account
from kinerja.plans import rules
from kinerja.plans.models import (
    Indicator,
    MonthlyTarget,
    SkpStatus,
)
from kinerja.plans.services._common import (
    _lock,
    _record,
    _require_authored_here,
    _require_owner,
    _touch,
)

# --- Monthly plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPlan:
    month: int
    target: Decimal | None
    action: str = ""


@transaction.atomic
def monthly_plan_save(
    *, actor: Account, indicator: Indicator, months: Iterable[MonthPlan]
) -> list[MonthlyTarget]:
    """The indicator's targets per month (rencana aksi). Months outside the SKP's span are
    refused; months already closed cannot change; a quantity target must add up to the annual
    one. The monthly plan is not part of the signed SKP, so it needs no new approval."""
    skp = _lock(indicator.rhk.skp)
    _require_authored_here(skp)
    _require_owner(actor, skp)
    require_year_open(skp.instansi_id, skp.year)
    if skp.status == SkpStatus.CLOSED:
        raise Conflict("skp_locked", _("This SKP cannot be changed in its current state."))
    plans = {m.month: m for m in months}
    valid = set(range(skp.start_date.month, skp.end_date.month + 1))
    if set(plans) - valid:
        raise ApplicationError(
            "month_outside_skp", _("A month lies outside the period of this SKP.")
        )
    existing = {t.month: t for t in indicator.monthly.select_for_update()}
    merged = {m: existing[m].target for m in existing} | {m: p.target for m, p in plans.items()}
    problem = rules.monthly_total_problem(
        aspek=indicator.aspek,
        target_kind=indicator.target_kind,
        annual=indicator.target_min,
        monthly=[merged.get(m) for m in sorted(valid)],
    )
    if problem == "monthly_negative":
        raise ApplicationError(problem, _("A monthly target cannot be negative."))
    if problem == "monthly_sum_mismatch":
        total = sum((v for v in merged.values() if v is not None), Decimal(0))
        raise ApplicationError(
            problem,
            _("The months add up to %(total)s %(unit)s, the annual target is %(target)s.")
            % {
                "total": total.normalize(),
                "unit": indicator.unit,
                "target": (indicator.target_min or Decimal(0)).normalize(),
            },
        )
    changes: dict[str, list[Any]] = {}
    saved: list[MonthlyTarget] = []
    for month, plan in sorted(plans.items()):
        row = existing.get(month)
        old = (row.target, row.action) if row else (None, "")
        new = (plan.target, plan.action.strip())
        if row is not None and old == new:
            saved.append(row)
            continue
        require_month_open(skp.instansi_id, skp.year, month)
        row = row or MonthlyTarget(instansi_id=skp.instansi_id, indicator=indicator, month=month)
        row.target, row.action = new
        row.save()
        changes[str(month)] = [
            [str(old[0]) if old[0] is not None else None, old[1]],
            [str(new[0]) if new[0] is not None else None, new[1]],
        ]
        saved.append(row)
    if changes:
        _touch(skp)
        _record(
            actor,
            skp,
            "monthly_plan.update",
            changes,
            {"rhk": indicator.rhk_id, "indicator": indicator.pk},
        )
    return saved
