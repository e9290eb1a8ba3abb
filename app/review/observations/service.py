"""Observations: drafts saved as the coach goes, submission, amendments. Services flush only."""

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.access import Member, scoped
from app.access.observations import require_may_score, require_rater, require_still_rater
from app.access.recordings import RecordingAccess
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict, Unprocessable
from app.models import NotificationKind, Observation, ObservationScore, Recording, Rubric
from app.models.base import utcnow
from app.models.review import ObservationStatus, RaterRole
from app.notifications.service import notify
from app.review import counting
from app.review.calibration import setup as calibration_setup
from app.review.observations import double_coding, validation
from app.review.observations.schemas import (
    ObservationCreate,
    ObservationDraftUpdate,
    ScoreInput,
)
from app.review.observations.validation import VersionCriteria, load_version
from app.rubric import in_use


def scores_of(db: Session, observation: Observation) -> list[ObservationScore]:
    statement = scoped(ObservationScore, observation.organisation_id).where(
        ObservationScore.observation_id == observation.id
    )
    return list(db.exec(statement))


def rubric_of(db: Session, observation: Observation) -> VersionCriteria:
    return load_version(
        db,
        organisation_id=observation.organisation_id,
        rubric_version_id=observation.rubric_version_id,
    )


def create_observation(
    db: Session, *, access: RecordingAccess, body: ObservationCreate, context: AuditContext
) -> Observation:
    """A draft by the caller, scored against the programme's rubric version in use; raters
    score independently, one observation per rubric version."""
    member, recording = access.member, access.recording
    require_may_score(access)
    validation.require_scorable(recording)
    rubric = load_version(
        db, organisation_id=member.organisation_id, rubric_version_id=body.rubric_version_id
    )
    validation.require_published(rubric.version)
    programme_id = _programme_for(db, rubric=rubric, recording=recording)
    in_use.require_in_use(db, programme_id=programme_id, version=rubric.version)
    _refuse_duplicate(db, member=member, recording=recording, rubric=rubric)
    validation.check_scores(body.scores, rubric=rubric, recording=recording)
    second = access.is_second_rater
    observation = Observation(
        organisation_id=member.organisation_id,
        recording_id=recording.id,
        rubric_version_id=rubric.version.id,
        programme_id=programme_id,
        practitioner_user_id=recording.owner_user_id,
        rater_user_id=member.user.id,
        rater_role=RaterRole.second if second else RaterRole.primary,
        summary=body.summary,
    )
    db.add(observation)
    try:
        db.flush()
    except IntegrityError as error:
        raise Conflict("You already have an observation of this recording.") from error
    apply_scores(db, observation=observation, scores=body.scores, rubric=rubric)
    audit_observation(db, "observation.created", observation, member, context)
    return observation


def _programme_for(db: Session, *, rubric: VersionCriteria, recording: Recording) -> uuid.UUID:
    owner = db.get(Rubric, rubric.version.rubric_id)
    assert owner is not None  # the version's foreign key guarantees it
    if recording.programme_id is not None and recording.programme_id != owner.programme_id:
        raise Unprocessable(
            "rubric_version_id: this rubric belongs to another programme than the recording.",
            code="wrong_programme",
        )
    return owner.programme_id


def _refuse_duplicate(
    db: Session, *, member: Member, recording: Recording, rubric: VersionCriteria
) -> None:
    existing = db.exec(
        scoped(Observation, member.organisation_id).where(
            Observation.recording_id == recording.id,
            Observation.rubric_version_id == rubric.version.id,
            Observation.rater_user_id == member.user.id,
        )
    ).first()
    if existing is not None:
        raise Conflict(
            "You already have an observation of this recording with this rubric version; "
            "edit or amend it.",
            code="duplicate_observation",
            extra={"observation_id": str(existing.id)},
        )


def update_draft(
    db: Session,
    *,
    member: Member,
    observation: Observation,
    body: ObservationDraftUpdate,
    context: AuditContext,
) -> Observation:
    """Save what the rater has so far; the criteria not named keep their scores."""
    require_rater(member, observation)
    _require_draft(observation)
    rubric = rubric_of(db, observation)
    recording = recording_of(db, observation)
    validation.check_scores(body.scores, rubric=rubric, recording=recording)
    apply_scores(db, observation=observation, scores=body.scores, rubric=rubric)
    if body.summary is not None:
        observation.summary = body.summary
    observation.updated_at = utcnow()
    db.add(observation)
    db.flush()
    return observation


def submit(
    db: Session, *, member: Member, observation: Observation, context: AuditContext
) -> Observation:
    """Compute the verdict and freeze the observation; the recording counts as reviewed."""
    require_rater(member, observation)
    _require_draft(observation)
    rubric = rubric_of(db, observation)
    validation.require_published(rubric.version)
    recording = recording_of(db, observation)
    require_still_rater(db, member=member, observation=observation)
    validation.require_scorable(recording)
    result = validation.final_result(scores_of(db, observation), rubric=rubric)
    now = utcnow()
    observation.status = ObservationStatus.submitted
    observation.submitted_at = observation.updated_at = now
    observation.weighted_percent = result.weighted_percent
    observation.meets_fidelity = result.meets_fidelity
    recording.last_reviewed_at = now
    db.add_all([observation, recording])
    db.flush()
    counting.recount(db, observation.organisation_id, recording_id=observation.recording_id)
    audit_observation(
        db, "observation.submitted", observation, member, context, **verdict(observation)
    )
    if observation.rater_role == RaterRole.calibration:
        calibration_setup.after_submit(db, observation=observation, context=context)
    else:
        double_coding.apply_rule(db, observation=observation, context=context)
    # After the rules above: whoever it notifies must be able to see it by then.
    notify(
        db,
        kind=NotificationKind.feedback_submitted,
        about=observation,
        actor_user_id=member.user_id,
    )
    return observation


def delete_draft(
    db: Session, *, member: Member, observation: Observation, context: AuditContext
) -> None:
    require_rater(member, observation)
    _require_draft(observation)
    audit_observation(db, "observation.deleted", observation, member, context)
    db.delete(observation)
    db.flush()


def apply_scores(
    db: Session, *, observation: Observation, scores: list[ScoreInput], rubric: VersionCriteria
) -> None:
    existing = {row.criterion_id: row for row in scores_of(db, observation)}
    for score in scores:
        criterion = rubric.by_code[score.code]
        row = existing.get(criterion.id) or ObservationScore(
            organisation_id=observation.organisation_id,
            observation_id=observation.id,
            criterion_id=criterion.id,
        )
        row.level = score.level
        row.not_applicable = score.not_applicable
        row.evidence = score.evidence
        row.moments = [moment.model_dump() for moment in score.moments]
        db.add(row)
    db.flush()


def _require_draft(observation: Observation) -> None:
    if observation.status != ObservationStatus.draft:
        raise Conflict(
            "This observation has been submitted and cannot be edited; "
            "post an amendment with a reason instead.",
            code="observation_submitted",
        )


def recording_of(db: Session, observation: Observation) -> Recording:
    recording = db.exec(select(Recording).where(Recording.id == observation.recording_id)).one()
    return recording


def verdict(observation: Observation) -> dict[str, Any]:
    return {
        "revision": observation.revision,
        "weighted_percent": observation.weighted_percent,
        "meets_fidelity": observation.meets_fidelity,
    }


def audit_observation(
    db: Session,
    action: str,
    observation: Observation,
    member: Member,
    context: AuditContext,
    **details: Any,
) -> None:
    audit.record(
        db,
        action=action,
        resource_type="observation",
        resource_id=observation.id,
        organisation_id=observation.organisation_id,
        actor_user_id=member.user.id,
        context=context,
        details={"recording_id": str(observation.recording_id), **details},
    )
