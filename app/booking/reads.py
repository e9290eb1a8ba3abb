"""Bookings and occurrences as they are read, built in batches: a list page runs the same
few queries however long it is. Local times are in the booking's zone (the
organisation's when the booking was made, the zone its series keeps its wall-clock in).
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.access import Member
from app.access.bookings import shown_recordings
from app.booking.schemas import (
    BookingRead,
    OccurrenceItem,
    OccurrenceRead,
    Person,
    RecordingRef,
)
from app.models import (
    Booking,
    BookingOccurrence,
    BookingParticipant,
    BookingRecording,
    Recording,
    User,
)


def booking_read(db: Session, *, member: Member, booking: Booking) -> BookingRead:
    """The booking with its people, the recordings this member may see, and occurrences."""
    organisers, participants = _people(db, [booking])
    occurrences = db.exec(
        select(BookingOccurrence)
        .where(col(BookingOccurrence.booking_id) == booking.id)
        .order_by(col(BookingOccurrence.original_starts_at))
    )
    zone = ZoneInfo(booking.time_zone)
    return BookingRead(
        **_booking_fields(booking, organisers, participants),
        id=booking.id,
        organisation_id=booking.organisation_id,
        starts_at=booking.starts_at,
        duration_minutes=booking.duration_minutes,
        sequence=booking.sequence,
        created_at=booking.created_at,
        updated_at=booking.updated_at,
        recordings=_recordings(db, member, booking),
        occurrences=[
            OccurrenceRead(
                **occurrence.model_dump(exclude={"organisation_id", "booking_id", "updated_at"}),
                local_starts_at=occurrence.starts_at.astimezone(zone),
                local_ends_at=occurrence.ends_at.astimezone(zone),
            )
            for occurrence in occurrences
        ],
    )


def occurrence_items(
    db: Session, *, member: Member, rows: Sequence[tuple[BookingOccurrence, Booking]]
) -> list[OccurrenceItem]:
    """A page of occurrences, each with what its booking says to this member."""
    bookings = list({booking.id: booking for _, booking in rows}.values())
    organisers, participants = _people(db, bookings)
    counts = _recording_counts(db, member, [booking.id for booking in bookings])
    items = []
    for occurrence, booking in rows:
        zone = ZoneInfo(booking.time_zone)
        items.append(
            OccurrenceItem(
                **_booking_fields(booking, organisers, participants),
                id=occurrence.id,
                booking_id=booking.id,
                original_starts_at=occurrence.original_starts_at,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                local_starts_at=occurrence.starts_at.astimezone(zone),
                local_ends_at=occurrence.ends_at.astimezone(zone),
                status=occurrence.status,
                recording_count=counts.get(booking.id, 0),
            )
        )
    return items


def _booking_fields(
    booking: Booking,
    organisers: dict[uuid.UUID, Person],
    participants: dict[uuid.UUID, list[Person]],
) -> dict[str, object]:
    return {
        "kind": booking.kind,
        "title": booking.title,
        "organiser": organisers[booking.organiser_user_id],
        "participants": participants.get(booking.id, []),
        "rrule": booking.rrule,
        "is_series": booking.rrule is not None,
        "time_zone": booking.time_zone,
        "location": booking.location,
        "video_url": booking.video_url,
        "agenda": booking.agenda,
        "self_booked": booking.self_booked,
    }


# A person as a booking names them: their display name, or failing that their email.
_NAMED = (col(User.id), col(User.display_name), col(User.email))


def _people(
    db: Session, bookings: Sequence[Booking]
) -> tuple[dict[uuid.UUID, Person], dict[uuid.UUID, list[Person]]]:
    """Organisers by user id, and each booking's participants by name. Names as columns,
    not User objects: a week's bookings name hundreds of people."""
    if not bookings:
        return {}, {}
    organiser_ids = {booking.organiser_user_id for booking in bookings}
    organisers = {
        user_id: Person(id=user_id, name=name or email)
        for user_id, name, email in db.execute(
            select(*_NAMED).where(col(User.id).in_(organiser_ids))
        )
    }
    statement = (
        select(col(BookingParticipant.booking_id), *_NAMED)
        .join(User, col(User.id) == col(BookingParticipant.user_id))
        .where(col(BookingParticipant.booking_id).in_([booking.id for booking in bookings]))
    )
    participants: dict[uuid.UUID, list[Person]] = defaultdict(list)
    for booking_id, user_id, name, email in db.execute(statement):
        participants[booking_id].append(Person(id=user_id, name=name or email))
    for people in participants.values():
        people.sort(key=lambda person: (person.name, person.id))
    return organisers, participants


def _recording_counts(
    db: Session, member: Member, booking_ids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many of each booking's recordings `_recordings` would show this member."""
    statement = (
        select(BookingRecording.booking_id, func.count())
        .where(
            col(BookingRecording.booking_id).in_(booking_ids),
            col(BookingRecording.recording_id).in_(shown_recordings(member)),
        )
        .group_by(col(BookingRecording.booking_id))
    )
    return {booking_id: count for booking_id, count in db.exec(statement)}


def _recordings(db: Session, member: Member, booking: Booking) -> list[RecordingRef]:
    attached = select(BookingRecording.recording_id).where(
        col(BookingRecording.booking_id) == booking.id
    )
    statement = (
        select(Recording)
        .where(col(Recording.id).in_(attached), col(Recording.id).in_(shown_recordings(member)))
        .order_by(col(Recording.title), col(Recording.id))
    )
    return [RecordingRef(id=row.id, title=row.title) for row in db.exec(statement)]
