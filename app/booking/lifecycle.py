"""A booking's life after it is set up: confirm, cancel, complete, no-show, and the notes
after the session whose actions become learning objectives.

Cancelling concerns what has not started yet: the whole booking cancels each of its
proposed or confirmed occurrences still to come; "following" those from one occurrence on;
one occurrence must itself be still to come (a session that took place is completed or a
no-show instead). A cancellation records whether the organisation cancelled (the
organiser, a lead or other staff: it erodes the practitioner's ring-fenced time) or the
practitioner taking part did.

SEQUENCE (what calendars compare) rises on the booking when the whole or the rest of a
series changes status, on the occurrence when it alone does.
"""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.access.bookings import BookingAccess
from app.audit.context import AuditContext
from app.booking import clashes
from app.booking.checks import OPEN, invalid, require_to_come
from app.booking.schemas import CancelRequest, CompleteRequest, NotesRequest, NotesSaved
from app.booking.service import announce, occurrence_at, occurrences_of, record
from app.config import Settings
from app.errors import Conflict
from app.models import Booking, BookingOccurrence, BookingParticipant, BookingStatus
from app.models.base import utcnow
from app.reports.period import local_date
from app.review.objectives import service as objectives
from app.ringfenced import sign_off


def cancel(
    db: Session,
    *,
    access: BookingAccess,
    body: CancelRequest,
    settings: Settings | None,
    context: AuditContext,
) -> list[BookingOccurrence]:
    booking, now = access.booking, utcnow()
    # One occurrence of a series alone; a single booking's own is the whole booking.
    one = body.occurrence_start is not None and body.scope != "following"
    one = one and booking.rrule is not None
    chosen = _to_cancel(db, booking, body, now, one=one)
    for occurrence in chosen:
        occurrence.status = BookingStatus.cancelled
        occurrence.cancelled_at = now
        occurrence.cancelled_by_user_id = access.member.user_id
        occurrence.cancel_reason = body.reason
        occurrence.cancelled_by_organisation = access.cancels_for_organisation
    _raise_sequence(db, booking, chosen, one=one)
    record(
        db,
        "booking.cancelled",
        booking,
        access.member.user_id,
        context,
        occurrence_start=body.occurrence_start,
        scope="this" if one else body.scope or "booking",
        occurrences=len(chosen),
        by_organisation=access.cancels_for_organisation,
        reason=body.reason,
    )
    if one:
        announce(db, settings, booking, method="CANCEL", occurrence=chosen[0])
    else:
        everything = all(
            row.status == BookingStatus.cancelled for row in occurrences_of(db, booking=booking)
        )
        # Whatever already took place stays in calendars: the rest go as EXDATEs.
        announce(db, settings, booking, method="CANCEL" if everything else "REQUEST")
    return chosen


def _to_cancel(
    db: Session, booking: Booking, body: CancelRequest, now: datetime, *, one: bool
) -> list[BookingOccurrence]:
    if body.scope == "following" and body.occurrence_start is None:
        raise invalid("occurrence_start", "give the first occurrence to cancel from.")
    if body.occurrence_start is not None:
        named = occurrence_at(db, booking=booking, occurrence_start=body.occurrence_start)
        if one:
            require_to_come(named, now, "cancelled")
            return [named]
    series = occurrences_of(db, booking=booking, starting_from=body.occurrence_start)
    chosen = [row for row in series if row.status in OPEN and row.starts_at > now]
    if not chosen:
        raise Conflict(
            "Nothing of this booking is left to cancel: each occurrence has started, "
            "taken place or been cancelled.",
            code="booking_not_open",
        )
    return chosen


def confirm(
    db: Session,
    *,
    access: BookingAccess,
    occurrence_start: datetime | None,
    settings: Settings | None,
    context: AuditContext,
) -> None:
    booking = access.booking
    one = occurrence_start is not None and booking.rrule is not None
    if occurrence_start is not None:
        chosen = [occurrence_at(db, booking=booking, occurrence_start=occurrence_start)]
    else:
        chosen = occurrences_of(db, booking=booking)
    chosen = [row for row in chosen if row.status == BookingStatus.proposed]
    if not chosen:
        raise Conflict("Nothing here is waiting to be confirmed.", code="booking_not_proposed")
    clashes.ensure_free(
        db,
        organisation_id=booking.organisation_id,
        user_ids=[booking.organiser_user_id, *access.participant_ids],
        intervals=[(row.starts_at, row.ends_at) for row in chosen],
        reader=access.member,
    )
    for occurrence in chosen:
        occurrence.status = BookingStatus.confirmed
    _raise_sequence(db, booking, chosen, one=one)
    record(
        db,
        "booking.confirmed",
        booking,
        access.member.user_id,
        context,
        occurrence_start=occurrence_start,
        occurrences=len(chosen),
    )
    announce(db, settings, booking, occurrence=chosen[0] if one else None)


def complete(
    db: Session, *, access: BookingAccess, body: CompleteRequest, context: AuditContext
) -> None:
    occurrence = _taken_place(db, access.booking, body.occurrence_start)
    occurrence.status = BookingStatus.completed
    occurrence.completed_at = utcnow()
    if body.notes is not None:
        occurrence.notes = body.notes
    _save(db, occurrence)
    _record_one(db, "booking.completed", access, occurrence, context)


def no_show(
    db: Session,
    *,
    access: BookingAccess,
    occurrence_start: datetime | None,
    context: AuditContext,
) -> None:
    occurrence = _taken_place(db, access.booking, occurrence_start)
    occurrence.status = BookingStatus.no_show
    _save(db, occurrence)
    _record_one(db, "booking.no_show", access, occurrence, context)


def write_notes(
    db: Session, *, access: BookingAccess, body: NotesRequest, context: AuditContext
) -> NotesSaved:
    """Save the notes on the occurrence and set one learning objective per action, through
    the objectives service and its rules; any refusal leaves nothing written."""
    booking = access.booking
    occurrence = occurrence_at(db, booking=booking, occurrence_start=body.occurrence_start)
    if occurrence.status == BookingStatus.cancelled:
        raise Conflict("This occurrence was cancelled.", code="occurrence_cancelled")
    if occurrence.starts_at > utcnow():
        raise Conflict("Notes follow the session: it has not started yet.", code="not_started")
    taking_part = {booking.organiser_user_id, *access.participant_ids}
    for index, action in enumerate(body.actions):
        if action.practitioner_user_id not in taking_part:
            raise invalid(f"actions.{index}.practitioner_user_id", "must be someone taking part.")
    occurrence.notes = body.notes
    _save(db, occurrence)
    created = [
        objectives.create_objective(db, member=access.member, body=action, context=context)
        for action in body.actions
    ]
    objective_ids = [objective.id for objective in created]
    _record_one(
        db,
        "booking.notes",
        access,
        occurrence,
        context,
        objective_ids=[str(i) for i in objective_ids],
    )
    return NotesSaved(
        occurrence_id=occurrence.id, notes=occurrence.notes, objective_ids=objective_ids
    )


def _taken_place(db: Session, booking: Booking, start: datetime | None) -> BookingOccurrence:
    """The named occurrence, if it is confirmed and has started."""
    occurrence = occurrence_at(db, booking=booking, occurrence_start=start)
    if occurrence.status != BookingStatus.confirmed:
        raise Conflict(
            f"Only a confirmed occurrence can be marked; this one is {occurrence.status}.",
            code="occurrence_not_confirmed",
        )
    if occurrence.starts_at > utcnow():
        raise Conflict("This occurrence has not started yet.", code="not_started")
    # Marking it moves the practitioners' used time: not inside a period signed off.
    taking_part = select(BookingParticipant.user_id).where(
        col(BookingParticipant.booking_id) == booking.id
    )
    sign_off.ensure_open(
        db,
        organisation_id=booking.organisation_id,
        practitioner_user_ids=list(db.exec(taking_part)),
        on_date=local_date(occurrence.starts_at, ZoneInfo(booking.time_zone)),
    )
    return occurrence


def _raise_sequence(
    db: Session, booking: Booking, occurrences: Sequence[BookingOccurrence], *, one: bool
) -> None:
    now = utcnow()
    for occurrence in occurrences:
        if one:
            occurrence.sequence += 1
        _save(db, occurrence, now)
    if not one:
        booking.sequence += 1
        booking.updated_at = now
        db.add(booking)
    db.flush()


def _save(db: Session, occurrence: BookingOccurrence, now: datetime | None = None) -> None:
    occurrence.updated_at = now or utcnow()
    db.add(occurrence)
    db.flush()


def _record_one(
    db: Session,
    action: str,
    access: BookingAccess,
    occurrence: BookingOccurrence,
    context: AuditContext,
    **details: object,
) -> None:
    record(
        db,
        action,
        access.booking,
        access.member.user_id,
        context,
        occurrence_id=occurrence.id,
        occurrence_start=occurrence.original_starts_at,
        **details,
    )
