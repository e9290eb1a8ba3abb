"""Authorisation in one place: who belongs to which organisation, in which roles.

Every org-scoped query goes through `scoped` / `get_scoped`, so a row of another
organisation is never found, and a caller outside an organisation gets 404 for it.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.errors import Forbidden, NotFound
from app.models import Assignment, Membership, MembershipRole, Organisation, Role, User
from app.models.organisation import AssignmentKind

Row = TypeVar("Row", bound=SQLModel)


@dataclass(frozen=True)
class Member:
    """The caller as a member of one organisation."""

    user: User
    organisation: Organisation
    membership: Membership
    roles: frozenset[Role]

    @property
    def organisation_id(self) -> uuid.UUID:
        return self.organisation.id

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def roles_of(db: Session, membership_id: uuid.UUID) -> frozenset[Role]:
    rows = db.exec(select(MembershipRole.role).where(MembershipRole.membership_id == membership_id))
    return frozenset(Role(role) for role in rows)


def member_of(db: Session, *, user: User, organisation_id: uuid.UUID) -> Member:
    """The caller's membership, or 404: outsiders must not learn the organisation exists."""
    membership = db.exec(
        select(Membership).where(
            Membership.organisation_id == organisation_id, Membership.user_id == user.id
        )
    ).first()
    organisation = db.get(Organisation, organisation_id) if membership else None
    if membership is None or organisation is None:
        raise NotFound("Organisation not found.")
    return Member(user, organisation, membership, roles_of(db, membership.id))


def require_role(member: Member, *roles: Role) -> None:
    if not member.has(*roles):
        needed = " or ".join(role.value for role in roles)
        raise Forbidden(f"Only a {needed} of this organisation may do this.")


def scoped(model: type[Row], organisation_id: uuid.UUID) -> SelectOfScalar[Row]:
    column: Any = model.organisation_id  # type: ignore[attr-defined]
    return select(model).where(column == organisation_id)


def get_scoped(
    db: Session, model: type[Row], *, organisation_id: uuid.UUID, row_id: uuid.UUID, label: str
) -> Row:
    column: Any = model.id  # type: ignore[attr-defined]
    row = db.exec(scoped(model, organisation_id).where(column == row_id)).first()
    if row is None:
        raise NotFound(f"{label} not found.")
    return row


def is_assigned(
    db: Session, *, member: Member, kind: AssignmentKind, practitioner_user_id: uuid.UUID
) -> bool:
    statement = scoped(Assignment, member.organisation_id).where(
        Assignment.kind == kind,
        Assignment.staff_user_id == member.user.id,
        Assignment.practitioner_user_id == practitioner_user_id,
    )
    return db.exec(statement).first() is not None


def current_member(organisation_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> Member:
    return member_of(db, user=user, organisation_id=organisation_id)


MemberDep = Annotated[Member, Depends(current_member)]


def current_lead(member: MemberDep) -> Member:
    require_role(member, Role.lead)
    return member


LeadDep = Annotated[Member, Depends(current_lead)]
