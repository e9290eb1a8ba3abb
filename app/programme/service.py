"""Programmes: the interventions an organisation implements."""

import uuid

from sqlmodel import Session, col

from app.access import Member, load_scoped, scoped
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict
from app.models import Programme
from app.programme.schemas import ProgrammeCreate, ProgrammeUpdate
from app.rubric import in_use
from app.schemas import Page


def list_programmes(db: Session, *, member: Member, page: Page) -> list[Programme]:
    # Names are unique within an organisation, so they order the pages.
    statement = scoped(Programme, member.organisation_id).order_by(col(Programme.name))
    return list(db.exec(page.of(statement)))


def get_programme(db: Session, *, member: Member, programme_id: uuid.UUID) -> Programme:
    return load_scoped(
        db,
        Programme,
        organisation_id=member.organisation_id,
        row_id=programme_id,
        label="Programme",
    )


def _refuse_duplicate_name(db: Session, organisation_id: uuid.UUID, name: str) -> None:
    if db.exec(scoped(Programme, organisation_id).where(Programme.name == name)).first():
        raise Conflict(f"A programme called {name!r} already exists.", code="duplicate_name")


def create_programme(
    db: Session, *, lead: Member, body: ProgrammeCreate, context: AuditContext
) -> Programme:
    _refuse_duplicate_name(db, lead.organisation_id, body.name)
    programme = Programme(organisation_id=lead.organisation_id, **body.model_dump())
    db.add(programme)
    db.flush()
    audit.record(
        db,
        action="programme.created",
        resource_type="programme",
        resource_id=programme.id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
    )
    return programme


def update_programme(
    db: Session,
    *,
    lead: Member,
    programme_id: uuid.UUID,
    body: ProgrammeUpdate,
    context: AuditContext,
) -> Programme:
    programme = get_programme(db, member=lead, programme_id=programme_id)
    if body.name is not None and body.name != programme.name:
        _refuse_duplicate_name(db, lead.organisation_id, body.name)
    changes = body.model_dump(exclude_unset=True)
    if "rubric_version_id" in body.model_fields_set:
        in_use.choose(db, programme=programme, rubric_version_id=changes.pop("rubric_version_id"))
    for field, value in changes.items():
        setattr(programme, field, value)
    db.add(programme)
    audit.record(
        db,
        action="programme.updated",
        resource_type="programme",
        resource_id=programme.id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
        details={
            "changed": sorted(body.model_fields_set),
            "rubric_version_id": str(programme.rubric_version_id),
        },
    )
    return programme
