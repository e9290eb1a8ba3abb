"""Who may score a recording and who may see which observation. Built on app/access.py.

Scoring: a coach assigned to the recording's practitioner, or a second rater a lead (or
the programme's double-coding rule) assigned to that recording.

Seeing an observation: its rater always (drafts are private to them). A submitted one:
leads; the practitioner whose recording it is; coaches assigned to that practitioner;
people granted access to the recording. Supervisors see fidelity figures, not
observations (evidence text describes the family's session).

Blind double coding: a rater with a draft on the recording, or a potential rater of a
double-coded recording, sees no other rater's observation of it until they submit their
own. It applies to leads too, so a lead acting as second rater is blind like anyone else.

An observation the caller may not see is a 404, as everywhere in Tandem.
"""

import uuid

from sqlalchemy import ColumnElement, and_, false, not_, or_, true
from sqlmodel import Session, col, select

from app.access import Member, is_assigned, member_of
from app.errors import Forbidden, NotFound
from app.models import (
    Assignment,
    Observation,
    Recording,
    RecordingAccessGrant,
    Role,
    SecondRaterAssignment,
    User,
)
from app.models.organisation import AssignmentKind
from app.models.review import ObservationStatus


def is_second_rater(db: Session, *, recording_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    statement = select(SecondRaterAssignment.id).where(
        SecondRaterAssignment.recording_id == recording_id,
        SecondRaterAssignment.rater_user_id == user_id,
    )
    return db.exec(statement).first() is not None


def is_assigned_coach(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> bool:
    return member.has(Role.coach) and is_assigned(
        db, member=member, kind=AssignmentKind.coach, practitioner_user_id=practitioner_user_id
    )


def require_may_score(db: Session, *, member: Member, recording: Recording) -> None:
    if is_second_rater(db, recording_id=recording.id, user_id=member.user.id):
        return
    if recording.owner_user_id != member.user.id and is_assigned_coach(
        db, member=member, practitioner_user_id=recording.owner_user_id
    ):
        return
    raise Forbidden(
        "Only a coach assigned to this practitioner or a second rater assigned to this "
        "recording may score it.",
        code="not_a_rater",
    )


def require_rater(member: Member, observation: Observation) -> None:
    if observation.rater_user_id != member.user.id:
        raise Forbidden("Only the coach who made this observation may change it.")


def _coachees(member: Member) -> ColumnElement[bool]:
    if not member.has(Role.coach):
        return false()
    practitioners = select(Assignment.practitioner_user_id).where(
        Assignment.organisation_id == member.organisation_id,
        Assignment.kind == AssignmentKind.coach,
        Assignment.staff_user_id == member.user.id,
    )
    return col(Observation.practitioner_user_id).in_(practitioners)


def _audience(member: Member) -> ColumnElement[bool]:
    if member.has(Role.lead):
        return true()
    granted = select(RecordingAccessGrant.recording_id).where(
        RecordingAccessGrant.user_id == member.user.id
    )
    return or_(
        col(Observation.practitioner_user_id) == member.user.id,
        _coachees(member),
        col(Observation.recording_id).in_(granted),
    )


def _blind(member: Member) -> ColumnElement[bool]:
    me = member.user.id
    mine = select(Observation.recording_id).where(Observation.rater_user_id == me)
    submitted = mine.where(Observation.status == ObservationStatus.submitted)
    second_rated = select(SecondRaterAssignment.recording_id)
    assigned_to_me = second_rated.where(SecondRaterAssignment.rater_user_id == me)
    recording = col(Observation.recording_id)
    potential_rater = or_(
        recording.in_(mine),
        recording.in_(assigned_to_me),
        and_(recording.in_(second_rated), _coachees(member)),
    )
    return and_(potential_rater, not_(recording.in_(submitted)))


def visible(member: Member) -> ColumnElement[bool]:
    """The observations this member may see, as a filter on Observation."""
    shared = and_(
        col(Observation.status) == ObservationStatus.submitted,
        _audience(member),
        not_(_blind(member)),
    )
    return or_(col(Observation.rater_user_id) == member.user.id, shared)


def observation_for(
    db: Session, *, user: User, observation_id: uuid.UUID
) -> tuple[Member, Observation]:
    """The observation and the caller as a member of its organisation, or 404."""
    observation = db.get(Observation, observation_id)
    if observation is None:
        raise NotFound("Observation not found.")
    try:
        member = member_of(db, user=user, organisation_id=observation.organisation_id)
    except NotFound:
        raise NotFound("Observation not found.") from None
    statement = select(Observation.id).where(Observation.id == observation.id, visible(member))
    if db.exec(statement).first() is None:
        raise NotFound("Observation not found.")
    return member, observation
