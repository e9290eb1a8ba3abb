"""The people a list of recordings names: each recording's practitioner and their coaches,
for a whole page in two queries."""

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
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


def people_of(
    db: Session, *, organisation_id: uuid.UUID, practitioner_ids: Collection[uuid.UUID]
) -> People:
    """The practitioners' names, and their coaches by name (alphabetically): an assignment
    counts while its coach holds the coach role, as it does for access."""
    if not practitioner_ids:
        return People()
    users = db.execute(select(User).where(col(User.id).in_(practitioner_ids))).scalars()
    names = {user.id: _name(user) for user in users}
    statement = (
        select(col(Assignment.practitioner_user_id), User)
        .join(User, col(User.id) == col(Assignment.staff_user_id))
        .join(
            Membership,
            (col(Membership.user_id) == col(User.id))
            & (col(Membership.organisation_id) == organisation_id),
        )
        .join(
            MembershipRole,
            (col(MembershipRole.membership_id) == col(Membership.id))
            & (col(MembershipRole.role) == Role.coach),
        )
        .where(
            col(Assignment.organisation_id) == organisation_id,
            col(Assignment.kind) == AssignmentKind.coach,
            col(Assignment.practitioner_user_id).in_(practitioner_ids),
        )
    )
    coaches: dict[uuid.UUID, list[PersonName]] = defaultdict(list)
    for practitioner_id, coach in db.execute(statement):
        coaches[practitioner_id].append(PersonName(user_id=coach.id, name=_name(coach)))
    for found in coaches.values():
        found.sort(key=lambda person: (person.name.casefold(), str(person.user_id)))
    return People(names, dict(coaches))
