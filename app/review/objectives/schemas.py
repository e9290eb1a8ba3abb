"""Request and response shapes for learning objectives, notes and evidence."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.models.review import EvidenceKind, ObjectiveStatus
from app.rubric.schemas import Level
from app.schemas import IsoDate, StrictModel, left_out


class ObjectiveCriterionInput(StrictModel):
    criterion_id: uuid.UUID
    target_level: Level


class ObjectiveCreate(StrictModel):
    practitioner_user_id: uuid.UUID
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)
    target_date: IsoDate | None = None
    criteria: list[ObjectiveCriterionInput] = Field(default_factory=list, max_length=50)


class ObjectiveUpdate(StrictModel):
    """Fields left out keep their value; `criteria`, when given, replaces the links; send
    target_date as null to clear it."""

    title: Annotated[str, Field(min_length=1, max_length=300)] = left_out()
    description: Annotated[str, Field(max_length=20_000)] = left_out()
    target_date: IsoDate | None = None
    status: ObjectiveStatus | None = None
    criteria: list[ObjectiveCriterionInput] | None = Field(default=None, max_length=50)


class NoteCreate(StrictModel):
    body: str = Field(min_length=1, max_length=20_000)


class EvidenceCreate(StrictModel):
    kind: EvidenceKind
    ref_id: uuid.UUID
    note: str = Field(default="", max_length=2000)


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    author_user_id: uuid.UUID | None
    body: str
    created_at: datetime


class EvidenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    ref_id: uuid.UUID
    note: str
    added_by_user_id: uuid.UUID | None
    created_at: datetime


class CriterionProgress(BaseModel):
    criterion_id: uuid.UUID
    rubric_id: uuid.UUID
    code: str
    title: str
    target_level: int
    reached_in_window: int = Field(
        description="How many of the last `ready_window` counted observations reached it."
    )
    ready_window: int


class ObjectiveRead(BaseModel):
    id: uuid.UUID
    practitioner_user_id: uuid.UUID
    created_by_user_id: uuid.UUID | None
    title: str
    description: str
    target_date: date | None
    status: str
    created_at: datetime
    updated_at: datetime
    achieved_at: datetime | None
    achieved_confirmed_by_user_id: uuid.UUID | None
    ready_to_mark_achieved: bool = Field(
        description="Every linked criterion reached its target level in each of the last N "
        "submitted observations; a person confirms by setting the status to achieved."
    )
    criteria: list[CriterionProgress]
    notes: list[NoteRead]
    evidence: list[EvidenceRead]
