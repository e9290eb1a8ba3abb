"""The time report summed by team (supervisor) or for the whole organisation: the same
per-practitioner rows (report_statement.py), grouped in the database."""

from typing import Any, Literal

from sqlalchemy import BigInteger, Select, case, cast, func, literal, select
from sqlmodel import Session, col

from app.models import Assignment, AssignmentKind, Organisation, User
from app.ringfenced.report_statement import report_statement
from app.ringfenced.report_sums import ReportQuery
from app.ringfenced.schemas import TimeGroupRow
from app.schemas import Page

GroupBy = Literal["supervisor", "organisation"]


def grouped_statement(query: ReportQuery, by: GroupBy) -> Select[Any]:
    """One row per group and category, by group name then category."""
    report = report_statement(query)
    rows = report.rows.add_columns(report.position.label("position")).subquery("time_rows")
    if by == "supervisor":
        team = (
            select(
                col(Assignment.practitioner_user_id).label("practitioner_user_id"),
                col(Assignment.staff_user_id).label("group_id"),
                col(User.display_name).label("group_name"),
            )
            .join(User, col(User.id) == col(Assignment.staff_user_id))
            .where(
                col(Assignment.organisation_id) == query.organisation_id,
                col(Assignment.kind) == AssignmentKind.supervisor,
            )
            .subquery("team")
        )
        source = rows.outerjoin(team, team.c.practitioner_user_id == rows.c.practitioner_user_id)
        group_id, group_name = team.c.group_id, team.c.group_name
    else:
        organisation = (
            select(
                col(Organisation.id).label("group_id"), col(Organisation.name).label("group_name")
            )
            .where(col(Organisation.id) == query.organisation_id)
            .subquery("organisation")
        )
        source = rows.join(organisation, literal(True))
        group_id, group_name = organisation.c.group_id, organisation.c.group_name
    # Sums of integers are numeric on PostgreSQL: made whole again so `//` divides whole.
    allocated = cast(func.sum(rows.c.allocated_minutes), BigInteger)
    used = cast(func.sum(rows.c.used_minutes), BigInteger)
    return (
        select(
            group_id.label("group_id"),
            group_name.label("group_name"),
            rows.c.category,
            func.count().label("practitioners"),
            allocated.label("allocated_minutes"),
            func.sum(rows.c.scheduled_minutes).label("scheduled_minutes"),
            used.label("used_minutes"),
            func.sum(rows.c.remaining_minutes).label("remaining_minutes"),
            # Tenths of a percent, rounded half up in whole numbers on both databases.
            case((allocated > 0, (used * 2000 + allocated) // (allocated * 2)), else_=None).label(
                "utilisation_tenths"
            ),
            func.sum(rows.c.cancelled_by_organisation_minutes).label(
                "cancelled_by_organisation_minutes"
            ),
            func.sum(case((rows.c.eroded, 1), else_=0)).label("eroded_practitioners"),
        )
        .select_from(source)
        .group_by(group_id, group_name, rows.c.category, rows.c.position)
        .order_by(group_name.is_(None), group_name, group_id, rows.c.position)
    )


def time_groups(
    db: Session, *, query: ReportQuery, by: GroupBy, page: Page | None = None
) -> list[TimeGroupRow]:
    statement = grouped_statement(query, by)
    if page is not None:
        statement = page.of(statement)
    return [
        TimeGroupRow(
            group_by=by,
            group_id=row.group_id,
            group_name=row.group_name,
            category=row.category,
            practitioners=row.practitioners,
            allocated_minutes=row.allocated_minutes,
            scheduled_minutes=row.scheduled_minutes,
            used_minutes=row.used_minutes,
            remaining_minutes=row.remaining_minutes,
            utilisation_percent=(
                None if row.utilisation_tenths is None else row.utilisation_tenths / 10
            ),
            cancelled_by_organisation_minutes=row.cancelled_by_organisation_minutes,
            eroded_practitioners=row.eroded_practitioners,
        )
        for row in db.execute(statement)
    ]
