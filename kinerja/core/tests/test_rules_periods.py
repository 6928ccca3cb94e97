"""The performance calendar rules (kinerja/core/rules.py): evaluation periods and logging
deadlines, from examples and as properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.core import rules

years = st.integers(min_value=2000, max_value=2100)
months = st.integers(min_value=1, max_value=12)
deadline_days = st.integers(min_value=1, max_value=28)
frequencies = st.sampled_from([rules.MONTHLY, rules.QUARTERLY])


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        (2026, 1, 5, dt.date(2026, 2, 5)),
        (2026, 1, 28, dt.date(2026, 2, 28)),  # February has a 28th in every year
        (2024, 1, 28, dt.date(2024, 2, 28)),
        (2026, 6, 10, dt.date(2026, 7, 10)),
        (2026, 11, 1, dt.date(2026, 12, 1)),
        # December's deadline falls in January of the next year.
        (2026, 12, 5, dt.date(2027, 1, 5)),
        (2099, 12, 28, dt.date(2100, 1, 28)),
    ],
)
def test_log_deadline_is_the_day_of_the_next_month(year, month, day, expected):
    assert rules.log_deadline(year, month, day) == expected


@pytest.mark.parametrize("day", [0, 29, 30, 31, -1])
def test_log_deadline_refuses_days_outside_1_to_28(day):
    with pytest.raises(ValueError):
        rules.log_deadline(2026, 1, day)


@pytest.mark.parametrize(
    ("month", "quarter"),
    [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (8, 3), (9, 3),
     (10, 4), (11, 4), (12, 4)],
)
def test_quarter_of_each_month(month, quarter):
    period = rules.period_of_month(2026, month, rules.QUARTERLY)
    assert period.number == quarter
    assert month in period.months
    assert len(period.months) == 3


@pytest.mark.parametrize("month", range(1, 13))
def test_monthly_period_is_the_month_itself(month):
    period = rules.period_of_month(2026, month, rules.MONTHLY)
    assert (period.number, period.months) == (month, (month,))


def test_quarters_span_the_calendar_year():
    quarters = rules.evaluation_periods(2026, rules.QUARTERLY)
    assert [(q.first_day, q.last_day) for q in quarters] == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ]


@pytest.mark.parametrize(
    ("year", "month", "last"),
    [(2024, 2, 29), (2025, 2, 28), (2100, 2, 28), (2000, 2, 29), (2026, 4, 30), (2026, 12, 31)],
)
def test_month_last_day_knows_leap_years(year, month, last):
    assert rules.month_last_day(year, month) == dt.date(year, month, last)


def test_unknown_frequency_and_month_are_refused():
    with pytest.raises(ValueError):
        rules.evaluation_periods(2026, "tahunan")
    with pytest.raises(ValueError):
        rules.period_of_month(2026, 13, rules.MONTHLY)


@pytest.mark.parametrize(
    ("today", "loggable"),
    [
        (dt.date(2026, 2, 28), False),  # before the month starts
        (dt.date(2026, 3, 1), True),
        (dt.date(2026, 3, 31), True),
        (dt.date(2026, 4, 5), True),  # the deadline itself is still open
        (dt.date(2026, 4, 6), False),
    ],
)
def test_month_is_loggable_until_its_deadline(today, loggable):
    assert rules.month_is_loggable(year=2026, month=3, deadline_day=5, today=today) is loggable


# --- Properties ---------------------------------------------------------------------------


@given(year=years, frequency=frequencies)
def test_every_month_is_in_exactly_one_period(year, frequency):
    periods = rules.evaluation_periods(year, frequency)
    covered = [m for p in periods for m in p.months]
    assert sorted(covered) == list(range(1, 13))
    assert len(covered) == len(set(covered))
    assert [p.number for p in periods] == list(range(1, len(periods) + 1))


@given(year=years, month=months, frequency=frequencies)
def test_period_of_month_contains_the_month(year, month, frequency):
    period = rules.period_of_month(year, month, frequency)
    assert month in period.months
    assert period.first_day <= dt.date(year, month, 1) <= period.last_day


@given(year=years, month=months, day=deadline_days)
def test_deadline_always_falls_after_the_months_last_day(year, month, day):
    deadline = rules.log_deadline(year, month, day)
    last = rules.month_last_day(year, month)
    assert deadline > last
    # ...and within the following month.
    assert (deadline - last).days <= 28
    assert deadline.day == day


@given(year=years, month=months, day=deadline_days)
def test_the_months_days_are_all_loggable_on_the_deadline(year, month, day):
    deadline = rules.log_deadline(year, month, day)
    assert rules.month_is_loggable(year=year, month=month, deadline_day=day, today=deadline)
    assert not rules.month_is_loggable(
        year=year, month=month, deadline_day=day, today=deadline + dt.timedelta(days=1)
    )
