"""Review settings of a programme, with the defaults that apply until a lead sets them."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import JsonBool, JsonFloat, JsonInt, StrictModel


class ReviewSettingsUpdate(StrictModel):
    """Every field is optional; the ones left out (or sent as null) keep their value, but
    for the two rules that null switches off (double_coding_every_nth,
    recalibration_below_percent)."""

    double_coding_every_nth: JsonInt | None = Field(
        default=None,
        ge=1,
        le=1000,
        description=(
            "Every Nth recording of the programme to get a first submitted observation is "
            "given a second rater, chosen among the practitioner's other assigned coaches. "
            "Null turns the rule off."
        ),
    )
    second_ratings_are_feedback: JsonBool | None = Field(
        default=None,
        description=(
            "Whether second raters' observations are feedback to the practitioner (shown to "
            "them and counted in fidelity status). Off by default: they are for agreement."
        ),
    )
    rolling_window: JsonInt | None = Field(default=None, ge=1, le=50)
    drift_consecutive_below: JsonInt | None = Field(default=None, ge=1, le=50)
    drift_window: JsonInt | None = Field(default=None, ge=1, le=25)
    drift_drop_points: JsonFloat | None = Field(default=None, ge=0, le=100)
    certification_passes: JsonInt | None = Field(default=None, ge=1, le=50)
    recertification_days: JsonInt | None = Field(default=None, ge=1, le=3650)
    objective_ready_window: JsonInt | None = Field(default=None, ge=1, le=50)
    recalibration_below_percent: JsonFloat | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Flag a rater for recalibration in a month when their exact agreement "
        "with other raters, or with gold standards, is below this percentage. Null turns "
        "the flag off.",
    )


class ReviewSettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    programme_id: uuid.UUID
    double_coding_every_nth: int | None
    second_ratings_are_feedback: bool = Field(
        description="Second raters' observations count as feedback to the practitioner."
    )
    rolling_window: int = Field(description="Observations averaged for rolling fidelity.")
    drift_consecutive_below: int = Field(
        description="Drift when this many latest observations all fail the fidelity rule."
    )
    drift_window: int = Field(
        description="Drift compares the mean of the last N observations with the N before."
    )
    drift_drop_points: float = Field(
        description="Drift when that mean dropped by more than this many percentage points."
    )
    certification_passes: int = Field(
        description="Certified after this many consecutive observations meeting fidelity."
    )
    recertification_days: int = Field(description="Certification is due again after this.")
    objective_ready_window: int = Field(
        description="An objective is ready to mark achieved when its criteria reached their "
        "target level in each of the last N submitted observations."
    )
    recalibration_below_percent: float | None = Field(
        description="Raters below this exact agreement in a month are flagged for "
        "recalibration in the agreement report; null: nobody is flagged."
    )
    updated_at: datetime | None
    updated_by_user_id: uuid.UUID | None
