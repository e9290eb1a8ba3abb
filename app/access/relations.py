"""Who is related to whom, written once as composable SQL.

Each relation holds only while the member holds the role that gives it, read at the
moment of the request: a coaching assignment counts for a coach, a supervision
assignment for a supervisor, a second-rater assignment for a coach or a lead, an access
grant for a coach, a lead or a guest, and only until the grant expires. Taking the role
away ends the relation even before its rows are tidied up.

Every function returns a SELECT of ids (practitioner user ids or recording ids) to be
used with `in_()`, so lists, single reads and reports compose the same relation.
"""

import uuid

from sqlalchemy import ColumnElement, bindparam, false, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access.members import Principal
from app.models import (
    Assignment,
    CalibrationExercise,
    CalibrationRater,
    Observation,
    RecordingAccessGrant,
    Role,
    SecondRaterAssignment,
)
from app.models.base import UTCDateTime, utcnow
from app.models.calibration import CalibrationStatus
from app.models.organisation import AssignmentKind
from app.models.review import ObservationStatus

STAFF_ROLE = {AssignmentKind.coach: Role.coach, AssignmentKind.supervisor: Role.supervisor}
"""The role an assignment of each kind needs: the one map from assignments to roles."""

RATER_ROLES = (Role.coach, Role.lead)
"""Who may rate a recording as a second rater."""

GRANTEE_ROLES = (*RATER_ROLES, Role.guest)
"""Who may be granted access to a recording's media: raters, and guest reviewers (external
experts), who see only the recordings granted to them."""

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


def unexpired_grant() -> ColumnElement[bool]:
    """A grant that still counts: without an expiry, or expiring after this moment. The
    moment is read at each execution (the statements that use it are built once)."""
    now = bindparam("grant_now", callable_=utcnow, type_=UTCDateTime())
    expires_at = col(RecordingAccessGrant.expires_at)
    return or_(expires_at.is_(None), expires_at > now)


def granted(member: Principal, *, roles: tuple[Role, ...] = GRANTEE_ROLES) -> Ids:
    """Recordings a lead granted this member access to, while the grant lasts; `roles`
    narrows the roles the grant counts for (observations: raters only, never guests)."""
    if not member.has(*roles):
        return select(col(RecordingAccessGrant.recording_id)).where(false())
    return select(col(RecordingAccessGrant.recording_id)).where(
        col(RecordingAccessGrant.organisation_id) == member.organisation_id,
        col(RecordingAccessGrant.user_id) == member.user_id,
        unexpired_grant(),
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


def calibrating(member: Principal, *, open_only: bool = False) -> Ids:
    """Master recordings of the calibration exercises this member rates (only those still
    open, if asked: their raters score blind until the lead sees the results)."""
    if not member.has(*RATER_ROLES):
        return select(col(CalibrationExercise.recording_id)).where(false())
    statement = (
        select(col(CalibrationExercise.recording_id))
        .join(CalibrationRater, col(CalibrationRater.exercise_id) == col(CalibrationExercise.id))
        .where(
            col(CalibrationRater.organisation_id) == member.organisation_id,
            col(CalibrationRater.rater_user_id) == member.user_id,
        )
    )
    if open_only:
        statement = statement.where(col(CalibrationExercise.status) == CalibrationStatus.open)
    return statement
