"""Whose review figures a member may see: the practitioners they coach or supervise."""

import uuid

from sqlalchemy import false
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access import Member
from app.models import Assignment, Role
from app.models.organisation import AssignmentKind

STAFF_ROLES = ((AssignmentKind.coach, Role.coach), (AssignmentKind.supervisor, Role.supervisor))


def assigned_practitioners(member: Member) -> SelectOfScalar[uuid.UUID]:
    """Practitioner user ids assigned to this member as coach or supervisor (by their roles)."""
    kinds = [kind for kind, role in STAFF_ROLES if member.has(role)]
    return select(col(Assignment.practitioner_user_id)).where(
        col(Assignment.organisation_id) == member.organisation_id,
        col(Assignment.staff_user_id) == member.user.id,
        col(Assignment.kind).in_(kinds) if kinds else false(),
    )
