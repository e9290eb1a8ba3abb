"""Coaches' availability: weekly windows, booking rules and exceptions, on the
organisation's clock. Services flush, never commit."""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from app.access import Member, scoped
from app.access.availability import CoachAccess
from app.audit import service as audit
from app.audit.context import AuditContext
from app.booking.availability_schemas import (
    AvailabilityRead,
    AvailabilityUpdate,
    ExceptionCreate,
    RulesRead,
    WindowInput,
    WindowRead,
)
from app.booking.slots import Availability
from app.errors import NotFound, Unprocessable
from app.models import AvailabilityException, AvailabilityWindow, CoachBookingRules
from app.schemas import Page

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Problem = tuple[str, str]  # field, message


def rules_of(db: Session, coach: Member) -> CoachBookingRules:
    """The coach's rules, or the defaults (not stored) while they have set none."""
    key = (coach.organisation_id, coach.user_id)
    found = db.get(CoachBookingRules, key)
    return found or CoachBookingRules(organisation_id=key[0], coach_user_id=key[1])


def windows_of(db: Session, coach: Member) -> list[AvailabilityWindow]:
    statement = (
        scoped(AvailabilityWindow, coach.organisation_id)
        .where(AvailabilityWindow.coach_user_id == coach.user_id)
        .order_by(
            col(AvailabilityWindow.weekday),
            col(AvailabilityWindow.start_time),
            col(AvailabilityWindow.id),
        )
    )
    return list(db.exec(statement))


def availability_of(db: Session, coach: Member, *, first: date, last: date) -> Availability:
    """What the coach publishes, with the exceptions from `first` to `last`."""
    return Availability(
        zone=ZoneInfo(coach.organisation.time_zone),
        windows=windows_of(db, coach),
        exceptions=list(db.exec(_exceptions(coach, first=first, last=last))),
        rules=rules_of(db, coach),
    )


def read_availability(db: Session, coach: Member) -> AvailabilityRead:
    return AvailabilityRead(
        coach_user_id=coach.user_id,
        time_zone=coach.organisation.time_zone,
        windows=[
            WindowRead.model_validate(row, from_attributes=True) for row in windows_of(db, coach)
        ],
        rules=RulesRead.model_validate(rules_of(db, coach), from_attributes=True),
    )


def replace_availability(
    db: Session, *, access: CoachAccess, body: AvailabilityUpdate, context: AuditContext
) -> AvailabilityRead:
    """Replace the coach's weekly windows and rules, all or nothing."""
    refuse(window_problems(body))
    coach = access.coach
    db.exec(
        delete(AvailabilityWindow).where(
            col(AvailabilityWindow.organisation_id) == coach.organisation_id,
            col(AvailabilityWindow.coach_user_id) == coach.user_id,
        )
    )
    db.add_all(
        AvailabilityWindow(
            organisation_id=coach.organisation_id,
            coach_user_id=coach.user_id,
            **window.model_dump(),
        )
        for window in body.windows
    )
    rules = rules_of(db, coach)
    for field, value in body.rules.model_dump().items():
        setattr(rules, field, value)
    db.add(rules)
    db.flush()
    _audit(db, access, context, "availability.updated", windows=len(body.windows))
    return read_availability(db, coach)


def window_problems(body: AvailabilityUpdate) -> list[Problem]:
    """Every problem of the windows and rules at once, each naming its field."""
    problems = []
    slot_minutes = body.rules.slot_minutes
    for index, window in enumerate(body.windows):
        where = f"windows.{index}"
        if window.end_time <= window.start_time:
            problems.append((f"{where}.end_time", "must be after start_time"))
        elif _length(window.start_time, window.end_time) < timedelta(minutes=slot_minutes):
            problems.append(
                (
                    f"{where}.end_time",
                    f"the window is shorter than one slot ({slot_minutes} minutes)",
                )
            )
        if window.valid_from and window.valid_until and window.valid_until < window.valid_from:
            problems.append((f"{where}.valid_until", "must not be before valid_from"))
    problems += _overlaps(body)
    daily, weekly = body.rules.max_per_day, body.rules.max_per_week
    if daily is not None and weekly is not None and weekly < daily:
        problems.append(("rules.max_per_week", "must not be below max_per_day"))
    return problems


def _length(start: time, end: time) -> timedelta:
    """A window's length on an ordinary day (a change of clocks may lengthen or shorten it:
    see app/booking/slots.py)."""
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _overlaps(body: AvailabilityUpdate) -> list[Problem]:
    problems = []
    windows = list(enumerate(body.windows))
    for index, window in windows:
        for earlier, other in windows[:index]:
            if (
                window.weekday == other.weekday
                and window.start_time < other.end_time
                and other.start_time < window.end_time
                and _periods_meet(window, other)
            ):
                day = WEEKDAYS[window.weekday]
                problems.append((f"windows.{index}", f"overlaps windows.{earlier} on {day}"))
                break
    return problems


def _periods_meet(one: WindowInput, other: WindowInput) -> bool:
    starts_before_other_ends = (
        one.valid_from is None or other.valid_until is None or one.valid_from <= other.valid_until
    )
    other_starts_before_it_ends = (
        other.valid_from is None or one.valid_until is None or other.valid_from <= one.valid_until
    )
    return starts_before_other_ends and other_starts_before_it_ends


def refuse(problems: list[Problem]) -> None:
    """422 listing every problem, in the shape of a validation error."""
    if problems:
        fields = [{"field": field, "message": message} for field, message in problems]
        message = "; ".join(f"{field}: {text}" for field, text in problems)
        raise Unprocessable(message, code="validation_error", extra={"fields": fields})


def list_exceptions(
    db: Session, *, coach: Member, page: Page, first: date | None, last: date | None
) -> list[AvailabilityException]:
    return list(db.exec(page.of(_exceptions(coach, first=first, last=last))))


def _exceptions(
    coach: Member, *, first: date | None, last: date | None
) -> SelectOfScalar[AvailabilityException]:
    """The coach's exceptions in date order, whole days away first, optionally between
    two dates (inclusive)."""
    statement = scoped(AvailabilityException, coach.organisation_id).where(
        AvailabilityException.coach_user_id == coach.user_id
    )
    if first is not None:
        statement = statement.where(AvailabilityException.on_date >= first)
    if last is not None:
        statement = statement.where(AvailabilityException.on_date <= last)
    return statement.order_by(
        col(AvailabilityException.on_date),
        col(AvailabilityException.start_time).asc().nulls_first(),
        col(AvailabilityException.id),
    )


def add_exception(
    db: Session, *, access: CoachAccess, body: ExceptionCreate, context: AuditContext
) -> AvailabilityException:
    refuse(exception_problems(body))
    coach = access.coach
    exception = AvailabilityException(
        organisation_id=coach.organisation_id, coach_user_id=coach.user_id, **body.model_dump()
    )
    db.add(exception)
    db.flush()
    _audit(db, access, context, "availability.exception_added", exception_id=str(exception.id))
    return exception


def exception_problems(body: ExceptionCreate) -> list[Problem]:
    start, end = body.start_time, body.end_time
    if start is None and end is None:
        if body.available:
            return [("start_time", "extra hours need start_time and end_time")]
        return []
    if start is None:
        return [("start_time", "give both times, or neither for a whole day away")]
    if end is None:
        return [("end_time", "give both times, or neither for a whole day away")]
    if end <= start:
        return [("end_time", "must be after start_time")]
    return []


def delete_exception(
    db: Session, *, access: CoachAccess, exception_id: uuid.UUID, context: AuditContext
) -> None:
    coach = access.coach
    statement = scoped(AvailabilityException, coach.organisation_id).where(
        AvailabilityException.id == exception_id,
        AvailabilityException.coach_user_id == coach.user_id,
    )
    exception = db.exec(statement).first()
    if exception is None:
        raise NotFound("Exception not found.")
    db.delete(exception)
    db.flush()
    _audit(db, access, context, "availability.exception_deleted", exception_id=str(exception_id))


def _audit(
    db: Session, access: CoachAccess, context: AuditContext, action: str, **details: Any
) -> None:
    audit.record(
        db,
        action=action,
        resource_type="coach_availability",
        resource_id=access.coach.user_id,
        organisation_id=access.coach.organisation_id,
        actor_user_id=access.member.user_id,
        context=context,
        details=details,
    )
