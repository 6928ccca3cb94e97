"""Pure rules about people: NIP / NI PPPK, golongan, names.

Sources: Perka BKN 22/2007 and 43/2007 (NIP, 18 digits); NI PPPK layout (P); SIASN reference
`golonganPns` (C). See shared/domain/RULES.md section 6.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class RuleViolation(ValueError):
    """A value that breaks a rule: a stable code and a message for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class NipInfo:
    """What a NIP says about its holder."""

    birth_date: dt.date
    appointed: dt.date  # first day of the TMT CPNS month (PNS) or of the PPPK year
    gender: str  # "L" or "P"
    sequence: int


# The NIP holds only the month of TMT CPNS; the youngest CPNS age is 18 (design heuristic, U).
MIN_APPOINTMENT_AGE = 18
PPPK_TYPES = frozenset({"PPPK", "PPPK_PW"})


def _date(year: int, month: int, day: int, code: str, what: str) -> dt.date:
    """`what` is an untranslated label (marked with gettext_noop): it is translated only when
    the date is wrong, so a valid NIP costs no gettext call (imports parse 100k NIPs)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise RuleViolation(
            code, _("the %(what)s in the NIP is not a real date") % {"what": _(what)}
        ) from None


def normalise_nip(raw: str) -> str:
    """Spaces, dots and dashes are a display convention only (Perka BKN 22/2007)."""
    return "".join(ch for ch in str(raw).strip() if ch not in " .-\u00a0")


def parse_nip(raw: str, *, asn_type: str = "PNS") -> NipInfo:
    """Validate an 18-digit NIP (PNS, CPNS) or NI PPPK and return what it encodes.

    PNS (Perka BKN 22/2007): YYYYMMDD birth date, YYYYMM TMT CPNS, gender digit 1/2, 3-digit
    sequence starting at 001. Example: 196608011988031001.
    NI PPPK (P): YYYYMMDD birth date, YYYY year of appointment, 2 digits that are *not* a month
    (agreement count or a code), gender digit, sequence. Example: 199009132025242014.
    """
    nip = normalise_nip(raw)
    # ASCII only: str.isdigit() also accepts other scripts' digits and superscripts ("²"), which
    # int() then reads (or crashes on); a NIP is written in ASCII digits.
    if not (nip.isascii() and nip.isdigit()) or len(nip) != 18:
        raise RuleViolation("nip_format", _("NIP must be exactly 18 digits"))
    birth = _date(
        int(nip[0:4]), int(nip[4:6]), int(nip[6:8]), "nip_birth_date", gettext_noop("birth date")
    )
    if not 1900 <= birth.year <= 2099:
        raise RuleViolation("nip_birth_date", _("the birth year in the NIP is out of range"))
    if asn_type in PPPK_TYPES:
        appointed = _date(int(nip[8:12]), 1, 1, "nip_tmt", gettext_noop("year of appointment"))
    else:
        month = int(nip[12:14])
        if not 1 <= month <= 12:
            raise RuleViolation("nip_tmt", _("the TMT CPNS month in the NIP must be 01-12"))
        appointed = _date(int(nip[8:12]), month, 1, "nip_tmt", gettext_noop("TMT CPNS"))
    if appointed.year < birth.year + MIN_APPOINTMENT_AGE:
        raise RuleViolation(
            "nip_tmt",
            _("the appointment year in the NIP is less than %(age)s years after the birth date")
            % {"age": MIN_APPOINTMENT_AGE},
        )
    gender_digit = nip[14]
    if gender_digit not in "12":
        raise RuleViolation("nip_gender", _("the gender digit (15th) of the NIP must be 1 or 2"))
    sequence = int(nip[15:18])
    if sequence < 1:
        raise RuleViolation("nip_sequence", _("the sequence number of the NIP starts at 001"))
    return NipInfo(birth, appointed, "L" if gender_digit == "1" else "P", sequence)


def format_nip(nip: str) -> str:
    """Display form: 19660801 198803 1 001."""
    if len(nip) != 18:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


# SIASN reference golonganPns (C): id, golongan, pangkat.
GOLONGAN_PNS: dict[str, str] = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}
_ROMAN = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
]
# PPPK golongan I-XVII (Perpres 98/2020, U): kept as a list, not validated further.
GOLONGAN_PPPK = tuple(_ROMAN)


def normalise_golongan(raw: str, *, asn_type: str) -> str:
    """Accept 'III/a', 'iii/A', 'III-a', 'IIIa' for PNS; 'IX' for PPPK. Empty stays empty."""
    value = str(raw or "").strip()
    if not value:
        return ""
    if asn_type in PPPK_TYPES:
        upper = value.upper()
        if upper in GOLONGAN_PPPK:
            return upper
        raise RuleViolation("golongan", _("PPPK golongan must be I to XVII"))
    compact = value.replace("-", "/").replace(" ", "")
    if "/" not in compact and len(compact) >= 2:
        compact = f"{compact[:-1]}/{compact[-1]}"
    head, _sep, tail = compact.partition("/")
    candidate = f"{head.upper()}/{tail.lower()}"
    if candidate in GOLONGAN_PNS:
        return candidate
    raise RuleViolation(
        "golongan", _("golongan %(value)s is not a PNS golongan (I/a to IV/e)") % {"value": value}
    )
