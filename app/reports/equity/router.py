"""GET /organisations/{org}/reports/equity."""

from typing import Annotated

from fastapi import Query
from fastapi.responses import StreamingResponse

from app.access import MemberDep
from app.db import SessionDep
from app.organisation.schemas import ATTRIBUTE_NAME, MAX_ATTRIBUTE_NAME, TEAM
from app.reports.csv import CSV_CONTENT, csv_response
from app.reports.equity import service
from app.reports.equity.schemas import EquityReport, EquityRow
from app.reports.filters import ReportFiltersDep
from app.routing import TandemRouter

router = TandemRouter(prefix="/organisations/{organisation_id}/reports", tags=["reports"])

Attribute = Annotated[
    str,
    Query(
        max_length=MAX_ATTRIBUTE_NAME,
        pattern=ATTRIBUTE_NAME,
        description="Group practitioners by this attribute of theirs (locality, service...), "
        "or by `team`: their supervisor.",
    ),
]


@router.get("/equity", response_model=EquityReport, responses=CSV_CONTENT)
def read_equity_report(
    member: MemberDep, db: SessionDep, filters: ReportFiltersDep, attribute: Attribute = TEAM
) -> EquityReport | StreamingResponse:
    """Whether support reaches every part of the workforce, over days in the organisation's
    zone (`from`, `to`, both included; by default the 12 calendar months up to today): per
    group of practitioners (each value of `attribute`, and those without it; `team`, the
    default, groups by supervisor, a practitioner with two supervisors counting in both),
    completed sessions of any kind and their minutes, coaching sessions, practitioners
    coached, counted observations (never of a recording the caller rates blind),
    practitioners rated, and each per practitioner or in percent of the group; `overall`
    counts each practitioner once. `programme_id` narrows the observations only (sessions
    are not kept per programme). An attribute no member holds is a 422. Leads see everyone,
    supervisors their team, coaches their coachees, practitioners themselves. No data about
    families. `format=csv` (or `Accept: text/csv`) answers the rows as CSV."""
    query = service.equity_query(db, member=member, filters=filters, attribute=attribute)
    if filters.csv:
        days = query.activity.days
        return csv_response(
            service.equity_rows(db, query=query),
            model=EquityRow,
            report="equity",
            first_day=days.first,
            last_day=days.last,
        )
    return service.equity_report(db, query=query)
