"""Who is related to whom, written once as composable SQL.

Each relation holds only while the member holds the role that gives it, read at the
moment of the request: a coaching assignment counts for a coach, a supervision
assignment for a supervisor, a second-rater assignment or an access grant for a coach or
a lead. Taking the role away ends the relation even before its rows are tidied up.

Every function returns a SELECT of ids (practitioner user ids or recording ids) to be
used with `in_()`, so lists, single reads and reports compose the same relation.
"""

import uuid

from sqlalchemy import false
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access.members import Principal
from app.models import (
    Assignment,
    Observation,
    RecordingAccessGrant,
    Role,
    SecondRaterAssignment,
)
from app.models.organisation import AssignmentKind
from app.models.review import ObservationStatus

STAFF_ROLE = {AssignmentKind.coach: Role.coach, AssignmentKind.supervisor: Role.supervisor}
"""The role an assignment of each kind needs: the one map from assignments to roles."""

RATER_ROLES = (Role.coach, Role.lead)
"""Who may rate a recording as a second rater or be granted access to its media."""

Ids = SelectOfScalar[uuid.UUID]


def _nothing() -> Ids:
    return select(col(Assignment.practitioner_user_id)).where(false())


def practitioners(member: Principal, *kinds: AssignmentKind) -> Ids:
    """Practitioners assigned to this member as any of these kinds, by the roles they hold."""
    held = [kind for kind in kinds if member.has(STAFF_ROLE[kind])]
    if not held:
        return _nothing()
    return select(col(Assignment.practitioner_user_id)).where(
        col(Assignment.organisation_id) == member.organisation_id,
        col(Assignment.staff_user_id) == member.user_id,
        col(Assignment.kind).in_(held),
    )


def coached(member: Principal) -> Ids:
    """Practitioners this member coaches."""
    return practitioners(member, AssignmentKind.coach)


def supervised(member: Principal) -> Ids:
    """Practitioners in this member's team (they supervise them)."""
    return practitioners(member, AssignmentKind.supervisor)


def coached_or_supervised(member: Principal) -> Ids:
    return practitioners(member, AssignmentKind.coach, AssignmentKind.supervisor)


def second_rated(member: Principal) -> Ids:
    """Recordings this member was asked to rate as a second rater."""
    if not member.has(*RATER_ROLES):
        return select(col(SecondRaterAssignment.recording_id)).where(false())
    return select(col(SecondRaterAssignment.recording_id)).where(
        col(SecondRaterAssignment.organisation_id) == member.organisation_id,
        col(SecondRaterAssignment.rater_user_id) == member.user_id,
    )


def granted(member: Principal) -> Ids:
    """Recordings a lead granted this member access to."""
    if not member.has(*RATER_ROLES):
        return select(col(RecordingAccessGrant.recording_id)).where(false())
    return select(col(RecordingAccessGrant.recording_id)).where(
        col(RecordingAccessGrant.organisation_id) == member.organisation_id,
        col(RecordingAccessGrant.user_id) == member.user_id,
    )


def double_coded() -> Ids:
    """Recordings with a second rater: their raters score blind."""
    return select(col(SecondRaterAssignment.recording_id))


def rated_by(member: Principal, *, submitted: bool = False) -> Ids:
    """Recordings this member has an observation of (submitted ones only, if asked)."""
    statement = select(col(Observation.recording_id)).where(
        col(Observation.organisation_id) == member.organisation_id,
        col(Observation.rater_user_id) == member.user_id,
    )
    if submitted:
        statement = statement.where(col(Observation.status) == ObservationStatus.submitted)
    return statement
