"""Request and response shapes of time-stamped comments on a recording."""

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from app.schemas import NOT_BLANK, Milliseconds, StrictModel, Trimmed, left_out

Body = Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=NOT_BLANK), Trimmed]
CriterionCode = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=NOT_BLANK), Trimmed
]


class CommentCreate(StrictModel):
    start_ms: Milliseconds = Field(description="The moment in the media, in milliseconds.")
    end_ms: Milliseconds | None = Field(
        default=None, description="Optional end of the span, after start_ms."
    )
    criterion_code: CriterionCode | None = Field(
        default=None,
        description="Code of a criterion of a published rubric of the recording's programme.",
    )
    body: Body

    @model_validator(mode="after")
    def _span_runs_forward(self) -> Self:
        if self.end_ms is not None and self.end_ms <= self.start_ms:
            raise ValueError("end_ms must be after start_ms")
        return self


class CommentUpdate(StrictModel):
    """Only the fields sent change; send end_ms or criterion_code as null to clear them."""

    start_ms: Milliseconds = left_out()
    end_ms: Milliseconds | None = None
    criterion_code: CriterionCode | None = None
    body: Body = left_out()


class ReplyCreate(StrictModel):
    body: Body


class ReplyRead(BaseModel):
    id: uuid.UUID
    parent_id: uuid.UUID
    author_user_id: uuid.UUID | None
    author_name: str | None
    body: str
    created_at: datetime
    edited_at: datetime | None


class CommentRead(BaseModel):
    """A thread: the comment at a moment and its replies, oldest first.

    A deleted comment that still has replies stays as a tombstone: `deleted` is true
    and `body` is null, so the replies keep their context in the timeline.
    """

    id: uuid.UUID
    recording_id: uuid.UUID
    author_user_id: uuid.UUID | None
    author_name: str | None
    start_ms: int
    end_ms: int | None
    criterion_code: str | None
    body: str | None
    deleted: bool
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    resolved: bool
    resolved_at: datetime | None
    resolved_by_user_id: uuid.UUID | None
    replies: list[ReplyRead]
