"""Who may score a recording and who may see which observation.

Scoring: a coach assigned to the recording's practitioner, or a second rater assigned to
that recording (by a lead or by the programme's double-coding rule).

Seeing an observation: its rater always (drafts are private to them). A submitted one:
leads; coaches assigned to the practitioner; the recording's second raters and people
granted access; the practitioner, for the observations that are feedback to them (the
primary rater's, and second raters' only where the programme counts them as feedback).
Supervisors see fidelity figures, never observations (evidence describes the family).

Calibration observations (scoring a master recording in a calibration exercise) are seen
by their rater and by leads only.

Blind double coding: a rater with a draft on the recording, a second rater, or a coach of
a double-coded recording sees no other rater's observation of it until they submit their
own. It applies to leads too, so a lead acting as second rater is blind like anyone else.
An observation the caller may not see is a 404.
"""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, and_, not_, or_, true, union_all
from sqlmodel import Session, col, select

from app.access import calibration, relations
from app.access.few import among_few
from app.access.members import Member, Principal
from app.access.recordings import (
    RecordingAccess,
    RecordingAccessDep,
    access_to,
    blind_rule,
    details_rule,
)
from app.access.scoping import load_visible
from app.error_docs import answers
from app.errors import Forbidden, NotFound
from app.models import Observation, Recording, ReviewSettings, Role, User
from app.models.review import ObservationStatus, RaterRole


def second_ratings_are_feedback() -> ColumnElement[bool]:
    """Second raters' observations, in programmes that count their scores as feedback.
    Calibration raters are not second raters: the setting never makes their scores of a
    master recording feedback (or fidelity) to the practitioner who made it."""
    programmes = select(col(ReviewSettings.programme_id)).where(
        col(ReviewSettings.second_ratings_are_feedback).is_(True)
    )
    return and_(
        col(Observation.rater_role) == RaterRole.second,
        col(Observation.programme_id).in_(programmes),
    )


def is_feedback() -> ColumnElement[bool]:
    """The observations that are feedback to the practitioner and count in their fidelity."""
    return or_(col(Observation.rater_role) == RaterRole.primary, second_ratings_are_feedback())


def _audience(member: Principal) -> ColumnElement[bool]:
    if member.has(Role.lead):
        return true()
    recording = col(Observation.recording_id)
    return and_(
        # Calibration scores are for the lead who runs the exercise (raters read theirs
        # against gold in its results), not feedback to anyone.
        col(Observation.rater_role) != RaterRole.calibration,
        or_(
            and_(col(Observation.practitioner_user_id) == member.user_id, is_feedback()),
            col(Observation.practitioner_user_id).in_(relations.coached(member)),
            recording.in_(relations.second_rated(member)),
            # Guest reviewers watch and comment; they never see observations.
            recording.in_(relations.granted(member, roles=relations.RATER_ROLES)),
        ),
    )


def blind_recordings(member: Principal) -> relations.Ids:
    """Recordings on which this member is blind to other raters (see recordings.py).

    The rule is read only on the recordings the member rates or may be asked to (a few,
    found first by their own observations and assignments, `among_few`): reports put this
    in every statement, and a scan of the organisation's recordings cost each one a pass."""
    may_rate = union_all(
        relations.rated_by(member),
        relations.second_rated(member),
        # Raters of an open calibration exercise, before they have begun scoring too.
        relations.calibrating(member, open_only=True),
        select(col(Recording.id)).where(
            col(Recording.owner_user_id).in_(relations.coached(member)),
            col(Recording.id).in_(relations.double_coded()),
        ),
    )
    return select(col(Recording.id)).where(
        col(Recording.organisation_id) == member.organisation_id,
        among_few(col(Recording.id), may_rate),
        blind_rule(member),
    )


def visible(member: Principal) -> ColumnElement[bool]:
    """The observations this member may see, as a filter on Observation."""
    shared = and_(
        col(Observation.status) == ObservationStatus.submitted,
        _audience(member),
        not_(col(Observation.recording_id).in_(blind_recordings(member))),
    )
    # Only while the recording itself is theirs to see: a rater who lost the relation
    # loses their own observations of it too.
    recordings = select(col(Recording.id)).where(
        col(Recording.organisation_id) == member.organisation_id, details_rule(member)
    )
    return and_(
        col(Observation.recording_id).in_(recordings),
        or_(col(Observation.rater_user_id) == member.user_id, shared),
    )


def require_observations(access: RecordingAccess) -> None:
    """Observations of a recording are for the people who review it and for leads;
    supervisors follow figures, never evidence, and guest reviewers only watch and
    comment."""
    if access.is_guest or not (access.may_view_media or access.may_manage):
        raise Forbidden(
            "Only the practitioner, their coaches, the recording's raters and leads see its "
            "observations; supervisors see fidelity figures.",
            code="observations_not_permitted",
        )


def may_score(access: RecordingAccess) -> bool:
    return access.is_second_rater or (access.coaches_owner and not access.is_owner)


def require_may_score(access: RecordingAccess) -> None:
    if not may_score(access):
        raise Forbidden(
            "Only a coach assigned to this practitioner or a second rater assigned to this "
            "recording may score it.",
            code="not_a_rater",
        )


@answers(403)
def _scoring(access: RecordingAccessDep) -> RecordingAccess:
    require_may_score(access)
    return access


ScoringDep = Annotated[RecordingAccess, Depends(_scoring)]
"""A recording the caller may score: refused before the body is read."""


def require_still_rater(db: Session, *, member: Member, observation: Observation) -> None:
    """A rater unassigned (or who lost their role) while drafting no longer scores it."""
    if observation.rater_role == RaterRole.calibration:
        calibration.require_still_calibrating(db, member=member, observation=observation)
        return
    try:
        access = access_to(db, member=member, recording_id=observation.recording_id)
    except NotFound:
        access = None
    if access is None or not may_score(access):
        raise Forbidden(
            "You no longer rate this recording, so this observation cannot be submitted.",
            code="not_a_rater",
        )


def require_rater(member: Member, observation: Observation) -> None:
    if observation.rater_user_id != member.user_id:
        raise Forbidden("Only the coach who made this observation may change it.")


def observation_for(
    db: Session, *, user: User, observation_id: uuid.UUID
) -> tuple[Member, Observation]:
    """The observation and the caller as a member of its organisation, or 404."""
    return load_visible(
        db, Observation, user=user, row_id=observation_id, rule=visible, label="Observation"
    )
