"""Access rows for coaches' availability, free slots and self-booking.

The coach is the world's coach, who coaches the owner; the supervisor supervises the
owner. Reading (windows and rules, exceptions, free slots): the coach, the practitioners
they coach, those practitioners' supervisors, and leads. Changing: the coach or a lead.
Booking a free slot oneself: a practitioner the coach coaches. Other coaches,
practitioners and supervisors do not see the coach's availability at all (404).
"""

import uuid
from datetime import date

from sqlmodel import Session

from app.models import AvailabilityException
from tests.access.conftest import World
from tests.access.probes import Row
from tests.access.rules import members

COACH = "/api/v1/organisations/{organisation_id}/coaches/{coach_user_id}"

AVAILABILITY_READ = members({"owner", "coach", "supervisor", "lead"})
AVAILABILITY_WRITE = members({"coach", "lead"}, forbidden={"owner", "supervisor"})
SELF_BOOKING = members({"owner"}, forbidden={"coach", "supervisor", "lead"})


def new_exception(db: Session, world: World) -> uuid.UUID:
    """A day away of the coach's: what deleting an exception takes away."""
    cast = world.cast
    exception = AvailabilityException(
        organisation_id=cast.organisation.id,
        coach_user_id=cast["coach"].id,
        on_date=date(2027, 1, 4),
    )
    db.add(exception)
    db.commit()
    return exception.id


ROWS: dict[tuple[str, str], Row] = {
    ("GET", COACH + "/availability"): Row(AVAILABILITY_READ),
    ("PUT", COACH + "/availability"): Row(AVAILABILITY_WRITE),
    ("GET", COACH + "/availability/exceptions"): Row(AVAILABILITY_READ),
    ("POST", COACH + "/availability/exceptions"): Row(AVAILABILITY_WRITE),
    ("DELETE", COACH + "/availability/exceptions/{exception_id}"): Row(
        AVAILABILITY_WRITE, fresh={"exception_id": new_exception}
    ),
    ("GET", COACH + "/free-slots"): Row(AVAILABILITY_READ),
    ("POST", COACH + "/free-slots/book"): Row(SELF_BOOKING),
}
