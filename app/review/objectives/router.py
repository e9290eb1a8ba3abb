"""Learning objectives: list and create per organisation, then by id."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from app.access import Member, MemberDep
from app.access.objectives import objective_for, require_write
from app.audit.context import AuditContextDep
from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.error_docs import error_responses
from app.models import LearningObjective
from app.models.review import ObjectiveStatus
from app.review.objectives import reads, service
from app.review.objectives.schemas import (
    EvidenceCreate,
    EvidenceRead,
    NoteCreate,
    NoteRead,
    ObjectiveCreate,
    ObjectiveRead,
    ObjectiveUpdate,
)
from app.routing import TandemRouter
from app.schemas import PageDep

router = TandemRouter(tags=["objectives"])


@dataclass(frozen=True)
class ObjectiveAccess:
    member: Member
    objective: LearningObjective


def _objective(objective_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> ObjectiveAccess:
    return ObjectiveAccess(*objective_for(db, user=user, objective_id=objective_id))


ObjectiveDep = Annotated[ObjectiveAccess, Depends(_objective)]


def _writable_objective(access: ObjectiveDep, db: SessionDep) -> ObjectiveAccess:
    practitioner = access.objective.practitioner_user_id
    require_write(db, member=access.member, practitioner_user_id=practitioner)
    return access


# Refused before the body is read: supervisors follow objectives but do not change them.
WritableObjectiveDep = Annotated[ObjectiveAccess, Depends(_writable_objective)]


@router.get("/organisations/{organisation_id}/objectives", response_model=list[ObjectiveRead])
def list_objectives(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    practitioner_user_id: uuid.UUID | None = None,
    status: ObjectiveStatus | None = None,
) -> list[ObjectiveRead]:
    """Objectives the caller may see, newest first: their own, of the practitioners they
    coach or supervise; leads see all. Each says whether it is ready to be marked achieved."""
    rows = service.list_objectives(
        db, member=member, page=page, practitioner_user_id=practitioner_user_id, status=status
    )
    return reads.objectives_read(db, member=member, objectives=rows)


@router.post(
    "/organisations/{organisation_id}/objectives", response_model=ObjectiveRead, status_code=201
)
def create_objective(
    body: ObjectiveCreate, member: MemberDep, db: SessionDep, context: AuditContextDep
) -> ObjectiveRead:
    """Set a learning objective for a practitioner (the practitioner, their coach, a lead),
    linked to rubric criteria with the level to reach."""
    row = service.create_objective(db, member=member, body=body, context=context)
    return reads.objectives_read(db, member=member, objectives=[row])[0]


@router.get("/objectives/{objective_id}", response_model=ObjectiveRead)
def read_objective(access: ObjectiveDep, db: SessionDep) -> ObjectiveRead:
    """One objective with its criteria, progress notes and evidence."""
    return reads.objectives_read(db, member=access.member, objectives=[access.objective])[0]


@router.patch("/objectives/{objective_id}", response_model=ObjectiveRead)
def update_objective(
    body: ObjectiveUpdate, access: ObjectiveDep, db: SessionDep, context: AuditContextDep
) -> ObjectiveRead:
    """Change an objective or its status; status achieved records who confirmed it."""
    row = service.update_objective(
        db, member=access.member, objective=access.objective, body=body, context=context
    )
    return reads.objectives_read(db, member=access.member, objectives=[row])[0]


@router.post("/objectives/{objective_id}/notes", response_model=NoteRead, status_code=201)
def add_note(body: NoteCreate, access: WritableObjectiveDep, db: SessionDep) -> NoteRead:
    """Add a progress note."""
    note = service.add_note(db, member=access.member, objective=access.objective, body=body)
    return NoteRead.model_validate(note)


@router.post(
    "/objectives/{objective_id}/evidence",
    response_model=EvidenceRead,
    status_code=201,
    responses=error_responses(409),
)
def add_evidence(
    body: EvidenceCreate, access: WritableObjectiveDep, db: SessionDep
) -> EvidenceRead:
    """Link evidence: an observation or a comment of this practitioner's that you may see."""
    row = service.add_evidence(db, member=access.member, objective=access.objective, body=body)
    return EvidenceRead.model_validate(row)
