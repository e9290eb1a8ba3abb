"""GET /organisations/{org}/reports/agreement."""

import uuid
from typing import Annotated

from fastapi import Query
from fastapi.responses import StreamingResponse

from app.access import MemberDep
from app.db import SessionDep
from app.reports.csv import CSV_CONTENT, csv_response
from app.reports.filters import ReportFiltersDep
from app.reports.rater_agreement import service
from app.reports.rater_agreement.schemas import AgreementReport, AgreementRow
from app.routing import TandemRouter

router = TandemRouter(prefix="/organisations/{organisation_id}/reports", tags=["reports"])

RubricId = Annotated[
    uuid.UUID | None,
    Query(
        description="One rubric of the organisation; every rubric (of `programme_id`) if left out."
    ),
]


@router.get("/agreement", response_model=AgreementReport, responses=CSV_CONTENT)
def read_agreement_report(
    member: MemberDep, db: SessionDep, filters: ReportFiltersDep, rubric_id: RubricId = None
) -> AgreementReport | StreamingResponse:
    """Inter-rater agreement by rubric, month and rater, to watch raters drift: on
    recordings scored by two or more raters on the same rubric version, each rater's
    level on a criterion against every other rater's (N/A left out): recordings compared,
    score pairs, exact and adjacent agreement, mean signed difference (bias) and mean
    absolute difference, and whether the month is drifting (exact agreement 15 points or
    more below the rater's earlier months). A row per rubric and month sums up all
    raters. Observations submitted between `from` and `to` (days in the organisation's
    zone; the last 12 months by default). Leads see the organisation, supervisors their
    team, coaches their coachees, practitioners themselves; recordings the caller rates
    blind are left out. `format=csv` (or `Accept: text/csv`) answers the rows as CSV."""
    query = service.agreement_query(db, member=member, filters=filters, rubric_id=rubric_id)
    if filters.csv:
        return csv_response(
            service.agreement_rows(db, query=query),
            model=AgreementRow,
            report="agreement",
            first_day=query.days.first,
            last_day=query.days.last,
        )
    return service.agreement_report(db, query=query)
