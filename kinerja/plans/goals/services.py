"""Writes to organisation goals: the Perjanjian Kinerja of an OPD and year, its sasaran strategis
and their IKU (targets and realisation per quarter).

Each service is keyword-only, runs in a transaction, checks the actor's scope
(goals.selectors.may_change_goals: admin BKPSDM, the OPD's admin, the OPD's head), refuses a year
that is not open (core.selectors.require_year_open) and appends to the audit trail only when
something changed. Deletes never cascade silently: an IKU that RHKs hang from is refused, and
the IKUs a sasaran takes with it are each recorded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.audit import AuditEntry, audit_record, audit_record_many, diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.selectors import require_year_open
from kinerja.org.models import Opd
from kinerja.people.models import Account
from kinerja.plans.goals.selectors import may_change_goals
from kinerja.plans.models import Iku, PerjanjianKinerja, SasaranStrategis

PERJANJIAN_FIELDS = ("opd", "year", "signed_on")
SASARAN_FIELDS = ("code", "text", "order")
IKU_FIELDS = (
    "code",
    "indicator",
    "unit",
    "annual_target",
    "realisation_q1",
    "realisation_q2",
    "realisation_q3",
    "realisation_q4",
    "order",
)
MAX_NUMBER = Decimal("9999999999999999.99")


def require_goal_writer(actor: Account, opd: Opd) -> None:
    if not may_change_goals(actor, opd):
        raise Forbidden(
            "forbidden",
            _("Only admin BKPSDM, the OPD's admin or its head may change the OPD's goals."),
        )


def check_number(value: Decimal | None, label: str) -> Decimal | None:
    """A target or realisation: finite, two decimals at most, within the column's range."""
    if value is None:
        return None
    if not value.is_finite() or abs(value) > MAX_NUMBER:
        raise ApplicationError("invalid_number", _("%(label)s is not a valid number.")
                               % {"label": label})
    return value.quantize(Decimal("0.01"))


def _required(value: str, code: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(code, message)
    if max_length is not None and len(value) > max_length:
        raise ApplicationError(
            "too_long", _("%(value)s… is longer than %(max)s characters.")
            % {"value": value[:20], "max": max_length},
        )
    return value


def _clean(obj: Any) -> None:
    try:
        obj.full_clean(exclude=["instansi", "perjanjian", "sasaran", "opd"],
                       validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError("invalid", "; ".join(exc.messages)) from exc


# --- Perjanjian Kinerja -------------------------------------------------------------------


@transaction.atomic
def perjanjian_save(
    *, actor: Account, opd: Opd, year: int, signed_on: dt.date | None = None
) -> PerjanjianKinerja:
    """Create the PK of an OPD for a year, or change its signing date (idempotent)."""
    require_goal_writer(actor, opd)
    require_year_open(opd.instansi_id, year)
    found = (
        PerjanjianKinerja.objects.select_for_update().filter(opd=opd, year=year).first()
    )
    before = snapshot(found, PERJANJIAN_FIELDS) if found else None
    perjanjian = found or PerjanjianKinerja(instansi_id=opd.instansi_id, opd=opd, year=year)
    perjanjian.signed_on = signed_on
    changes = diff(before, snapshot(perjanjian, PERJANJIAN_FIELDS))
    if changes:
        perjanjian.save()
        audit_record(
            actor=actor, instansi=opd.instansi_id,
            action="perjanjian.create" if before is None else "perjanjian.update",
            obj=perjanjian, changes=changes,
        )
    return perjanjian


@transaction.atomic
def perjanjian_delete(*, actor: Account, perjanjian: PerjanjianKinerja) -> None:
    """Remove an empty PK (one with sasaran is refused: delete those first, on purpose)."""
    require_goal_writer(actor, perjanjian.opd)
    require_year_open(perjanjian.instansi_id, perjanjian.year)
    if perjanjian.sasaran.exists():
        raise Conflict(
            "perjanjian_not_empty",
            _("This performance agreement still has strategic objectives; delete them first."),
        )
    before = snapshot(perjanjian, PERJANJIAN_FIELDS)
    pk, label = perjanjian.pk, str(perjanjian)
    perjanjian.delete()
    audit_record(
        actor=actor, instansi=perjanjian.instansi_id, action="perjanjian.delete",
        object_type="plans.perjanjiankinerja", object_id=str(pk), object_label=label,
        changes=diff(before, None),
    )


# --- Sasaran strategis --------------------------------------------------------------------


def _code_taken(qs: Any, code: str, own_pk: int | None) -> bool:
    return bool(qs.filter(code=code).exclude(pk=own_pk or 0).exists())


@transaction.atomic
def sasaran_save(
    *,
    actor: Account,
    perjanjian: PerjanjianKinerja,
    sasaran: SasaranStrategis | None = None,
    code: str,
    text: str,
    order: int | None = None,
) -> SasaranStrategis:
    """Add a sasaran to the PK (sasaran=None) or change one."""
    require_goal_writer(actor, perjanjian.opd)
    require_year_open(perjanjian.instansi_id, perjanjian.year)
    if sasaran is not None and sasaran.perjanjian_id != perjanjian.pk:
        raise ApplicationError("sasaran_other_pk", _("The objective belongs to another agreement."))
    code = _required(code, "code_required", _("The objective needs a code."), 40)
    text = _required(text, "text_required", _("The objective needs a description."))
    if _code_taken(perjanjian.sasaran.all(), code, sasaran.pk if sasaran else None):
        raise Conflict("duplicate_code",
                       _("Another objective of this agreement has the code %(code)s.")
                       % {"code": code})
    before = snapshot(sasaran, SASARAN_FIELDS) if sasaran else None
    if sasaran is None:
        sasaran = SasaranStrategis(instansi_id=perjanjian.instansi_id, perjanjian=perjanjian)
        if order is None:
            order = perjanjian.sasaran.count() + 1
    sasaran.code, sasaran.text = code, text
    if order is not None:
        sasaran.order = order
    _clean(sasaran)
    changes = diff(before, snapshot(sasaran, SASARAN_FIELDS))
    if changes:
        sasaran.save()
        audit_record(
            actor=actor, instansi=perjanjian.instansi_id,
            action="sasaran.create" if before is None else "sasaran.update", obj=sasaran,
            changes=changes, context={"perjanjian": perjanjian.pk},
        )
    return sasaran


def _refuse_linked_iku(ikus: list[Iku]) -> None:
    from kinerja.plans.models import Rhk

    linked = Rhk.objects.filter(iku__in=ikus).values_list("iku__code", flat=True).distinct()
    codes = sorted(set(linked))
    if codes:
        raise Conflict(
            "iku_has_rhk",
            _("RHKs hang from IKU %(codes)s; relink or remove those RHKs first.")
            % {"codes": ", ".join(codes)},
        )


@transaction.atomic
def sasaran_delete(*, actor: Account, sasaran: SasaranStrategis) -> None:
    """Remove a sasaran and its IKUs (each recorded), unless an RHK hangs from one of them."""
    perjanjian = sasaran.perjanjian
    require_goal_writer(actor, perjanjian.opd)
    require_year_open(perjanjian.instansi_id, perjanjian.year)
    ikus = list(sasaran.iku.all())
    _refuse_linked_iku(ikus)
    entries = [
        AuditEntry("iku.delete", "plans.iku", str(iku.pk), str(iku),
                   diff(snapshot(iku, IKU_FIELDS), None), {"sasaran": sasaran.pk})
        for iku in ikus
    ]
    entries.append(
        AuditEntry("sasaran.delete", "plans.sasaranstrategis", str(sasaran.pk), str(sasaran),
                   diff(snapshot(sasaran, SASARAN_FIELDS), None), {"perjanjian": perjanjian.pk})
    )
    Iku.objects.filter(pk__in=[iku.pk for iku in ikus]).delete()
    sasaran.delete()
    audit_record_many(actor=actor, instansi=perjanjian.instansi_id, entries=entries)


# --- IKU ----------------------------------------------------------------------------------


@transaction.atomic
def iku_save(
    *,
    actor: Account,
    sasaran: SasaranStrategis,
    iku: Iku | None = None,
    code: str,
    indicator: str,
    unit: str,
    annual_target: Decimal,
    order: int | None = None,
) -> Iku:
    """Add an IKU to a sasaran (iku=None) or change its text, unit and annual target."""
    perjanjian = sasaran.perjanjian
    require_goal_writer(actor, perjanjian.opd)
    require_year_open(perjanjian.instansi_id, perjanjian.year)
    if iku is not None and iku.sasaran_id != sasaran.pk:
        raise ApplicationError("iku_other_sasaran", _("The IKU belongs to another objective."))
    code = _required(code, "code_required", _("The IKU needs a code."), 40)
    indicator = _required(indicator, "indicator_required", _("The IKU needs an indicator."))
    unit = _required(unit, "unit_required", _("The IKU needs a unit of measure."), 60)
    target = check_number(annual_target, _("The annual target"))
    if target is None:
        raise ApplicationError("target_required", _("The IKU needs an annual target."))
    if _code_taken(sasaran.iku.all(), code, iku.pk if iku else None):
        raise Conflict("duplicate_code",
                       _("Another IKU of this objective has the code %(code)s.") % {"code": code})
    before = snapshot(iku, IKU_FIELDS) if iku else None
    if iku is None:
        iku = Iku(instansi_id=perjanjian.instansi_id, sasaran=sasaran)
        if order is None:
            order = sasaran.iku.count() + 1
    iku.code, iku.indicator, iku.unit, iku.annual_target = code, indicator, unit, target
    if order is not None:
        iku.order = order
    _clean(iku)
    changes = diff(before, snapshot(iku, IKU_FIELDS))
    if changes:
        iku.save()
        audit_record(
            actor=actor, instansi=perjanjian.instansi_id,
            action="iku.create" if before is None else "iku.update", obj=iku,
            changes=changes, context={"sasaran": sasaran.pk},
        )
    return iku


@transaction.atomic
def iku_delete(*, actor: Account, iku: Iku) -> None:
    perjanjian = iku.sasaran.perjanjian
    require_goal_writer(actor, perjanjian.opd)
    require_year_open(perjanjian.instansi_id, perjanjian.year)
    _refuse_linked_iku([iku])
    before = snapshot(iku, IKU_FIELDS)
    pk, label, sasaran_id = iku.pk, str(iku), iku.sasaran_id
    iku.delete()
    audit_record(
        actor=actor, instansi=perjanjian.instansi_id, action="iku.delete",
        object_type="plans.iku", object_id=str(pk), object_label=label,
        changes=diff(before, None), context={"sasaran": sasaran_id},
    )


@transaction.atomic
def iku_realisation_save(
    *, actor: Account, iku: Iku, quarter: int, value: Decimal | None
) -> Iku:
    """The realisation of an IKU in a quarter (1-4); None clears it."""
    perjanjian = iku.sasaran.perjanjian
    require_goal_writer(actor, perjanjian.opd)
    require_year_open(perjanjian.instansi_id, perjanjian.year)
    if quarter not in (1, 2, 3, 4):
        raise ApplicationError("invalid_quarter", _("The quarter must be 1, 2, 3 or 4."))
    value = check_number(value, _("The realisation"))
    name = f"realisation_q{quarter}"
    before = snapshot(iku, (name,))
    setattr(iku, name, value)
    changes = diff(before, snapshot(iku, (name,)))
    if changes:
        iku.save(update_fields=[name])
        audit_record(
            actor=actor, instansi=perjanjian.instansi_id, action="iku.realisation", obj=iku,
            changes=changes, context={"quarter": quarter},
        )
    return iku
