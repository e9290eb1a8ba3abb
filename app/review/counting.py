"""Which observation counts for a recording, for fidelity and objectives.

A double-coded recording has several submitted observations; the practitioner's figures
must count the session once. Second raters score for agreement, so their observations
count only in programmes that treat them as feedback (app/access/observations.py). The one
that counts: the gold standard if a lead marked one, else the primary rater's, else the
earliest submitted. Observations where every criterion
was N/A (no weighted percent) say nothing about fidelity and are left out.

The choice is stored on the observation (`counts_for_fidelity`) when it can change (an
observation submitted or amended, a gold standard marked, a programme's settings changed):
every fidelity figure and report reads it, and choosing again on each read cost a sort of
the organisation's observations per statement (and PostgreSQL misjudged its size).
"""

import uuid

from sqlalchemy import ColumnElement, Select, Subquery, case, func, select, true, update
from sqlmodel import Session, col

from app.access.members import OrganisationId
from app.access.observations import is_feedback
from app.models import Observation
from app.models.review import ObservationStatus, RaterRole

COUNTED_COLUMNS = (
    col(Observation.id),
    col(Observation.recording_id),
    col(Observation.practitioner_user_id),
    col(Observation.programme_id),
    col(Observation.rubric_version_id),
    col(Observation.submitted_at),
    col(Observation.weighted_percent),
    col(Observation.meets_fidelity),
)


def counted_observations(organisation_id: OrganisationId) -> Subquery:
    """The organisation's observations that count, one per recording and programme."""
    return (
        select(*COUNTED_COLUMNS)
        .where(
            col(Observation.organisation_id) == organisation_id,
            col(Observation.counts_for_fidelity) == true(),
        )
        .subquery("counted_observations")
    )


def recount(
    db: Session,
    organisation_id: uuid.UUID,
    *,
    recording_id: uuid.UUID | None = None,
    programme_id: uuid.UUID | None = None,
) -> None:
    """Choose again which observations count: of one recording, one programme, or (neither
    given) the whole organisation. Call it after any change that can move the choice."""
    within = [col(Observation.organisation_id) == organisation_id]
    if recording_id is not None:
        within.append(col(Observation.recording_id) == recording_id)
    if programme_id is not None:
        within.append(col(Observation.programme_id) == programme_id)
    chosen = _chosen(*within)
    db.execute(
        update(Observation)
        .where(*within)
        .values(counts_for_fidelity=col(Observation.id).in_(chosen))
        # Nothing reads the flag from loaded objects, so they are left as they are.
        .execution_options(synchronize_session=False)
    )


def _chosen(*within: ColumnElement[bool]) -> Select[tuple[uuid.UUID]]:
    preference = func.row_number().over(
        partition_by=(col(Observation.recording_id), col(Observation.programme_id)),
        order_by=(
            col(Observation.is_gold_standard).desc(),
            case((col(Observation.rater_role) == RaterRole.primary, 0), else_=1),
            col(Observation.submitted_at),
            col(Observation.id),
        ),
    )
    ranked = (
        select(col(Observation.id).label("id"), preference.label("preference"))
        .where(
            *within,
            col(Observation.status) == ObservationStatus.submitted,
            col(Observation.weighted_percent).is_not(None),
            is_feedback(),
        )
        .subquery("ranked_observations")
    )
    return select(ranked.c.id).where(ranked.c.preference == 1)
