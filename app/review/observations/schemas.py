"""Request and response shapes for observations, revisions and second raters."""

import uuid
from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.rubric.schemas import Level
from app.schemas import JsonBool, Milliseconds, StrictModel

MAX_TEXT = 20_000
MAX_MOMENTS = 50


class Moment(StrictModel):
    """A moment in the media backing a level, in milliseconds from the start."""

    at_ms: Milliseconds
    note: str = Field(default="", max_length=500)


class ScoreInput(StrictModel):
    """One criterion, by its code. Leave `level` out (null) while a draft is unfinished."""

    code: str = Field(min_length=1, max_length=40)
    level: Level | None = None
    not_applicable: JsonBool = False
    evidence: str = Field(default="", max_length=MAX_TEXT)
    moments: list[Moment] = Field(default_factory=list, max_length=MAX_MOMENTS)

    @model_validator(mode="after")
    def _level_or_na(self) -> Self:
        if self.not_applicable and self.level is not None:
            raise ValueError(f"{self.code}: give a level or mark it not applicable, not both")
        return self


class ObservationCreate(StrictModel):
    rubric_version_id: uuid.UUID
    summary: str = Field(default="", max_length=MAX_TEXT)
    scores: list[ScoreInput] = Field(default_factory=list, max_length=200)


class ObservationDraftUpdate(StrictModel):
    """Scores to save into a draft: the criteria named are replaced, the others kept."""

    summary: str | None = Field(default=None, max_length=MAX_TEXT)
    scores: list[ScoreInput] = Field(default_factory=list, max_length=200)


class ObservationAmend(ObservationDraftUpdate):
    reason: str = Field(min_length=1, max_length=2000)


class GoldStandardUpdate(StrictModel):
    is_gold_standard: JsonBool


class ScoreRead(BaseModel):
    criterion_id: uuid.UUID
    code: str
    title: str
    level: int | None
    not_applicable: bool
    evidence: str
    moments: list[Moment]


class ObservationRead(BaseModel):
    id: uuid.UUID
    recording_id: uuid.UUID
    rubric_version_id: uuid.UUID
    programme_id: uuid.UUID
    practitioner_user_id: uuid.UUID
    rater_user_id: uuid.UUID
    rater_role: str
    status: str
    revision: int
    is_gold_standard: bool
    summary: str
    weighted_percent: float | None
    meets_fidelity: bool | None
    below_minimum: list[str] = Field(
        description="Codes of scored criteria under their minimum level (submitted only)."
    )
    criteria_total: int
    criteria_scored: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    scores: list[ScoreRead]
    recording_title: str | None = Field(default=None, description="Its recording's title.")
    rater_name: str | None = Field(
        default=None, description="Who scored it (null once their account is gone)."
    )


class RevisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    revision: int
    summary: str
    scores: list[dict[str, object]]
    weighted_percent: float | None
    meets_fidelity: bool | None
    submitted_at: datetime
    amended_at: datetime
    amended_by_user_id: uuid.UUID | None
    reason: str


class SecondRaterCreate(StrictModel):
    user_id: uuid.UUID


class SecondRaterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    recording_id: uuid.UUID
    rater_user_id: uuid.UUID
    assigned_by_user_id: uuid.UUID | None
    source: str
    created_at: datetime
