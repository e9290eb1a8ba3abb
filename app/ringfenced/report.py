"""The time report and the list of practitioners whose time is being eroded."""

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select
from sqlmodel import Session

from app.access import Member
from app.access.reports import PeopleFilters, report_scope
from app.errors import Unprocessable
from app.reports.period import month_range
from app.ringfenced.report_statement import report_statement
from app.ringfenced.report_sums import ReportQuery
from app.ringfenced.schemas import ErodedPractitioner, TimeReportRow
from app.schemas import Page


def report_query(
    db: Session,
    *,
    member: Member,
    filters: PeopleFilters,
    first_day: date | None,
    last_day: date | None,
    now: datetime | None = None,
) -> ReportQuery:
    """What the caller asked for, in the organisation's days (422 for a wrong range, 404
    for a filter naming someone out of the caller's reach)."""
    if filters.programme_id is not None:
        raise Unprocessable(
            "programme_id: ring-fenced time is kept per practitioner, not per programme.",
            code="unknown_filter",
        )
    organisation = member.organisation
    days = month_range(first_day, last_day, ZoneInfo(organisation.time_zone))
    return ReportQuery(
        organisation_id=organisation.id,
        days=days,
        now=now or datetime.now(UTC),
        tolerance_percent=organisation.time_tolerance_percent,
        practitioners=report_scope(db, member=member, filters=filters),
    )


def time_report(
    db: Session, *, query: ReportQuery, page: Page | None = None
) -> list[TimeReportRow]:
    """One page of rows (every row without a page), by practitioner name then category."""
    report = report_statement(query)
    statement = report.ordered(report.rows)
    if page is not None:
        statement = page.of(statement)
    return [_row(found) for found in db.execute(statement)]


def eroded_practitioners(
    db: Session, *, query: ReportQuery, page: Page
) -> list[ErodedPractitioner]:
    """One page of practitioners with at least one eroded category, by name."""
    report = report_statement(query)
    on_page = page.of(
        select(report.practitioner_user_id)
        .where(report.eroded)
        .group_by(report.practitioner_user_id, report.practitioner_name)
        .order_by(report.practitioner_name, report.practitioner_user_id)
    )
    eroded = report.rows.where(report.eroded, report.practitioner_user_id.in_(on_page))
    statement = report.ordered(eroded)
    rows = [_row(found) for found in db.execute(statement)]
    return [_eroded(categories) for _, categories in groupby(rows, key=_practitioner)]


def _practitioner(row: TimeReportRow) -> uuid.UUID:
    return row.practitioner_user_id


def _eroded(categories: Iterable[TimeReportRow]) -> ErodedPractitioner:
    rows = list(categories)
    return ErodedPractitioner(
        practitioner_user_id=rows[0].practitioner_user_id,
        practitioner_name=rows[0].practitioner_name,
        cancelled_by_organisation_minutes=sum(
            row.cancelled_by_organisation_minutes for row in rows
        ),
        categories=rows,
    )


def _row(found: Row[Any]) -> TimeReportRow:
    values = found._mapping
    tenths = values["utilisation_tenths"]
    return TimeReportRow(
        practitioner_user_id=values["practitioner_user_id"],
        practitioner_name=values["practitioner_name"],
        category=values["category"],
        allocated_minutes=values["allocated_minutes"],
        scheduled_minutes=values["scheduled_minutes"],
        used_minutes=values["used_minutes"],
        remaining_minutes=values["remaining_minutes"],
        utilisation_percent=None if tenths is None else tenths / 10,
        cancelled_by_organisation_minutes=values["cancelled_by_organisation_minutes"],
        below_tolerance=values["below_tolerance"],
        eroded=values["eroded"],
    )
