"""Request and response shapes of calibration exercises."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.review.agreement_report.schemas import GoldDeviation, PairAgreement, Statistic
from app.schemas import StrictModel


class CalibrationCreate(StrictModel):
    title: str = Field(min_length=1, max_length=200)
    recording_id: uuid.UUID = Field(
        description="The master recording: its consent must allow training."
    )
    rubric_version_id: uuid.UUID = Field(
        description="A published version of a rubric of the recording's programme."
    )
    rater_user_ids: list[uuid.UUID] = Field(
        min_length=2,
        max_length=50,
        description="Coaches or leads of the organisation who score the recording blind.",
    )
    gold_observation_id: uuid.UUID | None = Field(
        default=None,
        description="A submitted observation of the recording with the same rubric version, "
        "the raters are measured against.",
    )


class CalibrationRaterRead(BaseModel):
    user_id: uuid.UUID
    display_name: str
    submitted: bool


class CalibrationRead(BaseModel):
    id: uuid.UUID
    title: str
    recording_id: uuid.UUID
    recording_title: str | None = Field(
        description="The master recording's title; null for a rater once it is erased."
    )
    rubric_version_id: uuid.UUID
    gold_observation_id: uuid.UUID | None
    status: str
    created_at: datetime
    closed_at: datetime | None
    raters: list[CalibrationRaterRead]
    my_observation_id: uuid.UUID | None = Field(
        description="The caller's own observation in this exercise, once begun."
    )
    i_am_rater: bool


class CalibrationStatistics(BaseModel):
    units: int = Field(description="Criteria scored by two or more raters.")
    complete_units: int = Field(
        description="Criteria every rater scored: Fleiss' kappa and the ICCs use these."
    )
    raters: int
    exact_agreement: Statistic
    adjacent_agreement: Statistic
    fleiss_kappa: Statistic
    icc_1_1: Statistic
    icc_2_1: Statistic
    icc_3_1: Statistic
    icc_1_k: Statistic
    icc_2_k: Statistic
    icc_3_k: Statistic
    krippendorff_alpha_nominal: Statistic
    krippendorff_alpha_ordinal: Statistic
    krippendorff_alpha_interval: Statistic
    krippendorff_alpha_ratio: Statistic
    rater_pairs: list[PairAgreement]


class RaterLevel(BaseModel):
    rater_user_id: uuid.UUID
    level: int | None = Field(description="None: scored not applicable.")


class CriterionResult(BaseModel):
    code: str
    title: str
    gold_level: int | None
    levels: list[RaterLevel]
    exact_agreement: Statistic
    adjacent_agreement: Statistic


class CalibrationResults(BaseModel):
    exercise_id: uuid.UUID
    status: str
    scale_levels: list[int]
    submitted_raters: int
    overall: CalibrationStatistics
    criteria: list[CriterionResult] = Field(
        description="Each criterion: every rater's level (a rater reading sees only their "
        "own) and the gold level."
    )
    gold_standard_deviations: list[GoldDeviation] = Field(
        description="Each rater against gold (a rater reading sees only their own)."
    )
