"""Every write of TPP: presets and their versions, the month's computation (now or in the
background), approval, adjustments. Only admin BKPSDM of the instansi writes; each write is
audited."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kinerja.allowances import rules
from kinerja.allowances.batch import ComputeResult, Month, compute_month
from kinerja.allowances.models import (
    TppAdjustment,
    TppLine,
    TppMonth,
    TppMonthStatus,
    TppPreset,
    TppPresetVersion,
)
from kinerja.allowances.presets import DEFAULT_TEMPLATE, TEMPLATES, template_params
from kinerja.core import runlock
from kinerja.core.audit import audit_record
from kinerja.core.errors import ApplicationError, Conflict, NotFound
from kinerja.core.runlock import RunLock
from kinerja.people.access import instansi_managed_by, pegawai_visible_to
from kinerja.people.models import Account, Pegawai

log = logging.getLogger(__name__)


def manager_instansi(actor: Account | None) -> int:
    """The instansi admin BKPSDM manages; Forbidden for anyone else."""
    return instansi_managed_by(actor, _("Only admin BKPSDM manages TPP."))


def _month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def last_approved(instansi_id: int) -> dt.date | None:
    return (TppMonth.objects.filter(instansi_id=instansi_id, status=TppMonthStatus.APPROVED)
            .order_by("-period").values_list("period", flat=True).first())


def preset_install(*, actor: Account | None, instansi_id: int | None = None, template: str,
                   activate: bool = False, effective_from: dt.date | None = None,
                   name: str = "") -> TppPreset:
    """Install a built-in template as the instansi's own preset (version 1). The system (no
    actor: demo, first set-up) passes the instansi."""
    if actor is not None:
        instansi_id = manager_instansi(actor)
    if instansi_id is None:
        raise ApplicationError("invalid", _("An instansi is required."))
    if template not in TEMPLATES:
        raise ApplicationError("unknown_template", _("Unknown TPP template."), status=400)
    info = TEMPLATES[template]
    key = slugify(template)
    n = 1
    base_key = key
    while TppPreset.objects.filter(instansi_id=instansi_id, key=key).exists():
        n += 1
        key = f"{base_key}-{n}"
    start = _month_start(effective_from or dt.date(timezone.localdate().year, 1, 1))
    with transaction.atomic():
        preset = TppPreset.objects.create(
            instansi_id=instansi_id, key=key, name=name or info["name"],
            legal_reference=info["legal_reference"], template=template)
        TppPresetVersion.objects.create(preset=preset, number=1, effective_from=start,
                                        params=template_params(template),
                                        note=_("Installed from the template"),
                                        created_by=actor)
        audit_record(actor=actor, instansi=instansi_id, action="tpp.preset_install", obj=preset,
                     changes={"template": [None, template], "effective_from":
                              [None, start.isoformat()]})
        if activate:
            _activate(actor, instansi_id, preset)
    return preset


def ensure_default_preset(instansi_id: int) -> TppPreset:
    """The instansi's active preset, installing the national default if it has none."""
    active = TppPreset.objects.filter(instansi_id=instansi_id, is_active=True).first()
    if active is not None:
        return active
    return preset_install(actor=None, instansi_id=instansi_id, template=DEFAULT_TEMPLATE,
                          activate=True, effective_from=dt.date(2000, 1, 1))


def _activate(actor: Account | None, instansi_id: int, preset: TppPreset) -> None:
    before = TppPreset.objects.filter(instansi_id=instansi_id, is_active=True).first()
    TppPreset.objects.filter(instansi_id=instansi_id, is_active=True).update(is_active=False)
    TppPreset.objects.filter(pk=preset.pk).update(is_active=True)
    preset.is_active = True
    audit_record(actor=actor, instansi=instansi_id, action="tpp.preset_activate", obj=preset,
                 changes={"active": [before.key if before else None, preset.key]})


def preset_activate(*, actor: Account, preset: TppPreset) -> TppPreset:
    instansi_id = manager_instansi(actor)
    if preset.instansi_id != instansi_id:
        raise NotFound("not_found", _("Not found."))
    with transaction.atomic():
        _activate(actor, instansi_id, preset)
    return preset


def preset_version_create(*, actor: Account, preset: TppPreset, params: dict[str, Any],
                          effective_from: dt.date, note: str = "",
                          expected_number: int | None = None) -> TppPresetVersion:
    """A new version of a preset from a month on. Checked by rules.parse_preset (every
    problem listed); refused for a month whose TPP is approved, so a past month never changes.
    `expected_number` (the version the editor started from) refuses a save when someone else
    saved a version meanwhile (409 stale_version)."""
    instansi_id = manager_instansi(actor)
    if preset.instansi_id != instansi_id:
        raise NotFound("not_found", _("Not found."))
    start = _month_start(effective_from)
    try:
        rules.parse_preset(params)
    except rules.PresetError as exc:
        raise ApplicationError("invalid_preset", _("The preset has errors."), status=422,
                               details={"problems": exc.problems}) from exc
    approved = last_approved(instansi_id)
    if approved is not None and start <= approved:
        raise Conflict("month_approved", _(
            "The TPP of %(month)s is approved: a new version can start from the month after "
            "it.") % {"month": approved.strftime("%m/%Y")})
    with transaction.atomic():
        last = (TppPresetVersion.objects.select_for_update().filter(preset=preset)
                .order_by("-number").first())
        if expected_number is not None and (last.number if last else 0) != expected_number:
            raise Conflict("stale_version", _("Someone saved a new version of this preset "
                                              "meanwhile; open it again."))
        number = (last.number if last else 0) + 1
        version = TppPresetVersion.objects.create(
            preset=preset, number=number, effective_from=start, params=params, note=note,
            created_by=actor)
        before = last.params if last else {}
        changed = sorted(k for k in set(before) | set(params) if before.get(k) != params.get(k))
        audit_record(actor=actor, instansi=instansi_id, action="tpp.preset_version",
                     obj=preset, changes={"version": [last.number if last else None, number],
                                          "effective_from": [None, start.isoformat()],
                                          "changed": [None, changed]},
                     context={"note": note})
    return version


# --- The month ------------------------------------------------------------------------------------


def month_lock(instansi_id: int, month: Month) -> RunLock | None:
    """The lock a computation of the month holds while it runs (kinerja.core.runlock), or None
    when a live computation holds it. It dies with its process: a month left `computing` by a
    killed process or a restarted web worker does not block the next computation."""
    return runlock.try_acquire(f"tpp-{instansi_id}-{month.label}")


# Locks taken by month_compute_start, released by _execute (in the thread, or at once).
_HELD: dict[int, RunLock] = {}


def month_compute(*, actor: Account | None, instansi_id: int | None = None,
                  month: Month) -> ComputeResult:
    """Compute the month now (CLI, tests, the background thread)."""
    if actor is not None and not (instansi_id is not None and actor.is_superuser):
        instansi_id = manager_instansi(actor)
    if instansi_id is None:
        raise ApplicationError("invalid", _("An instansi is required."))
    lock = month_lock(instansi_id, month)
    if lock is None:
        raise Conflict("already_running", _("The TPP of this month is already being computed."))
    with lock:
        return compute_month(instansi_id, month, actor=actor)


def month_compute_start(*, actor: Account, month: Month) -> TppMonth:
    """Start computing the month for the whole instansi: in a background thread (the page
    polls the month's progress) or at once where background work is off (tests)."""
    instansi_id = manager_instansi(actor)
    tpp_month, _created = TppMonth.objects.get_or_create(instansi_id=instansi_id,
                                                         period=month.first)
    if tpp_month.is_approved:
        raise Conflict("month_approved",
                       _("This month's TPP is approved and locked; corrections are adjustments."))
    # The lock, not the month's `computing` status and its age, says whether a computation
    # runs: the status stays `computing` when the process running it died.
    lock = month_lock(instansi_id, month)
    if lock is None:
        raise Conflict("already_running", _("The TPP of this month is already being computed."))
    _HELD[tpp_month.pk] = lock
    try:
        TppMonth.objects.filter(pk=tpp_month.pk).update(
            status=TppMonthStatus.COMPUTING, computed_at=timezone.now(), progress_done=0,
            message="")
    except BaseException:
        _HELD.pop(tpp_month.pk, None)
        lock.release()
        raise
    if getattr(settings, "KINERJA_IMPORT_BACKGROUND", False):
        _start_thread(tpp_month.pk, actor.pk)
    else:
        _execute(tpp_month.pk, actor)
    tpp_month.refresh_from_db()
    return tpp_month


def _execute(month_id: int, actor: Any) -> None:
    try:
        _execute_locked(month_id, actor)
    finally:
        held = _HELD.pop(month_id, None)
        if held is not None:
            held.release()


def _execute_locked(month_id: int, actor: Any) -> None:
    tpp_month = TppMonth.objects.get(pk=month_id)
    month = Month(tpp_month.period.year, tpp_month.period.month)

    def progress(done: int, total: int) -> None:
        TppMonth.objects.filter(pk=month_id).update(progress_done=done, progress_total=total)

    try:
        compute_month(tpp_month.instansi_id, month, actor=actor, progress=progress)
    except ApplicationError as exc:
        TppMonth.objects.filter(pk=month_id).exclude(status=TppMonthStatus.APPROVED).update(
            status=TppMonthStatus.FAILED, message=exc.message[:2000])
    except Exception as exc:
        log.exception("TPP computation %s failed", month_id)
        TppMonth.objects.filter(pk=month_id).exclude(status=TppMonthStatus.APPROVED).update(
            status=TppMonthStatus.FAILED, message=str(exc)[:2000])


def _start_thread(month_id: int, actor_id: int) -> None:
    """As imports and the recompute do: a daemon thread of the web process (it holds the
    month's lock until it ends). A restart leaves the month 'computing'; computing again is
    safe (idempotent) and is not refused."""

    def work() -> None:
        close_old_connections()
        try:
            _execute(month_id, Account.objects.filter(pk=actor_id).first())
        finally:
            connections.close_all()

    threading.Thread(target=work, name=f"tpp-{month_id}", daemon=True).start()


def month_approve(*, actor: Account, tpp_month: TppMonth) -> TppMonth:
    """Approve a computed month: it is locked from then on (no recompute; corrections are
    adjustments)."""
    instansi_id = manager_instansi(actor)
    if tpp_month.instansi_id != instansi_id:
        raise NotFound("not_found", _("Not found."))
    with transaction.atomic():
        locked = TppMonth.objects.select_for_update().get(pk=tpp_month.pk)
        if locked.status != TppMonthStatus.COMPUTED:
            raise Conflict("not_computed", _("Only a computed month can be approved."))
        now = timezone.now()
        TppMonth.objects.filter(pk=locked.pk).update(status=TppMonthStatus.APPROVED,
                                                     approved_at=now, approved_by=actor)
        audit_record(actor=actor, instansi=instansi_id, action="tpp.approve", obj=locked,
                     changes={"status": [locked.status, TppMonthStatus.APPROVED]},
                     context={"people": locked.people, "total_net": str(locked.total_net),
                              "total_gross": str(locked.total_gross),
                              "results_digest": locked.results_digest,
                              "preset_version": locked.version_id})
    tpp_month.refresh_from_db()
    return tpp_month


def adjustment_create(*, actor: Account, tpp_month: TppMonth, pegawai: Pegawai,
                      amount: Decimal | str, reason: str) -> TppAdjustment:
    """A correction of an approved month for one person: a new audited line, the result
    stays as approved."""
    instansi_id = manager_instansi(actor)
    if tpp_month.instansi_id != instansi_id or pegawai.instansi_id != instansi_id:
        raise NotFound("not_found", _("Not found."))
    if not tpp_month.is_approved:
        raise Conflict("not_approved", _("Adjustments are for approved months; recompute a "
                                         "month that is not approved yet."))
    try:
        value = Decimal(str(amount).strip().replace(" ", ""))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ApplicationError("invalid_amount", _("The amount is not a number.")) from None
    if value == 0 or abs(value) >= Decimal("1e12"):
        raise ApplicationError("invalid_amount", _("The amount must not be zero."))
    if not reason.strip():
        raise ApplicationError("reason_required", _("A reason is required."))
    if not TppLine.objects.filter(month=tpp_month, pegawai=pegawai).exists():
        raise ApplicationError("not_in_month", _("This employee has no TPP in this month."))
    with transaction.atomic():
        adjustment = TppAdjustment.objects.create(month=tpp_month, pegawai=pegawai,
                                                  amount=value.quantize(Decimal("0.01")),
                                                  reason=reason.strip(), created_by=actor)
        audit_record(actor=actor, instansi=instansi_id, action="tpp.adjust", obj=adjustment,
                     changes={"amount": [None, str(adjustment.amount)],
                              "reason": [None, adjustment.reason]},
                     context={"month": tpp_month.period.isoformat(), "pegawai": pegawai.nip})
    return adjustment


def pegawai_for_adjustment(actor: Account, nip: str) -> Pegawai:
    found = pegawai_visible_to(actor, action="change").filter(nip=nip).first()
    if found is None:
        raise NotFound("not_found", _("No employee with this NIP."))
    return found
