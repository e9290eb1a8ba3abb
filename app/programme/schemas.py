"""Request and response shapes for programmes."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.schemas import StrictModel


class ProgrammeCreate(StrictModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)


class ProgrammeUpdate(StrictModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)


class ProgrammeRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime
