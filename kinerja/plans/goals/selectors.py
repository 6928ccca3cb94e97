"""Reads of organisation goals and who may change them.

Goals are open to everyone of the instansi, like the organisation structure (a pegawai sees the
IKU their work serves). Changes are for admin BKPSDM (any OPD of the instansi), admin OPD (their
own OPDs) and the head of the OPD (the holder of its head position, plans.selectors.is_opd_head,
on their definitive position today). Anything of another instansi is NotFound.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from kinerja.core.errors import NotFound
from kinerja.org.models import Opd
from kinerja.people.access import opd_visible_to, scope_for, today_in
from kinerja.people.models import Account
from kinerja.people.selectors import definitive_assignment_on
from kinerja.plans.models import Iku, PerjanjianKinerja, SasaranStrategis
from kinerja.plans.selectors import is_opd_head


def _own_position(account: Account) -> tuple[int | None, bool]:
    """(OPD of the account's definitive position today, whether it heads that OPD); cached on
    the account so a request asks once (at most two queries)."""
    cache: dict[str, tuple[int | None, bool]] = account.__dict__.setdefault("_goals_cache", {})
    if "own" not in cache:
        found: tuple[int | None, bool] = (None, False)
        if account.pegawai_id is not None:
            assignment = definitive_assignment_on(account.pegawai_id, today_in(account))
            if assignment is not None:
                found = (assignment.jabatan.opd_id, is_opd_head(assignment.jabatan))
        cache["own"] = found
    return cache["own"]


def own_opd_id(account: Account) -> int | None:
    """The OPD of the account's definitive position today: the default on goal pages."""
    return _own_position(account)[0]


def default_opd(account: Account) -> Opd | None:
    """The OPD a goals page opens on: the account's own, else the first of the instansi."""
    visible = opd_visible_to(account).filter(is_active=True)
    own = own_opd_id(account)
    found = visible.filter(pk=own).first() if own is not None else None
    return found or visible.order_by("name", "pk").first()


def head_opd_ids(account: Account) -> frozenset[int]:
    """The OPDs the account heads today."""
    opd_id, head = _own_position(account)
    return frozenset({opd_id}) if head and opd_id is not None else frozenset()


def goal_writable_opds(account: Account) -> QuerySet[Opd]:
    """OPDs whose goals the account may change."""
    scope = scope_for(account)
    qs = opd_visible_to(account)
    if scope.writes_whole_instansi:
        return qs
    return qs.filter(pk__in=set(scope.admin_opd_ids) | set(head_opd_ids(account)))


def may_change_goals(account: Account, opd: Opd) -> bool:
    scope = scope_for(account)
    if scope.instansi_id is None:
        return scope.is_superuser
    if opd.instansi_id != scope.instansi_id:
        return False
    return (
        scope.writes_whole_instansi
        or opd.pk in scope.admin_opd_ids
        or opd.pk in head_opd_ids(account)
    )


def may_import_goals(account: Account) -> bool:
    """Anyone who may change the goals of at least one OPD."""
    return goal_writable_opds(account).exists()


def perjanjian_visible_to(account: Account) -> QuerySet[PerjanjianKinerja]:
    return PerjanjianKinerja.objects.filter(opd__in=opd_visible_to(account))


def get_perjanjian_for(account: Account, pk: int) -> PerjanjianKinerja:
    found = perjanjian_visible_to(account).filter(pk=pk).select_related("opd").first()
    if found is None:
        raise NotFound("not_found", _("Performance agreement not found."))
    return found


def get_sasaran_for(account: Account, pk: int) -> SasaranStrategis:
    found = (
        SasaranStrategis.objects.filter(pk=pk, perjanjian__in=perjanjian_visible_to(account))
        .select_related("perjanjian", "perjanjian__opd")
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("Strategic objective not found."))
    return found


def get_iku_for(account: Account, pk: int) -> Iku:
    found = (
        Iku.objects.filter(pk=pk, sasaran__perjanjian__in=perjanjian_visible_to(account))
        .select_related("sasaran", "sasaran__perjanjian", "sasaran__perjanjian__opd")
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("IKU not found."))
    return found


def perjanjian_list(
    account: Account, *, opd_id: int | None = None, year: int | None = None
) -> QuerySet[PerjanjianKinerja]:
    qs = perjanjian_visible_to(account).select_related("opd")
    if opd_id is not None:
        qs = qs.filter(opd_id=opd_id)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "opd__name", "pk")


def perjanjian_detail(perjanjian_id: int) -> PerjanjianKinerja:
    """The PK with its sasaran and their IKU (three queries)."""
    return (
        PerjanjianKinerja.objects.select_related("opd")
        .prefetch_related(
            Prefetch(
                "sasaran",
                queryset=SasaranStrategis.objects.order_by("order", "pk").prefetch_related(
                    Prefetch("iku", queryset=Iku.objects.order_by("order", "pk"))
                ),
            )
        )
        .get(pk=perjanjian_id)
    )


def goals_of(opd: Opd, year: int) -> PerjanjianKinerja | None:
    found = PerjanjianKinerja.objects.filter(opd=opd, year=year).values_list("pk", flat=True)
    pk = found.first()
    return perjanjian_detail(pk) if pk is not None else None

