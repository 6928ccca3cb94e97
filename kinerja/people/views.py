"""Pages for people: the employee search and list, and an employee's profile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.errors import NotFound
from kinerja.core.http import valid_filters, wants_partial
from kinerja.people.access import get_pegawai_for, opd_visible_to, request_account, scope_for
from kinerja.people.models import AsnType, EmployeeStatus
from kinerja.people.rules import GOLONGAN_PNS, format_nip, normalise_nip
from kinerja.people.selectors import (
    atasan_of,
    current_positions,
    pegawai_list,
    position_history,
)

PAGE_SIZE = 25


class PegawaiFilterForm(forms.Form):
    q = forms.CharField(
        label=_lazy("Name or NIP"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": _lazy("Search…")}
        ),
    )
    opd = forms.TypedChoiceField(label="OPD", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_lazy("Status"),
        required=False,
        choices=[("", _lazy("All"))] + list(EmployeeStatus.choices),
    )
    asn_type = forms.ChoiceField(
        label=_lazy("ASN type"),
        required=False,
        choices=[("", _lazy("All"))] + list(AsnType.choices),
    )

    def __init__(self, *args: Any, opd_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["opd"].choices = [("", _("All"))] + opd_choices


@login_required
def pegawai_index(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    on = scope_for(user).on
    opd_choices = [(o.pk, o.name) for o in opd_visible_to(user).filter(is_active=True)]
    form = PegawaiFilterForm(request.GET or None, opd_choices=opd_choices)
    filters = valid_filters(form)
    people = pegawai_list(
        user,
        on=on,
        query=filters.get("q") or "",
        opd_id=filters.get("opd"),
        status=filters.get("status") or "",
        asn_type=filters.get("asn_type") or "",
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (p, format_nip(p.nip), p.current_assignments[0] if p.current_assignments else None)
        for p in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "on": on}
    partial = wants_partial(request)
    response = render(request, "people/_results.html" if partial else "people/list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def pegawai_detail(request: HttpRequest, nip: str) -> HttpResponse:
    user = request_account(request)
    try:
        pegawai = get_pegawai_for(user, nip=normalise_nip(nip))
    except NotFound as exc:
        raise Http404(_("Employee not found.")) from exc
    on = scope_for(user).on
    history = list(position_history(pegawai))
    current = current_positions(history, on)
    context = {
        "pegawai": pegawai,
        "nip": format_nip(pegawai.nip),
        "pangkat": GOLONGAN_PNS.get(pegawai.golongan, ""),
        "current": current,
        "history": history,
        "atasan": atasan_of(pegawai, on),
        "on": on,
        "is_self": pegawai.pk == user.pegawai_id,
    }
    return render(request, "people/detail.html", context)
