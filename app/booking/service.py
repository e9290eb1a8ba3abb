"""Bookings: set one up (single or a series), list occurrences, find them, audit and
announce changes. Services flush, never commit: the request's transaction is all or
nothing.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.access import Member, member_named
from app.access import bookings as policy
from app.audit import service as audit
from app.audit.context import AuditContext
from app.booking import clashes, notify
from app.booking.checks import (
    EARLIEST,
    LATEST,
    OPEN,
    check_moment,
    check_participants,
    check_recordings,
    check_times,
    expand,
    invalid,
)
from app.booking.clashes import Interval
from app.config import Settings
from app.models import (
    Booking,
    BookingKind,
    BookingOccurrence,
    BookingParticipant,
    BookingRecording,
    BookingStatus,
    Organisation,
)
from app.schemas import Page

# Self-booking reads these here: its range and its errors are a booking's.
__all__ = ["EARLIEST", "LATEST", "invalid"]


def create_booking(
    db: Session,
    *,
    organisation: Organisation,
    organiser_user_id: uuid.UUID,
    kind: BookingKind,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    participant_user_ids: Sequence[uuid.UUID],
    rrule: str | None = None,
    agenda: str = "",
    location: str = "",
    video_url: str = "",
    recording_ids: Sequence[uuid.UUID] = (),
    self_booked: bool = False,
    status: BookingStatus = BookingStatus.confirmed,
    context: AuditContext,
    settings: Settings | None = None,
    reader: Member | None = None,
) -> Booking:
    """Set up a booking, single or a series, with everything it needs; flushed, not
    committed. `reader`: who asked, if not the organiser (a clash names them only the
    bookings they may see).

    Checks, each a 422 naming its field (and nothing written): `starts_at`/`ends_at`
    aware, on whole minutes, end after start, at most 24 h; participants members of the
    organisation (the organiser is left out of them: they take part anyway); the RRULE
    bounded (app/booking/recurrence.py); recordings ones the organiser may see. The
    organiser must be a member (404 `member_not_found`); whether their role lets them
    organise is the caller's to check (app/access/bookings.py). Then refuses a clash with
    any confirmed occurrence of anyone taking part (409 `booking_conflict`, see
    app/booking/clashes.py), holding their rows locked until the transaction ends.
    `status` is `confirmed` or `proposed` (every occurrence starts so). Audited as
    `booking.created`; with `settings`, everyone taking part is invited by email once the
    transaction commits (when SMTP is set up).
    """
    organiser = member_named(db, organisation_id=organisation.id, user_id=organiser_user_id)
    duration = check_times(starts_at, ends_at)
    participants = check_participants(
        db,
        organisation_id=organisation.id,
        organiser_user_id=organiser_user_id,
        user_ids=participant_user_ids,
    )
    series = expand(
        rrule, first_start=starts_at, duration=duration, time_zone=organisation.time_zone
    )
    recordings = check_recordings(db, member=organiser, recording_ids=recording_ids)
    if status not in OPEN:
        raise invalid("status", "a new booking is proposed or confirmed.")
    intervals = [(start, start + duration) for start in series.starts]
    clashes.ensure_free(
        db,
        organisation_id=organisation.id,
        user_ids=[organiser_user_id, *participants],
        intervals=intervals,
        reader=reader or organiser,
    )
    booking = Booking(
        organisation_id=organisation.id,
        kind=kind,
        title=title,
        organiser_user_id=organiser_user_id,
        rrule=series.rrule,
        time_zone=organisation.time_zone,
        starts_at=starts_at.astimezone(UTC),
        duration_minutes=duration // timedelta(minutes=1),
        location=location,
        video_url=video_url,
        agenda=agenda,
        self_booked=self_booked,
    )
    db.add(booking)
    db.flush()
    set_participants(db, booking=booking, user_ids=participants)
    add_occurrences(db, booking=booking, intervals=intervals, status=status)
    db.add_all(
        BookingRecording(booking_id=booking.id, recording_id=rid, organisation_id=organisation.id)
        for rid in recordings
    )
    db.flush()
    record(db, "booking.created", booking, organiser_user_id, context, status=status)
    announce(db, settings, booking)
    return booking


def announce(
    db: Session,
    settings: Settings | None,
    booking: Booking,
    *,
    method: notify.Method = "REQUEST",
    occurrence: BookingOccurrence | None = None,
) -> None:
    """The one call point for invitations by email (iTIP, app/booking/notify.py): after
    a change calendars must take in, flushed, with SEQUENCE already raised."""
    if settings is not None:
        db.flush()
        notify.booking_changed(db, settings, booking=booking, method=method, occurrence=occurrence)


def set_participants(db: Session, *, booking: Booking, user_ids: Sequence[uuid.UUID]) -> None:
    db.add_all(
        BookingParticipant(
            booking_id=booking.id, user_id=user_id, organisation_id=booking.organisation_id
        )
        for user_id in user_ids
    )


def add_occurrences(
    db: Session,
    *,
    booking: Booking,
    intervals: Sequence[tuple[datetime, datetime]],
    status: BookingStatus,
) -> list[BookingOccurrence]:
    rows = [
        BookingOccurrence(
            organisation_id=booking.organisation_id,
            booking_id=booking.id,
            original_starts_at=start,
            starts_at=start,
            ends_at=end,
            status=status,
        )
        for start, end in intervals
    ]
    db.add_all(rows)
    return rows


def record(
    db: Session,
    action: str,
    booking: Booking,
    actor_user_id: uuid.UUID,
    context: AuditContext,
    **details: Any,
) -> None:
    audit.record(
        db,
        action=action,
        resource_type="booking",
        resource_id=booking.id,
        organisation_id=booking.organisation_id,
        actor_user_id=actor_user_id,
        context=context,
        details={"title": booking.title, **_plain(details)},
    )


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values for the audit trail."""
    return {
        key: value.isoformat()
        if isinstance(value, datetime)
        else str(value)
        if isinstance(value, uuid.UUID)
        else value
        for key, value in details.items()
    }


DEFAULT_RANGE = timedelta(weeks=4)
MAX_RANGE = timedelta(days=366)


def date_range(organisation: Organisation, first: date | None, last: date | None) -> Interval:
    """The moments from the start of `first` to the end of `last`, dates of the
    organisation's zone, both inclusive (default: today and the four weeks after it)."""
    zone = ZoneInfo(organisation.time_zone)
    first = first or datetime.now(zone).date()
    for field, day in (("from", first), ("to", last or first)):
        if not EARLIEST.date() <= day < LATEST.date():
            raise invalid(field, "must be in the years 2000 to 2099.")
    last = last or first + DEFAULT_RANGE
    if last < first:
        raise invalid("to", "must be on or after from.")
    if last - first > MAX_RANGE:
        raise invalid("to", "a list covers at most 366 days; page through longer ranges.")
    return _midnight(first, zone), _midnight(last + timedelta(days=1), zone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def list_occurrences(
    db: Session,
    *,
    member: Member,
    page: Page,
    within: Interval,
    user_id: uuid.UUID | None = None,
    kind: BookingKind | None = None,
    status: BookingStatus | None = None,
) -> list[tuple[BookingOccurrence, Booking]]:
    """Occurrences starting within the range, of bookings this member may see, by start."""
    statement = (
        select(BookingOccurrence, Booking)
        .join(Booking, col(Booking.id) == col(BookingOccurrence.booking_id))
        .where(
            col(BookingOccurrence.organisation_id) == member.organisation_id,
            col(BookingOccurrence.starts_at) >= within[0],
            col(BookingOccurrence.starts_at) < within[1],
            policy.visible(member),
        )
    )
    if user_id is not None:
        taking_part = select(BookingParticipant.booking_id).where(
            col(BookingParticipant.user_id) == user_id
        )
        statement = statement.where(
            or_(col(Booking.organiser_user_id) == user_id, col(Booking.id).in_(taking_part))
        )
    if kind is not None:
        statement = statement.where(col(Booking.kind) == kind)
    if status is not None:
        statement = statement.where(col(BookingOccurrence.status) == status)
    ordered = statement.order_by(col(BookingOccurrence.starts_at), col(BookingOccurrence.id))
    return [(occurrence, booking) for occurrence, booking in db.exec(page.of(ordered))]


def occurrence_at(
    db: Session, *, booking: Booking, occurrence_start: datetime | None
) -> BookingOccurrence:
    """The occurrence whose original start is `occurrence_start`; without it, a single
    booking's only one (a series must name one: 422 naming occurrence_start)."""
    statement = select(BookingOccurrence).where(col(BookingOccurrence.booking_id) == booking.id)
    if occurrence_start is None:
        if booking.rrule is not None:
            raise invalid(
                "occurrence_start",
                "this booking is a series: give the original start of one occurrence.",
                code="occurrence_required",
            )
        return db.exec(statement).one()
    check_moment("occurrence_start", occurrence_start)
    found = db.exec(
        statement.where(col(BookingOccurrence.original_starts_at) == occurrence_start)
    ).first()
    if found is None:
        raise invalid(
            "occurrence_start",
            "no occurrence of this booking was set to start then.",
            code="unknown_occurrence",
        )
    return found


def occurrences_of(
    db: Session, *, booking: Booking, starting_from: datetime | None = None
) -> list[BookingOccurrence]:
    """The booking's occurrences in series order, from an original start on if given."""
    statement = select(BookingOccurrence).where(col(BookingOccurrence.booking_id) == booking.id)
    if starting_from is not None:
        statement = statement.where(col(BookingOccurrence.original_starts_at) >= starting_from)
    return list(db.exec(statement.order_by(col(BookingOccurrence.original_starts_at))))
