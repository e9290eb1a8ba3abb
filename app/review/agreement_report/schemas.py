"""The agreement report's shape. A statistic that cannot be computed on the data says why."""

import uuid
from datetime import date

from pydantic import BaseModel, Field


class Statistic(BaseModel):
    value: float | None
    reason: str | None = Field(
        default=None, description="Why there is no value (too few units, no variation...)."
    )


class RaterPair(BaseModel):
    rater_a_user_id: uuid.UUID
    rater_b_user_id: uuid.UUID
    units: int
    exact_agreement: Statistic
    adjacent_agreement: Statistic
    kappa_linear: Statistic
    kappa_quadratic: Statistic
    icc_2_1: Statistic
    icc_3_1: Statistic


class AgreementBlock(BaseModel):
    units: int = Field(description="Recording x criterion units scored by two or more raters.")
    raters: int
    exact_agreement: Statistic
    adjacent_agreement: Statistic
    krippendorff_alpha_ordinal: Statistic
    icc_2_1: Statistic = Field(
        description="Over units' first and second submitted ratings (the two coders)."
    )
    icc_3_1: Statistic
    rater_pairs: list[RaterPair]


class CriterionAgreement(AgreementBlock):
    code: str
    title: str


class GoldDeviation(BaseModel):
    rater_user_id: uuid.UUID
    units: int
    mean_signed_difference: float = Field(description="Above 0: scores higher than gold.")
    mean_absolute_difference: float
    exact_agreement: float


class AgreementReport(BaseModel):
    rubric_id: uuid.UUID
    rubric_version_ids: list[uuid.UUID]
    scale_levels: list[int]
    period_from: date | None
    period_to: date | None
    recordings: int
    observations: int
    overall: AgreementBlock
    criteria: list[CriterionAgreement]
    gold_standard_deviations: list[GoldDeviation]
