"""The time report as one SQL statement: per practitioner and category, what was
allocated, scheduled, used and taken away over a range of days.

Each sum (report_sums.py) is a CTE joined to every (practitioner, category) pair the
caller may see, and a row is kept when anything in it is not zero.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    or_,
    select,
    true,
    type_coerce,
)

from app.access.reports import reported_practitioners
from app.models import (
    TimeCategory,
)
from app.reports.sql import constants
from app.ringfenced import report_sums as sums
from app.ringfenced.periods import ALLOCATION_SCALE
from app.ringfenced.report_sums import ReportQuery


@dataclass(frozen=True)
class ReportStatement:
    """Every row of the report, unordered, and the condition that a row is eroded."""

    rows: Select[Any]
    eroded: ColumnElement[bool]
    practitioner_user_id: ColumnElement[uuid.UUID]
    practitioner_name: ColumnElement[str]
    position: ColumnElement[int]

    def ordered(self, statement: Select[Any]) -> Select[Any]:
        return statement.order_by(self.practitioner_name, self.practitioner_user_id, self.position)


def report_statement(query: ReportQuery) -> ReportStatement:
    practitioners = _practitioners(query)
    totals = _totals(practitioners, query).cte("totals")
    allocated = totals.c.allocated_minutes
    used, scheduled = totals.c.used_minutes, totals.c.scheduled_minutes
    cancelled = totals.c.cancelled_by_organisation_minutes
    left = allocated - used - scheduled
    below = (
        and_(allocated > 0, used * 100 < allocated * query.tolerance_percent)
        if query.days.has_ended(query.now)
        else false()
    )
    eroded = or_(cancelled > 0, below)
    rows = select(
        totals.c.practitioner_user_id,
        totals.c.practitioner_name,
        totals.c.category,
        allocated,
        scheduled,
        used,
        case((left > 0, left), else_=0).label("remaining_minutes"),
        # Tenths of a percent, rounded half up in whole numbers on both databases.
        case((allocated > 0, (used * 2000 + allocated) // (allocated * 2)), else_=None).label(
            "utilisation_tenths"
        ),
        cancelled,
        type_coerce(below, Boolean).label("below_tolerance"),
        type_coerce(eroded, Boolean).label("eroded"),
    ).where(or_(allocated > 0, used > 0, scheduled > 0, cancelled > 0))
    return ReportStatement(
        rows=rows,
        eroded=eroded,
        practitioner_user_id=totals.c.practitioner_user_id,
        practitioner_name=totals.c.practitioner_name,
        position=totals.c.position,
    )


def _practitioners(query: ReportQuery) -> CTE:
    """Members holding the practitioner role whom the report counts."""
    return reported_practitioners(query.organisation_id, query.practitioners).cte("practitioner")


def _totals(practitioners: CTE, query: ReportQuery) -> Select[Any]:
    categories = constants(
        "category",
        [("category", String()), ("position", Integer())],
        [(category.value, position) for position, category in enumerate(TimeCategory)],
    )
    allocated = sums.allocated(practitioners, query)
    booked = sums.booked(practitioners, query)
    logged = sums.logged(practitioners, query)
    user_id, category = practitioners.c.user_id, categories.c.category

    def matching(part: CTE) -> ColumnElement[bool]:
        return and_(part.c.practitioner_user_id == user_id, part.c.category == category)

    units = func.coalesce(cast(allocated.c.units, BigInteger), 0)
    return (
        select(
            user_id.label("practitioner_user_id"),
            practitioners.c.name.label("practitioner_name"),
            category,
            categories.c.position,
            # Rounded half up: floor((2 units + scale) / (2 scale)), in whole numbers.
            ((units * 2 + ALLOCATION_SCALE) // (2 * ALLOCATION_SCALE)).label("allocated_minutes"),
            (func.coalesce(booked.c.used, 0) + func.coalesce(logged.c.minutes, 0)).label(
                "used_minutes"
            ),
            func.coalesce(booked.c.scheduled, 0).label("scheduled_minutes"),
            func.coalesce(booked.c.cancelled, 0).label("cancelled_by_organisation_minutes"),
        )
        .select_from(practitioners.join(categories, true()))
        .outerjoin(allocated, matching(allocated))
        .outerjoin(booked, matching(booked))
        .outerjoin(logged, matching(logged))
    )
