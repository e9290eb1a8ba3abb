"""Access rows for ring-fenced time: allocations, logged time, the time report and sign-off.

The owner's time: their coach reads it, their supervisor and leads set allocations and
sign it off, the owner logs and removes their own time. Other members find none of it
(404). Lists and reports answer every member, with only what they may see. Who may not
set or log anyone's time (by role) is refused before the body is read (403).
"""

import uuid
from datetime import date

from sqlmodel import Session

from app.models import TimeAllocation, TimeEntry, TimeSignOff
from tests.access.conftest import World
from tests.access.probes import Row, no_query
from tests.access.rules import MEMBERS, ORG_MEMBER, members

ORG = "/api/v1/organisations/{organisation_id}"
MANAGERS = frozenset({"supervisor", "other_supervisor", "lead"})
LOGGERS = MANAGERS | {"owner", "other_practitioner"}
# The owner's time, row by row: their coach reads it and may change none of it.
MANAGES_OWNERS_TIME = members({"supervisor", "lead"}, forbidden={"owner", "coach"})
LOGS_OWNERS_TIME = members({"owner", "supervisor", "lead"}, forbidden={"coach"})
DAY = date(2026, 1, 5)


def _saved(db: Session, row: TimeAllocation | TimeEntry | TimeSignOff) -> uuid.UUID:
    db.add(row)
    db.commit()
    return row.id


def new_allocation(db: Session, world: World) -> uuid.UUID:
    cast = world.cast
    allocation = TimeAllocation(
        organisation_id=cast.organisation.id,
        practitioner_user_id=cast["owner"].id,
        category="coaching",
        minutes=60,
        period="week",
        effective_from=DAY,
    )
    return _saved(db, allocation)


def new_time_entry(db: Session, world: World) -> uuid.UUID:
    cast = world.cast
    entry = TimeEntry(
        organisation_id=cast.organisation.id,
        practitioner_user_id=cast["owner"].id,
        category="planning",
        on_date=DAY,
        minutes=30,
    )
    return _saved(db, entry)


def new_sign_off(db: Session, world: World) -> uuid.UUID:
    cast = world.cast
    sign_off = TimeSignOff(
        organisation_id=cast.organisation.id,
        practitioner_user_id=cast["owner"].id,
        period_start=DAY,
        period_end=DAY,
    )
    return _saved(db, sign_off)


ROWS: dict[tuple[str, str], Row] = {
    # Lists and reports: every member, filtered to whose time they may see.
    ("GET", ORG + "/allocations"): Row(ORG_MEMBER),
    ("GET", ORG + "/time-entries"): Row(ORG_MEMBER),
    ("GET", ORG + "/time-sign-offs"): Row(ORG_MEMBER),
    ("GET", ORG + "/reports/time"): Row(ORG_MEMBER, query=no_query),
    ("GET", ORG + "/reports/time/erosion"): Row(ORG_MEMBER),
    # Whose time comes with the body: supervisors and leads set allocations and sign off,
    # practitioners log their own time too; the rest are refused by role.
    ("POST", ORG + "/allocations"): Row(members(MANAGERS, forbidden=MEMBERS - MANAGERS)),
    ("POST", ORG + "/time-sign-offs"): Row(members(MANAGERS, forbidden=MEMBERS - MANAGERS)),
    ("POST", ORG + "/time-entries"): Row(members(LOGGERS, forbidden=MEMBERS - LOGGERS)),
    # The owner's allocation, logged time and sign-off.
    ("PATCH", ORG + "/allocations/{allocation_id}"): Row(
        MANAGES_OWNERS_TIME, fresh={"allocation_id": new_allocation}
    ),
    ("DELETE", ORG + "/allocations/{allocation_id}"): Row(
        MANAGES_OWNERS_TIME, fresh={"allocation_id": new_allocation}
    ),
    ("DELETE", ORG + "/time-entries/{time_entry_id}"): Row(
        LOGS_OWNERS_TIME, fresh={"time_entry_id": new_time_entry}
    ),
    ("POST", ORG + "/time-sign-offs/{sign_off_id}/reopen"): Row(
        MANAGES_OWNERS_TIME, fresh={"sign_off_id": new_sign_off}
    ),
}
