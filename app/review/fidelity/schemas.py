"""Fidelity figures: no evidence text and no media, so supervisors may see them."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class ObservationSummary(BaseModel):
    observation_id: uuid.UUID
    recording_id: uuid.UUID
    submitted_at: datetime
    weighted_percent: float
    meets_fidelity: bool


class FidelityStatus(BaseModel):
    practitioner_user_id: uuid.UUID
    programme_id: uuid.UUID
    observations: int = Field(description="Submitted observations counted, one per recording.")
    latest: list[ObservationSummary] = Field(description="The latest, newest first.")
    fidelity_threshold_percent: float = Field(
        description="Threshold of the rubric version of the latest observation."
    )
    rolling_percent: float = Field(description="Mean weighted percent of the rolling window.")
    rolling_window: int
    meets_fidelity: bool = Field(description="rolling_percent >= fidelity_threshold_percent.")
    drift: bool
    drift_reasons: list[str] = Field(
        description="consecutive_below: the latest N all failed the fidelity rule; "
        "drop: the mean of the last N fell by more than the set points from the N before."
    )
    recent_mean_percent: float | None = Field(
        description="Mean of the last `drift_window` observations; null until there are that many."
    )
    previous_mean_percent: float | None = Field(
        description="Mean of the `drift_window` observations before those; null until there are."
    )
    passing_streak: int = Field(description="Consecutive passing observations, latest first.")
    certified: bool
    certified_at: datetime | None = Field(
        description="When the latest run of consecutive passes reached the number required."
    )
    recertification_due_at: datetime | None
