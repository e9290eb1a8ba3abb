"""GET /organisations/{org}/reports/turnaround."""

from fastapi.responses import StreamingResponse

from app.access import MemberDep
from app.db import SessionDep
from app.reports.csv import CSV_CONTENT, csv_response
from app.reports.filters import ReportFiltersDep
from app.reports.turnaround import service
from app.reports.turnaround.schemas import TurnaroundReport, TurnaroundRow
from app.routing import TandemRouter

router = TandemRouter(prefix="/organisations/{organisation_id}/reports", tags=["reports"])


@router.get("/turnaround", response_model=TurnaroundReport, responses=CSV_CONTENT)
def read_turnaround_report(
    member: MemberDep, db: SessionDep, filters: ReportFiltersDep
) -> TurnaroundReport | StreamingResponse:
    """How long practitioners wait for an answer to a recording, by coach: hours from the
    upload (completed between `from` and `to`, days in the organisation's zone; the last
    12 months by default) to the reviewer's first comment and first submitted
    observation, median and 90th percentile (nearest rank), and the recordings nobody
    has answered yet. A summary row first counts the first answer by anyone. Leads see
    the organisation, supervisors their team, coaches their coachees, practitioners
    themselves; recordings the caller rates blind show no other rater's answers.
    `format=csv` (or `Accept: text/csv`) answers the rows as CSV."""
    query = service.turnaround_query(db, member=member, filters=filters)
    if filters.csv:
        return csv_response(
            service.turnaround_rows(db, query=query),
            model=TurnaroundRow,
            report="turnaround",
            first_day=query.days.first,
            last_day=query.days.last,
        )
    return service.turnaround_report(db, query=query)
