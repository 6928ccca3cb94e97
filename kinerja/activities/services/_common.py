"""Guards shared by the activities services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.activities import rules
from kinerja.activities.models import Activity
from kinerja.core.audit import audit_record
from kinerja.core.errors import Conflict, Forbidden
from kinerja.core.models import PerformanceMonth, PeriodState, PersonPeriodLock
from kinerja.people.models import Account

ACTIVITY_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "minutes",
    "description",
    "output_quantity",
    "output_unit",
    "rhk",
    "assignment",
    "is_additional_task",
    "status",
    "return_reason",
    "flags",
)

PLAUSIBILITY_MESSAGES = {
    "future_date": _lazy("Work cannot be logged for a day that has not come yet."),
    "time_range_incomplete": _lazy("Give both the start and the end time, or only a duration."),
    "end_before_start": _lazy("The end time must be after the start time."),
    "duration_required": _lazy("Give the duration or the start and end time."),
    "duration_too_long": _lazy("A log cannot be longer than a day."),
    "overlap": _lazy("This time overlaps another activity you logged on the same day."),
    "daily_total_exceeded": _lazy(
        "Your logs of this day would add up to more than the daily maximum of %(hours)s hours."
    ),
}

FLAG_LABELS = {
    "on_leave": _lazy("Logged on a day of leave"),
    "non_working_day": _lazy("Logged on a non-working day"),
    "outside_hours": _lazy("Outside working hours"),
    "reused_evidence": _lazy("Evidence also used in another log"),
}


def require_owner(actor: Account, activity: Activity) -> None:
    if actor.pegawai_id is None or actor.pegawai_id != activity.pegawai_id:
        raise Forbidden("forbidden", _("Only the employee may change their own activity log."))


def require_log_open(
    instansi_id: int, date: dt.date, today: dt.date, pegawai_id: int | None = None
) -> None:
    """The month of `date` may still be logged: before its deadline and not closed, and (for
    `pegawai_id`) the person's evaluation covering the day is not finalised."""
    if pegawai_id is not None and PersonPeriodLock.objects.filter(
        pegawai_id=pegawai_id, start_date__lte=date, end_date__gte=date
    ).exists():
        raise Conflict(
            "evaluation_final",
            _("Your evaluation covering %(date)s is finalised: its logs can no longer change.")
            % {"date": date.strftime("%d-%m-%Y")},
        )
    # One query: the month with its year (both states and the deadline setting).
    month = (
        PerformanceMonth.objects.filter(
            instansi_id=instansi_id, performance_year__year=date.year, month=date.month
        )
        .select_related("performance_year")
        .first()
    )
    if month is None:
        raise Conflict(
            "period_not_open",
            _("Performance year %(year)s has not been opened by BKPSDM yet.") % {"year": date.year},
        )
    year = month.performance_year
    month_closed = year.state == PeriodState.CLOSED or month.state == PeriodState.CLOSED
    if not rules.log_is_open(
        date=date, today=today, deadline_day=year.log_deadline_day, month_closed=month_closed
    ):
        raise Conflict(
            "period_closed",
            _("Logs of %(month)02d/%(year)s are locked (the deadline was %(deadline)s).")
            % {
                "month": date.month,
                "year": date.year,
                "deadline": rules.editable_until(date, year.log_deadline_day).strftime("%d-%m-%Y"),
            },
        )


def person_lock_exists() -> Exists:
    """A finalised evaluation covers the log's day (for filtering many logs at once)."""
    return Exists(
        PersonPeriodLock.objects.filter(
            pegawai_id=OuterRef("pegawai_id"),
            start_date__lte=OuterRef("date"),
            end_date__gte=OuterRef("date"),
        )
    )


def require_not_locked(activity: Activity) -> None:
    """Verifying or returning a log would change an evaluation that is already finalised."""
    if PersonPeriodLock.objects.filter(
        pegawai_id=activity.pegawai_id,
        start_date__lte=activity.date,
        end_date__gte=activity.date,
    ).exists():
        raise Conflict(
            "evaluation_final",
            _("The evaluation covering %(date)s is finalised: its logs can no longer change.")
            % {"date": activity.date.strftime("%d-%m-%Y")},
        )


def lock(activity: Activity, expected_version: int | None = None) -> Activity:
    activity.refresh_from_db(from_queryset=Activity.objects.select_for_update())
    if expected_version is not None and activity.version != expected_version:
        raise Conflict("stale", _("This log was changed meanwhile. Reload the page and try again."))
    return activity


def record(actor: Any, activity: Activity, action: str, changes: Any, context: Any = None) -> None:
    audit_record(
        actor=actor,
        instansi=activity.instansi_id,
        action=action,
        obj=activity,
        object_label=f"{activity.date} {activity.description[:60]}",
        changes=changes,
        context=context,
    )
