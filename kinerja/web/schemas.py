"""API schemas for the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class AuditFilter(Schema):
    action: str = Field("", description='Exact action, e.g. "pegawai.update".')
    object_type: str = Field("", description='e.g. "people.pegawai".')
    object_id: str = ""
    actor: str = Field("", description="Account id, or the actor's NIP (username).")
    since: dt.datetime | None = Field(None, description="From this moment (or date) on.")
    until: dt.datetime | None = Field(
        None, description="Up to this moment; a bare date includes the whole day."
    )


class AuditOut(Schema):
    seq: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    changes: dict[str, Any]
    context: dict[str, Any]
    prev_hash: str
    hash: str


class AuditVerifyOut(Schema):
    instansi: str = Field(..., description="The instansi code whose chain was checked.")
    checked: int
    ok: bool
    problems: list[str]
