"""Request and response shapes for rubrics, and the JSON exchange document."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.rubric.scoring import ScoringFormula
from app.schemas import JsonBool, JsonFloat, JsonInt, StrictModel

MAX_CRITERIA = 50
MAX_LEVELS = 10
JSON_FORMAT = "tandem.rubric.v1"


# A level of a scale, as rubrics, scores and objectives give it.
Level = Annotated[JsonInt, Field(ge=0, le=100)]


class ScaleLevel(StrictModel):
    level: Level
    label: str = Field(max_length=100)


class CriterionData(StrictModel):
    section: str = Field(default="", max_length=200)
    code: str = Field(max_length=40)
    title: str = Field(max_length=300)
    guidance: str = Field(default="", max_length=4000)
    weight: JsonFloat
    min_level: Level | None = None
    na_allowed: JsonBool = False
    level_descriptors: list[str] = Field(max_length=MAX_LEVELS)


class RubricContent(StrictModel):
    """What a version holds. Rules across fields are checked by `validation`."""

    scale: list[ScaleLevel] = Field(max_length=MAX_LEVELS)
    fidelity_threshold_percent: Annotated[JsonFloat, Field(ge=0, le=100)]
    scoring_formula: ScoringFormula = Field(
        default=ScoringFormula.percent_of_maximum,
        description="How the weighted percent is computed: `percent_of_maximum` (sum of weight x "
        "level over sum of weight x top level) or `normalised` (the bottom of the scale counts "
        "as 0). N/A criteria count in neither sum.",
    )
    criteria: list[CriterionData] = Field(default_factory=list, max_length=MAX_CRITERIA)


class RubricContentInput(RubricContent):
    # Without a threshold, the organisation's fidelity default applies.
    fidelity_threshold_percent: Annotated[JsonFloat, Field(ge=0, le=100)] | None = None  # type: ignore[assignment]
    # Without a formula, a new rubric uses percent of maximum and a draft keeps its own.
    scoring_formula: ScoringFormula | None = None  # type: ignore[assignment]


class RubricCreate(RubricContentInput):
    programme_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200)


class RubricDocument(RubricContent):
    """The JSON export and import format: everything a version holds."""

    format: Literal["tandem.rubric.v1"] = "tandem.rubric.v1"
    title: str = Field(min_length=1, max_length=200)


class RubricPreview(RubricContent):
    """What an import would create, shown before anything is saved."""

    title: str
    sections: list[str]


class CriterionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    position: int
    section: str
    code: str
    title: str
    guidance: str
    weight: float
    min_level: int | None
    na_allowed: bool
    level_descriptors: list[str]


class VersionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    status: str
    fidelity_threshold_percent: float
    scoring_formula: ScoringFormula
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    retired_at: datetime | None


class RubricRead(BaseModel):
    id: uuid.UUID
    programme_id: uuid.UUID
    title: str
    created_at: datetime
    versions: list[VersionSummary]


class RubricVersionRead(VersionSummary):
    rubric_id: uuid.UUID
    programme_id: uuid.UUID
    title: str
    scale: list[ScaleLevel]
    sections: list[str]
    criteria: list[CriterionRead]
