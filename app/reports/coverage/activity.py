"""What practitioners did and received, as SQL the coverage and equity reports share:
the practitioners a report counts, the completed sessions they took part in, and their
rated recordings. Each part is a statement to aggregate; nothing here runs a query.

- A practitioner: a member holding the practitioner role whom the reader's scope and the
  people filters let the report count (app/access/reports.py).
- A session: a completed sitting (BookingOccurrence) of a booking the practitioner takes
  part in as a participant (the organiser runs it), placed by its start. Coaching
  sessions are the kinds `coaching` and `fidelity_assessment`.
- A rating: the observation that counts for a recording (app/review/counting.py), placed
  by its submission, never of a recording the reader rates blind, and of the programme
  `programme_id` names, if any. Bookings are not kept per programme: the filter narrows
  ratings only.
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CTE, BigInteger, ColumnElement, Select, Subquery, cast, func, select
from sqlalchemy.orm import Mapped
from sqlmodel import col

from app.access.figures import not_blind
from app.access.members import Member
from app.access.reports import PractitionerCondition, reported_practitioners
from app.models import (
    Booking,
    BookingKind,
    BookingOccurrence,
    BookingParticipant,
    BookingStatus,
)
from app.reports.period import DateRange
from app.reports.sql import duration
from app.review.counting import counted_observations

COACHING_KINDS = (BookingKind.coaching, BookingKind.fidelity_assessment)

Rows = Select[*tuple[Any, ...]]
"""A statement of any number of columns."""


@dataclass(frozen=True)
class ActivityQuery:
    """Who asks (their scope and the blind rule), about which days and programme."""

    member: Member
    days: DateRange
    practitioners: PractitionerCondition
    programme_id: uuid.UUID | None = None

    @property
    def organisation_id(self) -> uuid.UUID:
        return self.member.organisation_id


def practitioners_in_scope(query: ActivityQuery) -> CTE:
    """`user_id`, `membership_id`, `name`, `is_champion` of each practitioner counted."""
    return reported_practitioners(query.organisation_id, query.practitioners).cte("practitioner")


def completed_sessions(
    query: ActivityQuery,
    practitioners: CTE,
    *,
    until: datetime,
    since: datetime | None = None,
    kinds: Collection[BookingKind] | None = None,
) -> Subquery:
    """One row per practitioner and completed sitting starting in [since, until):
    `practitioner_user_id`, `starts_at`, `spent` (a `duration`), `is_coaching`."""
    occurrence = BookingOccurrence
    starts_at, user_id = col(occurrence.starts_at), col(BookingParticipant.user_id)
    conditions = [
        col(occurrence.organisation_id) == query.organisation_id,
        col(occurrence.status) == BookingStatus.completed,
        starts_at < until,
    ]
    if since is not None:
        conditions.append(starts_at >= since)
    if kinds is not None:
        conditions.append(col(Booking.kind).in_(list(kinds)))
    return (
        select(
            user_id.label("practitioner_user_id"),
            starts_at.label("starts_at"),
            duration(starts_at, col(occurrence.ends_at)).label("spent"),
            col(Booking.kind).in_(list(COACHING_KINDS)).label("is_coaching"),
        )
        .select_from(occurrence)
        .join(Booking, col(Booking.id) == col(occurrence.booking_id))
        .join(BookingParticipant, col(BookingParticipant.booking_id) == col(Booking.id))
        .join(practitioners, practitioners.c.user_id == user_id)
        .where(*conditions)
        .subquery("completed_session")
    )


def ratings(
    query: ActivityQuery, practitioners: CTE, *, until: datetime, since: datetime | None = None
) -> Subquery:
    """The counted observations of the practitioners submitted in [since, until):
    `practitioner_user_id`, `recording_id`, `submitted_at`."""
    counted = counted_observations(query.organisation_id)
    submitted_at = counted.c.submitted_at
    conditions = [
        counted.c.practitioner_user_id.in_(select(practitioners.c.user_id)),
        not_blind(query.member, counted.c.recording_id),
        submitted_at < until,
    ]
    if since is not None:
        conditions.append(submitted_at >= since)
    if query.programme_id is not None:
        conditions.append(counted.c.programme_id == query.programme_id)
    return (
        select(counted.c.practitioner_user_id, counted.c.recording_id, submitted_at)
        .where(*conditions)
        .subquery("rating")
    )


def whole_total(values: ColumnElement[Any] | Mapped[int]) -> ColumnElement[int]:
    """A sum of whole numbers that stays one (PostgreSQL sums a BIGINT as NUMERIC)."""
    return cast(func.coalesce(func.sum(values), 0), BigInteger)
