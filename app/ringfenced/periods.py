"""Days in the organisation's time zone, the instants that bound them, and how an
allocation's minutes spread over the days of a range (pure, no database)."""

import calendar
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.errors import Unprocessable

MAX_RANGE_DAYS = 731
"""A report covers at most two years (any two calendar years, leap day included)."""

EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
"""The days a report may cover: well inside what every zone's midnights can be written as."""

ALLOCATION_SCALE = math.lcm(7, 28, 29, 30, 31)
"""Allocated minutes are summed as whole multiples of 1/ALLOCATION_SCALE of a minute:
a weekly allocation gives minutes/7 a day and a monthly one minutes/(days in that month),
and every such share is a whole number of these units, so the sum is exact on both
databases and rounded once, at the end."""

WEEK_DAY_UNITS = ALLOCATION_SCALE // 7
"""Units of one day of a weekly allocation, per allocated minute."""


@dataclass(frozen=True)
class DateRange:
    """Days `first` to `last`, both included, in the organisation's time zone."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def starts_at(self) -> datetime:
        """The instant the first day begins (local midnight, whatever the offset)."""
        return _midnight(self.first, self.zone)

    @property
    def ends_at(self) -> datetime:
        """The instant after the last day (the next local midnight): a day of a clock
        change is 23 or 25 hours long, and belongs to the range whole."""
        return _midnight(self.last + timedelta(days=1), self.zone)

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at


@dataclass(frozen=True)
class MonthPart:
    """The days of a range that fall in one calendar month, and what one day of a
    monthly allocation is worth there (in 1/ALLOCATION_SCALE of a minute per minute)."""

    first: date
    last: date
    day_units: int


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The organisation's calendar day an instant falls on."""
    return instant.astimezone(zone).date()


def today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return local_date(now or datetime.now(UTC), zone)


def report_range(first: date | None, last: date | None, zone: ZoneInfo) -> DateRange:
    """The days asked for, or 422 naming the wrong end. A missing end is filled from the
    other's month; with neither, the range is this month."""
    if first is None:
        first = (last or today(zone)).replace(day=1)
    if last is None:
        last = _month_end(first)
    for name, day in (("from", first), ("to", last)):
        if not EARLIEST <= day <= LATEST:
            raise Unprocessable(
                f"{name}: must be a day from {EARLIEST.isoformat()} to {LATEST.isoformat()}.",
                code="invalid_period",
            )
    if last < first:
        raise Unprocessable("to: must not be before from.", code="invalid_period")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise Unprocessable(
            f"to: a report covers at most {MAX_RANGE_DAYS} days.", code="period_too_long"
        )
    return DateRange(first, last, zone)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


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
