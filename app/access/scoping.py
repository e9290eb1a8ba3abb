"""Organisation-scoped queries: a row of another organisation is never found."""

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access.members import Member, member_of
from app.errors import NotFound
from app.models import User

Row = TypeVar("Row", bound=SQLModel)


def scoped(model: type[Row], organisation_id: uuid.UUID) -> SelectOfScalar[Row]:
    column: Any = model.organisation_id  # type: ignore[attr-defined]
    return select(model).where(column == organisation_id)


def load_scoped(
    db: Session, model: type[Row], *, organisation_id: uuid.UUID, row_id: uuid.UUID, label: str
) -> Row:
    """The row of this organisation, or the resource's own 404 ("{label} not found.")."""
    column: Any = model.id  # type: ignore[attr-defined]
    row = db.exec(scoped(model, organisation_id).where(column == row_id)).first()
    if row is None:
        raise NotFound(f"{label} not found.")
    return row


def load_visible(
    db: Session,
    model: type[Row],
    *,
    user: User,
    row_id: uuid.UUID,
    rule: Callable[[Member], ColumnElement[bool]],
    label: str,
) -> tuple[Member, Row]:
    """The row and the caller as a member of its organisation, when `rule` lets them see
    it; otherwise "{label} not found." (404), in or out of the organisation alike."""
    row = db.get(model, row_id)
    if row is None:
        raise NotFound(f"{label} not found.")
    organisation_id: uuid.UUID = row.organisation_id  # type: ignore[attr-defined]
    member = member_of(db, user=user, organisation_id=organisation_id, label=label)
    column: Any = model.id  # type: ignore[attr-defined]
    if db.exec(select(column).where(column == row_id, rule(member))).first() is None:
        raise NotFound(f"{label} not found.")
    return member, row
