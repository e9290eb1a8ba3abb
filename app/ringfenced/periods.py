"""How an allocation's minutes spread over the days of a range (pure, no database). The
range itself, its days in the organisation's zone and their bounds: app/reports/period.py."""

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta

ALLOCATION_SCALE = math.lcm(7, 28, 29, 30, 31)
"""Allocated minutes are summed as whole multiples of 1/ALLOCATION_SCALE of a minute:
a weekly allocation gives minutes/7 a day and a monthly one minutes/(days in that month),
and every such share is a whole number of these units, so the sum is exact on both
databases and rounded once, at the end."""

WEEK_DAY_UNITS = ALLOCATION_SCALE // 7
"""Units of one day of a weekly allocation, per allocated minute."""


@dataclass(frozen=True)
class MonthPart:
    """The days of a range that fall in one calendar month, and what one day of a
    monthly allocation is worth there (in 1/ALLOCATION_SCALE of a minute per minute)."""

    first: date
    last: date
    day_units: int


def month_parts(first: date, last: date) -> list[MonthPart]:
    """The range cut at month ends: one part per calendar month it touches."""
    parts = []
    start = first
    while start <= last:
        days_in_month = calendar.monthrange(start.year, start.month)[1]
        end = min(last, start.replace(day=days_in_month))
        parts.append(MonthPart(start, end, ALLOCATION_SCALE // days_in_month))
        start = end + timedelta(days=1)
    return parts
