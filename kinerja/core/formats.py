"""Indonesian number, money and date formats for pages, Excel and PDF documents (official
documents use them whatever the UI language): Rp1.234.567, 1.234,5, 22 November 2026."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")


def number_id(value: Any, places: int = 0) -> str:
    """1234567.5 -> '1.234.568' (places 0) or '1.234.567,50' (places 2); '' for None."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _dot, frac = f"{abs(number):.{places}f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return f"{sign}{text},{frac}" if places else f"{sign}{text}"


def rupiah(value: Any) -> str:
    """Decimal('1234567.00') -> 'Rp1.234.567' (negative: '-Rp1.234.567'); sen only when there
    are any: Decimal('75500.50') -> 'Rp75.500,50'."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = number_id(number, 0 if number == number.to_integral_value() else 2)
    return f"-Rp{text[1:]}" if text.startswith("-") else f"Rp{text}"


def date_id(value: dt.date | None) -> str:
    """date(2026, 11, 22) -> '22 November 2026'."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def month_id(value: dt.date | None) -> str:
    """date(2026, 10, 1) -> 'Oktober 2026'."""
    if value is None:
        return ""
    return f"{MONTHS[value.month - 1]} {value.year}"
