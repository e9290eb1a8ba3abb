"""What the time report sums, each part a CTE over the practitioners the reader may see:
allocated minutes per month of the range, minutes of sessions per booking then per
participant and category, and logged minutes. Grouped in the database; Python only builds
the statements (report_statement.py joins them)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped
from sqlmodel import col

from app.access.reports import PractitionerCondition
from app.models import (
    AllocationPeriod,
    Booking,
    BookingKind,
    BookingOccurrence,
    BookingParticipant,
    BookingStatus,
    TimeAllocation,
    TimeCategory,
    TimeEntry,
)
from app.reports.period import DateRange
from app.reports.sql import constants, day_count, duration, earlier, later, whole_minutes
from app.ringfenced.periods import WEEK_DAY_UNITS, month_parts

CATEGORY_OF_KIND: dict[BookingKind, TimeCategory] = {
    BookingKind.coaching: TimeCategory.coaching,
    BookingKind.fidelity_assessment: TimeCategory.coaching,
    BookingKind.supervision: TimeCategory.supervision,
    BookingKind.group_supervision: TimeCategory.supervision,
    BookingKind.training: TimeCategory.training,
    BookingKind.planning: TimeCategory.planning,
}
"""Whose ring-fenced time a completed session uses (a fidelity assessment is coaching)."""


@dataclass(frozen=True)
class ReportQuery:
    """What is asked: whose organisation, which days, when is now (what is still to come,
    whether the days have ended), the tolerance, and the filters."""

    organisation_id: uuid.UUID
    days: DateRange
    now: datetime
    tolerance_percent: float
    practitioners: PractitionerCondition
    """Whom the report counts: the reader's scope, narrowed by the filters
    (app/access/reports.py)."""


def allocated(practitioners: CTE, query: ReportQuery) -> CTE:
    """Each allocation's minutes over the days of each month of the range it covers, in
    1/ALLOCATION_SCALE of a minute (periods.py): exact whole numbers."""
    months = constants(
        "month_part",
        [("first_day", Date()), ("last_day", Date()), ("day_units", Integer())],
        [
            (part.first, part.last, part.day_units)
            for part in month_parts(query.days.first, query.days.last)
        ],
    )
    allocation = TimeAllocation
    effective_until = col(allocation.effective_until)
    days = day_count(
        later(months.c.first_day, col(allocation.effective_from)),
        earlier(months.c.last_day, func.coalesce(effective_until, months.c.last_day)),
    )
    per_day = case(
        (col(allocation.period) == AllocationPeriod.week, WEEK_DAY_UNITS),
        else_=months.c.day_units,
    )
    practitioner = col(allocation.practitioner_user_id)
    return (
        select(
            practitioner.label("practitioner_user_id"),
            col(allocation.category).label("category"),
            func.sum(cast(col(allocation.minutes), BigInteger) * days * per_day).label("units"),
        )
        .join(
            months,
            and_(
                col(allocation.effective_from) <= months.c.last_day,
                or_(effective_until.is_(None), effective_until >= months.c.first_day),
            ),
        )
        .where(
            col(allocation.organisation_id) == query.organisation_id,
            practitioner.in_(select(practitioners.c.user_id)),
        )
        .group_by(practitioner, col(allocation.category))
        .cte("allocated")
    )


def booked(practitioners: CTE, query: ReportQuery) -> CTE:
    """Minutes of the sessions each practitioner takes part in (as a participant) that
    start within the range: completed (used), confirmed and still to come (scheduled),
    and cancelled by the organisation. Summed per booking first (a series has many
    occurrences and few participants), then per participant and category."""
    kinds = constants(
        "kind_category",
        [("kind", String()), ("category", String())],
        [(kind.value, category.value) for kind, category in CATEGORY_OF_KIND.items()],
    )
    per_booking = _per_booking(practitioners, query)
    participant = BookingParticipant
    user_id = col(participant.user_id)
    return (
        select(
            user_id.label("practitioner_user_id"),
            kinds.c.category,
            whole_sum(per_booking.c.used).label("used"),
            whole_sum(per_booking.c.scheduled).label("scheduled"),
            whole_sum(per_booking.c.cancelled).label("cancelled"),
        )
        .select_from(per_booking)
        .join(Booking, col(Booking.id) == per_booking.c.booking_id)
        .join(kinds, kinds.c.kind == col(Booking.kind))
        .join(participant, col(participant.booking_id) == per_booking.c.booking_id)
        .join(practitioners, practitioners.c.user_id == user_id)
        .group_by(user_id, kinds.c.category)
        .cte("booked")
    )


def _per_booking(practitioners: CTE, query: ReportQuery) -> CTE:
    occurrence = BookingOccurrence
    status, starts_at = col(occurrence.status), col(occurrence.starts_at)
    booking_id = col(occurrence.booking_id)
    spent = duration(starts_at, col(occurrence.ends_at))

    def total(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        # Durations are summed and turned into minutes once per booking, not per sitting.
        return whole_minutes(func.sum(case((condition, spent))))

    theirs = select(col(BookingParticipant.booking_id)).join(
        practitioners, practitioners.c.user_id == col(BookingParticipant.user_id)
    )
    return (
        select(
            booking_id.label("booking_id"),
            total(status == BookingStatus.completed).label("used"),
            total(and_(status == BookingStatus.confirmed, starts_at > query.now)).label(
                "scheduled"
            ),
            total(
                and_(
                    status == BookingStatus.cancelled,
                    col(occurrence.cancelled_by_organisation).is_(True),
                )
            ).label("cancelled"),
        )
        .where(
            col(occurrence.organisation_id) == query.organisation_id,
            starts_at >= query.days.starts_at,
            starts_at < query.days.ends_at,
            status.in_([BookingStatus.completed, BookingStatus.confirmed, BookingStatus.cancelled]),
            booking_id.in_(theirs),
        )
        .group_by(booking_id)
        .cte("per_booking")
    )


def logged(practitioners: CTE, query: ReportQuery) -> CTE:
    entry = TimeEntry
    practitioner, on_date = col(entry.practitioner_user_id), col(entry.on_date)
    return (
        select(
            practitioner.label("practitioner_user_id"),
            col(entry.category).label("category"),
            whole_sum(col(entry.minutes)).label("minutes"),
        )
        .where(
            col(entry.organisation_id) == query.organisation_id,
            on_date >= query.days.first,
            on_date <= query.days.last,
            practitioner.in_(select(practitioners.c.user_id)),
        )
        .group_by(practitioner, col(entry.category))
        .cte("logged")
    )


def whole_sum(minutes: ColumnElement[Any] | Mapped[int]) -> ColumnElement[int]:
    """A sum of whole minutes that stays a whole number (PostgreSQL sums a BIGINT as NUMERIC),
    so that the report's divisions are whole-number divisions on both databases."""
    return cast(func.sum(minutes), BigInteger)
