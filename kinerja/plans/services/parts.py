"""An SKP's parts: RHK (with their cascading links), indicators, perilaku expectations, lampiran."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.audit import diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict
from kinerja.core.selectors import require_year_open
from kinerja.people.access import today_in
from kinerja.people.models import Account
from kinerja.people.selectors import atasan_of
from kinerja.plans import rules
from kinerja.plans.models import (
    Iku,
    Indicator,
    Lampiran,
    PerilakuExpectation,
    Perspektif,
    Rhk,
    RhkKind,
    Skp,
    SkpStatus,
)
from kinerja.plans.selectors import is_opd_head
from kinerja.plans.services._common import (
    INDICATOR_FIELDS,
    LAMPIRAN_FIELDS,
    LINK_MESSAGES,
    PROBLEM_MESSAGES,
    RHK_FIELDS,
    _is_penilai,
    _lock,
    _record,
    _require_authored_here,
    _require_content_editable,
    _touch,
)

# --- RHK ------------------------------------------------------------------------------------


def _check_links(
    actor: Account, skp: Skp, *, parent: Rhk | None, iku: Iku | None, perspektif: str
) -> None:
    if parent is not None and iku is not None:
        raise ApplicationError(
            "link_both", _("An RHK serves either a supervisor's RHK or an IKU, not both.")
        )
    if parent is not None:
        # Read the parent's SKP afresh: the caller's copy may predate its approval or revision.
        parent_skp = Skp.objects.get(pk=parent.skp_id)
        found = atasan_of(skp.pegawai, today_in(actor))
        code = rules.link_refusal(
            target=rules.LinkTarget(parent_skp.pegawai_id, parent_skp.status, parent_skp.year),
            year=skp.year,
            supervisor_id=found.pegawai.pk if found else None,
            own_id=skp.pegawai_id,
        )
        if code:
            raise ApplicationError(code, str(LINK_MESSAGES[code]))
    if iku is not None:
        perjanjian = iku.sasaran.perjanjian
        if perjanjian.opd_id != skp.opd_id or perjanjian.year != skp.year:
            raise ApplicationError("link_iku_other", _("The IKU belongs to another OPD or year."))
        if not is_opd_head(skp.jabatan):
            raise ApplicationError(
                "link_iku_not_head",
                _("Only the head of the OPD hangs RHK from an IKU; serve your supervisor's RHK."),
            )
    if perspektif and perspektif not in Perspektif.values:
        raise ApplicationError("invalid_perspektif", _("Unknown perspektif."))


@transaction.atomic
def rhk_save(
    *,
    actor: Account,
    skp: Skp,
    rhk: Rhk | None = None,
    kind: str = RhkKind.UTAMA,
    text: str,
    perspektif: str = "",
    parent: Rhk | None = None,
    iku: Iku | None = None,
    intervention: str = "",
    order: int | None = None,
    expected_version: int | None = None,
) -> Rhk:
    """Add an RHK to the SKP (rhk=None) or change one."""
    skp = _lock(skp, expected_version)
    _require_content_editable(actor, skp)
    if rhk is not None and rhk.skp_id != skp.pk:
        raise ApplicationError("rhk_other_skp", _("The RHK belongs to another SKP."))
    if kind not in RhkKind.values:
        raise ApplicationError("invalid_kind", _("Unknown RHK kind."))
    if intervention and intervention not in ("langsung", "tidak_langsung"):
        raise ApplicationError("invalid_intervention", _("Unknown intervention type."))
    if not text.strip():
        raise ApplicationError("rhk_text_required", str(PROBLEM_MESSAGES["rhk_text_required"]))
    _check_links(actor, skp, parent=parent, iku=iku, perspektif=perspektif)
    before = snapshot(rhk, RHK_FIELDS) if rhk else None
    if rhk is None:
        rhk = Rhk(instansi_id=skp.instansi_id, skp=skp)
        if order is None:
            order = skp.rhk.count() + 1
    rhk.kind = kind
    rhk.text = text.strip()
    rhk.perspektif = perspektif if skp.is_jpt else ""
    rhk.parent = parent
    rhk.iku = iku
    rhk.intervention = intervention if parent is not None else ""
    if order is not None:
        rhk.order = order
    rhk.save()
    changes = diff(before, snapshot(rhk, RHK_FIELDS))
    if changes:
        _touch(skp)
        _record(
            actor, skp, "rhk.create" if before is None else "rhk.update", changes, {"rhk": rhk.pk}
        )
    return rhk


@transaction.atomic
def rhk_delete(*, actor: Account, rhk: Rhk, expected_version: int | None = None) -> None:
    skp = _lock(rhk.skp, expected_version)
    _require_content_editable(actor, skp)
    if rhk.children.exists():
        raise Conflict(
            "rhk_has_children",
            _("Subordinates' RHKs serve this RHK; they must be relinked first."),
        )
    before = snapshot(rhk, RHK_FIELDS)
    rhk_id = rhk.pk
    rhk.delete()
    _touch(skp)
    _record(actor, skp, "rhk.delete", diff(before, None), {"rhk": rhk_id})


# --- Indicators -----------------------------------------------------------------------------


@transaction.atomic
def indicator_save(
    *,
    actor: Account,
    rhk: Rhk,
    indicator: Indicator | None = None,
    aspek: str,
    text: str,
    target_kind: str,
    target_min: Decimal | None = None,
    target_max: Decimal | None = None,
    target_text: str = "",
    unit: str = "",
    order: int | None = None,
    expected_version: int | None = None,
) -> Indicator:
    skp = _lock(rhk.skp, expected_version)
    _require_content_editable(actor, skp)
    if indicator is not None and indicator.rhk_id != rhk.pk:
        raise ApplicationError("indicator_other_rhk", _("The indicator belongs to another RHK."))
    if aspek not in ("kuantitas", "kualitas", "waktu", "biaya"):
        raise ApplicationError("invalid_aspek", _("Unknown aspek."))
    draft = rules.IndicatorDraft(
        aspek=aspek,
        text=text,
        target_kind=target_kind,
        target_min=target_min,
        target_max=target_max if target_kind == "rentang" else None,
        target_text=target_text,
        unit=unit,
    )
    if not text.strip():
        raise ApplicationError(
            "indicator_text_required", str(PROBLEM_MESSAGES["indicator_text_required"])
        )
    problem = rules.target_problem(draft)
    if problem:
        raise ApplicationError(problem, str(PROBLEM_MESSAGES[problem]))
    before = snapshot(indicator, INDICATOR_FIELDS) if indicator else None
    if indicator is None:
        indicator = Indicator(instansi_id=skp.instansi_id, rhk=rhk)
        if order is None:
            order = rhk.indicators.count() + 1
    indicator.aspek = aspek
    indicator.text = text.strip()
    indicator.target_kind = target_kind
    indicator.target_min = target_min if target_kind != "kualitatif" else None
    indicator.target_max = target_max if target_kind == "rentang" else None
    indicator.target_text = target_text.strip()
    indicator.unit = unit.strip()
    if order is not None:
        indicator.order = order
    indicator.save()
    changes = diff(before, snapshot(indicator, INDICATOR_FIELDS))
    if changes:
        _touch(skp)
        _record(
            actor,
            skp,
            "indicator.create" if before is None else "indicator.update",
            changes,
            {"rhk": rhk.pk, "indicator": indicator.pk},
        )
    return indicator


@transaction.atomic
def indicator_delete(
    *, actor: Account, indicator: Indicator, expected_version: int | None = None
) -> None:
    skp = _lock(indicator.rhk.skp, expected_version)
    _require_content_editable(actor, skp)
    before = snapshot(indicator, INDICATOR_FIELDS)
    ids = {"rhk": indicator.rhk_id, "indicator": indicator.pk}
    indicator.delete()
    _touch(skp)
    _record(actor, skp, "indicator.delete", diff(before, None), ids)


# --- Perilaku and lampiran ------------------------------------------------------------------


@transaction.atomic
def perilaku_update(
    *,
    actor: Account,
    skp: Skp,
    expectations: Mapping[str, str],
    expected_version: int | None = None,
) -> None:
    """The supervisor's specific expectation per BerAKHLAK value. Written by the pejabat penilai
    while the SKP is not yet approved, or by the owner on a draft (to propose them)."""
    skp = _lock(skp, expected_version)
    _require_authored_here(skp)
    require_year_open(skp.instansi_id, skp.year)
    unknown = set(expectations) - set(rules.BERAKHLAK)
    if unknown:
        raise ApplicationError("invalid_value", _("Unknown BerAKHLAK value."))
    if _is_penilai(actor, skp):
        if skp.status not in (SkpStatus.DRAFT, SkpStatus.RETURNED, SkpStatus.SUBMITTED):
            raise Conflict("skp_locked", _("This SKP cannot be changed in its current state."))
    else:
        _require_content_editable(actor, skp)
    rows = {p.value: p for p in skp.perilaku.select_for_update()}
    changes: dict[str, list[Any]] = {}
    for value, text in expectations.items():
        row = rows.get(value) or PerilakuExpectation(
            instansi_id=skp.instansi_id, skp=skp, value=value
        )
        if row.pk is not None and row.expectation == text.strip():
            continue
        changes[value] = [row.expectation, text.strip()]
        row.expectation = text.strip()
        row.save()
    if changes:
        _touch(skp)
        _record(actor, skp, "perilaku.update", changes)


@transaction.atomic
def lampiran_save(
    *,
    actor: Account,
    skp: Skp,
    lampiran: Lampiran | None = None,
    kind: str,
    text: str,
    expected_version: int | None = None,
) -> Lampiran:
    skp = _lock(skp, expected_version)
    _require_content_editable(actor, skp)
    if kind not in ("dukungan_sumber_daya", "skema_pertanggungjawaban", "konsekuensi"):
        raise ApplicationError("invalid_kind", _("Unknown annex kind."))
    if not text.strip():
        raise ApplicationError("text_required", _("Write the annex item."))
    if lampiran is not None and lampiran.skp_id != skp.pk:
        raise ApplicationError("lampiran_other_skp", _("The annex item belongs to another SKP."))
    before = snapshot(lampiran, LAMPIRAN_FIELDS) if lampiran else None
    if lampiran is None:
        lampiran = Lampiran(
            instansi_id=skp.instansi_id,
            skp=skp,
            order=skp.lampiran.filter(kind=kind).count() + 1,
        )
    lampiran.kind = kind
    lampiran.text = text.strip()
    lampiran.save()
    changes = diff(before, snapshot(lampiran, LAMPIRAN_FIELDS))
    if changes:
        _touch(skp)
        _record(
            actor,
            skp,
            "lampiran.create" if before is None else "lampiran.update",
            changes,
            {"lampiran": lampiran.pk},
        )
    return lampiran


@transaction.atomic
def lampiran_delete(
    *, actor: Account, lampiran: Lampiran, expected_version: int | None = None
) -> None:
    skp = _lock(lampiran.skp, expected_version)
    _require_content_editable(actor, skp)
    before = snapshot(lampiran, LAMPIRAN_FIELDS)
    pk = lampiran.pk
    lampiran.delete()
    _touch(skp)
    _record(actor, skp, "lampiran.delete", diff(before, None), {"lampiran": pk})
