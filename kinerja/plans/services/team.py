"""Starting from last year's SKP; handing an RHK down to subordinates (matriks peran hasil)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.audit import AuditEntry, audit_record_many, diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import SkpSource
from kinerja.core.selectors import require_year_open
from kinerja.people.access import today_in
from kinerja.people.models import Account
from kinerja.people.selectors import definitive_assignment_on
from kinerja.plans import rules
from kinerja.plans.models import (
    Indicator,
    Lampiran,
    PerilakuExpectation,
    Rhk,
    RhkKind,
    Skp,
    SkpStatus,
)
from kinerja.plans.selectors import SKP_OBJECT
from kinerja.plans.services._common import (
    LINK_MESSAGES,
    RHK_FIELDS,
    _close,
    _record,
    _require_authored_here,
    _skp_span,
)
from kinerja.plans.services.skp import skp_create

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
                _close(
                    actor,
                    target,
                    end_date=max(target.start_date, start - dt.timedelta(days=1)),
                    reason="mutasi",
                )
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
