"""Who may see and change a coach's availability, and who may book it themselves.

The coach named in the path is a member of the organisation holding the coach role;
anyone else (a practitioner, a former coach, a stranger) is "Coach not found." (404).

- Read (weekly windows, rules, exceptions, free slots): the coach, leads, the
  practitioners the coach coaches, and the supervisors of those practitioners (they plan
  their team's time). Anyone else in the organisation gets 404.
- Change (windows, rules, exceptions): the coach themself or a lead; other readers 403.
- Book a free slot themselves: only a practitioner the coach coaches; other readers 403
  (everyone else books through the bookings routes, as an organiser).
"""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session, col, exists, select

from app.access import relations
from app.access.members import Member, MemberDep, member_named
from app.db import SessionDep
from app.error_docs import answers
from app.errors import Forbidden, NotFound
from app.models import Assignment, Role


@dataclass(frozen=True)
class CoachAccess:
    """The caller, the coach whose availability they asked for, and how they relate."""

    member: Member
    coach: Member
    coached: bool  # the caller is a practitioner this coach coaches

    @property
    def may_change(self) -> bool:
        return self.member.user_id == self.coach.user_id or self.member.has(Role.lead)


def coach_named(db: Session, *, organisation_id: uuid.UUID, coach_user_id: uuid.UUID) -> Member:
    """The coach of this organisation, or 404: a member without the coach role is no coach."""
    try:
        coach = member_named(db, organisation_id=organisation_id, user_id=coach_user_id)
    except NotFound:
        coach = None
    if coach is None or not coach.has(Role.coach):
        raise NotFound("Coach not found.", code="coach_not_found")
    return coach


def access_to_coach(db: Session, *, member: Member, coach_user_id: uuid.UUID) -> CoachAccess:
    """The caller's access to this coach's availability, or 404 when they may not see it."""
    coach = coach_named(db, organisation_id=member.organisation_id, coach_user_id=coach_user_id)
    if member.user_id == coach.user_id or member.has(Role.lead):
        return CoachAccess(member, coach, coached=False)
    coachees = relations.coached(coach)
    coached = member.has(Role.practitioner) and _coached_by(db, member, coachees)
    supervises_a_coachee = relations.supervised(member).where(
        col(Assignment.practitioner_user_id).in_(coachees)
    )
    if not coached and db.exec(select(exists(supervises_a_coachee))).one() is False:
        raise NotFound("Coach not found.", code="coach_not_found")
    return CoachAccess(member, coach, coached=coached)


def _coached_by(db: Session, member: Member, coachees: relations.Ids) -> bool:
    own = coachees.where(col(Assignment.practitioner_user_id) == member.user_id)
    return bool(db.exec(select(exists(own))).one())


def require_change(access: CoachAccess) -> None:
    if not access.may_change:
        raise Forbidden(
            "Only the coach or a lead may change the coach's availability.",
            code="availability_not_permitted",
        )


def require_self_booking(access: CoachAccess) -> None:
    if not access.coached:
        raise Forbidden(
            "Only a practitioner this coach coaches may book one of their free slots; "
            "organisers book sessions through the bookings routes.",
            code="self_booking_not_permitted",
        )


def _readable(coach_user_id: uuid.UUID, member: MemberDep, db: SessionDep) -> CoachAccess:
    return access_to_coach(db, member=member, coach_user_id=coach_user_id)


AvailabilityDep = Annotated[CoachAccess, Depends(_readable)]
"""A coach whose availability the caller may see."""


@answers(403)
async def _changeable(access: AvailabilityDep) -> CoachAccess:
    require_change(access)
    return access


@answers(403)
async def _bookable(access: AvailabilityDep) -> CoachAccess:
    require_self_booking(access)
    return access


# Refused before the body is read.
AvailabilityEditorDep = Annotated[CoachAccess, Depends(_changeable)]
SelfBookingDep = Annotated[CoachAccess, Depends(_bookable)]
