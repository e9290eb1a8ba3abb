"""The turnaround report: check what was asked, run the statement, name the rows."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row
from sqlmodel import Session

from app.access.members import Member
from app.access.reports import report_scope
from app.reports.filters import ReportFilters
from app.reports.period import trend_range
from app.reports.turnaround.recordings import TurnaroundQuery
from app.reports.turnaround.schemas import TurnaroundReport, TurnaroundRow
from app.reports.turnaround.statement import turnaround_statement


def turnaround_query(
    db: Session, *, member: Member, filters: ReportFilters, now: datetime | None = None
) -> TurnaroundQuery:
    """422 for a wrong period, 404 for a filter out of the caller's reach. Without `from`,
    the twelve calendar months up to `to` (today by default)."""
    zone = ZoneInfo(member.organisation.time_zone)
    days = trend_range(filters.first_day, filters.last_day, zone)
    return TurnaroundQuery(
        member=member,
        days=days,
        practitioners=report_scope(db, member=member, filters=filters),
        programme_id=filters.programme_id,
        now=now or datetime.now(UTC),
    )


def turnaround_rows(db: Session, *, query: TurnaroundQuery) -> list[TurnaroundRow]:
    statement = turnaround_statement(query, dialect=db.get_bind().dialect.name)
    return [_row(found) for found in db.execute(statement)]


def turnaround_report(db: Session, *, query: TurnaroundQuery) -> TurnaroundReport:
    return TurnaroundReport(
        first_day=query.days.first,
        last_day=query.days.last,
        rows=turnaround_rows(db, query=query),
    )


def _hours(tenths: int | None) -> float | None:
    return None if tenths is None else tenths / 10


def _row(found: Row[Any]) -> TurnaroundRow:
    values = found._mapping
    return TurnaroundRow(
        coach_user_id=values["coach_user_id"],
        coach_name=values["coach_name"],
        recordings_uploaded=values["recordings_uploaded"],
        recordings_commented=values["recordings_commented"],
        first_comment_median_hours=_hours(values["first_comment_median_tenths"]),
        first_comment_p90_hours=_hours(values["first_comment_p90_tenths"]),
        recordings_observed=values["recordings_observed"],
        observation_median_hours=_hours(values["observation_median_tenths"]),
        observation_p90_hours=_hours(values["observation_p90_tenths"]),
        waiting_for_comment=values["waiting_for_comment"],
        waiting_for_comment_over_7_days=values["waiting_for_comment_long"],
        waiting_for_observation=values["waiting_for_observation"],
        waiting_for_observation_over_7_days=values["waiting_for_observation_long"],
    )
