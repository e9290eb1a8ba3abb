"""Which observation counts for a recording, for fidelity and objectives.

A double-coded recording has several submitted observations; the practitioner's figures
must count the session once. Second raters score for agreement, so their observations
count only in programmes that treat them as feedback (app/access/observations.py). The one
that counts: the gold standard if a lead marked one, else the primary rater's, else the
earliest submitted. Observations where every criterion
was N/A (no weighted percent) say nothing about fidelity and are left out.
"""

from sqlalchemy import Subquery, case, func, select
from sqlmodel import col

from app.access.members import OrganisationId
from app.access.observations import is_feedback
from app.models import Observation
from app.models.review import ObservationStatus, RaterRole


def counted_observations(organisation_id: OrganisationId) -> Subquery:
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
        select(
            col(Observation.id),
            col(Observation.recording_id),
            col(Observation.practitioner_user_id),
            col(Observation.programme_id),
            col(Observation.rubric_version_id),
            col(Observation.submitted_at),
            col(Observation.weighted_percent),
            col(Observation.meets_fidelity),
            preference.label("preference"),
        )
        .where(
            col(Observation.organisation_id) == organisation_id,
            col(Observation.status) == ObservationStatus.submitted,
            col(Observation.weighted_percent).is_not(None),
            is_feedback(),
        )
        .subquery("ranked_observations")
    )
    columns = [column for column in ranked.c if column.name != "preference"]
    return select(*columns).where(ranked.c.preference == 1).subquery("counted_observations")
