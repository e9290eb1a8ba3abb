"""Bookings: set up, list occurrences, read, change, cancel, confirm, complete, notes."""

import uuid
from typing import Annotated

from fastapi import Query

from app.access import MemberDep
from app.access.bookings import (
    BookingDep,
    CancellableBookingDep,
    ConfirmableBookingDep,
    ManagedBookingDep,
    OrganiserDep,
)
from app.audit.context import AuditContextDep
from app.booking import changes, lifecycle, reads, service
from app.booking.schemas import (
    BookingCreate,
    BookingRead,
    BookingUpdate,
    CancelRequest,
    CompleteRequest,
    NotesRequest,
    NotesSaved,
    OccurrenceItem,
    OccurrenceRequest,
)
from app.config import SettingsDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.models import BookingKind, BookingStatus
from app.routing import TandemRouter
from app.schemas import IsoDate, PageDep

router = TandemRouter(prefix="/organisations/{organisation_id}/bookings", tags=["bookings"])


@router.post("", response_model=BookingRead, status_code=201, responses=error_responses(409))
def create_booking(
    body: BookingCreate,
    member: OrganiserDep,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
) -> BookingRead:
    """Set up a booking (a coach, supervisor or lead organises it), single or a series by
    RRULE expanded in the organisation's zone; 409 `booking_conflict` names each clash."""
    booking = service.create_booking(
        db,
        organisation=member.organisation,
        organiser_user_id=member.user_id,
        **body.model_dump(),
        context=context,
        settings=settings,
    )
    return reads.booking_read(db, member=member, booking=booking)


@router.get("", response_model=list[OccurrenceItem])
def list_bookings(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    first: Annotated[IsoDate | None, Query(alias="from")] = None,
    last: Annotated[IsoDate | None, Query(alias="to")] = None,
    user_id: uuid.UUID | None = None,
    kind: BookingKind | None = None,
    status: BookingStatus | None = None,
) -> list[OccurrenceItem]:
    """Occurrences you may see starting from `from` to `to` (dates in the organisation's
    zone, both inclusive; default today and the next four weeks; at most 366 days), a
    series expanded, by start. `user_id`: only bookings that person takes part in."""
    within = service.date_range(member.organisation, first, last)
    rows = service.list_occurrences(
        db, member=member, page=page, within=within, user_id=user_id, kind=kind, status=status
    )
    return reads.occurrence_items(db, member=member, rows=rows)


@router.get("/{booking_id}", response_model=BookingRead)
def read_booking(access: BookingDep, db: SessionDep) -> BookingRead:
    """The booking with its participants, the recordings you may see, and occurrences."""
    return reads.booking_read(db, member=access.member, booking=access.booking)


@router.patch("/{booking_id}", response_model=BookingRead, responses=error_responses(409))
def update_booking(
    body: BookingUpdate,
    access: ManagedBookingDep,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
) -> BookingRead:
    """Change the booking (organiser or lead): the whole of it, one occurrence
    (`occurrence_start`, its times only) or it and the rest of the series (`scope`
    "following", which splits the series into a new booking). Moving re-checks clashes."""
    booking = changes.update_booking(
        db, access=access, body=body, settings=settings, context=context
    )
    return reads.booking_read(db, member=access.member, booking=booking)


@router.post("/{booking_id}/cancel", response_model=BookingRead, responses=error_responses(409))
def cancel_booking(
    body: CancelRequest,
    access: CancellableBookingDep,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
) -> BookingRead:
    """Cancel what has not started yet: the whole booking, one occurrence
    (`occurrence_start`) or it and the rest of the series (`scope` "following")."""
    lifecycle.cancel(db, access=access, body=body, settings=settings, context=context)
    return reads.booking_read(db, member=access.member, booking=access.booking)


@router.post("/{booking_id}/confirm", response_model=BookingRead, responses=error_responses(409))
def confirm_booking(
    body: OccurrenceRequest,
    access: ConfirmableBookingDep,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
) -> BookingRead:
    """Accept a proposed booking (its organiser, a lead or a person taking part): every
    proposed occurrence, or the one at `occurrence_start`. Clashes are checked again."""
    lifecycle.confirm(
        db,
        access=access,
        occurrence_start=body.occurrence_start,
        settings=settings,
        context=context,
    )
    return reads.booking_read(db, member=access.member, booking=access.booking)


@router.post("/{booking_id}/complete", response_model=BookingRead, responses=error_responses(409))
def complete_booking(
    body: CompleteRequest, access: ManagedBookingDep, db: SessionDep, context: AuditContextDep
) -> BookingRead:
    """Mark a confirmed occurrence that has started as completed (organiser or lead); a
    series names the occurrence with `occurrence_start`."""
    lifecycle.complete(db, access=access, body=body, context=context)
    return reads.booking_read(db, member=access.member, booking=access.booking)


@router.post("/{booking_id}/no-show", response_model=BookingRead, responses=error_responses(409))
def mark_no_show(
    body: OccurrenceRequest, access: ManagedBookingDep, db: SessionDep, context: AuditContextDep
) -> BookingRead:
    """Mark a confirmed occurrence that has started as a no-show (organiser or lead)."""
    lifecycle.no_show(db, access=access, occurrence_start=body.occurrence_start, context=context)
    return reads.booking_read(db, member=access.member, booking=access.booking)


@router.post("/{booking_id}/notes", response_model=NotesSaved, responses=error_responses(409))
def write_notes(
    body: NotesRequest, access: ManagedBookingDep, db: SessionDep, context: AuditContextDep
) -> NotesSaved:
    """Notes after the session (organiser or lead), whose actions become learning
    objectives for the practitioners taking part, all or nothing."""
    return lifecycle.write_notes(db, access=access, body=body, context=context)
