"""API schemas for assignments (penugasan) and their comments.

Field names are English; Indonesian domain terms (rhk, nip) and the stored state values
(ditugaskan, diterima, dikerjakan, dilaporkan, selesai, dibatalkan; priority rendah, sedang,
tinggi) stay as they are."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Schema

from kinerja.activities import rules
from kinerja.activities.models import Assignment
from kinerja.people.schemas import EmployeeRef


class RhkRef(Schema):
    id: int
    text: str


class AssignmentOut(Schema):
    """One assignee's copy of an assignment (a task given to several people is one each,
    sharing `batch`)."""

    id: int
    batch: uuid.UUID
    title: str
    description: str
    status: str = Field(
        ..., description="ditugaskan, diterima, dikerjakan, dilaporkan, selesai, dibatalkan."
    )
    priority: str = Field(..., description="rendah, sedang or tinggi.")
    progress: int = Field(..., description="Percent, 0-100, reported by the assignee.")
    due_date: dt.date
    overdue: bool = Field(
        ..., description="Still open (not yet submitted) and the due date has passed."
    )
    assigner: EmployeeRef
    assignee: EmployeeRef
    rhk: RhkRef | None = Field(None, description="The assigner's RHK the work serves.")
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_overdue(obj: Assignment) -> bool:
        # The request runs in the instansi's time zone (InstansiTimezoneMiddleware).
        return rules.is_overdue(
            status=obj.status, due_date=obj.due_date, today=timezone.localdate()
        )


class AssignmentCreateIn(Schema):
    assignee_ids: list[int] = Field(
        default_factory=list, description="Employee ids of the subordinates (or use `nips`)."
    )
    nips: list[str] = Field(default_factory=list, description="NIPs of the subordinates.")
    title: str = Field(..., max_length=200)
    description: str = ""
    rhk_id: int | None = Field(None, description="One of the caller's approved RHK, or none.")
    due_date: dt.date
    priority: Literal["rendah", "sedang", "tinggi"] = "sedang"


class AssignmentBatchOut(Schema):
    batch: uuid.UUID
    items: list[AssignmentOut]


class AssignmentFilter(Schema):
    role: Literal["received", "given", "team"] = Field(
        "received",
        description="received (given to the caller), given (by the caller), team (everyone "
        "below the caller's positions, whoever gave them).",
    )
    status: str = Field(
        "",
        description="open (not done nor cancelled), closed, or one state; empty for all.",
    )


class TransitionIn(Schema):
    action: Literal["accept", "start", "submit", "done", "reopen", "cancel"] = Field(
        ...,
        description="The assignee: accept, start, submit. The assigner: done, reopen, cancel.",
    )


class ProgressIn(Schema):
    percent: int = Field(..., ge=0, le=100)


class CommentIn(Schema):
    text: str = Field(..., max_length=4000)


class CommentOut(Schema):
    id: int
    author: EmployeeRef
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Any) -> Any:
        return obj.author
