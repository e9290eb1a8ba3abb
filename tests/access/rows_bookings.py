"""Access rows for bookings: create, list, read, change, cancel, confirm, complete, notes.

The world's booking is the coach's session with the owner, still to come: the coach
organises it, the owner takes part, the supervisor supervises the owner, and leads see
every booking. Nobody else in the organisation knows of it (404).
"""

from tests.access.probes import Row
from tests.access.rules import MEMBERS, ORG_MEMBER, members

ORG = "/api/v1/organisations/{organisation_id}"
BOOKING = ORG + "/bookings/{booking_id}"

# Coaches, supervisors and leads organise; practitioners are told so (403).
ORGANISERS = MEMBERS - {"owner", "other_practitioner"}
SEES_BOOKING = frozenset({"owner", "coach", "supervisor", "lead"})
# The organiser and leads run the booking; others who see it may not.
RUNS_BOOKING = members({"coach", "lead"}, forbidden=SEES_BOOKING - {"coach", "lead"})
# The owner is the only one taking part: they may cancel or accept it too.
TAKES_PART = members({"coach", "lead", "owner"}, forbidden={"supervisor"})

ROWS: dict[tuple[str, str], Row] = {
    ("POST", ORG + "/bookings"): Row(
        members(ORGANISERS, forbidden={"owner", "other_practitioner"})
    ),
    # Every member lists, filtered to the bookings they may see.
    ("GET", ORG + "/bookings"): Row(ORG_MEMBER),
    ("GET", BOOKING): Row(members(SEES_BOOKING)),
    # `{}` changes nothing: the organiser and leads get 200, nothing moves.
    ("PATCH", BOOKING): Row(RUNS_BOOKING),
    # `{}` lacks the reason (422).
    ("POST", BOOKING + "/cancel"): Row(TAKES_PART),
    # The booking is confirmed already: 409, nothing changes.
    ("POST", BOOKING + "/confirm"): Row(TAKES_PART),
    # The session is still to come: 409, nothing changes.
    ("POST", BOOKING + "/complete"): Row(RUNS_BOOKING),
    ("POST", BOOKING + "/no-show"): Row(RUNS_BOOKING),
    # `{}` lacks the notes (422).
    ("POST", BOOKING + "/notes"): Row(RUNS_BOOKING),
}
