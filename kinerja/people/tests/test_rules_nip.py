"""NIP / NI PPPK and golongan rules (RULES.md 6.1-6.3): pure, no database.

Table tests from the regulation's own examples (Perka BKN 22/2007: 19660801 198803 1 001; the NI
PPPK example 199009132025242014), then hypothesis properties over the whole input space.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kinerja.people.rules import (
    GOLONGAN_PNS,
    MIN_APPOINTMENT_AGE,
    NipInfo,
    RuleViolation,
    format_nip,
    normalise_golongan,
    normalise_nip,
    parse_nip,
)

PERKA_EXAMPLE = "196608011988031001"
PPPK_EXAMPLE = "199009132025242014"


# --- the regulation's examples ------------------------------------------------------------------


def test_perka_bkn_example_reads_as_the_regulation_says():
    info = parse_nip(PERKA_EXAMPLE)
    assert info == NipInfo(
        birth_date=dt.date(1966, 8, 1), appointed=dt.date(1988, 3, 1), gender="L", sequence=1
    )


def test_ni_pppk_example_reads_birth_year_gender_and_sequence():
    info = parse_nip(PPPK_EXAMPLE, asn_type="PPPK")
    assert info == NipInfo(
        birth_date=dt.date(1990, 9, 13), appointed=dt.date(2025, 1, 1), gender="P", sequence=14
    )


def test_ni_pppk_digits_13_14_are_not_a_month():
    # "24" is no month: as a PNS NIP the same digits are refused, as PPPK they are accepted.
    with pytest.raises(RuleViolation) as exc:
        parse_nip(PPPK_EXAMPLE, asn_type="PNS")
    assert exc.value.code == "nip_tmt"
    assert parse_nip(PPPK_EXAMPLE, asn_type="PPPK_PW").sequence == 14


@pytest.mark.parametrize(
    "raw",
    [
        "19660801 198803 1 001",
        "19660801.198803.1.001",
        "19660801-198803-1-001",
        " 196608011988031001 ",
        "19660801\u00a0198803\u00a01\u00a0001",
    ],
)
def test_spaces_dots_and_dashes_are_display_only(raw):
    assert normalise_nip(raw) == PERKA_EXAMPLE
    assert parse_nip(raw).birth_date == dt.date(1966, 8, 1)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("19660801198803100", "nip_format"),  # 17 digits
        ("1966080119880310011", "nip_format"),  # 19 digits
        ("19660801198803100A", "nip_format"),  # a letter
        ("", "nip_format"),
        ("1966O8011988031001", "nip_format"),  # letter O for zero
        ("196602311988031001", "nip_birth_date"),  # 31 Feb
        ("196613011988031001", "nip_birth_date"),  # month 13 of birth
        ("196608001988031001", "nip_birth_date"),  # day 00
        ("189908011988031001", "nip_birth_date"),  # born before 1900
        ("196608011988131001", "nip_tmt"),  # TMT month 13
        ("196608011988001001", "nip_tmt"),  # TMT month 00
        ("196608011988030001", "nip_gender"),  # gender digit 0
        ("196608011988033001", "nip_gender"),  # gender digit 3
        ("196608011988031000", "nip_sequence"),  # sequence 000
        ("196608011983031001", "nip_tmt"),  # appointed at 17 (1983 < 1966 + 18)
        ("196608011960031001", "nip_tmt"),  # appointed before birth
        # Digits of other scripts pass str.isdigit(); a NIP is ASCII.
        (
            "\u0661\u0669\u0666\u0666\u0660\u0668\u0660\u0661\u0661\u0669\u0668\u0668\u0660\u0663"
            "1\u0660\u0660\u0661",
            "nip_format",
        ),
        ("19660801198803100\u00b2", "nip_format"),  # superscript two
        (
            "\uff11\uff19\uff16\uff16\uff10\uff18\uff10\uff11\uff11\uff19\uff18\uff18\uff10\uff13"
            "\uff11\uff10\uff10\uff11",
            "nip_format",
        ),  # full-width digits
    ],
)
def test_invalid_nips_are_refused_with_a_stable_code(raw, code):
    with pytest.raises(RuleViolation) as exc:
        parse_nip(raw)
    assert exc.value.code == code
    assert exc.value.message  # a message the user can act on


def test_appointment_exactly_at_the_minimum_age_year_is_accepted():
    assert parse_nip("196608011984031001").appointed == dt.date(1984, 3, 1)


def test_pppk_appointment_before_18_is_refused():
    with pytest.raises(RuleViolation) as exc:
        parse_nip("199009132005242014", asn_type="PPPK")
    assert exc.value.code == "nip_tmt"


def test_format_nip_groups_the_parts():
    assert format_nip(PERKA_EXAMPLE) == "19660801 198803 1 001"
    assert format_nip("123") == "123"  # not a NIP: shown as it is


# --- golongan -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "asn_type", "expected"),
    [
        ("III/a", "PNS", "III/a"),
        ("iii/A", "PNS", "III/a"),
        ("III-a", "PNS", "III/a"),
        ("IIIa", "PNS", "III/a"),
        ("III / a", "PNS", "III/a"),
        (" IV/e ", "CPNS", "IV/e"),
        ("i/a", "PNS", "I/a"),
        ("", "PNS", ""),
        ("ix", "PPPK", "IX"),
        ("XVII", "PPPK_PW", "XVII"),
        (" v ", "PPPK", "V"),
    ],
)
def test_golongan_is_normalised(raw, asn_type, expected):
    assert normalise_golongan(raw, asn_type=asn_type) == expected


@pytest.mark.parametrize(
    ("raw", "asn_type"),
    [
        ("IV/f", "PNS"),  # IV stops at e
        ("I/e", "PNS"),
        ("V/a", "PNS"),
        ("III", "PNS"),
        ("IX", "PNS"),  # a PPPK golongan on a PNS
        ("III/a", "PPPK"),  # a PNS golongan on a PPPK
        ("XVIII", "PPPK"),
        ("0", "PPPK"),
    ],
)
def test_unknown_golongan_is_refused(raw, asn_type):
    with pytest.raises(RuleViolation) as exc:
        normalise_golongan(raw, asn_type=asn_type)
    assert exc.value.code == "golongan"


def test_pns_golongan_table_matches_siasn_reference():
    assert len(GOLONGAN_PNS) == 17
    assert GOLONGAN_PNS["IV/d"] == "Pembina Utama Madya"
    assert GOLONGAN_PNS["II/c"] == "Pengatur"
    assert GOLONGAN_PNS["IV/c"] == "Pembina Utama Muda"


# --- properties -----------------------------------------------------------------------------

birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2080, 12, 31))


@st.composite
def nip_parts(draw):
    birth = draw(birth_dates)
    year = draw(st.integers(min_value=birth.year + MIN_APPOINTMENT_AGE, max_value=2099))
    month = draw(st.integers(min_value=1, max_value=12))
    gender = draw(st.sampled_from("12"))
    seq = draw(st.integers(min_value=1, max_value=999))
    return birth, dt.date(year, month, 1), gender, seq


@given(nip_parts())
def test_every_well_built_pns_nip_parses_back_to_its_parts(parts):
    birth, tmt, gender, seq = parts
    nip = f"{birth:%Y%m%d}{tmt:%Y%m}{gender}{seq:03d}"
    assert parse_nip(nip) == NipInfo(birth, tmt, "L" if gender == "1" else "P", seq)
    assert parse_nip(format_nip(nip)) == parse_nip(nip)


@given(nip_parts(), st.integers(min_value=0, max_value=99))
def test_every_well_built_ni_pppk_parses_back_to_its_parts(parts, code):
    birth, tmt, gender, seq = parts
    nip = f"{birth:%Y%m%d}{tmt.year}{code:02d}{gender}{seq:03d}"
    info = parse_nip(nip, asn_type="PPPK")
    assert info == NipInfo(birth, dt.date(tmt.year, 1, 1), "L" if gender == "1" else "P", seq)


def _is_18_ascii_digits(raw: str) -> bool:
    nip = normalise_nip(raw)
    return len(nip) == 18 and nip.isascii() and nip.isdigit()


@given(st.text(max_size=30))
def test_anything_that_is_not_18_digits_is_refused(raw):
    assume(not _is_18_ascii_digits(raw))
    with pytest.raises(RuleViolation) as exc:
        parse_nip(raw)
    assert exc.value.code == "nip_format"


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=18, max_size=18))
def test_unicode_digits_are_never_a_nip(raw):
    assume(not raw.isascii())
    with pytest.raises(RuleViolation):
        parse_nip(raw)


@given(st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_any_18_digits_either_parse_or_give_a_rule_violation(nip):
    # Never an uncaught ValueError/IndexError: a bad NIP is always a RuleViolation with a code.
    try:
        info = parse_nip(nip)
    except RuleViolation as exc:
        assert exc.code.startswith("nip_")
    else:
        assert info.appointed.year >= info.birth_date.year + MIN_APPOINTMENT_AGE
        assert info.gender in ("L", "P")


@given(st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_format_and_normalise_round_trip(nip):
    assert normalise_nip(format_nip(nip)) == nip
    assert format_nip(normalise_nip(format_nip(nip))) == format_nip(nip)


@given(st.sampled_from(sorted(GOLONGAN_PNS)), st.sampled_from(["", " ", "-", "/"]), st.booleans())
def test_golongan_spellings_normalise_to_the_canonical_form(golongan, separator, lower):
    head, tail = golongan.split("/")
    spelled = f"{head.lower() if lower else head}{separator}{tail.upper()}"
    assert normalise_golongan(spelled, asn_type="PNS") == golongan
