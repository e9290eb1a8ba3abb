"""Amending a submitted observation: the submitted state is kept as a numbered revision."""

from typing import Any

from sqlmodel import Session, col

from app.access import Member, scoped
from app.access.observations import require_rater
from app.audit.context import AuditContext
from app.errors import Conflict
from app.models import Observation, ObservationRevision, ObservationScore
from app.models.base import utcnow
from app.models.review import ObservationStatus
from app.review import counting
from app.review.observations import service, validation
from app.review.observations.schemas import ObservationAmend
from app.review.observations.validation import VersionCriteria
from app.schemas import Page


def amend(
    db: Session,
    *,
    member: Member,
    observation: Observation,
    body: ObservationAmend,
    context: AuditContext,
) -> Observation:
    """Correct a submitted observation: the submitted state is kept as a revision."""
    require_rater(member, observation)
    if observation.status != ObservationStatus.submitted:
        raise Conflict("This observation is still a draft; edit it instead.", code="not_submitted")
    # Amendments correct the record against the version it was scored with, even when
    # that version has been retired since.
    rubric = service.rubric_of(db, observation)
    recording = service.recording_of(db, observation)
    validation.check_scores(body.scores, rubric=rubric, recording=recording)
    before = service.verdict(observation)
    db.add(_revision(db, observation=observation, rubric=rubric, member=member, body=body))
    service.apply_scores(db, observation=observation, scores=body.scores, rubric=rubric)
    if body.summary is not None:
        observation.summary = body.summary
    result = validation.final_result(service.scores_of(db, observation), rubric=rubric)
    observation.revision += 1
    observation.weighted_percent = result.weighted_percent
    observation.meets_fidelity = result.meets_fidelity
    # An amendment is a review too: the retention basis "last_review" counts from it.
    observation.updated_at = recording.last_reviewed_at = utcnow()
    db.add_all([observation, recording])
    db.flush()
    # All N/A now (no percent), or a percent again: which one counts may change.
    counting.recount(db, observation.organisation_id, recording_id=observation.recording_id)
    details = {"reason": body.reason, "before": before, "after": service.verdict(observation)}
    service.audit_observation(db, "observation.amended", observation, member, context, **details)
    return observation


def _revision(
    db: Session,
    *,
    observation: Observation,
    rubric: VersionCriteria,
    member: Member,
    body: ObservationAmend,
) -> ObservationRevision:
    assert observation.submitted_at is not None
    return ObservationRevision(
        organisation_id=observation.organisation_id,
        observation_id=observation.id,
        revision=observation.revision,
        scores=[_snapshot(row, rubric) for row in service.scores_of(db, observation)],
        summary=observation.summary,
        weighted_percent=observation.weighted_percent,
        meets_fidelity=observation.meets_fidelity,
        submitted_at=observation.submitted_at,
        amended_by_user_id=member.user.id,
        reason=body.reason,
    )


def _snapshot(row: ObservationScore, rubric: VersionCriteria) -> dict[str, Any]:
    return {
        "criterion_id": str(row.criterion_id),
        "code": rubric.by_id[row.criterion_id].code,
        "level": row.level,
        "not_applicable": row.not_applicable,
        "evidence": row.evidence,
        "moments": list(row.moments),
    }


def list_revisions(
    db: Session, *, observation: Observation, page: Page
) -> list[ObservationRevision]:
    statement = scoped(ObservationRevision, observation.organisation_id).where(
        ObservationRevision.observation_id == observation.id
    )
    return list(db.exec(page.of(statement.order_by(col(ObservationRevision.revision)))))
