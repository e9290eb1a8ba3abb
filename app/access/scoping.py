"""Organisation-scoped queries: a row of another organisation is never found."""

import uuid
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from app.errors import NotFound

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
