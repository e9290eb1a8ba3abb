"""Observations as their readers see them, filtered by the policy in one query."""

import uuid

from sqlmodel import Session, col

from app.access import Member, scoped
from app.access.observations import visible
from app.models import Observation
from app.models.review import ObservationStatus
from app.review.observations import service
from app.review.observations.schemas import Moment, ObservationRead, ScoreRead
from app.rubric import scoring


def list_for_recording(
    db: Session, *, member: Member, recording_id: uuid.UUID
) -> list[ObservationRead]:
    statement = (
        scoped(Observation, member.organisation_id)
        .where(Observation.recording_id == recording_id, visible(member))
        .order_by(col(Observation.created_at))
    )
    return [observation_read(db, row) for row in db.exec(statement)]


def list_in_organisation(
    db: Session,
    *,
    member: Member,
    practitioner_user_id: uuid.UUID | None = None,
    rater_user_id: uuid.UUID | None = None,
    status: ObservationStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ObservationRead]:
    """Newest first: a coach's queue of drafts, a practitioner's scores, a lead's overview."""
    statement = scoped(Observation, member.organisation_id).where(visible(member))
    if practitioner_user_id is not None:
        statement = statement.where(Observation.practitioner_user_id == practitioner_user_id)
    if rater_user_id is not None:
        statement = statement.where(Observation.rater_user_id == rater_user_id)
    if status is not None:
        statement = statement.where(Observation.status == status)
    statement = statement.order_by(col(Observation.updated_at).desc(), col(Observation.id))
    return [observation_read(db, row) for row in db.exec(statement.limit(limit).offset(offset))]


def observation_read(db: Session, observation: Observation) -> ObservationRead:
    rubric = service.rubric_of(db, observation)
    rows = {row.criterion_id: row for row in service.scores_of(db, observation)}
    scores = [
        ScoreRead(
            criterion_id=criterion.id,
            code=criterion.code,
            title=criterion.title,
            level=row.level,
            not_applicable=row.not_applicable,
            evidence=row.evidence,
            moments=[Moment.model_validate(moment) for moment in row.moments],
        )
        for criterion in rubric.criteria
        if (row := rows.get(criterion.id)) is not None
    ]
    below_minimum: list[str] = []
    if observation.status == ObservationStatus.submitted:
        levels = {score.code: score.level for score in scores}
        below_minimum = list(
            scoring.score(
                rubric.criteria,
                scale_levels=rubric.scale_levels,
                levels=levels,
                fidelity_threshold_percent=rubric.version.fidelity_threshold_percent,
            ).below_minimum
        )
    return ObservationRead(
        **observation.model_dump(),
        below_minimum=below_minimum,
        criteria_total=len(rubric.criteria),
        criteria_scored=sum(1 for s in scores if s.level is not None or s.not_applicable),
        scores=scores,
    )
