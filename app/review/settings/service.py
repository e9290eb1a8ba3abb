"""Reading and changing a programme's review settings. Without a row, the defaults apply."""

import uuid

from sqlalchemy import ColumnElement, func
from sqlmodel import Session

from app.access import Member, load_scoped, scoped
from app.audit import service as audit
from app.audit.context import AuditContext
from app.models import Programme, ReviewSettings
from app.models.base import utcnow
from app.review import counting
from app.review.settings.schemas import ReviewSettingsUpdate

SWITCHED_OFF_BY_NULL = frozenset({"double_coding_every_nth", "recalibration_below_percent"})

DEFAULTS = ReviewSettings(organisation_id=uuid.UUID(int=0), programme_id=uuid.UUID(int=0))


def default_of(name: str) -> object:
    return getattr(DEFAULTS, name)


def setting_column(name: str) -> ColumnElement[object]:
    """A settings column that falls back to its default when the programme has no row
    (for queries that outer-join review_settings)."""
    column = getattr(ReviewSettings, name)
    return func.coalesce(column, default_of(name))


def settings_for(
    db: Session, *, organisation_id: uuid.UUID, programme_id: uuid.UUID
) -> ReviewSettings:
    row = db.exec(
        scoped(ReviewSettings, organisation_id).where(ReviewSettings.programme_id == programme_id)
    ).first()
    if row is not None:
        return row
    # Not added to the session: reading settings never writes a row.
    return ReviewSettings(organisation_id=organisation_id, programme_id=programme_id)


def read_settings(db: Session, *, member: Member, programme_id: uuid.UUID) -> ReviewSettings:
    _programme(db, member, programme_id)
    return settings_for(db, organisation_id=member.organisation_id, programme_id=programme_id)


def update_settings(
    db: Session,
    *,
    lead: Member,
    programme_id: uuid.UUID,
    body: ReviewSettingsUpdate,
    context: AuditContext,
) -> ReviewSettings:
    _programme(db, lead, programme_id)
    row = settings_for(db, organisation_id=lead.organisation_id, programme_id=programme_id)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field not in SWITCHED_OFF_BY_NULL:
            continue  # null means "keep" for the others
        setattr(row, field, value)
    row.updated_at = utcnow()
    row.updated_by_user_id = lead.user.id
    db.add(row)
    db.flush()
    if "second_ratings_are_feedback" in changes:
        counting.recount(db, lead.organisation_id, programme_id=programme_id)
    audit.record(
        db,
        action="review_settings.updated",
        resource_type="programme",
        resource_id=programme_id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
        details=body.model_dump(mode="json", exclude_unset=True),
    )
    return row


def _programme(db: Session, member: Member, programme_id: uuid.UUID) -> Programme:
    return load_scoped(
        db,
        Programme,
        organisation_id=member.organisation_id,
        row_id=programme_id,
        label="Programme",
    )
