"""Resolving the resource a route names before its body is read, so that a caller who may
not see it gets 404 whatever they sent."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from app.access import Member, member_of
from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.errors import NotFound
from app.models import Observation, SecondRaterAssignment, User
from app.recording.policy import RecordingAccess, recording_access
from app.review.observations.policy import observation_for


def _recording(recording_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> RecordingAccess:
    return recording_access(db, user=user, recording_id=recording_id)


RecordingAccessDep = Annotated[RecordingAccess, Depends(_recording)]


@dataclass(frozen=True)
class ObservationAccess:
    member: Member
    observation: Observation


def _observation(observation_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> ObservationAccess:
    member, observation = observation_for(db, user=user, observation_id=observation_id)
    return ObservationAccess(member, observation)


ObservationDep = Annotated[ObservationAccess, Depends(_observation)]


@dataclass(frozen=True)
class SecondRaterAccess:
    member: Member
    assignment: SecondRaterAssignment


def second_rater_for(db: Session, *, user: User, second_rater_id: uuid.UUID) -> SecondRaterAccess:
    assignment = db.get(SecondRaterAssignment, second_rater_id)
    try:
        if assignment is None:
            raise NotFound("Second rater not found.")
        member = member_of(db, user=user, organisation_id=assignment.organisation_id)
    except NotFound:
        raise NotFound("Second rater not found.") from None
    return SecondRaterAccess(member, assignment)


def _second_rater(
    second_rater_id: uuid.UUID, user: CurrentUser, db: SessionDep
) -> SecondRaterAccess:
    return second_rater_for(db, user=user, second_rater_id=second_rater_id)


SecondRaterDep = Annotated[SecondRaterAccess, Depends(_second_rater)]
