"""The fidelity report's route: checks, then the service; JSON or every row as CSV."""

from typing import Annotated

from fastapi import Query
from fastapi.responses import StreamingResponse

from app.access import MemberDep
from app.db import SessionDep
from app.reports.csv import CSV_CONTENT, csv_response
from app.reports.fidelity import service
from app.reports.fidelity.schemas import FidelityGrouping, FidelityReport
from app.reports.filters import ReportFiltersDep
from app.routing import TandemRouter
from app.schemas import PageDep

router = TandemRouter(prefix="/organisations/{organisation_id}/reports", tags=["reports"])


By = Annotated[
    FidelityGrouping,
    Query(
        description="Rows per programme and organisation, supervisor (team), coach or "
        "practitioner; or one row per counted observation (observation)."
    ),
]


@router.get("/fidelity", response_model=FidelityReport, responses=CSV_CONTENT)
def read_fidelity_report(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    filters: ReportFiltersDep,
    by: By = FidelityGrouping.practitioner,
) -> FidelityReport | StreamingResponse:
    """Fidelity per programme over days in the organisation's zone (`from`, `to`, both
    included; the 12 months up to today by default): counted observations submitted,
    mean weighted percent, share meeting the rule, and the practitioners' current drift,
    certification and re-certification due, grouped `by`; with the monthly trend and the
    weakest criteria. Leads see everyone, supervisors their team, coaches their
    practitioners, practitioners themselves; the filters narrow that. `format=csv` (or
    `Accept: text/csv`) answers every row of the table as CSV, whatever the page."""
    query = service.fidelity_query(db, member=member, filters=filters, by=by)
    if filters.csv:
        return csv_response(
            service.every_row(db, query=query),
            model=service.row_model(by),
            report="fidelity",
            first_day=query.days.first,
            last_day=query.days.last,
        )
    return service.fidelity_report(db, query=query, page=page)
