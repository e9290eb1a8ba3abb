"""A coach's free slots, and a practitioner booking one of them in one request.

The slots are cut by app/booking/slots.py from what the coach publishes and what is
already booked; "now" is a parameter, so the clock is the caller's. Services flush,
never commit.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.access import Member
from app.access.availability import CoachAccess
from app.audit.context import AuditContext
from app.booking import clashes, service
from app.booking.availability import availability_of, refuse
from app.booking.availability_schemas import SelfBookingCreate, SlotRead
from app.booking.slots import (
    Availability,
    Interval,
    Limits,
    Taken,
    candidate_slots,
    earliest_start,
    free_slots,
    local_span,
    week_span,
)
from app.config import Settings
from app.errors import Conflict, naming_field
from app.models import Booking, BookingKind, BookingOccurrence, BookingParticipant, BookingStatus

MAX_RANGE_DAYS = 56
DEFAULT_RANGE_DAYS = 14
# Sessions that take a place under the coach's per-day and per-week limits.
COUNTED = (BookingStatus.confirmed, BookingStatus.completed)


def list_free_slots(
    db: Session, *, coach: Member, first: date | None, last: date | None, now: datetime
) -> list[SlotRead]:
    """The coach's free slots from `first` to `last` (local dates, inclusive; by default
    two weeks from today), in order."""
    first, last = _checked_range(first or now.astimezone(coach_zone(coach)).date(), last)
    availability = availability_of(db, coach, first=first, last=last)
    taken = taken_from(db, coach, first=first, last=last, availability=availability)
    slots = free_slots(availability, taken, first=first, last=last, now=now)
    return [_slot_read(slot, availability) for slot in slots]


def _checked_range(first: date, last: date | None) -> tuple[date, date]:
    """The range asked for, or 422 naming every problem: each date within the years a
    booking may take, `to` not before `from`, at most MAX_RANGE_DAYS days."""
    earliest, latest = service.EARLIEST.date(), service.LATEST.date()
    problems = [
        (field, "must be in the years 2000 to 2099")
        for field, day in (("from", first), ("to", last))
        if day is not None and not earliest <= day < latest
    ]
    refuse(problems)
    last = last or first + timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if last < first:
        refuse([("to", "must not be before from")])
    if (last - first).days >= MAX_RANGE_DAYS:
        refuse([("to", f"the range may span at most {MAX_RANGE_DAYS} days")])
    return first, last


def _slot_read(slot: Interval, availability: Availability) -> SlotRead:
    return SlotRead(
        starts_at=slot.start,
        ends_at=slot.end,
        local_starts_at=slot.start.astimezone(availability.zone),
        local_ends_at=slot.end.astimezone(availability.zone),
    )


def taken_from(
    db: Session, coach: Member, *, first: date, last: date, availability: Availability
) -> Taken:
    """What is booked for the coach around these days: busy time, and the sessions of the
    weeks they touch (for the weekly limit)."""
    days = local_span(first, last, availability.zone)
    busy = clashes.busy_intervals(db, coach.organisation_id, coach.user_id, days.start, days.end)
    weeks = local_span(*week_span(first, last), availability.zone)
    return Taken(
        busy=[Interval(start, end) for start, end in busy],
        counted_starts=_coaching_starts(db, coach, weeks),
    )


def _coaching_starts(db: Session, coach: Member, span: Interval) -> list[datetime]:
    """Starts of the coaching sessions the coach organises or takes part in."""
    taking_part = select(col(BookingParticipant.booking_id)).where(
        col(BookingParticipant.user_id) == coach.user_id
    )
    statement = (
        select(BookingOccurrence.starts_at)
        .join(Booking, col(Booking.id) == col(BookingOccurrence.booking_id))
        .where(
            col(BookingOccurrence.organisation_id) == coach.organisation_id,
            col(BookingOccurrence.status).in_(COUNTED),
            col(BookingOccurrence.starts_at) >= span.start,
            col(BookingOccurrence.starts_at) < span.end,
            col(Booking.kind) == BookingKind.coaching,
            or_(
                col(Booking.organiser_user_id) == coach.user_id,
                col(Booking.id).in_(taking_part),
            ),
        )
    )
    return list(db.exec(statement))


def book_slot(
    db: Session,
    *,
    access: CoachAccess,
    body: SelfBookingCreate,
    now: datetime,
    context: AuditContext,
    settings: Settings | None = None,
) -> Booking:
    """Book the free slot starting at `body.starts_at` for the calling practitioner with
    the coach: a confirmed coaching session the coach organises, or 409 naming why not."""
    if not service.EARLIEST <= body.starts_at < service.LATEST:
        raise service.invalid("starts_at", "must be in the years 2000 to 2099.")
    coach, practitioner = access.coach, access.member
    # Both people are locked before anything is read, in the order booking itself locks
    # them: a second request for the coach waits, then sees this one's session.
    clashes.lock_people(db, [coach.user_id, practitioner.user_id])
    day = body.starts_at.astimezone(coach_zone(coach)).date()
    availability = availability_of(db, coach, first=day, last=day)
    slot = _slot_starting(availability, day, body.starts_at)
    if slot.start < earliest_start(availability.rules, now):
        raise naming_field(
            Conflict,
            "starts_at",
            f"slots must be booked at least {availability.rules.min_notice_hours} hours "
            "ahead: choose a later one.",
            code="too_late_to_book",
        )
    taken = taken_from(db, coach, first=day, last=day, availability=availability)
    if Limits.of(availability, taken).reached(slot):
        raise naming_field(
            Conflict,
            "starts_at",
            "the coach has as many sessions as they take on that day or in that week: "
            "choose another week or day.",
            code="booking_limit_reached",
        )
    return service.create_booking(
        db,
        organisation=coach.organisation,
        organiser_user_id=coach.user_id,
        kind=BookingKind.coaching,
        title=body.title,
        starts_at=slot.start,
        ends_at=slot.end,
        participant_user_ids=[practitioner.user_id],
        agenda=body.agenda,
        self_booked=True,
        status=BookingStatus.confirmed,
        context=context,
        settings=settings,
        reader=practitioner,
    )


def coach_zone(coach: Member) -> ZoneInfo:
    return ZoneInfo(coach.organisation.time_zone)


def _slot_starting(availability: Availability, day: date, starts_at: datetime) -> Interval:
    for slot in candidate_slots(availability, day):
        if slot.start == starts_at:
            return slot
    raise naming_field(
        Conflict,
        "starts_at",
        "the coach has no slot starting then; choose one of their free slots.",
        code="slot_unavailable",
    )
