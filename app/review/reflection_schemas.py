"""Request and response shapes of reflections and the replies under them."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.schemas import NOT_BLANK, StrictModel, Trimmed

Section = Annotated[str, StringConstraints(max_length=8000), Trimmed]
Body = Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=NOT_BLANK), Trimmed]


class ReflectionWrite(StrictModel):
    """The whole reflection: a section left out is saved empty."""

    went_well: Section = Field(default="", description="What went well.")
    do_differently: Section = Field(default="", description="What I would do differently.")
    want_help: Section = Field(default="", description="Where I want help.")
    notes: Section = Field(default="", description="Anything else, in my own words.")


class ReflectionRead(BaseModel):
    id: uuid.UUID
    recording_id: uuid.UUID
    owner_user_id: uuid.UUID
    went_well: str
    do_differently: str
    want_help: str
    notes: str
    created_at: datetime
    updated_at: datetime
    shared: bool
    shared_at: datetime | None
    edited_at: datetime | None = Field(description="Last edit after sharing, if any.")


class ReflectionReplyCreate(StrictModel):
    body: Body


class ReflectionReplyRead(BaseModel):
    id: uuid.UUID
    reflection_id: uuid.UUID
    author_user_id: uuid.UUID | None
    author_name: str | None
    body: str
    created_at: datetime
