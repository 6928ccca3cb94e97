"""Opening an SKP and its workflow: submit, approve, return, revise."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.audit import diff, snapshot
from kinerja.core.errors import ApplicationError, Conflict, Forbidden
from kinerja.core.models import SkpSource
from kinerja.core.selectors import require_year_open
from kinerja.org.models import Jabatan
from kinerja.people.access import today_in
from kinerja.people.models import Account, Pegawai
from kinerja.people.notifications import notify
from kinerja.people.selectors import atasan_of, definitive_assignment_on
from kinerja.plans import rules
from kinerja.plans.models import (
    PerilakuExpectation,
    Skp,
    SkpStatus,
)
from kinerja.plans.selectors import is_opd_head
from kinerja.plans.services._common import (
    PROBLEM_MESSAGES,
    SKP_FIELDS,
    _close,
    _lock,
    _record,
    _require_authored_here,
    _require_content_editable,
    _require_owner,
    _require_penilai,
    _skp_span,
)


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
    notify(
        pegawai_ids=[skp.pegawai_id],
        kind="skp_approved",
        title=_lazy("Your SKP %(year)s was approved"),
        body=_lazy("You can log your daily work against its RHK."),
        params={"year": skp.year},
        link=f"/skp/{skp.pk}/",
    )
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
    notify(
        pegawai_ids=[skp.pegawai_id],
        kind="skp_returned",
        title=_lazy("Your SKP %(year)s was returned"),
        body=_lazy("Your supervisor returned it: %(note)s. Change it and submit it again."),
        params={"year": skp.year, "note": note.strip()},
        link=f"/skp/{skp.pk}/",
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
