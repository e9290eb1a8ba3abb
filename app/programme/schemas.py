"""Request and response shapes for programmes."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.schemas import StrictModel, left_out


class ProgrammeCreate(StrictModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)


class ProgrammeUpdate(StrictModel):
    """Only the fields sent change."""

    name: Annotated[str, Field(min_length=1, max_length=200)] = left_out()
    description: Annotated[str, Field(max_length=4000)] = left_out()
    rubric_version_id: uuid.UUID = left_out()


class RubricInUse(BaseModel):
    """The rubric version a programme's recordings are scored against."""

    rubric_version_id: uuid.UUID
    rubric_id: uuid.UUID
    rubric_title: str
    version: int


class ProgrammeRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime
    rubric_version_id: uuid.UUID | None = Field(
        description="The published rubric version new observations are scored against."
    )
    rubric_in_use: RubricInUse | None
