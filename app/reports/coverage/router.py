"""GET /organisations/{org}/reports/coverage."""

from typing import Annotated

from fastapi import Query
from fastapi.responses import StreamingResponse

from app.access import MemberDep
from app.db import SessionDep
from app.reports.coverage import service
from app.reports.coverage.schemas import CoverageReport, CoverageRow
from app.reports.csv import CSV_CONTENT, csv_response
from app.reports.filters import ReportFiltersDep
from app.routing import TandemRouter
from app.schemas import PageDep

router = TandemRouter(prefix="/organisations/{organisation_id}/reports", tags=["reports"])

Weeks = Annotated[
    int,
    Query(
        ge=1,
        le=service.MAX_WEEKS,
        description="N: who has had no rating or no coaching session in the last N weeks "
        "(the N × 7 days ending with `to`).",
    ),
]
Target = Annotated[
    int,
    Query(
        ge=1,
        le=service.MAX_TARGET,
        description="K: the programme's target of rated recordings per practitioner in the period.",
    ),
]


@router.get("/coverage", response_model=CoverageReport, responses=CSV_CONTENT)
def read_coverage_report(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    filters: ReportFiltersDep,
    weeks: Weeks = service.DEFAULT_WEEKS,
    target: Target = service.DEFAULT_TARGET,
) -> CoverageReport | StreamingResponse:
    """Coverage per practitioner over days in the organisation's zone (`from`, `to`, both
    included; by default the 12 calendar months up to today): recordings rated (the
    observation that counts for each, never one of a recording the caller rates blind) and
    completed coaching sessions (kinds coaching and fidelity assessment, as a participant)
    in the period; whether they had none in the last `weeks` weeks, counted back from the
    end of `to` (and so possibly before `from`); whether they meet the `target` of rated
    recordings; and, for champions only (null for others), recordings uploaded, comments
    written and reflections shared in the period. A summary counts every practitioner;
    `rows` is one page, by name. `programme_id` narrows the ratings only (sessions are not
    kept per programme). Leads see everyone, supervisors their team, coaches their
    coachees, practitioners themselves. `format=csv` (or `Accept: text/csv`) answers every
    row as CSV, whatever the page."""
    query = service.coverage_query(db, member=member, filters=filters, weeks=weeks, target=target)
    if filters.csv:
        days = query.activity.days
        return csv_response(
            service.coverage_rows(db, query=query),
            model=CoverageRow,
            report="coverage",
            first_day=days.first,
            last_day=days.last,
        )
    return service.coverage_report(db, query=query, page=page)
