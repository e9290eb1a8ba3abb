"""Whose figures a report holds, and whom its filters may name.

Scope by role, the rule of `figures.practitioner_rule`: leads the whole organisation,
supervisors their team, coaches the practitioners they coach, practitioners themselves.
Filters only narrow that scope. A filter naming someone the caller may not ask about is a
404 naming the filter, never an empty report that would pass for "nothing happened":
- `practitioner_user_id`: a practitioner whose figures the caller may see;
- `supervisor_user_id`, `coach_user_id`: a lead may name any supervisor or coach of the
  organisation; anyone else only themselves, in a role they hold;
- `programme_id`: a programme of the organisation.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy
from sqlalchemy import ColumnElement, Select, and_, exists
from sqlmodel import Session, col, select

from app.access.figures import practitioner_rule
from app.access.members import Member
from app.access.relations import Ids
from app.access.scoping import load_scoped
from app.errors import NotFound
from app.models import Assignment, Membership, MembershipRole, Programme, Role, User
from app.models.organisation import AssignmentKind

PractitionerCondition = Callable[[ColumnElement[uuid.UUID]], ColumnElement[bool]]


@dataclass(frozen=True)
class PeopleFilters:
    programme_id: uuid.UUID | None = None
    supervisor_user_id: uuid.UUID | None = None
    coach_user_id: uuid.UUID | None = None
    practitioner_user_id: uuid.UUID | None = None


def report_scope(db: Session, *, member: Member, filters: PeopleFilters) -> PractitionerCondition:
    """Checks the filters (404 naming the first one out of reach) and answers a condition
    on a practitioner-id column: the practitioners this report may count."""
    _check(db, member=member, filters=filters)

    def condition(practitioner: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
        conditions = [practitioner_rule(member, practitioner)]
        if filters.practitioner_user_id is not None:
            conditions.append(practitioner == filters.practitioner_user_id)
        for kind, staff in (
            (AssignmentKind.supervisor, filters.supervisor_user_id),
            (AssignmentKind.coach, filters.coach_user_id),
        ):
            if staff is not None:
                conditions.append(practitioner.in_(_assigned(member, kind, staff)))
        return and_(*conditions)

    return condition


def reported_practitioners(
    organisation_id: uuid.UUID, practitioners: PractitionerCondition
) -> Select[Any]:
    """Members holding the practitioner role now whom a report counts (`practitioners`,
    from `report_scope`): `user_id`, `membership_id`, `name`, `is_champion`."""
    user_id: Any = Membership.user_id  # a mapped attribute is a column expression too
    return (
        sqlalchemy.select(
            user_id.label("user_id"),
            col(Membership.id).label("membership_id"),
            col(User.display_name).label("name"),
            col(Membership.is_champion).label("is_champion"),
        )
        .join(
            MembershipRole,
            and_(
                col(MembershipRole.membership_id) == col(Membership.id),
                col(MembershipRole.role) == Role.practitioner,
            ),
        )
        .join(User, col(User.id) == user_id)
        .where(col(Membership.organisation_id) == organisation_id)
        .where(practitioners(user_id))
    )


def _assigned(member: Member, kind: AssignmentKind, staff_user_id: uuid.UUID) -> Ids:
    return select(col(Assignment.practitioner_user_id)).where(
        col(Assignment.organisation_id) == member.organisation_id,
        col(Assignment.staff_user_id) == staff_user_id,
        col(Assignment.kind) == kind,
    )


def _check(db: Session, *, member: Member, filters: PeopleFilters) -> None:
    if filters.programme_id is not None:
        load_scoped(
            db,
            Programme,
            organisation_id=member.organisation_id,
            row_id=filters.programme_id,
            label="programme_id: Programme",
        )
    for name, role, staff in (
        ("supervisor_user_id", Role.supervisor, filters.supervisor_user_id),
        ("coach_user_id", Role.coach, filters.coach_user_id),
    ):
        if staff is None:
            continue
        own = staff == member.user_id and member.has(role)
        if not own and not (member.has(Role.lead) and _holds(db, member, staff, role)):
            raise NotFound(f"{name}: no {role.value} here that you may report on.")
    practitioner = filters.practitioner_user_id
    if practitioner is not None:
        user_id: Any = Membership.user_id  # a mapped attribute is a column expression too
        visible = and_(
            practitioner_rule(member, user_id),
            col(Membership.user_id) == practitioner,
        )
        if not _holds(db, member, practitioner, Role.practitioner, visible):
            raise NotFound("practitioner_user_id: no practitioner here that you may report on.")


def _holds(
    db: Session,
    member: Member,
    user_id: uuid.UUID,
    role: Role,
    also: ColumnElement[bool] | None = None,
) -> bool:
    """Whether this user is a member of the caller's organisation holding this role."""
    statement = select(col(Membership.id)).where(
        col(Membership.organisation_id) == member.organisation_id,
        col(Membership.user_id) == user_id,
        exists().where(
            col(MembershipRole.membership_id) == col(Membership.id),
            col(MembershipRole.role) == role,
        ),
    )
    if also is not None:
        statement = statement.where(also)
    return db.execute(statement).first() is not None
