"""The instansi's policy for daily logs: set by admin BKPSDM, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.activities.models import ActivityPolicy
from kinerja.core.audit import audit_record, diff, snapshot
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.people.access import scope_for
from kinerja.people.models import Account

POLICY_FIELDS = (
    "max_daily_minutes",
    "work_start",
    "work_end",
    "work_days",
    "verify_indirect",
    "verification_wait_days",
    "evidence_max_mb",
    "keep_photo_location",
)


def _validate(values: dict[str, Any]) -> None:
    minutes = values["max_daily_minutes"]
    if not 60 <= minutes <= 1440:
        raise ApplicationError(
            "invalid_maximum", _("The daily maximum must be between 60 and 1440 minutes.")
        )
    start, end = values["work_start"], values["work_end"]
    if not (isinstance(start, dt.time) and isinstance(end, dt.time) and start < end):
        raise ApplicationError("invalid_hours", _("Working hours must end after they start."))
    days = values["work_days"]
    if not days or any(d not in "1234567" for d in days) or len(set(days)) != len(days):
        raise ApplicationError(
            "invalid_days", _("Working days are ISO weekday numbers, 1 (Monday) to 7 (Sunday).")
        )
    if not 1 <= values["verification_wait_days"] <= 60:
        raise ApplicationError(
            "invalid_wait", _("The verification limit must be between 1 and 60 days.")
        )
    if not 1 <= values["evidence_max_mb"] <= 50:
        raise ApplicationError(
            "invalid_size", _("The evidence size limit must be between 1 and 50 MB.")
        )


@transaction.atomic
def activity_policy_save(*, actor: Account, instansi_id: int, **values: Any) -> ActivityPolicy:
    scope = scope_for(actor)
    if scope.instansi_id != instansi_id or not scope.writes_whole_instansi:
        raise Forbidden("forbidden", _("Only BKPSDM administrators change the activity policy."))
    policy = ActivityPolicy.objects.select_for_update().filter(
        instansi_id=instansi_id
    ).first() or ActivityPolicy(instansi_id=instansi_id)
    before = snapshot(policy, POLICY_FIELDS) if policy.pk and not policy._state.adding else None
    merged = {name: values.get(name, getattr(policy, name)) for name in POLICY_FIELDS}
    merged["work_days"] = "".join(sorted(str(merged["work_days"])))
    _validate(merged)
    for name, value in merged.items():
        setattr(policy, name, value)
    policy.save()
    changes = diff(before, snapshot(policy, POLICY_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            instansi=instansi_id,
            action="activity_policy.update",
            obj=policy,
            object_label=_("Activity policy"),
            changes=changes,
        )
    return policy
