"""Clashes: nobody, the organiser included, is booked twice at once.

A new or moved occurrence may not overlap a confirmed occurrence of anyone taking part.
A coach with booking rules (CoachBookingRules) also keeps `buffer_minutes` free between
sessions; without rules, sessions may follow each other directly. Only bookings of the
same organisation count, and a clash names the other booking (its title and ids) only to a
caller who may see it (app/access/bookings.py); anyone else learns that the person is busy
then, and nothing of what with.

Two requests booking the same person at once must not both succeed: the people involved
are locked (their user_account rows, in id order) before looking, so the second waits
for the first to commit and then sees its occurrences. SQLite has one writer at a time,
and a second writer whose reads went stale is refused (503, try again).
"""

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CompoundSelect, Select, union_all, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.access import Member
from app.access.bookings import visible_among
from app.errors import Conflict
from app.models import Booking, BookingOccurrence, BookingParticipant, BookingStatus, User
from app.models.booking import CoachBookingRules

Interval = tuple[datetime, datetime]
MAX_NAMED = 20


@dataclass(frozen=True)
class Clash:
    """Someone's confirmed occurrence that a new interval would overlap (or come too near)."""

    user_id: uuid.UUID
    name: str
    booking_id: uuid.UUID
    occurrence_id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime

    def as_json(self, *, named: bool) -> dict[str, Any]:
        """`named`: the reader may see the booking, so its title and ids are told."""
        return {
            "user_id": str(self.user_id),
            "name": self.name,
            "booking_id": str(self.booking_id) if named else None,
            "occurrence_id": str(self.occurrence_id) if named else None,
            "title": self.title if named else None,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
        }

    def what(self, *, named: bool) -> str:
        return f"“{self.title}”" if named else "a booking"


def ensure_free(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    user_ids: Collection[uuid.UUID],
    intervals: Sequence[Interval],
    reader: Member,
    ignore: Collection[uuid.UUID] = (),
) -> None:
    """Lock the people, then refuse (409 booking_conflict) if any of `intervals` clashes
    with a confirmed occurrence of theirs other than those in `ignore` (being replaced);
    the answer names only the bookings `reader` (the caller) may see."""
    lock_people(db, user_ids)
    found = clashes(
        db, organisation_id=organisation_id, user_ids=user_ids, intervals=intervals, ignore=ignore
    )
    if found:
        told = found[:MAX_NAMED]
        seen = visible_among(db, member=reader, booking_ids={clash.booking_id for clash in told})
        first = found[0]
        raise Conflict(
            f"{first.name} already has {first.what(named=first.booking_id in seen)} from "
            f"{first.starts_at.isoformat()} to {first.ends_at.isoformat()}"
            + (f", and {len(found) - 1} more clash" if len(found) > 1 else "")
            + ": choose another time.",
            code="booking_conflict",
            extra={"clashes": [clash.as_json(named=clash.booking_id in seen) for clash in told]},
        )


def lock_people(db: Session, user_ids: Iterable[uuid.UUID]) -> None:
    """Hold these people's rows until the transaction ends, so two bookings for one
    person are checked one after the other. Always in id order, so two requests locking
    overlapping sets cannot deadlock.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite ignores FOR UPDATE and its driver begins a
    transaction only at the first write, so both requests would read before either
    wrote: a write that changes nothing takes the database's one write lock first."""
    ids = sorted(set(user_ids))
    if db.get_bind().dialect.name == "sqlite":
        db.exec(update(User).where(col(User.id).in_(ids)).values(is_active=User.is_active))
        return
    statement = select(User.id).where(col(User.id).in_(ids)).order_by(col(User.id))
    db.exec(statement.with_for_update()).all()


def clashes(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    user_ids: Collection[uuid.UUID],
    intervals: Sequence[Interval],
    ignore: Collection[uuid.UUID] = (),
) -> list[Clash]:
    """Each confirmed occurrence of these people that one of `intervals` overlaps, or
    comes nearer to than the person's buffer; in order of start."""
    if not intervals or not user_ids:
        return []
    buffers = buffers_of(db, organisation_id=organisation_id, user_ids=user_ids)
    widest = timedelta(minutes=max(buffers.values(), default=0))
    window = (min(s for s, _ in intervals) - widest, max(e for _, e in intervals) + widest)
    found = []
    for row in _confirmed(db, organisation_id, user_ids, window, ignore):
        buffer = timedelta(minutes=buffers.get(row.user_id, 0))
        if any(
            row.starts_at < end + buffer and start - buffer < row.ends_at
            for start, end in intervals
        ):
            found.append(row)
    return sorted(found, key=lambda clash: (clash.starts_at, clash.name))


def busy_intervals(
    db: Session, organisation_id: uuid.UUID, user_id: uuid.UUID, start: datetime, end: datetime
) -> list[Interval]:
    """When this person may not be booked between `start` and `end`: their confirmed
    occurrences, each widened by their buffer on both sides, merged, in order."""
    buffers = buffers_of(db, organisation_id=organisation_id, user_ids=[user_id])
    buffer = timedelta(minutes=buffers.get(user_id, 0))
    rows = _confirmed(db, organisation_id, [user_id], (start - buffer, end + buffer), ())
    merged: list[Interval] = []
    for row in sorted(rows, key=lambda clash: clash.starts_at):
        busy_from, busy_until = row.starts_at - buffer, row.ends_at + buffer
        if merged and busy_from <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], busy_until))
        else:
            merged.append((busy_from, busy_until))
    return merged


def buffers_of(
    db: Session, *, organisation_id: uuid.UUID, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Buffer minutes of those of these people who have booking rules."""
    statement = select(CoachBookingRules.coach_user_id, CoachBookingRules.buffer_minutes).where(
        col(CoachBookingRules.organisation_id) == organisation_id,
        col(CoachBookingRules.coach_user_id).in_(list(user_ids)),
    )
    return {user_id: minutes for user_id, minutes in db.exec(statement)}


def _confirmed(
    db: Session,
    organisation_id: uuid.UUID,
    user_ids: Collection[uuid.UUID],
    window: Interval,
    ignore: Collection[uuid.UUID],
) -> list[Clash]:
    """Confirmed occurrences of these people overlapping `window`, once per person."""
    taking_part = _taking_part(organisation_id).subquery()
    statement = (
        select(BookingOccurrence, Booking.title, User)
        .join(Booking, col(Booking.id) == col(BookingOccurrence.booking_id))
        .join(taking_part, taking_part.c.booking_id == col(Booking.id))
        .join(User, col(User.id) == taking_part.c.user_id)
        .where(
            col(BookingOccurrence.organisation_id) == organisation_id,
            col(BookingOccurrence.status) == BookingStatus.confirmed,
            col(BookingOccurrence.starts_at) < window[1],
            col(BookingOccurrence.ends_at) > window[0],
            taking_part.c.user_id.in_(list(user_ids)),
            col(BookingOccurrence.id).not_in(list(ignore)),
        )
    )
    return [
        Clash(
            user_id=user.id,
            name=person_name(user),
            booking_id=occurrence.booking_id,
            occurrence_id=occurrence.id,
            title=title,
            starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at,
        )
        for occurrence, title, user in db.exec(statement)
    ]


def _taking_part(organisation_id: uuid.UUID) -> CompoundSelect[uuid.UUID, uuid.UUID]:
    """(booking_id, user_id) for everyone taking part in a booking: organiser and
    participants alike."""
    organisers: Select[uuid.UUID, uuid.UUID] = sa_select(
        col(Booking.id).label("booking_id"), col(Booking.organiser_user_id).label("user_id")
    ).where(col(Booking.organisation_id) == organisation_id)
    participants: Select[uuid.UUID, uuid.UUID] = sa_select(
        col(BookingParticipant.booking_id).label("booking_id"),
        col(BookingParticipant.user_id).label("user_id"),
    ).where(col(BookingParticipant.organisation_id) == organisation_id)
    return union_all(organisers, participants)


def person_name(user: User) -> str:
    return user.display_name or user.email
