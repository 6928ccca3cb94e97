"""Daily-work rules: plausibility table tests plus properties, deadlines, workflows, evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.activities import rules
from kinerja.activities.rules import LogTime, Policy

MONDAY = dt.date(2026, 11, 16)
T = dt.time


def entry(start=None, end=None, minutes=None, date=MONDAY):
    counted = rules.duration_of(start, end, minutes)
    return LogTime(date, start, end, counted or 0)


@pytest.mark.parametrize(
    ("log", "same_day", "errors", "flags"),
    [
        (entry(T(8), T(9)), [], (), ()),
        (entry(minutes=90), [], (), ()),
        (entry(T(9), T(8)), [], ("end_before_start", "duration_required"), ()),
        (entry(T(8), None, 30), [], ("time_range_incomplete",), ()),
        (entry(), [], ("duration_required",), ()),
        (entry(T(8), T(10)), [entry(T(9), T(11))], ("overlap",), ()),
        (entry(T(8), T(9)), [entry(T(9), T(10))], (), ()),  # touching is not overlapping
        (entry(minutes=60), [entry(T(8), T(17, 30))], ("daily_total_exceeded",), ()),
        (entry(T(6), T(7)), [], (), ("outside_hours",)),
        (entry(T(15), T(17)), [], (), ("outside_hours",)),
        (entry(T(9), T(10), date=MONDAY + dt.timedelta(days=5)), [], (), ("non_working_day",)),
        (entry(T(9), T(10), date=MONDAY + dt.timedelta(days=7)), [], ("future_date",), ()),
    ],
)
def test_check_log(log, same_day, errors, flags):
    result = rules.check_log(log, same_day=same_day, policy=Policy(max_daily_minutes=600),
                             today=MONDAY + dt.timedelta(days=6), on_leave=False)
    assert result.errors == errors
    assert result.flags == flags


def test_leave_is_a_flag_not_an_error():
    result = rules.check_log(entry(T(9), T(10)), same_day=[], policy=Policy(), today=MONDAY,
                             on_leave=True)
    assert result.errors == () and result.flags == ("on_leave",)


times = st.builds(lambda m: T(m // 60, m % 60), st.integers(min_value=0, max_value=23 * 60))


@given(st.lists(st.tuples(times, st.integers(min_value=1, max_value=240)), max_size=8),
       times, st.integers(min_value=1, max_value=240))
def test_accepted_logs_never_overlap_and_stay_under_the_maximum(existing, start, length):
    """Whatever the day already holds, a log check_log accepts neither overlaps it nor takes
    the day over the maximum."""
    def span(s: dt.time, n: int) -> LogTime:
        end_minute = min(s.hour * 60 + s.minute + n, 23 * 60 + 59)
        end = T(end_minute // 60, end_minute % 60)
        return entry(s, end) if end > s else entry(minutes=n)

    day = [span(s, n) for s, n in existing]
    candidate = span(start, length)
    policy = Policy(max_daily_minutes=480)
    result = rules.check_log(candidate, same_day=day, policy=policy, today=MONDAY, on_leave=False)
    if not result.errors:
        assert candidate.minutes + sum(d.minutes for d in day) <= 480
        for other in day:
            if None not in (other.start, other.end, candidate.start, candidate.end):
                assert not (candidate.start < other.end and other.start < candidate.end)


@pytest.mark.parametrize(
    ("date", "deadline_day", "until"),
    [
        (dt.date(2026, 1, 31), 5, dt.date(2026, 2, 5)),
        (dt.date(2026, 12, 15), 5, dt.date(2027, 1, 5)),
        (dt.date(2026, 2, 1), 28, dt.date(2026, 3, 28)),
    ],
)
def test_editable_until(date, deadline_day, until):
    assert rules.editable_until(date, deadline_day) == until


def test_log_open_until_deadline_and_never_when_closed():
    date = dt.date(2026, 10, 20)
    assert rules.log_is_open(date=date, today=dt.date(2026, 11, 5), deadline_day=5,
                             month_closed=False)
    assert not rules.log_is_open(date=date, today=dt.date(2026, 11, 6), deadline_day=5,
                                 month_closed=False)
    assert not rules.log_is_open(date=date, today=dt.date(2026, 10, 21), deadline_day=5,
                                 month_closed=True)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
       st.integers(min_value=1, max_value=28))
def test_deadline_is_always_after_the_month(date, day):
    until = rules.editable_until(date, day)
    assert until > date and (until.year, until.month) > (date.year, date.month)


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [("draft", "submit", "diajukan"), ("dikembalikan", "submit", "diajukan"),
     ("diajukan", "verify", "diverifikasi"), ("diajukan", "return", "dikembalikan"),
     ("diverifikasi", "return", None), ("draft", "verify", None), ("diverifikasi", "submit", None)],
)
def test_log_transitions(status, action, after):
    assert rules.log_next(status, action) == after


@pytest.mark.parametrize(
    ("status", "action", "role", "after"),
    [
        ("ditugaskan", "accept", "assignee", "diterima"),
        ("ditugaskan", "accept", "assigner", None),
        ("diterima", "start", "assignee", "dikerjakan"),
        ("dikerjakan", "submit", "assignee", "dilaporkan"),
        ("dilaporkan", "done", "assigner", "selesai"),
        ("dilaporkan", "done", "assignee", None),
        ("dilaporkan", "reopen", "assigner", "dikerjakan"),
        ("dikerjakan", "cancel", "assigner", "dibatalkan"),
        ("selesai", "cancel", "assigner", None),
    ],
)
def test_assignment_transitions(status, action, role, after):
    assert rules.assignment_next(status, action, role=role) == after


def test_overdue_and_due_soon():
    today = dt.date(2026, 11, 20)
    assert rules.is_overdue(status="dikerjakan", due_date=dt.date(2026, 11, 19), today=today)
    assert not rules.is_overdue(status="selesai", due_date=dt.date(2026, 11, 1), today=today)
    assert not rules.is_overdue(status="dikerjakan", due_date=today, today=today)
    assert rules.due_soon(status="diterima", due_date=dt.date(2026, 11, 22), today=today)
    assert not rules.due_soon(status="diterima", due_date=dt.date(2026, 11, 23), today=today)


@pytest.mark.parametrize(
    ("content_type", "size", "problem"),
    [("image/jpeg", 1000, None), ("application/pdf", 5 * 1024 * 1024, None),
     ("application/pdf", 5 * 1024 * 1024 + 1, "evidence_too_large"),
     ("text/html", 10, "evidence_type"), (None, 10, "evidence_type"),
     ("image/png", 0, "evidence_empty")],
)
def test_evidence_problem(content_type, size, problem):
    assert rules.evidence_problem(content_type=content_type, size=size,
                                  max_bytes=5 * 1024 * 1024) == problem
