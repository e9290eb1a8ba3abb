"""Who may see and change a booking.

See: its organiser, the people taking part, the coaches and supervisors of a practitioner
taking part (or organising), and leads. Anyone else in the organisation, and everyone
outside it, gets 404. Lists, single reads and counts use the same SQL rule (`visible`).
The recordings to review it names are shown to a reader by the recording's own details
rule (`shown_recordings`), in the booking's read and in the list's count alike. A booking
that clashes with one being made is named to the caller (title, ids) only if they may see
it (`visible_among`); otherwise they learn only that the person is busy then.

Do: a booking is set up by a coach, supervisor or lead (the organiser). Its organiser and
leads change it, mark it completed or a no-show and write the notes after it. A person
taking part may also confirm a proposed booking (they accept it), and cancel one that is
theirs alone (nobody else takes part besides the organiser); a group booking is cancelled
by its organiser or a lead. Anyone else who sees the booking gets 403 with a code.
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select

from app.access import relations
from app.access.members import Member, MemberDep, Principal, member_of, require_not_guest
from app.access.recordings import details_rule
from app.access.scoping import load_visible
from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.error_docs import answers
from app.errors import Forbidden, NotFound
from app.models import Booking, BookingParticipant, Recording, Role, User

ORGANISER_ROLES = (Role.coach, Role.supervisor, Role.lead)


def visible(member: Principal) -> ColumnElement[bool]:
    """The bookings this member may see, as a filter on Booking."""
    if member.has(Role.lead):
        return true()
    related = relations.coached_or_supervised(member)
    taking_part = select(col(BookingParticipant.booking_id)).where(
        col(BookingParticipant.user_id) == member.user_id
    )
    related_taking_part = select(col(BookingParticipant.booking_id)).where(
        col(BookingParticipant.user_id).in_(related)
    )
    return or_(
        col(Booking.organiser_user_id) == member.user_id,
        col(Booking.id).in_(taking_part),
        col(Booking.organiser_user_id).in_(related),
        col(Booking.id).in_(related_taking_part),
    )


def visible_among(
    db: Session, *, member: Member, booking_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these bookings this member may see, in one query."""
    if not booking_ids:
        return set()
    statement = select(col(Booking.id)).where(
        col(Booking.organisation_id) == member.organisation_id,
        col(Booking.id).in_(list(booking_ids)),
        visible(member),
    )
    return set(db.exec(statement))


def shown_recordings(member: Principal) -> relations.Ids:
    """Ids of the recordings this member may know about, for the recordings a booking
    names: a group booking names other practitioners' recordings, and an erased one stays
    named, so neither its title nor a count may tell a reader more than the recording's
    own rule does."""
    return select(col(Recording.id)).where(
        col(Recording.organisation_id) == member.organisation_id, details_rule(member)
    )


def require_organiser_role(member: Member) -> None:
    if not member.has(*ORGANISER_ROLES):
        raise Forbidden(
            "Only a coach, supervisor or lead of this organisation may set up a booking.",
            code="booking_organiser_required",
        )


@dataclass(frozen=True)
class BookingAccess:
    """A booking the caller may see, and who they are to it."""

    member: Member
    booking: Booking
    participant_ids: frozenset[uuid.UUID]

    @property
    def is_organiser(self) -> bool:
        return self.booking.organiser_user_id == self.member.user_id

    @property
    def is_participant(self) -> bool:
        return self.member.user_id in self.participant_ids

    @property
    def may_manage(self) -> bool:
        return self.is_organiser or self.member.has(Role.lead)

    @property
    def may_cancel(self) -> bool:
        sole_participant = self.participant_ids == {self.member.user_id}
        return self.may_manage or sole_participant

    @property
    def may_confirm(self) -> bool:
        return self.may_manage or self.is_participant

    @property
    def cancels_for_organisation(self) -> bool:
        """Whether a cancellation by this member is the organisation's (it erodes the
        practitioner's ring-fenced time) rather than the practitioner's own."""
        practitioner_taking_part = self.is_participant and self.member.has(Role.practitioner)
        return self.may_manage or not practitioner_taking_part


def booking_access(
    db: Session, *, user: CurrentUser, booking_id: uuid.UUID, organisation_id: uuid.UUID
) -> BookingAccess:
    """The booking of this organisation as the caller may see it, or 404 (403 for a guest
    reviewer, who is refused everything of the organisation but recordings)."""
    try:
        member, booking = load_visible(
            db, Booking, user=user, row_id=booking_id, rule=visible, label="Booking"
        )
    except NotFound:
        # Asked only on the way out: a guest takes part in no booking.
        _refuse_guest(db, user=user, organisation_id=organisation_id)
        raise
    if booking.organisation_id != organisation_id:
        raise NotFound("Booking not found.")
    statement = select(BookingParticipant.user_id).where(
        col(BookingParticipant.booking_id) == booking.id
    )
    return BookingAccess(member, booking, frozenset(db.exec(statement)))


def _refuse_guest(db: Session, *, user: User, organisation_id: uuid.UUID) -> None:
    try:
        member = member_of(db, user=user, organisation_id=organisation_id)
    except NotFound:
        return
    require_not_guest(member)


def require_manage(access: BookingAccess) -> None:
    if not access.may_manage:
        raise Forbidden(
            "Only the booking's organiser or a lead may do this.", code="booking_not_permitted"
        )


def require_cancel(access: BookingAccess) -> None:
    if not access.may_cancel:
        raise Forbidden(
            "Only the organiser, a lead, or the one person taking part may cancel this booking.",
            code="booking_cancel_not_permitted",
        )


def require_confirm(access: BookingAccess) -> None:
    if not access.may_confirm:
        raise Forbidden(
            "Only the organiser, a lead or a person taking part may confirm this booking.",
            code="booking_confirm_not_permitted",
        )


# Dependencies, so a caller who may not see the booking gets 404, and one who may see it
# but not do this gets 403, before the body is read.


@answers(403)
def _booking(
    organisation_id: uuid.UUID, booking_id: uuid.UUID, user: CurrentUser, db: SessionDep
) -> BookingAccess:
    return booking_access(db, user=user, booking_id=booking_id, organisation_id=organisation_id)


BookingDep = Annotated[BookingAccess, Depends(_booking)]


@answers(403)
async def _managed(access: BookingDep) -> BookingAccess:
    require_manage(access)
    return access


@answers(403)
async def _cancellable(access: BookingDep) -> BookingAccess:
    require_cancel(access)
    return access


@answers(403)
async def _confirmable(access: BookingDep) -> BookingAccess:
    require_confirm(access)
    return access


@answers(403)
async def _organiser(member: MemberDep) -> Member:
    require_organiser_role(member)
    return member


ManagedBookingDep = Annotated[BookingAccess, Depends(_managed)]
CancellableBookingDep = Annotated[BookingAccess, Depends(_cancellable)]
ConfirmableBookingDep = Annotated[BookingAccess, Depends(_confirmable)]
OrganiserDep = Annotated[Member, Depends(_organiser)]
