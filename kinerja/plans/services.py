"""Every write to plans. Each takes the acting account, checks it may do this to this SKP,
refuses closed periods, runs in a transaction and records the change in the audit trail.

Changes to an SKP's parts (RHK, indicators, perilaku, lampiran, monthly targets) are recorded
against the SKP itself (object `plans.skp`, action `rhk.update` etc.), so the SKP's history is
one indexed read of the audit trail.

Who may do what:
- the owner (the pegawai) writes the content of a draft or returned SKP and submits it;
- the pejabat penilai resolved today (people.selectors.atasan_of) approves or returns a
  submitted SKP and writes the perilaku expectations (ekspektasi khusus pimpinan); when there is
  none in the system (the top of the line: the kepala daerah rates on paper), admin BKPSDM acts
  for them;
- an approved SKP is changed by opening a revision (back to draft), which needs a new approval;
- SKPs mirrored from BKN e-Kinerja are read-only here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.audit import AuditEntry, audit_record, audit_record_many, diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import SkpSource
from kinerja.core.selectors import require_month_open, require_year_open
from kinerja.org.models import Jabatan
from kinerja.people.access import today_in
from kinerja.people.models import Account, Pegawai
from kinerja.people.selectors import atasan_of, definitive_assignment_on
from kinerja.plans import rules
from kinerja.plans.models import (
    Iku,
    Indicator,
    Lampiran,
    MonthlyTarget,
    PerilakuExpectation,
    Perspektif,
    Rhk,
    RhkKind,
    Skp,
    SkpStatus,
)
from kinerja.plans.selectors import SKP_OBJECT, is_opd_head, is_penilai

SKP_FIELDS = ("status", "start_date", "end_date", "form", "approach", "penilai", "return_note")
RHK_FIELDS = ("kind", "text", "perspektif", "parent", "intervention", "iku", "order")
INDICATOR_FIELDS = (
    "aspek",
    "text",
    "target_kind",
    "target_min",
    "target_max",
    "target_text",
    "unit",
    "order",
)
LAMPIRAN_FIELDS = ("kind", "text", "order")

LINK_MESSAGES = {
    "link_self": _lazy("An RHK cannot serve another RHK of your own SKP."),
    "link_not_supervisor": _lazy("An RHK may only serve an RHK of your current pejabat penilai."),
    "link_other_year": _lazy("The supervisor's RHK belongs to another year."),
    "link_not_approved": _lazy(
        "The supervisor's SKP is not approved yet; ask them to finish it first."
    ),
}

PROBLEM_MESSAGES = {
    "no_rhk_utama": _lazy("Add at least one main RHK."),
    "rhk_text_required": _lazy("Every RHK needs a description."),
    "rhk_no_indicator": _lazy("Every RHK needs at least one indicator."),
    "indicator_text_required": _lazy("Every indicator needs a description."),
    "target_number_required": _lazy("A numeric target needs a number and a unit."),
    "target_negative": _lazy("A target cannot be negative."),
    "target_range_required": _lazy("A target range needs a lower and an upper value."),
    "target_range_order": _lazy("The lower end of a target range must not exceed the upper end."),
    "target_text_required": _lazy("A qualitative target needs a description."),
    "target_kind_unknown": _lazy("Unknown target kind."),
    "rhk_needs_parent": _lazy("A main RHK must serve an RHK of your pejabat penilai."),
    "rhk_needs_iku": _lazy("A main RHK of an OPD head must hang from an IKU of the OPD."),
    "rhk_needs_perspektif": _lazy("A JPT RHK needs a perspektif."),
}


# --- Guards ---------------------------------------------------------------------------------


def _lock(skp: Skp, expected_version: int | None = None) -> Skp:
    """The SKP row locked for the rest of the transaction; a stale version is refused (two
    tabs, or the supervisor returning it while the owner edits)."""
    # Refresh the caller's own instance under the lock, so it sees (and returns) the result.
    skp.refresh_from_db(from_queryset=Skp.objects.select_for_update())
    locked = skp
    if expected_version is not None and locked.version != expected_version:
        raise Conflict("stale", _("This SKP was changed meanwhile. Reload the page and try again."))
    return locked


def _require_authored_here(skp: Skp) -> None:
    if skp.source != SkpSource.KINERJA:
        raise Conflict(
            "skp_mirrored",
            _("This SKP is mirrored from BKN e-Kinerja; change it there."),
        )


def _require_owner(actor: Account, skp: Skp) -> None:
    if actor.pegawai_id is None or actor.pegawai_id != skp.pegawai_id:
        raise Forbidden("forbidden", _("Only the employee may change their own SKP."))


def _require_content_editable(actor: Account, skp: Skp) -> None:
    _require_authored_here(skp)
    _require_owner(actor, skp)
    require_year_open(skp.instansi_id, skp.year)
    if not rules.content_editable(skp.status):
        if skp.status == SkpStatus.APPROVED:
            raise Conflict(
                "skp_approved",
                _(
                    "This SKP is approved. Open a revision to change it; "
                    "it then needs a new approval."
                ),
            )
        raise Conflict("skp_locked", _("This SKP cannot be changed in its current state."))


def _is_penilai(actor: Account, skp: Skp) -> bool:
    return is_penilai(actor, skp, atasan_of(skp.pegawai, today_in(actor)))


def _require_penilai(actor: Account, skp: Skp) -> None:
    if not _is_penilai(actor, skp):
        raise Forbidden("forbidden", _("Only the employee's pejabat penilai may do this."))


def _touch(skp: Skp) -> None:
    skp.version += 1
    skp.save(update_fields=["version", "updated_at"])


def _record(
    actor: Account,
    skp: Skp,
    action: str,
    changes: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        instansi=skp.instansi_id,
        action=action,
        object_type=SKP_OBJECT,
        object_id=str(skp.pk),
        object_label=f"SKP {skp.year} {skp.pegawai.nip}",
        changes=changes,
        context=context,
    )


# --- SKP ------------------------------------------------------------------------------------


def _skp_span(year: int, start: dt.date, end: dt.date | None) -> tuple[dt.date, dt.date]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return max(first, start), min(last, end) if end else last


@transaction.atomic
def skp_create(*, actor: Account, pegawai: Pegawai, year: int) -> Skp:
    """Open the employee's SKP for their definitive position in `year` (as on today, or on the
    last day of a past year). A person who moved mid-year gets a new SKP for the new position;
    the one for the old position is closed the day before the new TMT."""
    if actor.pegawai_id != pegawai.pk:
        raise Forbidden("forbidden", _("Only the employee may open their own SKP."))
    period = require_year_open(pegawai.instansi_id, year)
    if period.skp_source != SkpSource.KINERJA:
        raise Conflict(
            "skp_mirrored",
            _("SKPs of %(year)s are mirrored from BKN e-Kinerja, not written here.")
            % {"year": year},
        )
    today = today_in(actor)
    on = min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))
    assignment = definitive_assignment_on(pegawai.pk, on)
    if assignment is None:
        raise ApplicationError(
            "no_position", _("You hold no definitive position in %(year)s.") % {"year": year}
        )
    existing = Skp.objects.filter(pegawai=pegawai, jabatan=assignment.jabatan, year=year).first()
    if existing is not None:
        raise Conflict("skp_exists", _("You already have an SKP for this position and year."))
    start, end = _skp_span(year, assignment.start_date, assignment.end_date)
    for old in (
        Skp.objects.select_for_update()
        .filter(pegawai=pegawai, year=year)
        .exclude(status=SkpStatus.CLOSED)
    ):
        _close(
            actor, old, end_date=max(old.start_date, start - dt.timedelta(days=1)), reason="mutasi"
        )
    jabatan: Jabatan = assignment.jabatan
    skp = Skp.objects.create(
        instansi_id=pegawai.instansi_id,
        pegawai=pegawai,
        jabatan=jabatan,
        opd_id=jabatan.opd_id,
        year=year,
        start_date=start,
        end_date=end,
        form=rules.skp_form_for(jabatan.jenis),
    )
    PerilakuExpectation.objects.bulk_create(
        PerilakuExpectation(instansi_id=skp.instansi_id, skp=skp, value=value)
        for value in rules.BERAKHLAK
    )
    _record(
        actor, skp, "skp.create", diff(None, snapshot(skp, SKP_FIELDS)), {"jabatan": jabatan.pk}
    )
    return skp


def _close(actor: Account, skp: Skp, *, end_date: dt.date, reason: str) -> None:
    before = snapshot(skp, SKP_FIELDS)
    skp.status = SkpStatus.CLOSED
    skp.end_date = end_date
    skp.version += 1
    skp.save()
    _record(actor, skp, "skp.close", diff(before, snapshot(skp, SKP_FIELDS)), {"reason": reason})


@transaction.atomic
def skp_update(
    *, actor: Account, skp: Skp, approach: str, expected_version: int | None = None
) -> Skp:
    """The SKP's own settings (for now the approach: kuantitatif or kualitatif)."""
    skp = _lock(skp, expected_version)
    _require_content_editable(actor, skp)
    if approach not in ("kuantitatif", "kualitatif"):
        raise ApplicationError("invalid_approach", _("Unknown approach."))
    before = snapshot(skp, SKP_FIELDS)
    skp.approach = approach
    skp.version += 1
    skp.save()
    changes = diff(before, snapshot(skp, SKP_FIELDS))
    if changes:
        _record(actor, skp, "skp.update", changes)
    return skp


def _problems(skp: Skp, *, has_supervisor: bool) -> list[rules.Problem]:
    drafts = [
        rules.RhkDraft(
            kind=r.kind,
            text=r.text,
            has_parent=r.parent_id is not None,
            has_iku=r.iku_id is not None,
            perspektif=r.perspektif,
            indicators=tuple(
                rules.IndicatorDraft(
                    aspek=i.aspek,
                    text=i.text,
                    target_kind=i.target_kind,
                    target_min=i.target_min,
                    target_max=i.target_max,
                    target_text=i.target_text,
                    unit=i.unit,
                )
                for i in r.indicators.all()
            ),
        )
        for r in skp.rhk.prefetch_related("indicators").order_by("kind", "order", "pk")
    ]
    return rules.submission_problems(
        form=skp.form,
        is_opd_head=is_opd_head(skp.jabatan),
        has_supervisor=has_supervisor,
        rhk=drafts,
    )


def submission_problems(skp: Skp, on: dt.date) -> list[dict[str, Any]]:
    """What keeps the SKP from being submitted, as messages (for the page before the click)."""
    found = atasan_of(skp.pegawai, on)
    rhk_ids = list(skp.rhk.order_by("kind", "order", "pk").values_list("pk", flat=True))
    return [
        {
            "code": p.code,
            "message": str(PROBLEM_MESSAGES[p.code]),
            "rhk_id": rhk_ids[p.rhk_index] if p.rhk_index is not None else None,
        }
        for p in _problems(skp, has_supervisor=found is not None)
    ]


@transaction.atomic
def skp_submit(*, actor: Account, skp: Skp, expected_version: int | None = None) -> Skp:
    """Submit (ajukan) a complete SKP to the pejabat penilai resolved today."""
    skp = _lock(skp, expected_version)
    _require_authored_here(skp)
    _require_owner(actor, skp)
    require_year_open(skp.instansi_id, skp.year)
    target = rules.next_status(skp.status, "submit")
    if target is None:
        raise Conflict("invalid_transition", _("Only a draft or returned SKP can be submitted."))
    problems = submission_problems(skp, today_in(actor))
    if problems:
        raise ApplicationError(
            "skp_incomplete",
            _("The SKP is not complete yet: %(first)s") % {"first": problems[0]["message"]},
            details=problems,
        )
    found = atasan_of(skp.pegawai, today_in(actor))
    before = snapshot(skp, SKP_FIELDS)
    skp.status = target
    skp.penilai = found.pegawai if found else None
    skp.penilai_jabatan = found.jabatan if found else None
    skp.submitted_at = timezone.now()
    skp.version += 1
    skp.save()
    _record(actor, skp, "skp.submit", diff(before, snapshot(skp, SKP_FIELDS)))
    return skp


@transaction.atomic
def skp_approve(*, actor: Account, skp: Skp, expected_version: int | None = None) -> Skp:
    skp = _lock(skp, expected_version)
    _require_penilai(actor, skp)
    require_year_open(skp.instansi_id, skp.year)
    target = rules.next_status(skp.status, "approve")
    if target is None:
        raise Conflict("invalid_transition", _("Only a submitted SKP can be approved."))
    found = atasan_of(skp.pegawai, today_in(actor))
    before = snapshot(skp, SKP_FIELDS)
    skp.status = target
    skp.penilai = found.pegawai if found else None
    skp.penilai_jabatan = found.jabatan if found else None
    skp.approved_at = timezone.now()
    skp.return_note = ""
    skp.version += 1
    skp.save()
    _record(actor, skp, "skp.approve", diff(before, snapshot(skp, SKP_FIELDS)))
    return skp


@transaction.atomic
def skp_return(*, actor: Account, skp: Skp, note: str, expected_version: int | None = None) -> Skp:
    """Return (kembalikan) a submitted SKP with the supervisor's notes for the employee."""
    skp = _lock(skp, expected_version)
    _require_penilai(actor, skp)
    require_year_open(skp.instansi_id, skp.year)
    if not note.strip():
        raise ApplicationError("note_required", _("Write what the employee should change."))
    target = rules.next_status(skp.status, "return")
    if target is None:
        raise Conflict("invalid_transition", _("Only a submitted SKP can be returned."))
    before = snapshot(skp, SKP_FIELDS)
    skp.status = target
    skp.return_note = note.strip()
    skp.version += 1
    skp.save()
    _record(
        actor, skp, "skp.return", diff(before, snapshot(skp, SKP_FIELDS)), {"note": note.strip()}
    )
    return skp


@transaction.atomic
def skp_revise(
    *, actor: Account, skp: Skp, reason: str = "", expected_version: int | None = None
) -> Skp:
    """Open a revision of an approved SKP: back to draft, to be submitted and approved again.
    Its RHKs keep their ids, so logged work and subordinates' links stay attached."""
    skp = _lock(skp, expected_version)
    _require_authored_here(skp)
    _require_owner(actor, skp)
    require_year_open(skp.instansi_id, skp.year)
    target = rules.next_status(skp.status, "revise")
    if target is None:
        raise Conflict("invalid_transition", _("Only an approved SKP can be revised."))
    before = snapshot(skp, SKP_FIELDS)
    skp.status = target
    skp.version += 1
    skp.save()
    _record(
        actor,
        skp,
        "skp.revise",
        diff(before, snapshot(skp, SKP_FIELDS)),
        {"reason": reason.strip()} if reason.strip() else None,
    )
    return skp


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


# --- Start from last year, hand down (matriks peran hasil) -----------------------------------


@transaction.atomic
def skp_copy_from(*, actor: Account, source: Skp, year: int) -> Skp:
    """Start the year's SKP from an earlier one of the same person: RHK texts, indicators and
    targets, perilaku expectations and lampiran. Links to the supervisor's RHK are not carried
    over (they must point at this year's approved RHK) and monthly plans start empty."""
    if source.pegawai_id != actor.pegawai_id:
        raise Forbidden("forbidden", _("Only the employee may copy their own SKP."))
    if source.year >= year:
        raise ApplicationError("copy_year", _("Copy from an earlier year."))
    target = skp_create(actor=actor, pegawai=source.pegawai, year=year)
    target.copied_from = source
    target.save(update_fields=["copied_from"])
    for old_rhk in source.rhk.prefetch_related("indicators").order_by("kind", "order", "pk"):
        new_rhk = Rhk.objects.create(
            instansi_id=target.instansi_id,
            skp=target,
            kind=old_rhk.kind,
            text=old_rhk.text,
            perspektif=old_rhk.perspektif if target.is_jpt else "",
            order=old_rhk.order,
        )
        Indicator.objects.bulk_create(
            Indicator(
                instansi_id=target.instansi_id,
                rhk=new_rhk,
                aspek=i.aspek,
                text=i.text,
                target_kind=i.target_kind,
                target_min=i.target_min,
                target_max=i.target_max,
                target_text=i.target_text,
                unit=i.unit,
                order=i.order,
            )
            for i in old_rhk.indicators.all()
        )
    old_perilaku = {p.value: p.expectation for p in source.perilaku.all()}
    for row in target.perilaku.all():
        if old_perilaku.get(row.value):
            row.expectation = old_perilaku[row.value]
            row.save(update_fields=["expectation"])
    Lampiran.objects.bulk_create(
        Lampiran(
            instansi_id=target.instansi_id,
            skp=target,
            kind=item.kind,
            text=item.text,
            order=item.order,
        )
        for item in source.lampiran.all()
    )
    _record(
        actor, target, "skp.copy", {"copied_from": [None, source.pk]}, {"source_year": source.year}
    )
    return target


@dataclass(frozen=True)
class HandDownResult:
    pegawai_id: int
    rhk_id: int | None
    code: str  # "created" or why it was skipped


@transaction.atomic
def rhk_hand_down(
    *,
    actor: Account,
    rhk: Rhk,
    pegawai_ids: Iterable[int],
    text: str = "",
    intervention: str = "langsung",
) -> list[HandDownResult]:
    """Matriks peran hasil: the supervisor hands one of their approved RHKs down to several
    direct subordinates at once. Each gets an RHK utama serving it in their SKP of the year
    (opened as a draft when they have none); subordinates whose SKP is submitted or approved are
    skipped and reported, so nothing they signed changes under them."""
    from kinerja.people.selectors import team_of

    skp = Skp.objects.select_related("pegawai").get(pk=rhk.skp_id)
    _require_authored_here(skp)
    if actor.pegawai_id != skp.pegawai_id:
        raise Forbidden("forbidden", _("Only the owner of the RHK may hand it down."))
    if skp.status != SkpStatus.APPROVED:
        raise Conflict("link_not_approved", str(LINK_MESSAGES["link_not_approved"]))
    period = require_year_open(skp.instansi_id, skp.year)
    if intervention not in ("langsung", "tidak_langsung"):
        raise ApplicationError("invalid_intervention", _("Unknown intervention type."))
    today = today_in(actor)
    on = min(max(today, dt.date(skp.year, 1, 1)), dt.date(skp.year, 12, 31))
    direct = {m.pegawai.pk: m for m in team_of(actor, today) if m.direct}
    wanted = list(dict.fromkeys(pegawai_ids))
    existing = {
        s.pegawai_id: s
        for s in Skp.objects.select_for_update()
        .filter(pegawai_id__in=wanted, year=skp.year)
        .exclude(status=SkpStatus.CLOSED)
        .order_by("start_date")
    }
    results: list[HandDownResult] = []
    entries: list[AuditEntry] = []
    for pegawai_id in wanted:
        member = direct.get(pegawai_id)
        if member is None:
            results.append(HandDownResult(pegawai_id, None, "not_direct_subordinate"))
            continue
        target = existing.get(pegawai_id)
        if target is not None and target.jabatan_id != member.jabatan.pk:
            # An SKP for an old position: close it as skp_create does after a mutation, then
            # open one for the current position.
            assignment = definitive_assignment_on(pegawai_id, on)
            if assignment is not None:
                start, _end = _skp_span(skp.year, assignment.start_date, assignment.end_date)
                _close(actor, target, end_date=max(target.start_date,
                                                   start - dt.timedelta(days=1)),
                       reason="mutasi")
                target = None
            else:
                results.append(HandDownResult(pegawai_id, None, "no_position"))
                continue
        if target is not None and target.rhk.filter(parent=rhk).exists():
            results.append(HandDownResult(pegawai_id, None, "already_serves"))
            continue
        if target is None:
            if period.skp_source != SkpSource.KINERJA:
                results.append(HandDownResult(pegawai_id, None, "skp_mirrored"))
                continue
            assignment = definitive_assignment_on(pegawai_id, on)
            if assignment is None:
                results.append(HandDownResult(pegawai_id, None, "no_position"))
                continue
            start, end = _skp_span(skp.year, assignment.start_date, assignment.end_date)
            target = Skp.objects.create(
                instansi_id=skp.instansi_id,
                pegawai_id=pegawai_id,
                jabatan=member.jabatan,
                opd_id=member.jabatan.opd_id,
                year=skp.year,
                start_date=start,
                end_date=end,
                form=rules.skp_form_for(member.jabatan.jenis),
            )
            PerilakuExpectation.objects.bulk_create(
                PerilakuExpectation(instansi_id=target.instansi_id, skp=target, value=v)
                for v in rules.BERAKHLAK
            )
            entries.append(
                AuditEntry(
                    "skp.create",
                    SKP_OBJECT,
                    str(target.pk),
                    f"SKP {skp.year} {member.pegawai.nip}",
                    {"status": [None, target.status]},
                    {"handed_down_from": rhk.pk},
                )
            )
        elif not target.is_editable_status or target.source != SkpSource.KINERJA:
            results.append(HandDownResult(pegawai_id, None, "skp_not_editable"))
            continue
        new_rhk = Rhk.objects.create(
            instansi_id=skp.instansi_id,
            skp=target,
            kind=RhkKind.UTAMA,
            text=(text or rhk.text).strip(),
            parent=rhk,
            intervention=intervention,
            order=target.rhk.count() + 1,
        )
        target.version += 1
        target.save(update_fields=["version", "updated_at"])
        entries.append(
            AuditEntry(
                "rhk.create",
                SKP_OBJECT,
                str(target.pk),
                f"SKP {skp.year} {member.pegawai.nip}",
                diff(None, snapshot(new_rhk, RHK_FIELDS)),
                {"rhk": new_rhk.pk, "handed_down_from": rhk.pk},
            )
        )
        results.append(HandDownResult(pegawai_id, new_rhk.pk, "created"))
    if entries:
        audit_record_many(actor=actor, instansi=skp.instansi_id, entries=entries)
    return results


# --- Mirror (the seam for BKN e-Kinerja) ---------------------------------------------------


@dataclass(frozen=True)
class MirroredRhk:
    kind: str
    text: str
    indicators: tuple[rules.IndicatorDraft, ...] = ()


@transaction.atomic
def skp_mirror_save(
    *,
    actor: Account | None,
    pegawai: Pegawai,
    jabatan: Jabatan,
    year: int,
    start_date: dt.date,
    end_date: dt.date,
    external_id: str,
    rhk: Iterable[MirroredRhk],
) -> Skp:
    """Store an approved SKP as written in BKN e-Kinerja (the import that calls this comes with
    the BKN integration). Re-running with the same external id replaces its RHKs; nothing
    downstream can tell it from one written here, except that it is read-only."""
    skp, created = Skp.objects.select_for_update().get_or_create(
        pegawai=pegawai,
        jabatan=jabatan,
        year=year,
        defaults={
            "instansi_id": pegawai.instansi_id,
            "opd_id": jabatan.opd_id,
            "start_date": start_date,
            "end_date": end_date,
            "form": rules.skp_form_for(jabatan.jenis),
            "status": SkpStatus.APPROVED,
            "source": SkpSource.BKN,
            "external_id": external_id,
        },
    )
    if not created and skp.source != SkpSource.BKN:
        raise Conflict("skp_authored_here", _("This SKP is written in Kinerja, not mirrored."))
    skp.rhk.filter(children__isnull=True).delete()
    for order, item in enumerate(rhk, start=1):
        row = Rhk.objects.create(
            instansi_id=skp.instansi_id, skp=skp, kind=item.kind, text=item.text, order=order
        )
        Indicator.objects.bulk_create(
            Indicator(
                instansi_id=skp.instansi_id,
                rhk=row,
                aspek=i.aspek,
                text=i.text,
                target_kind=i.target_kind,
                target_min=i.target_min,
                target_max=i.target_max,
                target_text=i.target_text,
                unit=i.unit,
            )
            for i in item.indicators
        )
    _record(actor, skp, "skp.mirror", {"external_id": [None, external_id]})  # type: ignore[arg-type]
    return skp
