"""The checks a booking's parts pass before anything is written: each refusal is a 422
naming its field (or a 409 for an occurrence that is over), so a request that fails
leaves nothing half-written."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.access import Member
from app.access import recordings as recording_access
from app.booking import recurrence
from app.errors import Conflict, Unprocessable, naming_field
from app.models import BookingOccurrence, BookingStatus, Membership, Recording

MAX_LENGTH = timedelta(hours=24)
# Far enough either way for any real diary, and inside what every zone can convert.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
OPEN = (BookingStatus.proposed, BookingStatus.confirmed)


def invalid(field: str, message: str, *, code: str = "invalid", **extra: Any) -> Unprocessable:
    """A 422 naming the field, in the shape of a validation error."""
    return naming_field(Unprocessable, field, message, code=code, **extra)


def check_moment(field: str, value: datetime) -> None:
    """A moment a booking may start or end at: aware, on a whole minute, in range (so
    that converting it to any zone, or adding a day, cannot overflow)."""
    if value.tzinfo is None:
        raise invalid(field, "give the offset from UTC, e.g. 2027-03-01T10:00:00+00:00.")
    if not EARLIEST <= value < LATEST:
        raise invalid(field, "must be in the years 2000 to 2099.")
    if value.second or value.microsecond:
        raise invalid(field, "must be on a whole minute.")


def check_times(starts_at: datetime, ends_at: datetime) -> timedelta:
    """The length of a booking from `starts_at` to `ends_at`, once both make sense."""
    check_moment("starts_at", starts_at)
    check_moment("ends_at", ends_at)
    if ends_at == starts_at:
        raise invalid("ends_at", "a booking cannot be zero-length.", code="invalid_times")
    if ends_at < starts_at:
        raise invalid("ends_at", "must be after starts_at.", code="invalid_times")
    if ends_at - starts_at > MAX_LENGTH:
        raise invalid("ends_at", "a booking lasts at most 24 hours.", code="invalid_times")
    return ends_at - starts_at


def check_participants(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    organiser_user_id: uuid.UUID,
    user_ids: Sequence[uuid.UUID],
) -> list[uuid.UUID]:
    """The participants, each once and without the organiser; 422 naming any who is not
    a member of this organisation (unknown and other organisations' people alike)."""
    wanted = list(dict.fromkeys(uid for uid in user_ids if uid != organiser_user_id))
    statement = select(Membership.user_id).where(
        col(Membership.organisation_id) == organisation_id, col(Membership.user_id).in_(wanted)
    )
    members = set(db.exec(statement))
    unknown = [str(uid) for uid in wanted if uid not in members]
    if unknown:
        raise invalid(
            "participant_user_ids",
            f"not members of this organisation: {', '.join(unknown)}.",
            code="unknown_participants",
            unknown_user_ids=unknown,
        )
    return wanted


def check_recordings(
    db: Session, *, member: Member, recording_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """The recordings, each once; 422 naming any this member may not see."""
    wanted = list(dict.fromkeys(recording_ids))
    statement = select(Recording.id).where(
        col(Recording.organisation_id) == member.organisation_id,
        col(Recording.id).in_(wanted),
        recording_access.details_rule(member),
    )
    seen = set(db.exec(statement))
    unknown = [str(rid) for rid in wanted if rid not in seen]
    if unknown:
        raise invalid(
            "recording_ids",
            f"no recording you may see has these ids: {', '.join(unknown)}.",
            code="unknown_recordings",
        )
    return wanted


def expand(
    rrule: str | None, *, first_start: datetime, duration: timedelta, time_zone: str
) -> recurrence.Series:
    """The series' occurrence starts, or 422 naming rrule."""
    zone = ZoneInfo(time_zone)
    try:
        return recurrence.expand(rrule, first_start=first_start, duration=duration, zone=zone)
    except recurrence.RecurrenceError as error:
        raise invalid("rrule", str(error), code="invalid_rrule") from None


def require_to_come(occurrence: BookingOccurrence, now: datetime, change: str) -> None:
    """Refuses (409) a change to an occurrence that is over or has started."""
    if occurrence.status not in OPEN:
        raise Conflict(
            f"This occurrence is {occurrence.status}: it cannot be {change}.",
            code="occurrence_not_open",
        )
    if occurrence.starts_at <= now:
        raise Conflict(
            f"This occurrence has started: it cannot be {change}; mark it completed or a "
            "no-show instead.",
            code="occurrence_started",
        )
