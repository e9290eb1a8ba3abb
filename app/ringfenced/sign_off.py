"""Signing off a practitioner's time for a period, which locks it, and reopening it.

`ensure_open` is the lock: whatever changes a practitioner's time on a day (logging or
removing time, completing a session) asks it first.
"""

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col

from app.access import Member, scoped
from app.access import time as policy
from app.audit.context import AuditContext
from app.errors import Conflict, naming_field
from app.models import TimeSignOff
from app.models.base import utcnow
from app.reports.period import MAX_RANGE_DAYS, today
from app.ringfenced import checks
from app.ringfenced.checks import invalid, require_order, require_practitioner
from app.ringfenced.schemas import SignOffCreate, SignOffReopen
from app.schemas import Page


def ensure_open(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    practitioner_user_ids: Collection[uuid.UUID],
    on_date: date,
    field: str | None = None,
) -> None:
    """409 `period_signed_off` when `on_date` (a day in the organisation's time zone) lies
    in a signed-off period of any of these practitioners; naming `field`, the part of the
    request that chose the day, when there is one."""
    if not practitioner_user_ids:
        return
    locked = _in_force(organisation_id).where(
        col(TimeSignOff.practitioner_user_id).in_(list(practitioner_user_ids)),
        col(TimeSignOff.period_start) <= on_date,
        col(TimeSignOff.period_end) >= on_date,
    )
    sign_off = db.exec(locked.order_by(col(TimeSignOff.period_start))).first()
    if sign_off is None:
        return
    message = (
        f"{on_date.isoformat()} is in a period signed off "
        f"({sign_off.period_start.isoformat()} to {sign_off.period_end.isoformat()}); "
        "a supervisor or lead must reopen it first."
    )
    extra = {
        "sign_off_id": str(sign_off.id),
        "practitioner_user_id": str(sign_off.practitioner_user_id),
    }
    if field is None:
        raise Conflict(message, code="period_signed_off", extra=extra)
    raise naming_field(Conflict, field, message, code="period_signed_off", **extra)


def _in_force(organisation_id: uuid.UUID) -> Any:
    return scoped(TimeSignOff, organisation_id).where(col(TimeSignOff.reopened_at).is_(None))


def list_sign_offs(
    db: Session, *, member: Member, page: Page, practitioner_user_id: uuid.UUID | None = None
) -> list[TimeSignOff]:
    """Newest period first, reopened ones included (with who reopened them and why)."""
    practitioner = col(TimeSignOff.practitioner_user_id)
    statement = scoped(TimeSignOff, member.organisation_id).where(
        policy.visible(member, practitioner)
    )
    if practitioner_user_id is not None:
        statement = statement.where(practitioner == practitioner_user_id)
    ordered = statement.order_by(
        col(TimeSignOff.period_start).desc(), col(TimeSignOff.signed_at).desc(), col(TimeSignOff.id)
    )
    return list(db.exec(page.of(ordered)))


def sign_off(
    db: Session, *, member: Member, body: SignOffCreate, context: AuditContext
) -> TimeSignOff:
    """Confirm a practitioner's time for days that have begun; none of them may already be
    signed off."""
    require_practitioner(
        db, organisation_id=member.organisation_id, user_id=body.practitioner_user_id, lock=True
    )
    policy.require_manage(db, member=member, practitioner_user_id=body.practitioner_user_id)
    _check_period(body, ZoneInfo(member.organisation.time_zone))
    _refuse_overlap(db, member.organisation_id, body)
    row = TimeSignOff(
        organisation_id=member.organisation_id,
        signed_by_user_id=member.user_id,
        **body.model_dump(),
    )
    db.add(row)
    db.flush()
    checks.record(db, "time_sign_off.signed", row, member=member, context=context, **_period(row))
    return row


def _check_period(body: SignOffCreate, zone: ZoneInfo) -> None:
    require_order(
        body.period_start, body.period_end, first_field="period_start", last_field="period_end"
    )
    if body.period_end > today(zone):
        raise invalid("period_end", "must not be after today.", code="period_not_ended")
    if (body.period_end - body.period_start).days + 1 > MAX_RANGE_DAYS:
        raise invalid(
            "period_end", f"a period covers at most {MAX_RANGE_DAYS} days.", code="invalid_period"
        )


def _refuse_overlap(db: Session, organisation_id: uuid.UUID, body: SignOffCreate) -> None:
    overlapping = _in_force(organisation_id).where(
        col(TimeSignOff.practitioner_user_id) == body.practitioner_user_id,
        col(TimeSignOff.period_start) <= body.period_end,
        col(TimeSignOff.period_end) >= body.period_start,
    )
    clash = db.exec(overlapping).first()
    if clash is not None:
        raise Conflict(
            f"period_start: {clash.period_start.isoformat()} to "
            f"{clash.period_end.isoformat()} is already signed off; reopen it first.",
            code="sign_off_overlap",
            extra={"sign_off_id": str(clash.id)},
        )


def reopen(
    db: Session,
    *,
    member: Member,
    sign_off: TimeSignOff,
    body: SignOffReopen,
    context: AuditContext,
) -> TimeSignOff:
    """Unlock a signed-off period, saying why; the sign-off stays on record."""
    policy.require_manage(db, member=member, practitioner_user_id=sign_off.practitioner_user_id)
    if sign_off.reopened_at is not None:
        raise Conflict("This sign-off is already reopened.", code="sign_off_reopened")
    sign_off.reopened_at = utcnow()
    sign_off.reopened_by_user_id = member.user_id
    sign_off.reopen_reason = body.reason
    db.add(sign_off)
    db.flush()
    checks.record(
        db,
        "time_sign_off.reopened",
        sign_off,
        member=member,
        context=context,
        reason=body.reason,
        **_period(sign_off),
    )
    return sign_off


def _period(row: TimeSignOff) -> dict[str, Any]:
    return {"period_start": row.period_start.isoformat(), "period_end": row.period_end.isoformat()}
