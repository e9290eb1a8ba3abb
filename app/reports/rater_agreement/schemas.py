"""The agreement report's shape: one row per rubric, month and rater, and one per rubric
and month for all raters."""

import uuid
from datetime import date

from pydantic import BaseModel, Field

DRIFT_POINTS = 15
"""A rater's month is drifting when their exact agreement is this many percentage points or
more below their own, over their earlier months in the report."""


class AgreementRow(BaseModel):
    rubric_id: uuid.UUID
    rubric_title: str
    month: str = Field(
        description="YYYY-MM in the organisation's time zone: on a rater's row, the month "
        "the rater submitted their observation; on an all-raters row, the month the later "
        "of the two observations of each pair was submitted (when the pair came to be)."
    )
    rater_user_id: uuid.UUID | None = Field(
        description="Null: all raters, each pair of scores counted once."
    )
    rater_name: str | None = Field(description="Null on an all-raters row.")
    recordings_compared: int = Field(
        description="Recordings scored on the same rubric version by this rater and at "
        "least one other (double coding)."
    )
    score_pairs: int = Field(
        description="The rater's level on a criterion against another rater's level on the "
        "same recording and criterion, once per other rater; N/A and unscored left out."
    )
    exact_agreement_percent: float = Field(
        description="Pairs on the same level, of all pairs; one decimal, rounded half up."
    )
    adjacent_agreement_percent: float = Field(
        description="Pairs at most one level apart (the same level included); one decimal."
    )
    mean_signed_difference: float | None = Field(
        description="Mean of (this rater's level - the other rater's), two decimals: "
        "above 0 the rater scores higher than the others (bias). Null on an all-raters row, "
        "where it would be 0 by definition."
    )
    mean_absolute_difference: float = Field(
        description="Mean distance in levels between the two scores of a pair, two decimals."
    )
    earlier_exact_agreement_percent: float | None = Field(
        description="Exact agreement over the same rater's (or all raters') earlier months "
        "of the report, pooled; null in their first month."
    )
    drifting: bool = Field(
        description=f"Exact agreement this month is {DRIFT_POINTS} points or more below "
        "earlier_exact_agreement_percent. Few pairs make this noisy: read it with "
        "score_pairs."
    )
    gold_pairs: int = Field(
        description="Score pairs whose other side is a gold-standard observation."
    )
    gold_exact_agreement_percent: float | None = Field(
        description="Of those, the share on the gold level; null without gold pairs."
    )
    needs_recalibration: bool = Field(
        description="A rater's month below the programme's recalibration threshold "
        "(review settings), in exact agreement with other raters or with gold. Always "
        "false on all-raters rows and where the programme sets no threshold."
    )


class AgreementReport(BaseModel):
    first_day: date = Field(description="First day (organisation's zone) of submissions.")
    last_day: date = Field(description="Last day (included).")
    rubric_id: uuid.UUID | None = Field(description="The rubric asked for; null: every rubric.")
    drift_points: int = Field(default=DRIFT_POINTS, description="See `drifting`.")
    rows: list[AgreementRow] = Field(
        description="By rubric title, month, the all-raters row first, then raters by name."
    )
