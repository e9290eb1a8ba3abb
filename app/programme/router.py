"""Programmes of an organisation."""

import uuid
from collections.abc import Sequence

from sqlmodel import Session

from app.access import LeadDep, MemberDep
from app.audit.context import AuditContextDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.models import Programme
from app.programme import service
from app.programme.schemas import ProgrammeCreate, ProgrammeRead, ProgrammeUpdate, RubricInUse
from app.routing import TandemRouter
from app.rubric import in_use
from app.schemas import PageDep

router = TandemRouter(
    prefix="/organisations/{organisation_id}/programmes",
    tags=["programmes"],
)


def _reads(db: Session, rows: Sequence[Programme]) -> list[ProgrammeRead]:
    """Each programme with the rubric version it uses, in one query for the whole page."""
    if not rows:
        return []
    used = in_use.in_use_by_programme(db, organisation_id=rows[0].organisation_id, programmes=rows)
    return [
        ProgrammeRead(
            id=row.id,
            name=row.name,
            description=row.description,
            created_at=row.created_at,
            rubric_version_id=row.rubric_version_id,
            rubric_in_use=RubricInUse(**vars(used[row.id])) if row.id in used else None,
        )
        for row in rows
    ]


def _read(db: Session, row: Programme) -> ProgrammeRead:
    return _reads(db, [row])[0]


@router.get("", response_model=list[ProgrammeRead])
def list_programmes(member: MemberDep, db: SessionDep, page: PageDep) -> list[ProgrammeRead]:
    """The programmes this organisation implements, by name."""
    return _reads(db, service.list_programmes(db, member=member, page=page))


@router.post("", response_model=ProgrammeRead, status_code=201, responses=error_responses(409))
def create_programme(
    body: ProgrammeCreate, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> ProgrammeRead:
    """Add a programme (leads)."""
    return _read(db, service.create_programme(db, lead=lead, body=body, context=context))


@router.get("/{programme_id}", response_model=ProgrammeRead)
def read_programme(programme_id: uuid.UUID, member: MemberDep, db: SessionDep) -> ProgrammeRead:
    """One programme."""
    return _read(db, service.get_programme(db, member=member, programme_id=programme_id))


@router.patch("/{programme_id}", response_model=ProgrammeRead, responses=error_responses(409, 422))
def update_programme(
    programme_id: uuid.UUID,
    body: ProgrammeUpdate,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
) -> ProgrammeRead:
    """Rename or describe a programme, or choose the published rubric version its new
    observations are scored against (`rubric_version_id`, a version of one of its rubrics)
    (leads)."""
    return _read(
        db,
        service.update_programme(
            db, lead=lead, programme_id=programme_id, body=body, context=context
        ),
    )
