"""API schemas for SKPs and their parts (RHK, indicators, monthly targets, perilaku, lampiran),
the workflow, the editor's link choices and the team's SKP status.

Field names are English; Indonesian domain terms (skp, rhk, iku, aspek, perspektif, perilaku,
lampiran, penilai, nip) stay as they are. Decimal targets are read as numbers or strings and
answered as strings ("12.00"), so no precision is lost on the way (ninja's JSON encoder).
Every write to an SKP's part answers `skp_version`: the SKP's version after the change, to send
as `version` with the next write (optimistic locking; 409 `stale` when it moved meanwhile).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from kinerja.people.schemas import EmployeeRef, OpdRef, PositionBrief, UnitRef, position_brief
from kinerja.plans import rules
from kinerja.plans.models import (
    Aspek,
    Indicator,
    Intervention,
    Lampiran,
    LampiranKind,
    PerilakuExpectation,
    Rhk,
    RhkKind,
    Skp,
    SkpApproach,
    SkpStatus,
    TargetKind,
)
from kinerja.plans.selectors import SubordinateSkp


def _amount() -> Any:
    return Field(None, max_digits=18, decimal_places=2, description="A number or a string.")


def _version() -> Any:
    return Field(
        None, description="The SKP version you last read; 409 `stale` when it changed since."
    )



CENT = Decimal("0.01")


def cents(value: Decimal | None) -> Decimal | None:
    """Targets as stored (two decimals), the same before and after a round trip: "12.00"."""
    return None if value is None else Decimal(value).quantize(CENT)


# --- SKP ------------------------------------------------------------------------------------


class SkpPositionRef(Schema):
    id: int
    code: str
    name: str
    jenis: str


class SkpOut(Schema):
    """An SKP as listed: whose, which position and year, where it stands in the workflow."""

    id: int
    year: int
    status: str = Field(..., description="draft, diajukan, disetujui, dikembalikan, ditutup.")
    form: str = Field(..., description="jpt or non_jpt.")
    approach: str = Field(..., description="kuantitatif or kualitatif.")
    source: str = Field(..., description="kinerja (written here) or bkn (mirrored, read-only).")
    version: int
    start_date: dt.date
    end_date: dt.date
    pegawai: EmployeeRef
    position: SkpPositionRef
    opd: OpdRef
    return_note: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_position(obj: Skp) -> Any:
        return obj.jabatan


class PenilaiOut(Schema):
    nip: str
    name: str
    full_name: str
    position: SkpPositionRef | None


class MonthlyOut(Schema):
    month: int
    target: Decimal | None
    action: str

    @staticmethod
    def resolve_target(obj: Any) -> Decimal | None:
        return cents(obj.target)


class IndicatorOut(Schema):
    id: int
    rhk_id: int
    aspek: str = Field(..., description="kuantitas, kualitas, waktu or biaya.")
    text: str
    target_kind: str = Field(..., description="angka, rentang or kualitatif.")
    target_min: Decimal | None = Field(None, description="The number, or a range's low end.")
    target_max: Decimal | None = Field(None, description="A range's high end.")
    target_text: str
    unit: str
    order: int
    monthly: list[MonthlyOut] = Field(..., description="Rencana aksi: target per month.")
    skp_version: int

    @staticmethod
    def resolve_target_min(obj: Indicator) -> Decimal | None:
        return cents(obj.target_min)

    @staticmethod
    def resolve_target_max(obj: Indicator) -> Decimal | None:
        return cents(obj.target_max)

    @staticmethod
    def resolve_monthly(obj: Indicator) -> Any:
        return list(obj.monthly.all())

    @staticmethod
    def resolve_skp_version(obj: Indicator) -> int:
        return obj.rhk.skp.version


class RhkLinkOut(Schema):
    """The supervisor's RHK an RHK serves (intervensi)."""

    id: int
    text: str
    skp_id: int
    owner: EmployeeRef

    @staticmethod
    def resolve_owner(obj: Rhk) -> Any:
        return obj.skp.pegawai


class IkuRef(Schema):
    id: int
    code: str
    indicator: str


class RhkOut(Schema):
    id: int
    skp_id: int
    kind: str = Field(..., description="utama or tambahan.")
    text: str
    perspektif: str = Field(..., description="JPT only; empty otherwise.")
    intervention: str = Field(..., description="langsung or tidak_langsung, with a parent.")
    order: int
    parent: RhkLinkOut | None = Field(None, description="The supervisor's RHK it serves.")
    iku: IkuRef | None = Field(None, description="For an OPD head: the IKU it hangs from.")
    indicators: list[IndicatorOut]
    skp_version: int

    @staticmethod
    def resolve_indicators(obj: Rhk) -> Any:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_skp_version(obj: Rhk) -> int:
        return obj.skp.version


class PerilakuOut(Schema):
    value: str = Field(..., description="BerAKHLAK key: BO, AK, KO, HA, LO, AD, KL.")
    name: str
    guides: list[str] = Field(..., description="The three panduan perilaku of the value.")
    expectation: str = Field(..., description="Ekspektasi khusus pimpinan.")

    @staticmethod
    def resolve_name(obj: PerilakuExpectation) -> str:
        return rules.BERAKHLAK.get(obj.value, obj.value)

    @staticmethod
    def resolve_guides(obj: PerilakuExpectation) -> list[str]:
        return rules.guides_of(obj.value) if obj.value in rules.BERAKHLAK else []


class LampiranOut(Schema):
    id: int
    skp_id: int
    kind: str = Field(
        ..., description="dukungan_sumber_daya, skema_pertanggungjawaban or konsekuensi."
    )
    text: str
    order: int
    skp_version: int

    @staticmethod
    def resolve_skp_version(obj: Lampiran) -> int:
        return obj.skp.version


class SkpDetailOut(SkpOut):
    """The whole SKP: RHK with indicators and monthly targets, perilaku, lampiran, penilai."""

    unit: UnitRef | None
    penilai: PenilaiOut | None = Field(
        None, description="The pejabat penilai resolved at the last submission or approval."
    )
    copied_from_id: int | None
    rhk: list[RhkOut]
    perilaku: list[PerilakuOut]
    lampiran: list[LampiranOut]

    @staticmethod
    def resolve_unit(obj: Skp) -> Any:
        return obj.jabatan.unit

    @staticmethod
    def resolve_penilai(obj: Skp) -> dict[str, Any] | None:
        if obj.penilai is None:
            return None
        return {
            "nip": obj.penilai.nip, "name": obj.penilai.name, "full_name": obj.penilai.full_name,
            "position": obj.penilai_jabatan,
        }

    @staticmethod
    def resolve_rhk(obj: Skp) -> Any:
        return list(obj.rhk.all())

    @staticmethod
    def resolve_perilaku(obj: Skp) -> Any:
        order = list(rules.BERAKHLAK)
        return sorted(
            obj.perilaku.all(),
            key=lambda p: order.index(p.value) if p.value in order else len(order),
        )

    @staticmethod
    def resolve_lampiran(obj: Skp) -> Any:
        return list(obj.lampiran.all())


class SkpFilter(Schema):
    year: int | None = None
    status: SkpStatus | None = None
    nip: str = Field("", description="Only this employee's SKPs.")


class SkpCreateIn(Schema):
    year: int = Field(..., ge=2000, le=2100)


class SkpUpdateIn(Schema):
    approach: SkpApproach
    version: int | None = _version()


class VersionIn(Schema):
    version: int | None = _version()


class ReturnIn(VersionIn):
    note: str = Field(..., description="What the employee should change.")


class ReviseIn(VersionIn):
    reason: str = ""


class HistoryOut(Schema):
    seq: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str = Field(..., description='e.g. "skp.submit", "rhk.update".')
    changes: dict[str, Any] = Field(..., description="{field: [before, after]}.")
    context: dict[str, Any]


class ProblemOut(Schema):
    code: str
    message: str
    rhk_id: int | None = Field(None, description="The RHK to fix, when the problem is in one.")


class ProblemsOut(Schema):
    submittable: bool
    problems: list[ProblemOut]


# --- Parts ----------------------------------------------------------------------------------


class RhkIn(Schema):
    kind: RhkKind = RhkKind.UTAMA
    text: str
    perspektif: str = Field("", description="JPT only: penerima_layanan, proses_bisnis, ...")
    parent_id: int | None = Field(None, description="The supervisor's approved RHK it serves.")
    iku_id: int | None = Field(None, description="For an OPD head: the IKU it hangs from.")
    intervention: Intervention | None = None
    order: int | None = Field(None, ge=0, le=32767)
    version: int | None = _version()


class IndicatorIn(Schema):
    aspek: Aspek = Aspek.KUANTITAS
    text: str
    target_kind: TargetKind = TargetKind.NUMERIC
    target_min: Decimal | None = _amount()
    target_max: Decimal | None = _amount()
    target_text: str = ""
    unit: str = Field("", max_length=60)
    order: int | None = Field(None, ge=0, le=32767)
    version: int | None = _version()


class PerilakuIn(Schema):
    expectations: dict[str, str] = Field(
        ..., description='Per BerAKHLAK key, e.g. {"BO": "...", "AK": "..."}.'
    )
    version: int | None = _version()


class PerilakuListOut(Schema):
    skp_version: int
    perilaku: list[PerilakuOut]


class LampiranIn(Schema):
    kind: LampiranKind
    text: str
    version: int | None = _version()


class LinkRhkOut(Schema):
    id: int
    skp_id: int
    kind: str
    text: str


class SasaranRef(Schema):
    id: int
    code: str
    text: str


class IkuChoiceOut(Schema):
    id: int
    code: str
    indicator: str
    unit: str
    annual_target: Decimal
    sasaran: SasaranRef


class LinkChoicesOut(Schema):
    is_opd_head: bool = Field(..., description="True: RHK utama hang from an IKU.")
    supervisor: EmployeeRef | None = Field(None, description="The pejabat penilai today.")
    supervisor_skp_id: int | None
    rhk: list[LinkRhkOut] = Field(..., description="The supervisor's approved RHK this year.")
    iku: list[IkuChoiceOut] = Field(..., description="The OPD's IKU this year (OPD head only).")


# --- Monthly plan, copy, hand down, team ----------------------------------------------------


class MonthIn(Schema):
    month: int = Field(..., ge=1, le=12)
    target: Decimal | None = _amount()
    action: str = ""


class MonthlyIn(Schema):
    months: list[MonthIn] = Field(..., max_length=12)


class MonthlyListOut(Schema):
    indicator_id: int
    skp_version: int
    months: list[MonthlyOut]


class CopyIn(Schema):
    year: int = Field(..., ge=2000, le=2100, description="The year of the new SKP.")


class HandDownIn(Schema):
    pegawai_ids: list[int] = Field(default_factory=list, max_length=500)
    nips: list[str] = Field(default_factory=list, max_length=500)
    text: str = Field("", description="The subordinates' RHK text; the RHK's own when empty.")
    intervention: Intervention = Intervention.DIRECT


class HandDownResultOut(Schema):
    pegawai_id: int | None
    nip: str | None
    rhk_id: int | None = Field(None, description="The RHK created in their SKP.")
    code: str = Field(
        ...,
        description="created, not_direct_subordinate, skp_not_editable, skp_mirrored, "
        "no_position.",
    )
    message: str


class HandDownOut(Schema):
    created: int
    results: list[HandDownResultOut]


class SkpBrief(Schema):
    id: int
    year: int
    status: str
    version: int
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None


class TeamSkpOut(Schema):
    nip: str
    name: str
    full_name: str
    position: PositionBrief
    direct: bool = Field(..., description="True when the caller is their pejabat penilai.")
    skp: SkpBrief | None = Field(None, description="Their SKP of the year; null: none yet.")

    @staticmethod
    def resolve_nip(obj: SubordinateSkp) -> str:
        return obj.pegawai.nip

    @staticmethod
    def resolve_name(obj: SubordinateSkp) -> str:
        return obj.pegawai.name

    @staticmethod
    def resolve_full_name(obj: SubordinateSkp) -> str:
        return obj.pegawai.full_name

    @staticmethod
    def resolve_position(obj: SubordinateSkp) -> dict[str, Any]:
        return position_brief(obj.jabatan)


class TeamFilter(Schema):
    year: int | None = Field(None, description="This year when left out.")
