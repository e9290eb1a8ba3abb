"""Observations as their readers see them, filtered by the policy in one query, and read
in a fixed number of queries however many there are."""

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlmodel import Session, col

from app.access import Member, scoped
from app.access.observations import visible
from app.models import Observation, ObservationScore, Recording, User
from app.models.review import ObservationStatus
from app.review.observations.schemas import Moment, ObservationRead, ScoreRead
from app.review.observations.validation import VersionCriteria, load_versions
from app.rubric import scoring
from app.schemas import Page


def list_for_recording(
    db: Session, *, member: Member, recording_id: uuid.UUID, page: Page
) -> list[ObservationRead]:
    statement = (
        scoped(Observation, member.organisation_id)
        .where(Observation.recording_id == recording_id, visible(member))
        .order_by(col(Observation.created_at), col(Observation.id))
    )
    return observation_reads(db, list(db.exec(page.of(statement))))


def list_in_organisation(
    db: Session,
    *,
    member: Member,
    page: Page,
    practitioner_user_id: uuid.UUID | None = None,
    rater_user_id: uuid.UUID | None = None,
    status: ObservationStatus | None = None,
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
    return observation_reads(db, list(db.exec(page.of(statement))))


def observation_read(db: Session, observation: Observation) -> ObservationRead:
    return observation_reads(db, [observation])[0]


def observation_reads(db: Session, observations: Sequence[Observation]) -> list[ObservationRead]:
    """Observations with their scores and verdicts: three queries for any number of them
    (their rubric versions, those versions' criteria, their scores)."""
    if not observations:
        return []
    organisation_id = observations[0].organisation_id
    rubrics = load_versions(
        db,
        organisation_id=organisation_id,
        version_ids={observation.rubric_version_id for observation in observations},
    )
    scores = _scores(db, organisation_id, [observation.id for observation in observations])
    labels = _labels(db, organisation_id, observations)
    return [
        _read(
            observation, rubrics[observation.rubric_version_id], scores[observation.id]
        ).model_copy(update=labels[observation.id])
        for observation in observations
    ]


def _labels(
    db: Session, organisation_id: uuid.UUID, observations: Sequence[Observation]
) -> dict[uuid.UUID, dict[str, str | None]]:
    """What names each observation in a list: its recording's title and its rater (one
    query), so a practitioner's feedback says which session and whose scores."""
    statement = (
        select(col(Observation.id), col(Recording.title), col(User.display_name), col(User.email))
        .join(Recording, col(Recording.id) == col(Observation.recording_id))
        .outerjoin(User, col(User.id) == col(Observation.rater_user_id))
        .where(
            col(Observation.organisation_id) == organisation_id,
            col(Observation.id).in_([observation.id for observation in observations]),
        )
    )
    found = {
        observation_id: {"recording_title": title, "rater_name": name or email}
        for observation_id, title, name, email in db.execute(statement)
    }
    return {row.id: found.get(row.id, {}) for row in observations}


# What a score's answer needs, as columns: a page of 200 observations has 2,000 scores,
# and making each an object cost more than the rest of the page's reading.
_SCORE_COLUMNS = (
    col(ObservationScore.observation_id),
    col(ObservationScore.criterion_id),
    col(ObservationScore.level),
    col(ObservationScore.not_applicable),
    col(ObservationScore.evidence),
    col(ObservationScore.moments),
)


def _scores(
    db: Session, organisation_id: uuid.UUID, observation_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[Row[Any]]]:
    """Each observation's scores, as rows of `_SCORE_COLUMNS` (named as the model's)."""
    statement = (
        scoped(ObservationScore, organisation_id)
        .with_only_columns(*_SCORE_COLUMNS)
        .where(col(ObservationScore.observation_id).in_(observation_ids))
    )
    found: dict[uuid.UUID, list[Row[Any]]] = defaultdict(list)
    for row in db.execute(statement):
        found[row.observation_id].append(row)
    return found


def _read(
    observation: Observation, rubric: VersionCriteria, score_rows: list[Row[Any]]
) -> ObservationRead:
    rows = {row.criterion_id: row for row in score_rows}
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
        below_minimum = list(scoring.below_minimum(rubric.criteria, levels))
    return ObservationRead(
        **observation.model_dump(),
        below_minimum=below_minimum,
        criteria_total=len(rubric.criteria),
        criteria_scored=sum(1 for s in scores if s.level is not None or s.not_applicable),
        scores=scores,
    )
