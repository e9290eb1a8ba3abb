"""Allocations: minutes per week or month of a category, ring-fenced for a practitioner
between two dates. Services flush, never commit."""

import uuid
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col

from app.access import Member, scoped
from app.access import time as policy
from app.audit.context import AuditContext
from app.errors import Conflict
from app.models import AllocationPeriod, TimeAllocation, TimeCategory
from app.ringfenced import checks
from app.ringfenced.checks import invalid, require_order, require_practitioner
from app.ringfenced.schemas import MAX_ALLOCATION_MINUTES, AllocationCreate, AllocationUpdate
from app.schemas import Page


def list_allocations(
    db: Session,
    *,
    member: Member,
    page: Page,
    practitioner_user_id: uuid.UUID | None = None,
    category: TimeCategory | None = None,
) -> list[TimeAllocation]:
    practitioner = col(TimeAllocation.practitioner_user_id)
    statement = scoped(TimeAllocation, member.organisation_id).where(
        policy.visible(member, practitioner)
    )
    if practitioner_user_id is not None:
        statement = statement.where(practitioner == practitioner_user_id)
    if category is not None:
        statement = statement.where(col(TimeAllocation.category) == category)
    ordered = statement.order_by(
        practitioner,
        col(TimeAllocation.category),
        col(TimeAllocation.effective_from),
        col(TimeAllocation.id),
    )
    return list(db.exec(page.of(ordered)))


def create_allocation(
    db: Session, *, member: Member, body: AllocationCreate, context: AuditContext
) -> TimeAllocation:
    require_practitioner(
        db, organisation_id=member.organisation_id, user_id=body.practitioner_user_id, lock=True
    )
    policy.require_manage(db, member=member, practitioner_user_id=body.practitioner_user_id)
    allocation = TimeAllocation(
        organisation_id=member.organisation_id, set_by_user_id=member.user_id, **body.model_dump()
    )
    _check(db, allocation)
    db.add(allocation)
    db.flush()
    checks.record(
        db,
        "time_allocation.created",
        allocation,
        member=member,
        context=context,
        **_terms(allocation),
    )
    return allocation


def update_allocation(
    db: Session,
    *,
    member: Member,
    allocation: TimeAllocation,
    body: AllocationUpdate,
    context: AuditContext,
) -> TimeAllocation:
    """Change minutes, period or dates; category and practitioner stay (set a new one)."""
    practitioner_user_id = allocation.practitioner_user_id
    policy.require_manage(db, member=member, practitioner_user_id=practitioner_user_id)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "effective_until":
            raise invalid(field, "may not be null.", code="invalid")
    if not changes:
        return allocation
    require_practitioner(
        db, organisation_id=member.organisation_id, user_id=practitioner_user_id, lock=True
    )
    before = _terms(allocation)
    for field, value in changes.items():
        setattr(allocation, field, value)
    with db.no_autoflush:  # checked before anything is written
        _check(db, allocation)
    allocation.set_by_user_id = member.user_id
    db.add(allocation)
    db.flush()
    checks.record(
        db, "time_allocation.changed", allocation, member=member, context=context, before=before
    )
    return allocation


def delete_allocation(
    db: Session, *, member: Member, allocation: TimeAllocation, context: AuditContext
) -> None:
    policy.require_manage(db, member=member, practitioner_user_id=allocation.practitioner_user_id)
    checks.record(
        db,
        "time_allocation.deleted",
        allocation,
        member=member,
        context=context,
        **_terms(allocation),
    )
    db.delete(allocation)
    db.flush()


def _check(db: Session, allocation: TimeAllocation) -> None:
    require_order(
        allocation.effective_from,
        allocation.effective_until,
        first_field="effective_from",
        last_field="effective_until",
    )
    most = MAX_ALLOCATION_MINUTES[AllocationPeriod(allocation.period)]
    if allocation.minutes > most:
        raise invalid("minutes", f"at most {most} a {allocation.period}.", code="invalid_minutes")
    clash = _overlapping(db, allocation)
    if clash is not None:
        until = clash.effective_until.isoformat() if clash.effective_until else "open-ended"
        raise Conflict(
            f"effective_from: overlaps the {clash.category} allocation of "
            f"{clash.effective_from.isoformat()} to {until}; end that one first or change "
            "its minutes.",
            code="allocation_overlap",
            extra={"allocation_id": str(clash.id)},
        )


def _overlapping(db: Session, allocation: TimeAllocation) -> TimeAllocation | None:
    """Another allocation of the practitioner's in the category sharing at least a day."""
    until = col(TimeAllocation.effective_until)
    statement = scoped(TimeAllocation, allocation.organisation_id).where(
        col(TimeAllocation.practitioner_user_id) == allocation.practitioner_user_id,
        col(TimeAllocation.category) == allocation.category,
        col(TimeAllocation.id) != allocation.id,
        or_(until.is_(None), until >= allocation.effective_from),
    )
    if allocation.effective_until is not None:
        statement = statement.where(
            col(TimeAllocation.effective_from) <= allocation.effective_until
        )
    return db.exec(statement.order_by(col(TimeAllocation.effective_from))).first()


def _terms(allocation: TimeAllocation) -> dict[str, Any]:
    return {
        "category": allocation.category,
        "minutes": allocation.minutes,
        "period": allocation.period,
        "effective_from": allocation.effective_from.isoformat(),
        "effective_until": (
            allocation.effective_until.isoformat() if allocation.effective_until else None
        ),
    }
