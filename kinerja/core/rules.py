"""Pure rules of the performance calendar: evaluation periods and logging deadlines.

Sources: PermenPANRB 6/2022 (periodic and annual evaluation); SIASN reference `periodik`
(1 bulanan, 2 triwulan), shared/domain/RULES.md 1.6. The logging deadline is the Pemda's own
setting (the day of the next month until which a month may be logged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MONTHLY = "bulanan"
QUARTERLY = "triwulan"

ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class EvaluationPeriod:
    """One periodic evaluation: its number in the year and the months it covers."""

    year: int
    number: int
    months: tuple[int, ...]

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.months[0], 1)

    @property
    def last_day(self) -> dt.date:
        return month_last_day(self.year, self.months[-1])


def month_last_day(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def evaluation_periods(year: int, frequency: str) -> list[EvaluationPeriod]:
    """The periodic evaluations of a year: twelve months, or four quarters (Triwulan I-IV)."""
    if frequency == MONTHLY:
        return [EvaluationPeriod(year, m, (m,)) for m in range(1, 13)]
    if frequency == QUARTERLY:
        return [EvaluationPeriod(year, q, tuple(range(3 * q - 2, 3 * q + 1))) for q in range(1, 5)]
    raise ValueError(f"unknown evaluation frequency {frequency!r}")


def period_of_month(year: int, month: int, frequency: str) -> EvaluationPeriod:
    """The periodic evaluation a month belongs to."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12")
    return next(p for p in evaluation_periods(year, frequency) if month in p.months)


def log_deadline(year: int, month: int, deadline_day: int) -> dt.date:
    """The last day activities of `month` may be logged: `deadline_day` of the next month
    (December's falls in January of the next year). Days above 28 are refused so that the
    deadline exists in February."""
    if not 1 <= deadline_day <= 28:
        raise ValueError("the logging deadline is a day from 1 to 28")
    if month == 12:
        return dt.date(year + 1, 1, deadline_day)
    return dt.date(year, month + 1, deadline_day)


def month_is_loggable(*, year: int, month: int, deadline_day: int, today: dt.date) -> bool:
    """A month may be logged from its first day until its deadline (inclusive)."""
    return dt.date(year, month, 1) <= today <= log_deadline(year, month, deadline_day)
