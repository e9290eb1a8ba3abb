"""The organisation's audit trail as its lead reads it: narrowed by action, actor, target
and days of the organisation's calendar, newest first, a page at a time or every event as
CSV (read in batches while it is sent)."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Header, Query, Request
from sqlalchemy import ColumnElement, Row, Select
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from app.access import Member
from app.access.audit import readable_events
from app.models import AuditEvent, User
from app.organisation.schemas import AuditEventRead
from app.reports.csv import wants_csv
from app.reports.filters import FirstDay, Format, LastDay, refuse_unknown_parameters
from app.reports.period import check_days, local_midnight
from app.reports.streaming import streamed_rows
from app.schemas import Page


@dataclass(frozen=True)
class AuditFilters:
    """What the lead narrows the trail to; days are the organisation's, both included."""

    action: str | None = None
    actor_user_id: uuid.UUID | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    first_day: date | None = None
    last_day: date | None = None
    csv: bool = False


async def _audit_filters(
    request: Request,
    action: Annotated[
        str | None,
        Query(max_length=80, description="What was done: `GET audit-actions` lists them."),
    ] = None,
    actor_user_id: Annotated[uuid.UUID | None, Query(description="Who acted.")] = None,
    resource_type: Annotated[
        str | None, Query(max_length=80, description="The kind of target: recording...")
    ] = None,
    resource_id: Annotated[str | None, Query(max_length=80, description="The target's id.")] = None,
    first_day: FirstDay = None,
    last_day: LastDay = None,
    trail_format: Format = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> AuditFilters:
    # async: reading parameters needs no trip to the thread pool.
    refuse_unknown_parameters(request, of="the audit trail")
    check_days(first_day, last_day)
    return AuditFilters(
        action=action or None,
        actor_user_id=actor_user_id,
        resource_type=resource_type or None,
        resource_id=resource_id or None,
        first_day=first_day,
        last_day=last_day,
        csv=wants_csv(trail_format, accept),
    )


AuditFiltersDep = Annotated[AuditFilters, Depends(_audit_filters)]


def list_events(
    db: Session, *, lead: Member, filters: AuditFilters, page: Page
) -> list[AuditEventRead]:
    """A page of the trail, newest first, each event with who acted: two queries (what
    the lead may not read, then the page)."""
    rows = db.execute(page.of(_statement(db, lead, filters)))
    return [_read(row) for row in rows]


def every_event(db: Session, *, lead: Member, filters: AuditFilters) -> Iterator[AuditEventRead]:
    """Every event the filters keep, newest first, read while the CSV is sent."""
    return streamed_rows(db, _statement(db, lead, filters), shape=_read)


def list_actions(db: Session, *, lead: Member, page: Page) -> list[str]:
    """The actions the organisation's trail holds, alphabetically (what it can be narrowed
    to): two queries."""
    action = col(AuditEvent.action)
    in_organisation = col(AuditEvent.organisation_id) == lead.organisation_id
    readable = readable_events(db, lead=lead)
    statement = select(action).where(in_organisation, readable).distinct().order_by(action)
    return list(db.exec(page.of(statement)))


def csv_filename(filters: AuditFilters) -> str:
    days = [day.isoformat() for day in (filters.first_day, filters.last_day) if day]
    return "-".join(["audit-trail", *days]) + ".csv"


def _statement(db: Session, lead: Member, filters: AuditFilters) -> Select[Any]:
    columns: list[Any] = [
        AuditEvent,
        col(User.email).label("actor_email"),
        col(User.display_name).label("actor_name"),
    ]
    zone = ZoneInfo(lead.organisation.time_zone)
    return (
        select_rows(*columns)
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_user_id))
        .where(
            col(AuditEvent.organisation_id) == lead.organisation_id,
            readable_events(db, lead=lead),
            *_conditions(filters, zone),
        )
        # The id breaks ties: events of one request may share their instant.
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id))
    )


def _conditions(filters: AuditFilters, zone: ZoneInfo) -> list[ColumnElement[bool]]:
    wanted: list[ColumnElement[bool]] = []
    for column, value in (
        (col(AuditEvent.action), filters.action),
        (col(AuditEvent.actor_user_id), filters.actor_user_id),
        (col(AuditEvent.resource_type), filters.resource_type),
        (col(AuditEvent.resource_id), filters.resource_id),
    ):
        if value is not None:
            wanted.append(column == value)
    created_at = col(AuditEvent.created_at)
    if filters.first_day is not None:
        wanted.append(created_at >= local_midnight(filters.first_day, zone))
    if filters.last_day is not None:
        next_day = filters.last_day + timedelta(days=1)
        wanted.append(created_at < local_midnight(next_day, zone))
    return wanted


def _read(row: Row[Any]) -> AuditEventRead:
    values = row._mapping
    event: AuditEvent = values[AuditEvent]
    return AuditEventRead(
        id=event.id,
        created_at=event.created_at,
        actor_user_id=event.actor_user_id,
        actor_email=values["actor_email"],
        actor_name=values["actor_name"],
        action=event.action,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        details=event.details,
        ip_address=event.ip_address,
        request_id=event.request_id,
    )
