"""The agreement report's shape. A statistic that cannot be computed on the data says why."""

import uuid
from datetime import date

from pydantic import BaseModel, Field


class Statistic(BaseModel):
    value: float | None
    reason: str | None = Field(
        default=None, description="Why there is no value (too few units, no variation...)."
    )


class PairAgreement(BaseModel):
    """Two raters over the units both scored (calibration exercises give this alone)."""

    rater_a_user_id: uuid.UUID
    rater_b_user_id: uuid.UUID
    units: int
    exact_agreement: Statistic
    adjacent_agreement: Statistic
    kappa_unweighted: Statistic
    kappa_linear: Statistic
    kappa_quadratic: Statistic


class RaterPair(PairAgreement):
    icc_2_1: Statistic
    icc_3_1: Statistic


class AgreementBlock(BaseModel):
    units: int = Field(description="Recording x criterion units scored by two or more raters.")
    raters: int
    exact_agreement: Statistic
    adjacent_agreement: Statistic
    krippendorff_alpha_nominal: Statistic
    krippendorff_alpha_ordinal: Statistic
    krippendorff_alpha_interval: Statistic
    krippendorff_alpha_ratio: Statistic
    fleiss_kappa: Statistic = Field(
        description="Every rating; defined when every unit has the same number of ratings."
    )
    icc_1_1: Statistic = Field(
        description="One-way ICC(1,1) over every rating of every unit: each recording is "
        "scored by its own raters (Shrout & Fleiss case 1), units with more ratings weighted "
        "by the unequal-groups analysis of variance. Rater pairs give ICC(2,1) and ICC(3,1)."
    )
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
