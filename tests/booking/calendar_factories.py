"""Bookings written through the models, expanded by the app's own recurrence rules, for
the calendar tests (they need no booking API)."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.booking import recurrence
from app.models import Organisation, User
from app.models.base import utcnow
from app.models.booking import (
    Booking,
    BookingKind,
    BookingOccurrence,
    BookingParticipant,
    BookingStatus,
)


def make_booking(
    db: Session,
    organisation: Organisation,
    organiser: User,
    participants: Sequence[User],
    *,
    starts: datetime,
    minutes: int = 60,
    rrule: str | None = None,
    title: str = "Supervision",
    status: BookingStatus = BookingStatus.confirmed,
) -> Booking:
    """A booking starting at `starts` (aware), once or as the RRULE repeats it in the
    organisation's time zone."""
    zone = ZoneInfo(organisation.time_zone)
    length = timedelta(minutes=minutes)
    series = recurrence.expand(rrule, first_start=starts, duration=length, zone=zone)
    booking = Booking(
        organisation_id=organisation.id,
        kind=BookingKind.supervision,
        title=title,
        organiser_user_id=organiser.id,
        rrule=series.rrule,
        time_zone=organisation.time_zone,
        starts_at=series.starts[0],
        duration_minutes=minutes,
        location="Room 2, Riverside Family Hub",
        video_url="https://video.example.org/room-2",
        agenda="How the home visits went this fortnight.",
    )
    db.add(booking)
    db.flush()
    db.add_all(
        BookingParticipant(booking_id=booking.id, user_id=user.id, organisation_id=organisation.id)
        for user in participants
    )
    db.add_all(
        BookingOccurrence(
            organisation_id=organisation.id,
            booking_id=booking.id,
            original_starts_at=start,
            starts_at=start,
            ends_at=start + length,
            status=status,
        )
        for start in series.starts
    )
    db.commit()
    return booking


def occurrences_of(db: Session, booking: Booking) -> list[BookingOccurrence]:
    statement = (
        select(BookingOccurrence)
        .where(BookingOccurrence.booking_id == booking.id)
        .order_by(col(BookingOccurrence.original_starts_at))
    )
    return list(db.exec(statement))


def cancel(db: Session, occurrence: BookingOccurrence) -> None:
    occurrence.status = BookingStatus.cancelled
    occurrence.cancelled_at = utcnow()
    occurrence.sequence += 1
    occurrence.updated_at = utcnow()
    db.add(occurrence)
    db.commit()


def move(db: Session, occurrence: BookingOccurrence, by: timedelta) -> None:
    occurrence.starts_at += by
    occurrence.ends_at += by
    occurrence.sequence += 1
    occurrence.updated_at = utcnow()
    db.add(occurrence)
    db.commit()


def next_year_at(month: int, day: int, hour: int, zone: str = "Europe/London") -> datetime:
    """A local time next year: always in the future, whatever today is."""
    year = utcnow().year + 1
    return datetime.combine(date(year, month, day), time(hour), tzinfo=ZoneInfo(zone))


def last_sunday(year: int, month: int) -> date:
    """The last Sunday of a month: Europe/London changes its clocks then (March, October)."""
    day = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)
