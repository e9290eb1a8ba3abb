"""Who may see and change a practitioner's learning objectives.

Read: the practitioner, their assigned coaches and supervisors, leads. Write (create, edit,
notes, evidence, status): the practitioner, their assigned coaches, leads; supervisors
follow progress but do not set objectives. Anyone else in the organisation gets 404.
"""

import uuid

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col

from app.access import Member, is_assigned, member_of
from app.errors import Forbidden, NotFound
from app.models import LearningObjective, Role, User
from app.models.organisation import AssignmentKind
from app.review.audience import assigned_practitioners


def visible(member: Member) -> ColumnElement[bool]:
    if member.has(Role.lead):
        return true()
    practitioner = col(LearningObjective.practitioner_user_id)
    return or_(practitioner == member.user.id, practitioner.in_(assigned_practitioners(member)))


def may_read(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> bool:
    if member.has(Role.lead) or member.user.id == practitioner_user_id:
        return True
    return any(
        member.has(role)
        and is_assigned(db, member=member, kind=kind, practitioner_user_id=practitioner_user_id)
        for kind, role in (
            (AssignmentKind.coach, Role.coach),
            (AssignmentKind.supervisor, Role.supervisor),
        )
    )


def may_write(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> bool:
    if member.has(Role.lead):
        return True
    if member.user.id == practitioner_user_id:
        return member.has(Role.practitioner)
    return member.has(Role.coach) and is_assigned(
        db, member=member, kind=AssignmentKind.coach, practitioner_user_id=practitioner_user_id
    )


def require_write(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> None:
    if not may_write(db, member=member, practitioner_user_id=practitioner_user_id):
        raise Forbidden(
            "Only the practitioner, their coaches or a lead may set and change objectives.",
            code="objective_not_permitted",
        )


def objective_for(
    db: Session, *, user: User, objective_id: uuid.UUID
) -> tuple[Member, LearningObjective]:
    objective = db.get(LearningObjective, objective_id)
    try:
        if objective is None:
            raise NotFound("Objective not found.")
        member = member_of(db, user=user, organisation_id=objective.organisation_id)
    except NotFound:
        raise NotFound("Objective not found.") from None
    if not may_read(db, member=member, practitioner_user_id=objective.practitioner_user_id):
        raise NotFound("Objective not found.")
    return member, objective
