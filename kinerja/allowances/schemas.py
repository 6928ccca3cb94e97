"""API schemas for TPP: months, lines and their explanation, OPD totals, adjustments (api_months),
presets, versions, templates and the what-if (api_presets).

Field names are English; Indonesian domain terms stay (nip, opd, kelas, golongan, pph21, bpjs).
Months are `YYYY-MM` ("2026-10"). Money is a decimal string with two places ("3920964.00"),
never a float; amounts sent (an adjustment) are strings too, read exactly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import PlainSerializer, field_validator

from kinerja.allowances.batch import Month
from kinerja.allowances.models import TppAdjustment, TppLine, TppMonth, TppPreset, TppPresetVersion

CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


# Rupiah: always a string with two places ("3920964.00"), whatever the database's sum returns.
Money = Annotated[Decimal, PlainSerializer(_money, return_type=str, when_used="always")]

MONTH_PATTERN = r"^\d{4}-\d{2}$"
MONTH_HELP = "A month, YYYY-MM (e.g. 2026-10)."


def month_label(value: dt.date | None) -> str | None:
    return None if value is None else f"{value:%Y-%m}"


def checked_month(value: str) -> str:
    """A YYYY-MM that is a real month (pydantic turns the ValueError into 422)."""
    return Month.parse(value).label


# --- References ---------------------------------------------------------------------------------


class OpdRef(Schema):
    id: int
    code: str
    name: str


class VersionRef(Schema):
    """The preset version a month was computed with."""

    id: int
    number: int
    effective_from: str = Field(..., description="The month it applies from, YYYY-MM.")
    preset_id: int
    preset_key: str
    preset_name: str

    @staticmethod
    def resolve_effective_from(obj: TppPresetVersion) -> str:
        return f"{obj.effective_from:%Y-%m}"

    @staticmethod
    def resolve_preset_key(obj: TppPresetVersion) -> str:
        return obj.preset.key

    @staticmethod
    def resolve_preset_name(obj: TppPresetVersion) -> str:
        return obj.preset.name


# --- Months -------------------------------------------------------------------------------------


class ProgressOut(Schema):
    done: int
    total: int


class MonthOut(Schema):
    period: str = Field(..., description="YYYY-MM.")
    status: str = Field(..., description="computing, computed, approved or failed.")
    version: VersionRef | None = Field(..., description="The preset version used (null before "
                                                        "the first computation).")
    people: int
    total_gross: Money
    total_net: Money
    progress: ProgressOut
    message: str = Field(..., description="Why the last computation failed, if it did.")
    results_digest: str = Field(..., description="Changes whenever any person's result does.")
    computed_at: dt.datetime | None
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_period(obj: TppMonth) -> str:
        return f"{obj.period:%Y-%m}"

    @staticmethod
    def resolve_progress(obj: TppMonth) -> dict[str, int]:
        return {"done": obj.progress_done, "total": obj.progress_total}


class MonthDetailOut(MonthOut):
    total_adjustments: Money = Field(..., description="Sum of the adjustments (after "
                                                        "approval).")
    total_paid: Money = Field(..., description="total_net + total_adjustments.")


class LineFilter(Schema):
    opd_id: int | None = Field(None, description="Only this OPD's lines.")


class LineOut(Schema):
    """One person's TPP of the month (the figures of the daftar nominatif)."""

    pegawai_id: int
    nip: str
    name: str
    opd: OpdRef | None
    jabatan_name: str
    kelas: int | None
    golongan: str
    ceiling: Money = Field(..., description="The ceiling from the components (pagu).")
    payable: Money = Field(..., description="After the performance factor, before deductions.")
    deductions: Money = Field(..., description="Discipline deductions after the cap.")
    gross: Money
    bpjs_employee: Money
    bpjs_employer: Money
    pph21: Money
    pph21_withheld: bool
    net: Money
    factor_pct: Decimal | None

    @staticmethod
    def resolve_nip(obj: TppLine) -> str:
        return obj.pegawai.nip

    @staticmethod
    def resolve_name(obj: TppLine) -> str:
        return obj.pegawai.name


class ExplanationLineOut(Schema):
    """One line of the explanation: what, by which rule, on how many days, at what percent of
    which base, for how many rupiah (a deduction is positive)."""

    code: str
    kind: str = Field(..., description="ceiling, part, factor, deduction, cap, tax or bpjs.")
    label: str
    rule: str
    days: int | None
    pct: Decimal | None
    base: Money | None
    amount: Money


class AdjustmentOut(Schema):
    id: int
    period: str
    pegawai_id: int
    nip: str
    name: str
    amount: Money = Field(..., description="Plus or minus rupiah.")
    reason: str
    created_at: dt.datetime
    created_by: str | None

    @staticmethod
    def resolve_period(obj: TppAdjustment) -> str:
        return f"{obj.month.period:%Y-%m}"

    @staticmethod
    def resolve_nip(obj: TppAdjustment) -> str:
        return obj.pegawai.nip

    @staticmethod
    def resolve_name(obj: TppAdjustment) -> str:
        return obj.pegawai.name

    @staticmethod
    def resolve_created_by(obj: TppAdjustment) -> str | None:
        account = obj.created_by
        return None if account is None else (account.display_name or account.username)


class ExplanationOut(Schema):
    period: str
    status: str = Field(..., description="The month's status.")
    line: LineOut
    lines: list[ExplanationLineOut]
    inputs: dict[str, Any] = Field(..., description="The counts the lines came from (working "
                                                    "days, band days, absences, leave, "
                                                    "sanctions, predikat...).")
    version: VersionRef | None
    sources: dict[str, Any] = Field(..., description="The preset's legal sources per rule.")
    adjustments: list[AdjustmentOut]
    total_adjustments: Money
    paid: Money = Field(..., description="net + adjustments.")


class OwnLineOut(Schema):
    """One month of the caller's own TPP."""

    period: str
    status: str = Field(..., description="The month's status.")
    kelas: int | None
    jabatan_name: str
    ceiling: Money
    payable: Money
    deductions: Money
    gross: Money
    bpjs_employee: Money
    pph21: Money
    net: Money
    adjustments: Money
    paid: Money

    @staticmethod
    def resolve_period(obj: TppLine) -> str:
        return f"{obj.month.period:%Y-%m}"

    @staticmethod
    def resolve_status(obj: TppLine) -> str:
        return obj.month.status

    @staticmethod
    def resolve_adjustments(obj: TppLine) -> Decimal:
        return getattr(obj, "adjustment_sum", None) or Decimal("0.00")

    @staticmethod
    def resolve_paid(obj: TppLine) -> Decimal:
        return obj.net + (getattr(obj, "adjustment_sum", None) or Decimal("0.00"))


class OpdTotalOut(Schema):
    opd: OpdRef | None
    people: int
    ceiling: Money
    gross: Money
    deductions: Money
    bpjs_employee: Money
    pph21: Money
    net: Money
    adjustments: Money
    paid: Money


class TotalsOut(Schema):
    people: int
    ceiling: Money
    gross: Money
    deductions: Money
    bpjs_employee: Money
    pph21: Money
    net: Money
    adjustments: Money
    paid: Money


class OpdTotalsOut(Schema):
    period: str
    status: str
    opds: list[OpdTotalOut]
    total: TotalsOut


class AdjustmentIn(Schema):
    nip: str = Field(..., max_length=18)
    amount: str = Field(..., max_length=30, description='Rupiah as a decimal string, '
                                                        'e.g. "150000" or "-25000.50".')
    reason: str = Field(..., max_length=4000)


# --- Presets ------------------------------------------------------------------------------------


class VersionOut(Schema):
    number: int
    effective_from: str = Field(..., description="YYYY-MM.")
    note: str
    created_at: dt.datetime
    created_by: str | None

    @staticmethod
    def resolve_effective_from(obj: TppPresetVersion) -> str:
        return f"{obj.effective_from:%Y-%m}"

    @staticmethod
    def resolve_created_by(obj: TppPresetVersion) -> str | None:
        account = obj.created_by
        return None if account is None else (account.display_name or account.username)


class VersionDetailOut(VersionOut):
    preset_id: int
    params: dict[str, Any]


class PresetOut(Schema):
    id: int
    key: str
    name: str
    legal_reference: str
    template: str
    is_active: bool
    created_at: dt.datetime
    latest_version: int | None

    @staticmethod
    def resolve_latest_version(obj: TppPreset) -> int | None:
        # From the prefetched versions (selectors.presets_of): no query per preset.
        numbers = [v.number for v in obj.versions.all()]
        return max(numbers) if numbers else None


class PresetDetailOut(PresetOut):
    versions: list[VersionOut] = Field(..., description="Newest first.")

    @staticmethod
    def resolve_versions(obj: TppPreset) -> list[TppPresetVersion]:
        return sorted(obj.versions.all(), key=lambda v: -v.number)


class PresetInstallIn(Schema):
    template: str = Field(..., description="A key from GET /tpp/templates.")
    activate: bool = False
    effective_from: str | None = Field(None, pattern=MONTH_PATTERN,
                                       description=MONTH_HELP + " Default: January this year.")
    name: str = Field("", max_length=200)

    @field_validator("effective_from")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        return None if value is None else checked_month(value)


class PresetVersionIn(Schema):
    params: dict[str, Any] = Field(..., description="The whole parameter set (as in GET "
                                                    ".../versions/{number}).")
    effective_from: str = Field(..., pattern=MONTH_PATTERN, description=MONTH_HELP)
    note: str = Field("", max_length=4000)

    @field_validator("effective_from")
    @classmethod
    def _month(cls, value: str) -> str:
        return checked_month(value)


class TemplateOut(Schema):
    key: str
    name: str
    legal_reference: str
    params: dict[str, Any]


# --- What-if ------------------------------------------------------------------------------------


class WhatIfIn(Schema):
    period: str = Field(..., pattern=MONTH_PATTERN,
                        description=MONTH_HELP + " A month already computed.")
    params: dict[str, Any] | None = Field(None, description="Preset parameters to try.")
    preset_id: int | None = Field(None, description="Or a preset of the instansi...")
    version: int | None = Field(None, description="...and its version number (default: the "
                                                  "latest).")
    only_changed: bool = Field(False, description="List only the people whose pay changes.")

    @field_validator("period")
    @classmethod
    def _month(cls, value: str) -> str:
        return checked_month(value)


class WhatIfOpdOut(Schema):
    opd_id: int | None
    name: str
    people: int
    before: Money
    after: Money
    diff: Money


class WhatIfPersonOut(Schema):
    pegawai_id: int
    nip: str
    name: str
    opd_id: int | None
    before: Money = Field(..., description="Net as computed and stored.")
    after: Money = Field(..., description="Net with the parameters tried.")
    diff: Money


class WhatIfOut(Schema):
    period: str
    version: VersionRef | None = Field(..., description="The version the month was computed "
                                                        "with.")
    people_changed: int
    total_before: Money
    total_after: Money
    total_diff: Money
    by_opd: list[WhatIfOpdOut]
    people: list[WhatIfPersonOut]
