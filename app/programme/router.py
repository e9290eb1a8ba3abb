"""Programmes of an organisation."""

import uuid

from fastapi import APIRouter

from app.access import LeadDep, MemberDep
from app.audit.context import AuditContextDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.programme import service
from app.programme.schemas import ProgrammeCreate, ProgrammeRead, ProgrammeUpdate
from app.routing import TandemRoute
from app.schemas import PageDep

router = APIRouter(
    prefix="/organisations/{organisation_id}/programmes",
    tags=["programmes"],
    route_class=TandemRoute,
)


def _read(row: object) -> ProgrammeRead:
    return ProgrammeRead.model_validate(row, from_attributes=True)


@router.get("", response_model=list[ProgrammeRead])
def list_programmes(member: MemberDep, db: SessionDep, page: PageDep) -> list[ProgrammeRead]:
    """The programmes this organisation implements, by name."""
    return [_read(row) for row in service.list_programmes(db, member=member, page=page)]


@router.post("", response_model=ProgrammeRead, status_code=201, responses=error_responses(409))
def create_programme(
    body: ProgrammeCreate, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> ProgrammeRead:
    """Add a programme (leads)."""
    return _read(service.create_programme(db, lead=lead, body=body, context=context))


@router.get("/{programme_id}", response_model=ProgrammeRead)
def read_programme(programme_id: uuid.UUID, member: MemberDep, db: SessionDep) -> ProgrammeRead:
    """One programme."""
    return _read(service.get_programme(db, member=member, programme_id=programme_id))


@router.patch("/{programme_id}", response_model=ProgrammeRead, responses=error_responses(409))
def update_programme(
    programme_id: uuid.UUID,
    body: ProgrammeUpdate,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
) -> ProgrammeRead:
    """Rename or describe a programme (leads)."""
    return _read(
        service.update_programme(
            db, lead=lead, programme_id=programme_id, body=body, context=context
        )
    )
