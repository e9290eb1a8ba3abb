"""Who coaches and who supervises which practitioner."""

import uuid

from sqlmodel import Session, col, or_, select

from app.access import Member, load_scoped, member_named, scoped
from app.access.relations import STAFF_ROLE
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict, Unprocessable, naming_field
from app.models import Assignment, Role
from app.models.organisation import AssignmentKind
from app.organisation.schemas import AssignmentCreate
from app.schemas import Page


def _roles_in_org(db: Session, organisation_id: uuid.UUID, user_id: uuid.UUID) -> frozenset[Role]:
    return member_named(db, organisation_id=organisation_id, user_id=user_id).roles


def list_assignments(
    db: Session, *, member: Member, page: Page, user_id: uuid.UUID | None = None
) -> list[Assignment]:
    statement = scoped(Assignment, member.organisation_id)
    if not member.has(Role.lead, Role.supervisor):
        user_id = member.user.id  # others see only the assignments they are part of
    if user_id is not None:
        statement = statement.where(
            or_(
                col(Assignment.staff_user_id) == user_id,
                col(Assignment.practitioner_user_id) == user_id,
            )
        )
    statement = statement.order_by(col(Assignment.created_at), col(Assignment.id))
    return list(db.exec(page.of(statement)))


def create_assignment(
    db: Session, *, lead: Member, body: AssignmentCreate, context: AuditContext
) -> Assignment:
    org_id = lead.organisation_id
    needed = STAFF_ROLE[body.kind]
    if needed not in _roles_in_org(db, org_id, body.staff_user_id):
        raise naming_field(
            Unprocessable,
            "staff_user_id",
            f"must be a {needed.value} of this organisation.",
            code="invalid_staff",
        )
    if Role.practitioner not in _roles_in_org(db, org_id, body.practitioner_user_id):
        raise naming_field(
            Unprocessable,
            "practitioner_user_id",
            "must be a practitioner of this organisation.",
            code="invalid_practitioner",
        )
    duplicate = db.exec(
        scoped(Assignment, org_id).where(
            Assignment.kind == body.kind,
            Assignment.staff_user_id == body.staff_user_id,
            Assignment.practitioner_user_id == body.practitioner_user_id,
        )
    ).first()
    if duplicate is not None:
        raise naming_field(
            Conflict,
            "staff_user_id",
            f"already assigned to this practitioner as {body.kind.value}.",
            code="duplicate_assignment",
        )
    assignment = Assignment(organisation_id=org_id, **body.model_dump())
    db.add(assignment)
    db.flush()
    audit.record(
        db,
        action="assignment.created",
        resource_type="assignment",
        resource_id=assignment.id,
        organisation_id=org_id,
        actor_user_id=lead.user.id,
        context=context,
        details=body.model_dump(mode="json"),
    )
    return assignment


def delete_assignment(
    db: Session, *, lead: Member, assignment_id: uuid.UUID, context: AuditContext
) -> None:
    assignment = load_scoped(
        db,
        Assignment,
        organisation_id=lead.organisation_id,
        row_id=assignment_id,
        label="Assignment",
    )
    audit.record(
        db,
        action="assignment.deleted",
        resource_type="assignment",
        resource_id=assignment.id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
    )
    db.delete(assignment)
    db.flush()


def staff_for(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    practitioner_user_id: uuid.UUID,
    kind: AssignmentKind,
) -> list[uuid.UUID]:
    statement = select(Assignment.staff_user_id).where(
        Assignment.organisation_id == organisation_id,
        Assignment.kind == kind,
        Assignment.practitioner_user_id == practitioner_user_id,
    )
    return list(db.exec(statement))
