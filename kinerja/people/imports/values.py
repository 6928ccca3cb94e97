"""Turning raw cells (text from CSV, typed values from Excel or JSON) into clean values.

Each parser raises `CellError` with a stable code and a message a BKPSDM clerk understands; the
engine turns it into an ImportRowError with the row's line and the column name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

# Excel's day 0 (it counts 1900 as a leap year, so serials from March 1900 are off by one and
# the usual epoch is 1899-12-30).
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(Exception):
    """One bad value: a stable code, a message for the user, and the value as given."""

    def __init__(self, code: str, message: str, value: Any = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.value = value


def text(raw: Any) -> str:
    """A cell as trimmed text; numbers from Excel lose a spurious '.0'."""
    if type(raw) is str:
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def limited(raw: Any, *, max_length: int, column: str) -> str:
    value = text(raw)
    if len(value) > max_length:
        raise CellError(
            "too_long",
            _("%(column)s is longer than %(max)s characters")
            % {"column": column, "max": max_length},
            value,
        )
    return value


def nip_text(raw: Any) -> str:
    """A NIP cell. Excel stores an 18-digit number as a float and silently loses the last
    digits, so a numeric NIP from a workbook is refused rather than guessed."""
    big_int = isinstance(raw, int) and not isinstance(raw, bool) and raw > 2**53
    if isinstance(raw, float) or big_int:
        raise CellError(
            "nip_number",
            _("NIP is stored as a number, which loses digits; format the NIP column as text"),
            text(raw),
        )
    return text(raw)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def date_value(raw: Any, *, column: str) -> dt.date | None:
    """YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY, an Excel date cell or an Excel serial number."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return _excel_serial(raw, raw, column)
    value = str(raw).strip()
    if not value:
        return None
    if " " in value or "T" in value:  # "2024-01-02 00:00:00" from a datetime export
        value = value.replace("T", " ").split(" ", 1)[0]
    match = _ISO.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
        elif value.isdigit() and len(value) <= 5:
            return _excel_serial(int(value), raw, column)
        else:
            raise CellError(
                "date_format",
                _("%(column)s must be a date like 2024-01-31 or 31-01-2024") % {"column": column},
                raw,
            )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(
            "date_invalid", _("%(column)s is not a real date") % {"column": column}, raw
        ) from None


def _excel_serial(number: Any, raw: Any, column: str) -> dt.date:
    days = int(number)
    if not 1 <= days <= 2958465:
        raise CellError(
            "date_format",
            _("%(column)s must be a date like 2024-01-31 or 31-01-2024") % {"column": column},
            raw,
        )
    return _EXCEL_EPOCH + dt.timedelta(days=days)


def int_value(raw: Any, *, column: str, low: int, high: int) -> int | None:
    value = text(raw)
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise CellError(
            "number", _("%(column)s must be a whole number") % {"column": column}, raw
        ) from None
    if not low <= number <= high:
        raise CellError(
            "range",
            _("%(column)s must be between %(low)s and %(high)s")
            % {"column": column, "low": low, "high": high},
            raw,
        )
    return number


def key_of(raw: Any) -> str:
    """'JPT Pratama', 'jpt-pratama' -> 'jpt_pratama': choices compare loosely."""
    return "_".join(text(raw).lower().replace("-", " ").replace("/", " ").split())


def choice(raw: Any, options: Mapping[str, str], *, column: str, allowed: str) -> str:
    """A value from a closed list; `options` maps loose spellings (see key_of) to the value."""
    if type(raw) is str:
        hit = options.get(raw)  # the usual case: the value exactly as listed
        if hit is not None:
            return hit
    key = key_of(raw)
    if key in options:
        return options[key]
    raise CellError(
        "choice",
        _("%(column)s %(value)s is not one of: %(allowed)s")
        % {"column": column, "value": text(raw), "allowed": allowed},
        raw,
    )
