"""Two-factor status on other apps' pages: the account page's card and, for the BKPSDM
administrator, the panel with the reset button on an employee's page."""

from __future__ import annotations

from typing import Any

from django import template

from kinerja.people import twofactor
from kinerja.people.access import scope_for
from kinerja.people.models import Pegawai

register = template.Library()


@register.inclusion_tag("people/twofactor/_card.html", takes_context=True)
def twofactor_card(context: template.Context) -> dict[str, Any]:
    account = context["request"].user
    return {"twofactor": twofactor.status_of(account)}


@register.inclusion_tag("people/twofactor/_admin_panel.html", takes_context=True)
def twofactor_admin_panel(context: template.Context, pegawai: Pegawai) -> dict[str, Any]:
    viewer = context["request"].user
    if not scope_for(viewer).writes_whole_instansi:  # the scope is cached: no query for others
        return {"twofactor": None}
    return {"twofactor": twofactor.status_of_pegawai(pegawai.pk), "nip": pegawai.nip}
