"""Changing a booking: the whole of it, one occurrence, or the rest of a series.

- Whole booking (no `occurrence_start`): title, agenda, place, participants and times.
  New times expand a series anew from the new start with its RRULE; that is refused once
  any of it has started (the past stays as it was: change the following occurrences).
- One occurrence (`occurrence_start`, scope "this"): its times only. It keeps its
  original start (the iCalendar RECURRENCE-ID) and its own SEQUENCE rises.
- The rest of a series (`occurrence_start`, scope "following"): the series is split. The
  booking keeps the occurrences before that one and its RRULE ends just before it (UNTIL);
  a new booking with the changes takes the rest (a COUNT shrinks by what stayed behind),
  and is the answer. From the first occurrence, "following" is the whole booking.

An occurrence that was cancelled stays cancelled when its series is expanded anew (by
its place in the series). New times and new participants are checked for clashes.
SEQUENCE rises on every change calendars must take in: times, place, participants.
"""

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete

from app.access.bookings import BookingAccess
from app.audit.context import AuditContext
from app.booking import series
from app.booking.checks import (
    OPEN,
    check_moment,
    check_participants,
    check_times,
    invalid,
    require_to_come,
)
from app.booking.schemas import BookingUpdate
from app.booking.service import (
    announce,
    occurrence_at,
    occurrences_of,
    record,
    set_participants,
)
from app.config import Settings
from app.errors import Conflict
from app.models import (
    Booking,
    BookingOccurrence,
    BookingParticipant,
)
from app.models.base import utcnow

TEXT = ("title", "agenda", "location", "video_url")
TIMES = frozenset({"starts_at", "ends_at"})
# What attendees' calendars must take in: SEQUENCE rises when one of these changes.
CALENDAR = frozenset({"location", "video_url", "participant_user_ids"}) | TIMES


def update_booking(
    db: Session,
    *,
    access: BookingAccess,
    body: BookingUpdate,
    settings: Settings | None,
    context: AuditContext,
) -> Booking:
    """Apply the change and invite everyone again; the booking to show afterwards (the
    new one after a split)."""
    changed = body.model_fields_set - {"occurrence_start", "scope"}
    booking = access.booking
    if body.occurrence_start is None and body.scope is not None:
        raise invalid("occurrence_start", "give the occurrence the scope starts from.")
    if body.occurrence_start is None or booking.rrule is None:
        if body.occurrence_start is not None:  # a single booking's own: the whole of it
            occurrence_at(db, booking=booking, occurrence_start=body.occurrence_start)
        _whole(db, access, body, changed, context)
        announce(db, settings, booking)
        return booking
    occurrence = occurrence_at(db, booking=booking, occurrence_start=body.occurrence_start)
    if body.scope == "following":
        shown = _following(db, access, body, changed, occurrence, context)
        if shown is not booking:  # split: the earlier part's series now ends sooner
            announce(db, settings, booking)
        announce(db, settings, shown)
        return shown
    _one(db, access, body, changed, occurrence, context)
    announce(db, settings, booking, occurrence=occurrence)
    return booking


def _one(
    db: Session,
    access: BookingAccess,
    body: BookingUpdate,
    changed: set[str],
    occurrence: BookingOccurrence,
    context: AuditContext,
) -> Booking:
    others = sorted(changed - TIMES)
    if others:
        raise invalid(others[0], "one occurrence changes its times only; change the whole booking.")
    if not changed:
        raise invalid("starts_at", "give the occurrence's new times.")
    require_to_come(occurrence, utcnow(), "moved")
    starts_at, ends_at = _new_times(body, occurrence.starts_at, occurrence.ends_at)
    series.ensure_free(
        db,
        access.booking,
        access.participant_ids,
        [(starts_at, ends_at)],
        [occurrence],
        reader=access.member,
    )
    occurrence.starts_at, occurrence.ends_at = starts_at, ends_at
    occurrence.sequence += 1
    occurrence.updated_at = utcnow()
    db.add(occurrence)
    db.flush()
    _record(db, access, context, changed, scope="this", occurrence_start=body.occurrence_start)
    return access.booking


def _whole(
    db: Session,
    access: BookingAccess,
    body: BookingUpdate,
    changed: set[str],
    context: AuditContext,
) -> Booking:
    booking = access.booking
    participants = _participants(db, booking, body, changed, access.participant_ids)
    occurrences = occurrences_of(db, booking=booking)
    if changed & TIMES:
        _require_not_started(occurrences)
        starts_at, ends_at = _new_times(body, booking.starts_at, _first_end(booking))
        series.expand_anew(
            db, booking, occurrences, starts_at, ends_at, participants, reader=access.member
        )
    elif "participant_user_ids" in changed:
        now = utcnow()
        to_come = [row for row in occurrences if row.status in OPEN and row.starts_at > now]
        intervals = [(row.starts_at, row.ends_at) for row in to_come]
        series.ensure_free(db, booking, participants, intervals, to_come, reader=access.member)
    _apply_text(booking, body, changed)
    if "participant_user_ids" in changed:
        _replace_participants(db, booking, participants)
    _touch(db, booking, calendar_change=bool(changed & CALENDAR))
    _record(db, access, context, changed, scope="booking")
    return booking


def _following(
    db: Session,
    access: BookingAccess,
    body: BookingUpdate,
    changed: set[str],
    occurrence: BookingOccurrence,
    context: AuditContext,
) -> Booking:
    booking = access.booking
    if occurrence.original_starts_at == booking.starts_at:
        return _whole(db, access, body, changed, context)
    if not changed:
        raise invalid("scope", "say what changes from this occurrence on.")
    participants = _participants(db, booking, body, changed, access.participant_ids)
    occurrences = occurrences_of(db, booking=booking)
    taken = occurrences.index(occurrence)
    rest = occurrences[taken:]
    _require_not_started(rest)
    successor = series.split_off(db, booking, occurrence.original_starts_at, taken)
    start = occurrence.original_starts_at
    starts_at, ends_at = _new_times(body, start, start + (_first_end(booking) - booking.starts_at))
    series.expand_anew(db, successor, rest, starts_at, ends_at, participants, reader=access.member)
    _apply_text(successor, body, changed)
    set_participants(db, booking=successor, user_ids=participants)
    _touch(db, successor, calendar_change=False)
    _touch(db, booking, calendar_change=True)
    _record(
        db,
        access,
        context,
        changed,
        scope="following",
        occurrence_start=body.occurrence_start,
        new_booking_id=successor.id,
    )
    record(db, "booking.created", successor, access.member.user_id, context, split_from=booking.id)
    return successor


def _apply_text(booking: Booking, body: BookingUpdate, changed: set[str]) -> None:
    for field in TEXT:
        if field in changed:
            setattr(booking, field, getattr(body, field))


def _replace_participants(
    db: Session, booking: Booking, participants: Collection[uuid.UUID]
) -> None:
    db.exec(delete(BookingParticipant).where(col(BookingParticipant.booking_id) == booking.id))
    set_participants(db, booking=booking, user_ids=list(participants))


def _first_end(booking: Booking) -> datetime:
    """Where the series' first occurrence ends as set up."""
    return booking.starts_at + timedelta(minutes=booking.duration_minutes)


def _touch(db: Session, booking: Booking, *, calendar_change: bool) -> None:
    booking.updated_at = utcnow()
    if calendar_change:
        booking.sequence += 1
    db.add(booking)
    db.flush()


def _participants(
    db: Session,
    booking: Booking,
    body: BookingUpdate,
    changed: set[str],
    current: Collection[uuid.UUID],
) -> list[uuid.UUID]:
    if "participant_user_ids" not in changed:
        return sorted(current)
    return check_participants(
        db,
        organisation_id=booking.organisation_id,
        organiser_user_id=booking.organiser_user_id,
        user_ids=body.participant_user_ids,
    )


def _new_times(
    body: BookingUpdate, starts_at: datetime, ends_at: datetime
) -> tuple[datetime, datetime]:
    """The times the body asks for: a new start alone keeps the length, a new end alone
    keeps the start."""
    new_start = body.starts_at if "starts_at" in body.model_fields_set else starts_at
    check_moment("starts_at", new_start)
    if "ends_at" in body.model_fields_set:
        new_end = body.ends_at
    else:
        new_end = new_start + (ends_at - starts_at)
    check_times(new_start, new_end)
    return new_start, new_end


def _require_not_started(occurrences: Sequence[BookingOccurrence]) -> None:
    now = utcnow()
    # Completed and no-show occurrences have started too.
    if any(row.starts_at <= now for row in occurrences):
        raise Conflict(
            "Some of this has started or taken place already: change an occurrence still "
            "to come (occurrence_start), or the rest of the series from one (scope following).",
            code="booking_started",
        )


def _record(
    db: Session,
    access: BookingAccess,
    context: AuditContext,
    changed: set[str],
    **details: object,
) -> None:
    record(
        db,
        "booking.changed",
        access.booking,
        access.member.user_id,
        context,
        fields=sorted(changed),
        **details,
    )
