"""A booking's series: its RRULE checked, bounded and expanded into occurrence starts.

The rule is expanded by python-dateutil on naive wall-clock times of the organisation's
zone, and each start is placed in the zone afterwards with zoneinfo: fortnightly
supervision at 10:00 stays at 10:00 across the daylight-saving changes (09:00 UTC in
summer, 10:00 UTC in winter in Europe/London). A wall-clock time that a spring change
skips (01:30 on the last Sunday of March in London) moves forward by the gap, as
zoneinfo places it.

A series is bounded: COUNT or UNTIL, at most `MAX_OCCURRENCES` occurrences, the last
starting at most `MAX_SPAN` after the first. The rule is stored canonical: upper case,
without "RRULE:", with UNTIL in UTC (RFC 5545 asks that of a DTSTART with a time zone).
An UNTIL without "Z" is a wall-clock time of the zone; a date alone counts its whole day.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

MAX_OCCURRENCES = 200
MAX_SPAN = relativedelta(years=2)
FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
# One RRULE value: parts NAME=VALUE joined by ";", nothing else (no DTSTART, no lines).
RULE_TEXT = re.compile(r"[A-Z]+=[A-Z0-9,+\-]+(;[A-Z]+=[A-Z0-9,+\-]+)*")
UTC_FORMAT = "%Y%m%dT%H%M%SZ"


class RecurrenceError(ValueError):
    """The RRULE cannot make a bounded series starting at the booking's start."""


@dataclass(frozen=True)
class Series:
    rrule: str | None  # canonical, or None for a single booking
    starts: list[datetime]  # each occurrence's start, timezone-aware UTC, in order


def expand(
    value: str | None, *, first_start: datetime, duration: timedelta, zone: ZoneInfo
) -> Series:
    """The occurrence starts of a booking beginning at `first_start` (aware) and lasting
    `duration`, repeating by the RRULE value `value` (None: once) in `zone`."""
    if value is None:
        return Series(None, [first_start.astimezone(UTC)])
    parts = _parts(value)
    local_start = first_start.astimezone(zone).replace(tzinfo=None)
    until = _local_until(parts.pop("UNTIL", None), zone)
    try:
        rule = rrulestr(_joined(parts), dtstart=local_start)
        assert isinstance(rule, rrule)  # one RRULE value (checked above), never a set
        if until is not None:
            rule = rule.replace(until=until)
        starts = list(islice(rule, MAX_OCCURRENCES + 1))
    except (ValueError, OverflowError) as error:
        raise RecurrenceError(f"not a valid RRULE ({error}).") from None
    _check_bounds(starts, local_start)
    in_utc = [_in_utc(start, zone) for start in starts]
    if any(later - earlier < duration for earlier, later in pairwise(in_utc)):
        raise RecurrenceError("its occurrences would overlap one another.")
    if until is not None:
        parts["UNTIL"] = _in_utc(until, zone).strftime(UTC_FORMAT)
    return Series(_joined(parts), in_utc)


def truncated(value: str, *, before: datetime) -> str:
    """The rule ending just before `before` (a UTC start): the earlier part of a split."""
    parts = _parts(value)
    parts.pop("COUNT", None)
    parts["UNTIL"] = (before.astimezone(UTC) - timedelta(seconds=1)).strftime(UTC_FORMAT)
    return _joined(parts)


def remainder(value: str, *, taken: int) -> str:
    """The rule for what is left of a series once its first `taken` occurrences went to an
    earlier part: a COUNT shrinks by them, an UNTIL stays."""
    parts = _parts(value)
    if "COUNT" in parts:
        parts["COUNT"] = str(int(parts["COUNT"]) - taken)
    return _joined(parts)


def _parts(value: str) -> dict[str, str]:
    text = value.strip().upper().removeprefix("RRULE:")
    if "DTSTART" in text:
        raise RecurrenceError("must not contain DTSTART: the series starts at starts_at.")
    if not RULE_TEXT.fullmatch(text):
        raise RecurrenceError("must be one RRULE value, e.g. FREQ=WEEKLY;INTERVAL=2;COUNT=12.")
    parts = dict(part.split("=", 1) for part in text.split(";"))
    if parts.get("FREQ") not in FREQUENCIES:
        raise RecurrenceError(f"FREQ must be one of {', '.join(sorted(FREQUENCIES))}.")
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise RecurrenceError("must end: give COUNT or UNTIL (one of them).")
    count = parts.get("COUNT", "1")
    if not count.isdigit() or not 1 <= int(count) <= MAX_OCCURRENCES:
        raise RecurrenceError(f"COUNT must be from 1 to {MAX_OCCURRENCES}.")
    return parts


def _joined(parts: dict[str, str]) -> str:
    return ";".join(f"{name}={value}" for name, value in parts.items())


def _local_until(value: str | None, zone: ZoneInfo) -> datetime | None:
    """UNTIL as a naive wall-clock time of the zone, the way the expansion reads it."""
    if value is None:
        return None
    try:
        until = isoparse(value)
        if until.tzinfo is not None:
            return until.astimezone(zone).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise RecurrenceError(f"UNTIL {value} is not a date or date-time.") from None
    # A date alone bounds the series inclusively: the whole of that day.
    return datetime.combine(until.date(), time.max) if "T" not in value else until


def _check_bounds(starts: list[datetime], local_start: datetime) -> None:
    if not starts or starts[0] != local_start:
        raise RecurrenceError("its first occurrence must fall at starts_at.")
    if len(starts) > MAX_OCCURRENCES:
        raise RecurrenceError(f"a series has at most {MAX_OCCURRENCES} occurrences.")
    if starts[-1] > local_start + MAX_SPAN:
        raise RecurrenceError("a series spans at most two years from its first occurrence.")


def _in_utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC)
