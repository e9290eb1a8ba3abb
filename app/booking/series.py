"""A series expanded anew or split in two, for changes to a whole series or to the rest
of it (app/booking/changes.py).

Expanded anew, an occurrence keeps a cancellation by its place in the series (the third
occurrence stays cancelled); the rows themselves are replaced. Split, the earlier part
keeps its rows and its RRULE ends just before the split (UNTIL); the later part is a new
booking whose RRULE counts on from there (a COUNT shrinks by what stayed behind).
"""

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.access import Member
from app.booking import clashes, recurrence
from app.booking.checks import OPEN, check_times, expand
from app.models import Booking, BookingOccurrence, BookingRecording, BookingStatus

# What a cancelled occurrence keeps when its series is expanded anew.
CARRIED = (
    "status",
    "cancelled_at",
    "cancelled_by_user_id",
    "cancel_reason",
    "cancelled_by_organisation",
)


def split_off(db: Session, booking: Booking, from_start: datetime, taken: int) -> Booking:
    """A new booking like `booking`, for its series from `from_start` on (occurrences are
    the caller's to add); `booking`'s RRULE now ends just before `from_start`."""
    assert booking.rrule is not None
    successor = Booking(**booking.model_dump(exclude={"id", "sequence", "created_at"}))
    successor.rrule = recurrence.remainder(booking.rrule, taken=taken)
    booking.rrule = recurrence.truncated(booking.rrule, before=from_start)
    db.add_all([booking, successor])
    db.flush()
    recordings = db.exec(
        select(BookingRecording).where(col(BookingRecording.booking_id) == booking.id)
    ).all()
    db.add_all(
        BookingRecording(
            booking_id=successor.id,
            recording_id=row.recording_id,
            organisation_id=row.organisation_id,
        )
        for row in recordings
    )
    return successor


def expand_anew(
    db: Session,
    booking: Booking,
    replaced: Sequence[BookingOccurrence],
    starts_at: datetime,
    ends_at: datetime,
    participants: Collection[uuid.UUID],
    *,
    reader: Member,
) -> None:
    """`booking`'s series expanded from `starts_at` in place of `replaced`; `reader` is
    who asked (a clash names them only the bookings they may see)."""
    duration = check_times(starts_at, ends_at)
    series = expand(
        booking.rrule, first_start=starts_at, duration=duration, time_zone=booking.time_zone
    )
    open_status = next(
        (row.status for row in replaced if row.status in OPEN), BookingStatus.confirmed
    )
    fresh = [
        BookingOccurrence(
            organisation_id=booking.organisation_id,
            booking_id=booking.id,
            original_starts_at=start,
            starts_at=start,
            ends_at=start + duration,
            status=open_status,
        )
        for start in series.starts
    ]
    for new, old in zip(fresh, replaced, strict=False):
        if old.status == BookingStatus.cancelled:
            for field in CARRIED:
                setattr(new, field, getattr(old, field))
    to_check = [(row.starts_at, row.ends_at) for row in fresh if row.status in OPEN]
    ensure_free(db, booking, participants, to_check, replaced, reader=reader)
    for row in replaced:
        db.delete(row)
    db.flush()
    db.add_all(fresh)
    booking.starts_at = starts_at
    booking.duration_minutes = duration // timedelta(minutes=1)


def ensure_free(
    db: Session,
    booking: Booking,
    participants: Collection[uuid.UUID],
    intervals: Sequence[tuple[datetime, datetime]],
    replaced: Sequence[BookingOccurrence],
    *,
    reader: Member,
) -> None:
    clashes.ensure_free(
        db,
        organisation_id=booking.organisation_id,
        user_ids=[booking.organiser_user_id, *participants],
        intervals=intervals,
        reader=reader,
        ignore=[row.id for row in replaced],
    )
