"""Free slots: a coach's weekly windows and exceptions cut into slots, minus what is taken.

Pure: the service hands in the coach's availability, the sessions already booked and the
clock. A day's open hours are wall-clock times in the organisation's zone (weekly
windows, minus time away, plus extra hours); each is read on its date with zoneinfo, so a
window of 09:00-12:00 stays 09:00-12:00 on the local clock whatever the offset that day.
Slots are then stepped in real time from the window's start, so no slot starts at a time
that does not exist and none is offered twice. On a change day a wall-clock time the clock
skips (01:30 in London on the last Sunday of March) is read as it would be before the
change (PEP 495 fold=0: 01:30 GMT, shown as 02:30 BST), a time it repeats (01:30 on the
last Sunday of October) as its first occurrence (BST), and a window the change leaves
empty or reversed offers nothing.
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.models import AvailabilityException, AvailabilityWindow, CoachBookingRules

WallHours = tuple[time, time]


@dataclass(frozen=True)
class Interval:
    """From `start` to `end`, timezone-aware, end excluded."""

    start: datetime
    end: datetime

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Availability:
    """What a coach publishes, read in the organisation's zone."""

    zone: ZoneInfo
    windows: Sequence[AvailabilityWindow]
    exceptions: Sequence[AvailabilityException]
    rules: CoachBookingRules


@dataclass(frozen=True)
class Taken:
    """The coach's time already spoken for: confirmed sessions widened by the coach's
    buffer on both sides (busy), and the starts of the sessions that count towards the
    per-day and per-week limits."""

    busy: Sequence[Interval]
    counted_starts: Sequence[datetime]


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def open_hours(availability: Availability, day: date) -> list[WallHours]:
    """The day's open hours on the local clock, sorted and merged: the weekly windows
    (none when away all day) and any extra hours, less the hours away."""
    exceptions = [item for item in availability.exceptions if item.on_date == day]
    timed = [(item.available, _hours(item)) for item in exceptions]
    away_all_day = any(not available and hours is None for available, hours in timed)
    weekly = [
        (window.start_time, window.end_time)
        for window in availability.windows
        if not away_all_day and _applies(window, day)
    ]
    open_ = weekly + [hours for available, hours in timed if available and hours]
    for available, hours in timed:
        if not available and hours:
            open_ = _without(open_, hours)
    return _merged(open_)


def _hours(exception: AvailabilityException) -> WallHours | None:
    if exception.start_time is None or exception.end_time is None:
        return None
    return exception.start_time, exception.end_time


def _applies(window: AvailabilityWindow, day: date) -> bool:
    return (
        window.weekday == day.weekday()
        and (window.valid_from is None or window.valid_from <= day)
        and (window.valid_until is None or day <= window.valid_until)
    )


def _without(hours: Iterable[WallHours], away: WallHours) -> list[WallHours]:
    kept = []
    for start, end in hours:
        if start < away[0]:
            kept.append((start, min(end, away[0])))
        if away[1] < end:
            kept.append((max(start, away[1]), end))
    return kept


def _merged(hours: Iterable[WallHours]) -> list[WallHours]:
    merged: list[WallHours] = []
    for start, end in sorted(hours):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def candidate_slots(availability: Availability, day: date) -> list[Interval]:
    """Every slot the open hours of `day` hold, in UTC, before anything is taken. Slots
    follow each other with the coach's buffer between them, so that booking any of them
    leaves the others free."""
    rules = availability.rules
    length = timedelta(minutes=rules.slot_minutes)
    step = length + timedelta(minutes=rules.buffer_minutes)
    slots = []
    for start_time, end_time in open_hours(availability, day):
        start = _instant(day, start_time, availability.zone)
        end = _instant(day, end_time, availability.zone)
        while start + length <= end:
            slots.append(Interval(start, start + length))
            start += step
    return slots


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    # fold=0 (the default) settles skipped and repeated times as the module docstring says.
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Limits:
    """Sessions counted per local day and per ISO week, against the coach's limits."""

    zone: ZoneInfo
    rules: CoachBookingRules
    per_day: Counter[date]
    per_week: Counter[tuple[int, int]]

    @classmethod
    def of(cls, availability: Availability, taken: Taken) -> "Limits":
        local_days = [start.astimezone(availability.zone).date() for start in taken.counted_starts]
        weeks = Counter(_week(day) for day in local_days)
        return cls(availability.zone, availability.rules, Counter(local_days), weeks)

    def reached(self, slot: Interval) -> bool:
        day = slot.start.astimezone(self.zone).date()
        daily, weekly = self.rules.max_per_day, self.rules.max_per_week
        return (daily is not None and self.per_day[day] >= daily) or (
            weekly is not None and self.per_week[_week(day)] >= weekly
        )


def _week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def earliest_start(rules: CoachBookingRules, now: datetime) -> datetime:
    return now + timedelta(hours=rules.min_notice_hours)


def is_busy(taken: Taken, slot: Interval) -> bool:
    return any(slot.overlaps(busy) for busy in taken.busy)


def free_slots(
    availability: Availability, taken: Taken, *, first: date, last: date, now: datetime
) -> list[Interval]:
    """Slots from `first` to `last` (local dates, inclusive) that may be booked at `now`."""
    earliest = earliest_start(availability.rules, now)
    limits = Limits.of(availability, taken)
    return [
        slot
        for day in days(first, last)
        for slot in candidate_slots(availability, day)
        if slot.start >= earliest and not limits.reached(slot) and not is_busy(taken, slot)
    ]


def week_span(first: date, last: date) -> tuple[date, date]:
    """The Monday of `first`'s week and the Sunday of `last`'s: what the weekly limit reads."""
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def local_span(first: date, last: date, zone: ZoneInfo) -> Interval:
    """From the start of `first` to the end of `last` on the local clock, in UTC."""
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return Interval(start, end)
