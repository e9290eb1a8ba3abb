"""Who may see and change a practitioner's learning objectives.

Read: the practitioner, their assigned coaches and supervisors, leads. Write (create, edit,
notes, evidence, status): the practitioner, their assigned coaches, leads; supervisors
follow progress but do not set objectives. Anyone else in the organisation gets 404.
Evidence linked to an objective is shown only to readers who may see what it links to.
"""

import uuid

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col

from app.access import relations
from app.access.members import Member, Principal
from app.access.scoping import load_visible
from app.errors import Forbidden
from app.models import Assignment, LearningObjective, Role, User


def visible(member: Principal) -> ColumnElement[bool]:
    """The objectives this member may read, as a filter on LearningObjective."""
    if member.has(Role.lead):
        return true()
    practitioner = col(LearningObjective.practitioner_user_id)
    return or_(
        practitioner == member.user_id,
        practitioner.in_(relations.coached_or_supervised(member)),
    )


def may_write(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> bool:
    if member.has(Role.lead):
        return True
    if member.user_id == practitioner_user_id:
        return member.has(Role.practitioner)
    coached = relations.coached(member).where(
        col(Assignment.practitioner_user_id) == practitioner_user_id
    )
    return db.exec(coached).first() is not None


def require_write(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> None:
    if not may_write(db, member=member, practitioner_user_id=practitioner_user_id):
        raise Forbidden(
            "Only the practitioner, their coaches or a lead may set and change objectives.",
            code="objective_not_permitted",
        )


def objective_for(
    db: Session, *, user: User, objective_id: uuid.UUID
) -> tuple[Member, LearningObjective]:
    return load_visible(
        db, LearningObjective, user=user, row_id=objective_id, rule=visible, label="Objective"
    )
