"""The equity report: whether bookings, coaching and ratings reach every part of the
workforce, group by group, with rates per practitioner so groups of any size compare."""

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping
from sqlmodel import Session, col, select

from app.access import Member
from app.access.reports import report_scope
from app.errors import Unprocessable
from app.models import MemberAttribute
from app.organisation.schemas import TEAM
from app.reports.coverage.activity import ActivityQuery, Rows
from app.reports.coverage.rounding import per_each, share_percent
from app.reports.equity.schemas import EquityFigures, EquityReport, EquityRow
from app.reports.equity.statement import figures_statements
from app.reports.filters import ReportFilters
from app.reports.period import trend_range


@dataclass(frozen=True)
class EquityQuery:
    activity: ActivityQuery
    attribute: str


def equity_query(
    db: Session, *, member: Member, filters: ReportFilters, attribute: str
) -> EquityQuery:
    """What the caller asked for (422 for a wrong period or an attribute nobody in the
    organisation holds, 404 for a filter naming someone or something out of reach)."""
    days = trend_range(filters.first_day, filters.last_day, ZoneInfo(member.organisation.time_zone))
    practitioners = report_scope(db, member=member, filters=filters)
    if attribute != TEAM:
        _check_attribute(db, member=member, attribute=attribute)
    activity = ActivityQuery(
        member=member, days=days, practitioners=practitioners, programme_id=filters.programme_id
    )
    return EquityQuery(activity=activity, attribute=attribute)


def _check_attribute(db: Session, *, member: Member, attribute: str) -> None:
    """Anyone of the organisation holding it will do: a team without it is a report of
    "not set", not an error."""
    held = select(col(MemberAttribute.id)).where(
        col(MemberAttribute.organisation_id) == member.organisation_id,
        col(MemberAttribute.name) == attribute,
    )
    if db.exec(held.limit(1)).first() is None:
        raise Unprocessable(
            f"attribute: no member of this organisation has an attribute called "
            f"{attribute!r}; ask for {TEAM!r} or a name in use.",
            code="unknown_attribute",
        )


def equity_rows(db: Session, *, query: EquityQuery) -> list[EquityRow]:
    """Every group, by value (the practitioners without one last)."""
    rows, _ = figures_statements(query.activity, query.attribute)
    return _rows(db, query=query, statement=rows)


def equity_report(db: Session, *, query: EquityQuery) -> EquityReport:
    days = query.activity.days
    rows, overall = figures_statements(query.activity, query.attribute)
    return EquityReport(
        first_day=days.first,
        last_day=days.last,
        attribute=query.attribute,
        rows=_rows(db, query=query, statement=rows),
        overall=EquityFigures(**_figures(db.execute(overall).one()._mapping)),
    )


def _rows(db: Session, *, query: EquityQuery, statement: Rows) -> list[EquityRow]:
    return [
        EquityRow(
            attribute=query.attribute,
            value=found.value,
            supervisor_user_id=found.supervisor_user_id,
            **_figures(found._mapping),
        )
        for found in db.execute(statement)
    ]


def _figures(values: RowMapping) -> dict[str, Any]:
    """The sums as counted, and the rates and shares made of them."""
    practitioners = values["practitioners"]
    return {
        "practitioners": practitioners,
        "bookings_completed": values["bookings_completed"],
        "booking_minutes": values["booking_minutes"],
        "coaching_sessions": values["coaching_sessions"],
        "practitioners_coached": values["practitioners_coached"],
        "observations": values["observations"],
        "practitioners_rated": values["practitioners_rated"],
        "bookings_per_practitioner": per_each(values["bookings_completed"], practitioners),
        "booking_minutes_per_practitioner": per_each(values["booking_minutes"], practitioners),
        "coaching_sessions_per_practitioner": per_each(values["coaching_sessions"], practitioners),
        "observations_per_practitioner": per_each(values["observations"], practitioners),
        "coached_percent": share_percent(values["practitioners_coached"], practitioners),
        "rated_percent": share_percent(values["practitioners_rated"], practitioners),
    }
