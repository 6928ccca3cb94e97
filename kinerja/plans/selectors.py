"""Reads of plans, scoped to the acting account, with a bounded number of queries.

This module is also the seam for everything downstream (activities, evaluations, TPP): they
read a person's SKP and RHKs through `skp_in_force` and `approved_rhk_of`, which do not care
whether the SKP was written in Kinerja or mirrored from BKN's e-Kinerja (`Skp.source`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kinerja.core.errors import NotFound
from kinerja.core.models import AuditRecord
from kinerja.org.models import Jabatan
from kinerja.people.access import Action, pegawai_visible_to, scope_for, today_in
from kinerja.people.models import Account, Pegawai
from kinerja.people.selectors import AtasanView, atasan_of
from kinerja.plans.models import (
    Iku,
    Indicator,
    PerjanjianKinerja,
    Rhk,
    Skp,
    SkpStatus,
)

SKP_OBJECT = "plans.skp"


def skp_visible_to(account: Account, *, action: Action = "view") -> QuerySet[Skp]:
    """SKPs of the people the account may see (own, subordinates, OPD, instansi)."""
    scope = scope_for(account)
    qs = Skp.objects.all()
    if scope.instansi_id is None:
        return qs if scope.is_superuser else qs.none()
    return qs.filter(
        instansi_id=scope.instansi_id,
        pegawai__in=pegawai_visible_to(account, action=action),
    )


def get_skp_for(account: Account, pk: int, *, action: Action = "view") -> Skp:
    skp = (
        skp_visible_to(account, action=action)
        .filter(pk=pk)
        .select_related("pegawai", "jabatan", "jabatan__unit", "opd", "penilai", "penilai_jabatan")
        .first()
    )
    if skp is None:
        raise NotFound("not_found", _("SKP not found."))
    return skp


def get_rhk_for(account: Account, pk: int) -> Rhk:
    rhk = Rhk.objects.filter(pk=pk, skp__in=skp_visible_to(account)).select_related("skp").first()
    if rhk is None:
        raise NotFound("not_found", _("RHK not found."))
    return rhk


def get_indicator_for(account: Account, pk: int) -> Indicator:
    indicator = (
        Indicator.objects.filter(pk=pk, rhk__skp__in=skp_visible_to(account))
        .select_related("rhk", "rhk__skp")
        .first()
    )
    if indicator is None:
        raise NotFound("not_found", _("Indicator not found."))
    return indicator


def skp_list(
    account: Account, *, year: int | None = None, status: str = "", pegawai: Pegawai | None = None
) -> QuerySet[Skp]:
    qs = skp_visible_to(account).select_related("pegawai", "jabatan", "opd")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if pegawai is not None:
        qs = qs.filter(pegawai=pegawai)
    return qs.order_by("-year", "pegawai__name", "start_date")


def skp_detail(skp: Skp) -> Skp:
    """The SKP with everything its page and PDF show, in five queries."""
    rhk = Rhk.objects.select_related(
        "parent", "parent__skp__pegawai", "iku", "iku__sasaran"
    ).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("monthly"))
    )
    return (
        Skp.objects.select_related(
            "pegawai",
            "jabatan",
            "jabatan__unit",
            "opd",
            "penilai",
            "penilai_jabatan",
            "penilai_jabatan__unit",
        )
        .prefetch_related(Prefetch("rhk", queryset=rhk), "perilaku", "lampiran")
        .get(pk=skp.pk)
    )


def skp_history(skp: Skp) -> QuerySet[AuditRecord]:
    """Every change to the SKP and its parts, oldest first (services record them all against
    the SKP, so this is one indexed query)."""
    return AuditRecord.objects.filter(
        instansi_id=skp.instansi_id, object_type=SKP_OBJECT, object_id=str(skp.pk)
    ).order_by("seq")


# --- The seam for downstream code -----------------------------------------------------------


def skp_in_force(pegawai_id: int, on: dt.date) -> Skp | None:
    """The person's SKP covering a date, whatever its source (written here or mirrored)."""
    return (
        Skp.objects.filter(pegawai_id=pegawai_id, start_date__lte=on, end_date__gte=on)
        .exclude(status=SkpStatus.CLOSED)
        .order_by("-start_date", "-pk")
        .first()
    )


def approved_rhk_of(pegawai_id: int, on: dt.date) -> QuerySet[Rhk]:
    """RHKs a person may log work against on a date: those of an approved SKP covering it."""
    return Rhk.objects.filter(
        skp__pegawai_id=pegawai_id,
        skp__status=SkpStatus.APPROVED,
        skp__start_date__lte=on,
        skp__end_date__gte=on,
    ).order_by("kind", "order", "pk")


# --- Choices for the editor ----------------------------------------------------------------


@dataclass(frozen=True)
class LinkChoices:
    """What an RHK of this SKP may hang from: the current supervisor's approved RHKs, or (for
    the head of an OPD) the IKUs of the OPD's Perjanjian Kinerja of the year."""

    supervisor: Pegawai | None
    supervisor_skp: Skp | None
    parent_rhk: list[Rhk]
    iku: list[Iku]
    is_opd_head: bool


def is_penilai(account: Account, skp: Skp, found: AtasanView | None) -> bool:
    """Whether the account approves or returns this SKP: the employee's pejabat penilai as
    resolved (`found`, from people.selectors.atasan_of today), or admin BKPSDM standing in for
    the kepala daerah when nobody in the system rates the employee."""
    if found is not None:
        return account.pegawai_id is not None and found.pegawai.pk == account.pegawai_id
    scope = scope_for(account)
    return scope.instansi_id == skp.instansi_id and scope.writes_whole_instansi


def is_opd_head(jabatan: Jabatan) -> bool:
    """The head of an OPD: a position with no supervisor, or whose supervisor sits in another
    OPD (a kepala dinas under the Sekda). Their SKP hangs from the OPD's IKU."""
    if jabatan.supervisor_id is None:
        return True
    supervisor_opd = Jabatan.objects.filter(pk=jabatan.supervisor_id).values_list(
        "opd_id", flat=True
    )
    return supervisor_opd.first() != jabatan.opd_id


def link_choices(skp: Skp, on: dt.date) -> LinkChoices:
    found = atasan_of(skp.pegawai, on)
    supervisor = found.pegawai if found else None
    supervisor_skp = None
    parents: list[Rhk] = []
    if supervisor is not None:
        parents = list(
            Rhk.objects.filter(
                skp__pegawai=supervisor, skp__year=skp.year, skp__status=SkpStatus.APPROVED
            ).select_related("skp")
        )
        supervisor_skp = parents[0].skp if parents else None
    head = is_opd_head(skp.jabatan)
    iku: list[Iku] = []
    if head:
        iku = list(
            Iku.objects.filter(
                sasaran__perjanjian__opd_id=skp.opd_id, sasaran__perjanjian__year=skp.year
            ).select_related("sasaran")
        )
    return LinkChoices(supervisor, supervisor_skp, parents, iku, head)


# --- Team -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubordinateSkp:
    pegawai: Pegawai
    jabatan: Jabatan
    direct: bool
    skp: Skp | None


def team_skp_status(account: Account, year: int) -> list[SubordinateSkp]:
    """The account's subordinates (as on the team page) with their SKP of the year, if any:
    who has none yet, who waits for approval. Four queries whatever the team size."""
    from kinerja.people.selectors import team_of

    members = team_of(account, today_in(account))
    skps = Skp.objects.filter(pegawai_id__in=[m.pegawai.pk for m in members], year=year).exclude(
        status=SkpStatus.CLOSED
    )
    by_key = {(s.pegawai_id, s.jabatan_id): s for s in skps}
    by_person = {s.pegawai_id: s for s in skps}
    return [
        SubordinateSkp(
            m.pegawai,
            m.jabatan,
            m.direct,
            by_key.get((m.pegawai.pk, m.jabatan.pk)) or by_person.get(m.pegawai.pk),
        )
        for m in members
    ]


def perjanjian_of(opd_id: int, year: int) -> PerjanjianKinerja | None:
    return (
        PerjanjianKinerja.objects.filter(opd_id=opd_id, year=year)
        .prefetch_related("sasaran__iku")
        .first()
    )


def awaiting_approval(account: Account) -> QuerySet[Skp]:
    """Submitted SKPs waiting for the account's decision."""
    scope = scope_for(account)
    if scope.pegawai_id is None:
        return Skp.objects.none()
    # Submitted to this person as pejabat penilai (resolved at submission; the approver is
    # checked again on action, in case the line changed since).
    return (
        skp_visible_to(account)
        .filter(status=SkpStatus.SUBMITTED, penilai_id=scope.pegawai_id)
        .filter(~Q(pegawai_id=scope.pegawai_id))
        .select_related("pegawai", "jabatan")
    )
