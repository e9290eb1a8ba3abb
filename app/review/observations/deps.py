"""Resolving the resource a route names before its body is read, so that a caller who may
not see it gets 404 whatever they sent."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from app.access import Member, require_role
from app.access.observations import observation_for, require_rater
from app.access.recordings import recording_access, require_manager
from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.error_docs import answers
from app.errors import NotFound
from app.models import Observation, Role, SecondRaterAssignment, User


@dataclass(frozen=True)
class ObservationAccess:
    member: Member
    observation: Observation


def _observation(observation_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> ObservationAccess:
    member, observation = observation_for(db, user=user, observation_id=observation_id)
    return ObservationAccess(member, observation)


ObservationDep = Annotated[ObservationAccess, Depends(_observation)]


@answers(403)
async def _rater_observation(access: ObservationDep) -> ObservationAccess:
    require_rater(access.member, access.observation)
    return access


@answers(403)
async def _lead_observation(access: ObservationDep) -> ObservationAccess:
    require_role(access.member, Role.lead)
    return access


# Refused before the body is read: only its rater changes an observation, only leads
# mark gold standards.
RaterObservationDep = Annotated[ObservationAccess, Depends(_rater_observation)]
LeadObservationDep = Annotated[ObservationAccess, Depends(_lead_observation)]


@dataclass(frozen=True)
class SecondRaterAccess:
    member: Member
    assignment: SecondRaterAssignment


def second_rater_for(db: Session, *, user: User, second_rater_id: uuid.UUID) -> SecondRaterAccess:
    assignment = db.get(SecondRaterAssignment, second_rater_id)
    if assignment is None:
        raise NotFound("Second rater not found.")
    access = recording_access(
        db, user=user, recording_id=assignment.recording_id, label="Second rater"
    )
    require_manager(access)
    return SecondRaterAccess(access.member, assignment)


def _second_rater(
    second_rater_id: uuid.UUID, user: CurrentUser, db: SessionDep
) -> SecondRaterAccess:
    return second_rater_for(db, user=user, second_rater_id=second_rater_id)


SecondRaterDep = Annotated[SecondRaterAccess, Depends(_second_rater)]
