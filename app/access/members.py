"""The caller as a member of one organisation, with the roles they hold there now.

Nothing here is cached across requests: roles are read again on every request, so a role
taken away ends everything it gave at once.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session, select

from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.errors import Forbidden, NotFound
from app.models import Membership, MembershipRole, Organisation, Role, User


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

    @property
    def user_id(self) -> uuid.UUID:
        return self.user.id

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def roles_of(db: Session, membership_id: uuid.UUID) -> frozenset[Role]:
    rows = db.exec(select(MembershipRole.role).where(MembershipRole.membership_id == membership_id))
    return frozenset(Role(role) for role in rows)


def member_of(
    db: Session, *, user: User, organisation_id: uuid.UUID, label: str = "Organisation"
) -> Member:
    """The caller's membership, or 404 naming `label`: outsiders must not learn that the
    organisation (or the resource they asked for) exists."""
    membership = db.exec(
        select(Membership).where(
            Membership.organisation_id == organisation_id, Membership.user_id == user.id
        )
    ).first()
    organisation = db.get(Organisation, organisation_id) if membership else None
    if membership is None or organisation is None:
        raise NotFound(f"{label} not found.")
    return Member(user, organisation, membership, roles_of(db, membership.id))


def member_named(db: Session, *, organisation_id: uuid.UUID, user_id: uuid.UUID) -> Member:
    """The member a request body names, or 404: a person of another organisation (or no
    one) is not found here, and the answer says nothing about whether they exist."""
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("No member of this organisation has this id.", code="member_not_found")
    try:
        return member_of(db, user=user, organisation_id=organisation_id)
    except NotFound:
        raise NotFound(
            "No member of this organisation has this id.", code="member_not_found"
        ) from None


def require_role(member: Member, *roles: Role) -> None:
    if not member.has(*roles):
        needed = " or ".join(role.value for role in roles)
        raise Forbidden(f"Only a {needed} of this organisation may do this.")


def current_member(organisation_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> Member:
    return member_of(db, user=user, organisation_id=organisation_id)


MemberDep = Annotated[Member, Depends(current_member)]


def current_lead(member: MemberDep) -> Member:
    require_role(member, Role.lead)
    return member


LeadDep = Annotated[Member, Depends(current_lead)]
