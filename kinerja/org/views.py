"""Pages for the organisation structure: the OPD list and one OPD's unit tree with positions,
their holders on a date (definitive, Plt, Plh) and vacancies."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kinerja.core.errors import NotFound
from kinerja.core.http import date_param
from kinerja.people.access import (
    get_opd_for,
    opd_visible_to,
    pegawai_visible_to,
    request_account,
    scope_for,
)
from kinerja.people.models import PositionAssignment
from kinerja.people.selectors import UnitNode, employee_counts_by_opd, opd_structure


def _assignments(nodes: list[UnitNode]) -> Iterator[PositionAssignment]:
    for node in nodes:
        for position in node.positions:
            yield from position.definitive
            yield from position.acting
        yield from _assignments(node.children)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    on = scope_for(user).on
    opds = list(opd_visible_to(user).filter(is_active=True).order_by("name"))
    counts = employee_counts_by_opd([o.pk for o in opds], on)
    rows = [(opd, counts.get(opd.pk, 0)) for opd in opds]
    return render(request, "org/index.html", {"rows": rows, "on": on})


@login_required
def opd_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    try:
        opd = get_opd_for(user, pk)
    except NotFound as exc:
        raise Http404(_("OPD not found.")) from exc
    on = date_param(request, "tanggal")[0] or scope_for(user).on
    tree = opd_structure(opd, on)
    # Names in the structure are open to the instansi; a profile link only where it would open.
    holder_ids = {a.pegawai_id for a in _assignments(tree)}
    visible = (
        set(pegawai_visible_to(user).filter(pk__in=holder_ids).values_list("pk", flat=True))
        if holder_ids
        else set()
    )
    context = {"opd": opd, "tree": tree, "on": on, "visible_ids": visible}
    return render(request, "org/opd.html", context)
