"""The caller as a member of one organisation, with the roles they hold there now.

Nothing here is cached across requests: roles are read again on every request, so a role
taken away ends everything it gave at once.
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends
from sqlalchemy import BindParameter, ColumnElement, Select, bindparam
from sqlmodel import Session, col, select

from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.error_docs import answers
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


class Principal(Protocol):
    """What the relation rules need of a member: who, in which organisation, with which
    roles. A `Member`, or a `MemberTemplate` for statements built once per set of roles."""

    @property
    def user_id(self) -> Any: ...

    @property
    def organisation_id(self) -> Any: ...

    def has(self, *roles: Role) -> bool: ...


@dataclass(frozen=True)
class MemberTemplate:
    """Any member holding `roles`, their ids left as bind parameters.

    The rules differ only by the roles held, so a hot statement (a recording's access,
    read on every request about it) is built once per set of roles and run with
    `bound_to(member)`: building SQLAlchemy expressions costs more than running them.
    A statement about several members (one person in each of their organisations) gives
    each its own `name` for its parameters."""

    roles: frozenset[Role]
    name: str = "member"

    @property
    def user_id(self) -> BindParameter[uuid.UUID]:
        return bindparam(f"{self.name}_user_id")

    @property
    def organisation_id(self) -> BindParameter[uuid.UUID]:
        return bindparam(f"{self.name}_organisation_id")

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


OrganisationId = uuid.UUID | BindParameter[uuid.UUID]
"""An organisation's id, or a `MemberTemplate`'s parameter standing for it."""


def bound_to(member: Member, name: str = "member") -> dict[str, uuid.UUID]:
    """The values of the parameters of a `MemberTemplate` of this `name` for this member."""
    return {f"{name}_user_id": member.user_id, f"{name}_organisation_id": member.organisation_id}


# Asked on nearly every request, so built once (running them costs less than building).
_MEMBERSHIP = (
    select(Membership, Organisation)
    .join(Organisation, col(Organisation.id) == Membership.organisation_id)
    .where(
        col(Membership.organisation_id) == bindparam("organisation_id"),
        col(Membership.user_id) == bindparam("user_id"),
    )
)
_ROLES = select(MembershipRole.role).where(
    col(MembershipRole.membership_id) == bindparam("membership_id")
)


_ROLES_OF = select(MembershipRole.membership_id, MembershipRole.role)
_ROLES_OF_MANY = _ROLES_OF.where(
    col(MembershipRole.membership_id).in_(bindparam("ids", expanding=True))
)


def roles_of(db: Session, membership_id: uuid.UUID) -> frozenset[Role]:
    rows = db.exec(_ROLES, params={"membership_id": membership_id})
    return frozenset(Role(role) for role in rows)


def roles_by_membership(
    db: Session,
    membership_ids: Collection[uuid.UUID],
    *,
    selected_by: Select[Any] | None = None,
) -> dict[uuid.UUID, frozenset[Role]]:
    """The roles of each of these memberships, in one query (none held: an empty set).
    `selected_by`: a statement selecting the same memberships' ids, asked in place of
    their list (see `ids_among`)."""
    held: dict[uuid.UUID, set[Role]] = {key: set() for key in membership_ids}
    if held:
        if selected_by is None:
            rows = db.exec(_ROLES_OF_MANY, params={"ids": list(held)})
        else:
            rows = db.exec(_ROLES_OF.where(ids_among(MembershipRole, selected_by)))
        for membership_id, role in rows:
            held[membership_id].add(Role(role))
    return {key: frozenset(roles) for key, roles in held.items()}


def ids_among(model: Any, selected_by: Select[Any]) -> ColumnElement[bool]:
    """A condition on a model's `membership_id`: one of those `selected_by` selects. For a
    page of hundreds of members, the statement that chose the page is a short SQL text
    that is the same for every page, where a list of their ids is a text of its own each
    time (PostgreSQL's driver parses it afresh: about a fifth of a 500-member page's
    CPU)."""
    return col(model.membership_id).in_(selected_by)


def member_of(
    db: Session, *, user: User, organisation_id: uuid.UUID, label: str = "Organisation"
) -> Member:
    """The caller's membership, or 404 naming `label`: outsiders must not learn that the
    organisation (or the resource they asked for) exists."""
    values = {"organisation_id": organisation_id, "user_id": user.id}
    found = db.exec(_MEMBERSHIP, params=values).first()
    if found is None:
        raise NotFound(f"{label} not found.")
    membership, organisation = found
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


def require_not_guest(member: Member) -> None:
    """A guest reviewer sees the recordings granted to them and nothing else of the
    organisation: its settings, members, programmes, reports, bookings and time are not
    theirs to read, though they know the organisation (a 403, not a 404)."""
    if member.has(Role.guest):
        raise Forbidden(
            "A guest reviewer sees only the recordings shared with them.",
            code="guest_not_permitted",
        )


@answers(403)
def current_member(organisation_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> Member:
    """The caller as a member of the organisation in the path, for routes about the
    organisation as a whole: guest reviewers are refused (see `require_not_guest`)."""
    member = member_of(db, user=user, organisation_id=organisation_id)
    require_not_guest(member)
    return member


MemberDep = Annotated[Member, Depends(current_member)]


@answers(403)
async def current_lead(member: MemberDep) -> Member:
    require_role(member, Role.lead)
    return member


LeadDep = Annotated[Member, Depends(current_lead)]
