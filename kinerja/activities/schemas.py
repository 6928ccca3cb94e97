"""API schemas for activity logs, their evidence and verification.

Field names are English; Indonesian domain terms (rhk, nip) stay as they are. Statuses are the
stored values: draft, diajukan, diverifikasi, dikembalikan. The output quantity is a decimal
with two places, read as a number or a string and answered as a string ("5.00").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from kinerja.activities.models import Activity, ActivityStatus, Evidence, EvidenceKind
from kinerja.activities.services import FLAG_LABELS
from kinerja.people.schemas import EmployeeRef

CENT = Decimal("0.01")
MAX_BULK = 1000


class ActivityIn(Schema):
    """A log: when (a time range, or only `minutes`), what was done, the output, and what it
    serves (`rhk_id` of the caller's approved SKP, `assignment_id`, or `is_additional_task`)."""

    date: dt.date
    start_time: dt.time | None = Field(None, description="HH:MM; give it with end_time.")
    end_time: dt.time | None = None
    minutes: int | None = Field(None, ge=1, le=1440, description="Without a time range.")
    description: str = Field(..., max_length=4000)
    output_quantity: Decimal = Field(Decimal(1), max_digits=12, decimal_places=2)
    output_unit: str = Field(..., max_length=60)
    rhk_id: int | None = None
    assignment_id: int | None = None
    is_additional_task: bool = False
    version: int | None = Field(
        None, description="On update: the version you last read; 409 `stale` when it changed."
    )


class VersionIn(Schema):
    version: int | None = None


class ActivityReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class LinkIn(Schema):
    url: str = Field(..., max_length=500)


class BulkVerifyIn(Schema):
    ids: list[int] = Field(..., max_length=MAX_BULK, description=f"At most {MAX_BULK}.")


class BulkVerifyOut(Schema):
    verified: list[int]
    refused: list[int] = Field(
        ..., description="Ids not verified: not submitted, not yours to verify, or missing."
    )


class ActivityFilter(Schema):
    nip: str = Field("", description="Someone in your scope; your own logs when left out.")
    month: str = Field("", pattern=r"^(\d{4}-\d{2})?$", description="YYYY-MM.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: ActivityStatus | None = None


class QueueFilter(Schema):
    nip: str = ""
    flagged: bool = Field(False, description="Only logs with flags for the supervisor.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class RhkRef(Schema):
    id: int
    text: str


class AssignmentRef(Schema):
    id: int
    title: str


class EvidenceOut(Schema):
    id: int
    kind: EvidenceKind
    original_name: str
    content_type: str
    size: int
    sha256: str
    url: str = Field(..., description="A link's address (kind `link`).")
    file_url: str | None = Field(
        None, description="Where to download a file (kind `file`): GET, in the caller's scope."
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_file_url(obj: Evidence) -> str | None:
        if obj.kind != EvidenceKind.FILE:
            return None
        return reverse("api:evidence_file", kwargs={"evidence_id": obj.pk})


class FlagOut(Schema):
    code: str
    label: str


class ActivityOut(Schema):
    id: int
    pegawai: EmployeeRef
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    minutes: int
    description: str
    output_quantity: Decimal
    output_unit: str
    rhk: RhkRef | None
    assignment: AssignmentRef | None
    is_additional_task: bool
    status: ActivityStatus
    return_reason: str
    flags: list[FlagOut] = Field(
        ...,
        description="For the supervisor: on_leave, non_working_day, outside_hours, "
        "reused_evidence.",
    )
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None
    verified_by: EmployeeRef | None
    version: int
    evidence: list[EvidenceOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_output_quantity(obj: Activity) -> Decimal:
        return Decimal(obj.output_quantity).quantize(CENT)

    @staticmethod
    def resolve_flags(obj: Activity) -> list[dict[str, Any]]:
        return [
            {"code": code, "label": str(FLAG_LABELS.get(code, code))} for code in obj.flags or []
        ]

    @staticmethod
    def resolve_evidence(obj: Activity) -> list[Evidence]:
        return list(obj.evidence.all())
