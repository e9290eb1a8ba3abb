"""Whose figures (fidelity, agreement, reports) a member may see, and which observations
may go into them for that member.

Practitioners: their own. Coaches: the practitioners they coach. Supervisors: their team.
Leads: the whole organisation. And never, for anyone, an observation of a recording on
which they are a blind rater: a percent or a verdict would tell them the other rater's
judgement before they have made their own.

Which comments and observations a report may count (turnaround, agreement): only what
the practitioner can see is a comment or an observation at all (a draft is private to its
rater, a deleted comment is gone). For the reader, on top:
- a recording they rate blind shows them no other rater's comment or observation: even a
  time or a count would tell them another rater's judgement came before their own;
- on their own recordings, a second rating counts only where the programme makes it
  feedback to them (otherwise it is not theirs to see, app/access/observations.py).
"""

import uuid

from sqlalchemy import ColumnElement, and_, or_, true
from sqlalchemy.orm import Mapped
from sqlmodel import col

from app.access import relations
from app.access.members import Member, Principal
from app.access.observations import blind_recordings, is_feedback
from app.models import FirstComment, Observation, Role
from app.models.review import ObservationStatus


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


def reportable_observations(
    member: Member, *, unblind: ColumnElement[bool] | None = None
) -> ColumnElement[bool]:
    """A condition on Observation: submitted ones this member's report may count.
    `unblind`: `not_blind(member, ...)` already worked out on the observation's
    recording, for a report that has it at hand (the rule costs a query of its own)."""
    if unblind is None:
        unblind = not_blind(member, col(Observation.recording_id))
    return and_(
        col(Observation.organisation_id) == member.organisation_id,
        col(Observation.status) == ObservationStatus.submitted,
        col(Observation.submitted_at).is_not(None),
        unblind,
        or_(col(Observation.practitioner_user_id) != member.user_id, is_feedback()),
    )


def reportable_comments(
    member: Member,
    practitioner: ColumnElement[uuid.UUID],
    *,
    unblind: ColumnElement[bool] | None = None,
) -> ColumnElement[bool]:
    """A condition on FirstComment (each person's first comment not deleted, on each
    recording, of an account that still exists): reviewers' first comments, never the
    practitioner's own, this member's report may count; `practitioner` is the recording
    owner's id, `unblind` as above. Whether a comment counts is the same for all of one
    person's comments on a recording, so the first one kept is the first one counted."""
    if unblind is None:
        unblind = not_blind(member, col(FirstComment.recording_id))
    author = col(FirstComment.author_user_id)
    return and_(
        col(FirstComment.organisation_id) == member.organisation_id,
        author != practitioner,
        or_(author == member.user_id, unblind),
    )
