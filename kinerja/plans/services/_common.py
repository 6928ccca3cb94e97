"""Guards, messages and the audit helper shared by the plans services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.audit import audit_record, diff, snapshot
from kinerja.core.errors import Conflict, Forbidden
from kinerja.core.models import SkpSource
from kinerja.core.selectors import require_year_open
from kinerja.people.access import today_in
from kinerja.people.models import Account
from kinerja.people.selectors import atasan_of
from kinerja.plans import rules
from kinerja.plans.models import (
    Skp,
    SkpStatus,
)
from kinerja.plans.selectors import SKP_OBJECT, is_penilai

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


def _close(actor: Account, skp: Skp, *, end_date: dt.date, reason: str) -> None:
    before = snapshot(skp, SKP_FIELDS)
    skp.status = SkpStatus.CLOSED
    skp.end_date = end_date
    skp.version += 1
    skp.save()
    _record(actor, skp, "skp.close", diff(before, snapshot(skp, SKP_FIELDS)), {"reason": reason})
