"""Who may see and set a practitioner's ring-fenced time: allocations, logged time,
sign-offs and the time report.

See: the practitioner themself, their coaches (read only), their supervisors, leads (the
same people who see their figures, `figures.practitioner_rule`). Anyone else in the
organisation gets 404 for a row of theirs and finds nothing of theirs in lists.
Set allocations, sign off and reopen: their supervisors and leads.
Log and delete time: the practitioner (holding the practitioner role), their supervisors
and leads. Whoever may see but not change gets 403 with a code saying what they may not do.
"""

import uuid
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from app.access import relations
from app.access.figures import practitioner_rule
from app.access.members import Member, MemberDep, Principal, require_role
from app.access.scoping import scoped
from app.error_docs import answers
from app.errors import Forbidden, NotFound
from app.models import Assignment, Role, TimeAllocation, TimeEntry, TimeSignOff

MANAGERS = (Role.supervisor, Role.lead)
"""Who may set allocations and sign time off, of the practitioners in their care."""

LOGGERS = (Role.practitioner, *MANAGERS)
"""Who may log time: practitioners their own, managers for the practitioners in their care."""

TimeRow = TypeVar("TimeRow", TimeAllocation, TimeEntry, TimeSignOff)


def visible(
    member: Principal, practitioner: ColumnElement[uuid.UUID] | Mapped[uuid.UUID]
) -> ColumnElement[bool]:
    """A condition on a practitioner-id column: whose time this member may see."""
    column: Any = practitioner  # a mapped attribute is a column expression too
    return practitioner_rule(member, column)


def may_manage(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> bool:
    if member.has(Role.lead):
        return True
    team = relations.supervised(member).where(
        col(Assignment.practitioner_user_id) == practitioner_user_id
    )
    return db.exec(team).first() is not None


def require_manage(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> None:
    if not may_manage(db, member=member, practitioner_user_id=practitioner_user_id):
        raise Forbidden(
            "Only the practitioner's supervisor or a lead may set allocations and sign time off.",
            code="time_management_not_permitted",
        )


def require_log(db: Session, *, member: Member, practitioner_user_id: uuid.UUID) -> None:
    if member.user_id == practitioner_user_id and member.has(Role.practitioner):
        return
    if not may_manage(db, member=member, practitioner_user_id=practitioner_user_id):
        raise Forbidden(
            "Only the practitioner, their supervisor or a lead may log or remove their time.",
            code="time_logging_not_permitted",
        )


def load_visible_row(
    db: Session, model: type[TimeRow], *, member: Member, row_id: uuid.UUID, label: str
) -> TimeRow:
    """A row of this organisation about a practitioner whose time the member may see;
    otherwise "{label} not found." (404)."""
    practitioner: Any = model.practitioner_user_id
    identifier: Any = model.id
    statement = scoped(model, member.organisation_id).where(
        identifier == row_id, visible(member, practitioner)
    )
    row = db.exec(statement).first()
    if row is None:
        raise NotFound(f"{label} not found.")
    return row


@answers(403)
async def _time_manager(member: MemberDep) -> Member:
    require_role(member, *MANAGERS)
    return member


@answers(403)
async def _time_logger(member: MemberDep) -> Member:
    require_role(member, *LOGGERS)
    return member


# Refused before the body is read: nobody without the role can set or log anyone's time.
TimeManagerDep = Annotated[Member, Depends(_time_manager)]
TimeLoggerDep = Annotated[Member, Depends(_time_logger)]
