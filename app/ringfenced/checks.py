"""Checks shared by allocations, logged time and sign-offs: the practitioner named in a
body, dates in order, the 422 that names the field, and their audit rows."""

import uuid
from datetime import date
from typing import Any, Protocol

from sqlmodel import Session, col, select

from app.access import Member
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Unprocessable, naming_field
from app.models import Membership, MembershipRole, Role


class PractitionersRow(Protocol):
    id: uuid.UUID
    organisation_id: uuid.UUID
    practitioner_user_id: uuid.UUID


def record(
    db: Session,
    action: str,
    row: PractitionersRow,
    *,
    member: Member,
    context: AuditContext,
    **details: Any,
) -> None:
    """Audit a change to a row of a practitioner's time; the action's prefix
    ("time_entry.logged") names the kind of row."""
    audit.record(
        db,
        action=action,
        resource_type=action.split(".")[0],
        resource_id=row.id,
        organisation_id=row.organisation_id,
        actor_user_id=member.user_id,
        context=context,
        details={"practitioner_user_id": str(row.practitioner_user_id), **details},
    )


def invalid(field: str, message: str, *, code: str) -> Unprocessable:
    """A 422 naming the field, in the shape of every validation error."""
    return naming_field(Unprocessable, field, message, code=code)


def require_practitioner(
    db: Session, *, organisation_id: uuid.UUID, user_id: uuid.UUID, lock: bool = False
) -> None:
    """422 unless `user_id` holds the practitioner role in this organisation. With `lock`,
    their membership row stays locked to the end of the transaction (PostgreSQL), so two
    requests about one practitioner's time are checked one after the other."""
    statement: Any = (
        select(Membership.id)
        .join(MembershipRole, col(MembershipRole.membership_id) == col(Membership.id))
        .where(
            col(Membership.organisation_id) == organisation_id,
            col(Membership.user_id) == user_id,
            col(MembershipRole.role) == Role.practitioner,
        )
    )
    if lock:
        statement = statement.with_for_update(of=Membership)
    if db.exec(statement).first() is None:
        raise invalid(
            "practitioner_user_id",
            "must be a practitioner of this organisation.",
            code="invalid_practitioner",
        )


def lock_membership(db: Session, *, organisation_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Hold the practitioner's membership row to the end of the transaction (PostgreSQL;
    SQLite has one writer at a time anyway), as `require_practitioner(lock=True)` does."""
    statement = (
        select(Membership.id)
        .where(
            col(Membership.organisation_id) == organisation_id, col(Membership.user_id) == user_id
        )
        .with_for_update()
    )
    db.exec(statement).first()


def require_order(first: date, last: date | None, *, first_field: str, last_field: str) -> None:
    if last is not None and last < first:
        raise invalid(last_field, f"must not be before {first_field}.", code="invalid_period")
