"""Inter-rater agreement of a rubric's double-coded observations."""

import uuid
from typing import Annotated

from fastapi import Query

from app.access import LeadDep
from app.db import SessionDep
from app.review.agreement_report import service
from app.review.agreement_report.schemas import AgreementReport
from app.routing import TandemRouter
from app.schemas import IsoDate

router = TandemRouter(prefix="/organisations/{organisation_id}/agreement", tags=["review"])


@router.get("", response_model=AgreementReport)
def read_agreement(
    lead: LeadDep,
    db: SessionDep,
    rubric_id: uuid.UUID,
    rubric_version_id: uuid.UUID | None = None,
    period_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    period_to: Annotated[IsoDate | None, Query(alias="to")] = None,
    recording_id: Annotated[list[uuid.UUID] | None, Query()] = None,
) -> AgreementReport:
    """Agreement between raters on a rubric (leads), overall and per criterion: exact and
    adjacent agreement, Cohen's weighted kappa (linear, quadratic) per pair of raters,
    ICC(2,1) and ICC(3,1), Krippendorff's alpha (ordinal), and each rater's deviation from
    gold-standard ratings. Narrow it to recordings made between `from` and `to` (days in
    the organisation's time zone, both included) or to given `recording_id`s."""
    return service.agreement_report(
        db,
        lead=lead,
        rubric_id=rubric_id,
        rubric_version_id=rubric_version_id,
        period_from=period_from,
        period_to=period_to,
        recording_ids=tuple(recording_id or ()),
    )
