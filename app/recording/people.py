"""The people a list of recordings names: each recording's practitioner and their coaches,
for a whole page in two queries."""

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from app.models import Assignment, Membership, MembershipRole, Role, User
from app.models.organisation import AssignmentKind
from app.recording.schemas import PersonName


@dataclass(frozen=True)
class People:
    names: dict[uuid.UUID, str] = field(default_factory=dict)
    coaches: dict[uuid.UUID, list[PersonName]] = field(default_factory=dict)


def _name(user: User) -> str:
    return user.display_name or user.email


# Asked on every list and recording read, so built once (running them costs less than
# building them).
_USERS = select(User).where(col(User.id).in_(bindparam("practitioner_ids", expanding=True)))
# An assignment counts while its coach holds the coach role, as it does for access.
_COACHES = (
    select(col(Assignment.practitioner_user_id), User)
    .join(User, col(User.id) == col(Assignment.staff_user_id))
    .join(
        Membership,
        (col(Membership.user_id) == col(User.id))
        & (col(Membership.organisation_id) == bindparam("organisation_id")),
    )
    .join(
        MembershipRole,
        (col(MembershipRole.membership_id) == col(Membership.id))
        & (col(MembershipRole.role) == Role.coach),
    )
    .where(
        col(Assignment.organisation_id) == bindparam("organisation_id"),
        col(Assignment.kind) == AssignmentKind.coach,
        col(Assignment.practitioner_user_id).in_(bindparam("practitioner_ids", expanding=True)),
    )
)


def people_of(
    db: Session, *, organisation_id: uuid.UUID, practitioner_ids: Collection[uuid.UUID]
) -> People:
    """The practitioners' names, and their coaches by name (alphabetically)."""
    if not practitioner_ids:
        return People()
    ids = list(practitioner_ids)
    users = db.execute(_USERS, {"practitioner_ids": ids}).scalars()
    names = {user.id: _name(user) for user in users}
    coaches: dict[uuid.UUID, list[PersonName]] = defaultdict(list)
    found_coaches = db.execute(
        _COACHES, {"organisation_id": organisation_id, "practitioner_ids": ids}
    )
    for practitioner_id, coach in found_coaches:
        coaches[practitioner_id].append(PersonName(user_id=coach.id, name=_name(coach)))
    for found in coaches.values():
        found.sort(key=lambda person: (person.name.casefold(), str(person.user_id)))
    return People(names, dict(coaches))
