"""Whose figures (fidelity, agreement, reports) a member may see, and which observations
may go into them for that member.

Practitioners: their own. Coaches: the practitioners they coach. Supervisors: their team.
Leads: the whole organisation. And never, for anyone, an observation of a recording on
which they are a blind rater: a percent or a verdict would tell them the other rater's
judgement before they have made their own.
"""

import uuid

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.orm import Mapped

from app.access import relations
from app.access.members import Principal
from app.access.observations import blind_recordings
from app.models import Role


def practitioner_rule(
    member: Principal, practitioner: ColumnElement[uuid.UUID]
) -> ColumnElement[bool]:
    """A condition on a practitioner-id column: whose figures this member may see."""
    if member.has(Role.lead):
        return true()
    return or_(
        practitioner == member.user_id, practitioner.in_(relations.coached_or_supervised(member))
    )


def not_blind(
    member: Principal, recording: ColumnElement[uuid.UUID] | Mapped[uuid.UUID]
) -> ColumnElement[bool]:
    """A condition on a recording-id column: leaves out recordings this member rates blind."""
    return recording.not_in(blind_recordings(member))
