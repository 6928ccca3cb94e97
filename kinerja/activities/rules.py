"""Pure rules of daily work: plausibility of a log, the logging deadline, evidence types, and
the workflows of logs and assignments.

Sources: PermenPANRB 6/2022 (pendokumentasian kinerja, bukti dukung); BKN e-Kinerja's Progres
Harian fields (RULES.md 7.2: date, start and end time, activity, realisation, unit, evidence);
the Pemda's own policy (ActivityPolicy: daily maximum, working hours and days). The checks
themselves (no future dates, no overlapping time, a daily maximum) are ours: what a supervisor
would call implausible, refused or flagged rather than silently accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kinerja.core.rules import log_deadline

# --- Plausibility ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    max_daily_minutes: int = 600
    work_start: dt.time = dt.time(7, 30)
    work_end: dt.time = dt.time(16, 0)
    work_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO weekdays


@dataclass(frozen=True)
class LogTime:
    """When a log says the work happened: a time range, or only a duration."""

    date: dt.date
    start: dt.time | None
    end: dt.time | None
    minutes: int


def minutes_between(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def duration_of(start: dt.time | None, end: dt.time | None, minutes: int | None) -> int | None:
    """The minutes a log counts: the range when both ends are given, else the duration."""
    if start is not None and end is not None:
        return minutes_between(start, end)
    return minutes


def _overlaps(a: LogTime, b: LogTime) -> bool:
    if None in (a.start, a.end, b.start, b.end):
        return False
    assert a.start and a.end and b.start and b.end
    return a.start < b.end and b.start < a.end


@dataclass(frozen=True)
class Plausibility:
    errors: tuple[str, ...]
    flags: tuple[str, ...]


def check_log(
    entry: LogTime,
    *,
    same_day: Sequence[LogTime],
    policy: Policy,
    today: dt.date,
    on_leave: bool,
) -> Plausibility:
    """Refusals (errors) and things for the supervisor to look at (flags) for one log, given
    the person's other logs of the same day.

    Errors: a future date; an end not after the start; a range on one side only; no duration;
    a time range overlapping another log; the day's total above the policy's maximum.
    Flags: logged on a day of leave; a time range outside working hours or a log on a
    non-working day.
    """
    errors: list[str] = []
    flags: list[str] = []
    if entry.date > today:
        errors.append("future_date")
    if (entry.start is None) != (entry.end is None):
        errors.append("time_range_incomplete")
    elif entry.start is not None and entry.end is not None and entry.end <= entry.start:
        errors.append("end_before_start")
    if entry.minutes <= 0:
        errors.append("duration_required")
    elif entry.minutes > 24 * 60:
        errors.append("duration_too_long")
    if any(_overlaps(entry, other) for other in same_day):
        errors.append("overlap")
    total = entry.minutes + sum(other.minutes for other in same_day)
    if entry.minutes > 0 and total > policy.max_daily_minutes:
        errors.append("daily_total_exceeded")
    if on_leave:
        flags.append("on_leave")
    if entry.date.isoweekday() not in policy.work_days:
        flags.append("non_working_day")
    elif (
        entry.start is not None
        and entry.end is not None
        and (entry.start < policy.work_start or entry.end > policy.work_end)
    ):
        flags.append("outside_hours")
    return Plausibility(tuple(errors), tuple(flags))


# --- Deadline -------------------------------------------------------------------------------


def editable_until(date: dt.date, deadline_day: int) -> dt.date:
    """The last day a log of `date` may be written or changed: the performance year's logging
    deadline of that month (core.rules.log_deadline: day N of the next month)."""
    return log_deadline(date.year, date.month, deadline_day)


def log_is_open(*, date: dt.date, today: dt.date, deadline_day: int, month_closed: bool) -> bool:
    return not month_closed and today <= editable_until(date, deadline_day)


# --- Evidence -------------------------------------------------------------------------------

# Accepted evidence, by the type its content shows (not its file name).
EVIDENCE_TYPES: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
}
REENCODED_IMAGES = frozenset({"image/jpeg", "image/png", "image/webp"})


def evidence_problem(*, content_type: str | None, size: int, max_bytes: int) -> str | None:
    if size == 0:
        return "evidence_empty"
    if size > max_bytes:
        return "evidence_too_large"
    if content_type not in EVIDENCE_TYPES:
        return "evidence_type"
    return None


# --- Workflows ------------------------------------------------------------------------------

DRAFT, SUBMITTED, VERIFIED, RETURNED = "draft", "diajukan", "diverifikasi", "dikembalikan"

LOG_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({DRAFT, RETURNED}), SUBMITTED),
    "verify": (frozenset({SUBMITTED}), VERIFIED),
    "return": (frozenset({SUBMITTED}), RETURNED),
}


def log_next(status: str, action: str) -> str | None:
    sources, target = LOG_TRANSITIONS[action]
    return target if status in sources else None


def log_editable(status: str) -> bool:
    return status in (DRAFT, RETURNED)


ASSIGNED, ACCEPTED, IN_PROGRESS, A_SUBMITTED, DONE, CANCELLED = (
    "ditugaskan",
    "diterima",
    "dikerjakan",
    "dilaporkan",
    "selesai",
    "dibatalkan",
)
OPEN_ASSIGNMENT = frozenset({ASSIGNED, ACCEPTED, IN_PROGRESS})

# action -> (who, states it may start from, state it leads to)
ASSIGNMENT_TRANSITIONS: dict[str, tuple[str, frozenset[str], str]] = {
    "accept": ("assignee", frozenset({ASSIGNED}), ACCEPTED),
    "start": ("assignee", frozenset({ASSIGNED, ACCEPTED}), IN_PROGRESS),
    "submit": ("assignee", frozenset({ACCEPTED, IN_PROGRESS}), A_SUBMITTED),
    "done": ("assigner", frozenset({A_SUBMITTED}), DONE),
    "reopen": ("assigner", frozenset({A_SUBMITTED}), IN_PROGRESS),
    "cancel": ("assigner", OPEN_ASSIGNMENT | {A_SUBMITTED}, CANCELLED),
}


def assignment_next(status: str, action: str, *, role: str) -> str | None:
    """The state after `action` by `role` ("assignee" or "assigner"), or None if not allowed."""
    who, sources, target = ASSIGNMENT_TRANSITIONS[action]
    return target if who == role and status in sources else None


def is_overdue(*, status: str, due_date: dt.date, today: dt.date) -> bool:
    return status in OPEN_ASSIGNMENT and due_date < today


def due_soon(*, status: str, due_date: dt.date, today: dt.date, days: int = 2) -> bool:
    return status in OPEN_ASSIGNMENT and today <= due_date <= today + dt.timedelta(days=days)
