"""A coach's availability (weekly windows, rules, exceptions), free slots and self-booking."""

import uuid
from typing import Annotated

from fastapi import Query

from app.access.availability import AvailabilityDep, AvailabilityEditorDep, SelfBookingDep
from app.audit.context import AuditContextDep
from app.booking import availability, reads, self_booking
from app.booking.availability_schemas import (
    AvailabilityRead,
    AvailabilityUpdate,
    ExceptionCreate,
    ExceptionRead,
    SelfBookingCreate,
    SlotRead,
)
from app.booking.schemas import BookingRead
from app.config import SettingsDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.models.base import utcnow
from app.routing import TandemRouter
from app.schemas import IsoDate, PageDep

router = TandemRouter(
    prefix="/organisations/{organisation_id}/coaches/{coach_user_id}",
    tags=["availability"],
)

From = Annotated[
    IsoDate | None, Query(alias="from", description="A date on the organisation's clock.")
]
To = Annotated[
    IsoDate | None, Query(alias="to", description="A date on the organisation's clock, inclusive.")
]


@router.get("/availability", response_model=AvailabilityRead)
def read_availability(access: AvailabilityDep, db: SessionDep) -> AvailabilityRead:
    """The coach's weekly windows and booking rules, on the organisation's clock (the
    coach, leads, the practitioners they coach and those practitioners' supervisors)."""
    return availability.read_availability(db, access.coach)


@router.put("/availability", response_model=AvailabilityRead)
def replace_availability(
    body: AvailabilityUpdate,
    access: AvailabilityEditorDep,
    db: SessionDep,
    context: AuditContextDep,
) -> AvailabilityRead:
    """Replace the coach's weekly windows and booking rules (the coach or a lead)."""
    return availability.replace_availability(db, access=access, body=body, context=context)


@router.get("/availability/exceptions", response_model=list[ExceptionRead])
def list_exceptions(
    access: AvailabilityDep,
    db: SessionDep,
    page: PageDep,
    first: From = None,
    last: To = None,
) -> list[ExceptionRead]:
    """Days that differ from the weekly windows, in date order, optionally between two
    dates (inclusive)."""
    rows = availability.list_exceptions(db, coach=access.coach, page=page, first=first, last=last)
    return [ExceptionRead.model_validate(row, from_attributes=True) for row in rows]


@router.post("/availability/exceptions", response_model=ExceptionRead, status_code=201)
def add_exception(
    body: ExceptionCreate, access: AvailabilityEditorDep, db: SessionDep, context: AuditContextDep
) -> ExceptionRead:
    """Mark a date as away (all day, or some hours) or add extra hours on it (the coach or
    a lead)."""
    row = availability.add_exception(db, access=access, body=body, context=context)
    return ExceptionRead.model_validate(row, from_attributes=True)


@router.delete("/availability/exceptions/{exception_id}", status_code=204)
def delete_exception(
    exception_id: uuid.UUID,
    access: AvailabilityEditorDep,
    db: SessionDep,
    context: AuditContextDep,
) -> None:
    """Remove an exception: the date follows the weekly windows again."""
    availability.delete_exception(db, access=access, exception_id=exception_id, context=context)


@router.get("/free-slots", response_model=list[SlotRead])
def list_free_slots(
    access: AvailabilityDep,
    db: SessionDep,
    page: PageDep,
    first: From = None,
    last: To = None,
) -> list[SlotRead]:
    """Slots that may be booked now, from `from` to `to` (dates on the organisation's
    clock, inclusive, at most 8 weeks; by default two weeks from today): inside the
    coach's windows, clear of their sessions and buffer, past their notice and under their
    limits. Each in UTC and on the organisation's clock."""
    slots = self_booking.list_free_slots(
        db, coach=access.coach, first=first, last=last, now=utcnow()
    )
    return slots[page.offset : page.offset + page.limit]


@router.post(
    "/free-slots/book",
    response_model=BookingRead,
    status_code=201,
    responses=error_responses(409),
)
def book_free_slot(
    body: SelfBookingCreate,
    access: SelfBookingDep,
    db: SessionDep,
    context: AuditContextDep,
    settings: SettingsDep,
) -> BookingRead:
    """Book one of the coach's free slots for yourself (a practitioner they coach): a
    confirmed coaching session they organise. 409 `slot_unavailable` (no slot starts
    then), `too_late_to_book` (inside their notice), `booking_limit_reached` (their day or
    week is full) or `booking_conflict` (taken, or you are busy then)."""
    booking = self_booking.book_slot(
        db, access=access, body=body, now=utcnow(), context=context, settings=settings
    )
    return reads.booking_read(db, member=access.member, booking=booking)
