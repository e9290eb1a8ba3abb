"""Time logged outside bookings (planning, self-study...). Services flush, never commit."""

import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col

from app.access import Member, scoped
from app.access import time as policy
from app.audit.context import AuditContext
from app.models import TimeCategory, TimeEntry
from app.reports.period import today
from app.ringfenced import checks
from app.ringfenced.checks import invalid, lock_membership, require_practitioner
from app.ringfenced.schemas import TimeEntryCreate
from app.ringfenced.sign_off import ensure_open
from app.schemas import Page


def list_entries(
    db: Session,
    *,
    member: Member,
    page: Page,
    practitioner_user_id: uuid.UUID | None = None,
    category: TimeCategory | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> list[TimeEntry]:
    """Newest day first."""
    practitioner = col(TimeEntry.practitioner_user_id)
    on_date = col(TimeEntry.on_date)
    statement = scoped(TimeEntry, member.organisation_id).where(
        policy.visible(member, practitioner)
    )
    if practitioner_user_id is not None:
        statement = statement.where(practitioner == practitioner_user_id)
    if category is not None:
        statement = statement.where(col(TimeEntry.category) == category)
    if first_day is not None:
        statement = statement.where(on_date >= first_day)
    if last_day is not None:
        statement = statement.where(on_date <= last_day)
    ordered = statement.order_by(
        on_date.desc(), col(TimeEntry.created_at).desc(), col(TimeEntry.id)
    )
    return list(db.exec(page.of(ordered)))


def log_time(
    db: Session, *, member: Member, body: TimeEntryCreate, context: AuditContext
) -> TimeEntry:
    """Log time on a day that has begun and is not in a signed-off period."""
    practitioner_user_id = body.practitioner_user_id or member.user_id
    require_practitioner(
        db, organisation_id=member.organisation_id, user_id=practitioner_user_id, lock=True
    )
    policy.require_log(db, member=member, practitioner_user_id=practitioner_user_id)
    if body.on_date > today(ZoneInfo(member.organisation.time_zone)):
        raise invalid("on_date", "must not be after today.", code="date_in_future")
    ensure_open(
        db,
        organisation_id=member.organisation_id,
        practitioner_user_ids=[practitioner_user_id],
        on_date=body.on_date,
        field="on_date",
    )
    entry = TimeEntry(
        organisation_id=member.organisation_id,
        created_by_user_id=member.user_id,
        **{**body.model_dump(), "practitioner_user_id": practitioner_user_id},
    )
    db.add(entry)
    db.flush()
    checks.record(db, "time_entry.logged", entry, member=member, context=context, **_terms(entry))
    return entry


def delete_entry(db: Session, *, member: Member, entry: TimeEntry, context: AuditContext) -> None:
    policy.require_log(db, member=member, practitioner_user_id=entry.practitioner_user_id)
    lock_membership(db, organisation_id=entry.organisation_id, user_id=entry.practitioner_user_id)
    ensure_open(
        db,
        organisation_id=entry.organisation_id,
        practitioner_user_ids=[entry.practitioner_user_id],
        on_date=entry.on_date,
    )
    checks.record(db, "time_entry.deleted", entry, member=member, context=context, **_terms(entry))
    db.delete(entry)
    db.flush()


def _terms(entry: TimeEntry) -> dict[str, Any]:
    return {
        "category": entry.category,
        "on_date": entry.on_date.isoformat(),
        "minutes": entry.minutes,
    }
