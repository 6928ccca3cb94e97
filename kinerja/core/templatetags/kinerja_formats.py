"""{% load kinerja_formats %}: {{ amount|rupiah }}, {{ n|number_id }}, {{ n|number_id:2 }},
{{ day|date_id }}, {{ month|month_id }} (kinerja.core.formats)."""

from __future__ import annotations

from typing import Any

from django import template

from kinerja.core import formats

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    return formats.rupiah(value)


@register.filter
def number_id(value: Any, places: int = 0) -> str:
    return formats.number_id(value, int(places))


@register.filter
def date_id(value: Any) -> str:
    return formats.date_id(value)


@register.filter
def month_id(value: Any) -> str:
    return formats.month_id(value)
