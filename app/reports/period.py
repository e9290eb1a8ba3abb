"""The days a report covers, in the organisation's time zone, and the instants that bound
them (pure, no database)."""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.errors import Unprocessable, naming_field

MAX_RANGE_DAYS = 731
"""A report covers at most two years (any two calendar years, leap day included)."""

EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
"""The days a report may cover: well inside what every zone's midnights can be written as."""

DEFAULT_MONTHS = 12
"""Without `from`, a trend report covers this many calendar months up to `to`."""


@dataclass(frozen=True)
class DateRange:
    """Days `first` to `last`, both included, in the organisation's time zone."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def starts_at(self) -> datetime:
        """The instant the first day begins (local midnight, whatever the offset)."""
        return local_midnight(self.first, self.zone)

    @property
    def ends_at(self) -> datetime:
        """The instant after the last day (the next local midnight): a day of a clock
        change is 23 or 25 hours long, and belongs to the range whole."""
        return local_midnight(self.last + timedelta(days=1), self.zone)

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant `day` begins in `zone` (UTC)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The organisation's calendar day an instant falls on."""
    return instant.astimezone(zone).date()


def today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return local_date(now or datetime.now(UTC), zone)


def month_range(first: date | None, last: date | None, zone: ZoneInfo) -> DateRange:
    """The days asked for, or 422 naming the wrong end. A missing end is filled from the
    other's month; with neither, the range is this month (the time report's default)."""
    if first is None:
        first = (last or today(zone)).replace(day=1)
    if last is None:
        last = month_end(first)
    return checked_range(first, last, zone)


def trend_range(first: date | None, last: date | None, zone: ZoneInfo) -> DateRange:
    """The days asked for, or 422. Without `to`, up to today; without `from`, the
    DEFAULT_MONTHS calendar months that end with `to`'s month (a year of monthly trend)."""
    if last is None:
        last = today(zone) if first is None else max(first, today(zone))
    if first is None:
        first = months_before(last.replace(day=1), DEFAULT_MONTHS - 1)
    return checked_range(first, last, zone)


def checked_range(first: date, last: date, zone: ZoneInfo) -> DateRange:
    check_days(first, last)
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise naming_field(
            Unprocessable,
            "to",
            f"a report covers at most {MAX_RANGE_DAYS} days.",
            code="period_too_long",
        )
    return DateRange(first, last, zone)


def check_days(first: date | None, last: date | None) -> None:
    """Each day given within EARLIEST to LATEST and `to` not before `from`, or 422 naming
    the wrong end. Either may be left out: a list narrowed by days may be open-ended."""
    for name, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise naming_field(
                Unprocessable,
                name,
                f"must be a day from {EARLIEST.isoformat()} to {LATEST.isoformat()}.",
                code="invalid_period",
            )
    if first is not None and last is not None and last < first:
        raise naming_field(Unprocessable, "to", "must not be before from.", code="invalid_period")


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_before(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
