"""The people of the reports benchmark's organisation: leads, supervisors with teams,
coaches (some practitioners have two), practitioners (some champions), their assignments,
and the practitioners' attributes where the schema has a table for them."""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import MetaData, Table

from app.models import Assignment, Membership, MembershipRole, User

TEAM_SIZE = 20
COACHEES = 10
LEADS = 5
SECOND_COACH_SHARE = 0.25
CHAMPION_SHARE = 0.05
LOCALITIES = ("North", "South", "East", "West", "Central", "Riverside", "Hills", "Coast")
SERVICES = ("Health visiting", "Family support", "Early help", "Social work")

Rows = list[dict[str, Any]]
Tables = list[tuple[Any, Rows]]
"""Rows per table (a model or a Table), in the order foreign keys need."""


@dataclass(frozen=True)
class People:
    leads: list[uuid.UUID]
    supervisors: list[uuid.UUID]
    coaches: list[uuid.UUID]
    practitioners: list[uuid.UUID]
    memberships: dict[uuid.UUID, uuid.UUID]
    """Membership id of every user."""
    coaches_of: list[list[uuid.UUID]]
    """Per practitioner (by position), their coaches, the main one first."""

    def team(self, supervisor: int) -> list[uuid.UUID]:
        return self.practitioners[supervisor * TEAM_SIZE : (supervisor + 1) * TEAM_SIZE]


def people_tables(
    org: uuid.UUID, practitioners: int, generator: random.Random
) -> tuple[People, Tables]:
    counts = {
        "lead": LEADS,
        "supervisor": -(-practitioners // TEAM_SIZE),
        "coach": -(-practitioners // COACHEES),
        "practitioner": practitioners,
    }
    ids = {role: [uuid.uuid4() for _ in range(count)] for role, count in counts.items()}
    memberships = {user: uuid.uuid4() for users in ids.values() for user in users}
    champions = set(generator.sample(ids["practitioner"], int(practitioners * CHAMPION_SHARE)))
    users, members, roles = [], [], []
    for role, role_ids in ids.items():
        for n, user in enumerate(role_ids):
            users.append({"id": user, "email": f"{role}{n}@example.org", "display_name": f"{n}"})
            members.append(
                {
                    "id": memberships[user],
                    "organisation_id": org,
                    "user_id": user,
                    "is_champion": user in champions,
                }
            )
            roles.append({"membership_id": memberships[user], "role": role})
    coaches_of = _coaches(ids["coach"], practitioners, generator)
    people = People(
        ids["lead"], ids["supervisor"], ids["coach"], ids["practitioner"], memberships, coaches_of
    )
    tables: Tables = [
        (User, users),
        (Membership, members),
        (MembershipRole, roles),
        (Assignment, _assignments(org, people)),
    ]
    return people, tables


def _coaches(
    coaches: list[uuid.UUID], practitioners: int, generator: random.Random
) -> list[list[uuid.UUID]]:
    found = []
    for n in range(practitioners):
        main = coaches[n // COACHEES]
        mine = [main]
        if len(coaches) > 1 and generator.random() < SECOND_COACH_SHARE:
            mine.append(generator.choice([c for c in coaches if c != main]))
        found.append(mine)
    return found


def _assignments(org: uuid.UUID, people: People) -> Rows:
    rows = []
    for n, practitioner in enumerate(people.practitioners):
        pairs = [("supervisor", people.supervisors[n // TEAM_SIZE])]
        pairs += [("coach", coach) for coach in people.coaches_of[n]]
        rows += [
            {
                "id": uuid.uuid4(),
                "organisation_id": org,
                "kind": kind,
                "staff_user_id": staff,
                "practitioner_user_id": practitioner,
            }
            for kind, staff in pairs
        ]
    return rows


def attributes_table(metadata: MetaData) -> Table | None:
    """The table of practitioners' attributes, if the schema has one yet: named for
    attributes, keyed by membership."""
    for table in metadata.sorted_tables:
        if "attribute" in table.name and "membership_id" in table.c:
            return table
    return None


def attribute_rows(
    table: Table, org: uuid.UUID, people: People, now: datetime, generator: random.Random
) -> Rows:
    """A locality and a service for every practitioner, as name and value rows. A locality
    is mostly one team's (teams work an area), a service anyone's."""
    name_column = next(name for name in ("name", "key", "attribute") if name in table.c)
    rows = []
    for n, practitioner in enumerate(people.practitioners):
        team_locality = LOCALITIES[(n // TEAM_SIZE) % len(LOCALITIES)]
        locality = team_locality if generator.random() < 0.8 else generator.choice(LOCALITIES)
        for name, value in (("locality", locality), ("service", generator.choice(SERVICES))):
            row: dict[str, Any] = {
                "organisation_id": org,
                "membership_id": people.memberships[practitioner],
                name_column: name,
                "value": value,
            }
            for column in ("created_at", "updated_at"):
                if column in table.c:
                    row[column] = now
            if "id" in table.c:
                row["id"] = uuid.uuid4()
            rows.append(row)
    return rows
