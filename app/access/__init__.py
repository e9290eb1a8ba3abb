"""Who may see and do what, in one place.

- `members`: the caller as a member of one organisation, and their roles.
- `scoping`: organisation-scoped queries and the scoped loader (404 across organisations).
- `relations`: who is related to whom (coaching, supervision, second rating, grants),
  written once as composable SQL and valid only while the role that gives them is held.
- one policy module per resource kind: `recordings`, `observations`, `conversation`
  (comments and reflections), `objectives`, `figures` (fidelity and agreement, and what a
  report may count), `bookings`, `availability` (coaches' diaries and self-booking),
  `calendar` (whose bookings a calendar feed holds), `time` (ring-fenced time:
  allocations, logged time, the time report and sign-off), `reports` (whom a report
  counts and whom its filters may name), `attributes` (who may list members'
  attributes) and `audit` (which events of the audit trail a lead reads).

Every list, single read, count and report asks the same rule, so they cannot disagree.
A resource the caller may not see is a 404; a part of a resource they may see but not use
is a 403 with a code naming what they may not do.
"""

from app.access.members import (
    LeadDep,
    Member,
    MemberDep,
    current_member,
    member_named,
    member_of,
    require_role,
    roles_by_membership,
    roles_of,
)
from app.access.scoping import load_scoped, load_visible, scoped

__all__ = [
    "LeadDep",
    "Member",
    "MemberDep",
    "current_member",
    "load_scoped",
    "load_visible",
    "member_named",
    "member_of",
    "require_role",
    "roles_by_membership",
    "roles_of",
    "scoped",
]
