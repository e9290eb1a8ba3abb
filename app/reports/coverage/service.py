"""The coverage report: who has had no rating or no coaching lately, who meets the
programme's target of rated recordings, and what champions did."""

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row
from sqlmodel import Session

from app.access import Member
from app.access.reports import report_scope
from app.reports.coverage.activity import ActivityQuery
from app.reports.coverage.rounding import share_percent
from app.reports.coverage.schemas import CoverageReport, CoverageRow, CoverageSummary
from app.reports.coverage.statement import CoverageQuery, rows_statement, summary_statement
from app.reports.filters import ReportFilters
from app.reports.period import DateRange, trend_range
from app.schemas import Page

DEFAULT_WEEKS, MAX_WEEKS = 8, 104
DEFAULT_TARGET, MAX_TARGET = 1, 100


def coverage_query(
    db: Session, *, member: Member, filters: ReportFilters, weeks: int, target: int
) -> CoverageQuery:
    """What the caller asked for, in the organisation's days (422 for a wrong period, 404
    for a filter naming someone or something out of reach)."""
    zone = ZoneInfo(member.organisation.time_zone)
    days = trend_range(filters.first_day, filters.last_day, zone)
    practitioners = report_scope(db, member=member, filters=filters)
    recent_first = days.last - timedelta(weeks=weeks) + timedelta(days=1)
    return CoverageQuery(
        activity=ActivityQuery(
            member=member,
            days=days,
            practitioners=practitioners,
            programme_id=filters.programme_id,
        ),
        weeks=weeks,
        recent=DateRange(recent_first, days.last, zone),
        target=target,
    )


def coverage_rows(
    db: Session, *, query: CoverageQuery, page: Page | None = None
) -> list[CoverageRow]:
    """One page of rows (every row without a page), by practitioner name then id."""
    statement = rows_statement(query)
    if page is not None:
        statement = page.of(statement)
    return [CoverageRow.model_validate(found._mapping) for found in db.execute(statement)]


def coverage_report(db: Session, *, query: CoverageQuery, page: Page) -> CoverageReport:
    days = query.activity.days
    totals = db.execute(summary_statement(rows_statement(query))).one()
    return CoverageReport(
        first_day=days.first,
        last_day=days.last,
        weeks=query.weeks,
        weeks_first_day=query.recent.first,
        target=query.target,
        summary=_summary(totals),
        rows=coverage_rows(db, query=query, page=page),
    )


def _summary(totals: Row[Any]) -> CoverageSummary:
    values = totals._mapping
    return CoverageSummary(
        practitioners=values["practitioners"],
        without_rating=values["without_rating"],
        without_coaching=values["without_coaching"],
        meeting_target=values["meeting_target"],
        meeting_target_percent=share_percent(values["meeting_target"], values["practitioners"]),
        champions=values["champions"],
    )
